"""Sixth bad-input probe, item text for the content models: item rows naming a column twice
failed inside ``content.score_new_items`` with "'DataFrame' object has no attribute 'str'"
(the two-tower model read one of the two columns without a word), and a missing genre
inside a genre list (a Parquet list holding a null, a NaN) became the token
``genre_none``/``genre_nan``, which made every item missing a genre similar to every other."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model


def _data(genres) -> Interactions:
    table = pd.DataFrame({"item_id": [0, 1, 2, 3], "title": ["Alien", "Heat", "Up", "Jaws"],
                          "genres": genres})
    users = np.array([0, 0, 1, 1, 2, 2, 3, 3])
    items = np.array([0, 1, 1, 2, 2, 3, 3, 0])
    return Interactions.from_arrays(users, items, item_table=table)


@pytest.mark.parametrize(("name", "params", "method"), [
    # named as the method called (item_vectors / embed_items, which it uses, were named)
    ("content", {}, "score_new_items"),
    ("two_tower", {"dim": 4, "hidden": 8, "epochs": 1, "device": "cpu"}, "score_new_items"),
])
def test_item_rows_naming_a_column_twice_are_refused(name, params, method):
    model = create_model(name, **params).fit(_data(["Drama", "Crime", "Comedy", "Horror"]))
    rows = pd.DataFrame([["Brazil", "Kes", "Drama"]], columns=["title", "title", "genres"])
    with pytest.raises(RecstackError, match=rf"{name}: {method}: the item rows name column "
                                            r"'title' twice \(positions 0 and 1\); give each "
                                            r"column once"):
        model.score_new_items([0], rows)


@pytest.mark.parametrize("missing", [None, np.nan, pd.NA])
def test_a_missing_genre_inside_a_list_is_no_genre(missing):
    # items 0 and 2 share nothing but a missing genre: by their text they are unrelated
    genres = [["Drama", missing], ["Crime"], ["Comedy", missing], ["Horror"]]
    model = create_model("content").fit(_data(genres))
    features = model.item_features_.toarray()
    assert float(features[0] @ features[2]) == 0.0
    assert all("none" not in term and "nan" not in term for term in model.vocabulary_)
