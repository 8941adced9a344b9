"""New item rows (content's ``item_vectors``/``score_new_items``, two-tower's
``embed_items``/``score_new_items``) and the item table a content model is fitted on: a
true/false value in a text column (``title``, ``genres``, ``tags``, ``description``; in a
genre list too) was read as the word "true" (genre ``genre_true``), where a flag column had
been given for a text one; it is refused naming the column, the row and the value. Numbers
stay accepted on purpose (a title may be "1917", a genre a code; an unknown code is warned
about). Content's new rows with the title column written ``Title`` said only that
``title`` was missing; they now name the column to rename, as ``fit`` does."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model

N_ITEMS = 25


def interactions(titles=None) -> Interactions:
    rng = np.random.default_rng(0)
    items = pd.DataFrame({
        "item_id": np.arange(N_ITEMS),
        "title": titles if titles is not None
        else [f"movie {w}" for w in ["alpha", "beta", "gamma", "delta", "eps"] * 5],
        "genres": ["Action|Comedy", "Drama"] * 12 + ["Horror"]})
    frame = pd.DataFrame({"user_id": rng.integers(0, 30, 600),
                          "item_id": rng.integers(0, N_ITEMS, 600), "value": 1.0})
    return Interactions.from_frame(frame, item_table=items)


@pytest.fixture(scope="module")
def content():
    return create_model("content").fit(interactions())


def rows(**columns) -> pd.DataFrame:
    return pd.DataFrame({"title": ["movie alpha"], "genres": ["Drama"]} | columns)


@pytest.mark.parametrize(("given", "column", "value"), [
    (rows(title=[True]), "title", True),
    (rows(title=np.array([False])), "title", False),
    (rows(genres=[np.bool_(True)]), "genres", True),
    (pd.DataFrame({"title": ["a", "b"], "genres": ["Drama", ["Drama", True]]}), "genres",
     True),
])
def test_content_refuses_a_true_false_value_in_a_text_column(content, given, column, value):
    at = 1 if len(given) == 2 else 0
    with pytest.raises(RecstackError, match=rf"^content: score_new_items: the item rows: "
                                            rf"column "
                                            rf"'{column}' holds the true/false value "
                                            rf"{value} at row {at};"):
        content.score_new_items([1], given)


def test_numbers_stay_accepted_as_text(content):
    # a title may be a number, and a genre a code: neither is refused
    assert content.score_new_items([1], rows(title=[1917])).shape == (1, 1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert content.score_new_items([1], rows(genres=[3])).shape == (1, 1)
    assert any("'3' (row 0)" in str(w.message) for w in caught)


def test_content_names_a_title_column_written_another_way(content):
    with pytest.raises(RecstackError, match=r"has a column 'Title' but no 'title'.*rename "
                                            r"it to 'title'"):
        content.item_vectors(pd.DataFrame({"Title": ["movie alpha"], "genres": ["Drama"]}))


def test_fit_refuses_a_true_false_title_too():
    titles = ["movie alpha"] * (N_ITEMS - 1) + [True]
    with pytest.raises(RecstackError, match=r"^content: the item table: column 'title' holds "
                                            rf"the true/false value True at row {N_ITEMS - 1}"):
        create_model("content").fit(interactions(titles))


def test_two_tower_refuses_a_true_false_genre_in_new_rows():
    pytest.importorskip("torch")
    model = create_model("two_tower", dim=8, hidden=16, epochs=1, batch_size=128,
                         device="cpu").fit(interactions())
    with pytest.raises(RecstackError, match=r"^two_tower: score_new_items: the item rows: "
                                            r"column 'genres' holds the true/false value True"):
        model.score_new_items([1], rows(genres=[True]))
