"""Writes that survive a crash: a reader sees the complete old version or the complete new one.

Single files (:func:`atomic_path`, :func:`write_text`, :func:`write_with`) are written beside
their destination and renamed over it. Folders (:func:`atomic_directory`) are built in a
staging folder beside the target and swapped in: on Linux with one ``renameat2(...,
RENAME_EXCHANGE)`` call, so the target name never stops pointing at a complete folder;
elsewhere (or on a filesystem that refuses the exchange) by renaming the old folder aside,
the new one in, and deleting the old one. A group of files that belong together (a split's
train, test and report; ``data synth``'s interactions and item table) is written as one
folder, so it appears all at once or not at all.

Names of the work in progress
-----------------------------
Temporary files and folders live beside the target and say what they are::

    .NAME.recstack-tmp-PID-TOKEN[.ext]    the new version being written
    .NAME.recstack-old-PID-TOKEN          the old version, on its way out

``PID`` is the writing process. A leftover whose writer is no longer running (the process
was killed) is removed by the next write to the same target, and by :func:`recover`, which
readers may call. If a fallback swap was interrupted between its two renames (the target
missing, its old version set aside), that recovery first puts the old version back, so the
target is whole again before anything is deleted.

Permissions follow the user's umask (files ``0666 & ~umask``, folders ``0777 & ~umask``),
as with any file the user creates, not the owner-only modes of :mod:`tempfile`.

Problems with the destination (an unwritable parent, a file where a folder is expected or
the reverse, a target that exists when ``overwrite`` is False) raise
:class:`~recstack.errors.RecstackError` naming the path.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import signal
import stat
import sys
import threading
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from recstack.errors import RecstackError, described_value, echoed, shown_given

__all__ = ["OutputBusy", "atomic_directory", "atomic_path", "blocking_parent", "broken_link",
           "check_regular_file", "checked_path", "describe_path", "file_name_problem",
           "fitting_stem", "folder_place_problem", "folder_problem", "hashed_stem",
           "home_or_working_folder_problem", "interruptions_held", "is_looping_link",
           "lock_path", "naming_failed_write", "output_lock", "padded_name_problem",
           "recover", "refuse_non_file", "room_for_name", "special_file_problem",
           "write_bytes", "write_text", "write_with", "written_name_problem"]

_TMP = "recstack-tmp"
_OLD = "recstack-old"
# compressed files keep their two-part extension on the temporary name, so that writers
# which infer the format or compression from the name (pandas, pyarrow) still do so
_COMPRESSION_SUFFIXES = {".gz", ".bz2", ".xz", ".zst", ".zip"}


# --------------------------------------------------------------------------------------
# single files


@contextmanager
def atomic_path(path: str | Path, *, overwrite: bool = True) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; when the block finishes it replaces ``path``.

    Parameters
    ----------
    path : str or Path
        The destination file. Missing parent folders are created.
    overwrite : bool
        Whether a file at ``path`` may be replaced. False: a file that appears there while
        the block runs (another run wrote it meanwhile) is kept and the write refused,
        checked by the final rename itself.

    Yields
    ------
    Path
        An empty file named ``.NAME.recstack-tmp-PID-TOKEN.EXT`` (same extension as
        ``path``) in the destination's folder, created with the user's umask. Write to it
        (or replace it) inside the block.

    Raises
    ------
    OutputBusy
        Another process is writing ``path`` (:func:`output_lock`).
    RecstackError
        If ``path`` is a folder, its parent is not a folder, or the parent is not writable.
        If the block raises, the temporary file is removed, ``path`` is untouched and the
        block's exception propagates.
    """
    if not isinstance(overwrite, bool):
        raise RecstackError(f"overwrite must be True or False, got {shown_given(overwrite)}")
    path = checked_path(path)
    refuse_non_file(path)
    _make_parent(path)
    existed = os.path.lexists(path)
    with output_lock(path, wait=True):
        _remove_stale_leftovers(path)
        temporary = path.parent / _work_name(path, _TMP, keep_extension=True)
        try:
            # 0o666 through the umask: the user's usual file permissions
            os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except OSError as error:
            raise _destination_error(path, error) from None
        try:
            yield temporary
            _fsync_file(temporary)
            _replace_file(temporary, path, overwrite=overwrite, existed=existed)
            _fsync_folder(path.parent)
        except BaseException as error:
            with interruptions_held():
                _remove(temporary)
            naming = _naming_the_output(error, path, temporary)
            if naming is not None:
                raise naming from error
            raise


def _replace_file(temporary: Path, path: Path, *, overwrite: bool, existed: bool) -> None:
    if overwrite:
        try:
            os.replace(temporary, path)
        except OSError as error:
            raise _destination_error(path, error) from None
        return
    # two runs told not to overwrite both found no file at their start, and the one that
    # finished last silently replaced the other's: the final rename itself refuses now
    try:
        if not _call_renameat2(temporary, path, _RENAME_NOREPLACE):
            _link_into_place(temporary, path)
    except FileExistsError:
        raise RecstackError(_appeared_meanwhile(path, existed, "file")) from None
    except OSError as error:
        raise _destination_error(path, error) from None


#: what ``link`` says on a filesystem that has no hard links (SMB, FAT, some FUSE mounts)
_NO_HARD_LINKS = frozenset({errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK,
                            errno.ENOSYS})


def _link_into_place(temporary: Path, path: Path) -> None:
    """Move ``temporary`` to the free name ``path``; FileExistsError if it is taken."""
    try:
        os.link(temporary, path)  # fails if the name exists, where rename would replace
    except OSError as error:
        if error.errno not in _NO_HARD_LINKS:
            raise
        # no hard links here: the write failed after all its work. Checked, then renamed:
        # a file that another program (one not taking the output lock) makes between the
        # two is replaced, a window of a few microseconds rather than a refused write
        if os.path.lexists(path):
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path)) from None
        os.rename(temporary, path)
        return
    os.unlink(temporary)


