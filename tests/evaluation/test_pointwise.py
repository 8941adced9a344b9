import numpy as np
import pytest
from sklearn.calibration import calibration_curve
from sklearn.metrics import log_loss, mean_absolute_error, mean_squared_error, roc_auc_score

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.evaluation.pointwise import evaluate_probabilities, evaluate_ratings


class MeanRating:
    """Predicts each user's mean training rating plus a fixed item offset."""

    def __init__(self, offsets):
        self.offsets = offsets

    def score(self, users, items):
        return np.array([3.0 + self.offsets[i] for i in items], dtype=np.float32)


def test_rating_errors_match_scikit_learn():
    test = Interactions.from_arrays(["a", "a", "b", "c"], [1, 2, 1, 3], [4, 2, 5, 3],
                                    rating_range=(1.0, 5.0))
    model = MeanRating({1: 1.0, 2: -0.5, 3: 0.25})
    predicted = [4.0, 2.5, 4.0, 3.25]
    errors = evaluate_ratings(model, test, metrics=("rmse", "mae", "mse"))
    assert errors["rmse"] == pytest.approx(np.sqrt(mean_squared_error(test.value, predicted)))
    assert errors["mae"] == pytest.approx(mean_absolute_error(test.value, predicted))
    with pytest.raises(RecstackError, match="unknown rating metric"):
        evaluate_ratings(model, test, metrics=("r2",))
    with pytest.raises(RecstackError, match="explicit ratings"):
        evaluate_ratings(model, test.implicit())


def test_probability_report_matches_scikit_learn():
    rng = np.random.default_rng(0)
    p = rng.random(2000)
    y = (rng.random(2000) < p * 0.8).astype(int)  # over-confident predictions
    report = evaluate_probabilities(y, p, n_bins=10)
    assert report.log_loss == pytest.approx(log_loss(y, p), abs=1e-9)
    assert report.roc_auc == pytest.approx(roc_auc_score(y, p), abs=1e-9)
    base = y.mean()
    entropy = -(base * np.log(base) + (1 - base) * np.log(1 - base))
    assert report.normalized_cross_entropy == pytest.approx(log_loss(y, p) / entropy)
    assert report.relative_information_gain == pytest.approx(1 - report.normalized_cross_entropy)
    assert report.calibration_ratio == pytest.approx(p.sum() / y.sum())
    observed, predicted = calibration_curve(y, p, n_bins=10)
    filled = report.reliability.count > 0
    np.testing.assert_allclose(report.reliability.observed_rate[filled], observed, atol=1e-9)
    np.testing.assert_allclose(report.reliability.mean_predicted[filled], predicted, atol=1e-9)
    assert report.calibration_ratio > 1.1  # the 0.8 factor shows as over-prediction
