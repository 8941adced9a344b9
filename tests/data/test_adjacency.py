"""The adjacency-list split loader: tiny files written here with their contents known by
hand, each malformed variant, and (with RECSTACK_DATASETS) the real benchmark counts."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from recstack.data.adjacency import load_adjacency_splits, union
from recstack.errors import DataFormatError, RecstackError


def write_split(folder: Path, train: str, test: str, valid: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "train.txt").write_text(train)
    (folder / "test.txt").write_text(test)
    if valid is not None:
        (folder / "valid.txt").write_text(valid)
    return folder


def pairs(part, *, external: bool = True) -> set[tuple[int, int]]:
    users = part.users.to_external(part.user_index) if external else part.user_index
    items = part.items.to_external(part.item_index) if external else part.item_index
    return set(zip(users.tolist(), items.tolist(), strict=True))


# ---------------------------------------------------------------------------- well-formed
@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    # users 0, 1, 3 train; item 9 only in valid, item 7 only in test; user 5 only in test;
    # user 3 repeats its train item 2 in test; user 1 lists item 4 twice on one line; test
    # row (5, 9) has an item the refit (train + valid) knows
    return write_split(tmp_path / "tiny",
                       train="0 1 2\n1 4 2 4\n3 2\n",
                       valid="0 9\n1 1\n",
                       test="0 4 7\n3 2 1\n5 1 9\n")


def test_reads_every_pair_with_the_files_ids(tiny):
    split = load_adjacency_splits(tiny)
    assert pairs(split.train) == {(0, 1), (0, 2), (1, 4), (1, 2), (3, 2)}
    assert pairs(split.valid) == {(0, 9), (1, 1)}
    assert pairs(split.test) == {(0, 4), (0, 7), (3, 2), (3, 1), (5, 1), (5, 9)}
    # one vocabulary for the three parts: every id of every file, the files' integers
    assert split.train.users is split.test.users is split.valid.users
    assert split.train.users.external_ids.tolist() == [0, 1, 3, 5]
    assert split.train.items.external_ids.tolist() == [1, 2, 4, 7, 9]
    assert np.all(split.test.value == 1.0) and split.test.timestamp is None


def test_report_counts_cold_items_users_and_repeats(tiny):
    report = load_adjacency_splits(tiny).report
    assert (report.users, report.items) == (4, 5)
    assert (report.train_rows, report.valid_rows, report.test_rows) == (5, 2, 6)
    assert report.duplicate_rows == {"train": 1, "valid": 0, "test": 0}
    assert report.items_without_train == 2          # 7 and 9
    assert report.users_without_train == 1          # 5
    assert report.valid_cold_item_rows == 1         # (0, 9)
    assert report.valid_cold_user_rows == 0
    assert report.test_cold_item_rows == 1          # (0, 7): 7 is in neither train nor valid
    assert report.test_cold_user_rows == 2          # (5, 1), (5, 9)
    assert report.valid_repeated_pair_rows == 0
    assert report.test_repeated_pair_rows == 1      # (3, 2)
    text = str(report)
    assert "2 items occur only in valid/test" in text and "1 test row repeats" in text


def test_union_is_train_plus_valid_each_pair_once(tiny):
    split = load_adjacency_splits(tiny)
    both = split.refit_train()
    assert pairs(both) == pairs(split.train) | pairs(split.valid)
    assert len(both) == 7
    assert pairs(union(split.train, split.train)) == pairs(split.train)


def test_validation_file_is_optional_and_files_can_be_named(tmp_path):
    folder = write_split(tmp_path / "noval", train="0 1\n1 2\n", test="0 2\n")
    split = load_adjacency_splits(folder)
    assert split.valid is None and split.report.valid_rows == 0
    assert pairs(split.refit_train()) == {(0, 1), (1, 2)}
    named = load_adjacency_splits({"train": folder / "train.txt", "test": folder / "test.txt"})
    assert pairs(named.test) == {(0, 2)}


def test_whitespace_variants_blank_lines_and_users_without_items(tmp_path):
    # CRLF, tabs, repeated spaces, a trailing blank line, no final newline, a user with
    # no items (in the vocabulary, with no rows)
    folder = write_split(tmp_path / "ws", train="0\t1  2\r\n\n 4\n1 3", test="0 3\n")
    split = load_adjacency_splits(folder)
    assert pairs(split.train) == {(0, 1), (0, 2), (1, 3)}
    assert 4 in split.train.users.external_ids.tolist()
    assert split.report.users_without_train == 1


def test_a_lone_carriage_return_ends_a_line_as_in_old_mac_files(tmp_path):
    unix = load_adjacency_splits(write_split(tmp_path / "lf", "0 1 2\n1 3 4\n2 5\n",
                                             "0 3\n1 5\n"))
    mac = load_adjacency_splits(write_split(tmp_path / "cr", "0 1 2\r1 3 4\r2 5\r",
                                            "0 3\r1 5\r"))
    assert pairs(mac.train) == pairs(unix.train) == {(0, 1), (0, 2), (1, 3), (1, 4), (2, 5)}
    assert pairs(mac.test) == {(0, 3), (1, 5)}
    # and a malformed line is counted the same way
    bad = write_split(tmp_path / "crbad", "0 1\r1 x\r", "0 3\r")
    with pytest.raises(DataFormatError) as caught:
        load_adjacency_splits(bad)
    assert caught.value.line == 2


def test_leading_zeros_are_no_part_of_an_ids_size(tmp_path):
    folder = write_split(tmp_path / "zeros", train="30 0000000000000000001 007 0\n",
                         test="0030 5\n")
    split = load_adjacency_splits(folder)
    assert pairs(split.train) == {(30, 1), (30, 7), (30, 0)}
    assert pairs(split.test) == {(30, 5)}


def test_a_utf8_byte_order_mark_is_not_content_and_utf16_is_refused(tmp_path):
    plain = load_adjacency_splits(write_split(tmp_path / "plain", "0 1 2\n1 2\n", "0 3\n"))
    marked = write_split(tmp_path / "bom", "0 1 2\n1 2\n", "0 3\n")
    (marked / "train.txt").write_bytes(b"\xef\xbb\xbf0 1 2\n1 2\n")
    assert pairs(load_adjacency_splits(marked).train) == pairs(plain.train) == {
        (0, 1), (0, 2), (1, 2)}
    wide = write_split(tmp_path / "utf16", "0 1\n", "0 3\n")
    (wide / "train.txt").write_bytes("0 1 2\n".encode("utf-16"))
    with pytest.raises(DataFormatError, match=r"utf16/train\.txt: the file is UTF-16 text"):
        load_adjacency_splits(wide)


def test_large_ids_are_read_exactly(tmp_path):
    big = 10**17 + 12345
    folder = write_split(tmp_path / "big", train=f"{big} {big - 1}\n", test=f"{big} 7\n")
    split = load_adjacency_splits(folder)
    assert pairs(split.train) == {(big, big - 1)}


# ---------------------------------------------------------------------------- malformed
@pytest.mark.parametrize(("train", "line", "words"), [
    ("0 1 2\n1 x 3\n", 2, "'x' is not an integer id"),
    ("0 1 2\n1 2.5\n", 2, "'2.5' is not an integer id"),
    ("0 1\n\n2 -3 4\n", 3, "negative id -3"),
    ("0 1\n1 2,3\n", 2, "'2,3' is not an integer id"),
    ("0 1\n1 2\n0 5\n", 3, "user 0 has a second line (its first is line 1)"),
    ("0 1\n1 " + "9" * 19 + "\n", 2, "id 9999999999999999999 is too large for a 64-bit "
                                     "integer (the largest is 9223372036854775807)"),
    ("0 1\n1 9223372036854775808\n", 2, "id 9223372036854775808 is too large"),
    ("0 1\n1 " + "1" * 25 + "\n", 2, "id 1111111111111111111111111 is too large"),
    # characters Python would take for spaces are not separators of this format
    ("0 1\n1 2\x0b3\n", 2, "'2\\x0b3' is not an integer id (character 4)"),
    ("0 1\n1 2\u00a03\n", 2, "'2\\xa03' is not an integer id (character 4)"),
])
def test_malformed_line_names_file_and_line(tmp_path, train, line, words):
    folder = write_split(tmp_path / "bad", train=train, test="0 1\n")
    with pytest.raises(DataFormatError) as caught:
        load_adjacency_splits(folder)
    error = caught.value
    assert error.file == str(folder / "train.txt") and error.line == line
    assert words in str(error)
    assert str(error).startswith(f"{folder / 'train.txt'}:{line}: ")


@pytest.mark.parametrize("text", ["", "\n\n", "  \r\n"])
def test_empty_file_is_refused(tmp_path, text):
    folder = write_split(tmp_path / "empty", train="0 1\n", test=text)
    with pytest.raises(DataFormatError, match="empty") as caught:
        load_adjacency_splits(folder)
    assert caught.value.file == str(folder / "test.txt")


@pytest.mark.parametrize("part", ["train", "valid", "test"])
def test_a_file_whose_lines_list_no_item_is_refused(tmp_path, part):
    files = {"train": "0 1 2\n1 3\n", "valid": "0 4\n", "test": "0 5\n1 2\n"}
    files[part] = "0\n1\n"
    folder = write_split(tmp_path / part, files["train"], files["test"], files["valid"])
    with pytest.raises(DataFormatError, match="no line lists an item") as caught:
        load_adjacency_splits(folder)
    assert caught.value.file == str(folder / f"{part}.txt")


def test_missing_files_and_parts_are_refused(tmp_path):
    with pytest.raises(DataFormatError, match="not a folder"):
        load_adjacency_splits(tmp_path / "nowhere")
    (tmp_path / "half").mkdir()
    (tmp_path / "half" / "train.txt").write_text("0 1\n")
    with pytest.raises(DataFormatError, match="the test file: no such file"):
        load_adjacency_splits(tmp_path / "half")
    (tmp_path / "half" / "test.txt").mkdir()
    with pytest.raises(DataFormatError, match="the test file: is a folder; expected a file"):
        load_adjacency_splits(tmp_path / "half")
    with pytest.raises(RecstackError, match="no file given for test"):
        load_adjacency_splits({"train": tmp_path / "half" / "train.txt"})
    with pytest.raises(RecstackError, match="unknown part"):
        load_adjacency_splits({"train": "a", "test": "b", "validation": "c"})


def test_parsing_agrees_with_a_line_by_line_reader(tmp_path):
    # an independent reference: Python's own split and int() on random files
    rng = np.random.default_rng(3)
    lines = []
    for user in rng.permutation(300):
        items = rng.integers(0, 10**6, size=rng.integers(0, 30))
        lines.append(" ".join(map(str, [user, *items])))
    folder = write_split(tmp_path / "random", train="\n".join(lines) + "\n", test="0 1\n")
    expected = {(int(t[0]), int(i)) for t in (line.split() for line in lines)
                for i in t[1:]}
    assert pairs(load_adjacency_splits(folder).train) == expected


# ---------------------------------------------------------------------------- real files
@pytest.mark.parametrize(("name", "counts"), [
    ("ml-1m", (6_039, 3_628, 590_733, 80_897, 164_848)),
    ("lastfm", (1_885, 17_388, 64_315, 9_143, 18_321)),
])
def test_real_benchmark_counts(name, counts):
    root = os.environ.get("RECSTACK_DATASETS")
    if not root:
        pytest.skip("RECSTACK_DATASETS is not set, so the LightGCN++ splits are not "
                    "available (set it to the folder holding lightgcn-splits/)")
    folder = Path(root) / "lightgcn-splits" / name
    if not folder.is_dir():
        pytest.skip(f"{folder} does not exist (RECSTACK_DATASETS={root})")
    report = load_adjacency_splits(folder).report
    assert (report.users, report.items, report.train_rows, report.valid_rows,
            report.test_rows) == counts


def test_every_id_that_fits_int64_is_read(tmp_path):
    # 19-digit ids were refused as "more than 18 digits" though int64 holds them
    largest = 2**63 - 1
    folder = write_split(tmp_path / "wide", train=f"{largest} 0{largest - 1} 5\n",
                         test=f"{largest} 7\n")
    split = load_adjacency_splits(folder)
    assert pairs(split.train) == {(largest, largest - 1), (largest, 5)}