def write_text(path: str | Path, text: str, *, overwrite: bool = True) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically; returns ``path``. ``overwrite`` as
    :func:`atomic_path`."""
    # the path first: a table given as the path (the arguments swapped) was printed whole
    # as the message's first word
    checked_path(path)
    if not isinstance(text, str):
        # a TypeError from inside the write, after the temporary file was made
        raise RecstackError(f"{_path_shown(path)}: write_text takes text (str), got "
                            f"{type(text).__name__}; use write_bytes for bytes")
    return write_with(path, lambda target: target.write_text(text, encoding="utf-8"),
                      overwrite=overwrite)


def write_bytes(path: str | Path, data: bytes, *, overwrite: bool = True) -> Path:
    """Write ``data`` to ``path`` atomically; returns ``path``. ``overwrite`` as
    :func:`atomic_path`."""
    checked_path(path)  # before the path leads a message: it may be a table given in its place
    if not isinstance(data, bytes | bytearray | memoryview):
        raise RecstackError(f"{_path_shown(path)}: write_bytes takes bytes, got "
                            f"{type(data).__name__}"
                            f"{'; use write_text for text' if isinstance(data, str) else ''}")
    return write_with(path, lambda target: target.write_bytes(data), overwrite=overwrite)


def write_with(path: str | Path, write: Callable[[Path], object], *,
               overwrite: bool = True) -> Path:
    """Call ``write(temporary_path)`` and move the result to ``path`` atomically.

    See :func:`atomic_path` for the temporary's name, permissions, ``overwrite`` and the
    errors raised.
    """
    checked_path(path)  # before the path leads a message: it may be a table given in its place
    if not callable(write):
        raise RecstackError(f"{_path_shown(path)}: write_with takes a function that writes the "
                            f"file at the path it is given, got {type(write).__name__}")
    with atomic_path(path, overwrite=overwrite) as temporary:
        write(temporary)
    return Path(path)


# --------------------------------------------------------------------------------------
# folders


@contextmanager
def atomic_directory(target: str | Path, *, overwrite: bool) -> Iterator[Path]:
    """Yield an empty staging folder; when the block finishes it replaces ``target``.

    At every instant ``target`` is the complete old folder or the complete new one (see the
    module docstring for how, and for what an interrupted swap leaves behind).

    Parameters
    ----------
    target : str or Path
        The folder to create or replace. Missing parent folders are created.
    overwrite : bool
        Whether an existing ``target`` may be replaced. The old folder stays readable under
        its name until the new one is complete and swapped in.

    Yields
    ------
    Path
        An empty folder named ``.NAME.recstack-tmp-PID-TOKEN`` beside ``target``, created
        with the user's umask. Write every file of the group into it.

    Raises
    ------
    OutputBusy
        Another process is writing ``target`` (:func:`output_lock`).
    RecstackError
        If ``target`` exists and ``overwrite`` is False, ``target`` is a file, its parent is
        not a folder or not writable, or a new ``target``'s name starts or ends with a
        space (:func:`padded_name_problem`), starts with ``-`` or holds a control character
        in a folder it makes (:func:`written_name_problem`); and, whatever ``overwrite``
        says, a ``target`` given as ``.``, ``..``, ``sub/..`` or ``~``
        (:func:`folder_place_problem`), or one that is the home folder or is or holds the
        working folder. If the block raises, the staging folder is removed, ``target`` is
        untouched and the block's exception propagates.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> with atomic_directory(root / "split", overwrite=False) as staging:
    ...     _ = (staging / "train.csv").write_text("user,item\\n1,2\\n")
    ...     _ = (staging / "test.csv").write_text("user,item\\n1,3\\n")
    >>> sorted(p.name for p in (root / "split").iterdir())
    ['test.csv', 'train.csv']
    """
    if not isinstance(overwrite, bool):
        # a truthy string such as "no" must not replace a folder
        raise RecstackError(f"overwrite must be True or False, got {shown_given(overwrite)}")
    given = target
    target = checked_path(target)
    _refuse_unnameable(target)
    if not os.path.lexists(target):
        # a new folder padded with a space (`write_partitioned(data, "res ")`, a results
        # folder "res ") was made beside "res" without a word, where `--out 'res '` and an
        # experiment file's `output = "res "` are refused; an existing one is replaced
        text = os.fsdecode(os.fspath(given))
        # only what this write makes is judged: an existing folder above it is written into
        # whatever its name (the rule is for names given to new files and folders)
        named = written_name_problem(text, "the folder to write", kind="folder",
                                     typed=isinstance(given, str),
                                     new_from=_created_from(text)) \
            or padded_name_problem(text, "folder")
        if named is not None:
            raise RecstackError(f"{text!r} {named}")
    # before any folder is made: `save(".", overwrite=True)` failed only at the swap
    # ("Device or resource busy"), `sub/..` left `sub` behind, and `~` with overwrite
    # replaced the whole home folder by the new one
    place = folder_place_problem(os.fsdecode(os.fspath(given)), "new-folder")
    if place is None:
        place = home_or_working_folder_problem(target)
    if place is not None:
        raise RecstackError(f"{os.fsdecode(os.fspath(given))!r} {place}")
    _make_parent(target)
    # a target set aside by an interrupted swap (put back by recover, under the lock)
    # existed already
    existed = os.path.lexists(target) or any(_OLD in p.name for p, _ in _leftovers(target))
    with output_lock(target, wait=True):
        recover(target)
        if not overwrite and not existed and os.path.lexists(target):
            # written by the run this one waited for
            raise RecstackError(_appeared_meanwhile(target, existed, "folder"))
        _check_replaceable(target, overwrite=overwrite)
        staging = target.parent / _work_name(target, _TMP)
        try:
            os.mkdir(staging, 0o777)  # through the umask: the user's usual folder permissions
        except OSError as error:
            raise _destination_error(target, error) from None
        try:
            yield staging
            _fsync_tree(staging)
            # the block may have taken long: a writer that does not take the lock (an older
            # recstack, another program) may have made the folder meanwhile
            if not overwrite and not existed and os.path.lexists(target):
                raise RecstackError(_appeared_meanwhile(target, existed, "folder"))
            _check_replaceable(target, overwrite=overwrite)
            with interruptions_held():
                _swap_in(staging, target, overwrite=overwrite)
        except BaseException as error:
            with interruptions_held():
                _remove(staging)
            naming = _naming_the_output(error, target, staging)
            if naming is not None:
                raise naming from error
            raise


def recover(target: str | Path) -> None:
    """Repair what an interrupted write to ``target`` left beside it.

    If ``target`` is missing and a finished writer set its old version aside
    (``.NAME.recstack-old-*``), that version is renamed back to ``target``. Then every
    leftover of writers that are no longer running is removed. Leftovers of running writers
    are left alone. Cheap when there is nothing to do (one listing of the parent folder);
    :func:`atomic_directory` and :func:`atomic_path` call it before writing, readers may call
    it before reading.
    """
    target = Path(target)
    if not target.parent.is_dir():
        return
    if not os.path.lexists(target):
        olds = [p for p, pid in _leftovers(target) if _OLD in p.name and not _alive(pid)]
        if olds:
            # the newest set-aside version is the one the interrupted swap was replacing
            with contextlib.suppress(OSError):
                newest = max(olds, key=lambda p: p.stat().st_mtime_ns)
                os.rename(newest, target)
    _remove_stale_leftovers(target)


# --------------------------------------------------------------------------------------
# interruptions

#: the signals that stop a write part-way: Ctrl-C, a scheduler's stop, a closed terminal
_INTERRUPTING_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
                              if hasattr(signal, name))


@contextmanager
def interruptions_held() -> Iterator[None]:
    """Hold Ctrl-C, SIGTERM and SIGHUP until the block ends, then act on them as they would
    have acted (raise :class:`KeyboardInterrupt`, end the process).

    For short steps that must not stop half-way: the removal of an interrupted write's
    staging folder (a second Ctrl-C while it was deleted left half of it beside the
    target) and the renames of a swap. Signals are handled in the main thread only, so in
    another thread, or for a signal that is ignored, this changes nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous: dict[int, Any] = {}
    try:
        for number in _INTERRUPTING_SIGNALS:
            handler = signal.getsignal(number)
            if handler is None or handler == signal.SIG_IGN:  # None: set outside Python
                continue
            previous[number] = signal.signal(number, lambda got, _: received.append(got))
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        for number in dict.fromkeys(received):
            signal.raise_signal(number)


# --------------------------------------------------------------------------------------
# one writer per output


