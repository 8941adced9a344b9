"""Ninety-third bad-input probe, a compressed file's extension in capitals and ids that
are bytes but not text.

``ratings.CSV.GZ`` (a name as Windows tools write it) was read as plain text, since pyarrow
knows compressions by their lowercase extension only, and refused for "a NUL byte at
character 4", the compressed data's; ``save_table`` wrote such a name compressed, so the
file it wrote could not be read back. Both now say the extension must be lowercase and
give the name to use. And a Parquet column of binary ids that are not UTF-8 was refused
naming the column but no row; now the row and the bytes too."""

from __future__ import annotations

import bz2
import gzip

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.data.files import load_table, save_table
from recstack.data.interactions import Interactions
from recstack.errors import DataFormatError, RecstackError

TEXT = b"user_id,item_id,rating\n1,2,4\n2,3,5\n"


@pytest.mark.parametrize("name", ["ratings.CSV.GZ", "ratings.csv.Gz", "ratings.tsv.BZ2"])
def test_a_compressed_file_named_in_capitals_is_told_to_be_renamed(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(bz2.compress(TEXT) if name.endswith("BZ2") else gzip.compress(TEXT))
    stem, suffix = name.rsplit(".", 1)
    with pytest.raises(DataFormatError, match=rf"ends in '\.{suffix}', which is read as a "
                                              rf"compressed file only when written in "
                                              rf"lowercase \(expected the name "
                                              rf"{stem.replace('.', '[.]')}\.{suffix.lower()}"):
        load_table(path)


def test_the_lowercase_name_reads(tmp_path):
    path = tmp_path / "ratings.CSV.gz"
    path.write_bytes(gzip.compress(TEXT))
    assert load_table(path).value.tolist() == [4.0, 5.0]


def test_save_table_refuses_a_name_it_could_not_read_back(tmp_path):
    data = Interactions.from_arrays([1, 2], [2, 3], [4.0, 5.0])
    with pytest.raises(RecstackError, match=r"ends in '\.GZ'.*name it out\.csv\.gz"):
        save_table(data, tmp_path / "out.csv.GZ")
    assert not list(tmp_path.iterdir())  # nothing written
    written = save_table(data, tmp_path / "out.csv.gz")
    assert load_table(written).value.tolist() == [4.0, 5.0]


def test_binary_ids_that_are_not_text_are_named_by_row(tmp_path):
    path = tmp_path / "log.parquet"
    pq.write_table(pa.table({"user_id": pa.array([b"a", b"caf\xe9", b"b"], pa.binary()),
                             "item_id": [1, 2, 3]}), path)
    with pytest.raises(DataFormatError, match=r"log\.parquet: column 'user_id': row 2: found "
                                              r"b'caf\\xe9', bytes that are not UTF-8 text"):
        load_table(path, value_col=None)


def test_binary_ids_that_are_text_still_read(tmp_path):
    path = tmp_path / "log.parquet"
    pq.write_table(pa.table({"user_id": pa.array([b"a", "caf\u00e9".encode()], pa.binary()),
                             "item_id": [1, 2]}), path)
    assert load_table(path, value_col=None).users.external_ids.tolist() == ["a", "caf\u00e9"]
