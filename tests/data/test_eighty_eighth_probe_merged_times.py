"""Times floored to whole seconds (the unit Interactions keep): timestamp_unit="ms" on 100,
200 and 300 stored all three as second 0, their order lost, without a word. A
MergedTimesWarning now says how many distinct times became how many seconds when at least
half of them merged; a fine log whose times mostly keep their own second is not warned of."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from recstack.data import MergedTimesWarning
from recstack.data.files import load_table
from recstack.data.interactions import Interactions


def _csv(tmp_path, times):
    path = tmp_path / "log.csv"
    rows = "".join(f"1,{item},{time}\n" for item, time in enumerate(times))
    path.write_text("user_id,item_id,timestamp\n" + rows)
    return path


def test_milliseconds_that_all_fall_in_one_second_are_warned_of(tmp_path):
    path = _csv(tmp_path, [100, 200, 300])
    with pytest.warns(MergedTimesWarning) as caught:
        data = load_table(path, timestamp_unit="ms")
    assert data.timestamp.tolist() == [0, 0, 0]  # 100 ms // 1000 = second 0, as before
    message = str(caught[0].message)
    assert message.startswith("column 'timestamp': read as timestamp_unit='ms', the 3 "
                              "distinct times of 3 rows became 1 distinct whole second(s)")
    assert "if the numbers count seconds, pass timestamp_unit='s'" in message
    assert caught[0].filename == __file__


@pytest.mark.parametrize(("unit", "per_second"), [("us", 10**6), ("ns", 10**9)])
def test_finer_units_warn_too(tmp_path, unit, per_second):
    start = 1_600_000_000 * per_second
    times = [start + 1, start + 2, start + per_second + 1, start + per_second + 2]
    with pytest.warns(MergedTimesWarning, match=rf"timestamp_unit='{unit}', the 4 distinct "
                                                r"times of 4 rows became 2 distinct"):
        data = load_table(_csv(tmp_path, times), timestamp_unit=unit)
    assert data.timestamp.tolist() == [1_600_000_000] * 2 + [1_600_000_001] * 2


def test_a_unit_chosen_by_size_says_so(tmp_path):
    start = 1_600_000_000_000  # milliseconds, by their size
    with pytest.warns(MergedTimesWarning, match=r"read as timestamp_unit='ms' \(from their "
                                                r"size\), the 3 distinct") as caught:
        load_table(_csv(tmp_path, [start + 1, start + 2, start + 3]))
    assert "pass timestamp_unit='s'" not in str(caught[0].message)


def test_fractional_seconds_in_a_file_are_warned_of(tmp_path):
    path = _csv(tmp_path, ["1600000000.25", "1600000000.5", "1600000000.75", "1600000001.0"])
    with pytest.warns(MergedTimesWarning, match=r"the 4 distinct times of 4 rows became 2 "):
        data = load_table(path)
    assert data.timestamp.tolist() == [1600000000] * 3 + [1600000001]


def test_fractional_seconds_given_to_from_arrays_are_warned_of():
    with pytest.warns(MergedTimesWarning, match=r"read as seconds with fractions, the 2 "
                                                r"distinct times of 2 rows became 1"):
        data = Interactions.from_arrays([1, 1], [1, 2], timestamps=[10.25, 10.75])
    assert data.timestamp.tolist() == [10, 10]


def test_times_that_keep_their_own_seconds_are_not_warned_of(tmp_path):
    many = np.arange(10) * 1000 + 7  # ten times in ten seconds
    few_merged = [*many, 9008]  # one of eleven shares a second with another
    with warnings.catch_warnings():
        warnings.simplefilter("error", MergedTimesWarning)
        load_table(_csv(tmp_path, few_merged), timestamp_unit="ms")
        load_table(_csv(tmp_path, [5, 5, 5]), timestamp_unit="ms")  # one time, one second
        load_table(_csv(tmp_path, [1_600_000_000, 1_600_000_001]))
        Interactions.from_arrays([1, 1], [1, 2], timestamps=[10.0, 11.0])