class OutputBusy(RecstackError):
    """Another process is writing the same output (it holds its :func:`output_lock`)."""


_LOCK = "recstack-lock"
#: outputs held, by thread and absolute path, with how often each is taken (a run holds
#: its results folder's lock while it works, and the folder's write inside takes it again:
#: a second ``flock`` of the file would refuse itself). By thread: other threads (a
#: registry's concurrent publishers) take the lock through their own descriptors, and
#: wait for each other as two processes do
_held_outputs: dict[tuple[int, str], int] = {}
_held_outputs_guard = threading.Lock()


def lock_path(target: str | Path) -> Path:
    """The lock file of ``target``: ``.NAME.recstack-lock`` beside it, present only while a
    writer holds it."""
    target = Path(target)
    return target.parent / f".{fitting_stem(target, len(_LOCK) + 2)}.{_LOCK}"


@contextmanager
def output_lock(target: str | Path, option: str = "", *, wait: bool = False
                ) -> Iterator[None]:
    """Hold the writers' lock of the file or folder ``target`` for the block.

    Two recstack runs writing one output (cron and CI starting the same experiment, a
    split and an evaluation sharing a folder) each built a complete output and the last
    to finish replaced the other's, or failed only at the end with "already exists". With
    the lock, the second fails at once, naming the output and the run holding it.

    The lock is an ``flock`` on :func:`lock_path`, released by the operating system when
    its holder ends however it ends (a run killed with SIGKILL leaves no stale lock); the
    file records the holder (process id, host, start, command) and is removed when the
    lock is let go. Taking it again inside the block, in the same process, is allowed.
    Where ``fcntl`` is missing (Windows) the block runs unlocked, and so it does, with one
    warning per process on the ``recstack`` logger, on a filesystem that keeps no locks
    (NFS without lockd, some FUSE and SMB mounts). ``option`` names where
    the output was given (``"--out"``) in the advice of the refusal.

    ``wait``: wait for the holder instead of failing (saying once, on the ``recstack``
    logger, whom it waits for). The writes of :func:`atomic_directory` and
    :func:`atomic_path` wait: they are short once the work is done, and a registry that
    lost a version number to another publisher must see that number taken, not busy.

    Raises
    ------
    OutputBusy
        Another process holds the lock.
    RecstackError
        The lock file cannot be made there (no such folder, not writable), or its holder
        record cannot be written (a full disk).
    """
    if not isinstance(wait, bool):
        raise RecstackError(f"output_lock: wait must be True or False, got {shown_given(wait)}")
    target = checked_path(target)
    key = (threading.get_ident(), os.path.abspath(target))
    with _held_outputs_guard:
        if key in _held_outputs:
            _held_outputs[key] += 1
            taken_again = True
        else:
            taken_again = False
    if taken_again:
        try:
            yield
        finally:
            with _held_outputs_guard:
                _held_outputs[key] -= 1
        return
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no advisory locks to take
        yield
        return
    path = lock_path(target)
    made = _missing_folders(target.parent)
    _make_parent(target)
    try:
        descriptor = _take_output_lock(path, target, option, fcntl, wait=wait)
    except BaseException:
        _remove_empty(made)
        raise
    if descriptor is None:  # a filesystem without locks (:func:`_take_output_lock`)
        with _held_outputs_guard:
            _held_outputs[key] = 1
        try:
            yield
        finally:
            with _held_outputs_guard:
                _held_outputs.pop(key, None)
            _remove_empty(made)
        return
    try:
        with _held_outputs_guard:
            _held_outputs[key] = 1
        try:
            # inside the cleanup's reach: a full disk refusing the record left the lock
            # file behind and let a bare OSError out
            try:
                os.ftruncate(descriptor, 0)
                os.write(descriptor, json.dumps(_holder_record()).encode())
            except OSError as error:
                raise _destination_error(target, error) from None
            yield
        finally:
            # held: an interrupted run that let go of the lock but left its file was debris
            with interruptions_held():
                with _held_outputs_guard:
                    _held_outputs.pop(key, None)
                # removed while still held, so that no other writer is inside; one that
                # opened this file meanwhile finds it gone and takes the new one
                with contextlib.suppress(OSError):
                    os.unlink(path)
                fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)
        # a run refused or failed before its write left the folders it made for the lock
        _remove_empty(made)


def _missing_folders(folder: Path) -> list[Path]:
    """``folder`` and the folders above it that do not exist yet, deepest first."""
    missing = []
    for above in [folder, *folder.parents]:
        if os.path.lexists(above):
            break
        missing.append(above)
    return missing


def _remove_empty(folders: list[Path]) -> None:
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            return  # holds something (the output written): it and those above stay


#: what ``flock`` says on a filesystem that keeps no locks (NFS without lockd, some FUSE
#: and SMB mounts): the lock cannot be had there by anyone, so none is held
_NO_LOCKS = frozenset({errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EINVAL,
                       errno.ENOSYS})
_unlocked_said = False
_unlocked_said_guard = threading.Lock()


def _take_output_lock(path: Path, target: Path, option: str, fcntl: Any, *,
                      wait: bool) -> int | None:
    """The open descriptor of ``path``, locked; None where the filesystem keeps no locks
    (the caller then runs unlocked)."""
    said = False
    while True:
        made_here = not os.path.lexists(path)
        try:
            descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o666)
        except OSError as error:
            raise _destination_error(target, error) from None
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            os.close(descriptor)
            if error.errno in _NO_LOCKS:
                # every atomic write there failed: the rename code likewise falls back
                # where a filesystem lacks a feature, rather than refuse to write at all
                if made_here:
                    with contextlib.suppress(OSError):
                        os.unlink(path)
                _say_unlocked(path.parent, error)
                return None
            if error.errno not in (errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES):
                raise _destination_error(target, error) from None
            if wait:
                if not said:
                    said = True
                    logging.getLogger("recstack").warning(
                        "%s: another recstack run is writing it (%s); waiting for it to "
                        "finish", target, _holder_of(path))
                _wait_for_lock(path, fcntl)
                continue
            instead = f"choose another {option}" if option else "choose another name"
            raise OutputBusy(f"{target}: another recstack run is writing it "
                             f"({_holder_of(path)}); wait for it to finish, then run again, "
                             f"or {instead}") from None
        try:
            same = os.path.samestat(os.fstat(descriptor), os.stat(path))
        except OSError:
            same = False
        if same:
            return descriptor
        # the holder before removed the file as it let go: this lock guards nothing
        os.close(descriptor)


def _say_unlocked(folder: Path, error: OSError) -> None:
    """Warn, once per process, that outputs are written without their lock."""
    global _unlocked_said
    with _unlocked_said_guard:
        if _unlocked_said:
            return
        _unlocked_said = True
    logging.getLogger("recstack").warning(
        "%s: the filesystem there keeps no file locks (%s); outputs there are written "
        "without recstack's one-writer lock, so two runs writing one output at the same "
        "time are not kept apart (said once per run)", folder, error.strerror or error)


