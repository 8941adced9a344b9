"""The content model (``interaction_weight = 0``) and a user whose every training row is on
an item without text in the item table: the user's profile is the zero vector, so every
score was 0 and ``recommend`` returned the catalog in index order without a word, while
``score_histories`` of the very same rows gave item popularity with a warning. Such a user
now counts as one the model learned nothing of: ``recommend``, ``score`` and
``score_new_items`` refuse them saying why and what to do, and the evaluator's
``score_users`` gives them item popularity with a ``PopularityFallbackWarning``, as it
gives users without training rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("sklearn", reason="scikit-learn is not installed: recstack[content]")

from recstack.data.interactions import Interactions  # noqa: E402
from recstack.errors import RecstackError  # noqa: E402
from recstack.models import create_model, load_model  # noqa: E402
from recstack.models.base import PopularityFallbackWarning  # noqa: E402

# u1: a, b; u2: a, c; u3: d only (d has no text); u4: b, d (one item with text)
USERS = ["u1", "u1", "u2", "u2", "u3", "u4", "u4"]
ITEMS = ["a", "b", "a", "c", "d", "b", "d"]
TABLE = pd.DataFrame({"item_id": ["a", "b", "c"],
                      "title": ["space opera", "space war", "love story"]})
# training users per item, worked by hand from the rows above
POPULARITY = {"a": 2.0, "b": 2.0, "c": 1.0, "d": 2.0}


@pytest.fixture(scope="module")
def train():
    return Interactions.from_arrays(np.array(USERS, dtype=object),
                                    np.array(ITEMS, dtype=object), item_table=TABLE)


@pytest.fixture(scope="module")
def model(train):
    return create_model("content").fit(train)


def _popularity_row(model):
    row = np.zeros(len(model.items_), np.float32)
    for item, count in POPULARITY.items():
        row[model.items_.to_index([item])[0]] = count
    return row


def test_recommend_refuses_a_user_of_textless_items_only(model):
    with pytest.raises(RecstackError) as caught:
        model.recommend(["u3"], k=2)
    message = str(caught.value)
    assert "content: 1 user(s) have training interactions only with items without text" \
        in message
    assert "e.g. ['u3']" in message
    assert "interaction_weight > 0" in message
    # never "no training interactions": u3 has a row, on an item without text
    assert "no training interactions" not in message


@pytest.mark.parametrize("call", [
    lambda m: m.score(["u3"], ["a"]),
    lambda m: m.recommend(["u1", "u3"], k=2),
    lambda m: m.score_new_items(["u3"], pd.DataFrame({"item_id": ["n"],
                                                      "title": ["space"]})),
])
def test_other_methods_taking_users_refuse_them_alike(model, call):
    with pytest.raises(RecstackError, match="only with items without text"):
        call(model)


def test_score_users_gives_them_item_popularity_with_a_warning(model):
    u3 = int(model.users_.to_index(["u3"])[0])
    with pytest.warns(PopularityFallbackWarning,
                      match=r"1 user\(s\) have training interactions only with items "
                            r"without text.*e\.g\. \['u3'\]"):
        scores = model.score_users(np.array([u3]))
    np.testing.assert_array_equal(scores[0], _popularity_row(model))


def test_the_same_as_score_histories_of_the_same_rows(model, train):
    u3 = int(model.users_.to_index(["u3"])[0])
    with pytest.warns(PopularityFallbackWarning):
        from_rows = model.score_histories(train.to_csr()[u3])
    with pytest.warns(PopularityFallbackWarning):
        np.testing.assert_array_equal(model.score_users(np.array([u3])), from_rows)


def test_a_user_with_one_item_of_text_is_served_from_it(model):
    # u4's profile is the vector of b ("space war"): a ("space opera") shares "space",
    # c ("love story") shares nothing, d has no text (and b, d are seen)
    items, scores = model.recommend(["u4"], k=2)
    assert items[0].tolist() == ["a", "c"]
    assert scores[0, 0] > 0 and scores[0, 1] == 0


def test_a_loaded_model_refuses_them_too(model, tmp_path):
    loaded = load_model(model.save(tmp_path / "content"))
    with pytest.raises(RecstackError, match="only with items without text"):
        loaded.recommend(["u3"], k=2)


def test_interactions_describe_their_items_with_interaction_weight(train):
    model = create_model("content", interaction_weight=0.5).fit(train)
    items, scores = model.recommend(["u3"], k=1)
    # d's interaction part is shared only with b (u4 has both): b is the one item alike
    assert items[0].tolist() == ["b"] and scores[0, 0] > 0
