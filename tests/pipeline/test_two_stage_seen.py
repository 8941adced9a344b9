"""``exclude_seen=False`` reaches the candidate stage: a two-stage model (recommend, its
context path, score_users, score_histories) and a re-ranked model let a user's seen items
come back when asked, and never by default."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.synthetic import generate
from recstack.errors import ConfigError
from recstack.models import create_model
from tests.pipeline.tiny_ranker import tiny_ranker  # noqa: F401 (fixture)

GENERATORS = ({"type": "most_popular"}, {"type": "item_knn", "neighbors": 20})
N_CANDIDATES = 10


@pytest.fixture(scope="module")
def data():
    return generate(n_users=150, n_items=60, n_interactions=2500, seed=3)


@pytest.fixture(scope="module")
def most_popular(data):
    """The item with the most training rows (worked out from the rows, not a model) and
    the users who have it in their history."""
    counts = np.bincount(data.item_index, minlength=data.n_items)
    item = int(np.argmax(counts))
    assert (counts == counts[item]).sum() == 1, "the test needs one most popular item"
    seen = data.to_csr()
    users = np.flatnonzero(seen[:, item].toarray().ravel() != 0)
    assert len(users) >= 5
    return item, users


@pytest.fixture
def fitted(data, tiny_ranker):  # noqa: F811 (the imported fixture)
    return create_model("two_stage", generators=GENERATORS, ranker={"type": "tiny_linear"},
                        n_candidates=N_CANDIDATES).fit(data)


def _positions(items: np.ndarray, data, item: int) -> np.ndarray:
    """Each row's position of ``item`` (external ids) in the lists, -1 where absent."""
    index = np.where(items == data.items.to_external([item])[0])
    where = np.full(items.shape[0], -1)
    where[index[0]] = index[1]
    return where


def test_by_default_no_seen_item_comes_back(fitted, data):
    users = np.arange(data.n_users)
    items, scores = fitted.recommend(data.users.to_external(users), k=data.n_items)
    seen = data.to_csr().toarray() != 0
    filled = np.isfinite(scores)
    index = np.full(items.shape, -1)
    index[filled] = data.items.to_index(items[filled])
    rows = np.broadcast_to(users[:, None], items.shape)
    assert not seen[rows[filled], index[filled]].any()
    # every unseen item is in the full list, every seen one is an empty slot
    np.testing.assert_array_equal(filled.sum(axis=1), (~seen).sum(axis=1))


def test_a_seen_item_comes_back_when_asked(fitted, data, most_popular):
    item, users = most_popular
    external = data.users.to_external(users)
    default, _ = fitted.recommend(external, k=data.n_items)
    assert (_positions(default, data, item) == -1).all()
    items, scores = fitted.recommend(external, k=data.n_items, exclude_seen=False)
    # most_popular proposes its top item to everybody once seen items are not excluded,
    # so it is a candidate: ranked by the ranker above every item that is not one
    candidates = fitted.candidates(users, exclude_seen=False)
    is_candidate = candidates.items == item
    assert np.array_equal(np.unique(candidates.users[is_candidate]), users)
    n_candidates = np.bincount(np.searchsorted(users, candidates.users), minlength=len(users))
    position = _positions(items, data, item)
    assert ((position >= 0) & (position < n_candidates)).all()
    # its score is the ranker's score of its features, as for any candidate
    ranker = fitted.ranker_.score(fitted.builder_.build(candidates, fitted.state_))
    np.testing.assert_allclose(scores[np.arange(len(users)), position], ranker[is_candidate],
                               rtol=1e-6)
    np.testing.assert_allclose(fitted.score_users(users, exclude_seen=False)[:, item],
                               ranker[is_candidate], rtol=1e-6)


def test_the_context_path_honours_the_flag_too(fitted, data, most_popular):
    item, users = most_popular
    external = data.users.to_external(users)
    context = {"device": "phone"}
    default, _ = fitted.recommend(external, k=data.n_items, context=context)
    assert (_positions(default, data, item) == -1).all()
    asked, _ = fitted.recommend(external, k=data.n_items, exclude_seen=False,
                                context=context)
    without_context, _ = fitted.recommend(external, k=data.n_items, exclude_seen=False)
    # the model has no context features: the context changes nothing
    np.testing.assert_array_equal(asked, without_context)
    # and the seen item is a candidate, above every item that is not one
    candidates = fitted.candidates(users, exclude_seen=False)
    n_candidates = np.bincount(np.searchsorted(users, candidates.users), minlength=len(users))
    assert (_positions(asked, data, item) < n_candidates).all()
    assert (_positions(asked, data, item) >= 0).all()


