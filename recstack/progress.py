"""The one progress mechanism: library code reports, the caller decides how to render.

Library functions that take a while accept ``progress: Progress | None``. They open a
task with ``progress.task(description, total)`` (used as a context manager), advance it
with ``advance(n)`` and may attach numbers (loss, AUC...) with ``report(**values)``.
``None`` means silent. The CLI passes :func:`terminal_progress`: tqdm bars on stderr when
it is a terminal, plain log lines otherwise (:class:`LogProgress`: one line per epoch or
per model, rate-limited, so that CI logs and batch jobs keep a trace of training). A
notebook or service can pass anything with the same shape.
"""

from __future__ import annotations

import math
import numbers
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Protocol, TextIO

from recstack.errors import ConfigError, echoed, shown


class Task(Protocol):
    def advance(self, n: int = 1) -> None: ...

    def report(self, **values: float | int | str) -> None: ...


class Progress(Protocol):
    def task(self, description: str, total: int | None = None
             ) -> AbstractContextManager[Task]: ...


class _SilentTask:
    def advance(self, n: int = 1) -> None:
        pass

    def report(self, **values: float | int | str) -> None:
        pass


@contextmanager
def _silent_task(description: str, total: int | None = None) -> Iterator[Task]:
    yield _SilentTask()


class _Silent:
    task = staticmethod(_silent_task)


SILENT = _Silent()


def resolve(progress: Progress | None) -> Progress:
    """``progress`` itself, or the silent reporter when it is None; anything else is refused
    here, before the work starts, rather than as "'int' object has no attribute 'task'"
    from inside it."""
    require_reporter(progress, "")
    return SILENT if progress is None else progress


def require_reporter(progress: object, call: str) -> None:
    """Refuse, naming ``call`` (e.g. ``"evaluate"``; may be empty), a ``progress`` argument that is
    neither None nor a reporter: ``progress=True`` failed deep inside the work with
    "'bool' object has no attribute 'task'"."""
    if progress is not None and not callable(getattr(progress, "task", None)):
        shown = repr(progress)
        shown = shown if len(shown) <= 80 else shown[:77] + "..."
        argument = f"{call}(progress=...)" if call else "progress=..."
        raise ConfigError(f"{argument} takes a recstack.progress reporter (e.g. "
                          "recstack.progress.TerminalProgress()) or None, got "
                          f"{type(progress).__name__} {shown}")


def _given(value: Any) -> str:
    """A value refused below, with its type: ``str '1'``, ``float nan``."""
    return f"{type(value).__name__} {echoed(shown(value))}"


def checked_total(total: Any, call: str) -> int | None:
    """A task's ``total``: None (unknown) or a whole count of steps >= 0, as an int. A
    negative, NaN, fractional or text total was written into every line (``3/-1``,
    ``3/nan``) or failed at the first step with "'>=' not supported between 'int' and
    'str'"; True passed for 1."""
    if total is None:
        return None
    if isinstance(total, bool) or not isinstance(total, numbers.Integral) or total < 0:
        raise ConfigError(f"{call}(total=...) takes the whole number of steps (>= 0) or None "
                          f"when it is not known, got {_given(total)}")
    return int(total)


def checked_steps(n: Any, call: str) -> int:
    """The ``n`` of ``advance(n)``: a whole number of steps >= 0 (a negative or fractional
    one counted the task backwards or to ``4.5/3``)."""
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 0:
        raise ConfigError(f"{call}(n=...) takes the whole number of steps done (>= 0), got "
                          f"{_given(n)}")
    return int(n)


def _check_seconds(value: Any, setting: str) -> None:
    """A number of seconds >= 0 (NaN or infinity silenced every line or bar, a text one
    failed at the first step)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) \
            or not math.isfinite(value) or value < 0:
        raise ConfigError(f"{setting} takes a finite number of seconds >= 0, got "
                          f"{_given(value)}; for no progress at all, pass progress=None")


def _check_stream(stream: Any, setting: str) -> None:
    """None (standard error) or an open text stream: a path given as text failed at the
    first line with "'str' object has no attribute 'write'", a closed file with "I/O
    operation on closed file", in the middle of the work."""
    if stream is None:
        return
    if not callable(getattr(stream, "write", None)):
        hint = (f"; open the file first: open({echoed(repr(stream))}, 'w')"
                if isinstance(stream, str) else "")
        raise ConfigError(f"{setting} takes an open text stream (sys.stderr, an open file, "
                          f"io.StringIO()) or None for standard error, got {_given(stream)}"
                          f"{hint}")
    if getattr(stream, "closed", False) is True:
        raise ConfigError(f"{setting}: the stream is closed; give an open one, or None for "
                          "standard error")


