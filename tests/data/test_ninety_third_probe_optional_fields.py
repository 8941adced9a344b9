"""Ninety-third bad-input probe, empty fields in the delimited reader.

``read_delimited`` refused every empty field, so a reader of a log whose fields may be empty
(the service's CSV event log) read the file a second time with pandas to get its values.
``optional=`` names the columns whose empty fields are missing values (nulls), their
types still checked by line; every other column refuses an empty field as before."""

from __future__ import annotations

import pytest

from recstack.data.files import DelimitedLayout, read_delimited
from recstack.errors import ConfigError, DataFormatError

LAYOUT = DelimitedLayout(",")
COLUMNS = {"user": "int64", "item": "id", "value": "float32", "note": "text"}


@pytest.fixture
def log(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text('user,item,value,note\n1,a,2.5,hi\n2, ,,\n3,"",3,""\n', encoding="utf-8")
    return path


def test_optional_columns_read_empty_fields_as_nulls(log):
    table = read_delimited(log, LAYOUT, COLUMNS, optional=["item", "value", "note"])
    assert table.to_pydict() == {"user": [1, 2, 3], "item": ["a", None, None],
                                 "value": [2.5, None, 3.0], "note": ["hi", None, None]}


def test_other_columns_still_refuse_an_empty_field_by_line(log):
    with pytest.raises(DataFormatError, match=r"log\.csv:3: column 'item'"):
        read_delimited(log, LAYOUT, COLUMNS, optional=["value", "note"])


def test_types_of_optional_columns_are_still_checked(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("user,value\n1,\n2,abc\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"log\.csv:3: column 'value'"):
        read_delimited(path, LAYOUT, {"user": "int64", "value": "float32"},
                       optional=["value"])


def test_one_name_is_one_column(log):
    table = read_delimited(log, LAYOUT, {"user": "int64", "note": "text"}, optional="note")
    assert table.column("note").to_pylist() == ["hi", None, None]


@pytest.mark.parametrize(("optional", "message"), [
    (["notes"], r"optional names 'notes', which is not one of the columns read"),
    (5, r"optional must be a list of column names, got int 5"),
])
def test_an_optional_name_outside_the_columns_is_refused(log, optional, message):
    with pytest.raises(ConfigError, match=message):
        read_delimited(log, LAYOUT, COLUMNS, optional=optional)


def test_without_optional_nothing_changed(log):
    with pytest.raises(DataFormatError, match=r"log\.csv:3: column 'item'"):
        read_delimited(log, LAYOUT, COLUMNS)
