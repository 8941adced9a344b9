"""A compressed log whose decompressed bytes are no text (compressed again, an archive, a
spreadsheet, Parquet) is refused for what it holds, and a plain tar archive named .csv is
named as one: each was "holds a NUL byte ... or text in UTF-16", pointing at an encoding."""

import bz2
import gzip
import io
import lzma
import tarfile
import zipfile

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.data.files import load_table
from recstack.errors import DataFormatError

BODY = b"user_id,item_id,rating,timestamp\n1,2,4,1000000000\n"


def _tar(body: bytes = BODY) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        info = tarfile.TarInfo("ratings.csv")
        info.size = len(body)
        archive.addfile(info, io.BytesIO(body))
    return buffer.getvalue()


def _zip(name: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, BODY)
    return buffer.getvalue()


def _parquet() -> bytes:
    buffer = io.BytesIO()
    pq.write_table(pa.table({"user_id": [1], "item_id": [2]}), buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "data", "inner", "renamed"), [
    ("log.csv.gz", gzip.compress(gzip.compress(BODY)), "gzip", "log.csv.gz"),
    ("log.csv.bz2", bz2.compress(gzip.compress(BODY)), "gzip", "log.csv.gz"),
    ("log.csv.gz", gzip.compress(bz2.compress(BODY)), "bzip2", "log.csv.bz2"),
], ids=["gzip-in-gzip", "gzip-in-bzip2", "bzip2-in-gzip"])
def test_data_compressed_twice_are_named_so(tmp_path, name, data, inner, renamed):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(DataFormatError) as caught:
        load_table(path)
    message = str(caught.value)
    suffix = name.rsplit(".", 1)[1]
    assert f"holds {inner}-compressed data inside its .{suffix} compression" in message
    assert "compressed twice" in message
    assert f"name the result {renamed}" in message
    assert "NUL" not in message


@pytest.mark.parametrize(("data", "what"), [
    (gzip.compress(_tar()), "a tar archive"),
    (gzip.compress(_zip("ratings.csv")), "a zip archive"),
    (gzip.compress(lzma.compress(BODY)), "xz-compressed data"),
], ids=["tar", "zip", "xz"])
def test_archives_inside_a_compression_are_named(tmp_path, data, what):
    path = tmp_path / "ratings.csv.gz"
    path.write_bytes(data)
    with pytest.raises(DataFormatError, match=f"holds {what} inside its .gz compression, "
                                              "which recstack does not unpack"):
        load_table(path)


def test_a_workbook_inside_a_compression_is_named(tmp_path):
    path = tmp_path / "ratings.csv.gz"
    path.write_bytes(gzip.compress(_zip("xl/workbook.xml")))
    with pytest.raises(DataFormatError, match=r"holds an Excel workbook \(\.xlsx\) inside "
                                              r"its \.gz compression.*Save As, CSV UTF-8"):
        load_table(path)


def test_parquet_inside_a_compression_is_told_to_be_decompressed(tmp_path):
    path = tmp_path / "ratings.csv.gz"
    path.write_bytes(gzip.compress(_parquet()))
    with pytest.raises(DataFormatError) as caught:
        load_table(path)
    message = str(caught.value)
    assert "holds Parquet data inside its .gz compression" in message
    assert "decompressed and named ratings.parquet" in message


def test_a_plain_tar_archive_named_csv_is_named(tmp_path):
    path = tmp_path / "ratings.csv"
    path.write_bytes(_tar())
    with pytest.raises(DataFormatError, match="is a tar archive, which recstack does not "
                                              "unpack"):
        load_table(path)


@pytest.mark.parametrize("compress", [lambda data: data, gzip.compress], ids=["plain", "gz"])
def test_text_with_ustar_at_byte_257_is_read(tmp_path, compress):
    # 'ustar ' at a tar archive's mark, in a text file without a NUL: an item id
    header = "user_id,item_id,rating,timestamp\n"
    padding = "x" * (257 - len(header) - 2)
    text = f"{header}1,{padding}ustar ,4,1000000000\n"
    assert text.encode()[257:263] == b"ustar "
    path = tmp_path / ("log.csv" if compress is not gzip.compress else "log.csv.gz")
    path.write_bytes(compress(text.encode()))
    data = load_table(path)
    assert data.items.external_ids.tolist() == [f"{padding}ustar"]


def test_a_compressed_text_log_still_reads(tmp_path):
    for name, compress in (("a.csv.gz", gzip.compress), ("a.csv.bz2", bz2.compress)):
        path = tmp_path / name
        path.write_bytes(compress(BODY))
        frame = load_table(path).to_frame()
        assert frame.to_dict("list") == {"user_id": [1], "item_id": [2], "value": [4.0],
                                         "timestamp": [1000000000]}
