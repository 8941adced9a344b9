"""Fifth bad-input probe: values numpy would silently read as other numbers (complex cut to
real, text such as '1_0' read as 10 or '٣' as 3, datetimes read as counts of their unit),
and pandas Series whose rows are paired by position while their labels say otherwise.
Each case is refused naming the argument; expected values are worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from recstack.errors import RecstackError
from recstack.metrics import (
    MetricInputError,
    log_loss,
    mean_over_users,
    ranking_metrics,
    rmse,
    roc_auc,
)
from recstack.pipeline import off_policy
from recstack.pipeline.bandits import UCB1
from recstack.pipeline.bayesian import BayesianLogisticRegression
from recstack.pipeline.calibration import CalibrationError, PlattCalibrator
from recstack.pipeline.position_bias import estimate_propensities

Y = [0, 1, 1, 0]
P = [0.1, 0.9, 0.8, 0.3]


@pytest.mark.parametrize("call, message", [
    (lambda: log_loss(Y, np.array(P) + 0.5j), "y_prob must be real numbers, got complex"),
    (lambda: roc_auc(Y, np.array(P, dtype=complex)), "y_score must be real numbers"),
    (lambda: ranking_metrics([[0]], sp.csr_matrix(np.array([[1j]]))),
     "truth must be real numbers, got complex"),
    (lambda: roc_auc(Y, ["1_0", "2", "3", "4"]), r"y_score must be an array of numbers, "
                                                 r"got text '1_0' at position 0; text is not "
                                                 r"read as numbers"),
    (lambda: rmse(["٣", "1", "2", "3"], [3, 1, 2, 3]), "y_true must be an array of numbers"),
    (lambda: mean_over_users(np.array(["1", "2"], dtype=object)), "text '1' at position 0"),
    (lambda: roc_auc(Y, np.array([1, 2, 3, 4], dtype="datetime64[s]")), "datetimes"),
    (lambda: rmse(np.array([1, 2], dtype="timedelta64[s]"), [1, 2]), "durations"),
    (lambda: log_loss(pd.Series(["0", "1"]), [0.2, 0.8]), "y_true must be an array of numbers"),
])
def test_metrics_refuse_values_that_are_not_real_numbers(call, message):
    with pytest.raises(MetricInputError, match=message):
        call()


def test_metrics_still_take_numbers_booleans_and_nullable_columns():
    # log loss of (y, p) = (0, .1), (1, .9), (1, .8), (0, .3): -(ln .9 + ln .9 + ln .8 + ln .7)/4
    expected = -(2 * math.log(0.9) + math.log(0.8) + math.log(0.7)) / 4
    assert log_loss([False, True, True, False], P) == pytest.approx(expected)
    assert log_loss(pd.Series(Y, dtype="Int64"), pd.Series(P)) == pytest.approx(expected)
    assert log_loss(np.array(Y, dtype=object), np.array(P, dtype=object)) \
        == pytest.approx(expected)


@pytest.mark.parametrize("call, error", [
    (lambda: PlattCalibrator().fit(["0.1", "0.9"], [0, 1]), CalibrationError),
    (lambda: PlattCalibrator().fit(np.array([1, 2], dtype="datetime64[s]"), [0, 1]),
     CalibrationError),
    (lambda: PlattCalibrator().fit([0.1, 0.9], ["0", "1"]), CalibrationError),
    (lambda: UCB1(n_items=3).update([0], [[0, 1]], [["1", "0"]]), RecstackError),
    (lambda: UCB1(n_items=3).update([0], [[0, 1]], np.array([[1, 0]], dtype="datetime64[s]")),
     RecstackError),
    (lambda: BayesianLogisticRegression().fit(np.eye(3), ["0", "1", "0"]), RecstackError),
])
def test_the_pipeline_refuses_text_and_times_where_numbers_belong(call, error):
    # text: "got text '0.1' at position 0; text is not read as numbers"; times: "(could
    # not convert datetimes ...)"
    with pytest.raises(error, match="must be an array of numbers(, got text '[01.]+' at "
                                    "position [0(, )]+; text is not read| \\(could not convert)"):
        call()


# ------------------------------------------------------------------ pandas indexes
SHUFFLED = pd.Series(Y, index=[3, 2, 1, 0])
IN_ORDER = pd.Series(P, index=[0, 1, 2, 3])


@pytest.mark.parametrize("call", [
    lambda: log_loss(SHUFFLED, IN_ORDER),
    lambda: roc_auc(SHUFFLED, IN_ORDER),
    lambda: rmse(SHUFFLED, IN_ORDER),
])
def test_series_holding_the_same_rows_in_another_order_are_refused(call):
    with pytest.raises(MetricInputError, match="same index labels in different orders "
                       r"\(position 0 is row 3 of y_true but row 0 of y_"):
        call()


def test_series_pair_by_position_when_their_labels_are_not_a_reordering():
    # a filtered frame's column beside predictions on a fresh 0..n-1 index: by position
    filtered = pd.Series(Y, index=[10, 11, 12, 13])
    expected = -(2 * math.log(0.9) + math.log(0.8) + math.log(0.7)) / 4
    assert log_loss(filtered, IN_ORDER) == pytest.approx(expected)
    assert log_loss(SHUFFLED, IN_ORDER.set_axis(SHUFFLED.index)) == pytest.approx(expected)
    # by label, y = 0, 1, 1, 0 against p = .3, .8, .9, .1 would have been another number
    assert roc_auc(SHUFFLED.to_numpy(), IN_ORDER.to_numpy()) == 1.0


def test_the_pipeline_refuses_misaligned_series_too():
    with pytest.raises(CalibrationError, match="platt: scores and labels are pandas Series"):
        PlattCalibrator().fit(IN_ORDER, SHUFFLED)
    with pytest.raises(RecstackError, match="estimate_propensities: positions and clicks"):
        estimate_propensities(pd.Series([1, 2, 1, 2]), SHUFFLED)
    with pytest.raises(RecstackError, match="ips: rewards and actions are pandas Series"):
        off_policy.ips(pd.Series([1.0, 0, 1]), pd.Series([0, 1, 0], index=[2, 1, 0]),
                       [0.5] * 3, np.array([[1, 0], [0, 1], [1, 0]]))
