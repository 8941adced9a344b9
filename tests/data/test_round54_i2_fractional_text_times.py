"""Round 54 (I2): fractional seconds in ISO-8601 text, in a strptime pattern and in typed
date-times (Parquet, or CSV times pyarrow reads as date-times) were floored to whole
seconds without a word, where the same times as numbers warned MergedTimesWarning by the
half rule (at least half of the distinct times became one with another). Expected seconds
are computed by hand (2024-01-01T00:00:00Z is 1704067200)."""

from __future__ import annotations

import warnings

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.data.files import load_table
from recstack.data.interactions import MergedTimesWarning

MIDNIGHT = 1704067200
FOUR_IN_TWO_SECONDS = ["2024-01-01T00:00:05.100", "2024-01-01T00:00:05.700",
                       "2024-01-01T00:00:06.200", "2024-01-01T00:00:06.900"]


def _merged(caught: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in caught if issubclass(w.category, MergedTimesWarning)]


def _table(times) -> pa.Table:
    return pa.table({"user_id": ["u", "u", "v", "v"][:len(times)],
                     "item_id": ["a", "b", "a", "b"][:len(times)], "timestamp": times})


def test_iso_text_with_fractions_mostly_merged_is_warned_of(tmp_path):
    path = tmp_path / "text.parquet"
    pq.write_table(_table(FOUR_IN_TWO_SECONDS), path)
    with pytest.warns(MergedTimesWarning, match="ISO-8601 text with fractions of a second, "
                      "the 4 distinct times of 4 rows became 2"):
        data = load_table(path)
    assert data.timestamp.tolist() == [MIDNIGHT + 5, MIDNIGHT + 5, MIDNIGHT + 6, MIDNIGHT + 6]


def test_iso_text_in_a_csv_is_warned_of(tmp_path):
    path = tmp_path / "times.csv"
    path.write_text("user_id,item_id,timestamp\n" + "".join(
        f"{u},{i},{t}\n" for u, i, t in zip("uuvv", "abab", FOUR_IN_TWO_SECONDS, strict=True)))
    with pytest.warns(MergedTimesWarning, match="4 distinct times of 4 rows became 2"):
        load_table(path)


def test_typed_date_times_with_fractions_are_warned_of(tmp_path):
    path = tmp_path / "typed.parquet"
    pq.write_table(_table(pa.array(pd.to_datetime(FOUR_IN_TWO_SECONDS))), path)
    with pytest.warns(MergedTimesWarning, match="date-times with fractions of a second"):
        data = load_table(path)
    assert data.timestamp.tolist()[0] == MIDNIGHT + 5


def test_a_strptime_pattern_with_fractions_is_warned_of(tmp_path):
    path = tmp_path / "pattern.csv"
    path.write_text("user_id,item_id,timestamp\nu,a,01/01/2024 00:00:05.1\n"
                    "u,b,01/01/2024 00:00:05.7\n")
    with pytest.warns(MergedTimesWarning, match="text in the pattern"):
        data = load_table(path, timestamp_format="%d/%m/%Y %H:%M:%S.%f")
    assert data.timestamp.tolist() == [MIDNIGHT + 5, MIDNIGHT + 5]


@pytest.mark.parametrize("times", [
    # 3 distinct times became 2 seconds: fewer than half merged, as for numbers
    ["2024-01-01T00:00:05.100", "2024-01-01T00:00:05.700", "2024-01-01T00:00:06.200"],
    # whole seconds: nothing floored
    ["2024-01-01T00:00:05", "2024-01-01T00:00:05", "2024-01-01T00:00:06"],
    # fractions, each time in a second of its own
    ["2024-01-01T00:00:05.5", "2024-01-01T00:00:06.5", "2024-01-01T00:00:07.5"],
])
def test_text_times_within_the_half_rule_are_read_silently(tmp_path, times):
    path = tmp_path / "few.parquet"
    pq.write_table(_table(times), path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        load_table(path)
    assert _merged(caught) == []


def test_text_times_before_1678_are_still_read(tmp_path):
    # pandas keeps such times in a unit coarser than nanoseconds: the check reads that unit
    path = tmp_path / "old.parquet"
    pq.write_table(_table(["0005-01-01T00:00:05.100", "0005-01-01T00:00:05.700"]), path)
    with pytest.warns(MergedTimesWarning, match="2 distinct times of 2 rows became 1"):
        data = load_table(path)
    assert data.timestamp.tolist()[0] == data.timestamp.tolist()[1]
