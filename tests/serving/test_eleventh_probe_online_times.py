"""An event log exported as CSV holds its times as text: ISO 8601 text is read as times
(it was refused as "expected a datetime or a finite number of seconds"), a column mixing
numbers and times or holding text that is no time is refused naming the line and the
value, and bytes that are not UTF-8 are refused naming their line wherever they are."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from recstack.cli import main
from recstack.errors import DataFormatError, RecstackError
from recstack.serving.online import online_report, read_events

HEADER = "variant,session_id,event,timestamp,revenue,cost\n"
# 2026-12-03T18:44:25Z in Unix seconds
START = 1_796_323_465


def _log(tmp_path: Path, *times: str) -> Path:
    """A log of one session, its events (an impression, then clicks) at ``times``."""
    path = tmp_path / "events.csv"
    events = ["impression"] + ["click"] * (len(times) - 1)
    path.write_text(HEADER + "".join(f"control,s1,{event},{time},,\n"
                                     for event, time in zip(events, times, strict=True)),
                    encoding="utf-8")
    return path


@pytest.mark.parametrize("times", [
    ("2026-12-03T18:44:25Z", "2026-12-03T18:44:55Z"),
    ("2026-12-03 18:44:25", "2026-12-03 18:44:55"),  # no offset: UTC, as in Parquet
    # offsets are applied: the second is 18:44:55 UTC
    ("2026-12-03T18:44:25+00:00", "2026-12-03T20:44:55+02:00"),
    ("2026-12-03T18:44:25Z", "2026-12-03 18:44:55"),
])
def test_iso_8601_times_are_read_as_the_seconds_they_stand_for(tmp_path, times):
    events = read_events(_log(tmp_path, *times))
    seconds = (events["timestamp"] - pd.Timestamp(0, tz="UTC")).dt.total_seconds()
    assert seconds.tolist() == [START, START + 30]
    assert online_report(_log(tmp_path, *times)).metrics.loc["control", "engagement"] == 30


def test_iso_times_measure_as_the_same_log_in_seconds(tmp_path):
    as_text = online_report(_log(tmp_path, "2026-12-03T18:44:25Z", "2026-12-03T18:45:25Z"))
    as_seconds = online_report(_log(tmp_path, str(START), str(START + 60)))
    assert as_text.metrics.equals(as_seconds.metrics)


@pytest.mark.parametrize(("times", "says"), [
    ((str(START), "2026-12-03T18:44:55Z"),
     r"events\.csv: line 3: 'timestamp' is '2026-12-03T18:44:55Z', a time in a column of "
     r"numbers \(the first is '1796323465'\)"),
    (("2026-12-03T18:44:25Z", str(START)),
     r"events\.csv: line 3: 'timestamp' is '1796323465', a number in a column of times"),
    (("2026-12-03T18:44:25Z", "yesterday"), r"events\.csv: line 3: 'timestamp' is "
                                            r"'yesterday', not a time"),
    # pandas' ISO 8601 reader takes 'now' as the time of reading
    (("2026-12-03T18:44:25Z", "now"), r"events\.csv: line 3: 'timestamp' is 'now', not a time"),
    (("2026-12-03T18:44:25Z", "2026-13-03"), r"line 3: 'timestamp' is '2026-13-03', not a "
                                             r"time"),
])
def test_a_column_mixing_numbers_and_times_or_holding_no_time_is_refused(tmp_path, times,
                                                                        says):
    with pytest.raises(RecstackError, match=says) as refused:
        read_events(_log(tmp_path, *times))
    # the message says what would be right, with examples
    assert "Unix seconds (e.g. 1796323465) or ISO 8601 times (e.g. '2026-12-03T18:44:25Z'" \
        in str(refused.value)


def test_the_line_counts_blank_lines_and_quoted_line_breaks(tmp_path):
    path = tmp_path / "events.csv"
    # lines: 1 header, 2 blank, 3-4 one event (a session id holding a line break), 5 the
    # bad time; was named line 4 (the row's position + 2)
    path.write_text(HEADER + '\ncontrol,"s\n1",impression,2026-12-03T18:44:25Z,,\n'
                             "control,s2,click,soon,,\n", encoding="utf-8")
    with pytest.raises(RecstackError, match=r"events\.csv: line 5: 'timestamp' is 'soon'"):
        read_events(path)


def test_an_empty_time_among_iso_times_has_no_value(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(HEADER + "control,s1,impression,2026-12-03T18:44:25Z,,\n"
                             "control,s1,click,,,\n", encoding="utf-8")
    with pytest.raises(RecstackError, match=r"line 3: 'timestamp' has no value"):
        read_events(path)


@pytest.mark.parametrize("row", [b"control,s\xe91,click,2,,\n",  # a column pandas reads
                                 b"control,s1,cl\xe9ck,2,,\n"])  # the one the shape check reads
def test_bytes_that_are_not_utf8_are_refused_at_their_line(tmp_path, row):
    path = tmp_path / "events.csv"
    # the session's were refused as "('utf-8' codec can't decode byte 0xe9 in position
    # 1...)", without a line; the event's advised an encoding=, which read_events has not
    path.write_bytes(HEADER.encode() + b"control,s1,impression,1,,\n" + row)
    with pytest.raises(DataFormatError, match=r"events\.csv:3: not a readable CSV event log: "
                                              r"bytes that are not valid UTF-8 text \(e9\) "
                                              r"\(expected UTF-8 text \(save the file as "
                                              r"UTF-8\)\)") as refused:
        read_events(path)
    assert refused.value.line == 3 and "encoding=" not in str(refused.value)


def test_the_cli_prints_the_line_of_a_bad_time_without_a_traceback(tmp_path, capsys):
    path = _log(tmp_path, "2026-12-03T18:44:25Z", "12/03/2026 18:44")
    assert main(["online", str(path)]) == 2
    error = capsys.readouterr().err
    assert "events.csv: line 3: 'timestamp' is '12/03/2026 18:44', not a time" in error
    assert "Traceback" not in error


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_a_log_in_another_encoding_is_told_to_be_saved_as_utf8(tmp_path, encoding):
    path = tmp_path / "events.csv"
    # the shared reader's advice, encoding='utf-16', is no option of read_events
    path.write_text(HEADER + "control,s1,impression,1,,\n", encoding=encoding)
    with pytest.raises(DataFormatError, match=r"not a readable CSV event log: .*\(expected "
                                              r"the file saved as UTF-8 \(an event log is "
                                              r"read as UTF-8 only\)\)") as refused:
        read_events(path)
    assert "encoding=" not in str(refused.value)
