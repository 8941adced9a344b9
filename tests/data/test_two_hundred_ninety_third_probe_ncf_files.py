"""The NCF repository's split files (``*.train.rating``, ``*.test.rating``,
``*.test.negative``) read into Interactions and per-user negatives; bad lines named."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from recstack.data.ncf_files import load_ncf_files
from recstack.errors import ConfigError, DataFormatError
from recstack.evaluation import evaluate_sampled

TRAIN = "0\t1\t5\t978300760\n0\t2\t3\t978300761\n1\t0\t4\t978300762\n"
TEST = "0\t3\t4\t978300800\n1\t4\t2\t978300900\n"
NEGATIVE = "(0,3)\t0\t4\n(1,4)\t1\t2\n"


def _write(folder: Path, train: str | bytes = TRAIN, test: str | bytes = TEST,
           negative: str | bytes | None = NEGATIVE, name: str = "ml-1m") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for suffix, text in ((".train.rating", train), (".test.rating", test),
                         (".test.negative", negative)):
        if text is not None:
            (folder / f"{name}{suffix}").write_bytes(
                text if isinstance(text, bytes) else text.encode())
    return folder


def test_reads_the_three_files(tmp_path: Path) -> None:
    data = load_ncf_files(_write(tmp_path))
    assert data.train.users.to_external(data.train.user_index).tolist() == [0, 0, 1]
    assert data.train.items.to_external(data.train.item_index).tolist() == [1, 2, 0]
    assert data.train.value.tolist() == [5.0, 3.0, 4.0]
    assert data.train.timestamp.tolist() == [978300760, 978300761, 978300762]
    assert data.test.items.to_external(data.test.item_index).tolist() == [3, 4]
    assert data.train.users == data.test.users and data.train.items == data.test.items
    assert {u: v.tolist() for u, v in data.negatives.items()} == {0: [0, 4], 1: [1, 2]}


def test_crlf_bom_blank_lines_and_no_timestamps(tmp_path: Path) -> None:
    bom_crlf = b"\xef\xbb\xbf0\t1\t5\r\n\r\n0\t2\t3\r\n1\t0\t4\r\n"
    data = load_ncf_files(_write(tmp_path, train=bom_crlf,
                                 test="0\t3\t4\n1\t4\t2\n",
                                 negative="(0,3)\t0\t4\t\n(1,4)\t1\t2\n"))
    assert len(data.train) == 3 and data.train.timestamp is None
    assert data.negatives[0].tolist() == [0, 4]


def test_feeds_the_sampled_evaluation(tmp_path: Path) -> None:
    data = load_ncf_files(_write(tmp_path))

    class ByItem:
        name = "by_item"

        def score_users(self, users: np.ndarray) -> np.ndarray:
            return np.tile(np.arange(5, dtype=float), (len(users), 1))

    result = evaluate_sampled(ByItem(), data.train, data.test, ks=[1], negatives=data)
    # user 0: item 3 below its negative 4 (rank 1, a miss at K = 1); user 1: item 4 above
    # its negatives 1 and 2 (rank 0)
    assert result.per_user["hit_rate@1"].tolist() == [0.0, 1.0]


@pytest.mark.parametrize(("part", "text", "line", "message"), [
    ("train", "0 1 5 9\n", 1, "1 field where 3 or 4 tab-separated fields .* separated by "
                              "tabs, not spaces"),
    ("train", "0,1,5,9\n", 1, "not spaces, commas"),
    ("train", "user\titem\trating\ttimestamp\n0\t1\t5\t9\n", 1, "looks like a header"),
    ("train", "0\t1\t5\t9\n0\t-1\t5\t9\n", 2, "negative item id -1"),
    ("train", "0\t1.0\t5\t9\n", 1, "item id '1.0' is not a non-negative integer id"),
    ("train", "0\t1\tnan\t9\n", 1, "rating 'nan' is not a finite number"),
    ("train", "0\t1\tfive\t9\n", 1, "rating 'five' is not a finite number"),
    ("train", "0\t1\t5\t9\t7\n", 1, "5 fields"),
    ("train", "0\t1\n", 1, "2 fields"),
    ("train", "0\t99999999999999999999\t5\t9\n", 1, "too large for a 64-bit integer"),
    ("train", "0\t1\t5\t9\n0\t2\t3\n", 2, "no timestamp, but 1 line of the file has one"),
    ("train", "0\t1\t5\t9\xe9\n".encode("latin-1"), 1, "byte 0xE9 is not UTF-8"),
    ("train", b"0\t1\t5\x00\t9\n", 1, "NUL byte"),
    ("negative", "0,3\t0\t4\n(1,4)\t1\t2\n", 1, "not the held-out pair"),
    ("negative", "(0,3)\n(1,4)\t1\t2\n", 1,
     r"holds the held-out pair \(0,3\) but no negative item id"),
    ("negative", "(0,3)\t0\t4\n(0,3)\t1\t2\n", 2, "user 0 has a second line .*first is line 1"),
    ("negative", "(0,2)\t0\t4\n(1,4)\t1\t2\n", 1, r"the pair \(0,2\) is no row of the test"),
    ("negative", "(0,3)\t0 4\n(1,4)\t1\t2\n", 1, "separated by tabs"),
    ("negative", "(0,3)\t0\t\t4\n(1,4)\t1\t2\n", 1, "item id '' is not"),
    ("test", "0\t3\t4\t1\n1\t4\t2\t1\n2\t4\t2\t1\n", 3,
     "test user 2 has no line in ml-1m.test.negative"),
])
def test_malformed_lines_are_named_by_file_and_line(tmp_path: Path, part: str,
                                                    text: str | bytes, line: int,
                                                    message: str) -> None:
    _write(tmp_path, **{part: text})
    with pytest.raises(DataFormatError, match=message) as caught:
        load_ncf_files(tmp_path)
    suffix = {"train": "ml-1m.train.rating", "test": "ml-1m.test.rating",
              "negative": "ml-1m.test.negative"}[part]
    assert caught.value.file == str(tmp_path / suffix)
    assert caught.value.line == line


@pytest.mark.parametrize("text", ["", "\n\n", "0\t1\t5\t9\n".encode("utf-16")])
def test_empty_and_utf16_files_are_refused(tmp_path: Path, text: str | bytes) -> None:
    _write(tmp_path, train=text)
    with pytest.raises(DataFormatError, match="empty|UTF-16") as caught:
        load_ncf_files(tmp_path)
    assert caught.value.file == str(tmp_path / "ml-1m.train.rating")


def test_folders_names_and_mappings(tmp_path: Path) -> None:
    folder = _write(tmp_path / "d")
    with pytest.raises(DataFormatError, match="the negative file: no such file"):
        load_ncf_files(_write(tmp_path / "e", negative=None))
    _write(folder, name="pinterest-20")
    with pytest.raises(DataFormatError, match=r"2 data sets \(ml-1m, pinterest-20\); give name="):
        load_ncf_files(folder)
    assert len(load_ncf_files(folder, name="pinterest-20").train) == 3
    with pytest.raises(DataFormatError, match="no data set 'ml-1M'.*did you mean 'ml-1m'"):
        load_ncf_files(folder, name="ml-1M")
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataFormatError, match="no \\*.train.rating file .*it holds: nothing"):
        load_ncf_files(tmp_path / "empty")
    with pytest.raises(DataFormatError, match="is a file, not a folder: give the folder"):
        load_ncf_files(_write(tmp_path / "f", name="x") / "x.train.rating")
    files = {"train": folder / "ml-1m.train.rating", "test": folder / "ml-1m.test.rating",
             "negative": folder / "ml-1m.test.negative"}
    assert len(load_ncf_files(files).test) == 2
    with pytest.raises(ConfigError, match="unknown part 'trian' .*did you mean 'train'"):
        load_ncf_files({"trian": files["train"], "test": files["test"],
                        "negative": files["negative"]})
    with pytest.raises(ConfigError, match="no file given for negative"):
        load_ncf_files({"train": files["train"], "test": files["test"]})
    with pytest.raises(DataFormatError, match="the train file: is a folder"):
        load_ncf_files({**files, "train": folder})
    with pytest.raises(ConfigError, match="source must be a path"):
        load_ncf_files(None)