def _wait_for_lock(path: Path, fcntl: Any) -> None:
    """Block until the lock file now at ``path`` is let go (or gone); the caller then takes
    it afresh, so that a file removed by its holder meanwhile is not the one locked."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return  # let go and removed already
    try:
        fcntl.flock(descriptor, fcntl.LOCK_SH)
        fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


def _holder_record() -> dict[str, Any]:
    import datetime as dt
    import socket

    command = " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]) if sys.argv else ""
    return {"pid": os.getpid(), "host": socket.gethostname(),
            "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "command": command[:200]}


def _holder_of(path: Path) -> str:
    """The holder of the lock file ``path``, for a message."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        said = f"process {int(raw['pid'])} on {raw['host']}, started {raw['started']}"
    except (OSError, ValueError, KeyError, TypeError):
        # between its open and its record: the holder has not written who it is yet
        return f"a process holding its lock {path}"
    command = raw.get("command")
    return said + (f": {command}" if isinstance(command, str) and command else "")


def _appeared_meanwhile(target: Path, existed: bool, kind: str) -> str:
    if existed:
        return f"{target} already exists; pass --overwrite (overwrite=True) to replace it"
    return (f"{target}: appeared meanwhile: another run wrote this {kind} while this one "
            f"was working (there was none when it started); it is kept as written: pass "
            f"--overwrite (overwrite=True) to replace it, or choose another name")


# --------------------------------------------------------------------------------------
# the swap


def _swap_in(staging: Path, target: Path, *, overwrite: bool) -> None:
    # without overwrite, a target that appeared after the last check (a concurrent writer
    # of the same name) makes the no-replace rename fail: it is never exchanged
    if not overwrite or not os.path.lexists(target):
        try:
            _rename_no_replace(staging, target)
        except OSError as error:
            if error.errno in (errno.EEXIST, errno.ENOTEMPTY) and not overwrite:
                raise RecstackError(_appeared_meanwhile(target, False, "folder")) from None
            raise _destination_error(target, error) from None
        _fsync_folder(target.parent)
        return
    if _rename_exchange(staging, target):
        # ``staging`` now holds the old version; the target was never missing
        _fsync_folder(target.parent)
        _remove(staging)
        return
    # fallback: old aside, new in, old deleted; ``recover`` repairs an interruption between
    # the two renames, when the target is briefly missing
    aside = target.parent / _work_name(target, _OLD)
    try:
        os.rename(target, aside)
    except OSError as error:
        raise _destination_error(target, error) from None
    try:
        os.rename(staging, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.rename(aside, target)
        raise
    _fsync_folder(target.parent)
    _remove(aside)


_AT_FDCWD = -100
_RENAME_NOREPLACE = 1
_RENAME_EXCHANGE = 2
_renameat2: Callable[..., int] | None = None
_renameat2_loaded = False


def _load_renameat2() -> Callable[..., int] | None:
    global _renameat2, _renameat2_loaded
    if not _renameat2_loaded:
        _renameat2_loaded = True
        if sys.platform.startswith("linux"):
            try:
                libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
                function = libc.renameat2  # glibc >= 2.28
            except (OSError, AttributeError):
                function = None
            if function is not None:
                function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int,
                                     ctypes.c_char_p, ctypes.c_uint]
                function.restype = ctypes.c_int
                _renameat2 = function
    return _renameat2


def _call_renameat2(source: Path, destination: Path, flags: int) -> bool:
    """True if done; False if this system or filesystem does not offer ``flags``."""
    function = _load_renameat2()
    if function is None:
        return False
    result = function(_AT_FDCWD, os.fsencode(source), _AT_FDCWD, os.fsencode(destination),
                      flags)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(destination))


def _rename_exchange(staging: Path, target: Path) -> bool:
    try:
        return _call_renameat2(staging, target, _RENAME_EXCHANGE)
    except OSError as error:
        raise _destination_error(target, error) from None


def _rename_no_replace(staging: Path, target: Path) -> None:
    # os.rename would silently replace an empty folder that appeared meanwhile
    if not _call_renameat2(staging, target, _RENAME_NOREPLACE):
        os.rename(staging, target)


# --------------------------------------------------------------------------------------
# names and leftovers


def _work_name(target: Path, kind: str, *, keep_extension: bool = False) -> str:
    extension = ""
    if keep_extension:
        suffixes = target.suffixes
        if len(suffixes) >= 2 and suffixes[-1].lower() in _COMPRESSION_SUFFIXES:
            extension = "".join(suffixes[-2:])
        elif suffixes:
            extension = suffixes[-1]
    stem = target.name
    if len(os.fsencode(stem + extension)) > _work_name_room(target):
        # a valid name of 230 bytes gave a work name of 260, and every write of it failed
        # with the system's "File name too long"
        stem = _short_stem(target)
        if len(os.fsencode(extension)) > _LONGEST_KEPT_EXTENSION:
            extension = ""  # part of a long name, not a format a writer reads from it
    return f".{stem}.{kind}-{os.getpid()}-{secrets.token_hex(4)}{extension}"


#: bytes a work name adds to the target's name: ".", ".recstack-tmp-", a process id of up
#: to 10 digits, "-" and 8 hex digits (the extension is counted apart)
_WORK_NAME_EXTRA = len(f"..{_TMP}--") + 10 + 8
#: the longest extension a shortened work name keeps (".parquet", ".csv.gz", ".json.zst")
_LONGEST_KEPT_EXTENSION = 16
_DIGEST_LENGTH = 16


def _work_name_room(target: Path) -> int:
    """Bytes left for the target's name (and extension) in a work name beside it: the file
    system's longest name, or what the longest path leaves, less :data:`_WORK_NAME_EXTRA`."""
    return room_for_name(target.parent) - _WORK_NAME_EXTRA


def _short_stem(target: Path) -> str:
    """The target's name as a work name holds it when the name itself does not fit
    (:func:`_work_name`): :func:`hashed_stem`, the same for every writer of it, so that
    :func:`recover` finds the leftovers of any of them."""
    return hashed_stem(target.name, _work_name_room(target) - _LONGEST_KEPT_EXTENSION)


def room_for_name(folder: Path) -> int:
    """Bytes a file or folder name inside ``folder`` may take: the file system's longest
    name, or what its longest path leaves after the folder's own path, whichever is less."""
    name_max, path_max = _name_limits(folder)
    folder_bytes = len(os.fsencode(os.path.join(os.path.abspath(folder), "")))
    return min(name_max, path_max - 1 - folder_bytes)


def fitting_stem(target: Path, added: int) -> str:
    """``target``'s name as the names made from it hold it (work names, ``NAME.old``) when
    they add ``added`` bytes to it: the name itself where the result fits the file system's
    limits (:func:`room_for_name`), else :func:`hashed_stem`. A valid name of 240 bytes
    gave work names past 255, and every write through them failed ("File name too long")."""
    room = room_for_name(target.parent) - added
    if len(os.fsencode(target.name)) <= room:
        return target.name
    return hashed_stem(target.name, room)


def hashed_stem(name: str, room: int) -> str:
    """``START~HASH`` in at most ``room`` bytes: the name's start, recognisably its, and a
    hash of the whole name, so that two long names sharing their start differ and every
    writer of one name makes the same stem."""
    digest = hashlib.sha256(os.fsencode(name)).hexdigest()[:_DIGEST_LENGTH]
    start = name
    while start and len(os.fsencode(start)) > room - 1 - _DIGEST_LENGTH:
        start = start[:-1]  # by characters: a multi-byte character is never cut in two
    return f"{start}~{digest}"


