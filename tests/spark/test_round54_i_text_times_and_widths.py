"""ISO-8601 text with fractions of a second orders a user's rows on Spark whatever the file's
format (Spark reads a CSV's ISO text as date-times, a Parquet string column as text), its
whole seconds agree with one machine's reader, and the CSV row-width check still refuses a
long or short row now that it rides on the read that decides the ids' type."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from recstack.data.interactions import MergedTimesWarning
from recstack.errors import DataFormatError

# each user's two later events share one second, the later written first: by time the last
# event of u is "A" (.7 after .2) and of v, before 1970, "B" (.9 after .4)
_ROWS = pd.DataFrame({
    "user_id": ["u", "u", "u", "v", "v", "v"],
    "item_id": ["x", "A", "B", "x", "B", "A"],
    "timestamp": ["2024-01-01T00:00:05", "2024-01-01T00:00:10.7", "2024-01-01T00:00:10.2",
                  "1969-12-31T23:59:50", "1969-12-31T23:59:59.9", "1969-12-31T23:59:59.4"]})
# by hand: 2024-01-01T00:00:00Z is 1704067200; 1969-12-31T23:59:59.x floors to -1
_SECONDS = [-10, -1, -1, 1704067205, 1704067210, 1704067210]
_LATEST = [("u", "A"), ("v", "B")]


def _held_out(split) -> list[tuple[str, str]]:
    test = split.test.to_interactions()
    return sorted(zip(test.users.to_external(test.user_index).tolist(),
                      test.items.to_external(test.item_index).tolist(), strict=True))


@pytest.mark.parametrize("suffix", ["parquet", "csv"])
def test_iso_text_fractions_order_rows_as_in_every_format(spark, tmp_path, suffix):
    from recstack.data.files import load_table
    from recstack.spark.data import leave_last_out, read_table

    path = tmp_path / f"times.{suffix}"
    if suffix == "parquet":
        _ROWS.to_parquet(path)
    else:
        _ROWS.to_csv(path, index=False)
    with pytest.warns(MergedTimesWarning, match="one whole second"):
        data = read_table(spark, path, timestamp_col="timestamp")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # pyspark on pandas 3
        # the same whole seconds as one machine's reader of the same file
        assert sorted(data.to_interactions().timestamp.tolist()) == _SECONDS
        assert sorted(load_table(path, timestamp_col="timestamp").timestamp.tolist()) == _SECONDS
        # the fraction, not the row order, says which event came last (Parquet's text
        # was ordered by row before, CSV's inferred date-times by time)
        assert _held_out(leave_last_out(data, 1)) == _LATEST


@pytest.mark.parametrize(("text", "fields"), [("1,3,4,9\n", 4), ("2,5\n", 2)])
def test_a_row_of_another_width_is_still_refused(spark, tmp_path, text, fields):
    from recstack.spark.data import read_table

    path = tmp_path / "ratings.csv"
    path.write_text("user_id,item_id,rating\n1,2,5\n" + text + "3,4,1\n")
    with pytest.raises(DataFormatError, match=rf"has {fields} field\(s\).*3 fields separated"):
        read_table(spark, path, value_col="rating")


def test_the_width_check_column_stays_out_of_the_data(spark, tmp_path):
    from recstack.spark.data import read_table

    path = tmp_path / "ratings.csv"
    path.write_text("user_id,item_id,rating\n1,2,5\n2,3,4\n")
    data = read_table(spark, path, value_col="rating")
    assert not any("corrupt" in column for column in data.frame.columns)
    assert sorted(data.to_interactions().value.tolist()) == [4.0, 5.0]
