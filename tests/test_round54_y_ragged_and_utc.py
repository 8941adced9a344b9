"""Round 54 (Y): one ragged-list check for every layer, whose arguments after the value are
given by keyword (two helpers of one name took them in different orders, and either
order given to the other checked nothing), and a time ending in a lower-case 'z'."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from recstack.data import interactions
from recstack.data.files import load_table
from recstack.errors import DataFormatError, RecstackError
from recstack.pipeline import bandit_checks
from recstack.pipeline.bandit_checks import BanditInputError, as_float_array
from recstack.pipeline.schema import row_selection

RAGGED = [[1.0, 2.0], [3.0, 4.0], [5.0]]


def test_the_pipeline_uses_the_data_layers_one_check() -> None:
    assert bandit_checks.refuse_ragged is interactions.refuse_ragged


def test_the_old_pipeline_order_is_a_type_error_not_a_silent_pass() -> None:
    # (where, name, value, error): the text "ucb1.update" was checked, the rows were not
    with pytest.raises(TypeError, match="refuse_ragged"):
        interactions.refuse_ragged("ucb1.update", "items", RAGGED, BanditInputError)


def test_the_keyword_form_names_the_rows_that_differ() -> None:
    # rows 0 and 1 hold 2 numbers, row 2 one: row 2 is the first that differs from row 0
    with pytest.raises(BanditInputError, match=re.escape(
            "probe: items must be an array of numbers, got nested lists of different "
            "lengths (items[0] holds 2 entries and items[2] 1 entry); pad the short rows")):
        interactions.refuse_ragged(RAGGED, name="items", wanted="an array of numbers",
                                   error=BanditInputError, where="probe: ",
                                   advice="pad the short rows")


def test_a_name_or_wanted_left_out_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="name"):
        interactions.refuse_ragged(RAGGED, wanted="an array of numbers")


def test_rows_of_equal_length_pass() -> None:
    interactions.refuse_ragged([[1, 2], [3, 4]], name="rows", wanted="a 2-D array")


def test_a_ragged_array_argument_names_its_third_row() -> None:
    with pytest.raises(BanditInputError, match=re.escape(
            "probe: p must be an array of numbers, got nested lists of different lengths "
            "(p[0] holds 2 entries and p[2] 1 entry); pad the short rows or give each list "
            "in its own call")):
        as_float_array("probe", "p", RAGGED, ndim=2)


def test_ragged_row_positions_are_named_with_the_rows_wanted() -> None:
    with pytest.raises(RecstackError, match=re.escape(
            "select: rows must be a boolean mask of 4 entries or row positions 0..3, got "
            "nested lists of different lengths (rows[0] holds 1 entry and rows[1] 2 "
            "entries)")):
        row_selection([[0], [1, 2]], 4, "select")


HEADER = "user_id,item_id,timestamp\n"


@pytest.mark.parametrize("timestamp_format", [None, "iso"])
@pytest.mark.parametrize("written", ["2024-01-01T12:00:00z", "2024-01-01 12:00z"])
def test_a_lower_case_z_is_named_with_the_upper_case_way_out(
        tmp_path: Path, written: str, timestamp_format: str | None) -> None:
    path = tmp_path / "log.csv"
    path.write_text(HEADER + f"1,5,2024-01-01T12:00:00Z\n2,6,{written}\n")
    with pytest.raises(DataFormatError) as caught:
        load_table(path, timestamp_format=timestamp_format)
    message = str(caught.value)
    assert "log.csv:3" in message
    assert f"cannot read {written!r} as a time: it ends in a lower-case 'z'" in message
    assert "write an upper-case 'Z'" in message


def test_the_upper_case_time_advised_is_read(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text(HEADER + "1,5,2024-01-01T12:00:00Z\n")
    # by hand: 54 years of 365 days and 13 leap days (1972..2020) to 2024-01-01, then 12 h
    assert load_table(path).timestamp.tolist() == [(54 * 365 + 13) * 86400 + 12 * 3600]


def test_a_time_wrong_for_another_reason_gets_no_z_advice(tmp_path: Path) -> None:
    # an ordinal date: an upper-case Z would not make it readable either
    path = tmp_path / "log.csv"
    path.write_text(HEADER + "1,5,2024-001T12:00:00z\n")
    with pytest.raises(DataFormatError, match="cannot read '2024-001T12:00:00z' as a time"
                       ) as caught:
        load_table(path)
    assert "lower-case" not in str(caught.value)


def test_numbers_still_pass_the_array_check() -> None:
    np.testing.assert_array_equal(as_float_array("probe", "p", [[1, 2], [3, 4]], ndim=2),
                                  [[1.0, 2.0], [3.0, 4.0]])
