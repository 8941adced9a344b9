"""Labels of a single class make ROC AUC, the normalised cross-entropy, the relative
information gain (and the calibration ratio without a positive) NaN: still NaN, now said once
per call with a OneClassWarning naming the metric and the class present."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from recstack.metrics import (
    OneClassWarning,
    calibration_ratio,
    get_metric,
    log_loss,
    normalized_cross_entropy,
    one_class_said_once,
    relative_information_gain,
    roc_auc,
)
from recstack.pipeline.calibration import calibration_by_segment

BOTH_UNDEFINED = [roc_auc, normalized_cross_entropy, relative_information_gain]


def _said(call) -> tuple[object, list[warnings.WarningMessage]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = call()
    return value, [w for w in caught if issubclass(w.category, OneClassWarning)]


@pytest.mark.parametrize("metric", BOTH_UNDEFINED, ids=lambda f: f.__name__)
@pytest.mark.parametrize("present", [0, 1])
def test_each_metric_says_the_class_present_once(metric, present: int) -> None:
    value, said = _said(lambda: metric(np.full(3, present), [0.2, 0.4, 0.6]))
    assert math.isnan(value)  # type: ignore[arg-type]
    assert len(said) == 1  # relative_information_gain: not also as normalized_cross_entropy
    text = str(said[0].message)
    assert text.startswith(f"{metric.__name__}: only class {present} in y_true (3 labels, "
                           f"none of class {1 - present})")
    assert "undefined there and is NaN" in text
    assert said[0].filename == __file__  # the user's line, not recstack's


def test_the_calibration_ratio_says_it_only_without_a_positive() -> None:
    value, said = _said(lambda: calibration_ratio([0, 0], [0.2, 0.4]))
    assert math.isnan(value)  # type: ignore[arg-type]
    assert len(said) == 1
    assert str(said[0].message).startswith(
        "calibration_ratio: only class 0 in y_true (2 labels, none of class 1)")
    # only positives: defined, (0.2 + 0.4) / 2 = 0.3, and nothing said
    value, said = _said(lambda: calibration_ratio([1, 1], [0.2, 0.4]))
    assert value == pytest.approx(0.3)
    assert said == []


def test_both_classes_or_a_defined_metric_say_nothing() -> None:
    for metric in [*BOTH_UNDEFINED, calibration_ratio]:
        value, said = _said(lambda m=metric: m([0, 1], [0.2, 0.6]))
        assert not math.isnan(value)  # type: ignore[arg-type]
        assert said == []
    # the log loss is defined on one class: -ln(0.8) = 0.2231...
    value, said = _said(lambda: log_loss([0], [0.2]))
    assert value == pytest.approx(-math.log(0.8))
    assert said == []


def test_the_registry_metric_says_it_too() -> None:
    value, said = _said(lambda: get_metric("roc_auc").function(np.array([True, True]),
                                                               np.array([0.5, 0.6])))
    assert math.isnan(value)  # type: ignore[arg-type]
    assert len(said) == 1 and "only class 1 in y_true (2 labels" in str(said[0].message)


def test_several_metrics_gathered_are_said_once() -> None:
    def report() -> list[float]:
        with one_class_said_once("my_report"):
            return [roc_auc([0, 0], [0.1, 0.2]), normalized_cross_entropy([0, 0], [0.1, 0.2]),
                    calibration_ratio([0, 0], [0.1, 0.2])]

    values, said = _said(report)
    assert all(math.isnan(v) for v in values)  # type: ignore[attr-defined]
    assert len(said) == 1
    assert str(said[0].message).startswith(
        "my_report: only class 0 in y_true (2 labels, none of class 1), so roc_auc, "
        "normalized_cross_entropy and calibration_ratio are undefined there and are NaN")
    assert said[0].filename == __file__


def test_a_gathering_block_that_raises_says_nothing() -> None:
    def failing() -> None:
        with one_class_said_once("my_report"):
            roc_auc([0, 0], [0.1, 0.2])
            raise KeyError("boom")

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(KeyError):
            failing()
    assert not [w for w in caught if issubclass(w.category, OneClassWarning)]
    # and the metric called after it says its own again
    _, said = _said(lambda: roc_auc([1, 1], [0.1, 0.2]))
    assert len(said) == 1


def test_calibration_by_segment_says_it_once_under_its_name() -> None:
    table, said = _said(lambda: calibration_by_segment(
        [0, 0, 0, 0], [0.1, 0.2, 0.3, 0.4], {"s": ["a", "a", "b", "b"]}))
    assert isinstance(table, pd.DataFrame)
    assert table["calibration_ratio"].isna().all()
    assert len(said) == 1
    assert str(said[0].message).startswith(
        "calibration_by_segment: only class 0 in labels (4 labels, none of class 1), so "
        "calibration_ratio is undefined there and is NaN")
    # a segment value without a positive shows positives = 0 in its row: nothing said
    table, said = _said(lambda: calibration_by_segment(
        [0, 0, 1, 1], [0.1, 0.2, 0.3, 0.4], {"s": ["a", "a", "b", "b"]}))
    # all: 1.0 / 2 = 0.5; a: NaN; b: 0.7 / 2 = 0.35
    assert table["calibration_ratio"].iloc[0] == pytest.approx(0.5)  # type: ignore[index]
    assert math.isnan(table["calibration_ratio"].iloc[1])  # type: ignore[index]
    assert table["calibration_ratio"].iloc[2] == pytest.approx(0.35)  # type: ignore[index]
    assert said == []
