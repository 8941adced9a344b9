"""An event log exported as CSV is checked for the shape pandas lets through without a
word: a row with more fields than the header (its first field silently became the index,
shifting every column after it), a column named twice (the second renamed and ignored);
and a variant or session named like a missing value ("NA", "null") keeps its name."""

from __future__ import annotations

import pytest

from recstack.cli import main
from recstack.errors import DataFormatError, RecstackError
from recstack.serving.online import online_report

HEADER = "timestamp,event,user_id,item_id,session_id,variant,revenue,cost\n"


def test_a_row_with_an_extra_field_is_refused_at_its_line(tmp_path):
    path = tmp_path / "events.csv"
    # a trailing comma on every data row: was read with the timestamps as the index and
    # every column shifted one to the left, refused as "event 'u' is not one of ..."
    path.write_text(HEADER + "1,impression,u,i,s1,control,,,\n2,click,u,i,s1,control,,,\n",
                    encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"events\.csv:2: .*the row has 9 field\(s\) "
                                              r"\(expected 8 fields separated by ','\)"):
        online_report(path)


def test_a_column_named_twice_is_refused(tmp_path):
    path = tmp_path / "events.csv"
    # was read without a word, the second 'variant' renamed 'variant.1' and ignored
    path.write_text(HEADER.replace("cost", "variant")
                    + "1,impression,u,i,s1,control,,treatment\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"events\.csv:1: .*names column 'variant' twice "
                                              r"\(columns 6 and 8\)"):
        online_report(path)


def test_the_cli_prints_the_shape_error_without_a_traceback(tmp_path, capsys):
    path = tmp_path / "events.csv"
    path.write_text(HEADER + "1,impression,u,i,s1,control,,,\n", encoding="utf-8")
    assert main(["online", str(path)]) != 0
    error = capsys.readouterr().err
    assert "events.csv:2:" in error and "Traceback" not in error


@pytest.mark.parametrize("name", ["NA", "null", "None", "nan"])
def test_a_variant_named_like_a_missing_value_keeps_its_name(tmp_path, name):
    path = tmp_path / "events.csv"
    # was read as missing by pandas' default markers, refused as "'variant' has no value"
    path.write_text(HEADER + f"1,impression,u,i,s1,{name},,\n2,click,u,i,s1,{name},,\n"
                             "3,impression,v,i,s2,control,,\n", encoding="utf-8")
    metrics = online_report(path).metrics
    assert sorted(metrics.index) == sorted(["control", name])
    assert metrics.loc[name, "ctr"] == 1.0


def test_a_session_named_null_is_a_session(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(HEADER + "1,impression,u,i,null,control,,\n", encoding="utf-8")
    assert online_report(path).metrics.loc["control", "sessions"] == 1


def test_an_infinite_revenue_is_shown_as_written(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(HEADER + "1,click,u,i,s1,control,1e400,\n", encoding="utf-8")
    # the message showed numpy's repr, 'revenue' is np.float64(inf)
    with pytest.raises(RecstackError, match=r"line 2: 'revenue' is inf; expected a finite"):
        online_report(path)
