"""Hundred-twenty-second probe: a pipeline file's settings that could never work, refused
when the file is read: a fold-in streak longer than a sliding window (folding into a model
trained on none of the window's partitions) and a timestamp floor in the future (every
event of every partition then failed the before_floor check, at run time)."""

from __future__ import annotations

import datetime as dt

import pytest

from recstack.errors import ConfigError
from recstack.ops.pipeline_config import parse_pipeline
from recstack.ops.quality import floor_seconds

GOOD = {"data": {"partitions": "logs"}, "model": {"type": "als"},
        "registry": {"root": "registry"}}


def parse(**changes):
    raw = {k: dict(v) for k, v in GOOD.items()} | changes
    return parse_pipeline(raw, source="p.toml", base="/base")


@pytest.mark.parametrize("partitions, between", [(1, 1), (3, 3), (3, 7), (2, 10**6)])
def test_a_fold_in_streak_past_the_sliding_window_is_refused(partitions, between):
    with pytest.raises(ConfigError, match=(
            rf"^p.toml: \[training\] fold_in_between = {between}: with a sliding window of "
            rf"partitions = {partitions}, .* use at most {partitions - 1}")):
        parse(training={"window": "sliding", "partitions": partitions,
                        "fold_in_between": between})


def test_a_fold_in_streak_inside_the_window_or_an_expanding_one_is_kept():
    # after k fold-in runs a sliding window of P partitions still shares P - k of them
    # with the retrain's window: k = P - 1 is the longest streak that shares any
    sliding = {"window": "sliding", "partitions": 3, "fold_in_between": 2}
    assert parse(training=sliding).training.fold_in_between == 2
    # an expanding window always holds the retrain's partitions
    assert parse(training={"fold_in_between": 40}).training.fold_in_between == 40


def _days_from_today(days):
    return (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=days)).isoformat()


@pytest.mark.parametrize("floor", ["2999-01-01", "9999-12-31T23:59:59", "2500-06-01T00:00:00Z"])
def test_a_timestamp_floor_in_the_future_is_refused_when_the_file_is_read(floor):
    with pytest.raises(ConfigError, match=(
            rf"^p.toml: \[quality\] timestamp_floor = \"{floor}\" is in the future "
            r"\(today is \d{4}-\d\d-\d\d\): every event would be counted as before")):
        parse(quality={"timestamp_floor": floor})


def test_a_floor_a_few_days_ahead_is_refused_and_one_in_the_past_kept():
    with pytest.raises(ConfigError, match=r"is in the future"):
        floor_seconds(_days_from_today(3))
    yesterday = _days_from_today(-1)
    assert parse(quality={"timestamp_floor": yesterday}).quality.timestamp_floor == yesterday
    # the definition: midnight UTC of 2000-01-01 is 946684800 Unix seconds
    assert floor_seconds("2000-01-01") == 946_684_800
