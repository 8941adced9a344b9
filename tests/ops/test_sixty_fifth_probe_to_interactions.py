"""``to_interactions`` with arguments a caller could get wrong: pandas' "No objects to
concatenate", an AttributeError on ``.schema``, zip's ValueError and pyarrow's KeyError
before; now the argument and what would be right."""

from __future__ import annotations

import pyarrow as pa
import pytest

from recstack.errors import DataFormatError, RecstackError
from recstack.ops.partitions import to_interactions

TABLE = pa.table({"user_id": [1, 2], "item_id": [3, 4], "timestamp": [10, 20]})


@pytest.mark.parametrize("tables, shown", [
    ([], "an empty list"),
    (TABLE, "Table"),
    (["logs/year=2019/month=01"], "a list of str"),
])
def test_tables_not_a_list_of_tables(tables, shown):
    with pytest.raises(RecstackError, match=rf"tables must be a non-empty list of pyarrow "
                                            rf"Tables .* got {shown}$"):
        to_interactions(tables, explicit=False, rating_range=None)


def test_labels_of_another_length():
    with pytest.raises(RecstackError, match=r"labels must name each of the 1 table\(s\)"):
        to_interactions([TABLE], explicit=False, rating_range=None,
                        labels=["2019-01", "2019-02"])


def test_missing_column_names_the_partition():
    other = pa.table({"user_id": [1], "item_id": [3], "ts": [10]})
    with pytest.raises(DataFormatError, match=r"partition 2019-02 has no column 'timestamp' "
                                              r"\(its columns: user_id, item_id, ts\)"):
        to_interactions([TABLE, other], explicit=False, rating_range=None,
                        labels=["2019-01", "2019-02"])


def test_explicit_needs_value_column():
    with pytest.raises(DataFormatError, match=r"partition #0 has no column 'value'"):
        to_interactions([TABLE], explicit=True, rating_range=(1.0, 5.0))


def test_valid_tables_still_combine():
    data, origin = to_interactions([TABLE, TABLE.slice(0, 1)], explicit=False,
                                   rating_range=None, labels=["2019-01", "2019-02"])
    assert len(data) == 3
    assert origin.tolist() == [0, 0, 1]


def test_partitions_root_that_is_a_file_says_so(tmp_path):
    from recstack.ops.partitions import list_partitions

    file = tmp_path / "items.parquet"
    file.write_bytes(b"PAR1")
    with pytest.raises(RecstackError, match=r"items\.parquet: is a file, not a partitioned "
                                            r"data folder"):
        list_partitions(file)
    with pytest.raises(RecstackError, match=r"no such partitioned data folder"):
        list_partitions(tmp_path / "logs")
