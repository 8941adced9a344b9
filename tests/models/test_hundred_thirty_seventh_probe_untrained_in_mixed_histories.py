"""Items without training rows (in the vocabulary, as a split's items that only its test
part holds) taught a model nothing; a history that mixed them with trained items let
them count:

* two-tower's ``score_histories`` averaged the embeddings of all of a row's items; without
  item content every such item has the one embedding of the constant content vector, so
  the user's vector leaned towards it;
* SASRec's ``score_sequences`` / ``recommend_sequences`` read their untrained embeddings
  (and they took the places of trained items among the ``sequence_length_`` read);
* a two-stage model's generators proposed them as candidates when ``n_candidates`` was
  beyond a user's unseen trained items, where the ranker could lift them (a re-ranked
  model keeps them out of its candidates: one rule for both wrappers).

The references come from the definitions: the same history without those items.
"""

import warnings

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.models import create_model

from .quick_params import QUICK_PARAMS

COLD = 0  # the item with no training row: first by index, so ties would favour it


@pytest.fixture(scope="module")
def train():
    rng = np.random.default_rng(0)
    rows = [(user, int(item), 100 * position + user) for user in range(40)
            for position, item in enumerate(rng.choice(np.arange(1, 16), size=5,
                                                       replace=False))]
    rows.append((0, COLD, 999))  # in the vocabulary; left out of the training rows below
    frame = pd.DataFrame(rows, columns=["user", "item", "timestamp"])
    full = Interactions.from_frame(frame, user_col="user", item_col="item",
                                   timestamp_col="timestamp")
    return full.select(np.asarray(frame["item"] != COLD))


def test_the_fixture_holds_one_item_without_training_rows(train):
    counts = np.bincount(train.item_index, minlength=train.n_items)
    assert int(train.items.to_index([COLD])[0]) == 0
    assert counts[0] == 0 and (counts[1:] > 0).all()


@pytest.fixture(scope="module")
def two_tower(train):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return create_model("two_tower", **QUICK_PARAMS["two_tower"]).fit(train)


def _tower_from_definition(model, items):
    """p_u = unit(h + V2 relu(V1 [h; 0] + d1) + d2) for h the mean of the items' q_j (the
    module docstring's user tower, without id or features), scored against every q_i."""
    embeddings = model.item_embeddings_
    mean = embeddings[items].mean(axis=0)
    hidden_w, hidden_b, out_w, out_b = model.user_layers_
    inputs = np.concatenate([mean, np.zeros(hidden_w.shape[1] - len(mean), np.float32)])
    pre = mean + out_w @ np.maximum(hidden_w @ inputs + hidden_b, 0) + out_b
    return (pre / np.linalg.norm(pre)) @ embeddings.T


def test_two_tower_leaves_untrained_items_out_of_the_history_mean(two_tower):
    assert two_tower._items_without_similarity()[COLD]  # no item table: no content
    history = np.zeros((2, len(two_tower.items_)))
    history[0, [COLD, 3, 4]] = 1.0
    history[1, [3, 4]] = 1.0
    scores = two_tower.score_histories(history)
    expected = _tower_from_definition(two_tower, [3, 4])
    np.testing.assert_allclose(scores[0], expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(scores[0], scores[1], rtol=1e-6, atol=1e-7)


def test_two_tower_keeps_a_history_of_trained_items_as_it_was(two_tower):
    history = np.zeros((1, len(two_tower.items_)))
    history[0, [2, 5, 7]] = 1.0
    np.testing.assert_allclose(two_tower.score_histories(history)[0],
                               _tower_from_definition(two_tower, [2, 5, 7]),
                               rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", ["als", "ials", "ease", "item_knn", "user_knn", "rp3beta",
                                  "content", "gf_cf", "bspm", "blend", "two_tower"])
