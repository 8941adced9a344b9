"""The ranker's training examples: the time-based scheme on a hand-made log (labels from the
window, features from the history only), negative sampling, the probability correction
and class weights, each against a hand-worked example or an independent computation."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.models import create_model
from recstack.pipeline.candidates import Candidates
from recstack.pipeline.features import FeatureBuilder
from recstack.pipeline.training_data import (
    class_weights,
    correct_probability,
    make_training_data,
    sample_negatives,
    time_window,
    user_window,
    window_cutoff,
)

DAY = 86_400


def hand_log() -> Interactions:
    """History (before day 10): u0 i0 i1, u1 i0 i2, u2 i1. Window: u0 i2 i3, u1 i1, u2 i3,
    u3 i0 (u3 has no history). Item 3 appears only in the window."""
    rows = [(0, 0, 1), (0, 1, 2), (1, 0, 3), (1, 2, 4), (2, 1, 5),
            (0, 2, 11), (0, 3, 12), (1, 1, 11), (3, 0, 12), (2, 3, 13)]
    u, i, t = (np.array(c) for c in zip(*rows, strict=True))
    return Interactions.from_arrays(u, i, None, t * DAY)


def test_the_time_based_scheme_worked_by_hand():
    history, window = time_window(hand_log(), 10 * DAY)
    examples = make_training_data(history, window, lambda: [create_model("most_popular")],
                                  FeatureBuilder(), cutoff=10 * DAY, n_candidates=2)
    # most_popular on the history: i0 2, i1 2, i2 1, i3 0 (ties: lower index first); i3 has
    # no history row, so it is never a candidate (as a fitted TwoStage never proposes an
    # item its generators learned nothing of)
    # u0 (seen i0 i1) -> i2: in its window -> 1
    # u1 (seen i0 i2) -> i1: in its window -> 1
    # u2 (seen i1) -> i0, i2: none in its window (i3) -> dropped (no positive)
    # u3 has no history -> no example
    frame = examples.frame
    pairs = list(zip(frame.users.tolist(), frame.items.tolist(), strict=True))
    assert pairs == [(0, 2), (1, 1)]
    assert examples.labels.tolist() == [1, 1]
    assert examples.weights.tolist() == [1, 1]
    assert examples.cutoff == 10 * DAY
    # the window's items the candidates hold: u0 1/2, u1 1/1, u2 0/1
    assert examples.candidate_recall == pytest.approx((1 / 2 + 1 + 0) / 3)
    # features see the history only, and u0's last interaction is day 2 (not day 12)
    np.testing.assert_array_equal(frame.column("item_log_count"),
                                  np.log1p([1, 2]).astype(np.float32))
    assert frame.column("user_days_since").tolist() == [8, 6]


def test_class_weights_as_an_alternative():
    # the hand log and a history row of u3 for i3 (so that i3, trained, can be a candidate)
    log = hand_log()
    u, i, t = (np.append(log.user_index, 3), np.append(log.item_index, 3),
               np.append(log.timestamp, 6 * DAY))
    history, window = time_window(Interactions.from_arrays(u, i, None, t), 10 * DAY)
    examples = make_training_data(history, window, lambda: [create_model("most_popular")],
                                  FeatureBuilder(), cutoff=10 * DAY, n_candidates=2,
                                  balanced=True)
    # most_popular: i0 2, i1 2, i2 1, i3 1; u0 -> i2 i3 (1, 1), u1 -> i1 i3 (1, 0),
    # u2 -> i0 i2 (dropped), u3 (seen i3) -> i0 i1 (1, 0)
    assert examples.labels.tolist() == [1, 1, 1, 0, 1, 0]
    # 4 positives, 2 negatives of 6: w1 = 6 / (2 * 4), w0 = 6 / (2 * 2)
    np.testing.assert_allclose(examples.weights, [0.75, 0.75, 0.75, 1.5, 0.75, 1.5])


def test_class_weights_agree_with_scikit_learn():
    from sklearn.utils.class_weight import compute_class_weight

    labels = np.array([1, 0, 0, 0, 1, 0, 0])
    expected = compute_class_weight("balanced", classes=np.array([0, 1]), y=labels)
    np.testing.assert_allclose(class_weights(labels), expected[labels])
    assert class_weights(np.array([1, 0, 0, 0])).tolist() == pytest.approx([2, 2 / 3, 2 / 3,
                                                                            2 / 3])
    assert class_weights(np.zeros(3)).tolist() == [1, 1, 1]


def test_the_probability_correction_worked_by_hand():
    # q = p / (p + (1 - p) / w)
    assert correct_probability(0.5, 0.1) == pytest.approx(1 / 11)
    assert correct_probability(0.2, 0.5) == pytest.approx(1 / 9)
    np.testing.assert_allclose(correct_probability(np.array([0.0, 0.3, 1.0]), 1.0),
                               [0.0, 0.3, 1.0])
    with pytest.raises(ConfigError, match=r"rate \(the factor .*\) must be a finite number > 0"):
        correct_probability(0.5, 0.0)


def test_uniform_downsampling_and_the_correction_recover_the_base_rate():
    """A simulation: 5% positives, negatives kept with w = 0.2; the positive rate of the
    sample, corrected, is the original 5% again."""
    rng = np.random.default_rng(0)
    n = 200_000
    labels = (rng.random(n) < 0.05).astype(np.float32)
    c = Candidates(np.repeat(np.arange(n // 100), 100), np.tile(np.arange(100), n // 100),
                   np.zeros((n, 1), np.float32), np.ones((n, 1), np.float32), ("a",), 100)
    kept = sample_negatives(labels, c, "uniform", 0.2, seed=1)
    assert labels[kept].sum() == labels.sum()  # every positive kept
    negatives = (labels == 0).sum()
    assert (labels[kept] == 0).sum() / negatives == pytest.approx(0.2, abs=0.005)
    sample_rate = labels[kept].mean()
    assert correct_probability(sample_rate, 0.2) == pytest.approx(labels.mean(), rel=0.03)
    np.testing.assert_array_equal(kept, sample_negatives(labels, c, "uniform", 0.2, seed=1))


def test_hard_negatives_are_those_the_generators_ranked_best():
    labels = np.array([1, 0, 0, 0, 0, 0, 1])
    ranks = np.array([[1], [5], [2], [9], [3], [1], [2]], np.float32)
    c = Candidates(np.array([0, 0, 0, 0, 1, 1, 1]), np.arange(7), np.zeros((7, 1), np.float32),
                   ranks, ("a",), 9)
    # user 0: 3 negatives (ranks 5, 2, 9), keep ceil(1.5) = 2 -> ranks 2 and 5 (rows 2, 1)
    # user 1: 2 negatives (ranks 3, 1), keep 1 -> rank 1 (row 5)
    assert sample_negatives(labels, c, "hard", 0.5).tolist() == [0, 1, 2, 5, 6]
    assert sample_negatives(labels, c, "all", 0.5).tolist() == list(range(7))
    with pytest.raises(ConfigError, match="'all', 'uniform' or 'hard'"):
        sample_negatives(labels, c, "random", 0.5)


def test_the_cutoff_leaves_the_latest_share_in_the_window():
    def log(days):
        n = len(days)
        return Interactions.from_arrays(np.arange(n), np.arange(n), None,
                                        np.array(days) * DAY)

    assert window_cutoff(log(range(1, 11)), 0.2) == 9 * DAY
    # rows sharing a timestamp stay on one side of the cutoff
    assert window_cutoff(log([1, 2, 2, 2, 3]), 0.5) == 2 * DAY
    with pytest.raises(RecstackError, match="no history"):
        window_cutoff(log([1, 1, 1, 2, 2]), 0.5)
    undated = Interactions.from_arrays(np.arange(3), np.arange(3))
    with pytest.raises(RecstackError, match="no timestamps"):
        window_cutoff(undated, 0.2)


def test_the_per_user_scheme_labels_each_users_latest_rows():
    # each user's last row: u0 i3 (day 12), u1 i1 (day 11), u2 i3 (day 13); u3 has one row
    # only and keeps it. i3 never occurs in the history, so its rows are set apart (as a
    # leave-last-out test split sets them apart): only u1's i1 labels an example
    history, window, cutoff = user_window(hand_log(), 1)
    pairs = sorted(zip(window.user_index.tolist(), window.item_index.tolist(), strict=True))
    assert pairs == [(1, 1)]
    assert len(history) == 7
    assert cutoff == 12 * DAY + 1  # after the history's last row (u3's, day 12)
    examples = make_training_data(history, window, lambda: [create_model("most_popular")],
                                  FeatureBuilder(), cutoff=cutoff, n_candidates=2)
    # most_popular on the history: i0 3, i1 2, i2 2 -> u1 (seen i0 i2) gets i1 (i3, with no
    # history row, is never a candidate)
    pairs = list(zip(examples.frame.users.tolist(), examples.frame.items.tolist(),
                     strict=True))
    assert pairs == [(1, 1)] and examples.labels.tolist() == [1]
    # u1's last history row is day 4: 8 days and a second before the cutoff
    np.testing.assert_allclose(examples.frame.column("user_days_since"), 8 + 1 / DAY)


def test_a_window_without_usable_examples_is_refused():
    data = hand_log()
    with pytest.raises(RecstackError, match="both sides need some"):
        make_training_data(*time_window(data, 100 * DAY),
                           lambda: [create_model("most_popular")], FeatureBuilder(),
                           cutoff=100 * DAY, n_candidates=2)
    with pytest.raises(RecstackError, match="candidate recall 0"):
        # cut at day 13: the window is u2's i3 alone; u2's one candidate is i0 (3 rows)
        make_training_data(*time_window(data, 13 * DAY),
                           lambda: [create_model("most_popular")], FeatureBuilder(),
                           cutoff=13 * DAY, n_candidates=1)
    with pytest.raises(RecstackError, match="at or after the cutoff"):
        # the features' cutoff must follow the whole history
        make_training_data(*time_window(data, 13 * DAY),
                           lambda: [create_model("most_popular")], FeatureBuilder(),
                           cutoff=5 * DAY, n_candidates=3)
