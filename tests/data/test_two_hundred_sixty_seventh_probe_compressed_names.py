"""Compressed data under another compression's extension, and zip archives refused.

A '.csv.gz' file holding bzip2 data was told to be renamed 'log.csv.gz.bz2', a name that
decompresses to a '.gz' name no reader takes; the right name replaces the extension
('log.csv.bz2'). A zip archive (of one CSV, of several, of folders only, or cut short) was
"a zip archive" alike; the message now names the files it holds, or says it is damaged.
"""
from __future__ import annotations

import bz2
import gzip
import lzma
import zipfile

import pytest

from recstack.data.files import _may_hold_bytes, _may_hold_hex, load_table
from recstack.errors import DataFormatError

_LOG = "user_id,item_id,value\n1,10,4\n2,20,5\n"


@pytest.mark.parametrize(("name", "data", "renamed"), [
    ("log.csv.gz", bz2.compress(_LOG.encode()), "log.csv.bz2"),
    ("log.csv.bz2", gzip.compress(_LOG.encode()), "log.csv.gz"),
    ("log.tsv.zst", gzip.compress(_LOG.encode()), "log.tsv.gz"),
    ("log.csv.GZ", bz2.compress(_LOG.encode()), "log.csv.bz2"),
    # no compression extension: the compression's is added, as before
    ("log.csv", bz2.compress(_LOG.encode()), "log.csv.bz2"),
], ids=["gz-holding-bz2", "bz2-holding-gz", "zst-holding-gz", "GZ-holding-bz2", "csv-holding-bz2"])
def test_the_name_advised_replaces_the_wrong_compression_extension(tmp_path, name, data,
                                                                   renamed):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(DataFormatError) as caught:
        load_table(path)
    assert f"(expected the name {renamed}, which is read compressed" in str(caught.value)


def test_the_advised_name_reads(tmp_path):
    path = tmp_path / "log.csv.gz"
    path.write_bytes(bz2.compress(_LOG.encode()))
    with pytest.raises(DataFormatError, match=r"expected the name log\.csv\.bz2,"):
        load_table(path)
    data = load_table(path.rename(tmp_path / "log.csv.bz2"))
    assert len(data) == 2


def _zip(path, members):
    with zipfile.ZipFile(path, "w") as archive:
        for member in members:
            if member.endswith("/"):
                archive.writestr(zipfile.ZipInfo(member), b"")
            else:
                archive.writestr(member, _LOG)
    return path


@pytest.mark.parametrize(("members", "holds"), [
    (["ratings.csv"], "; it holds 'ratings.csv' (expected"),
    (["a.csv", "b.csv"], "; it holds 'a.csv' and 'b.csv' (expected"),
    (["ml/", "ml/ratings.csv"], "; it holds 'ml/ratings.csv' (expected"),
    (["ml/"], "; it holds no files (expected"),
    ([f"p{i}.csv" for i in range(5)], "; it holds 5 files, such as 'p0.csv', 'p1.csv', "
                                      "'p2.csv' (expected"),
])
def test_a_zip_archive_refused_names_what_it_holds(tmp_path, members, holds):
    path = _zip(tmp_path / "ratings.csv", members)
    with pytest.raises(DataFormatError) as caught:
        load_table(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: is a zip archive, which recstack does not unpack")
    assert holds in message


def test_a_cut_zip_archive_is_named_damaged(tmp_path):
    whole = _zip(tmp_path / "whole.zip", ["ratings.csv"]).read_bytes()
    path = tmp_path / "ratings.csv"
    path.write_bytes(whole[:40])
    with pytest.raises(DataFormatError, match=r"is a zip archive, which recstack does not "
                                              r"unpack; it is damaged or cut short \("):
        load_table(path)


def test_an_xz_file_is_still_refused_without_a_listing(tmp_path):
    path = tmp_path / "log.csv"
    path.write_bytes(lzma.compress(_LOG.encode()))
    with pytest.raises(DataFormatError, match=r"is xz-compressed data, which recstack does "
                                              r"not unpack \(expected"):
        load_table(path)


@pytest.mark.parametrize("compress", [None, gzip.compress, bz2.compress])
def test_the_shared_byte_scan_finds_needles_plain_and_compressed(tmp_path, compress):
    # the one scan behind both checks: across the 4 MiB chunk boundary of a compressed file
    filler = b"1,2,3\n" * ((1 << 22) // 6 - 1)
    assert (1 << 22) - len(filler) == 10  # ten zeros end the first 4 MiB
    body = filler + b"0" * ((1 << 22) - len(filler)) + b"x5,\\\"q\n"
    suffix = "" if compress is None else ".gz" if compress is gzip.compress else ".bz2"
    name = "log.csv" + suffix
    path = tmp_path / name
    path.write_bytes(body if compress is None else compress(body))
    assert _may_hold_hex(path, "utf-8")
    assert _may_hold_bytes(path, "utf-8", b"\\\"")
    assert not _may_hold_bytes(path, "utf-8", b"\\\"z")
    assert _may_hold_bytes(path, "utf-8", b"00x5")  # across the chunk boundary
    assert _may_hold_bytes(path, "utf-16", b"anything")  # not ASCII-compatible: True
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert not _may_hold_hex(empty, "utf-8") and not _may_hold_bytes(empty, "utf-8", b"x")