def _name_limits(folder: Path) -> tuple[int, int]:
    """The file system's longest file name and path in bytes for ``folder`` (or the nearest
    folder above it that exists); 255 and 4096 where it does not say."""
    anchor = next((str(above) for above in [Path(os.path.abspath(folder)),
                                            *Path(os.path.abspath(folder)).parents]
                   if os.path.isdir(above)), os.sep)
    try:
        name_max = os.pathconf(anchor, "PC_NAME_MAX")
        path_max = os.pathconf(anchor, "PC_PATH_MAX")
    except (OSError, ValueError, AttributeError):  # not said, or not POSIX
        name_max, path_max = _NAME_MAX, _PATH_MAX
    name_max = name_max if name_max and name_max > 0 else _NAME_MAX
    path_max = path_max if path_max and path_max > 0 else _PATH_MAX
    return name_max, path_max


def _leftovers(target: Path) -> list[tuple[Path, int]]:
    names_held = {re.escape(target.name), re.escape(_short_stem(target))}
    pattern = re.compile(rf"\.(?:{'|'.join(sorted(names_held))})\.(?:{_TMP}|{_OLD})-(\d+)-"
                         rf"[0-9a-f]+")
    found = []
    try:
        names = os.listdir(target.parent)
    except OSError:
        return []
    for name in names:
        match = pattern.match(name)
        if match:
            found.append((target.parent / name, int(match.group(1))))
    return found


def _remove_stale_leftovers(target: Path) -> None:
    for leftover, pid in _leftovers(target):
        if not _alive(pid):
            _remove(leftover)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True  # another thread of this process may be writing
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    except (OSError, OverflowError):
        return False
    return True


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


# --------------------------------------------------------------------------------------
# checks and errors


def checked_path(path: Any, what: str = "path") -> Path:
    """``path`` (text or a path) as a Path; refused with a :class:`RecstackError` when it
    is something else (None, a number), empty (it would mean the working folder) or holds
    a NUL character (the operating system's calls end the name there). A leading ``~`` is
    the home folder, as the data loaders read it (it made a folder named ``~``)."""
    if not isinstance(path, str | os.PathLike):
        raise RecstackError(f"{what}: expected a path (text or pathlib.Path), got "
                            f"{_given_in_place_of_path(path)}")
    text = os.fspath(path)
    if isinstance(text, bytes):
        text = os.fsdecode(text)
    if not text.strip():
        raise RecstackError(f"{what}: an empty path; give a file or folder name")
    if "\0" in text:
        raise RecstackError(f"{text!r}: a path cannot hold a NUL character (\\0)")
    half = surrogate_half(text)
    if half is not None:
        raise RecstackError(f"{what}: {text!r} is {half}")
    try:
        return Path(text).expanduser()
    except RuntimeError:  # no home folder to expand to: the name as given
        return Path(text)


def _path_shown(path: str | os.PathLike[str]) -> str:
    """A path leading a message: whole up to the system's longest path, else cut to its
    ends with its length (a text of thousands of characters given as the path was the
    whole first line of the message)."""
    return echoed(os.fsdecode(os.fspath(path)), _PATH_MAX)


def _given_in_place_of_path(value: Any) -> str:
    """What was given for a path, by type and value (``int 3``, ``NoneType None``), or by
    type and size alone for a table, an array or a long collection: a DataFrame passed
    to ``save`` was printed whole, its rows spread over the message."""
    # imported here: the models import this module to write their files
    given = shown_given(value)
    if given == described_value(value):
        return given
    return f"{type(value).__name__} {given}"


#: the limits of names where the file system does not say (Linux's NAME_MAX and PATH_MAX)
_NAME_MAX, _PATH_MAX = 255, 4096


def name_too_long(path: Path) -> str | None:
    """None unless the file system cannot name ``path``: a part of it (a file or folder
    name) longer than the file system's limit, or the whole longer than the system's,
    each counted in bytes (``os.pathconf`` of the nearest folder that exists; 255 and 4096
    where it does not say). Else what the name is, as the end of "is ...". Every call on
    such a path raised the operating system's OSError (File name too long)."""
    half = surrogate_half(path)
    if half is not None:
        return half
    name_max, path_max = _name_limits(path.parent)
    for part in path.parts:
        size = len(os.fsencode(part))
        if size > name_max:
            return (f"a name longer than the file system allows: its part {shortened(part)} is "
                    f"{size:,} bytes long, and a file or folder name holds at most "
                    f"{name_max:,}")
    size = len(os.fsencode(path))
    if size >= path_max:
        return (f"a path longer than the system allows ({size:,} bytes; at most "
                f"{path_max - 1:,})")
    return None


def surrogate_half(path: str | os.PathLike[str]) -> str | None:
    """None unless ``path`` holds a lone half of a UTF-16 surrogate pair (``"\\ud800"``,
    from a JSON escape or a name mangled on its way), which no file name can hold: every
    call on such a path raised UnicodeEncodeError. Else what the name is, as the end of
    "is ...". U+DC80-U+DCFF pass: they stand for the bytes of a name that is not UTF-8."""
    text = os.fspath(path)
    if isinstance(text, bytes):
        return None
    try:
        os.fsencode(text)
    except UnicodeEncodeError as error:
        return (f"a name no file system can hold: its character {error.start + 1} is "
                f"{text[error.start]!r}, half of a UTF-16 surrogate pair (write the "
                "character itself, both halves together)")
    return None


def shortened(name: Any, most: int = 60) -> str:
    """``name`` for a message, its middle left out when it is long (an over-long name
    shown whole filled the screen), cut as :func:`recstack.errors.echoed` cuts a value:
    ``'xxxx...xxxx' (300 characters)``."""
    text = os.fsdecode(os.fspath(name)) if isinstance(name, os.PathLike) else str(name)
    cut = echoed(text, most)
    if cut == text:
        return repr(text)
    value, _, length = cut.rpartition(" (")
    return f"{value!r} ({length}"


#: extensions of the files recstack writes or reads: a name that is only one of them
#: (``.csv``) is a file name left out, not a hidden file meant to be so named
_KNOWN_EXTENSIONS = (".csv", ".tsv", ".parquet", ".pq", ".json", ".jsonl", ".toml", ".html",
                     ".htm", ".txt", ".png", ".svg", ".npz", ".npy", ".gz", ".zip")


