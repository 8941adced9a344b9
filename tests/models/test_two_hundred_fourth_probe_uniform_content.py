"""Two-tower content that tells no item or user apart.

- An item table whose content is the same for every item (every title the same words, one
  genre for all) gave every item one content vector: the fit said nothing of it, except
  numpy's "invalid value encountered in divide" from scikit-learn's SVD of identical text;
  with ``id_dropout = 1`` it trained every epoch and was then refused as a collapse that
  sent the user to the learning rate. It is now named in a warning (no RuntimeWarning),
  and with ``id_dropout = 1`` refused before training, as content-less data is.
- A ``user_features`` column holding one value for every user (one country, a constant
  date) is a one-hot of a single constant column that tells no user apart, accepted
  without a word; it is now named in a warning, as a column of one value per user is.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("torch", reason="PyTorch is not installed: recstack[torch]")
pytest.importorskip("sklearn", reason="scikit-learn is not installed: recstack[content]")

from recstack.data.interactions import Interactions  # noqa: E402
from recstack.errors import ConfigError  # noqa: E402
from recstack.models import create_model  # noqa: E402
from tests.models.quick_params import quick_params  # noqa: E402

N_USERS, N_ITEMS = 16, 10


def _rows():
    rng = np.random.default_rng(0)
    users = np.repeat(np.arange(N_USERS), 4)
    items = np.concatenate([rng.choice(N_ITEMS, 4, replace=False) for _ in range(N_USERS)])
    return users, items


def _train(item_table=None, user_table=None):
    users, items = _rows()
    return Interactions.from_arrays(users, items, item_table=item_table, user_table=user_table)


def _params(**extra):
    return quick_params("two_tower") | {"epochs": 1} | extra


SAME_TITLE = pd.DataFrame({"item_id": range(N_ITEMS), "title": ["great space movie"] * N_ITEMS})
ONE_GENRE = pd.DataFrame({"item_id": range(N_ITEMS), "genres": [["Drama"]] * N_ITEMS})


@pytest.mark.parametrize(("table", "said"), [
    (SAME_TITLE, "the item table's 'title' gives every one of the 10 items the same content "
                 "vector (item 0 reads 'great space movie')"),
    (ONE_GENRE, "the item table's 'genres' gives every one of the 10 items the same content "
                "vector (item 0 reads 'genre_drama')"),
])
def test_content_the_same_for_every_item_is_named(table, said):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        create_model("two_tower", **_params()).fit(_train(item_table=table))
    messages = [str(w.message) for w in caught]
    assert not [w for w in caught if issubclass(w.category, RuntimeWarning)], messages
    named = [m for m in messages if said in m]
    assert len(named) == 1, messages
    assert "so the content tells no item apart" in named[0]


@pytest.mark.parametrize("table", [SAME_TITLE, ONE_GENRE])
def test_id_dropout_one_with_such_content_is_refused_before_training(table):
    model = create_model("two_tower", **_params(id_dropout=1.0))
    with pytest.raises(ConfigError) as caught:
        model.fit(_train(item_table=table))
    message = str(caught.value)
    assert "id_dropout=1.0 drops every item id in training" in message
    assert "content that tells no item apart" in message
    assert "collapsed" not in message
    assert not model.is_fitted


def test_content_that_differs_is_not_named():
    table = pd.DataFrame({"item_id": range(N_ITEMS),
                          "genres": [["Drama"] if i % 2 else ["Comedy"] for i in range(N_ITEMS)]})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        create_model("two_tower", **_params()).fit(_train(item_table=table))
    assert not [w for w in caught if "tells no item apart" in str(w.message)]


@pytest.mark.parametrize(("column", "shown_value"), [
    (["se"] * N_USERS, "'se'"),
    # 1 and "1" are one category of the one-hot
    ([1, "1"] * (N_USERS // 2), "1"),
])
def test_a_user_feature_of_one_value_for_everyone_is_named(column, shown_value):
    table = pd.DataFrame({"user_id": range(N_USERS), "country": column})
    with pytest.warns(UserWarning, match=(
            f"user_features column 'country' holds the one value {shown_value} for each of "
            f"its {N_USERS} users, so its one-hot is a constant column that tells no user "
            "from another")):
        create_model("two_tower", **_params(user_features=["country"])).fit(
            _train(user_table=table))


def test_a_user_feature_missing_for_some_users_is_not_named():
    # present or absent tells users apart: not a constant column
    table = pd.DataFrame({"user_id": range(N_USERS),
                          "country": ["se", None] * (N_USERS // 2)})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        create_model("two_tower", **_params(user_features=["country"])).fit(
            _train(user_table=table))
    assert not [w for w in caught if "one value" in str(w.message)]
