"""Item text that holds no term the model kept is said for what it is.

* content: items whose text has only words the TF-IDF vocabulary leaves out (stop words,
  words of one character, terms cut by ``min_df`` or ``max_features``) were reported as
  items "without text" (asking whether the item table was keyed by other ids), sending the
  user to a table that was right; the refusals now say the text is there and which
  setting dropped its words.
* content and two-tower: new items (``score_new_items``, ``item_vectors``, ``embed_items``)
  whose text holds nothing the model was fitted with were placed like items without text
  (content: the zero vector, scoring 0 for every user; two-tower: one and the same
  embedding for all of them) without a word; an :class:`UndescribedItemWarning` names them.
"""

import warnings

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("sklearn", reason="scikit-learn is not installed: recstack[content]")

from recstack.data.interactions import Interactions  # noqa: E402
from recstack.errors import RecstackError  # noqa: E402
from recstack.models import UndescribedItemWarning, create_model  # noqa: E402

USERS = ["u1", "u1", "u2", "u2", "u3"]
ITEMS = ["a", "b", "b", "c", "d"]


def _data(titles):
    table = pd.DataFrame({"item_id": ["a", "b", "c", "d", "e"], "title": titles})
    return Interactions.from_arrays(USERS, ITEMS, item_table=table, keep_unseen_items=True)


def test_trained_items_of_stop_words_only_are_not_called_textless():
    data = _data(["the", "of", "is", "an", "red apple"])  # only e (no rows) has a term
    with pytest.raises(RecstackError) as caught:
        create_model("content").fit(data)
    message = str(caught.value)
    assert message.startswith(
        "content: none of the 4 items with training rows (e.g. ['a', 'b', 'c']) has a term "
        "of the model's vocabulary in its text (4 of them have text, e.g. item 'a' reads "
        "'the'): the vocabulary leaves out English stop words")
    assert "only items without training rows do (e.g. ['e'])" in message
    assert "set stop_words = None" in message
    assert "keyed by other ids" not in message


def test_the_settings_that_dropped_the_words_are_named_first():
    data = _data(["the", "of", None, "an", "red apple"])
    with pytest.raises(RecstackError) as caught:
        create_model("content", max_features=3).fit(data)
    message = str(caught.value)
    assert "(3 of them have text, e.g. item 'a' reads 'the')" in message
    assert "terms beyond the max_features = 3 most frequent" in message
    assert "raise max_features (now 3), set stop_words = None" in message


def test_items_truly_without_text_still_ask_about_the_table_keys():
    data = _data([None, None, None, None, "red apple"])
    with pytest.raises(RecstackError, match="has text in the item table's 'title'; .*keyed "
                                            "by other ids"):
        create_model("content").fit(data)


def test_a_user_of_items_whose_words_were_cut_is_refused_naming_the_cut():
    # max_features=1 keeps "red" (on a, b, e): d ("green date") keeps no term, so u3's
    # profile is empty, though d has text
    data = _data(["red apple", "red berry", "blue cherry", "green date", "red elder"])
    with pytest.warns(UserWarning, match="the same TF-IDF vector"):
        model = create_model("content", max_features=1).fit(data)
    assert model.vocabulary_.tolist() == ["red"]
    with pytest.raises(RecstackError) as caught:
        model.recommend(["u3"], k=2)
    message = str(caught.value)
    assert ("content: 1 user(s) have training interactions only with items without text "
            "in the item table, or whose text holds no term of the model's vocabulary") \
        in message
    assert "terms dropped by min_df or max_features" in message
    assert "e.g. ['u3']; the model cannot rank items for them; raise max_features (now 1)" \
        in message


def _content_model():
    table = pd.DataFrame({"item_id": ["a", "b", "c"],
                          "title": ["red apple", "red berry", "blue cherry"]})
    data = Interactions.from_arrays(["u1", "u1", "u2"], ["a", "b", "c"], item_table=table)
    return create_model("content").fit(data)


def test_content_new_items_without_a_known_term_are_named():
    model = _content_model()
    rows = pd.DataFrame({"item_id": ["n1", "n2", "n3"],
                         "title": ["zzz qqq", "red", None]})
    with pytest.warns(UndescribedItemWarning) as caught:
        scores = model.score_new_items(["u1"], rows)
    message = str(caught[0].message)
    assert message.startswith(
        "content: score_new_items: 2 of the 3 new item(s) hold no term of the model's "
        "vocabulary")
    assert "in their column 'title' (row 0 (item 'n1') reads 'zzz qqq'; row 2 (item 'n3') " \
           "has no text), so each is the zero vector and scores 0 for every user" in message
    # u1's profile holds "red": n2 ("red") has a positive cosine, n1 and n3 exactly 0
    assert scores[0, 0] == 0.0 and scores[0, 2] == 0.0 and scores[0, 1] > 0
    with pytest.warns(UndescribedItemWarning, match="^content: item_vectors: 1 of the 1 "):
        vectors = model.item_vectors(pd.DataFrame({"title": ["the of"]}))
    assert vectors.nnz == 0


def test_content_new_items_with_known_terms_say_nothing():
    model = _content_model()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.score_new_items(["u1"], pd.DataFrame({"item_id": ["n"], "title": ["blue"]}))


def test_two_tower_new_items_without_known_content_are_named():
    pytest.importorskip("torch", reason="PyTorch is not installed: recstack[torch]")
    from recstack.data.synthetic import generate

    data = generate(n_users=40, n_items=30, n_interactions=500, seed=1)
    model = create_model("two_tower", epochs=1, dim=4, hidden=8).fit(data)
    rows = data.item_table.iloc[:3].copy()
    rows["item_id"] = ["n1", "n2", "n3"]
    rows["genres"] = [[], [], data.item_table["genres"].iloc[0]]  # n3: a known genre
    rows["title"] = ["zzzq", "", ""]
    rows["description"] = ["qqqz", "", ""]
    with pytest.warns(UndescribedItemWarning) as caught:
        embeddings = model.embed_items(rows)
    message = str(caught[0].message)
    assert message.startswith("two_tower: embed_items: 2 of the 3 new item(s) hold no "
                              "genre, tag or text word the model was fitted with")
    assert "(row 0 (item 'n1') reads 'zzzq qqqz'; row 1 (item 'n2') has no text)" in message
    assert "they all get one and the same embedding" in message
    np.testing.assert_array_equal(embeddings[0], embeddings[1])  # placed alike
