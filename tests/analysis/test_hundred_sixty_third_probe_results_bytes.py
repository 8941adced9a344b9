"""A results folder's CSV files (``per_user_<label>.csv``, ``calibration_<label>.csv``) and
``results.json`` holding bytes that are not UTF-8 text, or another format, or a header
naming one column twice. pandas' "can't decode byte 0xe9 in position 0" named a position
within a chunk it read, not the line; a gzip file was a decoding error of byte 1; and a
column named twice was refused as a column ``'ndcg@5.1'`` the file does not have. Now each
names the line (and byte) or the format, or the column and both its positions."""

from __future__ import annotations

import gzip
from pathlib import Path

from recstack.cli import main


def _per_user(folder: Path) -> Path:
    return next(folder.glob("per_user_*.csv"))


def _refused(folder: Path, capsys) -> str:
    assert main(["report", str(folder), "--out", str(folder / "r.html"), "--refit",
                 "none"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("recstack: error: "), err
    assert not (folder / "r.html").exists()
    return lines[0].removeprefix("recstack: error: ")


def test_a_latin1_byte_names_its_line_and_byte(results, capsys):
    path = _per_user(results)
    raw = path.read_bytes()
    lines = raw.split(b"\n")
    lines[3] = lines[3] + b"\xe9"  # line 4 of the file
    path.write_bytes(b"\n".join(lines))
    at = len(b"\n".join(lines[:3])) + 1 + len(lines[3]) - 1
    assert _refused(results, capsys) == (
        f"{path}: line 4: byte {at} (0xe9) is not UTF-8 text (recstack writes UTF-8); the "
        "file is damaged: rerun `recstack evaluate`")


def test_a_gzip_file_under_the_csv_name_is_named(results, capsys):
    path = _per_user(results)
    path.write_bytes(gzip.compress(path.read_bytes()))
    assert _refused(results, capsys) == (
        f"{path}: a gzip-compressed file, not CSV text (recstack writes UTF-8 CSV); the "
        "file is damaged: rerun `recstack evaluate`")


def test_a_utf16_results_file_is_named(results, capsys):
    path = results / "results.json"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    assert _refused(results, capsys) == (
        f"{path}: UTF-16 text, not JSON text (recstack writes UTF-8 JSON); the file is "
        "damaged: rerun `recstack evaluate`")


def test_a_column_named_twice_is_named_with_both_positions(results, capsys):
    path = _per_user(results)
    rows = path.read_text(encoding="utf-8").splitlines()
    column = rows[0].split(",")[1]
    width = len(rows[0].split(","))
    rows = [row + "," + row.split(",")[1] for row in rows]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert _refused(results, capsys) == (
        f"{path}: line 1: column {column!r} is named twice (columns 2 and {width + 1}); each "
        "column once; the file is damaged: rerun `recstack evaluate`")


def test_a_calibration_table_follows_the_same_rules(results, capsys):
    path = results / "calibration_most_popular.csv"
    path.write_bytes(b"mean_predicted,observed_rate,count,count\n0.1,0.2,3,3\n")
    assert _refused(results, capsys) == (
        f"{path}: line 1: column 'count' is named twice (columns 3 and 4); each column "
        "once; the file is damaged: rerun `recstack evaluate`")


def test_crlf_and_a_byte_order_mark_are_still_read(results, capsys):
    path = _per_user(results)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    assert main(["report", str(results), "--out", str(results / "r.html"), "--refit",
                 "none"]) == 0
    assert (results / "r.html").exists()


def test_a_named_pipe_in_place_of_a_file_is_refused_not_waited_on(results, capsys):
    import os

    path = results / "calibration_most_popular.csv"
    os.mkfifo(path)  # reading it waited forever for a writer
    assert _refused(results, capsys) == (
        f"{path}: is a pipe, socket or device, not a file, where `recstack evaluate` writes "
        "a file; the results folder is damaged: rerun `recstack evaluate`")


def test_a_looping_link_in_place_of_a_per_user_file_says_so(results, capsys):
    path = _per_user(results)
    path.unlink()
    path.symlink_to(path)
    message = _refused(results, capsys)
    assert message.startswith(f"{path}: is a symbolic link that loops"), message
    assert message.endswith("where `recstack evaluate` writes a file; the results folder "
                            "is damaged: rerun `recstack evaluate`")


def test_a_results_file_linking_nowhere_is_named_not_called_missing(results, capsys):
    path = results / "results.json"
    path.unlink()
    path.symlink_to(results / "moved.json")
    message = _refused(results, capsys)
    assert message.startswith(f"{path}: is a symbolic link to "
                              f"'{results / 'moved.json'}', which does not exist"), message
