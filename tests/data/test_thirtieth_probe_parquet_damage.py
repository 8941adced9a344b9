"""Thirtieth probe, Parquet files that cannot be read as such:

* a truncated partition of a partitioned dataset was reported as "could not read the
  dataset: Could not open Parquet input source '<path>': Parquet magic bytes not found in
  footer...", the file buried in pyarrow's text; a single truncated file said the same
  words. Now the file comes first and the message says it is cut short;
* a Parquet file with no columns said "no column 'user_id' for user ids; the columns
  are: " with nothing after it; now it says it has no columns;
* a plain Parquet file named ``.parquet.gz`` was reported as a damaged gzip file ("zlib
  inflate failed"); now its Parquet content is recognised and the right name given.
"""

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.cli import main
from recstack.data.files import load_table, save_table
from recstack.data.interactions import Interactions
from recstack.data.partitioned import read_partitioned, write_partitioned
from recstack.errors import DataFormatError, UnknownColumnError

# 2020-01-01, 2020-02-01, 2020-03-01 (Unix seconds)
MONTHS = [1577836800, 1580515200, 1583020800]


def _data():
    return Interactions.from_arrays([1, 2, 3], [10, 20, 10], [4.0, 3.0, 5.0], MONTHS)


def _cut(path: Path, keep: int) -> None:
    path.write_bytes(path.read_bytes()[:keep])


def test_a_truncated_partition_is_named_first_and_called_truncated(tmp_path):
    root = write_partitioned(_data(), tmp_path / "log")
    february = root / "year=2020" / "month=02" / "part-0.parquet"
    size = february.stat().st_size
    _cut(february, size // 2)
    with pytest.raises(DataFormatError) as caught:
        read_partitioned(root)
    message = str(caught.value)
    assert message.startswith(f"{february}: not a readable Parquet file (truncated or "
                              f"damaged: its {size // 2:,} bytes end before the footer "
                              "that closes a Parquet file)")
    assert "magic bytes" not in message and "Could not open" not in message
    # the other months are intact and still read
    assert len(read_partitioned(root, start="2020-03-01")) == 1


def test_an_empty_partition_file_is_named_as_empty(tmp_path):
    root = write_partitioned(_data(), tmp_path / "log")
    january = root / "year=2020" / "month=01" / "part-0.parquet"
    january.write_bytes(b"")
    with pytest.raises(DataFormatError, match=rf"^{january}: not a readable Parquet file "
                                              r"\(the file is empty: 0 bytes\)"):
        read_partitioned(root)


def test_a_damaged_partition_found_only_when_the_rows_are_read_is_named(tmp_path):
    root = write_partitioned(_data(), tmp_path / "log")
    march = root / "year=2020" / "month=03" / "part-0.parquet"
    raw = bytearray(march.read_bytes())
    raw[4:64] = b"\x00" * 60  # the column chunks, not the footer: opens, fails on reading
    march.write_bytes(bytes(raw))
    with pytest.raises(DataFormatError, match=rf"^{march}: not a readable Parquet file "
                                              r"\(damaged: "):
        read_partitioned(root)


def test_a_truncated_single_file_says_so(tmp_path):
    path = tmp_path / "log.parquet"
    save_table(_data(), path)
    size = path.stat().st_size
    _cut(path, size - 1)
    with pytest.raises(DataFormatError, match=rf"^{path}: not a readable Parquet file "
                                              rf"\(truncated or damaged: its {size - 1:,} "
                                              r"bytes end before the footer"):
        load_table(path)


def test_a_parquet_file_without_columns_says_it_has_none(tmp_path):
    path = tmp_path / "log.parquet"
    pq.write_table(pa.table({}), path)
    with pytest.raises(UnknownColumnError, match=rf"^{path}: no column 'user_id' for user "
                                                 r"ids; it has no columns at all$"):
        load_table(path)


def test_a_frame_without_columns_says_it_has_none():
    import pandas as pd

    with pytest.raises(UnknownColumnError, match=r"it has no columns at all$"):
        Interactions.from_frame(pd.DataFrame())


@pytest.mark.parametrize(("name", "right"), [("log.parquet.gz", "log.parquet"),
                                             ("log.csv.gz", "log.parquet")])
def test_plain_parquet_named_as_gzip_is_told_its_right_name(tmp_path, name, right):
    plain = tmp_path / "plain.parquet"
    save_table(_data(), plain)
    path = tmp_path / name
    path.write_bytes(plain.read_bytes())
    with pytest.raises(DataFormatError, match=rf"^{path}: holds plain Parquet data, not "
                                              r"\.gz-compressed data as its name says "
                                              rf"\(expected the name {right}: rename the "
                                              r"file; Parquet compresses its columns itself\)$"):
        load_table(path)


def test_the_command_line_names_the_truncated_partition_in_one_line(tmp_path, capsys):
    root = write_partitioned(_data(), tmp_path / "log")
    january = root / "year=2020" / "month=01" / "part-0.parquet"
    _cut(january, 20)
    assert main(["data", "info", str(root)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert f"{january}: not a readable Parquet file (truncated or damaged" in err


def test_the_damaged_file_named_is_one_the_read_took(tmp_path):
    root = write_partitioned(_data(), tmp_path / "log")
    for month in ("01", "03"):
        path = root / "year=2020" / f"month={month}" / "part-0.parquet"
        raw = bytearray(path.read_bytes())
        raw[4:64] = b"\x00" * 60
        path.write_bytes(bytes(raw))
    # January is outside the range read: March is the file that failed
    with pytest.raises(DataFormatError, match=r"/year=2020/month=03/part-0\.parquet: not a "
                                              r"readable Parquet file \(damaged: "):
        read_partitioned(root, start="2020-02-01")
