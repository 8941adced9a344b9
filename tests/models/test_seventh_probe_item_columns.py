"""Seventh bad-input probe, item tables whose text columns are named another way: the content
and two-tower models read ``title``, ``genres``, ``tags`` and ``description`` by their exact
names and ignore other columns, so an item table with ``Genres`` (or ``genre``, ``" Title"``)
fitted without its genres, and the items' text quietly lost them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model

RNG = np.random.default_rng(0)
USERS, ITEMS = RNG.integers(0, 20, 150), RNG.integers(0, 12, 150)
TITLES = [f"film {i} about {'space' if i % 2 else 'love'}" for i in range(12)]
GENRES = ["Drama|War" if i % 3 else "Comedy" for i in range(12)]


def _data(**columns) -> Interactions:
    table = pd.DataFrame({"item_id": np.arange(12), **columns})
    return Interactions.from_arrays(USERS, ITEMS, item_table=table)


@pytest.mark.parametrize("column", ["Genres", "genre", "GENRES", " genres "])
def test_content_refuses_a_genres_column_named_another_way(column):
    with pytest.raises(RecstackError, match=rf"column {column!r} but no 'genres'.*rename it "
                                            r"to 'genres'"):
        create_model("content").fit(_data(title=TITLES, **{column: GENRES}))


def test_two_tower_refuses_a_title_column_named_another_way():
    pytest.importorskip("torch")
    with pytest.raises(RecstackError, match=r"two_tower: the item table has a column 'Title' "
                                            r"but no 'title'"):
        create_model("two_tower", dim=4, hidden=8, epochs=1, device="cpu").fit(
            _data(Title=TITLES, genres=GENRES))


def test_exact_names_and_unrelated_columns_are_read_as_before():
    model = create_model("content").fit(_data(title=TITLES, genres=GENRES,
                                              title_id=np.arange(12), year=2000))
    assert model.text_columns_.tolist() == ["title", "genres"]
    assert "genre_comedy" in model.vocabulary_.tolist()
