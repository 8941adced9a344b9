"""Twenty-second probe, a time column mixing Unix numbers and ISO-8601 text (two exports
joined, a column fixed by hand): the row in the other form was refused as "cannot read
'1577836800' as a time (expected a Unix timestamp (a number) or an ISO-8601 date-time)",
which it is. Now named as a mix of the two forms, with a row of the column's first form;
text that is neither is refused as before."""

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.cli import main
from recstack.data.files import load_table
from recstack.errors import DataFormatError

ONE_FORM = (r"\(expected one form for the whole column: Unix timestamps \(numbers\) or "
            r"ISO-8601 text such as 2024-01-31T12:00:00, not both; rewrite the rows in the "
            r"other form\)$")


def _log(tmp_path, *times):
    path = tmp_path / "log.csv"
    rows = "".join(f"{n},{10 + n},{time}\n" for n, time in enumerate(times, start=1))
    path.write_text("user_id,item_id,timestamp\n" + rows)
    return path


@pytest.mark.parametrize("number", ["1577836800", "1.5e9", "1577836800000"])
def test_a_number_among_iso_times_is_named(tmp_path, number):
    path = _log(tmp_path, "2020-01-01T00:00:00Z", "2020-01-02", number)
    with pytest.raises(DataFormatError, match=rf"^{path}:4: column 'timestamp': found a "
                                              rf"number, '{number}', in a column of ISO-8601 "
                                              rf"text \(line 2 holds 2020-01-01T00:00:00Z\) "
                                              rf"{ONE_FORM}"):
        load_table(path)


@pytest.mark.parametrize("iso", ["2020-01-01T00:00:00Z", "2020-01-01", "2020-01-01 12:30"])
def test_iso_text_among_unix_times_is_named(tmp_path, iso):
    path = _log(tmp_path, "1577836800", iso)
    with pytest.raises(DataFormatError, match=rf"^{path}:3: column 'timestamp': found text, "
                                              rf"'{iso}', in a column of Unix timestamps "
                                              rf"\(line 2 holds 1577836800\) {ONE_FORM}"):
        load_table(path)


def test_a_parquet_text_column_names_its_rows(tmp_path):
    path = tmp_path / "log.parquet"
    pq.write_table(pa.table({"user_id": [1, 2], "item_id": [10, 20],
                             "timestamp": ["1577836800", "2020-01-01T00:00:00Z"]}), path)
    with pytest.raises(DataFormatError, match=r"log\.parquet: column 'timestamp': row 2: found "
                                              r"text, '2020-01-01T00:00:00Z', in a column of "
                                              r"Unix timestamps \(row 1 holds 1577836800\)"):
        load_table(path)


@pytest.mark.parametrize("times", [("1577836800", "abc"), ("2020-01-01", "abc")])
def test_text_that_is_no_time_is_refused_as_before(tmp_path, times):
    path = _log(tmp_path, *times)
    with pytest.raises(DataFormatError, match=r":3: column 'timestamp': cannot read 'abc' as a "
                                              r"time \(expected a Unix timestamp \(a number\) "
                                              r"or an ISO-8601 date-time"):
        load_table(path)


def test_a_column_of_one_form_is_read(tmp_path):
    assert load_table(_log(tmp_path, "2020-01-01", "2020-01-02T00:00:00+01:00")
                      ).timestamp.tolist() == [1577836800, 1577919600]
    assert load_table(_log(tmp_path, "1577836800", "1577836801")
                      ).timestamp.tolist() == [1577836800, 1577836801]


def test_the_command_line_says_it_in_one_line(tmp_path, capsys):
    path = _log(tmp_path, "2020-01-01", "1577836800")
    assert main(["data", "info", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "log.csv:3: column 'timestamp': found a number, '1577836800', in a column" in err
