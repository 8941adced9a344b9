"""Items without training rows (in the vocabulary, as a split's items that only its test
part holds) taught a collaborative model nothing, and two places let them count as if they
had:

* a ``reranked`` model's chain reads popularity (and the other training statistics) of
  which such an item has none: ``popularity_penalty`` subtracted log(1 + 0) = 0 from it, so
  an item scored 0 (or at random) by the wrapped model rose above the penalised trained
  items (second of seven in every list here); ``long_tail_share`` counted it as tail;
* a history (``score_histories``, ``fold_in``) holding only such items was not empty to
  the model, so its scores were all 0 (the catalog in index order) or came from untrained
  vectors, without the item-popularity stand-in and warning an empty history gets.
"""

import warnings

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.models import create_model
from recstack.models.base import PopularityFallbackWarning

from .quick_params import QUICK_PARAMS

COLD = 0  # the item with no training row: first by index, so ties would favour it


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    rows = [(user, int(item)) for user in range(40)
            for item in rng.choice(np.arange(1, 16), size=5, replace=False)]
    rows.append((0, COLD))  # in the vocabulary; left out of the training rows below
    frame = pd.DataFrame(rows, columns=["user", "item"])
    full = Interactions.from_frame(frame, user_col="user", item_col="item")
    train = full.select(np.asarray(frame["item"] != COLD))
    trained = frame[frame["item"] != COLD]
    # the definition of the stand-in: training users per item, in the model's item order
    counts = trained.groupby("item")["user"].nunique()
    popularity = np.array([counts.get(item, 0) for item in train.items.external_ids.tolist()],
                          dtype=float)
    return train, popularity


def test_the_fixture_holds_an_item_without_training_rows(data):
    train, popularity = data
    cold = int(train.items.to_index([COLD])[0])
    assert cold == 0 and popularity[cold] == 0 and (np.delete(popularity, cold) > 0).all()


@pytest.mark.parametrize("chain", [
    [{"type": "popularity_penalty", "strength": 1.0}],
    [{"type": "long_tail_share", "head_items": 0.5}],
])
def test_a_chain_never_lifts_an_item_without_training_rows_above_trained_ones(data, chain):
    train, _ = data
    model = create_model("reranked", model={"type": "ease", "regularization": 10.0},
                         chain=chain, n_candidates=16).fit(train)
    users = train.users.external_ids[:10].tolist()
    items, scores = model.recommend(users, k=16)
    seen = train.to_csr()
    for row, user in enumerate(users):
        unseen = 16 - seen[row].nnz - 1  # the trained items this user has not seen
        listed = [item for item in items[row].tolist() if item != -1]
        assert COLD not in listed[:unseen], (user, listed)


def test_an_empty_chain_is_still_the_wrapped_model_itself(data):
    train, _ = data
    wrapped = create_model("ease", regularization=10.0).fit(train)
    model = create_model("reranked", model={"type": "ease", "regularization": 10.0},
                         chain=[], n_candidates=16).fit(train)
    users = train.users.external_ids[:10].tolist()
    assert np.array_equal(model.recommend(users, k=10)[0], wrapped.recommend(users, k=10)[0])


@pytest.mark.parametrize("name", ["ease", "als", "ials", "item_knn", "user_knn", "rp3beta"])
def test_a_history_of_only_untrained_items_is_scored_by_popularity(data, name):
    train, popularity = data
    model = create_model(name, **QUICK_PARAMS.get(name, {})).fit(train)
    histories = np.zeros((2, len(model.items_)))
    histories[0, COLD] = 1.0  # only the item the model knows nothing of
    histories[1, [COLD, 3]] = 1.0  # and one trained item: a history like any other
    with pytest.warns(PopularityFallbackWarning,
                      match=rf"^{name}: 1 of 2 histories are empty .*only items it learned "
                            r"nothing of \(no training rows\): rows \[0\]"):
        scores = model.score_histories(histories)
    np.testing.assert_allclose(scores[0], popularity)
    assert not np.allclose(scores[1], popularity)


