"""Twenty-third bad-input probe of the online metrics: samples and event logs whose numbers
are near the float64 limit (about 1.8e308). Welch's t-test squared them (the variances)
and returned inf or NaN with numpy's overflow warnings; revenue or cost that add up past
the limit gave infinite totals and a NaN ROI. The t-test is now computed in units of the
largest value (t and p do not depend on the unit), and what cannot be held is refused by
name. A t-test between variants of one session each names the variant. Expected values by
hand from the definitions."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from recstack.metrics import MetricInputError, compare_variants, online_metrics, welch_ttest


def test_welch_on_values_near_the_float_limit_gives_the_test_in_their_unit():
    # in units of 1e308: control 1.5, 1.6 (mean 1.55, variance 0.005), treatment 1.7, 1.79
    # (mean 1.745, variance 0.00405); SE = sqrt(0.005 / 2 + 0.00405 / 2) = 0.0672681,
    # t = 0.195 / SE = 2.89885
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's overflow warnings included
        result = welch_ttest([1.5e308, 1.6e308], [1.7e308, 1.79e308])
    se = math.sqrt(0.005 / 2 + 0.00405 / 2)
    assert result.control_value == pytest.approx(1.55e308)
    assert result.treatment_value == pytest.approx(1.745e308)
    assert result.difference == pytest.approx(0.195e308)
    assert result.statistic == pytest.approx(0.195 / se)
    assert result.ci_low < result.difference < result.ci_high
    assert math.isfinite(result.p_value) and 0 < result.p_value < 1


def test_welch_on_large_values_agrees_with_the_same_values_in_a_smaller_unit():
    control, treatment = np.array([1.0, 2.0, 4.0]), np.array([3.0, 5.0, 8.0])
    small = welch_ttest(control, treatment)
    large = welch_ttest(control * 1e200, treatment * 1e200)
    assert large.statistic == pytest.approx(small.statistic)
    assert large.p_value == pytest.approx(small.p_value)
    assert large.ci_low == pytest.approx(small.ci_low * 1e200)
    assert large.ci_high == pytest.approx(small.ci_high * 1e200)
    # by hand: means 7/3 and 16/3, difference 3
    assert large.difference == pytest.approx(3e200)


def test_welch_refuses_an_interval_past_the_float_limit():
    # control mean 3.3e307, treatment mean 6.7e307, but the interval reaches past 1.8e308
    with pytest.raises(MetricInputError, match="values up to 1e\\+308, so the interval passes "
                       "the float64 range.*larger unit"):
        welch_ttest([1e308, -1e308, 1e308], [1e308, 1e308, 0.0])


def events(revenue, cost=0.0):
    return pd.DataFrame({"variant": ["A", "A", "B", "B"], "session_id": [1, 2, 3, 4],
                         "event": ["purchase"] * 4, "timestamp": [0, 1, 2, 3],
                         "revenue": revenue, "cost": cost})


@pytest.mark.parametrize(("column", "row"), [("revenue", 1), ("cost", 0)])
def test_amounts_that_add_up_past_the_float_limit_are_refused(column, row):
    # 1e308 + 1e308 is inf: variant A's total revenue (or every variant's ROI) was inf / NaN
    amounts = [1e308, 1.5e308, 0.0, 1.0] if column == "revenue" else [1.2e308, 1e308, 1e308, 1.0]
    log = events(amounts if column == "revenue" else 1.0,
                 amounts if column == "cost" else 0.0)
    with pytest.raises(MetricInputError, match=f"events column '{column}' adds up past the "
                       f"float64 range.*largest amount is 1.[25]e\\+308 at row {row}"):
        online_metrics(log)


def test_a_t_test_between_single_sessions_names_the_variant():
    log = events([5.0, 0.0, 1.0, 2.0]).iloc[1:]  # variant A keeps one session
    with pytest.raises(MetricInputError, match="control variant 'A' has 1 session, and the "
                       "t-test of revenue_per_session needs at least 2 per variant"):
        compare_variants(log, "revenue_per_session", "A", "B")
