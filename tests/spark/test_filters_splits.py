"""The remaining filters and splits on Spark against the single-machine ones, driven by the
same specs; the MovieLens reader and its side tables."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from recstack.data import filters as local_filters
from recstack.data.filters import FILTERS, FilterSpec
from recstack.data.interactions import Interactions
from recstack.data.splits import SPLITS, SplitSpec
from recstack.errors import ConfigError, EmptyResultError, RecstackError
from recstack.spark import data as sd
from recstack.spark import filters as sf
from recstack.spark import splits as ss


def _rows(part: Interactions) -> pd.DataFrame:
    frame = part.to_frame()
    return frame.sort_values(list(frame.columns), kind="stable").reset_index(drop=True)


def _ml100k_folder() -> Path:
    root = os.environ.get("RECSTACK_DATASETS")
    if not root or not (Path(root) / "ml-100k").is_dir():
        pytest.skip("RECSTACK_DATASETS does not name a folder holding ml-100k/")
    return Path(root) / "ml-100k"


@pytest.mark.slow
@pytest.mark.realdata
def test_movielens_reader_equals_single_machine_with_side_tables(spark, ml100k):
    data = sd.read_movielens(spark, _ml100k_folder())
    read = data.to_interactions()
    # the same rows in the same order, the same encoding, the same side tables
    for name in ("user_index", "item_index", "value", "timestamp"):
        assert np.array_equal(getattr(read, name), getattr(ml100k, name)), name
    assert np.array_equal(read.items.external_ids, ml100k.items.external_ids)
    pd.testing.assert_frame_equal(read.item_table, ml100k.item_table, check_dtype=False)
    pd.testing.assert_frame_equal(read.user_table, ml100k.user_table, check_dtype=False)


@pytest.mark.slow
@pytest.mark.realdata
def test_filters_from_specs_equal_single_machine_and_carry_side_tables(spark, ml100k):
    data = sd.from_interactions(spark, ml100k)  # carries the item and user tables
    # an experiment file's [[filters]] as the config reader builds them
    specs = [FILTERS.build("min_value", {"threshold": 3}),
             FILTERS.build("time_window", {"start": "1997-10-01"}),
             FILTERS.build("deduplicate", {"policy": "max"}),
             FILTERS.build("k_core", {"user_min": 10, "item_min": 10})]
    got, got_steps = sf.apply_filters(data, specs)
    want, want_steps = local_filters.apply_filters(ml100k, specs)
    assert got_steps == want_steps
    assert [s.rows_after for s in want_steps] == [82520, 76904, 76904, 74734]  # all bite
    got_local = got.to_interactions()
    assert _rows(got_local).equals(_rows(want))
    assert np.array_equal(got_local.items.external_ids, want.items.external_ids)
    # compaction renumbered the side tables with the vocabularies (569 items dropped)
    pd.testing.assert_frame_equal(got_local.item_table, want.item_table, check_dtype=False)
    pd.testing.assert_frame_equal(got_local.user_table, want.user_table, check_dtype=False)


def _duplicated() -> Interactions:
    # pair (a, x) three times: times 5, 5, 2 (a tie at the latest time: the later row wins
    # "last", the earlier "first"); (b, y) twice; values not integers, so the float32
    # storage of the means matters
    return Interactions.from_arrays(
        ["a", "b", "a", "c", "a", "b", "c"], ["x", "y", "x", "x", "x", "y", "z"],
        [1.5, 2.0, 3.25, 4.0, 0.1, 5.0, 1.0], [5, 7, 5, 1, 2, 3, 9])


@pytest.mark.parametrize("policy", ["first", "last", "sum", "max", "mean"])
def test_deduplicate_equals_single_machine_in_order(spark, policy):
    data = _duplicated()
    got, got_step = sf.deduplicate(sd.from_interactions(spark, data), policy)
    want, want_step = local_filters.Deduplicate(policy).apply(data)
    assert got_step == want_step
    # row for row in the single-machine order (by user, then item)
    pd.testing.assert_frame_equal(got.to_interactions().to_frame(), want.to_frame())


def test_deduplicate_error_and_min_value_in_float32(spark):
    data = _duplicated()
    with pytest.raises(RecstackError, match=r"^3 duplicate \(user, item\) rows, e\.g\. user "
                                            r"'a' and item 'x'; choose a policy"):
        sf.deduplicate(sd.from_interactions(spark, data), "error")
    # float32(3.6) < 3.6: numpy compares the float32 values with float32(3.6), so the row
    # stored as 3.6 is kept; a float64 comparison would drop it
    values = Interactions.from_arrays([1, 2, 3], [1, 1, 2], [3.6, 3.5, 4.0])
    got, step = sf.min_value(sd.from_interactions(spark, values), 3.6)
    want, want_step = local_filters.MinValue(3.6).apply(values)
    assert len(want) == 2 and step == want_step
    assert _rows(got.to_interactions()).equals(_rows(want))


def test_time_window_and_apply_filters_report_like_single_machine(spark):
    data = Interactions.from_arrays([1, 1, 2, 3], [1, 2, 2, 3], timestamps=[10, 20, 30, 40])
    got, step = sf.time_window(sd.from_interactions(spark, data), 20, 40)
    want, want_step = local_filters.TimeWindow(20, 40).apply(data)
    assert step == want_step and (step.users_after, step.items_after) == (2, 1)
    assert _rows(got.to_interactions()).equals(_rows(want))
    with pytest.raises(EmptyResultError, match=r"filter step 2 of 2, min_value\(threshold=9\), "
                                               r"removed all 2 remaining rows"):
        sf.apply_filters(sd.from_interactions(spark, data),
                         [local_filters.TimeWindow(20, 40), local_filters.MinValue(9)])
    with pytest.raises(RecstackError, match="no timestamps to slice by"):
        sf.time_window(sd.from_interactions(spark, Interactions.from_arrays([1], [2])), 0, 1)


def test_unsupported_specs_are_refused_by_name(spark):
    @FILTERS.register("toy_filter")
    @dataclass(frozen=True)
    class ToyFilter(FilterSpec):
        pass

    @SPLITS.register("toy_split")
    @dataclass(frozen=True)
    class ToySplit(SplitSpec):
        pass

    data = sd.from_interactions(spark, Interactions.from_arrays([1, 2], [1, 1]))
    try:
        with pytest.raises(RecstackError, match=r"filter step 2: toy_filter has no distributed "
                                                r"version in the Spark backend; it runs k_core, "
                                                "min_value, time_window, deduplicate"):
            sf.apply_filters(data, [local_filters.MinValue(0), ToyFilter()])
        with pytest.raises(RecstackError, match=r"split method 'toy_split' has no distributed "
                                                r"version in the Spark backend; it runs random"):
            ss.apply_split(data, ToySplit())
    finally:
        FILTERS.unregister("toy_filter")
        SPLITS.unregister("toy_split")
    with pytest.raises(ConfigError, match="filter step 1: expected a filter"):
        sf.apply_filters(data, [{"type": "k_core"}])


def _per_user(part: Interactions | None, n_users: int) -> np.ndarray:
    return np.zeros(n_users, int) if part is None else part.user_counts()


@pytest.mark.slow
@pytest.mark.realdata
def test_user_split_has_single_machine_sizes_and_is_uniform(spark, ml100k):
    data = sd.from_interactions(spark, ml100k)
    spec = SPLITS.build("users", {"test_users": 0.2, "seed": 3})
    (got,) = ss.apply_split(data, spec)
    (want,) = spec.apply(ml100k)
    n = ml100k.user_counts()

    def held_counts(split):
        parts = [split.test, split.fold_in, split.set_apart]
        return [_per_user(p if isinstance(p, Interactions) else p.to_interactions(), len(n))
                for p in parts]

    for test, fold_in, set_apart in (held_counts(got), held_counts(want)):
        held = (test + fold_in + set_apart) > 0
        assert held.sum() == 189  # round(0.2 * 943) users, on both paths
        # a held-out user's rows all leave training; max(round(0.2 * n), 1) are targets
        assert np.array_equal((test + fold_in + set_apart)[held], n[held])
        target = np.maximum(np.floor(0.2 * n + 0.5), 1)
        assert np.all(test[held] <= target[held])
        assert np.all(test[held] + set_apart[held] >= target[held])
    assert got.report.method == "user" and got.report.params == want.report.params
    assert got.report.users_without_test == 0
    total = got.report.test_rows + got.report.cold_item_rows
    total += got.report.fold_in_rows + got.report.cold_fold_in_rows
    assert got.report.train_rows + total == len(ml100k)
    # uniform over users: held-out users' mean history is the population's (~106 rows;
    # the standard error of a 189-user mean is ~7), and another seed holds out others
    got_test = _per_user(got.test.to_interactions(), len(n))
    held_mean = n[(got_test + _per_user(got.fold_in.to_interactions(), len(n))) > 0].mean()
    assert abs(held_mean - n.mean()) < 25
    (other,) = ss.apply_split(data, SPLITS.build("users", {"test_users": 0.2, "seed": 4}))
    assert not np.array_equal(_per_user(other.test.to_interactions(), len(n)) > 0, got_test > 0)


@pytest.mark.slow
@pytest.mark.realdata
def test_user_split_by_time_targets_each_users_latest_rows(spark, ml100k):
    (got,) = ss.apply_split(sd.from_interactions(spark, ml100k),
                            SPLITS.build("users", {"test_users": 0.1, "by_time": True}))
    test = got.test.to_interactions().to_frame().groupby("user_id")["timestamp"].min()
    fold_in = got.fold_in.to_interactions().to_frame().groupby("user_id")["timestamp"].max()
    assert len(test) == 94 and (test >= fold_in.reindex(test.index)).all()


@pytest.mark.slow
@pytest.mark.realdata
def test_kfold_has_single_machine_fold_sizes_per_user_and_partitions_the_rows(spark, ml100k):
    data = sd.from_interactions(spark, ml100k)
    k = 3
    got = ss.apply_split(data, SPLITS.build("kfold", {"k": k, "seed": 1}))
    want = SPLITS.build("kfold", {"k": k, "seed": 1}).apply(ml100k)
    assert [s.report.params for s in got] == [s.report.params for s in want]

    def fold_counts(splits, to_local):
        return np.stack([_per_user(to_local(s.test), ml100k.n_users)
                         + _per_user(to_local(s.set_apart), ml100k.n_users) for s in splits])

    got_counts = fold_counts(got, lambda p: p.to_interactions())
    want_counts = fold_counts(want, lambda p: p)
    # per user, the same multiset of fold sizes: floor(n / k) or ceil(n / k)
    assert np.array_equal(np.sort(got_counts, axis=0), np.sort(want_counts, axis=0))
    # the test parts partition the rows: every row is in exactly one fold's test
    chosen = np.concatenate([s.test.frame.select(sd.ROW).toPandas()[sd.ROW].to_numpy()
                             for s in got]
                            + [s.set_apart.frame.select(sd.ROW).toPandas()[sd.ROW].to_numpy()
                               for s in got])
    assert np.array_equal(np.sort(chosen), np.arange(len(ml100k)))
    for split, counts in zip(got, got_counts, strict=True):
        assert split.report.train_rows == len(ml100k) - counts.sum()
    # the per-user offsets are uniform: the folds' row totals differ by a few dozen of
    # 33,333 (fold 0 always first would make it the largest by ~300)
    assert np.ptp(got_counts.sum(axis=1)) < 150


@pytest.mark.slow
@pytest.mark.realdata
def test_unstratified_kfold_has_single_machine_fold_sizes(spark, ml100k):
    data = sd.from_interactions(spark, ml100k)
    k = 3
    flat = ss.apply_split(data, SPLITS.build("kfold", {"k": k, "stratify": "none"}))
    flat_want = SPLITS.build("kfold", {"k": k, "stratify": "none"}).apply(ml100k)
    assert ([s.report.test_rows + s.report.set_apart_rows for s in flat]
            == [s.report.test_rows + s.report.set_apart_rows for s in flat_want]
            == [33334, 33333, 33333])


def test_user_split_refuses_like_single_machine(spark):
    data = Interactions.from_arrays([1, 1, 2, 2], [1, 2, 1, 2])
    with pytest.raises(EmptyResultError, match="holding out the one user"):
        ss.user_split(sd.from_interactions(spark, data.select([0, 1])), 0.5)
    with pytest.raises(RecstackError, match="by_time needs timestamps"):
        ss.user_split(sd.from_interactions(spark, data), 0.5, by_time=True)
    with pytest.raises(ConfigError, match="test_users"):
        ss.user_split(sd.from_interactions(spark, data), 1.5)


def test_kfold_with_more_folds_than_rows_is_refused_up_front_like_single_machine(spark):
    """It failed only when the first empty fold was asked for, after the folds before it."""
    local = Interactions.from_arrays([1, 1, 2, 2, 3], [1, 2, 1, 3, 2])
    data = sd.from_interactions(spark, local)
    for k, stratify in ((6, None), (10**12, None), (7, "user")):
        with pytest.raises(EmptyResultError) as caught:
            ss.kfold_split(data, k, stratify=stratify)  # refused at the call, not when iterated
        message = str(caught.value)
        # since round nine in one machine's words, with the number of rows and the largest k
        assert message == (f"kfold: k = {k} folds, but there are only 5 rows, so some fold "
                           "would have no test rows; choose a k of at most 5"), message
        with pytest.raises(EmptyResultError) as single:
            SPLITS.build("kfold", {"k": k, "stratify": stratify or "none"}).apply(local)
        assert str(single.value) == message


def test_an_experiment_files_filters_and_split_run_unchanged(spark, tmp_path):
    import tomllib

    from recstack.config import parse_experiment

    (tmp_path / "log.csv").write_text("user,item\n1,1\n")  # [data] must name a file
    experiment = parse_experiment(tomllib.loads(f"""
        [data]
        source = "{tmp_path / 'log.csv'}"
        [[filters]]
        type = "deduplicate"
        policy = "max"
        [[filters]]
        type = "k_core"
        user_min = 2
        item_min = 2
        [split]
        method = "leave_last_out"
        [[models]]
        type = "most_popular"
        """), source="x.toml")
    # user 4 (one item) and item 30 (one user) go in round 1, leaving item 40 with one
    # user: round 2
    data = Interactions.from_arrays([1, 1, 1, 2, 2, 2, 3, 3, 4, 1],
                                    [10, 20, 30, 10, 20, 40, 10, 20, 40, 10],
                                    [1, 2, 3, 4, 5, 6, 7, 8, 9, 5],
                                    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    got, got_steps = sf.apply_filters(sd.from_interactions(spark, data), experiment.filters)
    want, want_steps = local_filters.apply_filters(data, experiment.filters)
    assert got_steps == want_steps and len(want_steps[1].details["rounds"]) == 2
    (got_split,) = ss.apply_split(got, experiment.split)
    (want_split,) = experiment.split.apply(want)
    assert got_split.report == want_split.report
    for part in ("train", "test", "set_apart"):
        assert _rows(getattr(got_split, part).to_interactions()).equals(
            _rows(getattr(want_split, part))), part
