"""Fiftieth bad-input probe, JSON named as delimited text: a JSON-lines log saved as
``.csv`` was read as CSV, and the error named a "header" of JSON fragments ("no column
'user_id'; the columns are: '{"user_id":1', ..."). recstack reads no JSON, so the file is
named for what it is, with the conversion to a format recstack reads."""

from __future__ import annotations

import gzip
import json
import re

import pytest

from recstack.cli import main
from recstack.data.files import DelimitedLayout, load_table, read_delimited
from recstack.data.side_table import read_side_table
from recstack.errors import DataFormatError

RECORDS = [{"user_id": 1, "item_id": 2, "rating": 4.0},
           {"user_id": 2, "item_id": 3, "rating": 5.0}]
JSON_LINES = "".join(json.dumps(r) + "\n" for r in RECORDS)


@pytest.mark.parametrize(("name", "content"), [
    ("log.csv", JSON_LINES),
    ("log.tsv", JSON_LINES),
    ("log.csv", "\ufeff" + JSON_LINES.replace("\n", "\r\n")),  # a BOM and Windows lines
    ("log.csv", '{"user_id": 1, "item_id": 2'),  # cut short
    ("log.csv", json.dumps({"user_id": 1, "comment": "x" * 10_000}) + "\n"),  # a long line
])
def test_json_lines_are_named_with_the_conversion(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataFormatError, match="holds JSON lines, not delimited text") as error:
        load_table(path)
    message = str(error.value)
    assert message.startswith(f"{path}:1: ")
    assert "recstack does not read JSON" in message
    assert "pandas.read_json(path, lines=True).to_parquet(" in message


def test_a_json_array_of_records_is_named(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(json.dumps(RECORDS), encoding="utf-8")
    with pytest.raises(DataFormatError, match=re.escape(
            "holds a JSON array of records, not delimited text")) as error:
        load_table(path)
    assert "pandas.read_json(path).to_parquet(" in str(error.value)


def test_compressed_json_lines_are_named(tmp_path):
    path = tmp_path / "log.csv.gz"
    path.write_bytes(gzip.compress(JSON_LINES.encode()))
    with pytest.raises(DataFormatError, match="holds JSON lines"):
        load_table(path)


def test_every_text_reader_names_json_lines(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(JSON_LINES, encoding="utf-8")
    with pytest.raises(DataFormatError, match="holds JSON lines"):
        read_delimited(path, DelimitedLayout(delimiter=","), {"user_id": "id"})
    with pytest.raises(DataFormatError, match="holds JSON lines"):
        read_side_table(path)  # an items file


def test_the_command_line_says_it_in_one_line(tmp_path, capsys):
    path = tmp_path / "log.csv"
    path.write_text(JSON_LINES, encoding="utf-8")
    assert main(["data", "info", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert "holds JSON lines" in err and "columns are" not in err


@pytest.mark.parametrize("content", [
    "user_id,item_id\n1,2\n",
    "user_id,item_id,meta\n1,2,\"{\"\"a\"\": 1}\"\n",  # JSON inside a field is text
    "[user],[item]\n1,2\n",  # brackets in a header
])
def test_delimited_text_is_still_read(tmp_path, content):
    path = tmp_path / "log.csv"
    path.write_text(content, encoding="utf-8")
    data = load_table(path, user_col=content.split(",")[0], item_col=content.split(",")[1]
                      .split("\n")[0], value_col=None)
    assert data.n_users == 1 and data.n_items == 1
