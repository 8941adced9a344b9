"""The content model's new-item methods as a user calls them from the README: a table of no
rows, and a table that leaves out one of the text columns the model was fitted on."""

import re

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model
from recstack.models.text_features import item_documents

CATALOG = pd.DataFrame({
    "item_id": ["space1", "space2", "laugh1", "laugh2"],
    "title": ["Star Voyage", "Galaxy Rangers", "Wedding Chaos", "Office Pranks"],
    "genres": [["Sci-Fi"], ["Sci-Fi", "Action"], ["Comedy"], ["Comedy"]],
    "description": ["A crew lost in deep space.", "Rangers patrol space lanes.",
                    "A wedding goes wrong.", "Coworkers play pranks."],
})


@pytest.fixture(scope="module")
def content_model():
    data = Interactions.from_arrays(["fan", "fan", "joker", "joker"],
                                    ["space1", "space2", "laugh1", "laugh2"],
                                    [1.0, 1.0, 1.0, 1.0], item_table=CATALOG)
    return create_model("content").fit(data)


def test_no_new_items_give_no_columns_instead_of_a_traceback(content_model):
    # built as a user builds it, its empty columns are of float dtype, not text
    empty = pd.DataFrame({"title": [], "genres": [], "description": []})
    vectors = content_model.item_vectors(item_table=empty)
    assert vectors.shape == (0, content_model.item_features_.shape[1])
    scores = content_model.score_new_items(users=["fan", "joker"], item_table=empty)
    assert scores.shape == (2, 0)
    assert item_documents(empty, ["title", "genres", "description"]) == []


def test_documents_join_the_columns_with_genre_tokens():
    table = pd.DataFrame({"title": ["Star Voyage", None],
                          "genres": [["Sci-Fi", "Action"], "Comedy|Drama"]})
    assert item_documents(table, ["title", "genres"]) == [
        "Star Voyage genre_sci_fi genre_action", " genre_comedy genre_drama"]


def test_a_left_out_text_column_is_refused_with_the_table_to_write(content_model):
    new = pd.DataFrame({"title": ["Star Voyage"], "genres": [["Sci-Fi"]]})
    for method, call in (
            ("item_vectors", lambda table: content_model.item_vectors(item_table=table)),
            ("score_new_items", lambda table: content_model.score_new_items(
                users=["fan"], item_table=table))):
        with pytest.raises(RecstackError, match=re.escape(
                f"content: {method}: item_table lacks the column(s) ['description']")) as error:
            call(new)
        assert "item_table.assign(description=None)" in str(error.value)
        # the remedy as written works: the item is placed by its title and genre
        assert np.all(np.isfinite(np.asarray(
            call(new.assign(description=None)).todense()
            if method == "item_vectors" else call(new.assign(description=None)))))



def test_one_items_row_as_a_series_is_told_the_one_row_table(content_model):
    table = CATALOG.set_index("item_id")
    with pytest.raises(RecstackError, match=re.escape("table.loc[[item]]")):
        content_model.item_vectors(item_table=table.loc["space1"])
    # both remedies it names give that row's vector (its fitted one, the text being the same)
    row = content_model.items_.to_index(["space1"])[0]
    fitted = content_model.item_features_[[row]].toarray()
    for remedy in (table.loc[["space1"]], table.loc["space1"].to_frame().T):
        np.testing.assert_allclose(content_model.item_vectors(item_table=remedy).toarray(),
                                   fitted, rtol=1e-6, atol=1e-7)


def test_rows_as_dicts_are_told_to_build_a_table(content_model):
    rows = [{"title": "Star Voyage", "genres": "Sci-Fi", "description": None}]
    with pytest.raises(RecstackError, match=re.escape("pandas.DataFrame(...)")):
        content_model.score_new_items(users=["fan"], item_table=rows)


def test_multiindex_columns_are_told_to_flatten_not_to_add_columns(content_model):
    nested = pd.concat({"catalog": CATALOG.drop(columns="item_id")}, axis=1)
    with pytest.raises(RecstackError, match=re.escape("columns are a MultiIndex")) as error:
        content_model.item_vectors(item_table=nested)
    assert "lacks the column" not in str(error.value)
    flat = content_model.item_vectors(item_table=nested.droplevel(0, axis=1))
    assert flat.shape[0] == len(CATALOG)
