"""Round ten: event-log money columns of durations or datetimes, a list of metrics given to
compare_variants, and true/false samples in Welch's t-test (outcomes read as 1/0)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from recstack.metrics import MetricInputError, compare_variants, online_metrics, welch_ttest

T0 = 1_700_000_000


def _log(**columns) -> pd.DataFrame:
    log = pd.DataFrame({"variant": ["A", "A", "A", "B", "B", "B"],
                        "session_id": [1, 1, 2, 3, 3, 4],
                        "event": ["impression", "click", "impression", "impression", "click",
                                  "purchase"],
                        "timestamp": [T0, T0 + 5, T0 + 9, T0, T0 + 3, T0 + 8],
                        "revenue": [0.0, 0.0, 0.0, 0.0, 0.0, 5.0], "cost": [1.0] * 6})
    return log.assign(**columns)


@pytest.mark.parametrize(("column", "values", "kind"), [
    ("cost", pd.to_timedelta([1] * 6, unit="s"), "durations"),
    ("revenue", pd.to_datetime([T0] * 6, unit="s"), "datetimes"),
    ("revenue", pd.Series([pd.Timedelta(seconds=1)] * 6, dtype=object), "dates or times"),
])
def test_money_columns_of_durations_or_datetimes_are_refused(column, values, kind):
    # they were read as their nanoseconds: a cost of 1 s was 1e9
    with pytest.raises(MetricInputError, match=f"events column '{column}' holds {kind}") \
            as raised:
        online_metrics(_log(**{column: values}))
    assert str(raised.value).endswith("it must hold amounts of money >= 0")


def test_money_written_as_text_numbers_is_still_read():
    table = online_metrics(_log(revenue=["0", "0", "0", "0", "0", "5"]))
    assert table.loc["B", "revenue"] == 5.0


@pytest.mark.parametrize("metric", [["ctr"], ("ctr", "engagement")])
def test_compare_variants_takes_one_metric_name(metric):
    # ["ctr"] was "unknown online metric ['ctr']", as if ctr were not a metric
    with pytest.raises(MetricInputError, match=f"metric is one name, such as 'ctr', not a "
                                               f"{type(metric).__name__}; call "
                                               "compare_variants once per metric"):
        compare_variants(_log(), metric, "A", "B")


def test_welch_reads_true_false_as_one_and_zero():
    control, treatment = [True, False, True, True], [False, False, True, False]
    result = welch_ttest(control, treatment)
    # the definition: means 3/4 and 1/4, sample variances 1/4 each, n = 4 each
    se = math.sqrt(0.25 / 4 + 0.25 / 4)
    assert result.control_value == 0.75 and result.treatment_value == 0.25
    assert result.statistic == pytest.approx((0.25 - 0.75) / se)
    numeric = welch_ttest(np.array(control, float), np.array(treatment, float))
    assert result == numeric


def test_welch_refuses_durations_naming_the_sample():
    with pytest.raises(MetricInputError, match="treatment must be an array of numbers .*"
                                               "durations"):
        welch_ttest([1.0, 2.0, 3.0], pd.Series(pd.to_timedelta([1, 2, 4], unit="s")))


@pytest.mark.parametrize("metric", ["log_loss", "expected_calibration_error",
                                    "calibration_ratio"])
def test_predicted_classes_are_no_probabilities(metric):
    import recstack.metrics as metrics

    labels, probabilities = np.array([0, 1, 0, 1]), np.array([0.2, 0.9, 0.4, 0.6])
    with pytest.raises(MetricInputError, match="y_prob must be probabilities in .0, 1., got "
                                               "true/false values"):
        getattr(metrics, metric)(labels, probabilities > 0.5)
    # calibration ratio = mean prediction / mean label = 0.525 / 0.5
    assert metrics.calibration_ratio(labels, probabilities) == pytest.approx(1.05)
