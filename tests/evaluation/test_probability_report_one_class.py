"""evaluate_probabilities on labels of one class: its four undefined figures each raised
their own OneClassWarning (NE, RIG, ROC AUC, calibration ratio); the report says it once,
naming every figure, and the figures stay NaN."""

from __future__ import annotations

import math
import warnings

from recstack.evaluation.pointwise import evaluate_probabilities
from recstack.metrics import OneClassWarning


def test_one_class_labels_are_said_once_for_the_whole_report() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report = evaluate_probabilities([0, 0, 0], [0.1, 0.2, 0.3])
    said = [w for w in caught if issubclass(w.category, OneClassWarning)]
    assert len(said) == 1
    text = str(said[0].message)
    assert text.startswith("evaluate_probabilities: only class 0")
    for name in ("normalized_cross_entropy", "relative_information_gain", "roc_auc",
                 "calibration_ratio"):
        assert name in text
    assert said[0].filename == __file__
    assert math.isnan(report.roc_auc) and math.isnan(report.calibration_ratio)
    # log loss is defined on one class: -mean(log(1 - p)) worked by hand
    expected = -(math.log(0.9) + math.log(0.8) + math.log(0.7)) / 3
    assert math.isclose(report.log_loss, expected, rel_tol=1e-12)
