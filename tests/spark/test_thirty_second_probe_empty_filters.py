"""Thirty-second bad-input probe, Spark filters: a filter that removes every row said only
that it did; it now says why, in the words of the single-machine filters."""

from __future__ import annotations

import pytest

from recstack.data import filters as local_filters
from recstack.data.interactions import Interactions
from recstack.errors import EmptyResultError
from recstack.spark import data as sd
from recstack.spark import filters as sf

# user 1 has 2 rows, users 2 and 3 one each; item 2 has 2 rows; values 1, 3, 4, 2; times
# 10 to 40 seconds after the epoch
DATA = Interactions.from_arrays([1, 1, 2, 3], [1, 2, 2, 3], [1.0, 3.0, 4.0, 2.0],
                                timestamps=[10, 20, 30, 40], rating_range=(1, 5))


@pytest.mark.parametrize(("step", "why"), [
    (local_filters.KCore(3, 3), "before it, the most rows of one user were 2 and of one item 2; "
                                "removing the users under 3 and the items under 3 in turn "
                                "left no user and item meeting both, after pass 1: pass 1 "
                                "removed 3 user(s) and 3 item(s), 0 row(s) left"),
    (local_filters.MinValue(5), "the largest value is 4"),
    (local_filters.TimeWindow(50, 60), "the data's times run from 1970-01-01T00:00:10Z to "
                                       "1970-01-01T00:00:40Z"),
])
def test_an_emptying_filter_says_why_like_one_machine(spark, step, why):
    expected = (f"filter step 1 of 1, {step.name}, removed all 4 remaining rows ({why}); "
                "loosen it or change the steps before it")
    with pytest.raises(EmptyResultError) as refused:
        sf.apply_filters(sd.from_interactions(spark, DATA), [step])
    assert str(refused.value) == expected
    with pytest.raises(EmptyResultError) as single:
        local_filters.apply_filters(DATA, [step])
    assert str(single.value) == expected


def test_implicit_data_emptied_by_min_value_names_the_value_column(spark):
    implicit = Interactions.from_arrays([1, 2], [1, 2])
    with pytest.raises(EmptyResultError, match=r"\(every value is 1\.0: the data are implicit "
                                               r"\(read with no value column; name the "
                                               r"ratings with value_col / --value-col\)\)"):
        sf.apply_filters(sd.from_interactions(spark, implicit), [local_filters.MinValue(4)])


def test_k_core_called_on_its_own_says_why_too(spark):
    with pytest.raises(EmptyResultError) as refused:
        sd.k_core(sd.from_interactions(spark, DATA), 3, 3)
    assert str(refused.value) == (
        "k_core(user_min=3, item_min=3) removed all 4 rows (before it, the most rows of one "
        "user were 2 and of one item 2; removing the users under 3 and the items under 3 in "
        "turn left no user and item meeting both, after pass 1: pass 1 removed 3 user(s) and "
        "3 item(s), 0 row(s) left); loosen it")
