"""Loaders that read ids as integers (the MovieLens ratings files, the adjacency lists) warn,
as load_table does, where one id is written two ways ("007" beside "7"): the integers made
them one id without a word."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from recstack.data import LookalikeIdWarning, _fast_csv
from recstack.data.adjacency import load_adjacency_splits
from recstack.data.movielens import load_movielens
from recstack.errors import DataFormatError

_GENRES = "|".join(["0"] * 18 + ["1"])


def _ml_100k(folder, ratings: str):
    folder.mkdir()
    (folder / "u.data").write_text(ratings)
    (folder / "u.item").write_text("".join(
        f"{i}|Movie {i} (1995)|01-Jan-1995||http://x|{_GENRES}\n" for i in (1, 2)))
    return folder


def test_u_data_user_written_with_leading_zeros(tmp_path):
    folder = _ml_100k(tmp_path / "ml-100k", "1\t1\t5\t881250949\n1\t2\t3\t881250949\n"
                                           "007\t1\t4\t881250949\n7\t2\t4\t881250950\n")
    with pytest.warns(LookalikeIdWarning) as caught:
        data = load_movielens(folder, "100k")
    assert data.n_users == 2  # read as integers: one id, as the warning says
    message = str(caught[0].message)
    assert "u.data" in message and "'user id'" in message
    assert "'007' (line 3)" in message and "'7' (line 4)" in message
    assert "read as one id" in message


def test_ratings_csv_movie_written_with_leading_zeros(tmp_path):
    folder = tmp_path / "ml-latest-small"
    folder.mkdir()
    (folder / "ratings.csv").write_text("userId,movieId,rating,timestamp\n"
                                        "1,1,5.0,978300760\n1,02,3.0,978300760\n"
                                        "7,1,4.0,978300760\n7,2,0.5,978300761\n")
    (folder / "movies.csv").write_text("movieId,title,genres\n1,A (1995),Drama\n"
                                       "2,B (1995),Comedy\n")
    with pytest.warns(LookalikeIdWarning, match=r"'movieId'.*'02' \(line 3\)"):
        load_movielens(folder, "latest-small")


def test_ids_padded_alike_or_plain_are_not_warned_of(tmp_path):
    folder = _ml_100k(tmp_path / "ml-100k", "1\t1\t5\t881250949\n1\t2\t3\t881250949\n"
                                           "7\t1\t0\t881250949\n7\t2\t4\t881250950\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error", LookalikeIdWarning)
        # a rating of 0 is refused; no warning first
        with pytest.raises(DataFormatError, match=r"u\.data:3: column 'rating': found '0'"):
            load_movielens(folder, "100k")


def test_compiled_reader_declines_integers_written_loosely(tmp_path):
    if not _fast_csv.numba_available():
        pytest.skip("numba is not installed")
    for text, declined in (("1,7\n2,8\n", False), ("1,007\n2,8\n", True),
                           ("1,-0\n2,8\n", True), ("1,0\n2,8\n", False)):
        path = tmp_path / "f.csv"
        path.write_text(text)
        got = _fast_csv.read_columns(path, 0, b",", 2, [(0, "int32"), (1, "int32")])
        assert (got is None) == declined, text
        if got is not None:
            assert np.array_equal(got[1], [int(text.split(",")[1].split()[0]), 8])


def _adjacency(folder, train: str):
    folder.mkdir()
    (folder / "train.txt").write_text(train)
    (folder / "test.txt").write_text("1 8\n2 6\n")
    return folder


def test_adjacency_item_written_with_leading_zeros(tmp_path):
    folder = _adjacency(tmp_path / "a", "1 5 6 007\n2 7 5\n")
    with pytest.warns(LookalikeIdWarning) as caught:
        splits = load_adjacency_splits(folder)
    assert splits.train.n_items == 4  # 5, 6, 7 (007 is 7) and the test file's 8
    message = str(caught[0].message)
    # the loader's words: an adjacency file has no columns ("column 'item'" before)
    assert "train.txt: item ids:" in message
    assert "'007' (line 1)" in message and "'7' (line 2)" in message


def test_adjacency_user_written_with_leading_zeros(tmp_path):
    folder = _adjacency(tmp_path / "a", "1 5 6\n03 6\n2 5\n3 5\n")
    with pytest.warns(LookalikeIdWarning, match=r"user ids:.*'03' \(line 2\)"):
        with pytest.raises(Exception, match="second line"):
            load_adjacency_splits(folder)


def test_adjacency_ids_padded_alike_are_not_warned_of(tmp_path):
    folder = _adjacency(tmp_path / "a", "1 005 006\n2 006 005\n")
    # padded alike in every file: the split files are read with one vocabulary, and a
    # plain "6" in test.txt beside train.txt's "006" is warned of (hundred_twelfth)
    (folder / "test.txt").write_text("1 006\n2 005\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error", LookalikeIdWarning)
        load_adjacency_splits(folder)


@pytest.mark.parametrize("chunk", [4, 5, 16 << 20])
@pytest.mark.parametrize(("text", "loose"), [
    ("12,007\n", True), ("12,-0\n", True), ("12,-0", True), ("12,+5\n", True),
    ("12,0\n", False), ("12,0.05\n", False), ("12,1e05\n", False), ("12,10\n", False),
    ("12,-0.5\n", False), ("0", False), ("05", True), ("1200,3400,5600\n", False)])
def test_the_byte_scan_finds_integers_written_loosely_across_chunks(tmp_path, monkeypatch,
                                                                    chunk, text, loose):
    # the scan that decides whether the ids are read again as text, chunk by chunk
    from recstack.data import files

    monkeypatch.setattr(files, "_LOOSE_SCAN_BYTES", chunk)
    path = tmp_path / "f.csv"
    path.write_text(text)
    assert files._may_hold_loose_integers(path) is loose
