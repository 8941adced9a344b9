"""The one progress mechanism: library code reports, the caller decides how to render.

Library functions that take a while accept ``progress: Progress | None``. They open a
task with ``progress.task(description, total)`` (used as a context manager), advance it
with ``advance(n)`` and may attach numbers (loss, AUC...) with ``report(**values)``.
``None`` means silent. The CLI passes :func:`terminal_progress`, which draws tqdm bars on
stderr; a notebook or service can pass anything with the same shape (e.g. a logger).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol


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
    """``progress`` itself, or the silent reporter when it is None."""
    return SILENT if progress is None else progress


class _TqdmTask:
    def __init__(self, bar) -> None:  # type: ignore[no-untyped-def]
        self._bar = bar

    def advance(self, n: int = 1) -> None:
        self._bar.update(n)

    def report(self, **values: float | int | str) -> None:
        self._bar.set_postfix({k: (f"{v:.4g}" if isinstance(v, float) else v)
                               for k, v in values.items()}, refresh=False)


class TerminalProgress:
    """tqdm bars on stderr; bars that finish within ``min_seconds`` never appear."""

    def __init__(self, *, min_seconds: float = 1.0, disable: bool | None = None) -> None:
        self.min_seconds = min_seconds
        self.disable = disable

    @contextmanager
    def task(self, description: str, total: int | None = None) -> Iterator[Task]:
        from tqdm.auto import tqdm

        bar = tqdm(total=total, desc=description, delay=self.min_seconds, leave=False,
                   disable=self.disable, dynamic_ncols=True)
        try:
            yield _TqdmTask(bar)
        finally:
            bar.close()


def terminal_progress() -> TerminalProgress:
    return TerminalProgress()