def file_name_problem(text: str, example: str, written: str = "a file",
                      suffixes: tuple[str, ...] = (), *, typed: bool = False) -> str | None:
    """None when ``text``, as typed, can name a file to write; else why not, as the end of
    a message starting with ``repr(text)``. ``Path`` reads some such texts as another path
    without a word, so they are judged as typed: a path ending in ``/`` (``Path`` drops it
    and the file was written under the folder's name), or in ``/.`` or ``/..`` (``sub/.``
    wrote the file ``sub``), a control character, ``-`` or a name starting with ``-``
    (:func:`written_name_problem`), ``.`` and ``..`` themselves (``recstack recommend --out .``
    failed with "PosixPath('.') has an empty name"), ``~`` or ``~user`` (a home folder); a
    name starting or ending with a space, or ending with a dot (``a.csv.`` or ``a.csv ``
    is another file than ``a.csv``, and its extension no longer says the format); a name
    of dots and spaces only (``...``); and a name that is only an extension (``.csv``, a
    hidden file). ``example`` is a file name to suggest (``recommendations.csv``),
    ``written`` what is written ("an HTML page"), ``suffixes`` the extensions it takes,
    ``typed`` whether ``text`` is a text as given rather than a ``Path``'s (whose ``./``
    is lost: a leading ``-`` is judged only in a text, :func:`written_name_problem`)."""
    here = f"but {written} is written here; give the file's name"
    unreadable = written_name_problem(text, typed=typed)
    if unreadable is not None:
        return unreadable
    if text.endswith(_SEPARATORS):
        return f"ends with '/', so it names a folder, {here}, e.g. {text}{example}"
    head, name = _last_part(text)
    if name in (".", ".."):
        folder = os.path.join(os.path.normpath(text), example)
        if head:
            return f"ends with '/{name}', so it names a folder, {here}, e.g. {folder}"
        which = "the working folder" if name == "." else "the folder above the working one"
        return f"is {which}, {here}, e.g. {folder}"
    if name.startswith("~") and not head:
        return f"names a home folder, {here}, e.g. {text}/{example}"
    if not _bare_name(name, dots=True):
        return f"is no file name (only dots and spaces), {here}, e.g. {head}{example}"
    padded = padded_name_problem(text, "file")
    if padded is not None:
        return padded
    extensions = {s.lower() for s in (*suffixes, *_KNOWN_EXTENSIONS, Path(example).suffix)}
    if name.lower() in extensions:
        # the name suggested takes an extension the writer takes (`save_table(t, ".txt")`
        # was told "e.g. interactions.txt", which it then refused as no table format)
        taken = {s.lower() for s in suffixes}
        extension = name if not suffixes else name.lower() if name.lower() in taken \
            else suffixes[0]
        return (f"is only an extension, with no name before it (it would be a hidden file "
                f"named {name!r}); give the file's name, e.g. "
                f"{head}{Path(example).stem}{extension}")
    return None


_SEPARATORS = tuple({"/", os.sep, *((os.altsep,) if os.altsep else ())})


def written_name_problem(text: str, what: str = "the file to write", *, kind: str = "file",
                         typed: bool = True, option_given: bool = False,
                         new_from: int = 0) -> str | None:
    """None unless ``text``, a path to write as typed, holds a control character (a line
    break or tab pasted with the name: the file was written with it, and every listing
    shows it broken) or reads as something other than a name: ``-``, standard input or
    output, or a name starting with ``-`` (``-r.html``), which every command given it
    afterwards reads as an option (``./-r.html`` is a name). Else why, as the end of a
    message starting with ``repr(text)``.

    ``what`` is what belongs there, for the advice ("the file or folder to write"),
    ``kind`` what the name is of ("file", "folder", "file or folder"). ``typed``: whether
    ``text`` is the text as given; a ``Path`` has lost the ``./`` that makes ``./-r.html``
    a name (``Path("./-r.html")`` is ``Path("-r.html")``, and the command line hands its
    writers such paths), so without ``typed`` a leading ``-`` is not judged. ``option_given``
    (a command line's argument) says that an option may have been typed in its place.
    Control characters are looked for from index ``new_from`` on: the folders before it
    exist already, and are written into whatever their names. The rule is for names to
    write: a reader opens an existing file so named as it is."""
    control = next((index for index in range(max(new_from, 0), len(text))
                    if unicodedata.category(text[index]) == "Cc"), None)
    if control is not None:
        return (f"holds the control character {text[control]!r} (at position {control + 1}); "
                f"a {kind} name is written without line breaks, tabs or other control "
                "characters")
    if not typed:
        return None
    if text.strip() == "-":
        return (f"(standard input or output) is not taken here: give {what} by its path; if "
                f"that is its name, write ./-")
    if text.startswith("-"):
        if option_given:
            return (f"starts with '-', as an option does: an option was given where {what} "
                    f"belongs; if that is its name, write ./{text}")
        return (f"starts with '-', as an option does, and every command given the {kind}'s "
                f"name afterwards would read it as one; name it otherwise, or write ./{text}")
    return None


def _created_from(text: str) -> int:
    """The index in ``text`` where the folders a write of it makes begin: after the longest
    leading part of it that exists already (0 when none does)."""
    start, rest = len(text), text.rstrip("".join(_SEPARATORS))
    while rest:
        try:
            if os.path.lexists(os.path.expanduser(rest)):
                break
        except (OSError, ValueError):  # a name the system cannot look up: judged whole
            return 0
        head, _ = _last_part(rest)
        start, rest = len(head), head.rstrip("".join(_SEPARATORS))
    return start


def _last_part(text: str) -> tuple[str, str]:
    """``text`` cut after its last separator: (the folders with the separator, the name)."""
    cut = max(text.rfind(sep) for sep in _SEPARATORS)
    return text[:cut + 1], text[cut + 1:]


def _bare_name(name: str, *, dots: bool) -> str:
    """``name`` without the spaces at either end (and, with ``dots``, the dots at its end)."""
    bare = name.strip()
    while dots and bare.endswith("."):
        bare = bare.rstrip(".").strip()
    return bare


def folder_place_problem(text: str, example: str,
                         written: str = "the new folder") -> str | None:
    """None unless ``text``, as typed, names a folder that stands above what is written, or
    the home folder: ``.``, ``..``, a path ending in ``/..`` (``Path("sub/..")`` is
    ``sub/..``, and its name is no name to give a new folder), ``~`` or ``~user``
    (``sub/.`` is the folder ``sub``, as ``sub/`` is, and taken as it). Such a
    folder, replaced, takes everything in it (the working folder, the home folder). Else
    why, as the end of a message starting with ``repr(text)``, with ``example`` (a folder
    name) placed inside it. The folder counterpart of :func:`file_name_problem`, whose
    words it keeps."""
    stripped = text.rstrip("".join(_SEPARATORS))
    head, name = _last_part(stripped)
    here = f"which writing {written} there would replace with all it holds; give a new " \
           "folder's name"
    if name == ".." or name == "." and not head:
        inside = os.path.join(os.path.normpath(text), example)
        if head:
            return f"ends with '/..', so it names a folder above, {here}, e.g. {inside}"
        which = "the working folder" if name == "." else "the folder above the working one"
        return f"is {which}, {here}, e.g. {inside}"
    if name.startswith("~") and not head:
        return f"names a home folder, {here}, e.g. {stripped}/{example}"
    return None


def home_or_working_folder_problem(target: Path) -> str | None:
    """None unless the existing folder ``target`` (another spelling of it: an absolute
    path, a link) is the home folder, or is or holds the working folder: replacing it
    would delete them (the working folder's removal left the process in a deleted one)."""
    if not os.path.lexists(target) or target.is_symlink() or not target.is_dir():
        return None  # nothing replaced, or refused as what it is by _check_replaceable
    real = os.path.realpath(target)
    try:
        working = os.path.realpath(os.getcwd())
    except OSError:  # the working folder was deleted: nothing of it to keep
        working = None
    if working is not None and (working == real or working.startswith(
            real.rstrip(os.sep) + os.sep)):
        which = "is the working folder" if working == real else \
            f"holds the working folder {working}"
        return (f"{which}, which writing the new folder there would replace with all it "
                f"holds; give a new folder's name, e.g. {target / 'new-folder'}")
    try:
        home = os.path.realpath(os.path.expanduser("~"))
    except (OSError, RuntimeError):
        return None
    if home == real and home != os.sep:
        return ("is the home folder, which writing the new folder there would replace with "
                f"all it holds; give a new folder's name, e.g. {target / 'new-folder'}")
    return None


