"""Sixtieth bad-input probe, ids above the int64 range in a Parquet ``uint64`` column
(hashes, 64-bit keys): they load exactly as unsigned integers, and the number finds its
user, but the same id written as text ("9223372036854775813", as a command line, a request
body or a CSV of the ids gives it) was "1 unknown ids", though the loaders' rule is that
text spelling an integer plainly is that integer for a map of integer ids."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.data.files import load_table
from recstack.data.idmap import IdMap
from recstack.errors import RecstackError

BIG = 2**63 + 5
LARGEST = 2**64 - 1


@pytest.fixture
def unsigned_ids(tmp_path):
    path = tmp_path / "log.parquet"
    pq.write_table(pa.table({"user_id": pa.array([BIG, 2, LARGEST], pa.uint64()),
                             "item_id": pa.array([1, 2, 3], pa.uint64()),
                             "rating": [4.0, 3.0, 5.0]}), path)
    return load_table(path)


def test_ids_beyond_int64_are_kept_exactly(unsigned_ids):
    assert unsigned_ids.users.external_ids.tolist() == [2, BIG, LARGEST]


@pytest.mark.parametrize("given", [str(BIG), f" {BIG} ", BIG, np.uint64(BIG)])
def test_the_id_is_found_written_as_text_or_as_a_number(unsigned_ids, given):
    assert unsigned_ids.users.to_index([given]).tolist() == [1]


def test_text_of_every_size_finds_its_id(unsigned_ids):
    ids = ["2", str(LARGEST), str(BIG)]
    assert unsigned_ids.users.to_index(ids).tolist() == [0, 2, 1]


@pytest.mark.parametrize("given", [f"0{BIG}", f"{BIG}.0", str(2**64 + 5), f"+{BIG}",
                                   str(-BIG)])
def test_text_that_is_no_plain_integer_of_the_map_is_unknown(unsigned_ids, given):
    # the rule of every loader: '007' and '7.0' are other ids than 7; 2**64 + 5 is none
    assert unsigned_ids.users.to_index([given], missing="ignore").tolist() == [-1]
    with pytest.raises(RecstackError, match=r"1 unknown id .* which are integers"):
        unsigned_ids.users.to_index([given])


def test_a_map_with_zero_is_not_matched_by_text_that_is_no_integer():
    vocabulary = IdMap(np.array([0, BIG], dtype=np.uint64))
    assert vocabulary.to_index(["0", "00", "x", str(BIG)], missing="ignore").tolist() == [
        0, -1, -1, 1]
