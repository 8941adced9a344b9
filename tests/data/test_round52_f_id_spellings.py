"""Round 52 (F), ids written two ways.

The id ``-0``. The id rule reads a column as integers only when every id
is written plainly (``0`` or ``-?[1-9][0-9]*``), so that ``007`` and ``7`` stay two ids
with a warning; but ``-0`` passed as plain and became the integer 0, so ``-0`` and ``0``
merged into one user without a word (while ``-00`` and ``0`` stayed two, with the
warning). ``-0`` is now text like any other integer written otherwise than plainly (a
lookup of ``"-0"`` among integer ids still finds 0, as the service reads it).

An integer with thousands groups, ``"1,000"`` (a spreadsheet's export of a formatted
number), beside ``1000``: kept as two ids, as written, but without the
:class:`LookalikeIdWarning` that ``"1_000"`` or ``"1000.0"`` beside ``1000`` gives."""

import warnings

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.data import Interactions, LookalikeIdWarning
from recstack.data.files import load_table


def test_minus_zero_and_zero_stay_two_users_with_a_warning(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("user_id,item_id\n-0,2\n0,3\n")
    with pytest.warns(LookalikeIdWarning, match=r"'-0' \(line 2\) and '0' \(line 3\)"):
        data = load_table(path)
    assert data.to_frame()["user_id"].tolist() == ["-0", "0"]
    assert data.n_users == 2


def test_minus_zero_alone_keeps_the_column_as_text(tmp_path):
    # as '007' alone does: the column is text, the id as written
    path = tmp_path / "log.csv"
    path.write_text("user_id,item_id\n-0,2\n1,3\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data = load_table(path)
    assert data.to_frame()["user_id"].tolist() == ["-0", "1"]


def test_plain_negative_and_zero_ids_are_still_integers(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("user_id,item_id\n-5,2\n0,3\n5,4\n")
    assert load_table(path).to_frame()["user_id"].tolist() == [-5, 0, 5]


def test_parquet_text_ids_and_frames_follow_the_same_rule(tmp_path):
    path = tmp_path / "log.parquet"
    pq.write_table(pa.table({"user_id": ["-0", "0"], "item_id": [1, 2]}), path)
    with pytest.warns(LookalikeIdWarning):
        assert load_table(path).to_frame()["user_id"].tolist() == ["-0", "0"]
    with pytest.warns(LookalikeIdWarning):
        data = Interactions.from_frame(pd.DataFrame({"user_id": ["-0", "0"],
                                                     "item_id": [1, 2]}))
    assert data.n_users == 2


@pytest.mark.parametrize(("grouped", "plain"), [
    ('"1,000"', "1000"), ('"-1,000.00"', "-1000"), ('"12,345,678"', "12345678")])
def test_an_id_with_thousands_groups_beside_its_plain_digits_is_warned_of(tmp_path,
                                                                           grouped, plain):
    path = tmp_path / "log.csv"
    path.write_text(f"user_id,item_id\n{grouped},2\n{plain},3\n")
    shown = grouped.strip('"')
    with pytest.warns(LookalikeIdWarning, match=rf"'{shown}' \(line 2\) and '{plain}' "
                                                r"\(line 3\)"):
        data = load_table(path)
    assert data.to_frame()["user_id"].tolist() == [shown, plain]


@pytest.mark.parametrize("body", [
    # not thousands groups: two digits after the comma, or a group of four
    '"1,2",2\n12,3\n', '"1000,000",2\n1000000,3\n',
    # grouped ids alone pair with no other id
    '"1,000",2\n"2,000",3\n'])
def test_other_commas_in_ids_are_not_warned_of(tmp_path, body):
    path = tmp_path / "log.csv"
    path.write_text("user_id,item_id\n" + body)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert load_table(path).n_users == 2
