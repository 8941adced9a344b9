"""A history as a DataFrame (or one user's as a Series) is read by position, in the model's
item order. Its labels were checked only for being the model's ids in another order: labels
from another catalog or id space (with as many columns by chance), or with some ids the
model does not know, were read by position without a word, so each value went to whichever
item stood at its position. They are now refused naming a label; positions (0..n-1) and
unlabelled frames are still read by position."""

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
    items = rng.integers(0, 12, 300) * 10 + 100  # ids 100, 110, ..., 210
    return Interactions.from_arrays(users, items, np.ones(300), np.arange(300))


@pytest.fixture(scope="module")
def models(data):
    return {"item_knn": create_model("item_knn").fit(data),
            "als": create_model("als", factors=4, iterations=2, num_threads=1).fit(data)}


def _history(model):
    history = np.zeros((1, len(model.items_)))
    history[0, :3] = 1.0
    return history


@pytest.mark.parametrize("method", ["score_histories", "fold_in"])
def test_columns_of_another_id_space_are_refused(models, method):
    model = models["als"]
    history = _history(model)
    frame = pd.DataFrame(history, columns=np.arange(history.shape[1]) + 5000)
    with pytest.raises(RecstackError, match=r"^als: histories is a DataFrame whose columns are "
                                            r"labelled with ids that are not this model's "
                                            r"items \(none of them is one, e\.g\. column 0 = "
                                            r"5000\).*histories\.to_numpy\(\)"):
        getattr(model, method)(frame)


def test_columns_with_some_unknown_ids_are_refused(models):
    model = models["item_knn"]
    history = _history(model)
    labels = list(model.items_.external_ids[:-1]) + [99999]
    with pytest.raises(RecstackError, match=r"1 of the 12 labels are not one, e\.g\. column 11 "
                                            r"= 99999.*reindex\(columns="):
        model.score_histories(pd.DataFrame(history, columns=labels))


def test_a_series_of_another_id_space_is_refused(models):
    model = models["item_knn"]
    series = pd.Series(_history(model)[0], index=[f"x{k}" for k in range(len(model.items_))])
    with pytest.raises(RecstackError, match=r"^item_knn: histories is a Series \(one user's "
                                            r"history\) whose index is labelled with ids that "
                                            r"are not this model's items .*'x0'"):
        model.score_histories(series)


@pytest.mark.parametrize("name", ["item_knn", "als"])
def test_positions_and_the_model_ids_in_its_order_still_score_as_the_matrix(models, name):
    model = models[name]
    history = _history(model)
    expected = model.score_histories(history)
    for columns in (list(range(history.shape[1])), list(model.items_.external_ids)):
        np.testing.assert_array_equal(
            model.score_histories(pd.DataFrame(history, columns=columns)), expected)
    # the remedy the message gives: reindexed by the model's ids, unknown ones dropped
    labelled = pd.DataFrame(history, columns=list(model.items_.external_ids))
    np.testing.assert_array_equal(model.score_histories(labelled.reindex(
        columns=model.items_.external_ids, fill_value=0)), expected)
