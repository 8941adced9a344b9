"""Eighty-seventh bad-input probe, ops: drift between windows of different columns: a rated
window against an implicit one, or an item table on one side only, gave a report without
the rating or genre measures and without a word; a pandas table given where one column
belongs was printed whole, over many lines, in the message; a clock in milliseconds (or
before 1970) for the future-timestamp check. Each test failed before its fix."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.ops.drift import ks_test, measure_drift, psi

LOG = {"user_id": [1, 1, 2, 3, 3], "item_id": [1, 2, 1, 3, 2]}


def _rated():
    return Interactions.from_frame(pd.DataFrame(LOG | {"value": [5.0, 4, 3, 2, 1]}),
                                   rating_range=(1, 5))


def _implicit():
    return Interactions.from_frame(pd.DataFrame(LOG))


def _with_genres():
    items = pd.DataFrame({"item_id": [1, 2, 3], "genres": ["a|b", "b", "c"]})
    return Interactions.from_frame(pd.DataFrame(LOG), item_table=items)


@pytest.mark.parametrize("reference, new, has, lacks", [
    (_rated, _implicit, "reference", "new"), (_implicit, _rated, "new", "reference")])
def test_ratings_on_one_side_only_are_warned_of(reference, new, has, lacks):
    with pytest.warns(UserWarning, match=rf"^measure_drift: the {has} window has ratings \(a "
                                         rf"rating_range\) but the {lacks} window has none, so "
                                         r"rating_psi and rating_ks are left out; give both "
                                         r"windows the same columns to measure them$"):
        report = measure_drift(reference(), new())
    assert "rating_psi" not in report.measures


def test_genres_on_one_side_only_are_warned_of():
    with pytest.warns(UserWarning, match=r"^measure_drift: the new window has item genres \(an "
                                         r"item table with a genres column\) but the reference "
                                         r"window has none, so genre_tv and genre_psi are left "
                                         r"out"):
        report = measure_drift(_implicit(), _with_genres())
    assert "genre_tv" not in report.measures


def test_windows_of_the_same_columns_are_not_warned_of():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert "rating_psi" in measure_drift(_rated(), _rated()).measures
        assert "genre_tv" in measure_drift(_with_genres(), _with_genres()).measures
        assert "rating_psi" not in measure_drift(_implicit(), _implicit()).measures


def test_a_table_given_for_a_sample_is_named_in_one_line():
    table = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [1, 2, 3]})
    with pytest.raises(RecstackError) as caught:
        psi(table, [1.0, 2.0])
    assert str(caught.value) == ("psi: reference must be a flat list or array of numbers, "
                                 "got a DataFrame of 3 rows and columns ['a', 'b']; pass one "
                                 "column (e.g. frame['a'])")
    with pytest.raises(RecstackError) as caught:
        ks_test([1.0, 2.0], np.ones((4, 2)))
    assert "\n" not in str(caught.value)
    assert str(caught.value).endswith("got an array of shape (4, 2); pass a 1-D array (one "
                                      "column)")


@pytest.mark.parametrize("now, said", [
    (1_700_000_000_000, "now=1700000000000 is after the year 9999 read as Unix seconds, so "
                        "the future-timestamp check would flag no row as in the future"),
    (-86_400, "now=-86400 is before 1970 read as Unix seconds, so the future-timestamp check "
              "would flag every row after 1969 as in the future")])
def test_a_clock_that_is_no_time_in_seconds_is_refused(now, said):
    # a clock in milliseconds passed every row written in the future without a word
    import pyarrow as pa

    from recstack.errors import ConfigError
    from recstack.ops.quality import QualitySpec, check_partition

    table = pa.table({"user_id": [1], "item_id": [2], "timestamp": [1_600_000_000]})
    with pytest.raises(ConfigError, match=rf"^check_partition: {said}; give the clock in "
                                          r"seconds"):
        check_partition(table, QualitySpec(), now=now)
