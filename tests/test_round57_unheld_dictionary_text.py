"""A Parquet text column whose dictionary holds bytes that are not UTF-8 in a value no row
holds: pandas converts the whole dictionary, so the file failed in pyarrow ("Wrapping
caf\ufffd failed") where the check of the rows found nothing."""

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.data.files import first_text_not_utf8, load_table
from recstack.errors import DataFormatError


def dictionary_column(indices):
    values = pa.array([b"ok", b"caf\xe9"], pa.binary()).view(pa.string())
    return pa.DictionaryArray.from_arrays(pa.array(indices, pa.int32()), values)


def test_a_bad_value_no_row_holds_is_found_without_a_row():
    table = pa.table({"tag": dictionary_column([0, 0, 0])})
    assert first_text_not_utf8(table) == ("tag", None, b"caf\xe9")


def test_a_bad_value_a_row_holds_is_found_at_that_row():
    table = pa.table({"tag": dictionary_column([0, 0, 1])})
    assert first_text_not_utf8(table) == ("tag", 2, b"caf\xe9")


def test_load_table_names_the_column_and_its_dictionary(tmp_path):
    path = tmp_path / "log.parquet"
    pq.write_table(pa.table({"user_id": [1, 2, 3], "item_id": [4, 5, 6],
                             "tag": dictionary_column([0, 0, 0])}), path)
    with pytest.raises(DataFormatError, match=r"column 'tag': its dictionary of values holds "
                                              r"the bytes b'caf\\xe9'.*no row holds that value"):
        load_table(path, context=["tag"])
