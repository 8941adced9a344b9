"""Column names lose surrounding spaces in every format: a CSV header's, a Parquet file's
(load_table) and a frame's (from_frame) did, but read_partitioned refused a hand-written
partition whose file names its column " user_id" ("has no column 'user_id'")."""

from __future__ import annotations

import warnings

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.data.interactions import Interactions
from recstack.data.partitioned import read_partitioned, write_partitioned
from recstack.errors import DataFormatError

JAN = 1704067200  # 2024-01-01T00:00:00Z
JAN_20 = 1705708800  # 2024-01-20T00:00:00Z
FEB = 1706745600  # 2024-02-01T00:00:00Z


def _tree(root, parts):
    for folder, columns in parts.items():
        (root / folder).mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.table(columns), root / folder / "part-0.parquet")
    return root


def _rows(data: Interactions):
    return data.to_frame().values.tolist()


SPACED = {" user_id": ["u1", "u2"], "item_id ": ["i1", "i2"], "value\t": [4.0, 3.0],
          " timestamp ": [JAN, JAN_20]}


def test_spaced_names_of_a_hand_written_partition_are_their_trimmed_names(tmp_path):
    root = _tree(tmp_path / "log", {"year=2024/month=1": SPACED})
    assert _rows(read_partitioned(root)) == [["u1", "i1", 4.0, JAN], ["u2", "i2", 3.0, JAN_20]]


def test_spaced_names_read_with_columns_and_a_time_range(tmp_path):
    root = _tree(tmp_path / "log", {"year=2024/month=1": SPACED})
    assert _rows(read_partitioned(root, columns=["value"])) == [["u1", "i1", 4.0],
                                                                ["u2", "i2", 3.0]]
    # the bound applies to the spaced timestamp column (2024-01-10 leaves the first row out)
    assert _rows(read_partitioned(root, start="2024-01-10", end="2024-02")) == [
        ["u2", "i2", 3.0, JAN_20]]


def test_spaced_text_timestamps_are_bounded_too(tmp_path):
    root = _tree(tmp_path / "log", {"year=2024/month=1": {
        " user_id": ["a", "b"], "item_id": ["i", "j"], "value": [1.0, 2.0],
        " timestamp": ["2024-01-01T00:00:00", "2024-01-20T00:00:00"]}})
    assert _rows(read_partitioned(root, start="2024-01-10")) == [["b", "j", 2.0, JAN_20]]


def test_spaced_values_of_two_number_kinds_merge(tmp_path):
    root = _tree(tmp_path / "log", {
        "year=2024/month=1": {" user_id": ["a"], "item_id": ["i"], "value ": [1],
                              "timestamp": [JAN]},
        "year=2024/month=2": {" user_id": ["b"], "item_id": ["i"], "value ": [1.5],
                              "timestamp": [FEB]}})
    assert _rows(read_partitioned(root)) == [["a", "i", 1.0, JAN], ["b", "i", 1.5, FEB]]


def test_problems_in_spaced_columns_keep_their_file_and_row(tmp_path):
    outside = _tree(tmp_path / "outside", {"year=2024/month=1": {
        " user_id": ["a", "b"], "item_id": ["i", "j"], "value": [1.0, 2.0],
        " timestamp": [JAN, FEB]}})
    with pytest.raises(DataFormatError, match=r"year=2024/month=1/part-0\.parquet, row 2: "
                                              r"the time 1706745600"):
        read_partitioned(outside)
    fraction = _tree(tmp_path / "fraction", {
        "year=2024/month=1": {" user_id": [1, 2], "item_id": ["i", "j"], "value": [1.0, 2.0],
                              "timestamp": [JAN, JAN]},
        "year=2024/month=2": {" user_id": [2.5], "item_id": ["i"], "value": [1.0],
                              "timestamp": [FEB]}})
    with pytest.raises(DataFormatError, match=r"month=2/part-0\.parquet, row 1: found 2\.5"):
        read_partitioned(fraction)


def test_an_empty_range_of_spaced_names_still_warns(tmp_path):
    root = _tree(tmp_path / "log", {"year=2024/month=1": SPACED})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert len(read_partitioned(root, start="2024-01-05", end="2024-01-06")) == 0
    assert any("its rows' times run from 2024-01-01" in str(w.message) for w in caught)


def test_names_that_are_one_once_trimmed_are_refused(tmp_path):
    root = _tree(tmp_path / "log", {"year=2024/month=1": {
        "user_id": ["a"], " user_id": ["x"], "item_id": ["i"], "value": [1.0],
        "timestamp": [JAN]}})
    with pytest.raises(DataFormatError) as refused:
        read_partitioned(root)
    assert ("names column 'user_id' twice (columns 1 and 2, 'user_id' and ' user_id' once "
            "surrounding spaces are dropped)") in str(refused.value)


def test_files_that_spell_a_column_two_ways_are_refused_naming_both(tmp_path):
    root = _tree(tmp_path / "log", {
        "year=2024/month=1": {"user_id": ["a"], "item_id": ["i"], "value": [1.0],
                              "timestamp": [JAN]},
        "year=2024/month=2": {" user_id": ["b"], "item_id": ["i"], "value": [1.0],
                              "timestamp": [FEB]}})
    with pytest.raises(DataFormatError) as refused:
        read_partitioned(root)
    message = str(refused.value)
    assert "year=2024/month=2/part-0.parquet spells column 'user_id' as ' user_id'" in message
    assert "as 'user_id'" in message


def test_a_hand_added_partition_beside_written_ones_names_common_metadata(tmp_path):
    root = tmp_path / "log"
    write_partitioned(Interactions.from_arrays(["a"], ["i"], timestamps=[JAN]), root)
    _tree(root, {"year=2024/month=02": {" user_id": ["b"], "item_id": ["i"], "value": [1.0],
                                        "timestamp": [FEB]}})
    with pytest.raises(DataFormatError, match="_common_metadata as 'user_id'"):
        read_partitioned(root)


def test_a_spaced_level_column_is_the_level_column(tmp_path):
    root = _tree(tmp_path / "log", {"year=2024/month=1": {
        "user_id": ["a"], "item_id": ["i"], "value": [1.0], "timestamp": [JAN],
        " year": [2024]}})
    with pytest.raises(DataFormatError, match=r"holds a column 'year', which its folder "
                                              r"names already \(year=\.\.\)"):
        read_partitioned(root)
