"""Three-hundred-twenty-first probe: a request of someone who is no training user (a new
visitor, an unknown user served popular items, a similar-items request) was re-ranked as
the first training user. The chain saw the visitor's one-row history as row 0, so a
``block_list``'s ``per_user`` list of user 0 (their private choice) was applied to every
visitor, at retrieval and in the chain: the item user 0 blocked was never shown to anyone
who was not a training user. The context now says whose per-user state applies
(``RerankContext.training_users``, ``-1`` for a visitor).

Expected lists are worked out here from the data (popularity counts, the catalog less the
posted items), not from the code under test."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.data.interactions import Interactions  # noqa: E402
from recstack.errors import RecstackError  # noqa: E402
from recstack.models import create_model  # noqa: E402
from recstack.pipeline.rerank import RerankContext, create_reranker  # noqa: E402
from tests.serving.service_helpers import client, publish, settings  # noqa: E402


def _ids(body) -> list[str]:
    return [item["item_id"] for item in body["items"]]


def _counts(train) -> np.ndarray:
    return np.bincount(train.item_index, minlength=train.n_items)


@pytest.fixture(scope="module")
def blocked(train):
    """The most popular item that user 0 has not seen, as (index, id): user 0 blocks it
    for themself alone."""
    seen = set(train.item_index[train.user_index == 0].tolist())
    order = np.argsort(-_counts(train), kind="stable")
    index = int(next(i for i in order if i not in seen))
    return index, str(train.items.external_ids[index])


def _chain(train, blocked, *more):
    user0 = train.users.external_ids[0].item()
    return [{"type": "block_list",
             "per_user": [{"user": user0, "items": [int(blocked[1])]}]}, *more]


def _posted(train, blocked) -> list[str]:
    """Two items a visitor chose, neither the blocked one."""
    return [str(train.items.external_ids[i]) for i in range(train.n_items)
            if i != blocked[0]][:2]


def test_a_visitor_gets_the_item_user_0_blocked_and_user_0_does_not(
        tmp_path, als, train, blocked):
    registry = publish(tmp_path / "registry", als, train)
    posted = _posted(train, blocked)
    user0 = str(train.users.external_ids[0])
    n = train.n_items
    with client(settings(registry, rerank=_chain(train, blocked), candidates=20)) as http:
        visitor = http.post("/recommendations/new-user",
                            json={"items": posted, "k": n}).json()
        own = http.get(f"/users/{user0}/recommendations", params={"k": n}).json()
        similar = http.get(f"/items/{posted[0]}/similar", params={"k": n}).json()
        cold = http.post("/recommendations/new-user",
                         json={"items": ["no-such-item"], "k": 5}).json()
    # every item but the two posted ones (fold-in scores every item): 78 of 80, the
    # blocked one among them (it was 77, without it)
    assert len(visitor["items"]) == n - 2
    assert blocked[1] in _ids(visitor)
    assert not set(posted) & set(_ids(visitor))
    # user 0's own list: every item they have not seen, less their blocked one
    seen0 = len(set(train.item_index[train.user_index == 0].tolist()))
    assert len(own["items"]) == n - seen0 - 1
    assert blocked[1] not in _ids(own)
    # similar items: no user, the global list only (every other item)
    assert len(similar["items"]) == n - 1
    assert blocked[1] in _ids(similar)
    # a cold start served by popularity: the five most popular items, in count order
    order = np.argsort(-_counts(train), kind="stable")[:5]
    assert _ids(cold) == [str(train.items.external_ids[i]) for i in order]


def test_an_unknown_user_served_popular_items_is_no_training_user(
        tmp_path, als, train, blocked):
    registry = publish(tmp_path / "registry", als, train)
    with client(settings(registry, rerank=_chain(train, blocked), candidates=20,
                         unknown_user="popular")) as http:
        body = http.get("/users/99999/recommendations", params={"k": 3}).json()
    assert "unknown" in body["fallback"]
    order = np.argsort(-_counts(train), kind="stable")[:3]
    assert _ids(body) == [str(train.items.external_ids[i]) for i in order]


def test_a_visitors_own_history_is_what_the_seen_filter_masks(
        tmp_path, als, train, blocked):
    # user 0's training items are not masked for a visitor; the visitor's posted ones are
    registry = publish(tmp_path / "registry", als, train)
    posted = _posted(train, blocked)
    with client(settings(registry, rerank=_chain(train, blocked, {"type": "seen"}),
                         candidates=20)) as http:
        visitor = http.post("/recommendations/new-user",
                            json={"items": posted, "k": train.n_items}).json()
    seen0 = {str(train.items.external_ids[i])
             for i in train.item_index[train.user_index == 0].tolist()}
    assert len(visitor["items"]) == train.n_items - 2
    assert seen0 - set(posted) <= set(_ids(visitor))
    assert blocked[1] in _ids(visitor)


def test_a_published_reranked_model_keeps_user_0s_list_to_user_0(tmp_path, train, blocked):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = create_model("reranked", model={"type": "als", "factors": 8,
                                                 "iterations": 3, "seed": 0},
                             chain=_chain(train, blocked), n_candidates=30).fit(train)
    registry = publish(tmp_path / "registry", model, train, name="rr")
    posted = _posted(train, blocked)
    user0 = str(train.users.external_ids[0])
    with client(settings(registry, candidates=20, unknown_user="popular")) as http:
        visitor = http.post("/recommendations/new-user",
                            json={"items": posted, "k": train.n_items}).json()
        unknown = http.get("/users/99999/recommendations", params={"k": 1}).json()
        own = http.get(f"/users/{user0}/recommendations",
                       params={"k": train.n_items}).json()
    assert blocked[1] in _ids(visitor)
    assert len(visitor["items"]) == train.n_items - 2
    top = int(np.argmax(_counts(train)))
    assert _ids(unknown) == [str(train.items.external_ids[top])]
    assert blocked[1] not in _ids(own)
    assert [int(i) for i in _ids(own)] == model.recommend(
        [train.users.external_ids[0]], k=train.n_items)[0][0][:len(own["items"])].tolist()


def test_a_user_without_training_rows_keeps_their_own_block_list(tmp_path, train, blocked):
    # user 1 is in the vocabulary with no rows: served popular items under their own
    # block list (not user 0's); a visitor gets every popular item
    keep = train.user_index != 1
    data = Interactions(train.user_index[keep], train.item_index[keep], train.value[keep],
                        None, train.users, train.items)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        als = create_model("als", factors=8, iterations=3, seed=0).fit(data)
    registry = publish(tmp_path / "registry", als, data)
    counts = _counts(data)
    top = [int(i) for i in np.argsort(-counts, kind="stable")[:3]]
    user1 = train.users.external_ids[1].item()
    chain = [{"type": "block_list",
              "per_user": [{"user": user1, "items": [int(data.items.external_ids[top[0]])]}]}]
    with client(settings(registry, rerank=chain, candidates=20,
                         unknown_user="popular")) as http:
        theirs = http.get(f"/users/{user1}/recommendations", params={"k": 2}).json()
        stranger = http.get("/users/99999/recommendations", params={"k": 2}).json()
    ids = [str(data.items.external_ids[i]) for i in top]
    assert _ids(theirs) == ids[1:3]
    assert _ids(stranger) == ids[:2]


def test_the_python_service_applies_the_list_of_the_user_it_names(tmp_path, als, train,
                                                                   blocked):
    from recstack.serving.service import Service
    from recstack.serving.telemetry import ServiceMetrics

    registry = publish(tmp_path / "registry", als, train)
    service = Service(settings(registry, rerank=_chain(train, blocked), candidates=20),
                      ServiceMetrics())
    service.start()
    try:
        posted = _posted(train, blocked)
        n = train.n_items
        named0 = service.recommend_new(posted, n, user_id=str(train.users.external_ids[0]))
        named1 = service.recommend_new(posted, n, user_id=str(train.users.external_ids[1]))
        nobody = service.recommend_new(posted, n)
    finally:
        service.close()
    assert blocked[1] not in named0.item_ids
    assert len(named0.item_ids) == n - 3
    assert blocked[1] in named1.item_ids and blocked[1] in nobody.item_ids
    assert len(named1.item_ids) == len(nobody.item_ids) == n - 2


# --------------------------------------------------------------------------- the context
@pytest.fixture(scope="module")
def small():
    from recstack.data.synthetic import generate

    return generate(n_users=20, n_items=10, n_interactions=100, seed=5, progress=None)


@pytest.fixture(scope="module")
def step(small):
    user0, item3 = small.users.external_ids[0].item(), small.items.external_ids[3].item()
    return create_reranker({"type": "block_list",
                            "per_user": [{"user": user0, "items": [item3]}]}).fit(small)


def _visit(training_users, n_items=10) -> RerankContext:
    row = sp.csr_matrix((np.ones(1, np.float32), [5], [0, 1]), shape=(1, n_items))
    return RerankContext(seen=row, training_users=training_users)


LISTS = np.arange(10)[None, :], np.linspace(1.0, 0.1, 10)[None, :]


def test_a_visitor_row_of_the_context_reads_no_training_users_list(step):
    items, _ = step.rerank([0], *LISTS, _visit([-1]))
    assert items[0].tolist() == list(range(10))
    assert step.catalog_mask([0], _visit(np.array([-1]))).tolist() == [[True] * 10]
    # the row may name a training user: theirs applies
    items, _ = step.rerank([0], *LISTS, _visit(np.array([0])))
    assert items[0].tolist() == [0, 1, 2, 4, 5, 6, 7, 8, 9, -1]
    assert np.flatnonzero(~step.catalog_mask([0], _visit([0]))[0]).tolist() == [3]


def test_training_rows_of_a_batch_map_each_row(step, small):
    # rows 0 and 1 of seen: a visitor, then training user 0
    context = RerankContext(seen=small.to_csr()[:2], training_users=np.array([-1, 0]))
    mask = step.catalog_mask(np.array([0, 1]), context)
    assert np.flatnonzero(~mask[0]).tolist() == []
    assert np.flatnonzero(~mask[1]).tolist() == [3]


@pytest.mark.parametrize(("given", "message"), [
    ([0, 1], "context.training_users has 2 entries, context.seen 1 row; give one per row of "
             "seen: the training user's index, or -1 for a visitor"),
    ([-2], "context.training_users[0] is -2; expected a training user's index (0 or more) "
           "or -1 for a visitor who is no training user"),
    ([99], "context.training_users[0] (the user of row 0) is 99, not a row of the training "
           "users (0..19); give a training user's index, or -1 for a visitor who is no "
           "training user"),
    (np.array([1.0]), "context.training_users must hold integer user indices, got floats"),
    ([True], "context.training_users must hold integer user indices, got true/false"),
])
def test_a_wrong_training_users_is_refused_naming_it(step, given, message):
    for call in (lambda: step.rerank([0], *LISTS, _visit(given)),
                 lambda: step.catalog_mask([0], _visit(given))):
        with pytest.raises(RecstackError) as caught:
            call()
        assert str(caught.value).startswith("block_list: " + message)


def test_a_context_with_more_rows_than_the_training_users_is_refused(step):
    # scipy's IndexError before: the block list has 20 training users
    context = RerankContext(seen=sp.csr_matrix((30, 10), dtype=np.float32))
    with pytest.raises(RecstackError, match=r"^block_list: user index 25 \(row 0\) is not a "
                                            r"row of the training users \(0\.\.19\)$"):
        step.rerank([25], *LISTS, context)


def test_the_seen_step_of_a_visitor_removes_their_posted_items_only(small):
    # in the chain itself (not only at retrieval): candidates holding a posted item and
    # items of training user 0 keep the latter
    from types import SimpleNamespace

    from recstack.serving.rerank import RerankerStage
    from recstack.serving.service import Candidates, StageRequest

    stage = RerankerStage(create_reranker({"type": "seen"}).fit(small), origin="settings")
    loaded = SimpleNamespace(seen_matrix=small.to_csr(), n_items=small.n_items)
    seen0 = sorted(set(small.item_index[small.user_index == 0].tolist()))
    posted = [i for i in range(small.n_items) if i not in seen0][:2]
    items = np.array(posted + seen0, np.int64)
    candidates = Candidates(items, np.linspace(1.0, 0.1, len(items)).astype(np.float32),
                            np.full(len(items), "model", dtype=object))
    request = StageRequest(None, np.array(posted[::-1] + posted[:1]), 10, loaded)
    assert stage(request, candidates).items.tolist() == seen0


def test_a_two_stage_visitor_is_no_training_user(tmp_path, train, blocked):
    pytest.importorskip("sklearn", reason="the two-stage model's ranker is scikit-learn's")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = create_model("two_stage", generators=[
            {"type": "als", "factors": 8, "iterations": 3, "seed": 0},
            {"type": "most_popular"}], ranker={"type": "logistic"},
            n_candidates=15).fit(train)
    registry = publish(tmp_path / "registry", model, train, name="ts")
    user0 = str(train.users.external_ids[0])
    with client(settings(registry, rerank=_chain(train, blocked), candidates=20)) as http:
        visitor = http.post("/recommendations/new-user",
                            json={"items": _posted(train, blocked), "k": 15}).json()
        own = http.get(f"/users/{user0}/recommendations", params={"k": 15}).json()
    # most_popular proposes the most popular unposted items: the blocked one among them
    assert blocked[1] in _ids(visitor)
    assert blocked[1] not in _ids(own)
