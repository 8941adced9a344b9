"""Hundred-sixty-seventh probe: filters on empty data, and time bounds of odd kinds.

- ``apply_filters`` on data without rows blamed its first filter: "filter step 1 of 1,
  k_core(...), removed all 0 remaining rows (... after pass 0: )".
- ``TimeWindow`` refused a float, NaN, a Decimal or numpy's NaT bound as "expected an
  integer or a string", naming none of the date types it takes, and pandas' NaT as
  "cannot read 'NaT' as a time"; every other time argument (``temporal_split``'s cutoff,
  ``between``) says "start is NaT (no time)" and lists the forms.
- A whole float time (``1.5e9``, ``40.0``) was told "Unix seconds are a whole number",
  which it is; it is now told the integer to write.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from recstack.data.filters import Deduplicate, KCore, MinValue, TimeWindow, apply_filters, k_core
from recstack.data.interactions import Interactions
from recstack.data.splits import temporal_split
from recstack.errors import ConfigError, EmptyResultError

FORMS = ("Unix seconds or an ISO date such as 2020-01-31 or 2020-01-31T12:00:00, or a date, "
         "datetime, pandas Timestamp or numpy.datetime64")


def _empty() -> Interactions:
    data = Interactions.from_arrays([1, 2], [1, 2], timestamps=[10, 20])
    return data.select(np.zeros(2, bool))


@pytest.mark.parametrize("step", [KCore(1, 1), MinValue(3), TimeWindow(start=0),
                                  Deduplicate()])
def test_filters_on_data_without_rows_say_the_data_were_empty(step):
    with pytest.raises(EmptyResultError) as refused:
        apply_filters(_empty(), [step, KCore(1, 1)])
    assert str(refused.value) == (
        f"the data have no rows to filter (2 users and 2 items in their vocabularies, no "
        f"interaction), so filter step 1 of 2, {step.name}, has nothing to keep; check the "
        "data read before the filters (a file of a header alone, a selection that kept no "
        "row)")


def test_k_core_of_empty_data_and_no_filters_at_all():
    with pytest.raises(EmptyResultError, match=r"^the data have no rows to filter"):
        k_core(_empty(), 1, 1)
    # no filter: nothing is refused, the data come back as they are
    kept, steps = apply_filters(_empty(), [])
    assert (len(kept), steps) == (0, [])


def test_a_filter_that_empties_the_data_is_still_named():
    data = Interactions.from_arrays([1, 1, 2], [1, 2, 1])
    with pytest.raises(EmptyResultError, match=r"^filter step 1 of 1, k_core\(user_min=3, "
                                               r"item_min=1\), removed all 3 remaining rows"):
        apply_filters(data, [KCore(3, 1)])


@pytest.mark.parametrize(("bound", "said"), [
    (1.5, "start: cannot read 1.5 as a time (a float: Unix seconds are a whole number)"),
    (float("nan"), "start: cannot read nan as a time (a float: Unix seconds are a whole "
                   "number)"),
    (np.float64(20.0), "start: cannot read 20.0 as a time (a float: Unix seconds are an "
                       "integer; write 20 without the decimal point)"),
    (Decimal("20"), "start: cannot read Decimal('20') as a time (a Decimal: Unix seconds are "
                    "an integer; write 20)"),
    (Fraction(41, 2), "start: cannot read Fraction(41, 2) as a time (a Fraction: Unix "
                      "seconds are a whole number)"),
    (np.datetime64("NaT"), "start is NaT (no time)"),
    (pd.NaT, "start is NaT (no time)"),
])
def test_a_time_window_bound_of_no_time_lists_the_forms_taken(bound, said):
    with pytest.raises(ConfigError) as refused:
        TimeWindow(start=bound)
    assert str(refused.value) == f"time_window: {said}; use {FORMS}"


def test_the_end_bound_is_read_by_the_same_rule():
    with pytest.raises(ConfigError, match=r"^time_window: end: cannot read 30.5 as a time"):
        TimeWindow(end=30.5)


def test_the_bounds_that_are_times_still_keep_the_same_rows():
    data = Interactions.from_arrays([1, 2, 3], [1, 2, 3], timestamps=[10, 20, 30])
    for start in (20, np.int64(20), "1970-01-01T00:00:20", np.datetime64(20, "s"),
                  pd.Timestamp(20, unit="s")):
        kept, _ = apply_filters(data, [TimeWindow(start=start)])
        assert kept.timestamp.tolist() == [20, 30]


def test_a_whole_float_cutoff_is_told_the_integer():
    data = Interactions.from_arrays([1, 1, 2, 2], [1, 2, 1, 2], timestamps=[10, 20, 10, 20])
    with pytest.raises(ConfigError, match=r"^cutoff: cannot read 1500000000.0 as a time \(a "
                                          r"float: Unix seconds are an integer; write "
                                          r"1500000000 without the decimal point\)"):
        temporal_split(data, 1.5e9)
    # a float past any time is not written out in its 301 digits
    with pytest.raises(ConfigError, match=r"^cutoff: cannot read 1e\+300 as a time \(a float: "
                                          r"Unix seconds are an integer\); use"):
        temporal_split(data, 1e300)