def test_a_visitors_history_can_come_back_when_asked(fitted, data, most_popular):
    item, users = most_popular
    histories = fitted.seen_[users]
    default = fitted.score_histories(histories)
    asked = fitted.score_histories(histories, exclude_seen=False)
    rank_default = (default > default[:, [item]]).sum(axis=1)
    rank_asked = (asked > asked[:, [item]]).sum(axis=1)
    # by default most_popular's N_CANDIDATES unseen items alone are candidates above it;
    # asked, it is a candidate, above every non-candidate (at most 2 x N_CANDIDATES are)
    assert (rank_default >= N_CANDIDATES).all()
    assert (rank_asked < 2 * N_CANDIDATES).all()


@pytest.mark.parametrize("call", ["recommend", "score_users", "score_histories"])
def test_a_flag_that_is_not_a_boolean_is_refused(fitted, data, call):
    with pytest.raises(ConfigError, match="exclude_seen must be True or False.*'false'"):
        if call == "recommend":
            fitted.recommend(data.users.to_external([0]), k=3, exclude_seen="false")
        elif call == "score_users":
            fitted.score_users(np.array([0]), exclude_seen="false")
        else:
            fitted.score_histories(fitted.seen_[[0]], exclude_seen="false")


def test_a_reranked_model_lets_seen_items_back_when_asked(data, most_popular):
    item, users = most_popular
    external = data.users.to_external(users)
    model = create_model("reranked", model={"type": "most_popular"}, chain=[],
                         n_candidates=5).fit(data)
    default, _ = model.recommend(external, k=5)
    assert (_positions(default, data, item) == -1).all()
    asked, _ = model.recommend(external, k=5, exclude_seen=False)
    # the most popular item first, as the wrapped model orders the catalog
    assert (_positions(asked, data, item) == 0).all()
    assert (model.rerank_lists(users, exclude_seen=False)[0][:, 0] == item).all()
    assert (np.argmax(model.score_users(users, exclude_seen=False), axis=1) == item).all()
    # a seen filter in the chain still removes it
    filtered = create_model("reranked", model={"type": "most_popular"},
                            chain=[{"type": "seen"}], n_candidates=5).fit(data)
    kept, _ = filtered.recommend(external, k=5, exclude_seen=False)
    assert (_positions(kept, data, item) == -1).all()


def test_a_reranked_two_stage_model_lets_seen_items_back(data, most_popular,
                                                         tiny_ranker):  # noqa: F811
    item, users = most_popular
    external = data.users.to_external(users)
    model = create_model("reranked", chain=[], n_candidates=2 * N_CANDIDATES, model={
        "type": "two_stage", "generators": list(GENERATORS),
        "ranker": {"type": "tiny_linear"}, "n_candidates": N_CANDIDATES}).fit(data)
    default, _ = model.recommend(external, k=2 * N_CANDIDATES)
    assert (_positions(default, data, item) == -1).all()
    asked, _ = model.recommend(external, k=2 * N_CANDIDATES, exclude_seen=False)
    assert (_positions(asked, data, item) >= 0).all()


def test_candidates_refuse_a_flag_that_is_not_a_boolean(fitted):
    # "no" is truthy: it would silently have excluded the seen items
    with pytest.raises(ConfigError, match="exclude_seen must be True or False, got 'no'"):
        fitted.candidates(np.array([0]), exclude_seen="no")


def test_a_context_of_the_wrong_size_is_refused_on_every_path(fitted, data):
    import pandas as pd

    from recstack.errors import RecstackError

    one_row = pd.DataFrame({"device": ["phone"]})
    # the model uses no context, yet a context that cannot be one row per request is a
    # mistake on score_histories as on recommend
    with pytest.raises(RecstackError, match="context has 1 row for 2 users"):
        fitted.score_histories(fitted.seen_[[0, 1]], context=one_row)
    with pytest.raises(RecstackError, match="context has 1 row for 2 users"):
        fitted.recommend(data.users.to_external([0, 1]), k=3, context=one_row)
    twice = pd.DataFrame([["phone", "tablet"]] * 2, columns=["device", "device"])
    with pytest.raises(RecstackError, match="^two_stage: context: column 'device' appears "
                                            "more than once"):
        fitted.recommend(data.users.to_external([0, 1]), k=3, context=twice)


def test_a_bad_feature_option_names_the_model(tiny_ranker):  # noqa: F811
    with pytest.raises(ConfigError, match="^two_stage: features: half_life_days must be a "
                                          "positive number of days, got 0"):
        create_model("two_stage", features={"half_life_days": 0}).validate_params()
