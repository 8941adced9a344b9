"""Twenty-fifth bad-input probe of ``recstack online FILE``: an exported event log given
on its own was told what suits a file of the service's log folder ("is it another log's
file? move it out of /its/folder", "delete it to read the rest of the log"), without its
columns or which of them was meant (a header ``Variant``); and a CSV file separated by
semicolons was told to "pass separator=';'", an option the event log does not take."""

from __future__ import annotations

import pytest

from recstack.cli import main
from recstack.errors import DataFormatError, RecstackError
from recstack.serving.online import online_report

HEADER = "variant,session_id,event,timestamp,revenue,cost\n"


def test_a_csv_export_lacking_a_column_lists_its_columns_and_the_near_one(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(HEADER.replace("variant", "Variant") + "control,s1,click,100,0,0\n",
                    encoding="utf-8")
    with pytest.raises(RecstackError) as raised:
        online_report(path)
    assert str(raised.value) == (
        f"{path}: lacks column(s) variant of the service's events log (is 'Variant' meant "
        "as 'variant'?); its columns are: 'Variant', 'session_id', 'event', 'timestamp', "
        "'revenue', 'cost'; give a file with the columns variant, session_id, event, "
        "timestamp, revenue, cost")


def test_a_parquet_export_lacking_a_column_is_not_told_to_leave_its_folder(tmp_path):
    import pandas as pd

    path = tmp_path / "events.parquet"
    pd.DataFrame({"variant": ["a"], "session_id": ["s"], "event": ["click"],
                  "timestamp": [1.0], "revenue": [0.0]}).to_parquet(path)
    with pytest.raises(RecstackError) as raised:
        online_report(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: lacks column(s) cost of the service's events log; "
                              "its columns are: 'variant', 'session_id', 'event', "
                              "'timestamp', 'revenue'")
    assert "move it out" not in message


def test_a_damaged_parquet_export_is_told_to_export_again(tmp_path, capsys):
    path = tmp_path / "events.parquet"
    path.write_bytes(b"PAR1 not really")
    assert main(["online", str(path)]) == 2
    error = capsys.readouterr().err
    assert error.strip() == (f"recstack: error: {path}: not a readable Parquet file "
                             "(damaged or truncated); export the events log again")


def test_a_csv_separated_by_semicolons_is_not_told_of_an_option_it_lacks(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(HEADER.replace(",", ";") + "control;s1;click;100;0;0\n",
                    encoding="utf-8")
    with pytest.raises(DataFormatError) as raised:
        online_report(path)
    message = str(raised.value)
    assert "separator=" not in message
    assert message.endswith("(expected fields separated by ',' (an event log is read as "
                            "comma-separated values only: export it again with commas))")
