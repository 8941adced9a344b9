"""Hundred-sixty-seventh probe: a web page or an XML document saved in a data file's place.

A download link that answers with an error or a sign-in page leaves an HTML page named
``ratings.csv``: read as CSV its one "column" was the page's first line ("no column
'user_id'; the columns are: '<!DOCTYPE html>...'"), as Parquet it "holds text" with the
advice to name it .csv, and as an adjacency list "'<!DOCTYPE' is not an integer id". Every
reader now says what the file holds, naming the file and its first line."""

from __future__ import annotations

import gzip

import pytest

from recstack.data.adjacency import load_adjacency_splits
from recstack.data.files import load_table
from recstack.data.side_table import read_side_table
from recstack.errors import DataFormatError

PAGE = b"<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head></html>\n"
PAGE_ADVICE = ("(expected the data file itself: a page saved in its place is what a download "
               "link gives when it answers with an error or a sign-in page; download the raw "
               "file again)")


@pytest.mark.parametrize(("content", "first"), [
    (PAGE, "<!DOCTYPE html>"),
    (b"\xef\xbb\xbf  <HTML lang='en'>\n<body>Sign in</body></HTML>\n", "<HTML lang='en'>"),
    (b"\n<html>\n<body></body></html>\n", "<html>"),
])
def test_a_page_named_csv_is_called_a_page(tmp_path, content, first):
    path = tmp_path / "ratings.csv"
    path.write_bytes(content)
    with pytest.raises(DataFormatError) as refused:
        load_table(path)
    assert str(refused.value) == (f"{path}:1: holds an HTML page, not delimited text (it "
                                  f"opens with {first!r}) {PAGE_ADVICE}")


def test_a_page_named_parquet_or_compressed_is_called_a_page(tmp_path):
    parquet = tmp_path / "ratings.parquet"
    parquet.write_bytes(PAGE)
    with pytest.raises(DataFormatError, match=r"holds an HTML page, not Parquet data \(it "
                                              r"opens with '<!DOCTYPE html>'\)"):
        load_table(parquet)
    compressed = tmp_path / "ratings.csv.gz"
    compressed.write_bytes(gzip.compress(PAGE))
    with pytest.raises(DataFormatError, match=r"ratings\.csv\.gz:1: holds an HTML page, not "
                                              r"delimited text"):
        load_table(compressed)


def test_an_xml_document_is_pointed_to_a_conversion(tmp_path):
    path = tmp_path / "ratings.tsv"
    path.write_bytes(b'<?xml version="1.0" encoding="UTF-8"?>\n<rows><row/></rows>\n')
    with pytest.raises(DataFormatError) as refused:
        load_table(path)
    assert str(refused.value) == (
        f"{path}:1: holds an XML document, not delimited text (it opens with "
        "'<?xml version=\"1.0\" encoding=\"UTF-8\"?>') (expected a CSV, TSV or Parquet file: "
        "recstack does not read XML; convert it, e.g. "
        "pandas.read_xml(path).to_parquet('data.parquet'))")


def test_an_adjacency_list_that_is_a_page_is_called_a_page(tmp_path):
    (tmp_path / "train.txt").write_bytes(PAGE)
    (tmp_path / "test.txt").write_bytes(b"0 1\n")
    with pytest.raises(DataFormatError, match=r"train\.txt:1: holds an HTML page, not "
                                              r"delimited text"):
        load_adjacency_splits(tmp_path)


def test_a_csv_whose_first_field_holds_markup_is_still_read(tmp_path):
    # a tag inside a header or a field is text, not a page
    path = tmp_path / "ratings.csv"
    path.write_bytes(b"user_id,item_id,title\n1,2,<b>bold</b>\n")
    data = load_table(path)
    assert (len(data), data.users.external_ids.tolist()) == (1, [1])


def test_a_side_table_that_is_a_page_is_called_a_page(tmp_path):
    path = tmp_path / "items.csv"
    path.write_bytes(PAGE)
    with pytest.raises(DataFormatError, match=r"items\.csv:1: holds an HTML page, not delimited "
                                              r"text \(it opens with '<!DOCTYPE html>'\)"):
        read_side_table(path)
