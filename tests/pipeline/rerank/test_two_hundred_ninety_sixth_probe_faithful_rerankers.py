"""Faithfulness audit of the re-rankers: MMR (Carbonell & Goldstein 1998) against a plain
loop on model vectors with negative cosines, Steck's calibration target and objective by
hand and by scipy's KL, exposure fairness against a plain loop of its documented rule, the
long-tail quota and the popularity penalty worked by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import entropy

from recstack.data.interactions import Interactions
from recstack.pipeline.rerank import (
    MMR,
    CalibratedRerank,
    ExposureFairness,
    LongTailShare,
    PopularityPenalty,
    RerankContext,
)
from tests.pipeline.rerank.test_rerankers import ids, run, uid


@pytest.fixture(scope="module")
def train() -> Interactions:
    """Items 10..15 (genres x, x, y, y, x and y, none); user "a" saw 10 and 11, "b" 12, "c"
    13, 10 and 14, "d" 15: popularity (users) 2 for 10, 1 for the others."""
    table = pd.DataFrame({"item_id": [10, 11, 12, 13, 14, 15],
                          "genres": [["x"], ["x"], ["y"], ["y"], ["x", "y"], []]})
    return Interactions.from_arrays(["a", "a", "b", "c", "c", "c", "d"],
                                    [10, 11, 12, 13, 10, 14, 15], item_table=table)


@pytest.fixture(scope="module")
def context(train) -> RerankContext:
    return RerankContext(seen=train.to_csr())


def _catalog(rng, n_items, n_users=4, per_user=5, **columns) -> Interactions:
    users = np.repeat(np.arange(n_users), per_user)
    items = np.concatenate([rng.choice(n_items, per_user, replace=False)
                            for _ in range(n_users)])
    table = pd.DataFrame({"item_id": np.arange(n_items), **columns})
    return Interactions.from_arrays(users, items, item_table=table, keep_unseen_items=True)


def _min_max(values):
    values = np.asarray(values, float)
    spread = values.max() - values.min()
    return (values - values.min()) / spread if spread > 0 else np.ones_like(values)


# ------------------------------------------------------------------ MMR
def _mmr_by_loop(vectors, relevance, weight, depth):
    """argmax_i lambda rel_i - (1 - lambda) max_{j in S} cos(v_i, v_j), 0 for S empty; the
    first slot among equal values; after depth the rest in incoming order."""
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    chosen, left = [], list(range(len(relevance)))
    for _ in range(depth):
        best, best_value = None, -np.inf
        for i in left:
            penalty = max(float(unit[i] @ unit[j]) for j in chosen) if chosen else 0.0
            value = weight * relevance[i] - (1 - weight) * penalty
            if value > best_value + 1e-12:
                best, best_value = i, value
        chosen.append(best)
        left.remove(best)
    return chosen + left


@pytest.mark.parametrize("weight", [0.0, 0.3, 0.7])
def test_mmr_matches_a_plain_loop_on_vectors_pointing_apart(weight):
    """Model vectors with negative cosines (the maximum over S may be below 0: a bonus) and
    a depth shorter than the list."""
    rng = np.random.default_rng(7)
    n_items, width, depth = 25, 9, 6
    data = _catalog(rng, n_items)
    vectors = rng.normal(size=(n_items, 4))
    step = MMR(features="model", trade_off=weight, depth=depth).fit(data, item_vectors=vectors)
    lists = np.stack([rng.choice(n_items, width, replace=False) for _ in range(4)])
    scores = rng.normal(size=(4, width)) * 5
    out, _ = step.rerank(np.arange(4), lists, scores, RerankContext(seen=data.to_csr()))
    for u in range(4):
        order = _mmr_by_loop(vectors[lists[u]], _min_max(scores[u]), weight, depth)
        assert out[u].tolist() == lists[u][order].tolist()


# ------------------------------------------------------------------ Steck
def test_calibrated_target_and_first_pick_by_hand(train, context):
    """User "c" saw 13 (y), 10 (x) and 14 (x and y, half each): p = (0.5, 0.5). Candidates
    10 (x), 12 (y), 14 (x, y) scored 3, 2, 1: relevance 1, 0.5, 0. With lambda 0.5 the
    first pick maximises 0.5 rel - 0.5 KL(p || 0.99 q + 0.01 p), q the candidate's genres:
    14 is perfectly calibrated (KL 0), so its 0 beats 10's 0.5 - 0.5 KL((.5, .5) ||
    (.995, .005)) = -0.9... ; then 10 and 12 both make the list (x, y share 3:1 or 1:3),
    alike but for relevance: 10."""
    with pytest.warns(UserWarning, match="item 15"):  # 15 has no genre
        step = CalibratedRerank(trade_off=0.5).fit(train)
    genres = list(step.genres_)
    p = step.target(uid(train, "c"), context)[0]
    assert p[genres.index("x")] == pytest.approx(0.5) and p[genres.index("y")] == pytest.approx(0.5)
    items, values = run(step, train, context, ["c"], [[10, 12, 14]], [[3.0, 2.0, 1.0]])
    assert ids(train, items) == [[14, 10, 12]]
    assert values[0, 0] == pytest.approx(0.0, abs=1e-12)
    # the second pick's objective: 10 joins 14, q = (0.75, 0.25) in (x, y)
    q = np.array([0.75, 0.25])
    target = np.array([0.5, 0.5])
    expected = 0.5 * 1.0 - 0.5 * entropy(target, 0.99 * q + 0.01 * target)
    assert values[0, 1] == pytest.approx(expected, rel=1e-12)
    by_hand = 0.5 * math.log(0.5 / (0.99 * 0.75 + 0.005)) + 0.5 * math.log(
        0.5 / (0.99 * 0.25 + 0.005))
    assert values[0, 1] == pytest.approx(0.5 - 0.5 * by_hand, rel=1e-12)


# ------------------------------------------------------------------ exposure
def _exposure_by_loop(groups, relevance, target, strength, n_groups):
    """The module docstring's rule, one position at a time."""
    n = len(relevance)
    discount = 1 / np.log2(np.arange(2, n + 2))
    exposure = np.zeros(n_groups)
    left, chosen = list(range(n)), []
    for r in range(n):
        bound = strength * target * discount[:r + 1].sum()
        deficit = {g: bound[g] - exposure[g] for g in range(n_groups)
                   if any(groups[i] == g for i in left)}
        top = max(deficit.values())
        tied = [g for g in deficit if deficit[g] >= top - 1e-12]
        best = {g: max(relevance[i] for i in left if groups[i] == g) for g in tied}
        needy = max(tied, key=lambda g: (best[g], -g))
        pool = [i for i in left if groups[i] == needy] if deficit[needy] > 1e-12 else left
        pick = max(pool, key=lambda i: (relevance[i], -i))
        chosen.append(pick)
        left.remove(pick)
        exposure[groups[pick]] += discount[r]
    return chosen


