"""Two hundred sixty-fifth round: whole amounts of money past 2**53 are refused (they and
their totals were rounded by float64 without a word), the Welch t-test is exact on integers
past 2**53 (neighbours merged into constant samples), and a NaN p-value is said."""

import math
import warnings
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from recstack.metrics import MetricInputError
from recstack.metrics.online import (
    compare_variants,
    session_table,
    two_proportion_ztest,
    welch_ttest,
)

BIG = 2**53 + 1  # the first whole number float64 cannot hold: read as 2**53


def _log(column, values, dtype=None):
    n = len(values)
    events = pd.DataFrame({
        "variant": ["A"] * n, "session_id": ["s1"] * n, "event": ["purchase"] * n,
        "timestamp": list(range(n)), "revenue": [0] * n, "cost": [0] * n})
    events[column] = pd.Series(values, dtype=dtype)
    return events


@pytest.mark.parametrize("column", ["revenue", "cost"])
@pytest.mark.parametrize(("values", "dtype", "shown_as"), [
    ([5, BIG], "int64", "9007199254740993"),
    ([5, BIG], object, "9007199254740993"),
    ([5, 2**63], "uint64", "9223372036854775808"),
    (["5", " 9007199254740993"], object, "' 9007199254740993'"),
])
def test_a_whole_amount_past_2_53_is_refused_naming_column_and_row(column, values, dtype,
                                                                   shown_as):
    with pytest.raises(MetricInputError, match=(
            rf"column '{column}' holds {shown_as} at row 1, a whole number past 2\*\*53 "
            r"\(9,007,199,254,740,992\) that float64 cannot hold exactly")):
        session_table(_log(column, values, dtype))


@pytest.mark.parametrize("column", ["revenue", "cost"])
@pytest.mark.parametrize("dtype", ["int64", object])
def test_whole_amounts_adding_up_past_2_53_are_refused(column, dtype):
    # 2**53 + 1 in all: float64's total was 2**53
    with pytest.raises(MetricInputError, match=(
            rf"column '{column}' holds whole amounts adding up to about 9\.007e\+15, past "
            r"2\*\*53")):
        session_table(_log(column, [2**53, 1], dtype))


def test_whole_amounts_up_to_2_53_keep_their_exact_totals():
    # 2**52 + 2**52 = 2**53 exactly; 3 + 4 = 7 with a missing amount read as 0
    table = session_table(_log("revenue", [2**52, 2**52], "int64"))
    assert table["revenue"].iloc[0] == 2**53
    table = session_table(_log("revenue", [3, None, 4], object))
    assert table["revenue"].iloc[0] == 7.0


@pytest.mark.parametrize("kind", [list, np.array, lambda v: [Decimal(x) for x in v]])
def test_welch_on_integers_past_2_53_is_exact(kind):
    # control 2**60 + {1, 3}: mean 2**60 + 2, variance 2; treatment 2**60 + {0, 2}: mean
    # 2**60 + 1, variance 2. As float64 both were constant and equal (p NaN, width 0).
    # difference -1, SE = sqrt(2/2 + 2/2) = sqrt(2), t = -1/sqrt(2), Welch df = 2;
    # with 2 df, p = 1 - |t| / sqrt(2 + t**2) = 1 - 1/sqrt(5), and
    # t_{0.975, 2} = 0.95 / sqrt(2 * 0.975 * 0.025)
    base = 2**60
    result = welch_ttest(kind([base + 1, base + 3]), kind([base, base + 2]))
    assert result.difference == -1.0
    assert result.control_value == float(base + 2)
    assert result.treatment_value == float(base + 1)
    assert result.statistic == pytest.approx(-1 / math.sqrt(2), rel=1e-12)
    assert result.p_value == pytest.approx(1 - 1 / math.sqrt(5), rel=1e-9)
    half = 0.95 / math.sqrt(2 * 0.975 * 0.025) * math.sqrt(2)
    assert result.ci_low == pytest.approx(-1 - half, rel=1e-9)
    assert result.ci_high == pytest.approx(-1 + half, rel=1e-9)


def test_welch_exact_mean_of_integers_past_2_53():
    # (2**53 + 1 + 2**53) / 2 = 2**53 + 0.5 -> 2**53 as a float; the difference to the
    # treatment mean 1.5 is exactly 2**53 - 1 (float64 made it 2**53 - 2)
    result = welch_ttest([2**53 + 1, 2**53], [1, 2])
    assert result.difference == -(2**53 - 1)


@pytest.mark.parametrize(("counts", "outcome"), [
    ((0, 10, 0, 20), "a failure"),
    ((10, 10, 20, 20), "a success"),
])
def test_a_z_test_without_variation_says_its_p_value_is_nan(counts, outcome):
    with pytest.warns(UserWarning, match=(
            rf"every trial of both groups is {outcome} \({counts[0]} of {counts[1]} in "
            rf"control, {counts[2]} of {counts[3]} in treatment\).*p-value are NaN")):
        result = two_proportion_ztest(*counts)
    assert math.isnan(result.p_value) and math.isnan(result.statistic)


def test_a_z_test_with_variation_stays_quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = two_proportion_ztest(0, 10, 1, 10)
    assert math.isfinite(result.p_value)


def test_welch_on_one_value_throughout_says_its_p_value_is_nan():
    with pytest.warns(UserWarning, match=(
            r"every value of both samples is 3\.0 \(2 in control, 3 in treatment\).*"
            r"p-value are NaN")):
        result = welch_ttest([3, 3], [3, 3, 3])
    assert math.isnan(result.p_value)


def test_compare_variants_without_clicks_says_its_p_value_is_nan():
    events = pd.DataFrame({
        "variant": ["A", "A", "B", "B"], "session_id": [1, 2, 3, 4],
        "event": ["impression"] * 4, "timestamp": [0, 1, 2, 3],
        "revenue": [0.0] * 4, "cost": [0.0] * 4})
    with pytest.warns(UserWarning, match=r"failure \(0 of 2 in control, 0 of 2 in treatment"):
        result = compare_variants(events, "ctr", "A", "B")
    assert math.isnan(result.p_value)
