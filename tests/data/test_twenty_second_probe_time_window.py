"""Twenty-second probe, a time window that cannot keep anything: on data without times it
said only "these interactions have no timestamps to slice by", naming no filter; a window
outside the data's times (or bounds in milliseconds) said that it removed every row, but
not when the data are, as the k-core, min_value and temporal-split messages do. Now the
filter is named with the option that reads times, and the data's time range is given,
with the milliseconds a bound of 1e11 or more seems to be."""

import pytest

from recstack.cli import main
from recstack.data.filters import KCore, TimeWindow, apply_filters
from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, EmptyResultError

# 2020-01-01T00:00:00Z, then one day and two days later
JAN_1 = 1_577_836_800
TIMES = [JAN_1, JAN_1 + 86_400, JAN_1 + 2 * 86_400]
RANGE = r"the data's times run from 2020-01-01T00:00:00Z to 2020-01-03T00:00:00Z"


def _data(times=TIMES):
    return Interactions.from_arrays([1, 1, 2], [10, 20, 10], timestamps=times)


def test_a_window_on_data_without_times_names_the_filter():
    untimed = Interactions.from_arrays([1, 1, 2], [10, 20, 10])
    with pytest.raises(ConfigError, match=r"^time_window\(start=2020-01-01, end=None\): the "
                                          r"data have no timestamps to keep a window of; read "
                                          r"the column of times \(timestamp_col, "
                                          r"--timestamp-col\) or drop this filter$"):
        apply_filters(untimed, [KCore(1, 1), TimeWindow(start="2020-01-01")])


@pytest.mark.parametrize("window, written", [
    (TimeWindow(start="2021-01-01"), r"time_window\(start=2021-01-01, end=None\)"),
    (TimeWindow(end="2019-06-01"), r"time_window\(start=None, end=2019-06-01\)"),
    (TimeWindow(start=JAN_1 + 3 * 86_400), r"time_window\(start=1578096000, end=None\)"),
])
def test_a_window_outside_the_data_gives_their_times(window, written):
    with pytest.raises(EmptyResultError, match=rf"^filter step 1 of 1, {written}, removed all "
                                               rf"3 remaining rows \({RANGE}\); loosen it"):
        apply_filters(_data(), [window])


def test_a_bound_in_milliseconds_is_named():
    start = JAN_1 * 1000
    with pytest.raises(EmptyResultError, match=rf"\({RANGE}; start={start} is after the year "
                                               r"5000 in Unix seconds: milliseconds\? give "
                                               r"seconds or an ISO date\)"):
        apply_filters(_data(), [TimeWindow(start=start)])


def test_a_window_that_keeps_rows_is_unchanged():
    kept, steps = apply_filters(_data(), [TimeWindow(start=JAN_1 + 86_400)])
    assert kept.timestamp.tolist() == TIMES[1:] and steps[0].rows_after == 2


def test_the_command_line_names_the_filter_in_one_line(tmp_path, capsys):
    path = tmp_path / "log.csv"
    path.write_text("user_id,item_id\n1,10\n1,20\n2,10\n2,20\n")
    code = main(["data", "split", str(path), "--filter", "time_window:start=2020-01-01",
                 "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert "time_window(start=2020-01-01, end=None): the data have no timestamps" in err
    assert not (tmp_path / "out").exists()
