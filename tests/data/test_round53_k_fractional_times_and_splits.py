"""Round 53 (K): fractional times floored to whole seconds, grouped-digit spellings of
numbers, seeds as text, and every splitter checked for leakage by an independent check."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from recstack.data import splits
from recstack.data.interactions import Interactions, MergedTimesWarning
from recstack.data.splits import KFold, LeaveLastOut, RandomSplit
from recstack.data.synthetic import SyntheticConfig
from recstack.errors import ConfigError, EmptyResultError


def _merged_warnings(caught: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in caught if issubclass(w.category, MergedTimesWarning)]


# --- 1. fractional seconds --------------------------------------------------------------

def test_two_users_in_one_second_each_in_time_order_are_not_warned_of() -> None:
    # u's 10.7 comes before v's 10.2 in the data: one second, but no user's order is
    # reversed (each user has one event there), so nothing is lost
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = Interactions.from_arrays(["u", "u", "v", "v"], ["a", "b", "a", "b"],
                                        timestamps=[10.7, 20.5, 10.2, 30.1])
    assert _merged_warnings(caught) == []
    assert data.timestamp.tolist() == [10, 20, 10, 30]


def test_fractions_in_row_order_and_distinct_seconds_are_kept_silently() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        in_order = Interactions.from_arrays(["u", "u", "u"], ["a", "b", "c"],
                                            timestamps=[0.5, 1.2, 1.7])
        apart = Interactions.from_arrays(["u", "v"], ["a", "b"],
                                         timestamps=[1.5, 1700000000.25])
    assert _merged_warnings(caught) == []
    assert in_order.timestamp.tolist() == [0, 1, 1]
    assert apart.timestamp.tolist() == [1, 1700000000]  # floored by hand


def test_sub_second_date_times_mostly_merged_are_warned_of() -> None:
    # four distinct times in two seconds: at most half as many seconds as times, the rule
    # numbers in a finer unit already followed; date-times were floored without a word
    times = pd.to_datetime(["2024-01-01 00:00:05.100", "2024-01-01 00:00:05.700",
                            "2024-01-01 00:00:06.200", "2024-01-01 00:00:06.900"]).values
    with pytest.warns(MergedTimesWarning, match="4 distinct times of 4 rows became 2"):
        data = Interactions.from_arrays(["u", "u", "v", "v"], ["a", "b", "a", "b"],
                                        timestamps=times)
    assert data.timestamp.tolist() == [1704067205, 1704067205, 1704067206, 1704067206]


# --- 2. numbers with grouped digits ----------------------------------------------------

@pytest.mark.parametrize("spelt", ["20,000", "20 000", "20\u202f000", "20'000", "20.000"])
def test_grouped_digits_of_a_count_say_the_number(spelt: str) -> None:
    with pytest.raises(ConfigError, match="n_users = 20000"):
        SyntheticConfig(n_users=spelt)


def test_grouped_digits_in_split_and_filter_settings_say_the_number() -> None:
    with pytest.raises(ConfigError, match="k = 1000"):
        KFold(k="1,000")
    with pytest.raises(ConfigError, match="n = 1000"):
        LeaveLastOut(n="1 000")


def test_a_decimal_comma_in_a_share_says_the_point() -> None:
    with pytest.raises(ConfigError, match=r"test_fraction = 0\.2"):
        RandomSplit(test_fraction="0,2")


def test_seed_text_gets_the_number_rule() -> None:
    with pytest.raises(ConfigError, match="seed=1000"):
        RandomSplit(seed="1,000")
    # an Arabic-Indic 3 passes str.isdigit: it was told to write the very text refused
    with pytest.raises(ConfigError, match="plain ASCII digits") as refused:
        RandomSplit(seed="\u0663")
    assert "seed=\u0663" not in str(refused.value)


# --- 3. every splitter, leakage-free by an independent check ---------------------------

def _log() -> Interactions:
    """12 users x 6 rows over 9 items, with repeated (user, item) pairs and many rows of
    one time at the end, so that ties and duplicates reach every splitter."""
    users, items, times = [], [], []
    for user in range(12):
        for step in range(6):
            users.append(f"u{user}")
            items.append(f"i{(user + (0, 2, 4, 0, 8, 1)[step]) % 9}")  # step 3 repeats 0
            times.append(1000 + user * 10 + step if step < 4 else 5000)
    return Interactions.from_arrays(users, items, timestamps=times)


def _rows(part: Interactions) -> list[tuple[str, str, int]]:
    users = part.users.to_external(part.user_index)
    items = part.items.to_external(part.item_index)
    return list(zip(users.tolist(), items.tolist(), part.timestamp.tolist(), strict=True))


def _assert_no_pair_leaks(split: splits.Split) -> None:
    train_pairs = {(user, item) for user, item, _ in _rows(split.train)}
    leaked = [(user, item) for user, item, _ in _rows(split.test) if (user, item) in train_pairs]
    assert leaked == []
    assert len(split.test) > 0 and len(split.train) > 0


def _splits() -> list[tuple[str, splits.Split]]:
    data = _log()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tied cutoffs and last rows are warned of
        made = [("random", splits.random_split(data, 0.3, seed=4)),
                ("temporal cutoff", splits.temporal_split(data, cutoff=1060)),
                ("temporal share", splits.temporal_split(data, test_fraction=0.2)),
                ("leave_last_out", splits.leave_last_out(data, 2)),
                ("users", splits.user_split(data, 0.25, seed=1)),
                ("users by time", splits.user_split(data, 0.25, by_time=True, seed=1))]
        made += [(f"kfold {fold}", part) for fold, part in
                 enumerate(splits.kfold_split(data, k=3, seed=2))]
    return made


@pytest.mark.parametrize("name", [name for name, _ in _splits()])
def test_no_test_pair_is_in_training(name: str) -> None:
    _assert_no_pair_leaks(dict(_splits())[name])


@pytest.mark.parametrize("name", ["temporal cutoff", "temporal share"])
def test_temporal_train_ends_before_test_begins(name: str) -> None:
    split = dict(_splits())[name]
    latest_train = max(time for _, _, time in _rows(split.train))
    earliest_test = min(time for _, _, time in _rows(split.test))
    assert latest_train < earliest_test


def test_leave_last_out_trains_on_nothing_later_than_a_users_test_rows() -> None:
    split = dict(_splits())["leave_last_out"]
    latest_train: dict[str, int] = {}
    for user, _, time in _rows(split.train):
        latest_train[user] = max(time, latest_train.get(user, time))
    assert all(time >= latest_train[user] for user, _, time in _rows(split.test))


def test_held_out_users_share_no_user_with_training() -> None:
    split = dict(_splits())["users"]
    train_users = {user for user, _, _ in _rows(split.train)}
    test_users = {user for user, _, _ in _rows(split.test)}
    assert train_users and test_users and not train_users & test_users


def test_kfold_test_parts_never_repeat_a_row() -> None:
    seen: set[tuple[str, str, int]] = set()
    for name, split in _splits():
        if name.startswith("kfold"):
            rows = set(_rows(split.test))
            assert not rows & seen
            seen |= rows


def test_a_relevance_threshold_above_every_rating_names_the_highest() -> None:
    rated = Interactions.from_arrays([1, 1, 2], [1, 2, 1], values=[1.0, 4.0, 5.0])
    with pytest.raises(EmptyResultError, match="at most 5"):
        rated.implicit(threshold=6)


def test_leave_last_out_of_single_row_users_is_refused_by_name() -> None:
    single = Interactions.from_arrays([1, 2], [1, 1], timestamps=[1, 2])
    with pytest.raises(EmptyResultError, match="every user has a single row"):
        splits.leave_last_out(single)


def test_rows_in_time_order_within_a_second_keep_leave_last_out_right() -> None:
    # the order the warning asks for: sorted by time, the floored tie is broken by row
    # order, which is then time order, so the truly last event is held out
    frame = pd.DataFrame({"user_id": ["u", "u", "u", "v", "v", "v"],
                          "item_id": ["a", "b", "c", "c", "a", "b"],
                          "timestamp": [3.0, 1.2, 0.1, 1.9, 1.7, 0.5]})
    frame = frame.sort_values("timestamp", kind="stable")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        split = splits.leave_last_out(Interactions.from_frame(frame))
    assert sorted(pair[:2] for pair in _rows(split.test)) == [("u", "a"), ("v", "c")]


@pytest.mark.parametrize("one", [1, 1.0])
def test_held_out_users_of_one_say_the_share_of_one_user(one: float) -> None:
    # 1 may mean every user (a share) or one user (a count); it was told only "in (0, 1)"
    data = Interactions.from_arrays([f"u{n // 2}" for n in range(20)],
                                    [f"i{n % 4}" for n in range(20)])
    with pytest.raises(ConfigError, match=r"all of these 10 users.*one user would be "
                                          r"test_users=0\.1"):
        splits.user_split(data, test_users=one)


def test_a_temporal_share_of_one_says_the_share_of_one_row() -> None:
    data = Interactions.from_arrays(["u"] * 4, ["a", "b", "c", "d"], timestamps=[1, 2, 3, 4])
    # 0.2 x 4 rows is 0.8, one row to the nearest (0.1 would be 0.4, none)
    with pytest.raises(ConfigError, match=r"one row would be test_fraction=0\.2$"):
        splits.temporal_split(data, test_fraction=1)


def test_grouped_digits_past_the_integer_digit_limit_are_refused_without_a_traceback() -> None:
    # int() of more than 4,300 digits raises a bare ValueError: the grouped-digit hint
    # called it before the check of endless numbers
    endless = "1" + ",000" * 1500
    with pytest.raises(ConfigError, match="n_users must be an integer"):
        SyntheticConfig(n_users=endless)
