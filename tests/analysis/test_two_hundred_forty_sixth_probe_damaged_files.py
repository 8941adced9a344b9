"""Two-hundred-forty-sixth bad-input probe: the damaged files of a results folder and the
readers beside it (the pipeline's ``report.json``, ``publish --results``) are worded alike.
An empty per-user CSV read "empty; the file is damaged" where an empty ``results.json`` read
"is empty (0 bytes): a run cut short ...", a file of NUL bytes (what a disk that lost a write
leaves) was read as a CSV header of one column named by them, a pipeline report or a
results file to publish that is not UTF-8 showed Python's codec error with no remedy, and a
results file to publish holding a list said the model had no results."""

from __future__ import annotations

import pytest

from recstack.analysis.pipeline_report import write_pipeline_report
from recstack.analysis.results_folder import read_results
from recstack.errors import RecstackError
from recstack.serving.commands import evaluation_of

RERUN = "rerun `recstack evaluate`"


def _per_user(folder):
    return next(folder.glob("per_user_*.csv"))


def _message(folder) -> str:
    with pytest.raises(RecstackError) as raised:
        read_results(folder)
    return str(raised.value)


@pytest.mark.parametrize("name", ["per_user", "results.json"])
@pytest.mark.parametrize(("content", "held"), [(b"", "0 bytes"), (b"\n", "1 byte"),
                                               (b" \r\n", "3 bytes"),
                                               (b"\xef\xbb\xbf", "3 bytes")],
                         ids=["empty", "newline", "blank", "bom"])
def test_an_empty_file_of_the_folder_reads_alike(results, name, content, held):
    path = _per_user(results) if name == "per_user" else results / name
    path.write_bytes(content)
    assert _message(results) == (f"{path}: is empty ({held}): a run cut short or a copy that "
                                 f"did not finish; {RERUN}")


def test_nul_bytes_in_a_per_user_file_name_the_line_and_byte(results):
    path = _per_user(results)
    header = path.read_bytes().split(b"\n")[0]
    path.write_bytes(header + b"\n" + b"\x00" * 16)
    # line 2 starts after the header and its newline: the byte index is len(header) + 1
    assert _message(results) == (
        f"{path}: line 2: byte {len(header) + 1} is a NUL byte (binary data, as a disk that "
        f"lost a write leaves), not CSV text; the file is damaged: {RERUN}")


def test_a_file_of_nul_bytes_as_results_json(results):
    path = results / "results.json"
    path.write_bytes(b"\x00" * 4096)
    assert _message(results) == (
        f"{path}: line 1: byte 0 is a NUL byte (binary data, as a disk that lost a write "
        f"leaves), not JSON text; the file is damaged: {RERUN}")


def test_a_cut_short_per_user_file_reads_damaged_with_a_colon(results):
    path = _per_user(results)
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:3]) + "\n")
    assert _message(results).endswith(f"; the file is damaged: {RERUN}")


def _pipeline_report(tmp_path, content: bytes):
    (tmp_path / "report").mkdir()
    source = tmp_path / "report" / "report.json"
    source.write_bytes(content)
    with pytest.raises(RecstackError) as raised:
        write_pipeline_report(tmp_path)
    return source, str(raised.value)


def test_a_pipeline_report_not_in_utf8(tmp_path):
    # '{"a": "caf' is 10 bytes: the Latin-1 e-acute is byte 10
    source, message = _pipeline_report(tmp_path, '{"a": "caf\xe9"}'.encode("latin-1"))
    assert message == (f"{source}: line 1: byte 10 (0xe9) is not UTF-8 text (recstack writes "
                       "UTF-8); the file is damaged: run the pipeline's report step again")


def test_a_pipeline_report_cut_short(tmp_path):
    source, message = _pipeline_report(tmp_path, b'{"partitions": [\n')
    assert message == (f"{source}:2: not valid JSON (Expecting value); the file is damaged: "
                       "run the pipeline's report step again")


def test_a_pipeline_report_of_nul_bytes(tmp_path):
    source, message = _pipeline_report(tmp_path, b"\x00" * 8)
    assert message == (f"{source}: line 1: byte 0 is a NUL byte (binary data, as a disk that "
                       "lost a write leaves), not JSON text; the file is damaged: run the "
                       "pipeline's report step again")


def _published(tmp_path, content: bytes) -> str:
    (tmp_path / "results.json").write_bytes(content)
    with pytest.raises(RecstackError) as raised:
        evaluation_of(tmp_path, "als")
    return str(raised.value)


def test_a_results_file_to_publish_not_in_utf8(tmp_path):
    message = _published(tmp_path, '{"models": "\xe9"}'.encode("latin-1"))
    assert message == (f"{tmp_path / 'results.json'}: line 1: byte 12 (0xe9) is not UTF-8 "
                       f"text (recstack writes UTF-8); the file is damaged: {RERUN}")


def test_a_gzip_results_file_to_publish(tmp_path):
    message = _published(tmp_path, b"\x1f\x8b\x08\x00rest")
    assert message == (f"{tmp_path / 'results.json'}: a gzip-compressed file, not JSON text "
                       f"(recstack writes UTF-8 JSON); the file is damaged: {RERUN}")


def test_a_results_file_to_publish_cut_short(tmp_path):
    message = _published(tmp_path, b'{"models": [')
    assert message == (f"{tmp_path / 'results.json'}:1: not valid JSON (Expecting value); the "
                       f"file is damaged: {RERUN}")


@pytest.mark.parametrize(("content", "expected"), [
    (b"[]", "expected a JSON object (results of `recstack evaluate`), got a list"),
    (b'{"model": "als"}', "missing 'models', so this is not the results.json of "
                          "`recstack evaluate`"),
    (b'{"models": {"als": {}}}', "'models' must be a non-empty list of model results"),
], ids=["list", "no models", "models an object"])
def test_a_results_file_to_publish_of_another_shape(tmp_path, content, expected):
    assert _published(tmp_path, content) == f"{tmp_path / 'results.json'}: {expected}"
