"""Precision, recall and F1 at a threshold return NaN where their formula is 0 / 0: still
NaN, now said with a OneClassWarning naming the metric and the cause (no positive label; no
score reaching the threshold), as roc_auc and the other metrics say labels of one class."""

from __future__ import annotations

import math
import warnings
from decimal import Decimal

import numpy as np
import pytest

from recstack.metrics import (
    OneClassWarning,
    f1_at_threshold,
    get_metric,
    one_class_said_once,
    precision_at_threshold,
    precision_recall_f1,
    recall_at_threshold,
    roc_auc,
)


def _said(call) -> tuple[object, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = call()
    said = [w for w in caught if issubclass(w.category, OneClassWarning)]
    assert all(w.filename == __file__ for w in said)  # the user's line, not recstack's
    return value, [str(w.message) for w in said]


def test_recall_without_a_positive_label_is_nan_and_said() -> None:
    value, said = _said(lambda: recall_at_threshold([0, 0, 0], [0.9, 0.1, 0.2]))
    assert math.isnan(value)  # type: ignore[arg-type]
    assert len(said) == 1
    assert said[0].startswith("recall_at_threshold: only class 0 in y_true (3 labels, none "
                              "of class 1), so recall_at_threshold is undefined there and "
                              "is NaN: it divides by the number of positive labels, 0")


def test_precision_with_nothing_predicted_is_nan_and_said() -> None:
    # scores 0.1 and 0.2 under the threshold 0.5: TP + FP = 0
    value, said = _said(lambda: precision_at_threshold([1, 0], [0.1, 0.2]))
    assert math.isnan(value)  # type: ignore[arg-type]
    assert len(said) == 1
    assert said[0].startswith("precision_at_threshold: no y_score reaches the threshold 0.5 "
                              "(2 scores, the highest 0.2), so precision_at_threshold is "
                              "undefined there and is NaN")
    assert "lower the threshold" in said[0]


def test_f1_is_said_only_when_both_counts_are_zero() -> None:
    value, said = _said(lambda: f1_at_threshold([0, 0], [0.1, 0.3]))
    assert math.isnan(value)  # type: ignore[arg-type]
    assert len(said) == 1
    assert said[0].startswith("f1_at_threshold: only class 0 in y_true (2 labels, none of "
                              "class 1), so f1_at_threshold is undefined there")
    assert "no score reaches the threshold" in said[0]


@pytest.mark.parametrize(("metric", "y_true", "y_score", "expected"), [
    # all labels 0, one false positive: precision 0 / (0 + 1) = 0, F1 0 / (0 + 1 + 0) = 0
    (precision_at_threshold, [0, 0], [0.9, 0.1], 0.0),
    (f1_at_threshold, [0, 0], [0.9, 0.1], 0.0),
    # one positive missed: recall 0 / (0 + 1) = 0
    (recall_at_threshold, [1, 0], [0.1, 0.2], 0.0),
    # both classes, both predicted: TP 1, FP 0, FN 1 -> P 1, R 1/2, F1 2/3
    (precision_at_threshold, [1, 1, 0], [0.9, 0.1, 0.2], 1.0),
    (recall_at_threshold, [1, 1, 0], [0.9, 0.1, 0.2], 0.5),
    (f1_at_threshold, [1, 1, 0], [0.9, 0.1, 0.2], 2 / 3),
])
def test_defined_values_say_nothing(metric, y_true, y_score, expected: float) -> None:
    value, said = _said(lambda: metric(y_true, y_score))
    assert value == pytest.approx(expected)
    assert said == []


def test_precision_recall_f1_names_each_nan_field_and_its_cause() -> None:
    scores, said = _said(lambda: precision_recall_f1([0, 0, 0], [0.9, 0.1, 0.2]))
    assert math.isnan(scores.recall) and scores.precision == 0.0  # type: ignore[attr-defined]
    assert said == [said[0]] and said[0].startswith(
        "precision_recall_f1: only class 0 in y_true (3 labels, none of class 1), so recall "
        "is undefined there and is NaN")

    scores, said = _said(lambda: precision_recall_f1([0, 0], [0.1, 0.2]))
    assert all(math.isnan(v) for v in (scores.precision, scores.recall,  # type: ignore[attr-defined]
                                        scores.f1))  # type: ignore[attr-defined]
    assert len(said) == 2
    assert said[0].startswith("precision_recall_f1: only class 0 in y_true (2 labels, none "
                              "of class 1), so recall and f1 are undefined there and are NaN")
    assert said[1].startswith("precision_recall_f1: no y_score reaches the threshold 0.5 "
                              "(2 scores, the highest 0.2), so precision is undefined there")

    scores, said = _said(lambda: precision_recall_f1([1, 0], [0.1, 0.2], threshold=0.75))
    assert math.isnan(scores.precision)  # type: ignore[attr-defined]
    assert scores.recall == 0.0 and scores.f1 == 0.0  # type: ignore[attr-defined]
    assert len(said) == 1 and "threshold 0.75 (2 scores, the highest 0.2)" in said[0]


def test_the_threshold_and_the_highest_score_are_written_as_given() -> None:
    _, said = _said(lambda: precision_at_threshold([1, 0], [0.1, 0.2],
                                                   threshold=Decimal("0.9")))
    assert "threshold 0.9 (2 scores" in said[0]  # not Decimal('0.9')
    # integers past 2**53 keep their digits (as floats both read 1152921504606846976)
    _, said = _said(lambda: precision_at_threshold(
        [1, 0], np.array([2**60, 3]), threshold=2**60 + 1))
    assert ("threshold 1152921504606846977 (2 scores, the highest 1152921504606846976)"
            in said[0])


def test_through_the_registry_and_gathered_with_the_other_metrics() -> None:
    value, said = _said(lambda: get_metric("recall_at_threshold").function([0, 0], [0.4, 0.6]))
    assert math.isnan(value) and len(said) == 1  # type: ignore[arg-type]

    def both() -> None:
        with one_class_said_once("mine"):
            roc_auc([0, 0], [0.1, 0.7])
            precision_recall_f1([0, 0], [0.1, 0.7])
    _, said = _said(both)
    assert said == ["mine: only class 0 in y_true (2 labels, none of class 1), so roc_auc "
                    "and recall are undefined there and are NaN; they need labels of both "
                    "classes (evaluate on a sample holding both)"]
