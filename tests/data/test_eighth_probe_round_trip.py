"""Eighth probe, files recstack writes and then refuses to read: interactions may hold
values outside their rating range (summed duplicates, ratings built by hand), and a Parquet
file or a partitioned dataset records that range, so reading it back failed. Such a file is
now refused before it is written, naming the row."""

from dataclasses import replace

import numpy as np
import pytest

from recstack.data.files import load_table, save_table
from recstack.data.interactions import Interactions
from recstack.data.partitioned import read_partitioned, write_partitioned
from recstack.errors import DataFormatError

START = 1_577_836_800  # 2020-01-01T00:00:00Z


def _summed_ratings():
    # two 5-star rows of one pair summed: 10, outside (1, 5). deduplicate('sum') refuses
    # ratings now; a caller's replace() still makes such data, which the writers refuse
    sums = Interactions.from_arrays([1, 1, 2], [7, 7, 8], [5.0, 5.0, 3.0],
                                    [START, START + 1, START + 2], duplicates="sum")
    return replace(sums, rating_range=(1, 5))


def test_a_parquet_file_it_could_not_read_back_is_not_written(tmp_path):
    path = tmp_path / "ratings.parquet"
    with pytest.raises(DataFormatError, match=r"ratings\.parquet: column 'value': not "
                                              r"written: 1 value\(s\) outside the rating "
                                              r"range 1 to 5 .*row 1 \(user 1, item 7\): 10"):
        save_table(_summed_ratings(), path)
    assert not path.exists()
    assert list(tmp_path.iterdir()) == []  # nor any temporary file
    # a CSV records no range, so it is written and read back as plain values
    data = _summed_ratings()
    save_table(data, tmp_path / "ratings.csv")
    assert load_table(tmp_path / "ratings.csv").value.tolist() == [10.0, 3.0]
    # and the same rows within their range come back from Parquet and partitions
    within = Interactions.from_arrays([1, 2], [7, 8], [5.0, 3.0], [START, START + 2],
                                      rating_range=(1, 5))
    save_table(within, tmp_path / "ratings.parquet")
    write_partitioned(within, tmp_path / "logs")
    for back in (load_table(tmp_path / "ratings.parquet"), read_partitioned(tmp_path / "logs")):
        assert np.array_equal(back.value, [5.0, 3.0])
        assert back.rating_range == (1, 5)


def test_a_partitioned_dataset_it_could_not_read_back_is_not_written(tmp_path):
    root = tmp_path / "logs"
    with pytest.raises(DataFormatError, match=r"not written: 1 value\(s\) outside the "
                                              r"rating range 1 to 5"):
        write_partitioned(_summed_ratings(), root)
    assert not root.exists()
