"""Item-table text the content models cannot read, refused naming the column and the row.

* A text column (``title``, ``genres``, ``tags``, ``description``) holding an infinite number,
  a table, a set or bytes was read by its Python spelling: ``inf`` became a word every such
  item shared, ``b'Heat'`` the words "b" and "Heat", a table its keys. Refused now, at fit
  and for new item rows, as true/false values already were; NaN and None stay missing text,
  finite numbers stay text ("1917"), and a list of names in a ``tags`` cell is read as those
  names.
* An item table keyed by other ids than the interactions (numbers where they have codes):
  with ``keep_unseen_items=True`` its rows became items of their own, no item with training
  rows had text, and the content model fitted to score every item 0 for every user. It is
  refused, naming items of both kinds.
* An item table whose text has no word the tokeniser keeps (``"1.5"``, ``"a b"``) was told
  "perhaps the documents only contain stop words"; the message now shows what a row reads.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model

N_ITEMS = 12


def interactions(table: pd.DataFrame, *, keep_unseen_items: bool = False) -> Interactions:
    rng = np.random.default_rng(0)
    rows = [(f"u{u}", f"i{i}") for u in range(30) for i in rng.choice(N_ITEMS, 5, replace=False)]
    frame = pd.DataFrame(rows, columns=["user_id", "item_id"])
    return Interactions.from_frame(frame, value_col=None, item_table=table,
                                   keep_unseen_items=keep_unseen_items)


def table(column: str = "title", values=None) -> pd.DataFrame:
    values = values if values is not None else [f"movie word{i % 4} plot{i}"
                                                for i in range(N_ITEMS)]
    return pd.DataFrame({"item_id": [f"i{i}" for i in range(N_ITEMS)], column: values})


def with_cell(column: str, row: int, cell, fill=None) -> pd.DataFrame:
    base = table(column, fill)
    cells = base[column].astype(object).tolist()
    cells[row] = cell
    base[column] = pd.Series(cells, dtype=object)
    return base


@pytest.mark.parametrize(("column", "cell", "says"), [
    ("title", np.inf, "the infinite number inf"),
    ("title", -np.inf, "the infinite number -inf"),
    ("description", b"Heat", r"bytes b'Heat' at row 5 .*decode bytes first"),
    ("title", {"name": "Heat"}, r"dict \{'name': 'Heat'\}"),
    ("tags", {"dark", "funny"}, "set "),
    ("genres", ["Drama", np.inf], "the infinite number inf"),
    ("genres", np.inf, "the infinite number inf"),
    ("tags", ["dark", ["nested"]], r"a nested list \['nested'\]"),
], ids=["inf", "-inf", "bytes", "dict", "set", "inf-in-genre-list", "inf-genre", "nested"])
def test_an_unreadable_text_value_is_refused_naming_column_and_row(column, cell, says):
    data = interactions(with_cell(column, 3, cell))
    with pytest.raises(RecstackError, match=rf"^content: the item table: column '{column}' "
                                            rf"holds {says}") as caught:
        create_model("content").fit(data)
    assert " at row 5 (item 'i3'); " in str(caught.value)  # the rows are in id order


def test_new_item_rows_with_an_infinite_title_are_refused():
    model = create_model("content").fit(interactions(table()))
    rows = pd.DataFrame({"title": ["movie word1", np.inf]})
    with pytest.raises(RecstackError, match=r"^content: item_vectors: the item rows: column "
                                            r"'title' holds the infinite number inf at row 1"):
        model.item_vectors(rows)


def test_missing_and_numeric_text_stay_accepted():
    titles = [f"movie word{i % 4}" for i in range(N_ITEMS)]
    titles[0], titles[1], titles[2] = None, np.nan, 1917
    model = create_model("content").fit(interactions(table("title", titles)))
    assert "1917" in model.vocabulary_.tolist()
    # an item with no text has the zero vector (documented: it scores 0)
    assert model.item_features_[0].nnz == 0 and model.item_features_[1].nnz == 0


def test_a_list_of_tags_is_read_as_its_names():
    tags = [["noir", f"tag{i % 3}"] for i in range(N_ITEMS)]
    model = create_model("content").fit(interactions(table("tags", tags)))
    assert {"noir", "tag0", "tag1", "tag2"} <= set(model.vocabulary_.tolist())
    # the list's spelling is not read: no quote or bracket becomes part of a word
    assert all(term.isalnum() for term in model.vocabulary_.tolist())


def test_an_item_table_keyed_by_other_ids_is_refused():
    numbers = pd.DataFrame({"item_id": np.arange(N_ITEMS),
                            "title": [f"movie word{i}" for i in range(N_ITEMS)]})
    data = interactions(numbers, keep_unseen_items=True)
    with pytest.raises(RecstackError, match=r"^content: none of the 12 items with training rows "
                                            r"\(e\.g\. \['i0', .*only items without training "
                                            r"rows do \(e\.g\. \['0', .*other ids"):
        create_model("content").fit(data)
    # described by their interactions, the same data has something to learn from
    create_model("content", interaction_weight=1.0).fit(data)


def test_some_trained_items_without_text_stay_accepted():
    titles = [None] * N_ITEMS
    titles[5] = "movie words"
    create_model("content").fit(interactions(table("title", titles)))


@pytest.mark.parametrize(("titles", "reads"), [
    (["1.5"] * N_ITEMS, "'1.5'"),
    ([["a", "b"]] * N_ITEMS, "'a b'"),
], ids=["decimal-numbers", "single-letters"])
def test_text_without_a_word_says_what_a_row_reads(titles, reads):
    with pytest.raises(RecstackError, match=rf"empty vocabulary.*row 0 reads {reads}"):
        create_model("content").fit(interactions(table("title", titles)))


def test_two_tower_refuses_an_infinite_title_too():
    pytest.importorskip("torch")
    data = interactions(with_cell("title", 3, np.inf))
    with pytest.raises(RecstackError, match=r"^two_tower: the item table: column 'title' holds "
                                            r"the infinite number inf at row 5 \(item 'i3'\)"):
        create_model("two_tower", epochs=1).fit(data)
