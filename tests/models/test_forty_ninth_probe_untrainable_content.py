"""Forty-ninth bad-input probe, content that cannot train: a two-tower fit on rows of a
single item (one row, say) has no in-batch negatives, so its loss is 0 and it learns
nothing, and it returned its untrained lists without a word; the content model's "empty
vocabulary" refusal for all-empty or missing titles named no item-table column."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model

TWO_TOWER = {"dim": 4, "hidden": 8, "epochs": 1, "batch_size": 4, "device": "cpu"}


def _untrained_warnings(caught):
    return [w for w in caught if issubclass(w.category, RuntimeWarning)
            and "learns nothing" in str(w.message)]


@pytest.mark.parametrize(("users", "items", "rows"), [
    ([0], [0], 1),                  # a single row
    ([0, 1, 2], [3, 3, 3], 3),      # several rows, all of one item
])
def test_two_tower_on_one_item_warns_that_it_learns_nothing(users, items, rows):
    data = Interactions.from_arrays(users, items)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = create_model("two_tower", **TWO_TOWER).fit(data)
    found = _untrained_warnings(caught)
    assert len(found) == 1
    assert str(found[0].message).startswith(
        f"two_tower: the {rows} training row(s) hold 1 distinct item(s)")
    assert model.is_fitted


def test_two_tower_on_two_items_does_not_warn():
    data = Interactions.from_arrays([0, 0, 1, 1, 2, 2, 3, 3], [0, 1, 1, 2, 2, 3, 3, 0])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        create_model("two_tower", **(TWO_TOWER | {"epochs": 20, "learning_rate": 0.02})
                     ).fit(data)
    assert not _untrained_warnings(caught)


@pytest.mark.parametrize("titles", [["", "", ""], [None, None, None], [np.nan] * 3,
                                    ["  ", "", None]])
def test_content_names_the_empty_title_column(titles):
    table = pd.DataFrame({"item_id": [0, 1, 2], "title": titles})
    data = Interactions.from_arrays([0, 0, 1], [0, 1, 2], item_table=table)
    with pytest.raises(RecstackError, match=r"^content: cannot build TF-IDF features from "
                                            r"the item table's column 'title' \(3 of 3 rows "
                                            r"empty or missing\): .*; fill in those columns, "
                                            r"or set interaction_weight > 0"):
        create_model("content").fit(data)


def test_content_names_each_column_read_and_the_min_df_given():
    table = pd.DataFrame({"item_id": [0, 1, 2], "title": ["the", "of", ""],
                          "genres": [None, None, None]})
    data = Interactions.from_arrays([0, 0, 1], [0, 1, 2], item_table=table)
    with pytest.raises(RecstackError, match=r"columns 'title' \(1 of 3 rows empty or "
                                            r"missing\), 'genres' \(3 of 3 rows empty or "
                                            r"missing\): .*lower min_df \(now 2\)"):
        create_model("content", min_df=2).fit(data)
