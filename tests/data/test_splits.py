import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recstack.data.interactions import Interactions
from recstack.data.splits import (
    Split,
    given_split,
    kfold_split,
    leave_last_out,
    random_split,
    temporal_split,
    user_split,
)
from recstack.errors import ConfigError, EmptyResultError, RecstackError

from .strategies import interactions


def pairs(data: Interactions) -> set[tuple[int, int]]:
    return set(zip(data.user_index.tolist(), data.item_index.tolist(), strict=True))


def rows(data: Interactions) -> list[tuple]:
    ts = data.timestamp.tolist() if data.timestamp is not None else [None] * len(data)
    columns = (data.user_index.tolist(), data.item_index.tolist(), data.value.tolist(), ts)
    return list(zip(*columns, strict=True))


def assert_partition(data: Interactions, split: Split) -> None:
    parts = rows(split.train) + rows(split.test) + rows(split.set_apart)
    if split.fold_in is not None:
        parts += rows(split.fold_in)
    assert sorted(parts) == sorted(rows(data))
    report = split.report
    assert report.train_rows == len(split.train) and report.test_rows == len(split.test)
    assert report.set_apart_rows == len(split.set_apart)


def assert_no_leak(split: Split) -> None:
    assert not pairs(split.test) & pairs(split.train)
    train_items = set(split.train.item_index.tolist())
    assert set(split.test.item_index.tolist()) <= train_items
    assert split.train.users is split.test.users and split.train.items is split.test.items


def run_or_empty(split_function, *args, **kwargs):
    try:
        return split_function(*args, **kwargs)
    except EmptyResultError:
        return None


@settings(max_examples=120, deadline=None)
@given(interactions(), st.floats(0.1, 0.9), st.integers(0, 10))
def test_random_split_properties(data, fraction, seed):
    split = run_or_empty(random_split, data, fraction, seed=seed)
    if split is None:
        return
    assert_partition(data, split)
    assert_no_leak(split)
    # every user with rows keeps at least one training row
    assert set(split.train.user_index.tolist()) == set(data.user_index.tolist())


@settings(max_examples=120, deadline=None)
@given(interactions(), st.floats(0.1, 0.9))
def test_temporal_split_never_trains_on_the_future(data, fraction):
    split = run_or_empty(temporal_split, data, test_fraction=fraction)
    if split is None:
        return
    assert_partition(data, split)
    assert_no_leak(split)
    assert split.train.timestamp.max() < split.test.timestamp.min()
    assert split.train.timestamp.max() < split.report.params["cutoff"] <= split.test.timestamp.min()


@settings(max_examples=120, deadline=None)
@given(interactions(), st.integers(1, 3))
def test_leave_last_out_takes_each_users_latest(data, n):
    split = run_or_empty(leave_last_out, data, n)
    if split is None:
        return
    assert_partition(data, split)
    assert_no_leak(split)
    held = split.test.user_index
    for user in np.unique(held):  # loop over a handful of users in a test is fine
        train_times = split.train.timestamp[split.train.user_index == user]
        test_times = split.test.timestamp[held == user]
        assert train_times.max() <= test_times.min()
    counts = np.bincount(split.test.user_index, minlength=data.n_users)
    assert counts.max() <= n


@settings(max_examples=100, deadline=None)
@given(interactions(), st.integers(0, 5))
def test_user_split_holds_out_whole_users(data, seed):
    split = run_or_empty(user_split, data, 0.3, fold_in_fraction=0.5, seed=seed)
    if split is None:
        return
    assert_partition(data, split)
    assert_no_leak(split)
    held = set(split.test.user_index.tolist()) | set(split.fold_in.user_index.tolist())
    assert not held & set(split.train.user_index.tolist())
    assert split.report.cold_user_rows == 0


@settings(max_examples=60, deadline=None)
@given(interactions(duplicates=False), st.integers(2, 5), st.sampled_from(["user", None]))
def test_kfold_test_parts_partition_the_data(data, k, stratify):
    try:
        splits = list(kfold_split(data, k, stratify=stratify, seed=1))
    except EmptyResultError:
        return
    all_test = []
    for split in splits:
        assert_partition(data, split)
        assert_no_leak(split)
        all_test += rows(split.test) + rows(split.set_apart)
    assert sorted(all_test) == sorted(rows(data))


