"""Spark keeps the fraction of a second as the order of one user's rows within that second
(the data say 10.7 came after 10.2, though both are second 10), warns of the merge with one
machine's MergedTimesWarning, and carries nothing extra where no order rests on it."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from recstack.data.interactions import MergedTimesWarning
from recstack.data.splits import TiedLastRowsWarning


def _encoded(spark, rows):
    from recstack.spark.data import encode

    frame = spark.createDataFrame(pd.DataFrame(
        rows, columns=["user_id", "item_id", "timestamp", "row"]))
    return encode(frame)


# each user: item "x" at a whole second, then two items in one later second, the later
# time written first, so row order says the opposite of the times: the latest event of u
# and w is "A", of v "B" (every item is in every user's history, so none is cold)
_REVERSED_IN_ONE_SECOND = [
    ("u", "x", 5.0, 0), ("u", "A", 10.7, 1), ("u", "B", 10.2, 2),
    ("v", "x", 3.0, 3), ("v", "B", 20.9, 4), ("v", "A", 20.4, 5),
    ("w", "x", 4.0, 6), ("w", "A", 30.6, 7), ("w", "B", 30.1, 8),
]
_LATEST = {"u": "A", "v": "B", "w": "A"}


def _pairs(part) -> list[tuple[str, str]]:
    table = part.to_interactions()
    return sorted(zip(table.users.to_external(table.user_index).tolist(),
                      table.items.to_external(table.item_index).tolist(), strict=True))


def test_leave_last_out_holds_out_the_later_fraction_and_warns(spark):
    from recstack.spark.data import leave_last_out

    with pytest.warns(MergedTimesWarning, match=r"10\.2.*10\.7.*one whole second \(10") as seen:
        data = _encoded(spark, _REVERSED_IN_ONE_SECOND)
    merged = [w for w in seen if issubclass(w.category, MergedTimesWarning)]
    assert len(merged) == 1 and "3 such user-second(s)" in str(merged[0].message)
    with warnings.catch_warnings():
        # 10.7 and 10.2 are no tie: nothing to warn of
        warnings.simplefilter("error", TiedLastRowsWarning)
        split = leave_last_out(data, 1)
    # by hand: each user's latest time is the .6/.7/.9 row, whatever the row order
    assert _pairs(split.test) == sorted(_LATEST.items())
    # the timestamp column itself keeps whole seconds, as one machine keeps them
    assert sorted(split.test.to_interactions().timestamp.tolist()) == [10, 20, 30]


def test_user_split_by_time_targets_the_later_fraction(spark):
    from recstack.spark.splits import user_split

    with pytest.warns(MergedTimesWarning):
        data = _encoded(spark, _REVERSED_IN_ONE_SECOND)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # no fold-in warnings etc.: not what is tested
        split = user_split(data, 0.34, fold_in_fraction=0.8, by_time=True, seed=0)
    # one held-out user of three; of its 3 rows round(0.2 x 3) = 1 target, its latest event
    (user, item), = _pairs(split.test)
    assert item == _LATEST[user]
    assert split.fold_in is not None
    other = "B" if item == "A" else "A"
    assert _pairs(split.fold_in) == sorted([(user, "x"), (user, other)])


def test_deduplicate_last_keeps_the_later_fraction(spark):
    rows = [("u", "a", 10.7, 0), ("u", "a", 10.2, 1), ("u", "b", 3.0, 2)]
    with pytest.warns(MergedTimesWarning):
        data = _encoded(spark, rows)
    from recstack.spark.data import TIME_FRACTION
    from recstack.spark.filters import deduplicated as deduplicate

    for policy in ("last", "sum"):
        kept = deduplicate(data, policy).frame.orderBy("item_index").collect()
        # the pair (u, a) keeps the time of its later event, 10.7, fraction and all
        assert [row["timestamp"] for row in kept] == [10, 3]
        assert [round(row[TIME_FRACTION], 9) for row in kept] == [0.7, 0.0]


def test_times_that_keep_their_own_second_carry_no_fraction_and_no_warning(spark):
    from recstack.spark.data import TIME_FRACTION

    # 10.5 and 10.5 are one time; 11.2 is another second; user v's 10.7 is another user
    rows = [("u", "a", 10.5, 0), ("u", "b", 10.5, 1), ("u", "c", 11.2, 2),
            ("v", "a", 10.7, 3)]
    with warnings.catch_warnings():
        warnings.simplefilter("error", MergedTimesWarning)
        data = _encoded(spark, rows)
    assert TIME_FRACTION not in data.frame.columns
    assert sorted(r["timestamp"] for r in data.frame.collect()) == [10, 10, 10, 11]


def test_numbers_as_text_keep_their_fraction(spark):
    from recstack.spark.data import leave_last_out

    rows = [(user, item, str(time), row) for user, item, time, row in _REVERSED_IN_ONE_SECOND]
    with pytest.warns(MergedTimesWarning):
        data = _encoded(spark, rows)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # pyspark's words on pandas 3
        assert _pairs(leave_last_out(data, 1).test) == sorted(_LATEST.items())


def test_date_times_keep_their_microseconds(spark):
    from recstack.spark.data import leave_last_out

    epoch = pd.Timestamp("2024-01-01", tz="UTC")
    rows = [(user, item, epoch + pd.Timedelta(seconds=time), row)
            for user, item, time, row in _REVERSED_IN_ONE_SECOND]
    with pytest.warns(MergedTimesWarning):
        data = _encoded(spark, rows)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # pyspark's words on pandas 3
        assert _pairs(leave_last_out(data, 1).test) == sorted(_LATEST.items())


def test_the_ordering_column_stays_out_of_written_files(spark, tmp_path):
    # the hidden ordering column was written into the user's Parquet files, which no
    # reader takes back
    import pyarrow.parquet as pq

    from recstack.spark.data import TIME_FRACTION, write_parquet

    with pytest.warns(MergedTimesWarning):
        data = _encoded(spark, _REVERSED_IN_ONE_SECOND)
    assert TIME_FRACTION in data.frame.columns
    write_parquet(data.frame, tmp_path / "out")
    written = pq.read_table(tmp_path / "out")
    assert TIME_FRACTION not in written.column_names
    assert written.num_rows == len(_REVERSED_IN_ONE_SECOND)
