"""Hundred-forty-second probe: a plain text log named as a compressed one (``log.csv.gz``,
``.bz2``, ``.zst``: saved uncompressed under the name a pipeline expects) was refused as
"an intact .gz file (it seems damaged or cut short)", though the file is whole and only
its name is wrong. It is now named for what it holds, with the name to give it; a
compressed file cut short is still reported as damaged."""

import gzip

import pytest

from recstack.data.files import load_table
from recstack.errors import DataFormatError

LOG = "user_id,item_id,value\n1,10,4\n2,11,5\n"


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".zst", ".lz4"])
def test_plain_text_named_compressed_is_named_for_what_it_holds(tmp_path, suffix):
    path = tmp_path / f"log.csv{suffix}"
    path.write_text(LOG)
    with pytest.raises(DataFormatError, match=rf"log\.csv\{suffix}: holds plain text, not "
                                              rf"\{suffix}-compressed data as its name says "
                                              r"\(expected the name log\.csv: rename the "
                                              r"file \(or compress it\)\)$"):
        load_table(path)
    (tmp_path / "log.csv").write_text(LOG)
    assert len(load_table(tmp_path / "log.csv")) == 2  # the advice works


def test_a_compressed_file_cut_short_is_still_damaged(tmp_path):
    path = tmp_path / "log.csv.gz"
    path.write_bytes(gzip.compress(LOG.encode() * 200)[:40])
    with pytest.raises(DataFormatError, match=r"intact \.gz file \(it seems damaged"):
        load_table(path)


def test_a_compressed_file_reads(tmp_path):
    path = tmp_path / "log.csv.gz"
    path.write_bytes(gzip.compress(LOG.encode()))
    assert load_table(path).value.tolist() == [4, 5]
