"""Sixtieth bad-input probe: a rating with a decimal comma ('4,5') in a file separated by
';' or tabs (as spreadsheets in many languages save CSV) is refused, naming the number it
means; the message now also names the conversion that reads such a file once, with the
file's own separator."""

from __future__ import annotations

import re

import pytest

from recstack.data.files import load_table
from recstack.errors import DataFormatError


@pytest.mark.parametrize(("name", "text", "options", "separator"), [
    ("log.csv", "user_id;item_id;rating\n1;2;4\n1;3;4,5\n", {"separator": ";"}, "';'"),
    ("log.tsv", "user_id\titem_id\trating\n1\t2\t4\n1\t3\t4,5\n", {}, "'\\t'"),
])
def test_the_conversion_is_named_with_the_separator(tmp_path, name, text, options,
                                                    separator):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(DataFormatError, match=re.escape(
            f"{name}:3: column 'rating': found '4,5', a number with a decimal comma; numbers "
            f"here are written with a point, 4.5 (convert the file once: pandas.read_csv("
            f"path, sep={separator}, decimal=',').to_parquet('log.parquet'), then load that)")):
        load_table(path, **options)


def test_a_quoted_decimal_comma_in_a_comma_file_names_no_conversion(tmp_path):
    # separated by commas, decimal=',' would be ambiguous: only the number is named
    path = tmp_path / "log.csv"
    path.write_text('user_id,item_id,rating\n1,2,4\n1,3,"3,5"\n')
    with pytest.raises(DataFormatError) as raised:
        load_table(path)
    assert "written with a point, 3.5 (expected a number)" in str(raised.value)
    assert "convert" not in str(raised.value)
