"""One run of a pipeline at a time: an exclusive, non-blocking lock on a file.

The lock is an ``flock`` on ``WORK/lock``: the operating system releases it when the
holding process ends, however it ends (a run killed with SIGKILL leaves no stale lock to
clean up). The file records the holder's process id and start time, so that a second run
can say who holds it. A run that made the work folder and leaves nothing else in it (one
refused before its first step) removes the lock and the folder again; a run that finds
its lock file replaced or removed after taking it takes the new one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from collections.abc import Iterator
from pathlib import Path

from recstack.errors import RecstackError
from recstack.specs import arguments_named

__all__ = ["PipelineBusy", "pipeline_lock"]


class PipelineBusy(RecstackError):
    """Another run of the same pipeline holds the lock."""


@contextlib.contextmanager
@arguments_named
def pipeline_lock(work: str | Path, name: str) -> Iterator[None]:
    """Hold the lock of the pipeline whose work folder is ``work`` for the block.

    Raises
    ------
    PipelineBusy
        Another process holds it (the message names its process id and start time).
    RecstackError
        ``work`` is not a path (text or :class:`~pathlib.Path`: a text one was a
        TypeError), or ``name`` is not text.
    """
    from recstack.atomic import checked_path, interruptions_held

    work = checked_path(work, "pipeline_lock(work)")
    if not isinstance(name, str):
        raise RecstackError(f"pipeline_lock(name): expected the pipeline's name (text), got "
                            f"{type(name).__name__} {name!r:.60}")
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        raise RecstackError("pipeline runs need file locks (fcntl), available on Linux and "
                            "macOS") from None
    path = work / "lock"
    made = [] if os.path.lexists(work) else [work, *_missing_parents(work)]
    while True:
        descriptor = _take(path, work, name, fcntl)
        try:
            same = os.path.samestat(os.fstat(descriptor), os.stat(path))
        except OSError:
            same = False
        if same:
            break
        # the holder before removed the file (its run made the folder and left it
        # empty): this lock guards nothing; take the one now at the path
        os.close(descriptor)
    try:
        os.ftruncate(descriptor, 0)
        os.write(descriptor, json.dumps({
            "pid": os.getpid(),
            "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}).encode())
        try:
            yield
        finally:
            # held: a second Ctrl-C while an interrupted run let go of its lock left the
            # work folder it made (and the lock file) half removed
            with interruptions_held():
                os.ftruncate(descriptor, 0)
                _tidy(made, path)
                fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


def _missing_parents(work: Path) -> list[Path]:
    parents = []
    for parent in work.parents:
        if os.path.lexists(parent):
            break
        parents.append(parent)
    return parents


def _tidy(made: list[Path], path: Path) -> None:
    """Remove the lock and the folders this run made when nothing else is in them (still
    holding the lock, so that no other run is inside)."""
    if not made:
        return
    with contextlib.suppress(OSError):
        if [p.name for p in made[0].iterdir()] != ["lock"]:
            return
        path.unlink()
        for folder in made:
            folder.rmdir()


def _take(path: Path, work: Path, name: str, fcntl) -> int:  # noqa: ANN001
    """An open descriptor of ``path`` holding its exclusive lock."""
    from recstack.atomic import broken_link, describe_path

    if os.path.lexists(path) and (broken_link(path) is not None or not path.is_file()):
        # a named pipe was a bare OSError (EINVAL) from the truncation, a link that leads
        # nowhere "cannot create its lock: No such file or directory"
        raise RecstackError(f"pipeline {name!r}: its lock {path} is {describe_path(path)}; "
                            "remove it (the lock is a file the pipeline creates)")
    try:
        work.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except (FileExistsError, NotADirectoryError):
        if broken_link(work) is not None:
            # it was "is (or lies under) a file"
            raise RecstackError(f"pipeline {name!r}: its work folder {work} is "
                                f"{describe_path(work)}; remove the link or set another "
                                "`work` folder in the pipeline file") from None
        raise RecstackError(f"pipeline {name!r}: its work folder {work} is (or lies under) a "
                            "file; remove the file or set another `work` folder in the "
                            "pipeline file") from None
    except IsADirectoryError:
        raise RecstackError(f"pipeline {name!r}: its lock {path} is a folder; remove it (the "
                            "lock is a file the pipeline creates)") from None
    except OSError as error:
        raise RecstackError(f"pipeline {name!r}: cannot create its lock {path}: "
                            f"{error.strerror}") from None
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        holder = _holder(path)
        raise PipelineBusy(f"pipeline {name!r} is already running ({holder}; lock "
                           f"{path}); wait for it to finish") from None
    return descriptor


def _holder(path: Path) -> str:
    try:
        raw = json.loads(path.read_text(encoding="utf-8") or "{}")
        return f"process {raw['pid']}, started {raw['started']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "by another process"