def padded_name_problem(text: str, kind: str = "file") -> str | None:
    """None unless the last name in ``text`` (a ``kind``, "file" or "folder", to write)
    starts or ends with a space (any blank), or, for a file, ends with a dot: ``--out
    'res '`` wrote a folder ``res␣`` beside ``res`` (an experiment file's ``output = 'res
    '`` is refused), ``--out a.csv.`` a file whose extension no longer said its format.
    Else why, as the end of a message starting with ``repr(text)``, naming the name meant.
    A name of dots or spaces only is left to the caller."""
    stripped = text.rstrip("".join(_SEPARATORS)) if kind != "file" else text
    head, name = _last_part(stripped)
    bare = _bare_name(name, dots=kind == "file")
    if not bare or bare in (".", "..") or name == bare:
        return None
    meant = repr(head + bare)
    if name[-1].isspace() or name[-1] == ".":
        which = "a dot" if name[-1] == "." else "a space" if name[-1] == " " else \
            f"the blank {name[-1]!r}"
        return (f"ends with {which}, which makes it another {kind} than {meant}; write it "
                f"without: {meant}")
    which = "a space" if name[0] == " " else f"the blank {name[0]!r}"
    return (f"starts with {which}, which makes it another {kind} than {meant}; write it "
            f"without: {meant}")


def checked_output(path: Any, what: str, *, suffixes: tuple[str, ...], writes: str) -> Path:
    """:func:`checked_path` for a file about to be written in one format (``writes``: "an
    HTML page", "JSON"), refused as ``recstack ... --out`` refuses it: a path ending in a
    slash names a folder (``Path`` drops the slash, and the file was written under the
    folder's name), and an extension outside ``suffixes`` names another format (HTML
    written into ``x.txt``, CSV into ``x.parquet``). A name without an extension is taken
    as it is."""
    checked = checked_path(path, what)
    text = os.fsdecode(os.fspath(path))
    # judged as given: Path("out/.") is Path("out"), and the file was written as "out"
    problem = file_name_problem(text, f"file{suffixes[0]}", writes, suffixes,
                                typed=isinstance(path, str))
    if problem is not None:
        raise RecstackError(f"{what}: {text!r} {problem}")
    if checked.suffix and checked.suffix.lower() not in suffixes:
        raise RecstackError(f"{what}: {text!r} ends with {checked.suffix}, but this writes "
                            f"{writes}; name the file {' or '.join(suffixes)}, e.g. "
                            f"{checked.with_suffix(suffixes[0])}")
    # what is there already, refused here with the caller's name as every refusal above
    # (atomic_path's own words left off which call was refused)
    example = checked / f"file{suffixes[0]}" if checked.suffix.lower() in suffixes \
        else checked.with_name(checked.name + suffixes[0])
    refuse_non_file(checked, what, folder_advice=f", e.g. {example}")
    return checked


def refuse_non_file(path: Path, what: str = "", *, choose: str = "name",
                    folder_advice: str = "") -> None:
    """Refuse a file about to be written at ``path`` when something other than a file is
    there, in one set of words for every writer (:func:`atomic_path`,
    :func:`checked_output`, ``recstack ... --out``): a name the file system cannot hold
    (too long), a folder (or a link to one), a symbolic link that loops or leads nowhere
    (writing replaced the link itself), a pipe, socket or device (a named pipe another
    program reads). ``what`` starts the message (the call or option refused), ``choose``
    names what to choose instead ("name", "--out"), ``folder_advice`` ends the folder's
    refusal (", e.g. out/file.json"). Nothing there and a file (or a link to one) pass."""
    head = f"{what}: {path}" if what else f"{path}"
    _refuse_unnameable(path, what, choose)
    try:
        is_folder = path.is_dir()
    except OSError as error:  # a folder above that cannot be searched (no permission)
        problem = _destination_error(path, error)
        raise RecstackError(f"{what}: {problem}" if what else str(problem)) from None
    if is_folder:
        raise RecstackError(f"{head}: is {describe_path(path)}, but a file is to be written "
                            f"there; choose a file name{folder_advice}")
    if special_file_problem(path) is not None:
        # replacing it would silently drop a link that was meant to lead somewhere (one
        # that loops, or to a folder not mounted yet), or a named pipe another program reads
        remove = "the link" if broken_link(path) is not None else "it"
        raise RecstackError(f"{head}: is {describe_path(path)}, but a file is to be written "
                            f"there; choose another {choose} or remove {remove}")


def _refuse_unnameable(path: Path, what: str = "", choose: str = "name") -> None:
    """Refuse a destination the file system cannot name (:func:`name_too_long`): the
    operating system's "File name too long" named neither the part nor the limit. The part
    is named, cut (the whole path beside it said it twice)."""
    too_long = name_too_long(path)
    if too_long is not None:
        prefix = f"{what}: " if what else ""
        raise RecstackError(f"{prefix}cannot write there: the path is {too_long}; choose a "
                            f"shorter {choose}")


def broken_link(path: Path) -> str | None:
    """What ``path`` is when it is a symbolic link that leads nowhere (one that loops back
    to itself, or to something that does not exist), or None."""
    try:
        if not path.is_symlink():
            return None
    except OSError:  # a name the system cannot look up (too long): no link to speak of
        return None
    try:
        os.stat(path)
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "a symbolic link that loops (it leads back to itself)"
        return f"a symbolic link to {os.readlink(path)!r}, which does not exist"
    return None


def is_looping_link(path: Path) -> bool:
    """Whether ``path`` is a symbolic link that leads back to itself (through any chain)."""
    try:
        if not path.is_symlink():
            return False
    except OSError:  # a name the system cannot look up (too long)
        return False
    try:
        os.stat(path)
    except OSError as error:
        return error.errno == errno.ELOOP
    return False


def check_regular_file(path: str | os.PathLike[str], expected: str) -> None:
    """Refuse, before it is opened, a ``path`` that exists but is not a regular file, with
    a :class:`RecstackError` in the words ``recstack run`` uses for an experiment file: a
    named pipe (reading it waits forever for a writer), a socket or device, or a symbolic
    link that loops or leads nowhere (which the operating system calls "no such file").
    ``expected`` completes "give ...", e.g. ``"the interaction log (a .csv or .parquet
    file)"``. Nothing at ``path``, a folder, and a link to a regular file pass: the caller
    words those as it does now."""
    path = Path(path)
    problem = special_file_problem(path)
    if problem is None:
        return
    # the advice is for a pipe, socket or device, not for a link or an over-long name
    stdin = " (a file on disk: standard input and pipes are not read)" if problem.endswith(
        "not a file") else ""
    raise RecstackError(f"{path}: {problem}; give {expected}{stdin}")


