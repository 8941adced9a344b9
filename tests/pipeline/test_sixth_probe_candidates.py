"""Sixth bad-input probe of candidate generation and of MMR over a model's item vectors:
generators fitted on other data with as many items (their lists were merged by index: one
generator's item 0 proposed as another's), and item vectors of the wrong shape, NaN, text
or near the float limit."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model
from recstack.pipeline.candidates import generate_candidates

FIRST = Interactions.from_arrays(["u1", "u1", "u2", "u3"], ["x", "y", "z", "x"])


def test_generators_with_other_items_of_the_same_count_are_refused():
    # items w, x, y against x, y, z: index 0 is "w" for one, "x" for the other
    other = Interactions.from_arrays(["u1", "u2", "u3", "u3"], ["w", "y", "x", "w"])
    generators = [create_model("most_popular").fit(FIRST),
                  create_model("most_popular").fit(other)]
    with pytest.raises(RecstackError, match="generators\\[1\\] \\(most_popular\\) was fitted "
                       "on other item ids than generators\\[0\\].*item index 0 is 'w' for "
                       "one and 'x' for the other"):
        generate_candidates(generators, np.array([0, 1]), 2)


def test_generators_with_other_users_are_refused():
    other = Interactions.from_arrays(["u1", "u1", "u2", "u4"], ["x", "y", "z", "x"])
    generators = [create_model("most_popular").fit(FIRST),
                  create_model("most_popular").fit(other)]
    with pytest.raises(RecstackError, match="other user ids .*user index 2 is 'u4' for one "
                       "and 'u3' for the other"):
        generate_candidates(generators, np.array([0, 1]), 2)


def test_generators_fitted_on_one_log_are_merged():
    generators = [create_model("most_popular").fit(FIRST),
                  create_model("most_popular").fit(FIRST)]
    candidates = generate_candidates(generators, np.array([1]), 2, sources=["a", "b"])
    # most_popular: x 2, y 1, z 1 (ties: lower index); u2 saw z, so x then y
    assert FIRST.items.to_external(candidates.items).tolist() == ["x", "y"]
    assert candidates.ranks.tolist() == [[1, 1], [2, 2]]


# ---------------------------------------------------------------- MMR over model vectors
def mmr_data() -> Interactions:
    return Interactions.from_arrays(["a", "a", "b", "c"], [1, 2, 3, 4])


@pytest.mark.parametrize(("vectors", "said"), [
    (np.ones((3, 2)), "have 3 rows, the training data 4 items"),  # rows read out of range
    (np.full((4, 2), np.nan), "must be finite, position \\[0, 0\\] is nan"),
    (np.ones(4), "must be a 2-D array, got shape \\(4,\\)"),  # a numpy AxisError
    (np.full((4, 2), "a"), "must be an array of numbers"),  # a numpy ValueError
])
def test_mmr_refuses_model_vectors_it_cannot_use(vectors, said):
    from recstack.pipeline.rerank import MMR

    with pytest.raises(RecstackError, match=f"mmr: the model's item vectors {said}"):
        MMR(features="model").fit(mmr_data(), item_vectors=vectors)


def test_mmr_over_vectors_near_the_float_limit_is_the_same_as_on_a_small_scale():
    from recstack.pipeline.rerank import MMR, RerankContext

    train = mmr_data()
    vectors = np.array([[1.0, 0.0], [1.0, 0.1], [0.0, 1.0], [0.6, 0.8]])
    context = RerankContext(seen=train.to_csr())
    items, scores = np.array([[0, 1, 2, 3]]), np.array([[4.0, 3.0, 2.0, 1.0]])
    small = MMR(features="model", trade_off=0.5).fit(train, item_vectors=vectors)
    huge = MMR(features="model", trade_off=0.5).fit(train, item_vectors=vectors * 1e300)
    # cosine similarity does not depend on the scale; at 1e300 the float32 cast was
    # infinite and every objective after the first pick NaN
    expected = small.rerank(np.array([0]), items, scores, context)
    got = huge.rerank(np.array([0]), items, scores, context)
    assert got[0].tolist() == expected[0].tolist()
    assert np.allclose(got[1], expected[1])
    # by hand: 0 first (relevance 1); then 0.5 * relevance - 0.5 * max cosine to item 0:
    # item 1: 0.5 * 2/3 - 0.5 * 0.995 < item 2: 0.5 * 1/3 - 0 -> item 2 next
    assert expected[0].tolist()[0][:2] == [0, 2]


# ---------------------------------------------------------------- re-rankers after fit
def test_a_reranker_setting_changed_after_fit_is_refused():
    from recstack.pipeline.rerank import BlockList, RerankContext

    train = mmr_data()
    context = RerankContext(seen=train.to_csr())
    step = BlockList(items=[1]).fit(train)
    step.items = [2]  # the mask of fit stayed: item 1 was still the one blocked
    lists = (np.array([0]), np.array([[0, 1, 2]]), np.array([[3.0, 2.0, 1.0]]))
    with pytest.raises(RecstackError, match="block_list: items=\\[1\\] at fit, now \\[2\\].*"
                       "call fit\\(\\) again"):
        step.rerank(*lists, context)
    # fitted again, the new block list applies: item 2 (index 1) is dropped
    assert step.fit(train).rerank(*lists, context)[0].tolist() == [[0, 2, -1]]
