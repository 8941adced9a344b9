"""Ninety-third bad-input probe, ids that Python or pandas read loosely.

Text ids are kept exactly as written (``"007"`` is not ``7``), so two spellings of one id,
``"007"`` and ``"7"``, ``"+5"`` and ``"5"``, ``"1_000"`` and ``"1000"``, full-width
``"１２３"`` and ``"123"``, or ``"é"`` in NFC and in NFD, silently became two users. They
are still kept as written (they may be distinct ids), but every loader now says so with a
``LookalikeIdWarning`` naming the column and where each spelling is. And an object column
of Python integers, one of them beyond int64, was refused as "ids mix text and other
types", naming an int as text: such a column is text, as the same ids in a CSV file are."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.data import LookalikeIdWarning
from recstack.data.files import load_table
from recstack.data.interactions import Interactions

PAIRS = {
    "leading zeros": ("007", "7"),
    "plus sign": ("+5", "5"),
    "digit groups": ("1_000", "1000"),
    "full-width digits": ("\uff11\uff12\uff13", "123"),
    "arabic-indic digits": ("\u0661\u0662\u0663", "123"),
    "nfc and nfd": ("\u00e9", "e\u0301"),
    "full-width letters": ("\uff41\uff42", "ab"),
}


def _write(tmp_path, kind, users):
    path = tmp_path / f"log.{kind}"
    if kind == "csv":
        path.write_text("user_id,item_id\n" + "".join(f"{u},{i}\n" for i, u in
                                                         enumerate(users)), encoding="utf-8")
    else:
        pq.write_table(pa.table({"user_id": users, "item_id": list(range(len(users)))}), path)
    return path


@pytest.mark.parametrize("pair", PAIRS.values(), ids=PAIRS.keys())
@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_files_warn_naming_the_column_and_both_places(tmp_path, kind, pair):
    path = _write(tmp_path, kind, ["x", *pair])
    with pytest.warns(LookalikeIdWarning) as caught:
        data = load_table(path, value_col=None)
    message = str(caught[0].message)
    assert str(path) in message and "column 'user_id'" in message
    assert ascii(pair[0]) in message and ascii(pair[1]) in message
    if kind == "csv":  # the header is line 1: the ids are on lines 3 and 4
        assert "(line 3)" in message and "(line 4)" in message
    assert sorted(data.users.external_ids.tolist()) == sorted(["x", *pair])  # kept as written
    assert caught[0].filename == __file__  # the caller's line, as every data warning


@pytest.mark.parametrize("pair", PAIRS.values(), ids=PAIRS.keys())
def test_frames_warn_too(pair):
    frame = pd.DataFrame({"user_id": list(pair), "item_id": [1, 2]})
    with pytest.warns(LookalikeIdWarning, match="column 'user_id'"):
        data = Interactions.from_frame(frame)
    assert data.n_users == 2


@pytest.mark.parametrize("users", [["007", "8"], ["\u00e9", "e"], ["1.5", "1"], ["-5", "5"],
                                   ["a", "A"], ["123", "x"], ["\u0661\u0662\u0663", "x"]])
def test_ids_that_are_not_one_id_written_twice_pass_without_a_word(tmp_path, users):
    with warnings.catch_warnings():
        warnings.simplefilter("error", LookalikeIdWarning)
        load_table(_write(tmp_path, "csv", users), value_col=None)
        Interactions.from_frame(pd.DataFrame({"user_id": users, "item_id": [1, 2]}))


def test_integer_columns_are_not_looked_at():
    with warnings.catch_warnings():
        warnings.simplefilter("error", LookalikeIdWarning)
        Interactions.from_arrays(np.arange(10), np.arange(10))


@pytest.mark.parametrize("big", [2**63, 2**70, -(2**63) - 1])
def test_python_integers_beyond_int64_make_a_column_of_text(big):
    frame = pd.DataFrame({"user_id": np.array([big, 4], dtype=object), "item_id": [1, 2]})
    data = Interactions.from_frame(frame)
    # as a CSV file of these ids reads: every id is its digits
    assert sorted(data.users.external_ids.tolist()) == sorted([str(big), "4"])
    assert data.users.to_index([str(big)]).tolist() == [data.users.external_ids.tolist()
                                                        .index(str(big))]


def test_a_csv_file_of_the_same_big_ids_agrees(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(f"user_id,item_id\n{2**70},1\n4,2\n")
    from_file = load_table(path, value_col=None).users.external_ids.tolist()
    frame = pd.DataFrame({"user_id": np.array([2**70, 4], dtype=object), "item_id": [1, 2]})
    assert Interactions.from_frame(frame).users.external_ids.tolist() == from_file
