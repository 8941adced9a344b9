"""Position bias: propensities estimated from a randomised log recover a known curve,
inverse propensity weights follow their formula, and on clicks simulated from a known
relevance times a known position-bias curve both corrections (weights, position as a
feature scored at a fixed position) recover the true order better than raw clicks."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.errors import RecstackError
from recstack.pipeline.position_bias import (
    estimate_propensities,
    ipw_sample_weights,
    with_serving_position,
)
from recstack.pipeline.rankers import create_ranker
from recstack.pipeline.rankers.base import grouped_ndcg
from recstack.pipeline.schema import Feature, FeatureFrame, FeatureSchema

#: the true examination curve of the simulations: theta_k = 1 / k
SIZE = 10
THETA = 1.0 / np.arange(1, SIZE + 1)


def simulated_log(n_queries: int, seed: int, *, with_position: bool, randomised=False):
    """Each query shows 10 items. True relevance rel = sigmoid(2 x_rel - 1); the logging
    policy ranked by x_old (unrelated to relevance) plus noise, or at random; a click is
    Bernoulli(theta_position * rel)."""
    rng = np.random.default_rng(seed)
    n = n_queries * SIZE
    x_rel, x_old = rng.normal(size=n), rng.normal(size=n)
    relevance = 1 / (1 + np.exp(-(2 * x_rel - 1)))
    groups = np.repeat(np.arange(n_queries), SIZE)
    key = rng.random(n) if randomised else x_old + 0.5 * rng.normal(size=n)
    order = np.lexsort((-key, groups))
    positions = np.empty(n, np.int64)
    positions[order] = np.tile(np.arange(1, SIZE + 1), n_queries)
    clicks = (rng.random(n) < THETA[positions - 1] * relevance).astype(np.float64)
    features = [Feature("x_rel", "numeric"), Feature("x_old", "numeric")]
    columns = [x_rel, x_old]
    if with_position:
        features.append(Feature("position", "numeric", "logged position, 1 = top"))
        columns.append(positions.astype(np.float64))
    frame = FeatureFrame(FeatureSchema(tuple(features)), np.column_stack(columns),
                         np.zeros((n, 0), np.int32), groups, np.arange(n), groups)
    return frame, clicks, relevance, positions


def test_propensities_from_a_randomised_log_recover_the_curve():
    _, clicks, _, positions = simulated_log(20_000, 0, with_position=False, randomised=True)
    estimate = estimate_propensities(positions, clicks)
    assert estimate[0] == 1.0
    np.testing.assert_allclose(estimate, THETA, atol=0.03)


def test_a_ranked_log_overstates_the_bias_as_documented():
    """Relevance-ordered logging confounds position with relevance: estimated curve is
    steeper than the true one (why the docstring asks for a randomised log)."""
    rng = np.random.default_rng(0)
    n_queries = 5000
    relevance = rng.random((n_queries, SIZE))
    relevance = -np.sort(-relevance, axis=1)  # the log shows the most relevant first
    positions = np.tile(np.arange(1, SIZE + 1), n_queries)
    clicks = (rng.random(relevance.size) < THETA[positions - 1] * relevance.ravel()) * 1.0
    estimate = estimate_propensities(positions, clicks)
    assert (estimate[2:] < THETA[2:] - 0.05).all()


def test_propensity_by_hand():
    # position 1: 2 clicks of 4; position 2: 1 of 4; no smoothing -> (1, 0.5)
    positions = np.array([1, 1, 1, 1, 2, 2, 2, 2])
    clicks = np.array([1, 1, 0, 0, 1, 0, 0, 0])
    np.testing.assert_allclose(estimate_propensities(positions, clicks, smoothing=0),
                               [1.0, 0.5])
    # smoothing 2 at the overall rate 3/8: (2 + 0.75) / 6 and (1 + 0.75) / 6
    np.testing.assert_allclose(estimate_propensities(positions, clicks, smoothing=2),
                               [1.0, 1.75 / 2.75])


def test_ipw_weights_by_hand():
    positions = np.array([1, 2, 4, 4])
    labels = np.array([1, 1, 1, 0])
    theta = np.array([1.0, 0.5, 0.2, 0.02])
    np.testing.assert_allclose(ipw_sample_weights(positions, labels, theta, clip=None),
                               [1, 2, 50, 1])
    np.testing.assert_allclose(ipw_sample_weights(positions, labels, theta, clip=0.05),
                               [1, 2, 20, 1])
    np.testing.assert_allclose(
        ipw_sample_weights(positions, labels, theta, clip=None, clicked_only=False),
        [1, 2, 50, 50])


def test_bad_logs_are_refused():
    with pytest.raises(RecstackError, match="positions must be whole numbers from 1 .* row 0 "
                       "is 0.0"):
        estimate_propensities(np.array([0, 1]), np.array([1, 0]))
    with pytest.raises(RecstackError, match="no click at position 1"):
        estimate_propensities(np.array([1, 2]), np.array([0, 1]), smoothing=0)
    with pytest.raises(RecstackError, match="propensities cover 1..2"):
        ipw_sample_weights(np.array([1, 3]), np.array([1, 1]), np.array([1.0, 0.5]))
    with pytest.raises(RecstackError, match="propensities must be > 0 .* position 2 has 0.0"):
        ipw_sample_weights(np.array([1, 2]), np.array([1, 1]), np.array([1.0, 0.0]))


@pytest.mark.parametrize("call, message", [
    (lambda: estimate_propensities([1, 2], ["yes", "no"]),
     "estimate_propensities: clicks must be an array of numbers"),
    (lambda: estimate_propensities([1, 2], [1, np.nan]), "clicks must be finite, row 1"),
    (lambda: estimate_propensities([1, 2, 2], [1, 0, 1], smoothing=-1),
     "smoothing must be a finite number >= 0, got -1"),
    (lambda: estimate_propensities([1, 2], [1, 0], n_positions="3"),
     "n_positions must be an integer from 1 to 1000000, got '3'"),
    # past the bound (a timestamp in the column would allocate a table of its size)
    (lambda: estimate_propensities([1, 2_000_000], [1, 0]),
     "positions must be whole numbers from 1 .* row 1 is 2000000.0"),
    (lambda: estimate_propensities([], []), "the log is empty"),
    (lambda: ipw_sample_weights([1, 2], [np.nan, 1], [1.0, 0.5]),
     "ipw_sample_weights: labels must be finite, row 0 is nan"),
    (lambda: ipw_sample_weights([1, 2], [1, 1], [1.0, 0.5], clip=np.nan),
     "clip must be a finite number in \\(0, 1\\], got nan"),
    (lambda: ipw_sample_weights(["a", "b"], [1, 1], [1.0, 0.5]),
     "positions must be an array of numbers"),
    (lambda: ipw_sample_weights([1.5, 2], [1, 1], [1.0, 0.5]), "row 0 is 1.5"),
    (lambda: ipw_sample_weights(np.array([True, True]), [1, 1], [1.0, 0.5]),
     "positions must be whole numbers >= 1, got true/false"),
    (lambda: ipw_sample_weights([1, 2], [1], [1.0, 0.5]), "lengths positions 2, labels 1"),
])
def test_malformed_logs_name_the_argument_and_row(call, message):
    with pytest.raises(RecstackError, match=message):
        call()


RANKERS = {
    "logistic": {},
    "lightgbm": {"loss": "binary", "n_estimators": 60, "num_leaves": 7, "n_jobs": 1},
    "wide_deep": {"epochs": 5, "hidden": (16,), "device": "cpu", "batch_groups": 32},
}


@pytest.mark.parametrize("name", sorted(RANKERS))
def test_corrected_rankers_recover_the_true_order_better(name):
    """nDCG@10 against the true relevance on fresh queries, averaged over 2 seeds: raw
    clicks reward what the old ranking put on top (x_old); both corrections don't."""
    pytest.importorskip({"logistic": "sklearn", "lightgbm": "lightgbm",
                         "wide_deep": "torch"}[name])
    results = {"raw": [], "ipw": [], "position": []}
    for seed in range(2):
        frame, clicks, _, positions = simulated_log(300, seed, with_position=False)
        test, _, relevance, _ = simulated_log(300, 100 + seed, with_position=False)
        framep, clicksp, _, _ = simulated_log(300, seed, with_position=True)
        testp, _, _, _ = simulated_log(300, 100 + seed, with_position=True)
        raw = create_ranker(name, **RANKERS[name]).fit(frame, clicks)
        weights = ipw_sample_weights(positions, clicks, THETA)
        ipw = create_ranker(name, **RANKERS[name]).fit(frame, clicks, sample_weight=weights)
        position = create_ranker(name, serving_position=1, **RANKERS[name]).fit(framep,
                                                                                 clicksp)
        for key, ranker, data in (("raw", raw, test), ("ipw", ipw, test),
                                  ("position", position, testp)):
            results[key].append(grouped_ndcg(ranker.score(data), relevance, test.groups))
    raw, ipw, position = (float(np.mean(results[k])) for k in ("raw", "ipw", "position"))
    assert ipw > raw + 0.02, results
    assert position > raw + 0.02, results


