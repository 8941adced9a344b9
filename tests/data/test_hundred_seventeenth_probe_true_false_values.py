"""True/false where values belong is refused by one rule in every entry point: numpy made
``from_arrays``' booleans the ratings 1.0 and 0.0 (a False row became an interaction of
weight 0) while a Parquet boolean column and a CSV file's ``true`` were refused, each in its
own words."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.data.files import load_table
from recstack.data.interactions import Interactions
from recstack.errors import DataFormatError

_ADVICE = r"\(expected numbers; true/false is no rating or weight"


@pytest.mark.parametrize("values", [np.array([True, False]), [True, False], [2.0, True],
                                    (np.True_, 1.0), np.array([1.0, True], dtype=object)],
                         ids=["array", "list", "list-mixed", "numpy-bool", "objects"])
def test_from_arrays_refuses_true_false_values(values):
    with pytest.raises(DataFormatError, match=r"column 'value': holds true/false values, .*"
                                              + _ADVICE):
        Interactions.from_arrays(["a", "b"], ["x", "y"], values)


@pytest.mark.parametrize("column", [
    pd.Series([True, False]), pd.array([True, None], dtype="boolean"),
    pd.Series([1.5, True], dtype=object), pd.Series([True, False], dtype="bool[pyarrow]")],
    ids=["bool", "nullable", "objects", "arrow"])
def test_from_frame_refuses_true_false_values(column):
    frame = pd.DataFrame({"user_id": ["a", "b"], "item_id": ["x", "y"], "rating": column})
    with pytest.raises(DataFormatError, match=r"column 'rating': holds true/false values"):
        Interactions.from_frame(frame, value_col="rating")


def test_with_values_refuses_true_false():
    data = Interactions.from_arrays(["a", "b"], ["x", "y"])
    with pytest.raises(DataFormatError, match="holds true/false values"):
        data.with_values(np.array([True, False]))


def test_numbers_still_pass():
    data = Interactions.from_arrays(["a", "b"], ["x", "y"], [1, 2.5])
    assert data.value.tolist() == [1.0, 2.5]


def test_true_false_times_in_a_list_are_refused():
    # numpy made [5, True] the times 5 and 1 (the second 1 of 1970)
    with pytest.raises(DataFormatError, match=r"column 'timestamp': holds true/false values, "
                                              r"row 1 holds True \(expected Unix seconds"):
        Interactions.from_arrays(["a", "b"], ["x", "y"], timestamps=[5, True])


def test_parquet_boolean_values_are_refused_by_the_same_rule(tmp_path):
    path = tmp_path / "clicks.parquet"
    pq.write_table(pa.table({"user_id": ["a", "b"], "item_id": ["x", "y"],
                             "rating": [True, False]}), path)
    with pytest.raises(DataFormatError, match=r"clicks\.parquet: column 'rating': holds "
                                              r"true/false values, row 1 holds True "
                                              + _ADVICE):
        load_table(path)


@pytest.mark.parametrize("word", ["true", "False", "TRUE"])
def test_csv_true_false_values_say_what_they_are(tmp_path, word):
    path = tmp_path / "clicks.csv"
    path.write_text(f"user_id,item_id,rating\na,x,{word}\n")
    with pytest.raises(DataFormatError, match=rf"clicks\.csv:2: column 'rating': found "
                                              rf"'{word}', a true/false value, which is no "
                                              r"rating or weight: .*value_col=None"):
        load_table(path)


def test_csv_true_false_rows_read_as_implicit_feedback_when_asked(tmp_path):
    path = tmp_path / "clicks.csv"
    path.write_text("user_id,item_id,rating\na,x,true\n")
    assert load_table(path, value_col=None).value.tolist() == [1.0]
