"""Hundred-forty-second probe: ``write_partitioned(data, "out.csv")`` made a folder of
Parquet files named like a CSV file, which every reader then took for one. A root ending
in the extension of one file's format is refused before anything is written; ``.parquet``
(as Spark names its table folders) and other dotted names (``v1.2``) are written."""

import pytest

from recstack.data.interactions import Interactions
from recstack.data.partitioned import read_partitioned, write_partitioned
from recstack.errors import RecstackError

DATA = Interactions.from_arrays([1, 1, 2], [10, 11, 10],
                                timestamps=[1_700_000_000, 1_700_000_100, 1_700_000_200])


@pytest.mark.parametrize("name", ["out.csv", "out.TSV", "out.json", "out.csv.gz", "out.txt"])
def test_a_root_named_as_a_file_is_refused(tmp_path, name):
    suffix = name.rsplit(".", 1)[1]
    with pytest.raises(RecstackError, match=rf"^write_partitioned: root '.*{name}' ends with "
                                            rf"\.{suffix}, the extension of a file, but a "
                                            r"folder of Parquet files is written there"):
        write_partitioned(DATA, tmp_path / name)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["out.parquet", "v1.2", "out"])
def test_folder_names_are_written(tmp_path, name):
    write_partitioned(DATA, tmp_path / name)
    assert len(read_partitioned(tmp_path / name)) == 3