def test_score_histories_reads_a_mixed_history_as_its_trained_items_alone(train, name):
    """iALS counted the untrained item in the history's length (its regularisation) and
    user-kNN in the history's norm: the scores of [untrained, 3, 4] were not those of
    [3, 4], whatever the model learned."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = create_model(name, **QUICK_PARAMS.get(name, {})).fit(train)
    history = np.zeros((2, len(model.items_)))
    history[0, [COLD, 3, 4]] = 1.0
    history[1, [3, 4]] = 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # neither row is empty: no stand-in, no warning
        scores = model.score_histories(history)
    np.testing.assert_allclose(scores[0], scores[1], rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", ["als", "ials"])
def test_fold_in_reads_a_mixed_history_as_its_trained_items_alone(train, name):
    model = create_model(name, **QUICK_PARAMS[name]).fit(train)
    history = np.zeros((2, len(model.items_)))
    history[0, [COLD, 3, 4]] = 1.0
    history[1, [3, 4]] = 1.0
    factors = model.fold_in(history)
    np.testing.assert_allclose(factors[0], factors[1], rtol=1e-6, atol=1e-7)


def test_the_callers_history_is_not_changed(train):
    model = create_model("user_knn", **QUICK_PARAMS["user_knn"]).fit(train)
    import scipy.sparse as sp

    history = sp.csr_matrix(np.eye(1, len(model.items_), 0) + np.eye(1, len(model.items_), 3))
    before = history.copy()
    model.score_histories(history)
    assert (history != before).nnz == 0 and history.nnz == 2


@pytest.fixture(scope="module")
def sasrec(train):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return create_model("sasrec", **QUICK_PARAMS["sasrec"]).fit(train)


@pytest.mark.parametrize("mixed, trained", [
    ([3, COLD, 4], [3, 4]),
    ([COLD, 3, 4, COLD], [3, 4]),
    # the untrained item last: it took the place of the oldest trained item read
    (list(range(1, 16)) + [COLD], list(range(1, 16))),
])
def test_sasrec_leaves_untrained_items_out_of_a_sequence(sasrec, mixed, trained):
    scores = sasrec.score_sequences([mixed, trained])
    np.testing.assert_allclose(scores[0], scores[1], rtol=1e-6, atol=1e-6)


def test_sasrec_recommend_sequences_lists_as_without_untrained_items(sasrec):
    ids = sasrec.items_.external_ids
    mixed = [ids[3], ids[COLD], ids[4]]
    result = sasrec.recommend_sequences([mixed, [ids[3], ids[4]]], k=5, exclude_seen=False)
    assert result.item_ids[0].tolist() == result.item_ids[1].tolist()
    assert result.fallback_reason == (None, None)


def test_sasrec_a_sequence_of_only_untrained_items_still_falls_back(sasrec):
    result = sasrec.recommend_sequences([[sasrec.items_.external_ids[COLD]] * 3], k=3)
    assert result.fallback_reason[0] is not None and "without training rows" in \
        result.fallback_reason[0]


@pytest.fixture(scope="module")
def two_stage(train):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # 16 candidates: every user has 10 or 11 unseen trained items, so a generator's list
        # reached the untrained item
        return create_model("two_stage", generators=({"type": "ease", "regularization": 10.0},),
                            ranker={"type": "logistic"}, n_candidates=16).fit(train)


def test_two_stage_never_proposes_an_item_without_training_rows(two_stage, train):
    candidates = two_stage.candidates(np.arange(train.n_users))
    assert len(candidates) and COLD not in candidates.items.tolist()
    # the trained unseen items are all there (n_candidates is beyond them)
    seen = train.to_csr()
    for user in range(train.n_users):
        proposed = set(candidates.items[candidates.users == user].tolist())
        assert proposed == set(range(1, 16)) - set(seen[user].indices.tolist())
    # nor with exclude_seen=False
    every = two_stage.candidates(np.arange(5), exclude_seen=False)
    assert COLD not in every.items.tolist()


def test_two_stage_ranks_an_item_without_training_rows_below_every_candidate(two_stage,
                                                                             train):
    users = train.users.external_ids[:10].tolist()
    scores = two_stage.score_users(np.arange(10))
    seen = train.to_csr()
    for row in range(10):
        unseen = np.setdiff1d(np.arange(1, 16), seen[row].indices)
        assert scores[row, COLD] < scores[row, unseen].min()
    items, _ = two_stage.recommend(users, k=16)
    for row in range(10):
        listed = [item for item in items[row].tolist() if item != -1]
        assert COLD not in listed[:15 - seen[row].nnz]


def test_two_stage_histories_never_propose_an_item_without_training_rows(two_stage):
    history = np.zeros((1, len(two_stage.items_)))
    history[0, [1, 2]] = 1.0
    scores = two_stage.score_histories(history)[0]
    assert scores[COLD] < scores[3:16].min()


def _catalog_data():
    catalog = pd.DataFrame({
        "item_id": ["space1", "space2", "space3", "laugh1", "laugh2", "laugh3"],
        "title": ["Star Voyage", "Galaxy Rangers", "Star Colony", "Wedding Chaos",
                  "Office Pranks", "Wedding Crashers"],
        "genres": [["Sci-Fi"], ["Sci-Fi"], ["Sci-Fi"], ["Comedy"], ["Comedy"], ["Comedy"]]})
    users = ["a", "a", "b", "b", "c", "c", "d", "d"]
    items = ["space1", "space2", "laugh1", "laugh2", "space1", "laugh1", "space2", "laugh2"]
    return Interactions.from_arrays(users, items, timestamps=[0, 4, 1, 5, 2, 6, 3, 7],
                                    item_table=catalog, keep_unseen_items=True)


def test_two_stage_keeps_an_item_a_content_generator_places():
    """An item counts as unknown only when no generator learned anything of it: a
    content generator places an item without training rows by its text."""
    train = _catalog_data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = create_model("two_stage", generators=({"type": "ease", "regularization": 10.0},
                                                      {"type": "content"}),
                             ranker={"type": "logistic"}, n_candidates=5).fit(train)
    assert not model._items_without_similarity().any()
    cold = int(model.items_.to_index(["space3"])[0])
    assert cold in model.candidates(np.arange(len(model.users_))).items.tolist()


def test_a_reranked_content_model_keeps_its_items_placed_by_content():
    """A re-ranked model's item similarity is the wrapped model's, and so are the items it
    has none for: a content model's item without training rows has neighbours by its
    text (they were refused as if the wrapper had learned nothing of it)."""
    train = _catalog_data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wrapped = create_model("content").fit(train)
        model = create_model("reranked", model={"type": "content"},
                             chain=({"type": "popularity_penalty", "strength": 0.5},),
                             n_candidates=5).fit(train)
    items, values = model.similar_items(["space3"], k=2)
    expected, expected_values = wrapped.similar_items(["space3"], k=2)
    assert items.tolist() == expected.tolist()
    assert np.isfinite(values).all()
