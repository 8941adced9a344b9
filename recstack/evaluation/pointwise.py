"""Evaluation of point predictions: ratings on held-out rows, and probabilities of labels."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.evaluation.evaluator import check_interactions
from recstack.metrics import classification, regression

RATING_METRICS = {
    "rmse": regression.rmse, "mse": regression.mse, "mae": regression.mae,
    "huber": regression.huber_loss, "mape": regression.mape, "smape": regression.smape,
    "msle": regression.msle,
}


def evaluate_ratings(model: Any, test: Interactions,
                     metrics: tuple[str, ...] = ("rmse", "mae")) -> dict[str, float]:
    """Errors of ``model``'s predicted ratings on the held-out ``test`` rows.

    ``model.score(users, items)`` must return predicted ratings (explicit models such as
    ``mf``); lower is better for every metric here.
    """
    check_interactions(test=test)
    if not test.is_explicit:
        raise RecstackError("rating metrics need explicit ratings; these test interactions "
                            "are implicit (rating_range is None)")
    if isinstance(metrics, str):
        metrics = (metrics,)
    unknown = [m for m in metrics if not isinstance(m, str) or m not in RATING_METRICS]
    if unknown:
        raise RecstackError(f"unknown rating metric(s) {unknown}; available: "
                            + ", ".join(RATING_METRICS))
    if len(test) == 0:
        raise RecstackError("no test rows to evaluate ratings on")
    predicted = model.score(test.users.to_external(test.user_index),
                            test.items.to_external(test.item_index))
    actual = test.value.astype(np.float64)
    return {name: RATING_METRICS[name](actual, predicted) for name in metrics}


@dataclass(frozen=True)
class ProbabilityReport:
    """How good and how calibrated predicted probabilities are."""

    log_loss: float
    normalized_cross_entropy: float
    relative_information_gain: float
    roc_auc: float
    calibration_ratio: float
    expected_calibration_error: float
    reliability: classification.ReliabilityCurve

    def to_dict(self) -> dict[str, float]:
        return {k: v for k, v in self.__dict__.items() if k != "reliability"}


def evaluate_probabilities(y_true: Any, y_prob: Any, *, n_bins: int = 10,
                           strategy: str = "uniform") -> ProbabilityReport:
    """Log loss, normalised cross entropy (and 1 - NE), ROC AUC, the calibration ratio
    (sum of predictions over sum of labels), expected calibration error and the reliability
    curve of probabilities ``y_prob`` for binary labels ``y_true``."""
    return ProbabilityReport(
        log_loss=classification.log_loss(y_true, y_prob),
        normalized_cross_entropy=classification.normalized_cross_entropy(y_true, y_prob),
        relative_information_gain=classification.relative_information_gain(y_true, y_prob),
        roc_auc=classification.roc_auc(y_true, y_prob),
        calibration_ratio=classification.calibration_ratio(y_true, y_prob),
        expected_calibration_error=classification.expected_calibration_error(
            y_true, y_prob, n_bins=n_bins, strategy=strategy),
        reliability=classification.reliability_curve(y_true, y_prob, n_bins=n_bins,
                                                     strategy=strategy),
    )
