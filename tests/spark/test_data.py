"""The distributed filters and splits against the single-machine ones."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data import splits as local
from recstack.data.filters import KCore
from recstack.data.interactions import Interactions
from recstack.errors import DataFormatError
from recstack.spark import data as sd


def _rows(split_part: Interactions) -> pd.DataFrame:
    """A part's rows by external ids, in a canonical order."""
    frame = split_part.to_frame()
    return frame.sort_values(list(frame.columns), kind="stable").reset_index(drop=True)


def _same_rows(spark_part: sd.SparkInteractions, local_part: Interactions) -> None:
    got = _rows(spark_part.to_interactions())
    want = _rows(local_part)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)


@pytest.mark.slow
@pytest.mark.realdata
def test_k_core_equals_single_machine_on_ml100k(spark, ml100k):
    want, want_step = KCore(user_min=30, item_min=20).apply(ml100k)
    got, got_step = sd.k_core(sd.from_interactions(spark, ml100k), 30, 20)
    assert got_step == want_step
    assert len(want_step.details["rounds"]) >= 2  # the iteration matters
    _same_rows(got, want)
    # the compacted indices mean the same ids
    assert np.array_equal(got.to_interactions().users.external_ids, want.users.external_ids)


@pytest.mark.slow
@pytest.mark.realdata
def test_temporal_and_leave_last_n_equal_single_machine_on_ml100k(spark, ml100k):
    data = sd.from_interactions(spark, ml100k)
    for got, want in ((sd.temporal_split(data, test_fraction=0.2),
                       local.temporal_split(ml100k, test_fraction=0.2)),
                      (sd.leave_last_out(data, 3), local.leave_last_out(ml100k, 3))):
        assert got.report == want.report
        _same_rows(got.train, want.train)
        _same_rows(got.test, want.test)
        _same_rows(got.set_apart, want.set_apart)


def test_leave_last_out_breaks_time_ties_by_row_order(spark):
    # user 1's three rows share one time: the later row (item 30) is the "last"
    data = Interactions.from_arrays([1, 1, 1, 2, 2, 2], [10, 20, 30, 10, 20, 30],
                                    timestamps=[5, 5, 5, 1, 2, 0])
    got = sd.leave_last_out(sd.from_interactions(spark, data), 1)
    test = got.test.to_interactions().to_frame()
    assert sorted(zip(test.user_id, test.item_id, strict=True)) == [(1, 30), (2, 20)]


@pytest.mark.slow
@pytest.mark.realdata
def test_random_split_has_single_machine_counts_and_is_uniform(spark, ml100k):
    data = sd.from_interactions(spark, ml100k)
    got = sd.random_split(data, 0.2, seed=7)
    want = local.random_split(ml100k, 0.2, seed=7)
    chosen = lambda s: s.test.user_counts() + s.set_apart.user_counts()  # noqa: E731
    assert np.array_equal(chosen(got_local := _as_local(got)), chosen(want))
    assert got.report.train_rows == want.report.train_rows
    # another seed draws other rows; the same seed the same ones, whatever the partitioning
    again = sd.random_split(data.with_frame(data.frame.repartition(7)), 0.2, seed=7)
    assert _rows(_as_local(again).test).equals(_rows(got_local.test))
    other = _as_local(sd.random_split(data, 0.2, seed=8))
    assert not _rows(other.test).equals(_rows(got_local.test))
    # uniform: users' earliest rows go to test about as often as any row (~20%); a biased
    # key (e.g. ordering by row, which follows time here) would pick them always or never
    order = np.lexsort([ml100k.timestamp, ml100k.user_index])
    starts = np.r_[0, np.cumsum(ml100k.user_counts())[:-1]]
    chosen_rows = got.test.frame.select(sd.ROW).toPandas()[sd.ROW].to_numpy()
    share_first = np.isin(order[starts], chosen_rows).mean()
    assert 0.15 < share_first < 0.25


def _as_local(split: sd.SparkSplit) -> local.Split:
    return local.Split(split.train.to_interactions(), split.test.to_interactions(),
                       split.set_apart.to_interactions(), split.report)


def test_encoding_follows_sorted_ids_like_idmap(spark, tmp_path):
    frame = pd.DataFrame({"who": ["b", "a", "c", "a"], "what": [30, 10, 20, 30],
                          "stars": [1.0, 2.0, 3.0, 4.0], "when": [4, 3, 2, 1]})
    frame.to_csv(tmp_path / "log.csv", index=False)
    got = sd.read_table(spark, tmp_path / "log.csv", user_col="who", item_col="what",
                        value_col="stars", timestamp_col="when").to_interactions()
    want = Interactions.from_frame(frame, user_col="who", item_col="what", value_col="stars",
                                   timestamp_col="when")
    assert got.users.external_ids.tolist() == ["a", "b", "c"]
    assert np.array_equal(got.user_index, want.user_index)
    assert np.array_equal(got.item_index, want.item_index)


def test_unknown_column_names_the_file_and_the_columns(spark, tmp_path):
    from recstack.errors import UnknownColumnError

    pd.DataFrame({"u": [1], "i": [2]}).to_csv(tmp_path / "log.csv", index=False)
    with pytest.raises(UnknownColumnError, match=r"log.csv: no column 'item' for item ids; "
                                                 r"the columns are: 'u', 'i'"):
        sd.read_table(spark, tmp_path / "log.csv", user_col="u", item_col="item")


def test_partitioned_read_prunes_folders_and_bounds_exactly(spark, tmp_path):
    from recstack.data.partitioned import read_partitioned, write_partitioned

    day = 86_400
    start = 1_704_067_200  # 2024-01-01
    times = start + np.array([0, 40, 70, 100, 130, 160]) * day + 5
    data = Interactions.from_arrays([1, 2, 1, 3, 2, 1], [5, 6, 7, 5, 6, 7], timestamps=times)
    write_partitioned(data, tmp_path / "log")
    frame = sd.partitioned_frame(spark, tmp_path / "log", start="2024-02-10", end="2024-04-11")
    folders = {f.split("/log/")[1].rsplit("/", 1)[0] for f in sd.input_files(frame)}
    assert folders == {"year=2024/month=02", "year=2024/month=03", "year=2024/month=04"}
    got = sd.read_partitioned(spark, tmp_path / "log", start="2024-02-10", end="2024-04-11")
    want = read_partitioned(tmp_path / "log", start="2024-02-10", end="2024-04-11")
    assert _rows(got.to_interactions()).equals(_rows(want))
    assert len(want) == 3  # days 40, 70 and 100: 2024-02-10, 2024-03-11, 2024-04-10


def test_text_ids_are_trimmed_as_by_the_single_machine_loaders(spark):
    frame = spark.createDataFrame(pd.DataFrame({"user_id": [" a", "a\t", "b"],
                                                "item_id": ["x", " y", "x "]}))
    data = sd.encode(frame)
    assert sorted(data.users.toPandas()["user_id"]) == ["a", "b"]
    assert sorted(data.items.toPandas()["item_id"]) == ["x", "y"]
    blank = spark.createDataFrame(pd.DataFrame({"user_id": ["a", "  "], "item_id": ["x", "y"]}))
    with pytest.raises(DataFormatError, match=r"column 'user_id'.*an empty id on the row"):
        sd.encode(blank, where="events.parquet")
