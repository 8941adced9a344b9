"""Tables given where one column or one DataFrame is expected. A numpy structured array given
to ``from_arrays`` as a column was read row by row ("the value at position 0 is
np.void((1, 10, 5.0), ...)", or "holds [('user_id', '<i8'), ...] values"); given to
``from_frame`` it was "not ndarray; use from_arrays for columns", which is the wrong
remedy. A frame whose columns have two levels was "no column 'user_id'" among tuples. Each
is now refused saying what was given and the conversion to use. Pandas categorical and Arrow
dictionary id columns keep only the ids used (unused categories are no users)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from recstack.data import Interactions
from recstack.errors import ConfigError, DataFormatError

TABLE = np.array([(1, 10, 5.0), (2, 20, 3.0)],
                 dtype=[("user_id", "i8"), ("item_id", "i8"), ("value", "f8")])


def test_a_structured_array_given_to_from_frame_says_to_make_a_frame():
    with pytest.raises(ConfigError, match=r"^from_frame needs a pandas DataFrame, not a numpy "
                                          r"structured array \(fields \['user_id', 'item_id', "
                                          r"'value'\]\); pass pandas.DataFrame\(array\)"):
        Interactions.from_frame(TABLE)
    # the remedy works
    data = Interactions.from_frame(pd.DataFrame(TABLE))
    assert data.to_frame()[["user_id", "item_id"]].values.tolist() == [[1, 10], [2, 20]]


@pytest.mark.parametrize(("given", "remedy"), [
    (pa.table({"user_id": [1], "item_id": [2]}), r"pass table.to_pandas\(\)"),
    ({"user_id": [1], "item_id": [2]}, r"pass pandas.DataFrame\(columns\)"),
])
def test_other_tables_given_to_from_frame_name_their_conversion(given, remedy):
    with pytest.raises(ConfigError, match=rf"^from_frame needs a pandas DataFrame, not "
                                          rf"\w+; {remedy}"):
        Interactions.from_frame(given)


@pytest.mark.parametrize("role", ["users", "items", "values", "timestamps"])
def test_a_structured_array_given_as_one_column_is_refused_naming_it(role):
    columns = {"users": TABLE["user_id"], "items": TABLE["item_id"]}
    if role in ("users", "items"):
        columns[role] = TABLE
        with pytest.raises(DataFormatError, match=r"is a numpy structured array of fields "
                                                  r"\['user_id', 'item_id', 'value'\], not one "
                                                  r"column .*one field, e.g. array\["):
            Interactions.from_arrays(columns["users"], columns["items"])
    else:
        with pytest.raises(DataFormatError, match=r"is a numpy structured array of fields"):
            Interactions.from_arrays(columns["users"], columns["items"], **{role: TABLE})


def test_a_frame_of_two_column_levels_is_refused_with_how_to_flatten():
    frame = pd.DataFrame([[1, 10, 1.0], [2, 20, 2.0]], columns=pd.MultiIndex.from_tuples(
        [("log", "user_id"), ("log", "item_id"), ("log", "value")]))
    with pytest.raises(ConfigError, match=r"^from_frame: the frame's columns have 2 levels "
                                          r"\(e.g. \('log', 'user_id'\)\), so no column is "
                                          r"named 'user_id'.*droplevel"):
        Interactions.from_frame(frame)
    assert Interactions.from_frame(frame.droplevel(0, axis=1)).n_users == 2


def test_unused_categories_and_dictionary_entries_are_no_ids():
    frame = pd.DataFrame({
        "user_id": pd.Categorical(["a", "b", "a"], categories=["zz", "a", "b"]),
        "item_id": pd.Series(pa.array([3, 1, 3]).dictionary_encode().to_pandas(
            types_mapper=pd.ArrowDtype)),
        "value": [1.0, 2.0, 3.0]})
    frame["item_id"] = frame["item_id"].astype(pd.CategoricalDtype([1, 2, 3, 4]))
    data = Interactions.from_frame(frame)
    # two users and two items were used; "zz", 2 and 4 never appear in a row
    assert sorted(data.users.external_ids.tolist()) == ["a", "b"]
    assert sorted(data.items.external_ids.tolist()) == [1, 3]
    assert data.to_frame()[["user_id", "item_id"]].values.tolist() == [
        ["a", 3], ["b", 1], ["a", 3]]