@pytest.mark.parametrize("name", ["als", "ials"])
def test_fold_in_of_only_untrained_items_warns_as_an_empty_history(data, name):
    train, _ = data
    model = create_model(name, **QUICK_PARAMS[name]).fit(train)
    histories = np.zeros((1, len(model.items_)))
    histories[0, COLD] = 1.0
    with pytest.warns(UserWarning, match=rf"^{name}: fold_in: 1 of 1 histories are empty "
                                         r"\(no interaction, or only items it learned nothing "
                                         r"of \(no training rows\): rows \[0\]\)"):
        model.fold_in(histories)


def test_a_history_without_untrained_items_gives_no_warning(data):
    train, _ = data
    model = create_model("ease", regularization=10.0).fit(train)
    histories = np.zeros((1, len(model.items_)))
    histories[0, [2, 3]] = 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.score_histories(histories)


def test_a_blend_keeps_items_a_content_member_places():
    """A blend counts an item as unknown only when no member learned anything of it: a
    content member places an item without training rows by its text, so a history of only
    that item is the content member's to score, not the popularity stand-in's."""
    catalog = pd.DataFrame({
        "item_id": ["space1", "space2", "space3", "laugh1", "laugh2", "laugh3"],
        "title": ["Star Voyage", "Galaxy Rangers", "Star Colony", "Wedding Chaos",
                  "Office Pranks", "Wedding Crashers"],
        "genres": [["Sci-Fi"], ["Sci-Fi"], ["Sci-Fi"], ["Comedy"], ["Comedy"], ["Comedy"]]})
    users = ["a", "a", "b", "b", "c", "c", "d", "d"]
    items = ["space1", "space2", "laugh1", "laugh2", "space1", "laugh1", "space2", "laugh2"]
    train = Interactions.from_arrays(users, items, item_table=catalog, keep_unseen_items=True)
    blend = create_model("blend", members=({"type": "ease", "regularization": 10.0},
                                           {"type": "content"}), rounds=1).fit(train)
    cold = int(blend.items_.to_index(["space3"])[0])
    assert blend.members_[0]._items_without_similarity()[cold]
    assert not blend._items_without_similarity().any()
    history = np.zeros((1, len(blend.items_)))
    history[0, cold] = 1.0
    with warnings.catch_warnings():
        # the EASE member's part of the row is its popularity stand-in, said as a warning
        warnings.simplefilter("ignore", PopularityFallbackWarning)
        scores = blend.score_histories(history)[0]
    # the blend's row is its members' blend, not replaced by popularity (training users
    # per item, the stand-in of an empty history)
    counts = np.bincount(train.item_index, minlength=len(blend.items_))
    assert not np.allclose(scores, counts)


@pytest.fixture(scope="module")
def sasrec(data):
    train, _ = data
    return create_model("sasrec", **QUICK_PARAMS["sasrec"]).fit(train)


def test_a_sequence_of_only_untrained_items_gets_the_sasrec_fallback(data, sasrec):
    from recstack.models.sasrec import UNTRAINED_HISTORY

    train, popularity = data
    # training rows per item (SASRec's popularity counts rows; these have no repeats)
    with pytest.warns(PopularityFallbackWarning,
                      match=r"^sasrec: 2 of 3 sequence\(s\) are empty, or hold only items "
                            r"without training rows, whose embeddings are untrained \(rows "
                            r"\[0, 1\]\)"):
        scores = sasrec.score_sequences([[COLD], [COLD, COLD], [3, COLD]])
    np.testing.assert_allclose(scores[0], popularity)
    np.testing.assert_allclose(scores[1], popularity)
    assert not np.allclose(scores[2], popularity)
    result = sasrec.recommend_sequences([[COLD], [], [3]], k=3)
    assert result.fallback_reason[0] == UNTRAINED_HISTORY
    assert result.fallback_reason[1] != UNTRAINED_HISTORY and result.fallback_reason[2] is None
    top = np.argsort(-np.where(np.arange(len(popularity)) == COLD, -np.inf, popularity),
                     kind="stable")[:3]
    assert result.item_ids[0].tolist() == train.items.to_external(top).tolist()
