"""Quoted values whose quotes are escaped with a backslash (``"a \\"b\\" c"``, as Spark's CSV
writer writes them by default) are refused in a column read, naming the line, the column,
the value meant and what it was read as: the first ``\\"`` closed the value, and the rest
was read as it stood (an id or context value that matched nothing) without a word."""

import gzip

import pytest

from recstack.data.files import load_table
from recstack.errors import DataFormatError

HEADER = "user_id,item_id,rating,timestamp,review\n"
LAST = "2,3,5,1000000001,ok\n"


def _write(tmp_path, text: str, name: str = "log.csv"):
    path = tmp_path / name
    data = text.encode()
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    return path


@pytest.mark.parametrize("name", ["log.csv", "log.csv.gz"])
def test_an_escaped_quote_in_a_context_column_is_refused(tmp_path, name):
    path = _write(tmp_path, HEADER + '1,2,4,1000000000,"a \\"great\\" film"\n' + LAST, name)
    with pytest.raises(DataFormatError) as caught:
        load_table(path, context=["review"])
    error = caught.value
    message = str(error)
    assert message.startswith(f"{path}:2: column 'review': the quoted value 'a \"great\" "
                              "film' escapes its quotes with a backslash")
    # what pyarrow made of it: the value closed at the first \" and the rest as it stood
    assert "so it was read as 'a \\\\great\\\\\" film\"'" in message
    assert "Spark's .option('escape', '\"')" in message


def test_an_escaped_quote_in_an_id_is_refused(tmp_path):
    path = _write(tmp_path, HEADER + '1,"5\\" screen",4,1000000000,x\n' + LAST)
    with pytest.raises(DataFormatError, match=r":2: column 'item_id': the quoted value "
                                              r"'5\" screen' escapes its quotes"):
        load_table(path)


def test_an_escaped_quote_around_a_separator_names_the_value_not_a_field_count(tmp_path):
    path = _write(tmp_path, HEADER + '1,"a \\"b, c\\" d",4,1000000000,x\n' + LAST)
    with pytest.raises(DataFormatError) as caught:
        load_table(path)
    message = str(caught.value)
    assert ":2: column 'item_id': the quoted value 'a \"b, c\" d' escapes its quotes" in message
    assert "so the row was read as 6 fields, not 5" in message


def test_a_tab_separated_file_is_looked_at_too(tmp_path):
    text = (HEADER + '1,"The \\"Best\\" Film",4,1000000000,x\n').replace(",", "\t")
    path = _write(tmp_path, text, "log.tsv")
    with pytest.raises(DataFormatError, match="column 'item_id': the quoted value 'The "
                                              "\"Best\" Film' escapes"):
        load_table(path)


def test_an_escaped_quote_in_a_column_not_read_costs_nothing(tmp_path):
    path = _write(tmp_path, HEADER + '1,2,4,1000000000,"a \\"great\\" film"\n' + LAST)
    assert load_table(path).to_frame().to_dict("list") == {
        "user_id": [1, 2], "item_id": [2, 3], "value": [4.0, 5.0],
        "timestamp": [1000000000, 1000000001]}


@pytest.mark.parametrize(("row", "column", "value"), [
    ('1,"C:\\dir\\",4,1000000000,x\n', "item_id", "C:\\dir\\"),   # ends in a backslash
    ('1,2,4,1000000000,"{""a"": ""x\\""y""}"\n', "review", '{"a": "x\\"y"}'),  # JSON
], ids=["backslash-at-the-end", "json-with-doubled-quotes"])
def test_valid_csv_holding_a_backslash_before_a_quote_is_read_as_written(tmp_path, row,
                                                                          column, value):
    path = _write(tmp_path, HEADER + row + LAST)
    frame = load_table(path, context=["review"]).to_frame()
    assert frame[column].tolist()[0] == value