def grid(n_users: int, per_user: int) -> Interactions:
    """Every user rates items 0..per_user-1; user u rates item i at time ((i + u) % per_user),
    so different users see the items in different orders."""
    users = np.repeat(np.arange(n_users), per_user)
    items = np.tile(np.arange(per_user), n_users)
    times = (items + users) % per_user
    return Interactions.from_arrays(users, items, np.ones(len(users)), times)


def test_random_split_sizes_worked_by_hand():
    split = random_split(grid(4, 10), 0.2, seed=3)
    assert np.bincount(split.test.user_index).tolist() == [2, 2, 2, 2]
    assert split.report.test_users == 4


def test_splits_are_seeded():
    data = grid(20, 10)
    a, b = random_split(data, seed=7), random_split(data, seed=7)
    np.testing.assert_array_equal(a.test.item_index, b.test.item_index)
    c = random_split(data, seed=8)
    assert not np.array_equal(a.test.item_index, c.test.item_index)


def test_leave_last_out_worked_by_hand():
    split = leave_last_out(grid(3, 5), 2)
    # user u's latest two items are those with (i + u) % 5 in {3, 4}
    expected = sorted((u, i) for u in range(3) for i in range(5) if (i + u) % 5 >= 3)
    assert sorted(pairs(split.test)) == expected


def test_leave_last_out_counts_users_too_short_to_split():
    data = Interactions.from_arrays([1, 2, 2], [1, 2, 1], None, [5, 6, 7])
    split = leave_last_out(data, 1)
    assert split.report.users_without_test == 1
    assert "1 user has no test rows" in str(split.report)


def test_cold_items_and_repeats_are_set_apart_and_reported():
    # item 9 only appears after the cutoff; user 1 re-rates item 1 after the cutoff;
    # user 1 rating item 3 (known from user 2) after the cutoff is a fair test row
    data = Interactions.from_arrays([1, 2, 2, 1, 2, 1], [1, 1, 3, 1, 9, 3], None,
                                    [1, 2, 3, 10, 11, 12])
    split = temporal_split(data, cutoff=10)
    assert split.report.cold_item_rows == 1
    assert split.report.repeated_pair_rows == 1
    assert split.report.cold_user_rows == 0
    assert len(split.test) == 1 and len(split.set_apart) == 2
    assert "set apart: 1 test row whose item never occurs in train" in str(split.report)


def test_cold_users_are_set_apart():
    data = Interactions.from_arrays([1, 1, 3, 2, 3], [1, 2, 2, 1, 1], None, [1, 2, 3, 10, 11])
    split = temporal_split(data, cutoff=10)
    assert split.report.cold_user_rows == 1 and len(split.test) == 1
    with pytest.raises(EmptyResultError, match="no test rows"):
        temporal_split(Interactions.from_arrays([1, 2], [1, 2], None, [1, 10]), cutoff=10)


def test_user_split_by_time_folds_in_the_earliest_rows():
    split = user_split(grid(10, 10), 0.5, fold_in_fraction=0.7, by_time=True, seed=0)
    for user in np.unique(split.test.user_index):
        fold_in_times = split.fold_in.timestamp[split.fold_in.user_index == user]
        test_times = split.test.timestamp[split.test.user_index == user]
        assert fold_in_times.max() < test_times.min()
        assert len(test_times) == 3


def test_bad_split_parameters():
    data = grid(3, 3)
    with pytest.raises(ConfigError, match="test_fraction"):
        random_split(data, 1.5)
    with pytest.raises(ConfigError, match="exactly one"):
        temporal_split(data)
    with pytest.raises(ConfigError, match="n = 0: must be >= 1"):
        leave_last_out(data, 0)
    with pytest.raises(ConfigError, match="k = 1: must be >= 2"):
        kfold_split(data, 1)  # refused at the call, before any fold is asked for
    no_time = Interactions.from_arrays([1], [1])
    with pytest.raises(RecstackError, match="no timestamps"):
        leave_last_out(no_time)


# --------------------------------------------------------------------------- the registry
def test_every_split_method_is_declared_with_documented_fields():
    from dataclasses import fields

    from recstack.data.splits import SPLITS

    assert SPLITS.names() == ["random", "temporal", "leave_last_out", "users", "kfold"]
    for name in SPLITS.names():
        spec_class = SPLITS.get(name)
        assert spec_class.__doc__ and spec_class.kind_name == name
        for spec_field in fields(spec_class):
            assert spec_field.metadata["recstack_option"].doc, (name, spec_field.name)


