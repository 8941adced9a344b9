"""Edited calibrator files, true/false weights, float indices and negative click labels."""

import json

import numpy as np
import pytest

from recstack.errors import RecstackError
from recstack.pipeline.bandit_checks import BanditInputError
from recstack.pipeline.bandits import EpsilonGreedy
from recstack.pipeline.bayesian import BayesianLogisticRegression
from recstack.pipeline.calibration import (
    CalibrationError,
    HistogramCalibrator,
    IsotonicCalibrator,
    load_calibrator,
)
from recstack.pipeline.off_policy import deterministic_target
from recstack.pipeline.position_bias import ipw_sample_weights


def _written(tmp_path, data):
    path = tmp_path / "calibrator.json"
    path.write_text(json.dumps(data))
    return path


ISOTONIC = {"format": "recstack-calibrator", "type": "isotonic",
            "thresholds": [0.1, 0.4, 0.7], "values": [0.0, 0.5, 1.0]}
# 4 bins of 4 rows: 1, 2, 3 positives and an empty bin at the overall rate 6 / 12
HISTOGRAM = {"format": "recstack-calibrator", "type": "histogram", "n_bins": 4,
             "strategy": "uniform", "edges": [0.25, 0.5, 0.75],
             "rates": [0.25, 0.5, 0.75, 0.5], "counts": [4, 4, 4, 0]}


def test_unedited_files_load(tmp_path):
    assert load_calibrator(_written(tmp_path, ISOTONIC)).predict([0.4])[0] == 0.5
    assert load_calibrator(_written(tmp_path, HISTOGRAM)).predict([0.9])[0] == 0.5


@pytest.mark.parametrize(("edit", "said"), [
    ({"thresholds": [0.4, 0.1, 0.7]}, r"thresholds must be non-decreasing.*thresholds\[1\]"),
    ({"values": [0.0, 0.6, 0.5]}, r"values must be non-decreasing.*values\[2\] = 0.5"),
    ({"values": [0.0, 0.5, 1.5]}, r"values\[2\] is 1.5"),
    ({"values": [0.0, 0.5]}, "thresholds has 3 entries, values 2"),
    ({"thresholds": [], "values": []}, "thresholds is empty"),
])
def test_isotonic_file_edited_is_refused_naming_field(tmp_path, edit, said):
    path = _written(tmp_path, {**ISOTONIC, **edit})
    with pytest.raises(CalibrationError, match=said) as caught:
        load_calibrator(path)
    assert str(path) in str(caught.value)


@pytest.mark.parametrize(("edit", "said"), [
    # 0.25 x 5 rows = 1.25 positives: a count changed without its rate
    ({"counts": [5, 4, 4, 0]}, r"rates\[0\] = 0.25 over counts\[0\] = 5"),
    ({"rates": [0.3, 0.5, 0.75, 0.5]}, r"rates\[0\] = 0.3"),
    # the empty bin holds the overall rate, 6 / 12, as fit gives it
    ({"rates": [0.25, 0.5, 0.75, 0.9]}, r"rates\[3\] = 0.9 for an empty bin.*0.5"),
    ({"counts": [0, 0, 0, 0]}, "add up to 0 rows"),
    ({"rates": [0.0, 0.0, 0.0, 0.0]}, "0 positives of 12 rows"),
    ({"counts": [4, -4, 4, 0]}, r"counts\[1\] is -4"),
    ({"edges": [0.5, 0.25, 0.75]}, r"edges must be non-decreasing.*edges\[1\]"),
    ({"rates": [0.25, 0.5, 0.75]}, "rates has 3 entries, 4 wanted: .*do not match n_bins"),
])
def test_histogram_file_edited_is_refused_naming_field(tmp_path, edit, said):
    path = _written(tmp_path, {**HISTOGRAM, **edit})
    with pytest.raises(CalibrationError, match=said) as caught:
        load_calibrator(path)
    assert str(path) in str(caught.value)


@pytest.mark.parametrize("strategy", ["uniform", "quantile"])
@pytest.mark.parametrize("n_bins", [1, 3, 25])
def test_fitted_calibrators_still_round_trip(tmp_path, strategy, n_bins):
    rng = np.random.default_rng(n_bins)
    scores = rng.random(301) ** 4
    labels = (rng.random(301) < scores).astype(int)
    labels[:2] = [0, 1]
    for calibrator in (HistogramCalibrator(n_bins=n_bins, strategy=strategy),
                       IsotonicCalibrator()):
        calibrator.fit(scores, labels)
        loaded = load_calibrator(calibrator.save(tmp_path / "c.json",
                                                   overwrite=True))
        np.testing.assert_array_equal(loaded.predict(scores), calibrator.predict(scores))


def test_bandit_update_refuses_float_item_indices():
    policy = EpsilonGreedy(n_items=3)
    with pytest.raises(BanditInputError, match=r"items must hold integer item indices, got "
                       r"floats \(1.0 at position \[0, 0\]\)"):
        policy.update([0], [[1.0, 2.0]], [[1.0, 0.0]])
    policy.update([0], [[1, 2]], [[1.0, 0.0]])  # integers still taken


def test_off_policy_refuses_float_action_indices():
    with pytest.raises(BanditInputError, match="actions must hold integer action indices"):
        deterministic_target(np.array([1.0, 0.0]), 2)


def test_bayesian_refuses_boolean_sample_weight():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((20, 2)), np.tile([0, 1], 10)
    with pytest.raises(BanditInputError, match="sample_weight must be numbers, got "
                       "true/false"):
        BayesianLogisticRegression().fit(X, y, sample_weight=np.ones(20, bool))
    BayesianLogisticRegression().fit(X, y, sample_weight=np.ones(20))


def test_ranker_check_weights_refuses_booleans():
    from recstack.pipeline.rankers.base import check_weights

    class Frame:
        def __len__(self):
            return 3

    with pytest.raises(RecstackError, match="sample_weight must be numbers, got true/false"):
        check_weights(Frame(), np.array([True, False, True]), "lightgbm.fit")
    np.testing.assert_array_equal(check_weights(Frame(), [1, 0, 2], "lightgbm.fit"),
                                  [1.0, 0.0, 2.0])


def test_ipw_negative_label_uses_the_shared_rule():
    # the check is positive_labels' (a refactor: the message stays ipw's own wording)
    with pytest.raises(BanditInputError, match=r"^ipw_sample_weights: labels must be >= 0 "
                       r"\(clicks 1/0 or a graded relevance\), row 1 is -1.0$"):
        ipw_sample_weights([1, 2], [1, -1], [1.0, 0.5])
    with pytest.raises(BanditInputError, match="ipw_sample_weights: labels must be finite, "
                       "row 1 is nan"):
        ipw_sample_weights([1, 2], [1, np.nan], [1.0, 0.5])
    # a click at position 2 weighs 1 / 0.5, the unclicked row 1
    np.testing.assert_array_equal(ipw_sample_weights([1, 2, 2], [1, 2, 0], [1.0, 0.5]),
                                  [1.0, 2.0, 1.0])
