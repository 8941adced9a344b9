"""Three-hundred-eleventh probe: a side table keeps its columns' kinds when it lacks an id.

When an item or user table had no row for some id of the interactions, every column of the
aligned table became an object column of None: the feature builder then read a numeric
``age`` as categories (or left it out as id-like) without a word. Now each column keeps
its kind: integers become pandas' nullable integers of the same width (as the side-table
readers hold integers with a gap), floats hold NaN, flags the nullable ``boolean``, times
NaT, categories keep their categories, text stays objects with None, in every path that
aligns a table. A flag column with a gap in a CSV or Parquet file is read as ``boolean``
too (it was objects, categories where the same column without the gap is a number)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.data.files import save_table
from recstack.data.interactions import Interactions
from recstack.data.side_table import read_side_table
from recstack.data.sources import DATASET_INTERACTIONS, DATASET_ITEMS, load_source
from recstack.data.splits import random_split
from recstack.experiment import combine_parts
from recstack.pipeline.candidates import Candidates
from recstack.pipeline.features import FeatureBuilder

DAY = 86_400
USERS, ITEMS = [1, 2, 3, 1, 2, 3], ["a", "b", "a", "c", "c", "b"]
FULL = pd.DataFrame({"user_id": [1, 2, 3], "age": [20, 30, 40]})
LACKING = FULL.iloc[[0, 2]]  # no row for user 2


def _data(user_table=None, **options) -> Interactions:
    return Interactions.from_arrays(USERS, ITEMS, None, np.arange(6) * DAY,
                                    user_table=user_table, **options)


def _ages(table: pd.DataFrame) -> list:
    assert str(table["age"].dtype) == "Int64"  # was object
    return table["age"].tolist()


# (column, dtype of the aligned column, its values for users 1, 2, 3)
KINDS = [
    (np.array([20, 30, 40]), "Int64", [20, pd.NA, 40]),
    (np.array([1, 2, 3], np.int8), "Int8", [1, pd.NA, 3]),
    (np.array([1, 2, 3], np.uint16), "UInt16", [1, pd.NA, 3]),
    (np.array([1.5, 2.5, 3.5]), "float64", [1.5, None, 3.5]),
    (np.array([1.5, 2.5, 3.5], np.float32), "float32", [1.5, None, 3.5]),
    (np.array([True, False, True]), "boolean", [True, pd.NA, True]),
    (pd.array([1, None, 3], "Int64"), "Int64", [1, pd.NA, 3]),
    (pd.array(["x", "y", "z"], "string"), "string", ["x", pd.NA, "z"]),
    (pd.to_datetime(["2020-01-01", "2020-01-02", "2020-01-03"]), "datetime64[us]",
     [pd.Timestamp("2020-01-01"), pd.NaT, pd.Timestamp("2020-01-03")]),
    (pd.to_timedelta([1, 2, 3], "D"), "timedelta64[us]",
     [pd.Timedelta(days=1), pd.NaT, pd.Timedelta(days=3)]),
]


@pytest.mark.parametrize(("column", "dtype", "values"), KINDS)
def test_each_kind_of_column_keeps_its_kind_for_an_id_without_a_row(column, dtype, values):
    table = pd.DataFrame({"user_id": [1, 2, 3], "c": column}).iloc[[0, 2]]
    for aligned in (_data(table).user_table, _data().with_user_table(table).user_table):
        assert str(aligned["c"].dtype) == dtype  # was object
        got = aligned["c"].tolist()
        assert got[0] == values[0] and got[2] == values[2]
        assert pd.isna(got[1])
        assert aligned["user_id"].tolist() == [1, 2, 3]


def test_categories_and_text_keep_their_kinds():
    table = pd.DataFrame({"user_id": [1, 2, 3], "band": pd.Categorical(["p", "q", "p"]),
                          "job": ["x", "y", "z"],
                          "mixed": pd.Series([1, "a", 2], dtype=object)}).iloc[[0, 2]]
    aligned = _data(table).user_table
    assert isinstance(aligned["band"].dtype, pd.CategoricalDtype)
    assert aligned["band"].cat.categories.tolist() == ["p", "q"]  # q is kept as a category
    assert aligned["band"].isna().tolist() == [False, True, False]
    # text and a column that was objects from the start: objects with None, as before
    assert aligned["job"].dtype == object and aligned["job"].tolist() == ["x", None, "z"]
    assert aligned["mixed"].dtype == object and aligned["mixed"].tolist() == [1, None, 2]


def test_a_complete_table_keeps_its_plain_numpy_kinds():
    aligned = _data(FULL.iloc[[2, 0, 1]]).user_table
    assert aligned["age"].dtype == np.int64 and aligned["age"].tolist() == [20, 30, 40]


def test_a_table_of_no_rows_keeps_its_kinds():
    aligned = _data(pd.DataFrame({"user_id": np.array([], np.int64),
                                  "age": np.array([], np.int64),
                                  "height": np.array([], np.float64)})).user_table
    assert str(aligned["age"].dtype) == "Int64" and aligned["age"].isna().all()
    assert aligned["height"].dtype == np.float64 and aligned["height"].isna().all()
    assert len(aligned) == 3


def test_the_kind_survives_subsets_and_splits():
    data = _data(LACKING)
    assert _ages(data.user_table) == [20, pd.NA, 40]
    assert _ages(data.for_users(np.array([0, 1])).compact().user_table) == [20, pd.NA]
    split = random_split(data, 0.5, seed=0)
    assert _ages(split.train.user_table) == [20, pd.NA, 40]
    assert _ages(split.test.user_table) == [20, pd.NA, 40]


def test_keep_unseen_items_keeps_the_kind_of_the_item_table():
    items = pd.DataFrame({"item_id": ["a", "b", "z"], "year": [1999, 2000, 2001]})
    data = Interactions.from_arrays(USERS, ITEMS, item_table=items, keep_unseen_items=True)
    # items a, b, c, z: c has no row
    assert str(data.item_table["year"].dtype) == "Int64"
    assert data.item_table["year"].tolist() == [1999, 2000, pd.NA, 2001]


def test_parquet_round_trips_keep_the_kind(tmp_path):
    aligned = _data(LACKING).user_table
    path = tmp_path / "users.parquet"
    pq.write_table(pa.Table.from_pandas(aligned, preserve_index=False), path)
    back = read_side_table(path, what="users file", key="user_id")
    assert _ages(_data().with_user_table(back).user_table) == [20, pd.NA, 40]
    # a dataset folder whose items.parquet was written from an aligned table
    items = pd.DataFrame({"item_id": ["a", "b"], "year": [1999, 2001]})
    data = Interactions.from_arrays(USERS, ITEMS, item_table=items)
    save_table(data, tmp_path / DATASET_INTERACTIONS)
    pq.write_table(pa.Table.from_pandas(data.item_table, preserve_index=False),
                   tmp_path / DATASET_ITEMS)
    loaded = load_source(str(tmp_path)).item_table
    assert str(loaded["year"].dtype) == "Int64"
    assert loaded["year"].tolist() == [1999, 2001, pd.NA]


def test_joined_parts_keep_the_kind():
    # combine_parts joins the parts' tables and aligns them with from_arrays
    train = Interactions.from_arrays([1, 2, 3], ["a", "b", "a"], user_table=LACKING)
    test = Interactions.from_arrays([1, 3], ["b", "b"], user_table=LACKING)
    split = combine_parts({"train": train, "test": test})
    assert _ages(split.train.user_table) == [20, pd.NA, 40]


def _user_features(data: Interactions) -> pd.DataFrame:
    builder = FeatureBuilder(user_columns="auto", item_columns=[]).fit(data, ("a",), 2)
    assert [(c.column, c.role) for c in builder.columns_] == [("age", "numeric")]
    # (u1, a), (u2, b), (u3, c) by index
    candidates = Candidates(np.array([0, 1, 2]), np.array([0, 1, 2]),
                            np.array([[0.9], [0.5], [0.1]], np.float32),
                            np.array([[1], [2], [1]], np.float32), ("a",), 2)
    frame = builder.build(candidates, builder.statistics(data, 10 * DAY)).to_pandas()
    return frame["user_age"]


def test_the_feature_builder_reads_the_age_as_a_number():
    # was: age read as categories 20 and 40 (2 levels of 3 rows: left out as id-like)
    complete = _user_features(_data(FULL))
    lacking = _user_features(_data(LACKING))
    assert complete.tolist() == [20.0, 30.0, 40.0]
    assert lacking.iloc[[0, 2]].tolist() == [20.0, 40.0]
    assert np.isnan(lacking.iloc[1])


def test_a_flag_column_with_a_gap_is_read_as_boolean(tmp_path):
    csv = tmp_path / "items.csv"
    csv.write_text("item_id,new,title\n1,True,a\n2,,b\n3,False,c\n")
    table = read_side_table(csv)
    assert str(table["new"].dtype) == "boolean"  # was object
    assert table["new"].tolist() == [True, pd.NA, False]
    assert table["title"].tolist() == ["a", "b", "c"]
    parquet = tmp_path / "items.parquet"
    pq.write_table(pa.table({"item_id": [1, 2, 3], "new": pa.array([True, None, False])}),
                   parquet)
    table = read_side_table(parquet)
    assert str(table["new"].dtype) == "boolean"  # was object
    assert table["new"].tolist() == [True, pd.NA, False]
    # without a gap: plain numpy flags, as before
    csv.write_text("item_id,new\n1,True\n2,False\n")
    assert read_side_table(csv)["new"].dtype == np.bool_