@pytest.mark.parametrize("strength", [0.5, 1.0])
def test_exposure_fairness_matches_a_plain_loop_of_its_rule(strength):
    rng = np.random.default_rng(11)
    n_items, width = 30, 8
    tiers = rng.integers(0, 3, n_items)
    data = _catalog(rng, n_items, n_users=5, tier=tiers)
    step = ExposureFairness(group_column="tier", target=[1, 2, 3], strength=strength).fit(data)
    np.testing.assert_allclose(step.target_, [1 / 6, 2 / 6, 3 / 6])
    lists = np.stack([rng.choice(n_items, width, replace=False) for _ in range(5)])
    scores = rng.random((5, width))
    out, _ = step.rerank(np.arange(5), lists, scores, RerankContext(seen=data.to_csr()))
    for u in range(5):
        order = _exposure_by_loop(tiers[lists[u]], _min_max(scores[u]), step.target_,
                                  strength, 3)
        assert out[u].tolist() == lists[u][order].tolist()


# ------------------------------------------------------------------ long tail, popularity
@pytest.mark.parametrize(("share", "expected"), [(0.5, [12, 10, 13, 11]),
                                                 (0.3, [12, 10, 11, 13])])
def test_long_tail_share_fills_each_prefix_to_ceil_tau_r(train, context, share, expected):
    """Head: ceil(0.2 x 6) = 2 items, 10 (2 users) and 11 (1 user, the lower index among
    the ties); the tail 12..15. List 10, 11, 12, 13 by score. tau 0.5: position 1 needs
    ceil(0.5) = 1 tail item -> 12; 2 needs 1, has 1 -> 10; 3 needs 2 -> 13; then 11.
    tau 0.3: 1 -> 12; 2 and 3 need ceil(0.6) = ceil(0.9) = 1 -> 10, 11; 4 needs 2 -> 13."""
    step = LongTailShare(share=share, head_items=0.2).fit(train)
    items, _ = run(step, train, context, ["d"], [[10, 11, 12, 13]], [[4.0, 3.0, 2.0, 1.0]])
    assert ids(train, items) == [expected]


def test_popularity_penalty_resorts_min_max_scores_minus_the_log_penalty(train, context):
    """Scores 1, 0.95, 0 (min-max: the same); penalties log(1 + c) / log(3): 10 has 2 users
    (1), 11 and 12 one (log 2 / log 3). beta 0.5: 10 -> 0.5, 11 -> 0.95 - 0.3155 = 0.6345,
    12 -> -0.3155."""
    step = PopularityPenalty(strength=0.5).fit(train)
    items, values = run(step, train, context, ["d"], [[10, 11, 12]], [[1.0, 0.95, 0.0]])
    assert ids(train, items) == [[11, 10, 12]]
    small = 0.5 * math.log(2) / math.log(3)
    np.testing.assert_allclose(values[0], [0.95 - small, 0.5, -small], rtol=1e-12)
