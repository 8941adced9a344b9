"""Twenty-third bad-input probe of the re-rankers: maximal marginal relevance over the
model's item vectors, whose cosines can be negative. The penalty is the largest cosine to
the items already placed (Carbonell & Goldstein 1998); it was cut at 0, so an item pointing
away from every placed item lost the bonus the formula gives it, and the list came out in
another order without a word. Expected orders worked out by hand from
lambda * s - (1 - lambda) * max_j cos(v_i, v_j)."""

from __future__ import annotations

import numpy as np

from recstack.data.interactions import Interactions
from recstack.pipeline.rerank import MMR, RerankContext


def data() -> Interactions:
    return Interactions.from_arrays(["u", "u", "v"], [0, 1, 2])


def rerank(vectors, scores, trade_off):
    train = data()
    step = MMR(features="model", trade_off=trade_off).fit(train, item_vectors=vectors)
    return step.rerank(np.array([0]), np.array([[0, 1, 2]]), np.array([scores]),
                       RerankContext(seen=train.to_csr()))


def test_an_item_opposite_to_the_placed_one_gets_its_bonus():
    # a = (1, 0), b = (-1, 0), c = (0, 1); scores 1, 0, 0.5 -> relevance 1, 0, 0.5.
    # lambda 0.5: a first (0.5); then b: 0.5 * 0 - 0.5 * cos(b, a) = 0 + 0.5 = 0.5,
    # c: 0.5 * 0.5 - 0.5 * 0 = 0.25, so b; then c: 0.25 - 0.5 * max(0, -1) = 0.25
    vectors = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0]])
    items, scores = rerank(vectors, [1.0, 0.0, 0.5], 0.5)
    assert items.tolist() == [[0, 1, 2]]
    np.testing.assert_allclose(scores, [[0.5, 0.5, 0.25]])


def test_the_penalty_is_the_largest_cosine_even_when_all_are_negative():
    # a = (1, 0), b = (-1, 0.1) / |.|, c = (-1, -1) / sqrt 2; scores 1, 0.5, 0
    # -> relevance 1, 0.5, 0. lambda 0.8: a first (0.8). cos(b, a) = -0.99504,
    # cos(c, a) = -0.70711: b 0.4 + 0.2 * 0.99504 = 0.59901, c 0 + 0.2 * 0.70711 = 0.14142;
    # then c: max(cos(c, a), cos(c, b)) = max(-0.70711, 0.63837) = 0.63837 ->
    # 0 - 0.2 * 0.63837 = -0.12767
    vectors = np.array([[1.0, 0.0], [-1.0, 0.1], [-1.0, -1.0]])
    items, scores = rerank(vectors, [1.0, 0.5, 0.0], 0.8)
    assert items.tolist() == [[0, 1, 2]]
    cos_bc = (1.0 - 0.1) / (np.sqrt(1.01) * np.sqrt(2.0))
    np.testing.assert_allclose(scores, [[0.8, 0.4 + 0.2 / np.sqrt(1.01), -0.2 * cos_bc]],
                               rtol=1e-6)

