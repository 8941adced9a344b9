"""Index arguments held by numpy as objects: an object array of ints (a pandas object
column's ``to_numpy()``) was refused by ``score_users`` while the same values in a list of
numpy integers were taken, and ``reranked``/``two_stage`` refused it with "got dtype
object". One rule now for every index-taking model method: objects that are all integers
are integers; a float, None, text or true/false among them is refused as before."""

import warnings

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    users = rng.integers(0, 20, 300)
    items = rng.integers(0, 12, 300) * 10 + 100
    return Interactions.from_arrays(users, items, np.ones(300), np.arange(300))


@pytest.fixture(scope="module")
def models(data):
    return {
        "item_knn": create_model("item_knn", neighbors=5).fit(data),
        "reranked": create_model("reranked", model={"type": "item_knn", "neighbors": 5},
                                 chain=[{"type": "popularity_penalty", "strength": 0.5}],
                                 n_candidates=5).fit(data),
        "two_stage": create_model("two_stage", generators=[{"type": "most_popular"},
                                                           {"type": "item_knn",
                                                            "neighbors": 5}],
                                  ranker={"type": "logistic"}, n_candidates=5).fit(data),
    }


OBJECT_INTS = np.array([1, 3, 2], dtype=object)
PLAIN = np.array([1, 3, 2], dtype=np.int64)


@pytest.mark.parametrize("name, kwargs", [
    ("item_knn", {}), ("reranked", {}), ("reranked", {"exclude_seen": False}),
    ("two_stage", {}), ("two_stage", {"exclude_seen": False})])
def test_score_users_reads_an_object_array_of_ints_as_ints(models, name, kwargs):
    model = models[name]
    expected = model.score_users(PLAIN, **kwargs)
    np.testing.assert_array_equal(model.score_users(OBJECT_INTS, **kwargs), expected)
    # numpy integers of mixed widths as objects, and a pandas object column
    mixed = np.array([np.int32(1), 3, np.uint8(2)], dtype=object)
    np.testing.assert_array_equal(model.score_users(mixed, **kwargs), expected)
    column = pd.Series([1, 3, 2], dtype=object)
    np.testing.assert_array_equal(model.score_users(column, **kwargs), expected)


def test_reranked_lists_and_two_stage_candidates_read_object_ints(models):
    items, scores = models["reranked"].rerank_lists(OBJECT_INTS)
    plain_items, plain_scores = models["reranked"].rerank_lists(PLAIN)
    np.testing.assert_array_equal(items, plain_items)
    np.testing.assert_array_equal(scores, plain_scores)
    two_stage = models["two_stage"]
    assert len(two_stage.candidates(OBJECT_INTS)) == len(two_stage.candidates(PLAIN))


@pytest.mark.parametrize("name", ["item_knn", "reranked", "two_stage"])
@pytest.mark.parametrize("values", [[1, 2.0], [1, None], [1, True], [1, "2"], [1, 2**70]],
                         ids=["float", "none", "bool", "text", "past-int64"])
def test_objects_that_are_not_all_integers_are_still_refused(models, name, values):
    array = np.empty(len(values), dtype=object)
    array[:] = values
    with pytest.raises(RecstackError, match=rf"^{name}: .*user"):
        models[name].score_users(array)
    if name != "item_knn":
        with pytest.raises(RecstackError, match=rf"^{name}: .*user"):
            models[name].score_users(array, exclude_seen=False)


def test_an_empty_object_array_is_an_empty_batch(models):
    scores = models["item_knn"].score_users(np.array([], dtype=object))
    assert scores.shape == (0, 12)


def test_sasrec_sequences_read_object_ints(data):
    pytest.importorskip("torch")
    model = create_model("sasrec", max_length=5, hidden=8, blocks=1, epochs=1,
                         batch_size=64, validation=False, device="cpu").fit(data)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        expected = model.score_sequences([[1, 2], [3]])
        got = model.score_sequences([np.array([1, 2], dtype=object), [np.int16(3)]])
    np.testing.assert_array_equal(got, expected)
    with pytest.raises(RecstackError, match=r"sequence 0 must hold item indices"):
        model.score_sequences([np.array([1, 2.0], dtype=object)])


def test_history_labels_0_to_n_held_as_objects_are_positions(models):
    # positions 0..n-1 label an unlabelled frame's columns whether numpy holds them as
    # int64 or as objects: the values, read by position, score as the plain array
    model = models["item_knn"]
    history = np.zeros((1, 12))
    history[0, [0, 4, 7]] = 1.0
    expected = model.score_histories(history)
    labels = pd.Index(list(range(12)), dtype=object)
    np.testing.assert_array_equal(
        model.score_histories(pd.DataFrame(history, columns=labels)), expected)


@pytest.fixture(scope="module")
def als(data):
    return create_model("als", factors=4, iterations=2, num_threads=1).fit(data)


@pytest.mark.parametrize("method", ["score_histories", "fold_in"])
def test_whole_float_labels_are_the_ids_they_equal_in_both_methods(als, method):
    # labels are ids, not indices: 100.0 is item 100 (the id rule of every method), so a
    # frame labelled so in the model's order reads as the plain array, and in another order
    # is refused, by score_histories and fold_in alike
    history = np.zeros((1, len(als.items_)))
    history[0, [0, 4, 7]] = 1.0
    labels = np.asarray(als.items_.external_ids, dtype=float)
    expected = getattr(als, method)(history)
    np.testing.assert_array_equal(
        getattr(als, method)(pd.DataFrame(history, columns=labels)), expected)
    with pytest.raises(RecstackError, match=r"^als: histories is a DataFrame whose columns are "
                                            r"the model's item ids in another order"):
        getattr(als, method)(pd.DataFrame(history, columns=labels[::-1]))
