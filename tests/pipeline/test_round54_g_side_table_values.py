"""Side-table and context values the feature builder could not read, found by walking the
README's two-stage section with an item table as a user builds one by hand.

A column of lists where some rows hold their one label as text was a TypeError
("unhashable type: 'list'") from inside pandas, as was a column of dicts or sets; a label
that is itself a list became a level named by its repr. A table missing half of its items'
rows took its titles (one per item) as a categorical feature, where the whole table left
them out as names. A column mixing numbers with numbers written as text became levels
without the warning a column of texts of numbers gets. Levels are written out by hand:
sorted, with code 0 the unknown level."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import DataFormatError
from recstack.pipeline.features import FeatureBuilder

N_ITEMS = 8


def logged(item_table: pd.DataFrame | None = None,
           context: pd.DataFrame | None = None) -> Interactions:
    users = np.array([0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 0, 1, 2, 3])
    items = np.array([0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7])
    times = 1_700_000_000 + 3600 * np.arange(len(users))
    return Interactions.from_arrays(users, items, None, times, item_table=item_table,
                                    context=context)


def table(**columns) -> pd.DataFrame:
    return pd.DataFrame({"item_id": np.arange(N_ITEMS)} | columns)


def fitted(data: Interactions, **options) -> FeatureBuilder:
    return FeatureBuilder(**options).fit(data, ["pop"], 3)


def column_of(builder: FeatureBuilder, name: str):
    return next(column for column in builder.columns_ if column.column == name)


def test_lists_beside_single_labels_as_text_are_one_multi_valued_column():
    tags = [["Action", "Comedy"], "Drama", ["Drama"], None, "Comedy|Horror", [], "Action",
            ["Horror"]]
    builder = fitted(logged(table(tags=tags)), item_columns=["tags"])
    tags_column = column_of(builder, "tags")
    assert tags_column.role == "multi"
    assert tags_column.levels == ("Action", "Comedy", "Drama", "Horror")
    assert dict(zip(builder.schema_.names, [f.cardinality for f in builder.schema_.features],
                    strict=True))["item_tags"] == 5


def test_auto_takes_a_mixed_list_column_as_multi_valued():
    tags = ["Drama", ["Action", "Comedy"]] * (N_ITEMS // 2)
    builder = fitted(logged(table(tags=tags)))
    assert column_of(builder, "tags").levels == ("Action", "Comedy", "Drama")


@pytest.mark.parametrize(("value", "shown", "kind"), [
    ({"genre": "Drama"}, "{'genre': 'Drama'}", "dict"),
    ({"Drama"}, "{'Drama'}", "set"),
    (["Drama", ["Action"]], "['Action']", "list inside the list"),
])
def test_values_of_no_level_are_refused_naming_column_and_item(value, shown, kind):
    tags = pd.Series(["Drama"] * N_ITEMS, dtype=object)
    tags[5] = value
    with pytest.raises(DataFormatError) as caught:
        fitted(logged(table(tags=tags)), item_columns=["tags"])
    message = str(caught.value)
    assert message.startswith(f"features: item table column 'tags' holds {shown} ({kind}")
    assert "item 5)" in message and "list of its labels" in message


def test_auto_refuses_a_set_column_too():
    tags = [{"Drama"}, {"Action", "Comedy"}] * (N_ITEMS // 2)
    with pytest.raises(DataFormatError, match="item table column 'tags' holds {'Drama'}"):
        fitted(logged(table(tags=tags)))


def test_context_column_of_dicts_is_refused_naming_row():
    pages = [{"page": "home"} if row == 3 else "home" for row in range(16)]
    data = logged(context=pd.DataFrame({"page": pd.Series(pages, dtype=object)}))
    with pytest.raises(DataFormatError, match=r"context column 'page' holds "
                                              r"\{'page': 'home'\} \(dict, row 3\)"):
        fitted(data, context_columns=["page"])


def test_titles_of_a_table_missing_rows_are_left_out_as_in_a_whole_table():
    titles = [f"Film {item}" for item in range(N_ITEMS)]
    # two studios over the rows present: a category, which stays
    studios = ["North", "South"] * (N_ITEMS // 2)
    whole = fitted(logged(table(title=titles, studio=studios)))
    partial = fitted(logged(table(title=titles, studio=studios).iloc[:4]))
    for builder in (whole, partial):
        assert "item_title" not in builder.schema_.names
        assert column_of(builder, "studio").levels == ("North", "South")


def test_numbers_mixed_with_numbers_as_text_warn_as_texts_of_numbers_do():
    years = [1999, "2001", 1987, "1990", 2005, 1999, "2001", 1987]
    with pytest.warns(UserWarning, match=r"the item table column 'year' holds numbers "
                                         r"written as text \(such as '2001'\)"):
        builder = fitted(logged(table(year=pd.Series(years, dtype=object))),
                         item_columns=["year"])
    assert column_of(builder, "year").levels == ("1987", "1990", "1999", "2001", "2005")


def test_codes_of_text_alone_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fitted(logged(table(studio=["North", "South"] * (N_ITEMS // 2))))
