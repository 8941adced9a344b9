"""compare_variants matches a variant named as text to the whole-number floats a CSV reader
made of it, and refuses a name it cannot match naming the stored variants' type."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from recstack.metrics import MetricInputError
from recstack.metrics.online import compare_variants

COLUMNS = ["variant", "session_id", "event", "timestamp", "revenue", "cost"]


def _log(first, second):
    # first: two sessions, 2 impressions and 1 click; second: 2 impressions, no click
    return pd.DataFrame([(first, "s1", "impression", 0, 0, 0), (first, "s1", "click", 5, 0, 0),
                         (second, "s2", "impression", 0, 0, 0),
                         (second, "s3", "impression", 1, 0, 0),
                         (first, "s4", "impression", 2, 0, 0)], columns=COLUMNS)


@pytest.mark.parametrize("stored, control, treatment", [
    ((1.0, 2.0), "1", "2"), ((1.0, 2.0), 1, 2), (("1", "2"), 1.0, 2.0),
    ((1, 2), "1.0", "2.0")])
def test_a_whole_number_written_another_way_names_the_variant(stored, control, treatment):
    result = compare_variants(_log(*stored), "ctr", control, treatment)
    # worked by hand: CTRs 1/2 and 0/2, pooled 1/4, z = -0.5 / sqrt(1/4 * 3/4 * (1/2 + 1/2))
    assert (result.control_value, result.treatment_value) == (0.5, 0.0)
    assert result.statistic == pytest.approx(-0.5 / math.sqrt(0.25 * 0.75))
    assert result.control == str(stored[0])


def test_a_name_matching_two_stored_variants_is_refused_naming_both():
    with pytest.raises(MetricInputError, match=r"names 2 variants.*'1.0', '01'"):
        compare_variants(_log("1.0", "01"), "ctr", 1, "01")


def test_an_unknown_name_names_the_stored_variants_and_their_type():
    with pytest.raises(MetricInputError,
                       match=r"control variant 'A' is not in the log; variants: \[1.0, 2.0\] "
                             r"\(stored as float\)"):
        compare_variants(_log(1.0, 2.0), "ctr", "A", "2")
    with pytest.raises(MetricInputError, match="not in the log"):
        compare_variants(_log(1.5, 2.0), "ctr", "1", "2")