class _TqdmTask:
    def __init__(self, bar) -> None:  # type: ignore[no-untyped-def]
        self._bar = bar

    def advance(self, n: int = 1) -> None:
        self._bar.update(checked_steps(n, "advance"))

    def report(self, **values: float | int | str) -> None:
        self._bar.set_postfix({k: (f"{v:.4g}" if isinstance(v, float) else v)
                               for k, v in values.items()}, refresh=False)


class TerminalProgress:
    """tqdm bars on stderr; bars that finish within ``min_seconds`` never appear."""

    def __init__(self, *, min_seconds: float = 1.0, disable: bool | None = None,
                 file: TextIO | None = None) -> None:
        self.min_seconds = min_seconds
        self.disable = disable
        self.file = file
        self._check("TerminalProgress")

    def _check(self, call: str) -> None:
        # checked when made and again when a task opens (the settings are attributes: a
        # NaN or text set afterwards reached tqdm)
        _check_seconds(self.min_seconds, f"{call}(min_seconds=...)")
        if self.disable is not None and not isinstance(self.disable, bool):
            # tqdm reads any truthy value as true: disable="no" hid the bars
            raise ConfigError(f"{call}(disable=...) takes True, False or None (bars only "
                              f"on a terminal), got {_given(self.disable)}")
        _check_stream(self.file, f"{call}(file=...)")

    @contextmanager
    def task(self, description: str, total: int | None = None) -> Iterator[Task]:
        from tqdm.auto import tqdm

        total = checked_total(total, "TerminalProgress.task")
        self._check("TerminalProgress")
        bar = tqdm(total=total, desc=description, delay=self.min_seconds, leave=False,
                   disable=self.disable, dynamic_ncols=True, file=self.file)
        try:
            yield _TqdmTask(bar)
        finally:
            bar.close()


class _LogTask:
    def __init__(self, progress: LogProgress, description: str, total: int | None) -> None:
        self._progress = progress
        self._description = description
        self._total = total
        self._done = 0
        self._values: dict[str, float | int | str] = {}
        self._last_line = progress.clock()
        self.lines = 0

    def advance(self, n: int = 1) -> None:
        self._done += checked_steps(n, "advance")
        now = self._progress.clock()
        finished = self._total is not None and self._done >= self._total
        # the last step is always logged once anything was, so the trace ends with totals
        if now - self._last_line >= self._progress.min_interval or (finished and self.lines):
            self._write(now)

    def report(self, **values: float | int | str) -> None:
        self._values.update(values)

    def _write(self, now: float) -> None:
        count = f" {self._done:,}/{self._total:,}" if self._total else f" {self._done:,}"
        numbers = "".join(f" {k}={v:.4g}" if isinstance(v, float) else f" {k}={v}"
                          for k, v in self._values.items())
        self._progress.stream.write(f"{self._progress.prefix}{self._description}{count}"
                                    f"{numbers}\n")
        self._progress.stream.flush()
        self._last_line = now
        self.lines += 1


class LogProgress:
    """Progress as plain lines, e.g. ``recstack: Training bpr 3/20 loss=0.41 val=0.12``.

    A task writes a line when it advances and at least ``min_interval`` seconds have passed
    since its last line (or since it started), and a last line when it completes if it
    wrote any: quick tasks stay silent, long ones leave one line per step at most.

    Parameters
    ----------
    stream
        Where lines go (default: ``sys.stderr`` at the time of writing).
    min_interval
        Fewest seconds between two lines of one task.
    clock
        Monotonic time in seconds (a test may pass its own).
    """

    prefix = "recstack: "

    def __init__(self, stream: TextIO | None = None, *, min_interval: float = 1.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._stream = stream
        self.min_interval = min_interval
        self.clock = clock
        self._check("LogProgress")

    def _check(self, call: str) -> None:
        # checked when made and again when a task opens (min_interval and clock are
        # attributes): a NaN or infinite interval silenced every line without a word
        _check_stream(self._stream, f"{call}(stream=...)")
        _check_seconds(self.min_interval, f"{call}(min_interval=...)")
        if not callable(self.clock):
            raise ConfigError(f"{call}(clock=...) takes a function returning seconds (e.g. "
                              f"time.monotonic), got {_given(self.clock)}")

    @property
    def stream(self) -> TextIO:
        return self._stream if self._stream is not None else sys.stderr

    @contextmanager
    def task(self, description: str, total: int | None = None) -> Iterator[Task]:
        total = checked_total(total, "LogProgress.task")
        self._check("LogProgress")
        yield _LogTask(self, description, total)


def terminal_progress(stream: TextIO | None = None) -> Progress:
    """tqdm bars when ``stream`` (default stderr) is a terminal, :class:`LogProgress` lines
    otherwise."""
    _check_stream(stream, "terminal_progress(stream=...)")
    target = stream if stream is not None else sys.stderr
    is_terminal = getattr(target, "isatty", lambda: False)()
    return TerminalProgress(file=stream) if is_terminal else LogProgress(stream)
