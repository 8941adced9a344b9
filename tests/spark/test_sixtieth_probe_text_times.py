"""Sixtieth bad-input probe of the Spark path: a Parquet file whose timestamps are text
(ISO-8601 date-times, fractional or exponent digits), as a database export or pandas
writes one. One machine reads such a column (numbers as Unix seconds, floored; ISO text as
UTC unless it gives an offset); Spark refused all but integer digits ("cannot read
'2024-01-01T00:00:00' as whole Unix seconds"). Both paths must give the same seconds, with
the session's time zone set elsewhere than UTC."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.data.files import load_table
from recstack.errors import DataFormatError

# 2024-01-01T00:00:00Z: 19723 days after 1970-01-01
JAN_1 = 19_723 * 86_400

CASES = [
    (["2024-01-01T00:00:00", "2024-01-01 10:00:00", "2024-01-02T00:00:00+02:00"],
     [JAN_1, JAN_1 + 36_000, JAN_1 + 86_400 - 7_200]),
    (["2024-01-01T10:00:00Z", "2024-01-01T10:00:00-05:30", "2024-01-01 10:00:00.7"],
     [JAN_1 + 36_000, JAN_1 + 36_000 + 19_800, JAN_1 + 36_000]),
    ([f"{JAN_1}.5", "-1.5", "1e9"], [JAN_1, -2, 1_000_000_000]),
    ([" 2024-01-01 ", "2024-01-01T00:00:01", "\t2024-01-01 00:00:02 "],
     [JAN_1, JAN_1 + 1, JAN_1 + 2]),
    ([f" {JAN_1} ", f"+{JAN_1 + 1}", f"{JAN_1 + 2}.9"], [JAN_1, JAN_1 + 1, JAN_1 + 2]),
]


def _parquet(tmp_path, times):
    path = tmp_path / "log.parquet"
    pq.write_table(pa.table({"user_id": [1, 2, 3], "item_id": [4, 5, 6],
                             "value": [1.0, 2.0, 3.0], "timestamp": pa.array(times)}), path)
    return path


@pytest.mark.parametrize(("times", "seconds"), CASES)
def test_text_times_read_as_on_one_machine(spark, tmp_path, times, seconds):
    from recstack.spark.data import read_table

    path = _parquet(tmp_path, times)
    zone = spark.conf.get("spark.sql.session.timeZone")
    spark.conf.set("spark.sql.session.timeZone", "Asia/Tokyo")
    try:
        data = read_table(spark, str(path), value_col="value", timestamp_col="timestamp")
        got = data.to_interactions().to_frame().sort_values("user_id")["timestamp"].tolist()
    finally:
        spark.conf.set("spark.sql.session.timeZone", zone)
    assert got == seconds
    assert got == load_table(path).to_frame().sort_values("user_id")["timestamp"].tolist()


@pytest.mark.parametrize("bad", ["yesterday", "nan", "inf", "2024-02-30"])
def test_text_that_is_no_time_is_refused_by_its_value(spark, tmp_path, bad):
    from recstack.spark.data import read_table

    path = _parquet(tmp_path, ["2024-01-01", bad, "2024-01-02"])
    with pytest.raises(DataFormatError, match=rf"column 'timestamp': cannot read '{bad}' as "
                                              r"whole Unix seconds or an ISO-8601 date-time, "
                                              r"on the row \(user_id=2, item_id=5, "
                                              rf"value=2\.0, timestamp='{bad}'\)"):
        read_table(spark, str(path), value_col="value", timestamp_col="timestamp")


@pytest.mark.parametrize("times", [["2024-01-01", str(JAN_1), "2024-01-02"],
                                   [str(JAN_1), "2024-01-01T00:00:00Z", "5"]])
def test_numbers_and_date_text_in_one_column_are_refused(spark, tmp_path, times):
    # one machine refuses the mix (which form is the column's?); Spark read both
    from recstack.spark.data import read_table

    path = _parquet(tmp_path, times)
    with pytest.raises(DataFormatError, match="in a column of"):
        load_table(path)
    with pytest.raises(DataFormatError, match=r"column 'timestamp': holds both Unix times, "
                                              r"such as .* and date-time text, such as .*"
                                              r"\(expected one form for the whole column"):
        read_table(spark, str(path), value_col="value", timestamp_col="timestamp")


@pytest.mark.parametrize("times", [
    pa.array(["2024-01-01T00:00:00", "2024-01-01 00:01:40", "2024-01-02"]),
    pa.array([JAN_1 * 10**6, (JAN_1 + 100) * 10**6, (JAN_1 + 86_400) * 10**6],
             pa.timestamp("us", tz="UTC")),
    pa.array([JAN_1 + 0.5, JAN_1 + 100.0, JAN_1 + 86_400.7]),
], ids=["text", "date-times", "fractional"])
def test_a_time_range_on_a_partitioned_dataset_bounds_the_seconds(spark, tmp_path, times):
    # with a range, text and typed times were compared with the bound's number as they
    # were: CAST_INVALID_INPUT and DATATYPE_MISMATCH tracebacks from Spark
    from recstack.data.partitioned import read_partitioned as read_on_one_machine
    from recstack.spark.data import read_partitioned

    folder = tmp_path / "log" / "year=2024" / "month=01"
    folder.mkdir(parents=True)
    pq.write_table(pa.table({"user_id": [1, 2, 3], "item_id": [4, 5, 6],
                             "value": [1.0, 2.0, 3.0], "timestamp": times}),
                   folder / "part-0.parquet")
    bounds = {"start": JAN_1 + 100, "end": JAN_1 + 86_400}
    got = read_partitioned(spark, str(tmp_path / "log"), **bounds).to_interactions()
    assert got.timestamp.tolist() == [JAN_1 + 100]
    assert got.to_frame()["user_id"].tolist() == [2]
    assert read_on_one_machine(tmp_path / "log", **bounds).timestamp.tolist() == [JAN_1 + 100]
    everything = read_partitioned(spark, str(tmp_path / "log")).to_interactions()
    assert sorted(everything.timestamp.tolist()) == [JAN_1, JAN_1 + 100, JAN_1 + 86_400]


@pytest.mark.parametrize("times", [
    pa.array(["2024-01-01T00:00:00", "2024-02-01T00:00:00Z", "2024-01-02"]),
    pa.array([JAN_1 + 0.5, JAN_1 + 31 * 86_400 + 0.5, JAN_1 + 86_400.7]),
], ids=["text", "fractional"])
def test_a_text_or_fractional_time_outside_its_folder_is_refused(spark, tmp_path, times):
    # as one machine refuses it: only integer seconds were checked here, and a time range
    # that left the folder out would lose the February row without a word
    from recstack.spark.data import read_partitioned

    folder = tmp_path / "log" / "year=2024" / "month=01"
    folder.mkdir(parents=True)
    pq.write_table(pa.table({"user_id": [1, 2, 3], "item_id": [4, 5, 6],
                             "value": [1.0, 2.0, 3.0], "timestamp": times}),
                   folder / "part-0.parquet")
    with pytest.raises(DataFormatError, match=r"the time 1706745600 \(2024-02-01T00:00:00Z\) "
                                              r"is outside its folder year=2024/month=01"):
        read_partitioned(spark, str(tmp_path / "log"))
