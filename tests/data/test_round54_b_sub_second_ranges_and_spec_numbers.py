"""Round 54 (B): the README's data journey walked as a new user. Time ranges whose bounds
fall within one second (kept in whole seconds, they held no time and were empty or told
"start must come before end" of bounds in that order), the sub-second cutoff of a temporal
split (floored: checked against the unfloored times), and the numbers of a
``synthetic:`` spec (an infinity told to drop quotes it never had, a decimal comma read
as a second option)."""

from __future__ import annotations

import math
import warnings

import pytest

from recstack.data.filters import TimeWindow, apply_filters
from recstack.data.interactions import Interactions
from recstack.data.partitioned import read_partitioned, write_partitioned
from recstack.data.sources import load_source, parse_spec_options
from recstack.data.splits import temporal_split
from recstack.errors import ConfigError

# (user, item, time in seconds with a fraction): w's rows make every test item known in
# training, so that the split keeps its test rows
ROWS = [("u", "a", 1.0), ("u", "b", 9.2), ("u", "c", 10.2), ("v", "a", 2.0),
        ("v", "b", 5.0), ("v", "d", 10.7), ("w", "c", 1.5), ("w", "d", 3.0)]
EPOCH = "1970-01-01T00:00:"


def _log() -> Interactions:
    users, items, times = zip(*ROWS, strict=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # fractions floored (not warned of here anyway)
        return Interactions.from_arrays(list(users), list(items), timestamps=list(times))


def _pairs(part: Interactions) -> set[tuple[str, str]]:
    users = part.users.to_external(part.user_index).tolist()
    items = part.items.to_external(part.item_index).tolist()
    return set(zip(users, items, strict=True))


# --- the lead: a sub-second cutoff ----------------------------------------------------

def test_a_sub_second_cutoff_trains_on_no_row_at_or_after_it() -> None:
    # the times are kept floored (10.2 and 10.7 are both second 10), so the cutoff 10.5 is
    # compared as second 10: the row at 10.7, after the cutoff, must not train (an
    # unfloored cutoff, 10 < 10.5, put it in training: a future row seen in training)
    cutoff = 10.5
    split = temporal_split(_log(), f"{EPOCH}10.5")
    after_cutoff = {(user, item) for user, item, time in ROWS if time >= cutoff}
    assert after_cutoff == {("v", "d")}
    assert not after_cutoff & _pairs(split.train)
    assert ("v", "d") in _pairs(split.test)


def test_a_sub_second_cutoff_is_reported_as_the_second_it_compared() -> None:
    # the row at 10.2 (before 10.5) is test with the row at 10.7: the whole second 10 is
    # test, as the report's cutoff (10, not 10.5) says, and nothing of that second trains
    split = temporal_split(_log(), f"{EPOCH}10.5")
    assert "cutoff=10)" in str(split.report)
    assert _pairs(split.test) == {("u", "c"), ("v", "d")}
    assert all(time < math.floor(10.5) for time in split.train.timestamp.tolist())


# --- a range within one second ---------------------------------------------------------

def test_between_bounds_within_one_second_are_refused_with_the_next_second() -> None:
    with pytest.raises(ConfigError, match=r"between: .*fall within one second, 10: times "
                                          r"are kept in whole seconds.*end=11"):
        _log().between(f"{EPOCH}10.2", f"{EPOCH}10.8")


def test_between_one_time_twice_is_refused_not_empty() -> None:
    # [10, 10) holds no time: it gave empty data without a word, as time_window refuses
    with pytest.raises(ConfigError, match=r"between: start and end are one time \(10\)"):
        _log().between(10, 10)


def test_between_the_next_second_keeps_the_rows_of_that_second() -> None:
    kept = _log().between(f"{EPOCH}10.2", 11)
    assert _pairs(kept) == {("u", "c"), ("v", "d")}


def test_a_time_window_within_one_second_says_so_not_start_after_end() -> None:
    with pytest.raises(ConfigError, match="time_window: .*fall within one second") as refused:
        apply_filters(_log(), [TimeWindow(start=f"{EPOCH}10.2", end=f"{EPOCH}10.8")])
    assert "must come before" not in str(refused.value)


def test_a_time_window_of_one_time_twice_keeps_its_rule() -> None:
    with pytest.raises(ConfigError, match=r"time_window: start \(10\) must come before end"):
        TimeWindow(start=10, end=10)


def test_read_partitioned_bounds_within_one_second_are_refused(tmp_path) -> None:
    root = tmp_path / "log"
    write_partitioned(_log(), root)
    with pytest.raises(ConfigError, match=r"fall within one second, 10.*end=11"):
        read_partitioned(root, start=f"{EPOCH}10.2", end=f"{EPOCH}10.8")


# --- numbers in a synthetic: spec ------------------------------------------------------

@pytest.mark.parametrize("setting", ["noise=inf", "drift=-inf", "activity_sigma=Infinity",
                                     "popularity_exponent=inf"])
def test_an_infinite_real_setting_is_refused_as_not_finite(setting: str) -> None:
    # it was told "a number in quotes is text: write it without them, noise = inf"
    with pytest.raises(ConfigError, match="must be a finite number") as refused:
        load_source(f"synthetic:{setting}")
    assert "quotes" not in str(refused.value)


def test_an_infinite_count_is_still_told_the_digits() -> None:
    with pytest.raises(ConfigError, match="n_users must be an integer, got 'inf'"):
        load_source("synthetic:n_users=inf")


def test_a_start_of_inf_is_not_given_the_number_rule() -> None:
    with pytest.raises(ConfigError, match="start must be an ISO-8601 date") as refused:
        load_source("synthetic:start=inf")
    assert "digits" not in str(refused.value)


def test_a_decimal_comma_in_a_spec_says_the_point() -> None:
    # noise=1,5 was split into noise=1 and an option '5', told only "name=value"
    with pytest.raises(ConfigError, match=r"'5' should look like name=value; if noise=1,5 "
                                          r"is a decimal, write it with a point, "
                                          r"synthetic:noise=1\.5"):
        load_source("synthetic:noise=1,5")


def test_grouped_thousands_in_a_spec_say_the_number_unbroken() -> None:
    with pytest.raises(ConfigError, match=r"if n_users=1,000 is one number, write it "
                                          r"without the comma, synthetic:n_users=1000"):
        load_source("synthetic:n_users=1,000,seed=2")


def test_a_filter_spec_gets_the_decimal_comma_advice_in_its_own_name() -> None:
    with pytest.raises(ConfigError, match=r"min_value:threshold=3\.5"):
        parse_spec_options("threshold=3,5", "min_value", "option")


def test_a_word_without_equals_gets_no_decimal_advice() -> None:
    with pytest.raises(ConfigError) as refused:
        load_source("synthetic:n_users=5,seed")
    assert "decimal" not in str(refused.value)