def special_file_problem(path: Path, wanted: str = "file") -> str | None:
    """None unless ``path`` is a symbolic link that loops or leads nowhere, or exists as
    something other than a file or folder (a named pipe, socket or device: reading one
    waits for a writer that never comes); else what it is, as the middle of a message
    ("is a pipe, socket or device, not a file"). A missing path and a folder are left to
    the caller's own words; ``wanted`` is what belongs there ("file", "folder")."""
    unusable = _unusable_name(path)
    if unusable is not None:
        return unusable
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None  # nothing there (or unreadable): the caller's own open says so
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    return f"is a pipe, socket or device, not a {wanted}"


def _unusable_name(path: Path) -> str | None:
    """What ``path`` is when no file or folder can be behind it, as the middle of a message
    ("is a name of 300 characters, ..."; "is a symbolic link that loops ..."), else None."""
    too_long = name_too_long(path)
    if too_long is not None:
        return f"is {too_long}"
    broken = broken_link(path)
    return None if broken is None else f"is {broken}"


def folder_problem(path: Path) -> str | None:
    """None when ``path`` is a folder (or a link to one); else what it is instead, as the
    middle of a message: "no such folder", "is a file", "is a pipe, socket or device,
    not a folder", "is a symbolic link that loops (it leads back to itself)". (``exists()``
    and ``is_dir()`` follow links: a link that loops read as "no such folder".)"""
    try:
        if path.is_dir():
            return None
    except OSError:
        pass  # a name the system cannot look up: said below by what lstat finds
    unusable = _unusable_name(path)
    if unusable is not None:
        return unusable
    found = describe_path(path)
    if found == "nothing":
        return "no such folder"
    return "is a file" if found == "a file" else f"is {found}, not a folder"


def describe_path(path: Path) -> str:
    """What is at ``path``, for a message: a folder, a file, a link (naming what it leads
    to, or that it leads nowhere), a pipe, socket or device, or nothing (or a name the
    file system cannot hold, :func:`name_too_long`)."""
    too_long = name_too_long(path)
    if too_long is not None:
        return too_long
    broken = broken_link(path)
    if broken is not None:
        return broken
    if path.is_symlink():
        kind = "folder" if path.is_dir() else "file" if path.is_file() else "special file"
        return f"a symbolic link to the {kind} {os.readlink(path)!r}"
    if path.is_dir():
        return "a folder"
    if path.is_file():
        return "a file"
    return "a pipe, socket or device" if os.path.lexists(path) else "nothing"


def blocking_parent(path: Path) -> str:
    """Why the folders above ``path`` cannot be made: the first one that is something other
    than a folder (a file, a link that loops...), said as '<it> is <what>, not a folder'."""
    parents = [path.parent, *path.parent.parents]
    blocking = next((p for p in reversed(parents) if os.path.lexists(p) and not p.is_dir()),
                    path.parent)
    return f"{blocking} is {describe_path(blocking)}, not a folder"


def _make_parent(path: Path) -> None:
    parent = path.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise RecstackError(f"{path}: cannot write here: {blocking_parent(path)}") from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise RecstackError(f"{path}: cannot write here: {blocking_parent(path)}"
                                ) from None
        raise _destination_error(path, error) from None
    if not os.access(parent, os.W_OK | os.X_OK):
        raise RecstackError(f"{path}: cannot write here: the folder {parent} is not writable "
                            f"by this user; choose another location or fix its permissions")


def _check_replaceable(target: Path, *, overwrite: bool) -> None:
    if not os.path.lexists(target):
        return
    if not target.is_dir() or target.is_symlink():
        # a link, even to a folder, is not replaced: the swap would drop the link itself
        raise RecstackError(f"{target}: is {describe_path(target)}, but a folder is to be "
                            "written there; choose another name or remove it")
    if not overwrite:
        raise RecstackError(f"{target} already exists; pass overwrite=True (--overwrite on "
                            f"the command line) to replace it")


#: the refusals of a write itself, which name the output when they name no file
_WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EROFS})


def _naming_the_output(error: BaseException, path: Path, work: Path) -> OSError | None:
    """``error``, an operating system's refusal of a write under way, naming the output
    ``path`` where it named none or named ``work`` (the temporary file or staging folder,
    a name the user never gave, which is gone once the write failed); None when it names
    another file already or is no such refusal.

    A write that fails part-way reports no file: a full disk was "Error writing bytes to
    file. Detail: [errno 28] No space left on device" (pyarrow), or "No space left on
    device" (pandas, Python's own files), and a file larger than ``ulimit -f`` allows "File
    too large", none of them saying which output could not be written. A file inside a
    staging folder is named by its place in the target folder."""
    if not isinstance(error, OSError) or error.errno is None:
        return None
    named = [_in_place_of(os.fsdecode(name), path, work)
             for name in (error.filename, error.filename2) if name is not None]
    if not named:
        if error.errno not in _WRITE_ERRNOS:
            return None  # a refusal of something else (a remote input timing out)
        named = [str(path)]
    if named == [os.fsdecode(n) for n in (error.filename, error.filename2) if n is not None]:
        return None  # it names a file of its own: nothing to add
    # the system's words for the number: pyarrow's message wraps them in its own
    return OSError(error.errno, os.strerror(error.errno), named[0], None, *named[1:])


@contextmanager
def naming_failed_write(path: str | Path) -> Iterator[None]:
    """Name ``path`` in an operating system's refusal, during the block, that names no
    file (a full disk: "No space left on device" alone), for a file written straight into
    a folder :func:`atomic_directory` stages; that folder's refusal names the file by its
    place in the target (``results/x/summary.csv``), where it named only the folder."""
    try:
        yield
    except OSError as error:
        if error.errno is None or error.filename is not None:
            raise
        raise OSError(error.errno, os.strerror(error.errno), os.fspath(path)) from error


def _in_place_of(name: str, path: Path, work: Path) -> str:
    """``name`` with the work file or folder ``work`` at its start written as ``path``."""
    for given in (str(work), str(work.absolute())):
        if name == given or name.startswith(given + os.sep):
            return str(path) + name[len(given):]
    return name


def _destination_error(path: Path, error: OSError) -> RecstackError:
    reason = error.strerror or str(error)
    hint = {
        errno.EACCES: "choose another location or fix its permissions",
        errno.EPERM: "choose another location or fix its permissions",
        errno.EROFS: "the filesystem is read-only; choose another location",
        errno.ENOSPC: "the disk is full; free space or choose another location",
        errno.ENOTDIR: "a part of the path is a file, not a folder",
        errno.EISDIR: "it is a folder; choose a file name",
        errno.ENOTEMPTY: "a folder of that name appeared meanwhile; pass overwrite to replace",
        errno.EEXIST: "something of that name appeared meanwhile; pass overwrite to replace",
    }.get(error.errno or 0, "")
    return RecstackError(f"{path}: cannot write: {reason}" + (f" ({hint})" if hint else ""))


# --------------------------------------------------------------------------------------
# durability: a SIGKILL needs only the renames, a power cut also needs the data on disk


def _fsync_file(path: Path) -> None:
    with contextlib.suppress(OSError):
        descriptor = os.open(path, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _fsync_folder(path: Path) -> None:
    with contextlib.suppress(OSError):
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _fsync_tree(root: Path) -> None:
    for folder, _, files in os.walk(root):
        for name in files:
            _fsync_file(Path(folder, name))
        _fsync_folder(Path(folder))