def test_split_specs_check_their_fields_in_python_too():
    from recstack.data.splits import KFold, RandomSplit, TemporalSplit

    with pytest.raises(ConfigError, match=r"^random: test_fraction = 1.5: must be in \(0, 1\)$"):
        RandomSplit(test_fraction=1.5)
    with pytest.raises(ConfigError, match=r"^kfold: stratify = 'items': must be one of"):
        KFold(stratify="items")
    with pytest.raises(ConfigError, match="give cutoff or test_fraction, not both"):
        TemporalSplit(cutoff=5, test_fraction=0.1)
    with pytest.raises(ConfigError, match="test_fraction = 1: must be in"):
        RandomSplit(test_fraction=1)


@pytest.mark.parametrize("method", ["random", "temporal", "leave_last_out", "users", "kfold"])
def test_every_split_method_runs_from_its_spec_and_for_validation(method):
    from recstack.data.splits import SPLITS

    data = grid(20, 10)
    spec = SPLITS.build(method, {})
    parts = spec.apply(data)
    assert len(parts) == (5 if method == "kfold" else 1)
    for split in parts:
        assert_partition(data, split)
        assert_no_leak(split)
    inner = spec.for_validation(0.25, seed=1).apply(parts[0].train)[0]
    assert_no_leak(inner)
    assert len(inner.train) + len(inner.test) + len(inner.set_apart) + (
        0 if inner.fold_in is None else len(inner.fold_in)) == len(parts[0].train)


def test_given_split_sets_apart_rows_no_model_can_rank():
    # test rows: (1, 2), fine since user 2 trains on item 2, and (2, 9), whose item never
    # occurs in training
    data = Interactions.from_arrays([1, 1, 2, 2, 2], [1, 2, 1, 2, 9])
    split = given_split(data, np.array([False, True, False, False, True]))
    assert split.report.method == "given"
    assert split.report.test_rows == 1 and split.report.cold_item_rows == 1


def test_kfold_with_more_folds_than_rows_fails_at_the_call():
    # refused before the first fold, not after the folds before the empty one have run
    data = Interactions.from_arrays([1, 1, 2, 2, 3, 3], [1, 2, 1, 3, 2, 3])
    for stratify in ("user", None):
        with pytest.raises(EmptyResultError, match=r"k = 7 folds, but there are only 6 rows, "
                                                   r"so some fold would have no test rows"):
            kfold_split(data, 7, stratify=stratify)
    assert len(list(kfold_split(data, 2))) == 2


@pytest.mark.parametrize("k", [2**63, 10**20])
def test_kfold_with_a_k_beyond_int64_is_refused_by_name(k):
    # numpy's generator raised 'high is out of bounds for int64' from the dealing
    data = Interactions.from_arrays([1, 1, 2, 2, 3, 3], [1, 2, 1, 3, 2, 3])
    for stratify in ("user", None):
        with pytest.raises(EmptyResultError, match=rf"^kfold: k = {k} folds, but there are "
                                                   r"only 6 rows.*choose a k of at most 6$"):
            kfold_split(data, k, stratify=stratify)


@pytest.mark.parametrize("flags", [np.full(5, 2), np.array(list("xxxxx")),
                                   np.array([0.0, 1.0, 0.0, 0.0, 0.5])])
def test_given_split_refuses_flags_that_are_not_true_or_false(flags):
    data = Interactions.from_arrays([1, 1, 2, 2, 2], [1, 2, 1, 2, 9])
    with pytest.raises(ConfigError, match="is_test holds .* values; expected one true/false"):
        given_split(data, flags)
    assert given_split(data, np.array([0, 1, 0, 0, 1])).report.test_rows == 1


def test_kfold_takes_the_spec_spelling_of_no_stratification():
    users = np.repeat(np.arange(10), 6)
    data = Interactions.from_arrays(users, (users + np.tile(np.arange(6), 10)) % 8)
    folds = [split.test for split in kfold_split(data, 2, stratify="none", seed=1)]
    same = [split.test for split in kfold_split(data, 2, stratify=None, seed=1)]
    assert [rows(a) for a in folds] == [rows(b) for b in same]


def test_a_temporal_split_of_rows_at_one_time_says_so():
    data = Interactions.from_arrays([1, 2, 3], [1, 2, 3], None, [1_600_000_000] * 3)
    with pytest.raises(EmptyResultError, match="all 3 rows share the time 1600000000"):
        temporal_split(data, test_fraction=0.2)
