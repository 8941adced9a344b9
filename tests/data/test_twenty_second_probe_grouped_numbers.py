"""Twenty-second probe, numbers written with thousands separators, as spreadsheets export
counts and amounts ('1,000', '1,234,567', '1.234,5', '1 000'): '1,000' was called a
decimal comma, 1.000, where a count of a thousand is as likely, and the others were only
"found '1,234,567'". Now each is named with the number as the readers want it, and the
one ambiguous form gives both readings."""

import pytest

from recstack.cli import main
from recstack.data.files import load_table
from recstack.errors import DataFormatError


def _log(tmp_path, value, separator=","):
    path = tmp_path / "log.csv"
    rows = [["user_id", "item_id", "count"], ["1", "10", "4"], ["2", "20", value]]
    path.write_text("".join(separator.join(row) + "\n" for row in rows))
    return path


@pytest.mark.parametrize("value, shown, plain, separator", [
    ('"1,234,567"', "'1,234,567'", "1234567", r"','"),
    ('"1,234.5"', "'1,234.5'", r"1234\.5", r"','"),
    ('"-12,345.25"', "'-12,345.25'", r"-12345\.25", r"','"),
    ('"1.234,5"', "'1.234,5'", r"1234\.5", r"'\.'"),
    ('"1.234.567"', "'1.234.567'", "1234567", r"'\.'"),
    ("1 000", "'1 000'", "1000", "' '"),
    ("1'000", "\"1'000\"", "1000", "\"'\""),
])
def test_thousands_separators_are_named_with_the_plain_number(tmp_path, value, shown, plain,
                                                              separator):
    path = _log(tmp_path, value)
    with pytest.raises(DataFormatError, match=rf"^{path}:3: column 'count': found {shown}, a "
                                              rf"number with thousands separators "
                                              rf"\({separator}\); numbers here are written "
                                              rf"without them, {plain} \(expected a "
                                              r"number\)$"):
        load_table(path, value_col="count")


@pytest.mark.parametrize("value, thousand, decimal", [("1,000", "1000", r"1\.000"),
                                                      ("12,345", "12345", r"12\.345")])
def test_one_group_after_a_comma_gives_both_readings(tmp_path, value, thousand, decimal):
    path = _log(tmp_path, value, separator=";")
    with pytest.raises(DataFormatError, match=rf"^{path}:3: column 'count': found '{value}': "
                                              rf"a thousands separator \({thousand}\) or a "
                                              rf"decimal comma \({decimal}\)\? numbers here are "
                                              r"written with a point and no thousands "
                                              r"separators \(expected a number\)$"):
        load_table(path, value_col="count", separator=";")


def test_a_decimal_comma_is_still_named_as_one(tmp_path):
    path = _log(tmp_path, "3,5", separator=";")
    with pytest.raises(DataFormatError, match=r"found '3,5', a number with a decimal comma; "
                                              r"numbers here are written with a point, 3\.5"):
        load_table(path, value_col="count", separator=";")


def test_a_number_written_plainly_is_read(tmp_path):
    data = load_table(_log(tmp_path, "1000.5"), value_col="count")
    assert data.value.tolist() == [4.0, 1000.5]


def test_the_command_line_says_it_in_one_line(tmp_path, capsys):
    path = _log(tmp_path, '"1,234,567"')
    assert main(["data", "info", str(path), "--value-col", "count"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "log.csv:3: column 'count': found '1,234,567', a number with thousands" in err
