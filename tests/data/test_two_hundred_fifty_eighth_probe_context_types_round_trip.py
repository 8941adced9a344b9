"""save_table / write_partitioned then load_table / read_partitioned keep the pandas types
of the context columns: nullable booleans, Float64, string, and categories of numbers or
true/false (with their order and unused categories); categories a file cannot keep are
refused naming the column."""

import json

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from recstack.data.files import CATEGORIES_KEY, load_table, save_table
from recstack.data.interactions import Interactions
from recstack.data.partitioned import read_partitioned, write_partitioned
from recstack.errors import DataFormatError

DAY = 86_400


def _data(context):
    return Interactions.from_arrays([1, 2, 3], [4, 5, 6],
                                    timestamps=[10**9, 10**9 + 40 * DAY, 10**9 + 80 * DAY],
                                    context=context)


CONTEXTS = {
    "boolean": pd.DataFrame({"c": pd.array([True, None, False], dtype="boolean")}),
    "Float64": pd.DataFrame({"c": pd.array([1.5, None, 2.0], dtype="Float64")}),
    "string": pd.DataFrame({"c": pd.array(["a", None, "b"], dtype="string")}),
    "int categories": pd.DataFrame({"c": pd.Categorical([1, 2, 1])}),
    "ordered int categories, one unused": pd.DataFrame(
        {"c": pd.Categorical([3, 1, None], categories=[3, 2, 1], ordered=True)}),
    "float categories": pd.DataFrame(
        {"c": pd.Categorical([1.5, np.inf, 1.5], categories=[np.inf, 1.5, -0.5])}),
    "bool categories": pd.DataFrame({"c": pd.Categorical([True, False, True])}),
}


@pytest.mark.parametrize("name", list(CONTEXTS))
def test_save_table_keeps_the_context_types(tmp_path, name):
    data = _data(CONTEXTS[name])
    save_table(data, tmp_path / "log.parquet")
    back = load_table(tmp_path / "log.parquet").context
    assert back["c"].dtype == data.context["c"].dtype
    pd.testing.assert_frame_equal(back, data.context)


@pytest.mark.parametrize("name", list(CONTEXTS))
def test_write_partitioned_keeps_the_context_types(tmp_path, name):
    data = _data(CONTEXTS[name])
    write_partitioned(data, tmp_path / "log")
    back = read_partitioned(tmp_path / "log").context
    pd.testing.assert_frame_equal(back, data.context)


def test_categories_worked_by_hand(tmp_path):
    data = _data(CONTEXTS["ordered int categories, one unused"])
    save_table(data, tmp_path / "log.parquet")
    column = load_table(tmp_path / "log.parquet").context["c"]
    # categories 3 < 2 < 1 as written, 2 unused; the third row missing
    assert column.cat.categories.tolist() == [3, 2, 1]
    assert column.cat.ordered
    assert column.cat.codes.tolist() == [0, 2, -1]
    assert column.iloc[0] > column.iloc[1]  # 3 ranks below 1 in this order


def test_categories_a_file_cannot_keep_are_refused_naming_the_column(tmp_path):
    data = _data(pd.DataFrame({"day": pd.Categorical(
        pd.to_datetime(["2020-01-01", "2020-01-02", "2020-01-01"]))}))
    with pytest.raises(DataFormatError, match=r"column 'day': not written: the context "
                                              r"column is categorical with categories of "
                                              r"datetime64") as caught:
        save_table(data, tmp_path / "log.parquet")
    assert "astype(str)" in str(caught.value)
    assert not list(tmp_path.iterdir())  # nothing written


def test_hand_edited_categories_that_miss_a_value_are_refused(tmp_path):
    save_table(_data(CONTEXTS["int categories"]), tmp_path / "log.parquet")
    table = pq.read_table(tmp_path / "log.parquet")
    edited = {**table.schema.metadata, CATEGORIES_KEY: json.dumps(
        {"c": {"kind": "int", "categories": [1], "ordered": False}}).encode()}
    pq.write_table(table.replace_schema_metadata(edited), tmp_path / "edited.parquet")
    with pytest.raises(DataFormatError, match=r"edited.parquet: column 'c': row 2 holds 2, "
                                              r"none of the categories"):
        load_table(tmp_path / "edited.parquet")
