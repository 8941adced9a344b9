"""The progress reporters check their settings and a task's counts before the work: a NaN
or infinite ``min_interval`` silenced every line without a word, a text one, a path given
as the stream or a number as the clock failed at the first step of the work (a TypeError
or AttributeError in the middle of a fit), ``disable="no"`` hid tqdm's bars, and a
negative, NaN or fractional total or step was written into every line (``3/-1``)."""

import io
import math
import re

import numpy as np
import pytest

from recstack.errors import ConfigError
from recstack.progress import LogProgress, TerminalProgress, terminal_progress


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize("interval", [math.nan, math.inf, -1, "1", None, True])
def test_a_log_interval_that_is_no_number_of_seconds_is_refused(interval):
    with pytest.raises(ConfigError, match=r"^LogProgress\(min_interval=\.\.\.\) takes a "
                                          r"finite number of seconds >= 0, got "):
        LogProgress(io.StringIO(), min_interval=interval)


def test_an_interval_set_afterwards_is_refused_when_a_task_opens():
    progress = LogProgress(io.StringIO())
    progress.min_interval = math.nan
    with pytest.raises(ConfigError, match=r"min_interval=\.\.\.\) .* got float nan"):
        with progress.task("Training", total=3):
            pass


@pytest.mark.parametrize("make", [
    lambda s: LogProgress(s), lambda s: TerminalProgress(file=s), terminal_progress])
def test_a_path_given_as_the_stream_is_refused_with_the_way_to_open_it(make):
    with pytest.raises(ConfigError, match=r"takes an open text stream .* got str 'log.txt'; "
                                          r"open the file first: open\('log.txt', 'w'\)"):
        make("log.txt")


def test_a_closed_stream_and_a_clock_that_is_no_function_are_refused():
    closed = io.StringIO()
    closed.close()
    with pytest.raises(ConfigError, match=r"^LogProgress\(stream=\.\.\.\): the stream is "
                                          r"closed"):
        LogProgress(closed)
    with pytest.raises(ConfigError, match=r"^LogProgress\(clock=\.\.\.\) takes a function "
                                          r".* got int 5"):
        LogProgress(io.StringIO(), clock=5)


@pytest.mark.parametrize(("setting", "value", "shown"), [
    ("min_seconds", math.nan, "float nan"), ("min_seconds", -1.0, "float -1.0"),
    ("min_seconds", "1", "str '1'"), ("disable", "no", "str 'no'"), ("disable", 1, "int 1")])
def test_terminal_settings_are_checked(setting, value, shown):
    with pytest.raises(ConfigError, match=rf"^TerminalProgress\({setting}=\.\.\.\) takes .* "
                                          rf"got {re.escape(shown)}(;|$)"):
        TerminalProgress(**{setting: value}, file=io.StringIO())


@pytest.mark.parametrize("total", [-1, math.nan, 2.5, "10", True, math.inf])
def test_a_total_that_is_no_count_of_steps_is_refused(total):
    for progress, call in ((LogProgress(io.StringIO()), "LogProgress"),
                           (TerminalProgress(file=io.StringIO(), disable=True),
                            "TerminalProgress")):
        with pytest.raises(ConfigError, match=rf"^{call}\.task\(total=\.\.\.\) takes the whole "
                                              r"number of steps \(>= 0\) or None"):
            with progress.task("Training", total=total):
                pass


@pytest.mark.parametrize("steps", [-1, 1.5, math.nan, False])
def test_a_step_that_is_no_count_is_refused(steps):
    with LogProgress(io.StringIO()).task("Training", total=3) as task:
        with pytest.raises(ConfigError, match=r"^advance\(n=\.\.\.\) takes the whole number "
                                              r"of steps done \(>= 0\), got "):
            task.advance(steps)


def test_numpy_counts_and_unknown_or_zero_totals_still_count():
    stream, clock = io.StringIO(), FakeClock()
    progress = LogProgress(stream, min_interval=np.float64(1.0), clock=clock)
    with progress.task("Scoring", total=np.int64(4)) as task:
        clock.now += 2.0
        task.advance(np.int64(3))
        clock.now += 2.0
        task.advance()
    assert stream.getvalue().splitlines() == ["recstack: Scoring 3/4", "recstack: Scoring 4/4"]
    stream, clock = io.StringIO(), FakeClock()
    with LogProgress(stream, min_interval=0, clock=clock).task("Reading", None) as task:
        task.advance(2)
    assert stream.getvalue() == "recstack: Reading 2\n"
