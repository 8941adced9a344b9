"""A CSV header's names lose surrounding spaces (" user_id" is the user_id column), but
a Parquet file's column " user_id" was refused as "'user_id' spelled otherwise", and a
frame's (pd.read_csv of "user_id, item_id") as no column 'user_id': column names now
follow one rule in every format."""

from __future__ import annotations

import pandas as pd
import pytest

from recstack.data.files import load_table
from recstack.data.interactions import Interactions
from recstack.errors import DataFormatError

SPACED = {" user_id": ["u1", "u2"], "item_id ": ["i1", "i2"], "  rating\t": [4.0, 2.0],
          " timestamp ": [10, 20]}


def _expected(data):
    assert data.to_frame().values.tolist() == [["u1", "i1", 4.0, 10], ["u2", "i2", 2.0, 20]]


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_spaced_names_are_found_by_their_trimmed_names_in_every_format(tmp_path, suffix):
    path = tmp_path / f"log{suffix}"
    frame = pd.DataFrame(SPACED)
    frame.to_csv(path, index=False) if suffix == ".csv" else frame.to_parquet(path)
    data = load_table(path, rating_range=(1, 5))
    _expected(data)
    assert data.rating_range == (1.0, 5.0)


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_named_column_is_its_trimmed_name(tmp_path, suffix):
    path = tmp_path / f"log{suffix}"
    frame = pd.DataFrame(SPACED)
    frame.to_csv(path, index=False) if suffix == ".csv" else frame.to_parquet(path)
    data = load_table(path, user_col="user_id", value_col="rating", rating_range=(1, 5))
    _expected(data)


def test_parquet_names_that_are_one_once_trimmed_are_refused(tmp_path):
    path = tmp_path / "log.parquet"
    pd.DataFrame({"user_id": [1], " user_id": [2], "item_id": [3]}).to_parquet(path)
    with pytest.raises(DataFormatError) as refused:
        load_table(path)
    message = str(refused.value)
    assert "names column 'user_id' twice (columns 1 and 2, 'user_id' and ' user_id' once " \
           "surrounding spaces are dropped)" in message


def test_a_frame_with_spaced_names_reads_as_its_csv_does():
    frame = pd.DataFrame(SPACED)
    _expected(Interactions.from_frame(frame, value_col="rating", timestamp_col="timestamp",
                                      rating_range=(1, 5)))
    # the frame itself is left as it was
    assert list(frame.columns) == list(SPACED)


def test_a_frame_holding_both_names_reads_the_exact_one():
    frame = pd.DataFrame({"user_id": ["a"], " user_id": ["b"], "item_id": ["i"]})
    assert Interactions.from_frame(frame).users.to_external([0]).tolist() == ["a"]


def test_a_spaced_context_column_saved_loads_back_by_its_trimmed_name(tmp_path):
    from recstack.data.files import save_table
    frame = pd.DataFrame({"user_id": [1], "item_id": [2], "device ": ["phone"]})
    data = Interactions.from_frame(frame, context_cols=["device "])
    path = save_table(data, tmp_path / "log.parquet")
    assert load_table(path).context.to_dict("list") == {"device": ["phone"]}