def test_serving_position_replaces_the_logged_one():
    pytest.importorskip("sklearn")
    frame, clicks, _, _ = simulated_log(100, 0, with_position=True)
    ranker = create_ranker("logistic", serving_position=1).fit(frame, clicks)
    shuffled = FeatureFrame(frame.schema, frame.numeric.copy(), frame.categorical,
                            frame.users, frame.items, frame.groups)
    shuffled.numeric[:, 2] = np.random.default_rng(0).integers(1, 11, len(frame))
    np.testing.assert_array_equal(ranker.score(shuffled), ranker.score(frame))
    at_one = with_serving_position(frame, 1.0)
    unfixed = create_ranker("logistic").fit(frame, clicks)
    np.testing.assert_allclose(unfixed.score(at_one), ranker.score(frame), rtol=1e-6)
    # the position's learned effect is negative: lower on the page, fewer clicks
    assert ranker.coef_[2] < 0


def test_serving_position_needs_the_feature():
    frame, clicks, _, _ = simulated_log(20, 0, with_position=False)
    with pytest.raises(RecstackError, match="serving_position=1 but the frame has no numeric "
                       "feature 'position' \\(its features: x_rel, x_old\\)"):
        create_ranker("logistic", serving_position=1).fit(frame, clicks)
    with pytest.raises(RecstackError, match="no numeric feature 'position'"):
        with_serving_position(frame)
