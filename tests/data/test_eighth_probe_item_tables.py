"""Eighth probe, item tables handed to ``from_arrays``/``from_frame``: a table keyed by its
index (``items.set_index('item_id')``) had its first column, the titles, taken for the key;
and a table sharing no key with the interactions gave every item an empty row, both
without a word."""

import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import DataFormatError


def test_a_table_indexed_by_item_id_is_keyed_by_it():
    items = pd.DataFrame({"title": ["Heat", "Ran"]}, index=pd.Index([10, 20], name="item_id"))
    data = Interactions.from_arrays([1, 2], [20, 10], item_table=items)
    table = data.item_table
    assert dict(zip(table["item_id"], table["title"], strict=True)) == {10: "Heat", 20: "Ran"}


@pytest.mark.parametrize(("items", "column", "keys"), [
    # keyed by another numbering (row numbers instead of the movie ids)
    (pd.DataFrame({"item_id": [0, 1], "title": ["Heat", "Ran"]}), "item_id", r"\[0, 1\]"),
    # no item_id column and the titles first: the titles were taken for the keys
    (pd.DataFrame({"title": ["Heat", "Ran"], "movie": [10, 20]}), "title",
     r"\['Heat', 'Ran'\]"),
])
def test_a_table_sharing_no_key_with_the_interactions_is_refused(items, column, keys):
    with pytest.raises(DataFormatError, match=rf"none of the side table's 2 keys in column "
                                              rf"'{column}' \(e\.g\. {keys}\) is one of the 2 "
                                              r"ids of the interactions \(e\.g\. \[10, 20\]\)"):
        Interactions.from_arrays([1, 2], [10, 20], item_table=items)
    # a table covering some of the items still leaves the others empty, as before
    partial = pd.DataFrame({"item_id": [10, 30], "title": ["Heat", "Alien"]})
    aligned = Interactions.from_arrays([1, 2], [10, 20], item_table=partial).item_table
    assert aligned["title"].tolist() == ["Heat", None]
