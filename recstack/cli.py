"""The `recstack` command line: parses arguments, calls the library, prints.

A user's mistake is printed as one line on stderr with exit status 2, without a
traceback: every :class:`~recstack.errors.RecstackError`, and the operating system's
refusals a user can cause (a missing file, a folder where a file is expected or the
reverse, no permission, a full disk), which name the path. Anything else is a bug and
keeps its traceback. A command group given alone (``recstack data``) prints its help on
stderr and exits with status 2, as nothing was done. A Ctrl-C ends a command with one line
and status 130, from the moment this module starts to be imported.

Split methods, filters and the options of data sources are the specs declared in
:mod:`recstack.data.splits`, :mod:`recstack.data.filters` and
:mod:`recstack.data.sources`: their flags are made from those declarations.
"""

from __future__ import annotations

import os
import signal
import sys


def _quit_on_interrupt_while_starting(signal_number: int, frame: object) -> None:
    """End the command at once on a Ctrl-C that comes while it is still starting (importing
    numpy and the library: a few hundred milliseconds). It was a traceback of whatever
    module was being imported, printed by the console script outside :func:`main`.
    Nothing is written yet, so nothing is left to undo; the line and the status are those
    of :func:`_interrupted`."""
    try:
        os.write(2, b"recstack: interrupted\n")
    except OSError:  # no standard error (closed): the status says it
        pass
    os._exit(128 + signal.SIGINT)


def _started_as_the_command() -> bool:
    """Whether this process is the ``recstack`` command (its console script, or ``python
    -m recstack.cli``) rather than a program importing this module, whose Ctrl-C is its
    own."""
    if __name__ == "__main__":
        return True
    started = getattr(sys.modules.get("__main__"), "__file__", None) or ""
    return os.path.splitext(os.path.basename(started))[0] == "recstack"


# before the imports below, which take most of the start; main() gives Ctrl-C back to
# Python (a KeyboardInterrupt) once it can catch it. One the caller ignores stays ignored.
if _started_as_the_command() and signal.getsignal(signal.SIGINT) is signal.default_int_handler:
    signal.signal(signal.SIGINT, _quit_on_interrupt_while_starting)

import argparse  # noqa: E402
import contextlib  # noqa: E402
import dataclasses  # noqa: E402
import errno  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import re  # noqa: E402
import typing  # noqa: E402
from collections.abc import Iterator, Sequence  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, NoReturn  # noqa: E402

from recstack import __version__  # noqa: E402
from recstack.errors import ConfigError, RecstackError, counted  # noqa: E402
from recstack.serving import MAX_WORKERS  # noqa: E402
from recstack.specs import SEED_MAX, SEED_RULE  # noqa: E402

EXIT_USER_ERROR = 2
#: how a tab may be given to --separator, besides itself
_TAB_SPELLINGS = ("\\t", "tab")
#: errno values of operating-system errors a user's input or environment causes
_USER_ERRNOS = {errno.ENOENT, errno.ENOTDIR, errno.EISDIR, errno.EACCES, errno.EPERM,
                errno.ENOSPC, errno.EROFS, errno.EEXIST, errno.ENOTEMPTY, errno.ENAMETOOLONG,
                errno.ELOOP, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EFBIG}


def main(argv: Sequence[str] | None = None) -> int:
    with _termination_interrupts():
        try:
            _interrupt_as_python_does()
            # here too, not only around the command: the parser imports most of the library
            # (seconds on a busy machine), and a Ctrl-C then printed a traceback in pandas
            args = _build_parser().parse_args(argv)
        except KeyboardInterrupt as interruption:
            return _interrupted(interruption)
        except OSError as error:
            if error.filename != STANDARD_OUTPUT:
                raise
            return _user_error(describe_os_error(error))  # --help, --version: see _Parser
        except SystemExit as done:
            # --help and --version print, then exit: into a full disk (`> /dev/full`) their
            # text was lost with status 0 when the interpreter's last flush was refused
            if done.code in (0, None):
                try:
                    refused = _standard_output_refusal()
                except BrokenPipeError:  # `recstack --help | head -1`: as argparse left it
                    raise done from None
                if refused is not None:
                    return refused
            raise
        try:
            return _main(args)
        except KeyboardInterrupt as interruption:
            return _interrupted(interruption)


def _interrupt_as_python_does() -> None:
    """Ctrl-C raises KeyboardInterrupt again, as it did before this module was imported
    (see :func:`_quit_on_interrupt_while_starting`): the command can now catch it, and
    undo what it has begun (a staging folder, a temporary file) before it ends."""
    if signal.getsignal(signal.SIGINT) is _quit_on_interrupt_while_starting:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def _main(args: argparse.Namespace) -> int:
    with _notes_on_stderr(lambda: getattr(args, "terms", ())):
        try:
            with _standard_output_named():
                code = _run(args)
            # here, so that a closed pipe is caught below (and a full disk said as in _run)
            refused = _standard_output_refusal()
            return code if refused is None else refused
        except BrokenPipeError:
            # whoever read the output stopped early (`recstack ... | head`): end quietly,
            # with the status of a process ended by SIGPIPE, as other tools do
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 128 + signal.SIGPIPE


#: the standard output, named in its refusal (a redirect into a full disk)
STANDARD_OUTPUT = "the standard output (what the command prints, redirected with > or |)"


@contextmanager
def _naming_standard_output(stream: Any) -> Iterator[None]:
    """Name the standard output in its refusal, during the block, of what is printed: a full
    disk behind ``> file`` (or ``> /dev/full``) was "No space left on device (the disk is
    full)" naming no file, as if the results or the data had not fitted. A closed pipe
    (``| head``) stays what it is: it ends the command quietly. ``stream`` is the standard
    output written."""
    try:
        yield
    except OSError as error:
        if error.errno is None or error.filename is not None or error.errno not in _USER_ERRNOS:
            raise
        _drop_unwritten_output(stream)
        raise OSError(error.errno, os.strerror(error.errno), STANDARD_OUTPUT) from error


def _drop_unwritten_output(stream: Any) -> None:
    """Send what ``stream`` still holds, and anything printed after, nowhere: the
    interpreter's last flush at exit was refused again, adding "Exception ignored in:
    <_io.TextIOWrapper name='<stdout>'...>" and status 120 to the one-line error."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        # not a file of the system's (a caller's StringIO): it holds nothing unwritten
        descriptor = stream.fileno()
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, descriptor)
        finally:
            os.close(null)
        stream.flush()


class _NamedStandardOutput:
    """``sys.stdout`` while a command runs: what it writes and flushes goes to the stream it
    stands for, a refusal naming the standard output (:func:`_naming_standard_output`);
    anything else is the stream's."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        with _naming_standard_output(self._stream):
            return typing.cast(int, self._stream.write(text))

    def writelines(self, lines: Any) -> None:
        with _naming_standard_output(self._stream):
            self._stream.writelines(lines)

    def flush(self) -> None:
        with _naming_standard_output(self._stream):
            self._stream.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextmanager
def _standard_output_named() -> Iterator[None]:
    """``sys.stdout`` is a :class:`_NamedStandardOutput` for the block, then what it was."""
    stream = sys.stdout
    if stream is None or isinstance(stream, _NamedStandardOutput):
        yield  # no output at all (pythonw), or a command run inside another: named already
        return
    sys.stdout = typing.cast(typing.TextIO, _NamedStandardOutput(stream))
    try:
        yield
    finally:
        if isinstance(sys.stdout, _NamedStandardOutput):
            sys.stdout = stream


def _standard_output_refusal() -> int | None:
    """Flush the standard output: its refusal said as a user's mistake (status 2), or None.
    A closed pipe (BrokenPipeError) is the caller's to end quietly. For ``--help`` and
    ``--version`` too, which argparse prints and exits on: into a full disk (``>
    /dev/full``) their text was lost with status 0, argparse ignoring the refusal."""
    try:
        with _naming_standard_output(sys.stdout):
            sys.stdout.flush()
    except BrokenPipeError:
        raise  # the reader stopped early (`| head`): the caller ends quietly
    except OSError as error:
        if error.errno not in _USER_ERRNOS:
            raise
        return _user_error(describe_os_error(error))
    except (ValueError, AttributeError):  # closed, or no standard output: nothing to flush
        return None
    return None


def _run(args: argparse.Namespace) -> int:
    try:
        _refuse_thread_variables(args)
        with _no_new_folders_left_on_failure(args):
            return args.run(args) or 0
    except RecstackError as error:
        message = _naming_written_option(
            in_command_terms(str(error), getattr(args, "terms", ())), args)
        command = getattr(args, _COMMAND_PARSER, None)
        return _user_error(*_as_option_mistake(message, args),
                           given=getattr(command, "_given", ()))
    except OSError as error:
        if error.errno not in _USER_ERRNOS:
            raise
        command = getattr(args, _COMMAND_PARSER, None)
        if _working_folder_gone(error):
            # a relative path (results/NAME, a data file) is read from the working folder:
            # the bare "No such file or directory" named no file
            return _user_error(WORKING_FOLDER_GONE, given=getattr(command, "_given", ()))
        staging = _publish_staging_refusal(error, args)
        if staging is not None:
            return _user_error(staging, given=getattr(command, "_given", ()))
        return _user_error(*_as_option_mistake(
            _naming_written_option(describe_os_error(error), args), args),
            given=getattr(command, "_given", ()))
    except MemoryError as error:
        return _user_error(f"out of memory{f' ({error})' if str(error) else ''}; use less "
                           "data, smaller models (e.g. fewer factors) or a smaller "
                           "--batch-size")
    except KeyboardInterrupt as interruption:
        return _interrupted(interruption)


#: how the registry names the temporary folder a new version is written in before it is
#: moved into the registry (recstack.serving.registry.ModelRegistry.publish)
_PUBLISH_STAGING_PREFIX = "recstack-publish-"


def _publish_staging_refusal(error: OSError, args: argparse.Namespace) -> str | None:
    """The refusal of a write into the temporary folder where a registry stages a new
    version (a full disk, ``ulimit -f``), in the terms of the registry asked for, or None
    for any other error. It named that folder alone (``/tmp/recstack-publish-r4ejqb7d/
    version/model: File too large``), a path the user never gave and which is gone when
    the message is read, and not the ``--registry`` whose version was not published."""
    for path in (error.filename, error.filename2):
        if path is None:
            continue
        parts = Path(os.fsdecode(path)).parts
        staged = [at for at, part in enumerate(parts) if part.startswith(_PUBLISH_STAGING_PREFIX)]
        if staged:
            temporary = Path(*parts[:staged[0]])
            break
    else:
        return None
    registry = getattr(args, "registry", None)
    where = f"--registry {registry}" if isinstance(registry, str) else "the registry"
    name = getattr(args, "name", None) or getattr(args, "model", None)
    version = f"the new version of {name}" if isinstance(name, str) else "a new version"
    room = ("; free space there, or set TMPDIR to a folder on a disk with room"
            if error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)) else "")
    return (f"{where}: {version} could not be written: "
            f"{describe_os_error(OSError(error.errno, error.strerror))}; nothing was "
            f"published (a version is written first in a temporary folder under {temporary}, "
            f"then moved into the registry){room}")


#: the environment variables that set how many threads the computing libraries start
_THREAD_VARIABLES = ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                     "MKL_NUM_THREADS")


def _refuse_thread_variables(args: argparse.Namespace) -> None:
    """Refuse, before any work, a thread variable set to what is no thread count (``""``,
    ``"four"``, ``"0"``): each library read it its own way. ``NUMBA_NUM_THREADS=0`` was
    numba's ValueError traceback at the first model fitted, ``NUMBA_NUM_THREADS=abc`` a
    warning quoting a traceback and then every core, ``OMP_NUM_THREADS=abc`` libgomp's
    "Invalid value" and then every core: the cap the user set silently not applied.
    ``OMP_NUM_THREADS`` may list one count per nesting level (``4,2``). The rule is
    ``serve``'s (:func:`recstack.serving.settings.check_thread_variables`), which checks
    its own variables, since unset they take its ``compute_threads``."""
    own: tuple[str, ...] = ()
    if getattr(args, "run", None) is _serve:
        from recstack.serving.settings import THREAD_VARIABLES as own
    for name in _THREAD_VARIABLES:
        value = os.environ.get(name)
        if value is None or name in own:
            continue
        parts = value.split(",") if name == "OMP_NUM_THREADS" else [value]
        if all(part.strip().isascii() and part.strip().isdigit() and int(part) >= 1
               for part in parts):
            continue
        shape = " (or one per nesting level, 4,2)" if name == "OMP_NUM_THREADS" else ""
        raise RecstackError(f"the environment variable {name}={value!r:.40} is not a thread "
                            f"count; set it to a whole number of at least 1{shape}, or unset "
                            "it to use every core")


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP received while a command ran, unwound as a Ctrl-C is."""

    def __init__(self, signal_number: int) -> None:
        super().__init__(signal_number)
        self.signal_number = signal_number


#: signals that end a command as Ctrl-C does (a scheduler's stop, a closed terminal)
_TERMINATING_SIGNALS = (signal.SIGTERM, *((signal.SIGHUP,) if hasattr(signal, "SIGHUP")
                                          else ()))


@contextmanager
def _termination_interrupts() -> Iterator[None]:
    """Raise :class:`Terminated` on SIGTERM and SIGHUP while the command runs. Their default
    action ended the process on the spot, so no ``finally`` ran: a staging folder or
    temporary file stayed beside the output and a pipeline's empty work folder was kept.
    A signal the caller ignores (``nohup``) stays ignored; the handlers are restored after,
    so calling :func:`main` from Python changes nothing for later."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers, and only it receives them
        return

    def terminate(signal_number: int, frame: object) -> None:
        raise Terminated(signal_number)

    previous = {}
    for number in _TERMINATING_SIGNALS:
        if signal.getsignal(number) == signal.SIG_DFL:
            previous[number] = signal.signal(number, terminate)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _interrupted(interruption: KeyboardInterrupt) -> int:
    """One line on stderr and the shell's status of a process ended by the signal: 128 + its
    number (130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP)."""
    number = getattr(interruption, "signal_number", signal.SIGINT)
    name = "" if number == signal.SIGINT else f" ({signal.Signals(number).name})"
    print(f"recstack: interrupted{name}", file=sys.stderr)
    return 128 + number


#: why a command run in a folder that was deleted (or moved) fails, in place of the
#: system's bare "No such file or directory"
WORKING_FOLDER_GONE = ("the working folder (where this command runs: relative paths are "
                       "read from it and results/ is written in it) no longer exists; it was "
                       "deleted or moved: cd into an existing folder (e.g. cd ~) and run the "
                       "command again, or give absolute paths")


def _working_folder_gone(error: OSError) -> bool:
    """Whether ``error`` (no such file) came from the working folder itself having gone:
    its path is relative (or it names none, as ``os.getcwd`` does) and there is no working
    folder any more."""
    if error.errno != errno.ENOENT:
        return False
    if error.filename is not None and os.path.isabs(os.fsdecode(error.filename)):
        return False
    try:
        os.getcwd()
    except FileNotFoundError:
        return True
    except OSError:  # another reason (no permission): not this one
        return False
    return False


#: the options that name a file or folder a command writes, made with its folders
_OUTPUT_OPTIONS = ("out", "cache_dir", "registry", "log_dir")
#: those of them whose existing folder only the command writes into while it runs
_OWN_OUTPUTS = ("out", "cache_dir")


@contextmanager
def _no_new_folders_left_on_failure(args: argparse.Namespace) -> Iterator[None]:
    """Remove, when the command fails, the folders it made on the way to its outputs
    (``--out deep/x/res``: ``deep/x``) and inside them (``data fetch --cache-dir new``:
    ``new/movielens``), if they are still empty: the output itself is written atomically,
    but the folders were made before the work, and a refusal of the data (an unknown
    column, an unknown model) or a failed download left them behind. A folder that existed
    before, or that holds a file now, is never removed."""
    made: list[tuple[list[Path], Path, set[str] | None]] = []
    for name in _OUTPUT_OPTIONS:
        value = getattr(args, name, None)
        if not isinstance(value, str | os.PathLike) or "://" in os.fspath(value):
            continue
        try:
            path = Path(value).expanduser().absolute()
            missing = []
            for folder in (path, *path.parents):
                if os.path.lexists(folder):
                    break
                missing.append(folder)  # the deepest first
            # what an output folder held before: a folder made in it later is the command's
            # (not in a registry, which a publisher may be writing into meanwhile)
            before = (None if missing or name not in _OWN_OUTPUTS or path.is_symlink()
                      or not path.is_dir() else set(os.listdir(path)))
        except (OSError, RuntimeError, ValueError):  # a name the system cannot look up
            continue
        made.append((missing, path, before))
    try:
        yield
    except BaseException:
        for missing, path, before in made:
            if before is not None:
                for entry in sorted(set(_listed(path)) - before):
                    _remove_empty_folders(path / entry)
                continue
            if missing:
                _remove_empty_folders(missing[0])  # what was made inside the output
            for folder in missing:
                try:
                    folder.rmdir()  # an empty folder only
                except FileNotFoundError:
                    continue  # never made (the output itself, say)
                except OSError:
                    break  # it holds something, or is not a folder: keep those above
        raise


def _listed(folder: Path) -> list[str]:
    try:
        return os.listdir(folder)
    except OSError:
        return []


def _remove_empty_folders(top: Path) -> None:
    """Remove the folders under ``top`` (and ``top``) that hold no file, deepest first; a
    link is not followed, and a folder holding anything else is kept. A name the system
    cannot look up (too long) has nothing to remove: its OSError, raised while a failed
    command cleaned up, replaced the command's own refusal ("File name too long" where
    ``--out`` was refused naming the part and the limit)."""
    try:
        if top.is_symlink() or not top.is_dir():
            return
    except OSError:
        return
    for folder, _, _ in os.walk(top, topdown=False):
        try:
            os.rmdir(folder)
        except OSError:
            continue  # it holds a file (or the system refused): keep it


class _InCommandTerms(logging.Formatter):
    """``recstack: note: ...`` in the command's terms (``terms()``), as its errors and
    warnings are: a note said "value_col= chooses another" where ``--value-col`` does."""

    def __init__(self, terms: Any) -> None:
        super().__init__("recstack: note: %(message)s")
        self._terms = terms

    def format(self, record: logging.LogRecord) -> str:
        return in_command_terms(super().format(record), self._terms())


@contextmanager
def _notes_on_stderr(terms: Any = tuple) -> Iterator[None]:
    """Show the library's INFO notes (e.g. which column a loader picked) as
    ``recstack: note: ...`` lines for the length of one command; ``terms()`` gives the
    command's terms, in which its warnings are written as its errors are."""
    logger = logging.getLogger("recstack")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_InCommandTerms(terms))
    previous_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        with _warnings_on_stderr(terms):
            yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous_level)


def _warned_from(package: str) -> bool:
    """Whether the code that called ``warnings.warn`` (the first frame past the warnings
    module's, from the display function up) lies in ``package``, whatever frame its
    stacklevel named."""
    import warnings

    module = os.path.normcase(os.path.abspath(warnings.__file__))

    def in_warnings(frame: Any) -> bool:
        return os.path.normcase(os.path.abspath(frame.f_code.co_filename)) == module

    frame: Any = sys._getframe(1)
    while frame is not None and not in_warnings(frame):
        frame = frame.f_back  # the display: this module's show()
    while frame is not None and in_warnings(frame):
        frame = frame.f_back
    return frame is not None and frame.f_code.co_filename.startswith(package)


@contextmanager
def _warnings_on_stderr(terms: Any = tuple) -> Iterator[None]:
    """Show recstack's own warnings as ``recstack: warning: ...`` lines for the length of one
    command. Python's default printed the recstack source file and line that raised it and
    that line's code (``experiment.py:525: TrainingPairsWarning: ...`` then
    ``result = evaluator.evaluate_fold_in(...)``), as if the code were the problem. Other
    libraries' warnings keep Python's format; a caller that records warnings (pytest, a
    ``catch_warnings(record=True)``) keeps them."""
    import warnings

    default = getattr(warnings, "_showwarning_orig", None)
    previous = warnings.showwarning
    # catch_warnings(record=True) keeps showwarning and swaps Python's display function
    recording = getattr(getattr(warnings, "_showwarnmsg_impl", None), "__name__",
                        "") != "_showwarnmsg_impl"
    if previous is not default or recording:
        yield
        return

    package = str(Path(__file__).parent) + os.sep

    def ours(category: type[Warning], filename: str) -> bool:
        # recstack's own classes, and the plain warnings its code raises (with a stacklevel
        # that may point at another recstack module, or at the library that called
        # recstack: a model's warning during `recstack tune` named optuna's file and line,
        # in Python's format)
        return category.__module__.startswith("recstack") or (
            category in (UserWarning, RuntimeWarning)
            and (filename.startswith(package) or _warned_from(package)))

    def show(message: Any, category: type[Warning], filename: str, lineno: int,
             file: Any = None, line: str | None = None) -> None:
        if not ours(category, filename):
            previous(message, category, filename, lineno, file, line)
            return
        text = "; ".join(part.strip() for part in str(message).splitlines() if part.strip())
        # in the command's words, as its errors are (--colour-by, not colour_by)
        print(f"recstack: warning: {in_command_terms(text, terms())}",
              file=file or sys.stderr)

    warnings.showwarning = show
    try:
        yield
    finally:
        warnings.showwarning = previous


def describe_os_error(error: OSError) -> str:
    """``path: reason`` for an operating-system error (both paths for a rename)."""
    reason = error.strerror or str(error)
    hint = {errno.ENOSPC: " (the disk is full)",
            getattr(errno, "EDQUOT", -1): " (the disk quota is used up)",
            # a traceback before: the limit is the user's (`ulimit -f`) or the filesystem's
            errno.EFBIG: " (larger than the file size limit: the shell's `ulimit -f`, or the "
                         "largest file the filesystem holds)"}.get(error.errno or 0, "")
    paths = [str(p) for p in (error.filename, error.filename2) if p is not None]
    if error.errno == errno.ENAMETOOLONG and paths:
        from recstack.atomic import name_too_long, shortened

        # a folder output (evaluate and data split --out, fit --registry) printed the whole
        # name, hundreds of characters, then only "File name too long", where a file output
        # is refused naming the part too long and the limit
        problem = name_too_long(Path(paths[-1]))
        if problem is not None:
            return (f"{shortened(paths[-1], 120)}: {reason}: it is {problem}; choose a "
                    "shorter name")
    return f"{' -> '.join(paths) + ': ' if paths else ''}{reason}{hint}"


#: a Python spelling beside the option's own, as library messages give both
#: ("pass --overwrite (overwrite=True)"): on the command line the option alone
_PYTHON_BESIDE_OPTION = (r"(--[\w-]+[^()]*?) \(\w+=(?:True|False|\.\.\.)\)", r"\1")


def in_command_terms(message: str, terms: Sequence[tuple[str, str]]) -> str:
    """A library's message in the words of the command that called it: ``terms`` are
    (pattern, replacement) pairs, from :func:`_options` and the like, that turn the
    called function's names (``write_report: experiment_base``, ``n_users``,
    ``load_model('...')``) into what the user typed (``--experiment-base``, ``--users``,
    ``recstack recommend ...``)."""
    for pattern, replacement in (*terms, _PYTHON_BESIDE_OPTION):
        message = re.sub(pattern, replacement, message)
    return message


def _options(**flags: str) -> list[tuple[str, str]]:
    """Terms for :func:`in_command_terms`: each keyword (a parameter's Python name) is
    written as its option (``n_users="--users"``), where it stands as a name of its own."""
    return [(rf"(?<![\w.:=-]){re.escape(name)}(?![\w(=])", flag)
            for name, flag in flags.items()]


def _called_as(function: str, command: str) -> tuple[str, str]:
    """Terms for :func:`in_command_terms`: a message starting ``function: `` starts with the
    command's name instead."""
    return rf"^{re.escape(function)}(?:\(\w*\))?: ", f"{command}: "


#: a saved model or a registry named by the Python calls that load them, for ``recommend``
_LOAD_AS_RECOMMEND = [
    (r"ModelRegistry\('([^']*)'\)\.load\('([^']*)'\)", r"recstack recommend \2 --registry \1"),
    (r"load_model\('([^']*)'\)", r"recstack recommend \1"),
    (r" \(recstack\.serving\.registry\)", ""),
]


#: the folder ``online`` and ``skew`` read, named by the option that made it
_SERVICE_LOG_DIR = (r"the service's log_dir(?![\w-])",
                    "the service's log_dir, the folder of recstack serve --log-dir")


def require_folder(path: Path, what: str) -> None:
    """Refuse ``path`` unless it is a folder, saying what it is instead (nothing, a file)
    and what to give (``what``)."""
    from recstack.atomic import describe_path

    if not path.is_dir():
        found = describe_path(path)
        state = "no such folder" if found == "nothing" else f"is {found}, not a folder"
        raise RecstackError(f"{path}: {state}; give {what}")


def _user_error(message: str, prog: str = "recstack", given: Sequence[str] = ()) -> int:
    from recstack.errors import cut_long_values

    # a value of thousands of characters (a pasted string, a path) cut, its length stated
    line = cut_long_values(_cut_typed_values("; ".join(
        part.strip() for part in message.splitlines() if part.strip()), given))
    print(f"{prog}: error: {line}", file=sys.stderr)
    return EXIT_USER_ERROR


def _cut_typed_values(line: str, given: Sequence[str]) -> str:
    """``line`` with each long value typed on the command line (``given``) that holds a
    space cut as :func:`recstack.errors.cut_long_values` cuts a value without one: that
    rule takes a run of text without spaces, or a quoted one, for a value, so ``--user-col
    "ab cd ..."`` of thousands of characters repeated unquoted was left whole. The value
    is found as typed and as Python quotes it; a path (holding '/') is cut only past 1,024
    characters, as there."""
    from recstack.errors import ECHO_MOST, echoed

    values = {word.split("=", 1)[1] if word.startswith("--") and "=" in word else word
              for word in given}
    for value in sorted(values, key=len, reverse=True):
        most = 1024 if "/" in value else ECHO_MOST
        if len(value) <= most or not any(c.isspace() for c in value):
            continue
        cut, _, length = echoed(value).rpartition(" (")
        line = line.replace(repr(value), f"{cut!r} ({length}").replace(
            value, f"{cut} ({length}")
    return line


def _naming_written_option(message: str, args: argparse.Namespace) -> str:
    """``message`` opening with the option that named the file or folder it is about, when
    that is an output's path (``--out``, ``--cache-dir``, ``--log-dir``) the message starts
    with and names no option itself: the writers' refusals name the path alone, so
    ``data synth --out afile`` was told "afile: is a file, but a folder is to be written
    there", which of the paths typed left unsaid, on another prefix than the parser's
    refusal of the same option."""
    command = getattr(args, _COMMAND_PARSER, None)
    if command is None or message.startswith("-"):
        return message
    given = list(getattr(command, "_given", ()))
    for action in command._actions:
        if getattr(action.type, "__qualname__", "") not in _WRITTEN_PATHS:
            continue
        options = [option for option in action.option_strings if option.startswith("--")]
        value = getattr(args, action.dest, None)
        if not options or value is None or any(
                re.search(rf"{re.escape(option)}(?![\w-])", message) for option in options):
            continue
        typed = [after for word, after in zip(given, given[1:], strict=False)
                 if word in options]
        typed += [word.split("=", 1)[1] for word in given
                  if word.split("=", 1)[0] in options and "=" in word]
        if any(message.startswith(f"{path}: ") for path in {str(value), *typed}):
            return f"{options[0]} {message}"
    return message


def _as_option_mistake(message: str, args: argparse.Namespace) -> tuple[str, str]:
    """``(message, prog)`` of a refusal, a refusal of one of the command's options written
    as argparse writes its own (``recstack data split: error: argument --k: must be >= 2,
    got 1``): the library's refusal of the value came out as ``recstack: error: --k = 1:
    must be >= 2``, on another prefix and in another order than the parser's refusal of
    the same option. The option must open the message, followed by its value as typed
    (`` = value: `` or `` value: ``) or by ``: ``; other refusals keep ``recstack: error:``."""
    command = getattr(args, _COMMAND_PARSER, None)
    found = re.match(r"(--[\w-]+)(?=[ :])", message)
    if command is None or not found or found[1] not in {
            option for action in command._actions for option in action.option_strings}:
        return message, "recstack"
    option, rest = found[1], message[found.end():]
    if rest.startswith(": "):
        return f"argument {option}: {rest[2:]}", command.prog
    given = list(getattr(command, "_given", ()))
    typed = [value for word, value in zip(given, given[1:], strict=False) if word == option]
    typed += [word.split("=", 1)[1] for word in given if word.startswith(option + "=")]
    for value in typed:
        for said in (value, repr(value), f'"{value}"'):  # as the message wrote it
            if rest.startswith(f" {said}: "):  # the value, then what is wrong with it
                return f"argument {option}: {rest[1:]}", command.prog
            if rest.startswith(f" = {said}: "):
                problem, semicolon, hint = rest[len(f" = {said}: "):].partition("; ")
                # the value is said once: after the problem, as the parser says it, unless
                # the problem quotes it already ('k_cor' is not a known filter type)
                quoted = (repr(value), f'"{value}"')
                got = "" if any(q in problem for q in quoted) else f", got {said}"
                return (f"argument {option}: {problem}{got}{semicolon}{hint}",
                        command.prog)
    if re.match(r" [a-z]", rest) and not re.match(r" (and|or|nor|with) ", rest):
        # the option is what the sentence is about: "--k does not apply to the users split"
        return f"argument {option}: {rest[1:]}", command.prog
    return message, "recstack"


# --------------------------------------------------------------------------- commands
def _data_info(args: argparse.Namespace) -> int:
    from recstack.data.stats import describe

    data = _load(args)
    summary = describe(data)
    print(json.dumps(summary.to_dict(), indent=2) if args.json else summary)
    return 0


def _data_fetch(args: argparse.Namespace) -> int:
    from recstack.data.fetch import fetch
    from recstack.data.movielens import RELEASES
    from recstack.progress import terminal_progress

    if args.list and args.name is not None:
        # the name was ignored: the list printed, nothing fetched, status 0
        raise RecstackError(f"data fetch {args.name} --list: --list only lists the known "
                            f"datasets and fetches nothing; drop --list to fetch {args.name}")
    ignored = [option for option, given in (
        ("--url", args.url is not None), ("--sha256", args.sha256 is not None),
        ("--cache-dir", args.cache_dir is not None), ("--no-verify", args.no_verify),
        ("--force", args.force)) if given]
    if args.list and ignored:
        # they apply to a download, and --list downloads nothing: `data fetch --list
        # --url=` and `--cache-dir afile` listed the datasets with status 0, the value unread
        raise RecstackError(f"{ignored[0]}: applies to a download, and --list only lists the "
                            "known datasets; drop --list and name the dataset to fetch "
                            f"(recstack data fetch NAME {ignored[0]} ...), or drop "
                            f"{' and '.join(ignored)}")
    if args.list or args.name is None:
        for known in RELEASES.values():
            pinned = known.sha256[:12] + "..." if known.sha256 else "(no pinned SHA-256)"
            print(f"{known.name:24} {known.url}  {pinned}")
        if args.list:
            return 0
        # the list alone, with status 2, did not say what was wrong
        return _user_error("data fetch: name the dataset to fetch, one of those listed above "
                           "(e.g. recstack data fetch movielens-100k)")
    if args.no_verify and args.sha256 is not None:
        # a given digest is always checked, so --no-verify beside it was silently ignored:
        # the user who meant "skip the check" got a check, the one who meant the digest
        # could not tell which flag won
        raise RecstackError("--no-verify: contradicts --sha256, which checks the archive "
                            "against that digest; give --sha256 to check the archive, or "
                            "--no-verify to accept an archive without a pinned digest, "
                            "not both")
    path = fetch(args.name, cache_dir=args.cache_dir, url=args.url, sha256=args.sha256,
                 verify=not args.no_verify, force=args.force,
                 progress=None if args.quiet else terminal_progress())
    print(path)
    return 0


#: the sizes ``data synth`` writes when not told (a corpus a laptop splits and fits in seconds)
_SYNTH_DEFAULTS = {"users": 2000, "items": 1500, "interactions": 100_000}


def _data_synth(args: argparse.Namespace) -> int:
    from recstack.atomic import atomic_directory, output_lock
    from recstack.data.files import save_table
    from recstack.data.sources import DATASET_INTERACTIONS, DATASET_ITEMS
    from recstack.data.synthetic import SyntheticConfig, generate
    from recstack.progress import terminal_progress

    left_at_default = [name for name in _SYNTH_DEFAULTS if getattr(args, name) is None]
    for name in left_at_default:
        setattr(args, name, _SYNTH_DEFAULTS[name])
    _refuse_file_named_folder(args.out, "data synth",
                              f"{DATASET_INTERACTIONS} and {DATASET_ITEMS}")
    _refuse_replacing_other_files(args.out, DATASET_INTERACTIONS, "a data synth folder")
    _refuse_existing_output(args.out, args.overwrite, "data synth folder")
    # the folder is checked (exists? writable?) before the data is generated, not after;
    # held from here: a second run into it waited for the first and then replaced its
    # folder (or failed at the end), it now fails at once naming the first
    with output_lock(args.out, "--out"), \
            atomic_directory(args.out, overwrite=args.overwrite) as staging:
        # the command has flags for the sizes only: the defaults that depend on the
        # catalog's size are fitted to a small one (--items 10 was refused, naming a
        # synthetic:n_genres=... source this command cannot take)
        small = {"n_genres": min(SyntheticConfig.n_genres, args.items),
                 "min_user_interactions": min(SyntheticConfig.min_user_interactions,
                                              max(1, args.items // 2))}
        # no flag sets it: a message naming it says its value
        args.terms = [*args.terms, *_options(min_user_interactions=(
            f"{small['min_user_interactions']} (the fewest rows a user gets)"))]
        try:
            data = generate(n_users=args.users, n_items=args.items,
                            n_interactions=args.interactions, seed=args.seed,
                            progress=terminal_progress(), **small)
        except RecstackError as error:
            # only the defaults the refusal names (n_items for --items): --users past the
            # int32 limit was told "(not given, so at the default: --items 1,500,
            # --interactions 100,000)", as if those were the mistake
            named = [name for name in left_at_default
                     if re.search(rf"(?<![\w-])n_{name}(?!\w)", str(error))]
            if not named:
                raise
            said = ", ".join(f"--{name} {_SYNTH_DEFAULTS[name]:,}" for name in named)
            raise type(error)(f"{error} (not given, so at the default: {said})") from None
        save_table(data, staging / DATASET_INTERACTIONS)
        if data.item_table is not None:
            _write_parquet_table(data.item_table, staging / DATASET_ITEMS)
    print(f"wrote {counted(len(data), 'interaction')} and {counted(data.n_items, 'item')} "
          f"to {args.out} "
          f"(read it back with: recstack data info {args.out})")
    return 0


#: extensions of the files recstack writes: a folder option ending in one names a file
_FILE_EXTENSIONS = (".parquet", ".pq", ".csv", ".tsv", ".json", ".toml", ".html", ".htm")


def _refuse_file_named_folder(out: Path, command: str, holds: str) -> None:
    """Refuse a folder ``--out`` named as a file (``data split --out train.parquet``, or
    ``evaluate --out results.json``, made a folder so named, which other tools then read as
    a file or a partitioned dataset); ``holds`` says what the folder holds. Only ``data
    synth`` refused one, and only with the extension in lower case."""
    if out.suffix.lower() in _FILE_EXTENSIONS:
        raise RecstackError(f"--out {out}: names a file, but {command} writes a folder "
                            f"({holds}); e.g. --out {out.with_suffix('')}")


def _data_split(args: argparse.Namespace) -> int:
    from recstack.atomic import atomic_directory, output_lock
    from recstack.data.filters import apply_filters
    from recstack.data.sources import resolve_source
    from recstack.data.splits import SPLITS
    from recstack.experiment import refuse_output_over_inputs

    method_class = SPLITS.get(args.method, "--method: ")
    given = _spec_values(args, _split_fields())
    # in the split's own order: a set listed "the users split takes ..." in another order
    # on every run
    allowed = _field_names(method_class)
    wrong = [name for name in given if name not in allowed]
    if wrong:
        users = [m for m in SPLITS.names() if wrong[0] in _field_names(SPLITS.get(m))]
        raise RecstackError(f"{_flag(wrong[0])} does not apply to the {args.method} split "
                            f"(it is for: {', '.join(users)}); the {args.method} split takes "
                            f"{', '.join(map(_flag, allowed)) or 'no options'}")
    method = SPLITS.build(args.method, given, "", key_text=_flag)
    filters = [_parse_filter(text) for text in args.filter]
    # a source that is not there is refused before the output folder's parents are made:
    # with --out inside it (SRC/split), SRC was made first and then refused as "a folder,
    # but neither a MovieLens release, ..." (and left behind empty)
    _refuse_file_named_folder(args.out, "data split", "the parts as Parquet files and "
                              "report.json")
    resolve_source(str(args.source))
    # --overwrite replaces an old output, never the data being read
    refuse_output_over_inputs(args.out, [("the source", Path(args.source))], "the split")
    _refuse_replacing_other_files(args.out, "report.json", "a split folder")
    _refuse_existing_output(args.out, args.overwrite, "split folder")
    # the folder is checked (exists? writable?) before the data is read and split; held
    # from here, as data synth's
    with output_lock(args.out, "--out"), \
            atomic_directory(args.out, overwrite=args.overwrite) as staging:
        data = _load(args)
        try:
            data, steps = apply_filters(data, filters)
        except RecstackError as error:
            raise RecstackError(_filters_as_typed(str(error), args.filter)) from None
        for step in steps:
            print(step)
        try:
            parts = method.apply(data)
        except RecstackError as error:
            # the split's refusal of the data ("kfold: k = 100 folds, but ...") names the
            # options as the user typed them (--k)
            # (the settings left at their defaults too: "left no test rows
            # (test_fraction=0.2) ... raise test_fraction to at least 0.25" was said of a
            # command line without --test-fraction)
            defaults = [name for name in _field_names(method_class) if name not in given]
            raise RecstackError(in_command_terms(str(error), [
                *_given_as_typed(given),
                *[(rf"(?<![\w.:=-]){re.escape(name)}=(?=[^,;)\s])", _flag(name) + " ")
                  for name in defaults],
                *_options(**{name: _flag(name) for name in given}),
                *_options(**{name: _flag(name) for name in defaults if len(name) > 1})])
                                ) from None
        results = {"": parts[0]} if len(parts) == 1 else {
            f"fold-{split.report.params['fold']}": split for split in parts}
        write_splits(results, staging)
    for name, split in results.items():
        report = _split_report_as_typed(split.report, args.method, given)
        print(f"{name + ': ' if name else ''}{report}")
    print(f"wrote {args.out}")
    return 0


def _split_report_as_typed(report: Any, method: str, given: dict[str, Any]) -> str:
    """The split's report with its settings as flags (``random split (--test-fraction 0.2,
    --seed 0 by default)``), not Python keywords (``test_fraction=0.2``): errors name the
    flags typed, and so does what the command prints. ``given``: the flags' values typed."""
    flags = set(_split_fields())
    settings = []
    for name, value in report.params.items():
        if name not in flags:  # what the split chose itself: a fold's number
            settings.append(f"{name.replace('_', ' ')} {value}")
            continue
        typed = given.get(name)
        if name in given:  # the value as typed: --cutoff 2020-03-01, not Unix seconds
            value = typed if isinstance(typed, str) else getattr(typed, "typed_text", value)
        shown = (_flag(name) if value is True else "--no-" + name.replace("_", "-")
                 if value is False else f"{_flag(name)} {value}")
        if name not in given:
            shown += (" (from " + ", ".join(_flag(n) for n in given if n != name) + ")"
                      if name == "cutoff" and given else " by default")
        settings.append(shown)
    _, _, rest = str(report).partition("\n")
    head = f"{method} split" + (f" ({', '.join(settings)})" if settings else "")
    return head + ("\n" + rest if rest else "")


#: what a results folder holds, for a refusal of an --out named as a file
_RESULTS_HELD = "results.json, summary.csv and per-user files"


def _evaluate(args: argparse.Namespace) -> int:
    from recstack.config import load_experiment

    if args.out is not None:
        _refuse_file_named_folder(args.out, "evaluate", _RESULTS_HELD)
    args.terms = [*getattr(args, "terms", ()), *_loader_keys_as_toml()]
    experiment = _with_overrides(load_experiment(args.experiment), args)
    from recstack.experiment import require_libraries

    require_libraries(experiment, tuning=experiment.tune is not None
                      and experiment.data.is_graph_cf)
    out = args.out or experiment.result_folder()
    if args.out is None:
        from recstack.experiment import check_output

        # the folder comes from the file's output (or name): the refusal told the user
        # to "choose another --out", a flag they never typed, and named no setting
        key = "output" if experiment.output else "name"
        try:
            check_output(out, overwrite=args.overwrite, experiment=experiment)
        except RecstackError as error:
            message = re.sub(r"choose (another|a new) --out( / name)?",
                             rf"choose another {key} in the file (or pass --out)",
                             str(error))
            raise RecstackError(f"{experiment.where}{key} = {getattr(experiment, key)!r} "
                                f"writes the results to {message}") from None
    _run_and_print(experiment, out, overwrite=args.overwrite)
    return 0


def _results_folder_around(path: Path) -> Path | None:
    """The results folder (one holding results.json) that is ``path`` or holds it, as
    written and with its links followed; None where there is none."""
    from recstack.experiment import RESULTS_FILE

    # as written first, so that the folder is named as the user named the registry (not
    # where it climbs out of the working folder: '.' is no parent of '../registry')
    written = Path(os.path.normpath(path))
    chains = [written] if ".." not in written.parts else []
    for chain in (*chains, Path(os.path.abspath(path)), Path(os.path.realpath(path))):
        for candidate in (chain, *chain.parents):
            if (candidate / RESULTS_FILE).is_file():
                return candidate
    return None


def _tune(args: argparse.Namespace) -> int:
    from recstack.config import load_experiment
    from recstack.experiment import (
        check_output_file,
        experiment_inputs,
        refuse_output_over_inputs,
    )
    from recstack.progress import terminal_progress
    from recstack.tuning import tune

    args.terms = [*getattr(args, "terms", ()), *_loader_keys_as_toml()]
    experiment = load_experiment(args.experiment)
    if experiment.tune is not None:  # else tune names the missing table
        from recstack.experiment import require_libraries

        require_libraries(experiment, tuning=True, labels=_tuned_labels(experiment))
    # NAME.tuned.toml is tune's own output, replaced by each run; any other file only
    # with --overwrite, and never a file the experiment reads. Checked before the search.
    out = check_output_file(
        args.out or args.experiment.with_name(args.experiment.stem + ".tuned.toml"),
        overwrite=args.overwrite or args.out is None, reads=args.experiment)
    refuse_output_over_inputs(out, experiment_inputs(experiment), "the tuned experiment")
    from recstack.atomic import output_lock

    # held for the search: two tunes of one experiment (the default NAME.tuned.toml) each
    # searched for minutes, then the last to finish replaced the other's file; the second
    # now fails at once, naming the first
    with output_lock(out, "--out"):
        result = tune(experiment, progress=terminal_progress())
        print(f"best {result.metric} on the validation split: {result.best_value:.4f} with")
        for name, value in result.best_params.items():
            print(f"  {name} = {value!r}")
        replace = args.overwrite or args.out is None
        if not replace and os.path.lexists(out):
            # checked free before the search: a file put there meanwhile by a program
            # that takes no lock was replaced without --overwrite when this ended
            raise RecstackError(f"--out {out}: was created while the search ran (by "
                                "another program), and is left as it is; the best values "
                                "are above: rerun with --overwrite to replace it, or choose "
                                "another --out")
        # and at the rename itself, for a file that appears after the check above
        result.write_experiment(out, overwrite=replace)
    print(f"wrote {out} (run it with: recstack evaluate {out})")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from importlib.resources import as_file, files

    from recstack.config import load_experiment
    from recstack.data.stats import describe
    from recstack.data.synthetic import generate
    from recstack.experiment import check_output
    from recstack.progress import terminal_progress

    _refuse_file_named_folder(args.out, "demo", _RESULTS_HELD)
    with as_file(files("recstack") / "experiments" / "demo.toml") as path:
        experiment = _with_overrides(load_experiment(path), args)
    # the demo's models need the demo extra: a base install failed on ALS after training the
    # others on the generated dataset
    from recstack.experiment import require_libraries

    require_libraries(experiment)
    # an --out that cannot take the results (a file, a read-only folder) is refused before
    # the dataset is generated and described, not after
    check_output(args.out, overwrite=True, experiment=experiment)
    print("recstack demo on the built-in synthetic dataset (generated users and items, not "
          "real people: see the README)\n")
    print(describe(generate(progress=terminal_progress())), end="\n\n")
    # the demo is rerun as is: it replaces its own previous results
    _run_and_print(experiment, args.out, overwrite=True)
    return 0


def _tuned_labels(experiment: Any) -> set[str] | None:
    """The labels of the models ``recstack tune`` fits (None: every model)."""
    named = experiment.tune.model if experiment.tune is not None else None
    if named is None:
        return None
    return {spec.label for spec in experiment.models if named in (spec.label, spec.type)}


def _run_and_print(experiment: Any, out: Path, *, overwrite: bool) -> None:
    from recstack.experiment import run_experiment
    from recstack.progress import terminal_progress

    result = run_experiment(experiment, out=out, overwrite=overwrite,
                            progress=terminal_progress())
    for step in result.filter_steps:
        print(step)
    for report in result.split_reports:
        print(report)
    for label, tuned in result.tuning.items():
        params = ", ".join(f"{k}={v!r}" for k, v in tuned.best_params.items())
        print(f"{label}: tuned on validation, {tuned.metric} = {tuned.best_value:.4f} after "
              f"{len(tuned.trials)} trials ({params})")
    print()
    print(result.format_table())
    for model, diagnostics in result.diagnostics.items():
        for diagnostic in diagnostics:
            print(f"{model}: {diagnostic}")
    for model, test in result.significance.items():
        print(f"{model} vs {result.results[0].model}: {test}")
    print(f"\nwrote {out}")
    if experiment.report.html:
        print(f"report: {(out / 'report.html').absolute()} (open it in a browser)")


def _report(args: argparse.Namespace) -> int:
    from recstack.analysis.report import write_report
    from recstack.experiment import check_output_file, refuse_non_file_output
    from recstack.progress import terminal_progress

    if args.static:
        from recstack.models.registry import MATPLOTLIB

        # asked for by name, the PNG charts were left out without a word when matplotlib
        # was missing (the page said "Charts: none"), and the command exited 0
        if not MATPLOTLIB.installed():
            raise RecstackError("--static draws the charts with matplotlib, which is not "
                                f"installed; install it with: {MATPLOTLIB.install_command()}")
    if args.out is not None:  # RESULTS_DIR/report.html is the report's own, replaced
        check_output_file(args.out, overwrite=args.overwrite)
    else:  # ... unless it is not a file: a dangling link or a pipe was replaced unasked
        refuse_non_file_output(Path(args.results) / "report.html", "--out")
    from contextlib import nullcontext

    from recstack.atomic import output_lock

    # held while the page is built (refits, projections: minutes): two runs onto one page
    # each built it, then the last replaced the other's; the second now fails at once.
    # (Not in a results folder that is not there: the lock would make it, and the report
    # then refused an empty folder rather than a missing one.)
    page = args.out if args.out is not None else Path(args.results) / "report.html"
    held = (output_lock(page, "--out") if args.out is not None or page.parent.is_dir()
            else nullcontext())
    with held:
        path = write_report(args.results, args.out, refit=args.refit,
                            projection=None if args.projection == "none" else args.projection,
                            max_points=args.max_points,
                            interactive=False if args.static else None,
                            colour_by=args.colour_by, experiment_base=args.experiment_base,
                            progress=terminal_progress(),
                            # the folder's own report.html is the report's, replaced by each run
                            overwrite=args.overwrite or args.out is None)
    print(f"wrote {path}")
    return 0


def _with_overrides(experiment: Any, args: argparse.Namespace) -> Any:
    """The experiment with the evaluation settings given on the command line."""
    changes = {k: getattr(args, k) for k in ("n_threads", "batch_size")
               if getattr(args, k, None) is not None}
    if not changes:
        return experiment
    try:
        evaluation = dataclasses.replace(experiment.evaluation, **changes)
    except ConfigError as error:
        # the file's field is the flag's value now: the message names the flag typed
        raise ConfigError(in_command_terms(str(error), _options(
            **{name: _flag(name) for name in changes}))) from None
    return dataclasses.replace(experiment, evaluation=evaluation)


def _fit(args: argparse.Namespace) -> int:
    from recstack.progress import terminal_progress
    from recstack.serving.commands import fit_and_publish
    from recstack.serving.registry import ModelRegistry

    args.terms = [*getattr(args, "terms", ()), *_loader_keys_as_toml()]
    if args.name is not None:  # the registry's check of a name says "model name '...'"
        args.terms = [*args.terms, (r"^(?=model name '[^']*': )", "--name: ")]
    else:
        # the label is the name: `fit --model -1` was told of a "model name '-1'", an option
        # it never gave
        args.terms = [*args.terms, (r"^model name ('[^']*'): ",
                                    r"--model: \1, the model's name in the registry without "
                                    "--name: ")]
    _refuse_registry_not_a_folder(args.registry)
    registry = ModelRegistry(args.registry)
    _refuse_fit_without_libraries(args)
    published = fit_and_publish(args.experiment, args.model, registry, name=args.name,
                                on=args.on, results=args.results,
                                index=None if args.no_index else args.index or "auto",
                                keep=args.keep, progress=terminal_progress())
    manifest = published.manifest
    index = manifest["index"]
    index_text = ("no item index (the model has no item vectors)" if index is None else
                  f"{index['backend']} item index over {index['n_items']:,} items, "
                  f"recall@10 {index['recall_at_10']:.3f} against exact search")
    print(f"published {published.reference} to {registry.root} (current; {index_text}; "
          f"data fingerprint {manifest['data_fingerprint'][:12]})")
    print(f"recommend with: recstack recommend {published.name} --registry {registry.root} "
          "--users USER_ID --k 20")
    return 0


def _refuse_fit_without_libraries(args: argparse.Namespace) -> None:
    """Refuse up front what ``recstack fit`` could only refuse after the fit: a model, or an
    ``--index hnsw``, that needs a library that is not installed."""
    from recstack.config import load_experiment
    from recstack.experiment import require_libraries
    from recstack.models.registry import HNSWLIB

    if args.index == "hnsw" and not HNSWLIB.installed():
        raise RecstackError("--index hnsw needs hnswlib, which is not installed; install "
                            f"it with: {HNSWLIB.install_command()} (or give --index exact)")

    experiment = load_experiment(args.experiment)
    require_libraries(experiment, labels={args.model})


def _registry_not_a_folder(root: str) -> str | None:
    """What is wrong with a local ``--registry`` that is something other than a folder or
    nothing (a file, a pipe, a symbolic link that leads nowhere or loops), opening with the
    path; None when it is a folder, nothing yet, or a URL."""
    from recstack.atomic import broken_link, describe_path

    if "://" in root and not root.startswith("file://"):
        return None
    # os.path's expansion, as the registry's: Path.expanduser raised RuntimeError (a
    # traceback) for ~nosuchuser, which the registry then refuses by name
    path = Path(os.path.expanduser(root.removeprefix("file://")))
    if broken_link(path) is not None or (os.path.lexists(path) and not path.is_dir()):
        return (f"{root}: is {describe_path(path)}, not a folder; the registry is a folder "
                "(created when the first model is published); choose another --registry")
    return None


def _refuse_registry_not_a_folder(root: str) -> None:
    """Refuse, before the model is fitted, a local ``--registry`` that is something other
    than a folder or nothing: a symbolic link that leads nowhere or loops was found only
    at the publish, after the fit, and a named pipe was said to be "a file"."""
    problem = _registry_not_a_folder(root)
    if problem is not None:
        raise RecstackError(f"--registry {problem}")
    if "://" in root:
        return
    path = Path(root).expanduser()
    from recstack.experiment import RESULTS_FILE

    results = _results_folder_around(path)
    if results is not None:
        # `recstack evaluate --overwrite` of that run replaces its folder as a whole, and
        # the registry's published models went with it
        raise RecstackError(f"--registry {root}: lies inside the results folder {results} "
                            f"(it holds {RESULTS_FILE}), which `recstack evaluate "
                            "--overwrite` replaces as a whole, deleting the registry with "
                            "it; choose a --registry outside the results folder")
    # a registry that cannot be made or written (under a file, on a read-only disk) was
    # found at the publish, after the fit: probed now, leaving nothing behind
    from recstack.experiment import folder_write_problem

    problem = folder_write_problem(path)
    if problem is not None:
        raise RecstackError(f"--registry {root}: cannot publish there: {problem}; choose "
                            "another --registry")


def _recommend(args: argparse.Namespace) -> int:
    from recstack.atomic import output_lock
    from recstack.experiment import check_output_file

    if args.out is None:
        return _recommend_into(args)
    _refuse_recommendations_format(args.out)
    # reads: --overwrite replaced the users file with the lists drawn from it
    check_output_file(args.out, overwrite=args.overwrite, reads=args.users_file)
    _refuse_recommendations_inside_model(args.out, args.artifact, args.registry)
    # held before the model is opened: two runs into one --out each computed every list,
    # then the last to finish replaced the other's file; the second now fails at once,
    # naming the first
    with output_lock(args.out, "--out"):
        return _recommend_into(args)


def _recommend_into(args: argparse.Namespace) -> int:
    """``recommend`` once its --out (if any) is checked and held."""
    from recstack.progress import terminal_progress
    from recstack.serving.commands import (
        model_user_ids,
        open_artifact,
        recommendation_batches,
        request_context_from_text,
        user_ids_from_file,
        write_recommendations,
    )
    from recstack.serving.registry import ModelRegistry

    registry = ModelRegistry(args.registry) if args.registry is not None else None
    if registry is not None and not (Path(args.artifact) / "model.json").is_file():
        _refuse_padded_version(args.artifact, "")
    model, where = open_artifact(args.artifact, registry)
    if args.users_file is not None:
        # (refused there with the file's line: a user twice, unknown, or no user at all)
        users = model_user_ids(model, user_ids_from_file(model, args.users_file))
    elif args.all_users:
        users = None
    else:
        _refuse_file_as_user(model, args.users)
        users = model_user_ids(model, args.users)
        _refuse_repeated_users(args.users, users)
    context = request_context_from_text(model, args.context or [], args.timestamp)
    from recstack.models.base import check_list_length

    # a --k refused for its padding is refused before the note that it is served
    n_rows = len(getattr(model, "users_", ())) if users is None else len(users)
    check_list_length(args.k, n_rows, len(model.items_), f"{model.name}: recommend")
    _note_k_beyond_catalog(args.k, len(model.items_), args.include_seen)
    batches = recommendation_batches(model, users, args.k, exclude_seen=not args.include_seen,
                                     batch_size=args.batch_size,
                                     progress=terminal_progress() if args.out else None,
                                     context=context)
    # without --overwrite, checked free above: a file another program put there while the
    # lists were computed is kept, and this run refused
    rows = write_recommendations(batches, args.out, overwrite=args.overwrite)
    if args.out is not None:
        print(f"wrote {rows:,} recommendations from {where} to {args.out}")
    return 0


def _refuse_recommendations_inside_model(out: Path, artifact: str, registry: Any) -> None:
    """``recommend --out`` inside the saved model folder or the registry it reads: the lists
    were written among the files of the model itself, and a saved model folder holding
    another file is one ``save_model(overwrite=True)`` then refuses to replace."""
    out_real = os.path.realpath(Path(out).expanduser())
    folders = []
    if registry is not None and "://" not in str(registry):
        folders.append(("the registry", Path(registry)))
    artifact_path = Path(artifact).expanduser()
    if (registry is None or (artifact_path / "model.json").is_file()) and \
            artifact_path.is_dir():
        folders.append(("the saved model folder", artifact_path))
    for what, folder in folders:
        real = os.path.realpath(folder.expanduser())
        if os.path.isdir(real) and out_real.startswith(real.rstrip(os.sep) + os.sep):
            raise ConfigError(f"--out {out}: lies inside {what} {folder}, which this "
                              "command reads; write the lists outside it (e.g. "
                              f"{Path(out).name} in the working folder)")


def _refuse_recommendations_format(out: Path) -> None:
    """``recommend --out``: the extension chooses the format (CSV or Parquet); another one,
    or none, was refused only by the writer, after the model had been loaded and every
    list computed."""
    suffix = out.suffix.lower()
    if suffix in (".csv", ".parquet", ".pq"):
        return
    found = f"ends with {out.suffix}" if suffix else "has no extension"
    # a path with no name (Path('.'), '/') has no with_name: "PosixPath('.') has an empty name"
    example = (out.with_suffix(".csv") if suffix else out.with_name(out.name + ".csv")
               if out.name not in ("", ".", "..") else out / "recommendations.csv")
    raise ConfigError(f"--out {out}: {found}, but the extension chooses what is written: "
                      f"write .csv or .parquet (or .pq), e.g. {example}")


def _note_k_beyond_catalog(k: int, n_items: int, include_seen: bool) -> None:
    """``recommend --k`` above the model's catalog is served, not refused (a "top 100" of 40
    items is every item), but the lists came back shorter than asked without a word: say
    so on stderr, as ``recstack: note: ...``."""
    if k <= n_items:
        return
    fewer = "" if include_seen else ", fewer where the user's seen items are left out"
    logging.getLogger("recstack").info(
        "--k %d is more than the model's %s item(s): each list holds at most %s%s",
        k, f"{n_items:,}", f"{n_items:,}", fewer)


def _refuse_padded_version(reference: str, where: str) -> None:
    """The registry's refusal of a version with leading zeros, before the option's value is
    read as a path or a variant, with the option named."""
    from recstack.serving.registry import padded_version_problem

    problem = padded_version_problem(reference)
    if problem is not None:
        raise ConfigError(f"{where}{problem}")


def _refuse_file_as_user(model: Any, given: list[str]) -> None:
    """``--users users.txt`` naming a file of ids was looked up as one user, "user
    'users.txt' not seen in training", with no word of the option that reads a file."""
    if len(given) != 1 or not os.path.isfile(given[0]):
        return
    if model.users_.to_index(given, missing="ignore")[0] < 0:
        raise ConfigError(f"--users {given[0]}: is a file, not a user id the model knows; "
                          f"to read user ids from a file, one a line, use --users-file "
                          f"{given[0]}")


def _refuse_repeated_users(given: list[str], users: Any) -> None:
    """``--users`` naming one user twice (``7 7``, or ``7`` and `` 7``, one id once
    trimmed) wrote that user's list twice, ranks 1..K and again 1..K, into one output."""
    first: dict[Any, str] = {}
    for text, user in zip(given, users.tolist(), strict=True):
        if user in first:
            twice = (f"user {text} is given twice" if first[user] == text else
                     f"{first[user]!r} and {text!r} are one user ({user!r})")
            raise ConfigError(f"--users: {twice}; give each user once")
        first[user] = text


def _serve(args: argparse.Namespace) -> int:
    try:
        from recstack.serving.settings import settings_from_options
    except ImportError as error:
        raise RecstackError(f"recstack serve needs the serving extra ({error.name} is "
                            'missing): pip install "recstack[serving]"') from None
    if args.model is not None:
        _refuse_padded_version(args.model, "--model ")
    for variant in args.variant:
        _refuse_padded_version(variant.partition("=")[2].rpartition(":")[0],
                               f"--variant {variant}: ")
    settings = settings_from_options(
        args.config, registry=args.registry, model=args.model, variants=args.variant,
        admin_token_file=args.admin_token_file, log_dir=args.log_dir, store=args.store,
        items_file=args.items_file, unknown_user=args.unknown_user,
        poll_seconds=args.poll_seconds)
    try:
        from recstack.serving.app import serve
    except ImportError as error:
        raise RecstackError(f"recstack serve needs the serving extra ({error.name} is "
                            'missing): pip install "recstack[serving]"') from None
    from recstack.serving.service import preflight

    _check_host_resolves(args.host, args.port)
    _check_address_free(args.host, args.port)
    preflight(settings)
    shown = f"[{args.host}]" if ":" in args.host else args.host  # an IPv6 address
    print(f"serving {settings.registry} on http://{shown}:{args.port}/ "
          f"({args.workers} worker{'s' if args.workers > 1 else ''}; Ctrl-C stops)",
          file=sys.stderr)
    serve(settings, host=args.host, port=args.port, workers=args.workers,
          log_level=args.log_level)
    return 0


def _check_host_resolves(host: str, port: int) -> None:
    """Refuse a ``--host`` name this machine cannot resolve before the model loads: uvicorn
    said "Name or service not known" without naming the flag, after the loading."""
    import socket

    try:
        socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        reason = error.strerror if isinstance(error, socket.gaierror) else str(error)
        raise RecstackError(f"--host {host}: cannot resolve it ({reason}); give an IP "
                            "address, or a name this machine resolves (e.g. localhost)"
                            ) from None


def _check_address_free(host: str, port: int) -> None:
    """Refuse a ``--host``/``--port`` another process listens on (or this user may not bind)
    before the model loads: uvicorn logged the bind error after loading it and exited with
    status 3. Bound as uvicorn binds (``SO_REUSEADDR``), then released at once."""
    import socket

    # the socket uvicorn opens: IPv6 for an address with ':', else IPv4
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise RecstackError(f"--port {port}: {host} port {port} is already in use "
                                    "(another service listens there); stop it or choose "
                                    "another --port") from None
            if error.errno in (errno.EACCES, errno.EPERM):
                low = " (ports below 1024 need root)" if port < 1024 else ""
                raise RecstackError(f"--port {port}: no permission to listen on {host} port "
                                    f"{port}{low}; choose another --port, e.g. 8000") from None
            if error.errno == errno.EADDRNOTAVAIL:
                raise RecstackError(f"--host {host}: not an address of this machine; give "
                                    "one of its addresses, 127.0.0.1 or 0.0.0.0") from None
            raise


def _online(args: argparse.Namespace) -> int:
    from recstack.serving.online import online_report, render_report

    report = online_report(args.events, control=args.control, alpha=args.alpha)
    print(render_report(report))
    return 0


def _skew(args: argparse.Namespace) -> int:
    from recstack.serving.skew import check_skew, render_skew

    report = check_skew(args.logs, args.registry, tolerance=args.tolerance, limit=args.limit)
    print(render_skew(report))
    return 1 if report.mismatched else 0


# --------------------------------------------------------------------------- helpers
def write_splits(results: dict[str, Any], staging: Path) -> None:
    """Write each split's parts as Parquet plus report.json into ``staging`` (one sub-folder
    per named split), the staging folder of an :func:`~recstack.atomic.atomic_directory`,
    so that the output appears, or replaces the old one, only when complete. The Parquet
    files carry their column roles and rating range, so an experiment reads them back
    with ``[data] split = "OUT"``."""
    from recstack.data.files import save_table

    for name, split in results.items():
        folder = staging / name if name else staging
        folder.mkdir(parents=True, exist_ok=True)
        for part in ("train", "test", "fold_in", "set_apart"):
            frame = getattr(split, part)
            if frame is not None:
                save_table(frame, folder / f"{part}.parquet")
        (folder / "report.json").write_text(json.dumps(split.report.to_dict(), indent=2),
                                            encoding="utf-8")


def _refuse_replacing_other_files(out: Path, marker: str, what: str) -> None:
    """Refuse an ``--out`` folder that holds files but is not ``what`` this command writes
    (recognised by ``marker``, in it or in its ``fold-*`` folders): ``--overwrite`` replaces
    an earlier output, never a folder of other files (it deleted them)."""
    if not out.is_dir() or out.is_symlink():
        return
    held = sorted(entry.name for entry in out.iterdir())
    ours = (out / marker).is_file() or any((out / name / marker).is_file()
                                            for name in held if name.startswith("fold-"))
    if held and not ours:
        shown = ", ".join(held[:5]) + (f" and {len(held) - 5} more" if len(held) > 5 else "")
        raise RecstackError(f"--out {out}: is a folder of other files ({shown}), not {what} "
                            f"(no {marker}), which writing there would delete; choose "
                            "another --out: a new folder, or an empty one with --overwrite")


def _refuse_existing_output(out: Path, overwrite: bool, what: str) -> None:
    """Refuse an existing ``--out`` folder without ``--overwrite``, saying what it is: the
    writer's own refusal spoke to Python callers ("pass overwrite=True") and did not tell
    an empty folder, which the refusal of a folder of other files had just recommended,
    from an earlier output that would be lost."""
    if overwrite or not out.is_dir() or out.is_symlink():
        return
    if any(out.iterdir()):
        raise RecstackError(f"{out} already exists (an earlier {what}); pass --overwrite to "
                            "replace it, or choose another --out")
    raise RecstackError(f"{out} already exists (an empty folder); pass --overwrite to write "
                        "into it, or choose another --out")


def _write_parquet_table(frame: Any, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)


def _load(args: argparse.Namespace) -> Any:
    from recstack.data.sources import LoaderOptions, load_source
    from recstack.progress import terminal_progress
    from recstack.specs import build_spec

    values = _spec_values(args, _field_names(LoaderOptions))
    if values.get("separator") in _TAB_SPELLINGS:
        # a tab is hard to type in a shell; these two can mean nothing else
        values["separator"] = "\t"
    options = build_spec(LoaderOptions, values, key_text=_flag)
    # the loader's messages name its options ("separator: loader options apply to CSV, TSV
    # and Parquet files, ...", "named with item_col"), which here are flags
    args.terms = [*getattr(args, "terms", ()), (r"(?<![\w-])value_col=None", "--no-value-col"),
                  # the advice for a file written without quoting
                  (r"(?<![\w-])quoting=False", "--no-quoting"),
                  *_keywords_as_flags(_field_names(LoaderOptions)),
                  *_options(**{n: _flag(n) for n in _field_names(LoaderOptions)}),
                  *_column_options(values)]
    if args.no_value_col:
        from recstack.config import without_value_column

        if "value_col" in values:
            raise RecstackError(f"--no-value-col and --value-col {values['value_col']}: "
                                "give one (a log either has a value column or not)")
        options = without_value_column(options, "--no-value-col",
                                       "--rating-range {0[0]:g},{0[1]:g}")
    return load_source(args.source, options=options, progress=terminal_progress())


#: the loader's role of a column, and the option naming it
_COLUMN_ROLES = {"user ids": "user_col", "item ids": "item_col", "values": "value_col",
                 "timestamps": "timestamp_col"}


def _missing_column(role: str) -> str:
    """The loader's refusal of a column it did not find for ``role`` ("no column 'uid' for
    user ids"), as a pattern for :func:`in_command_terms` whose group 1 is that refusal."""
    return rf"(no column (?:'[^']*'|\"[^\"]*\") for {role})(?=;)"


def _loader_keys_as_toml() -> list[tuple[str, str]]:
    """Terms for :func:`in_command_terms` of the commands that read an experiment file: the
    loader's advice written as a Python keyword ("pass separator=';'", "value_col= chooses
    another") as the ``[data]`` key to write in the file (``write separator = ";" in
    [data]``): a user editing TOML was told Python's spelling, and for a missing column
    not which key names it."""
    from recstack.data.sources import LoaderOptions

    names = "|".join(_field_names(LoaderOptions))
    # Python's quoted text where it reads the same in a TOML basic string (no \x escapes,
    # no double quote); any other is left as Python wrote it
    text = r"'((?:[^'\"\\]|\\[tn\\])*)'"
    terms = [(r"(?<![\w-])value_col=None", "value_col = false in [data]"),
             (r"(?<![\w-])quoting=False", "quoting = false in [data]"),
             (rf"\bpass ({names})={text}", r'write \1 = "\2" in [data]'),
             (rf"\bpass ({names})=(?=[\s)]|$)", r"give [data] \1"),
             (rf"(?<![\w.:=-])({names})=(?=[\s)]|$)", r"[data] \1")]
    for role, name in _COLUMN_ROLES.items():
        terms.append((_missing_column(role), rf"\1 ([data] {name} names it)"))
    return terms


def _column_options(given: dict[str, Any]) -> list[tuple[str, str]]:
    """Terms for :func:`in_command_terms`: the loader's "no column 'uid' for user ids"
    followed by the option that named the column (``--user-col``), or that a column left
    at its default name is named with it: `data info log.csv` of a file without a
    ``user_id`` column was told the columns it has, not how to pick one of them."""
    terms = []
    for role, name in _COLUMN_ROLES.items():
        flag = _flag(name)
        said = flag if name in given else f"the default of {flag}: name the column with {flag}"
        terms.append((_missing_column(role), rf"\1 ({said})"))
    return terms


def _parse_filter(text: str) -> Any:
    """``k_core:user_min=5,item_min=5`` -> the filter spec."""
    from recstack.data.filters import FILTERS
    from recstack.data.sources import parse_spec_options
    from recstack.errors import echoed

    name, _, rest = text.partition(":")
    # (cut: an option of thousands of digits was echoed whole before the refusal)
    where = f"--filter {echoed(text)}: "
    try:
        values = parse_spec_options(rest, name.strip(), "option")
    except RecstackError as error:
        raise RecstackError(where + str(error).replace("synthetic option", "option")) from None
    # the numbers as typed in the messages (user_min = 1e400, not inf)
    typed = {key.strip(): value.strip() for key, _, value in (
        part.partition("=") for part in text.partition(":")[2].split(","))}
    values = {key: _as_typed(value, typed[key]) if key in typed else value
              for key, value in values.items()}
    try:
        return FILTERS.build(name, values, where)
    except ConfigError as error:
        # an option as this spec writes it (user_min=1000): the check says it as an
        # experiment file does, "user_min = 1e3: expected an integer (...: user_min = 1000)"
        message = str(error)
        head, rest = message[:len(where)], message[len(where):]
        for key, value in typed.items():
            if key:
                # (and its text unquoted: the options of a --filter take no quotes)
                rest = rest.replace(f'{key} = "{value}"', f"{key}={value}")
                rest = re.sub(rf"(?<![\w.-]){re.escape(key)} = ", f"{key}=", rest)
        raise ConfigError(head + rest) from None


def _filters_as_typed(message: str, typed: Sequence[str]) -> str:
    """A filter's refusal of the data names the step as a Python call ("filter step 1 of 2,
    k_core(user_min=100, item_min=5), removed all ... rows"), which on the command line is
    the ``--filter`` option as typed (``--filter k_core:user_min=100``)."""
    def step(match: re.Match[str]) -> str:
        number = int(match[1])
        given = typed[number - 1] if 1 <= number <= len(typed) else None
        return f"{match[0].split(',')[0]}, --filter {given}," if given else match[0]

    return re.sub(r"filter step (\d+) of \d+, \w+\([^()]*\),", step, message, count=1)


def _keywords_as_flags(names: Sequence[str]) -> list[tuple[str, str]]:
    """Terms for :func:`in_command_terms`: a loader's advice written as a Python keyword
    ("pass separator=';'", "value_col= chooses another") as the flag to type instead
    (``pass --separator ';'``, ``--value-col chooses another``)."""
    return [term for name in names for term in (
        (rf"(?<![\w.:=-]){re.escape(name)}=(?=[^\s)])", f"{_flag(name)} "),
        (rf"(?<![\w.:=-]){re.escape(name)}=(?=[\s)]|$)", _flag(name)))]


def _given_as_typed(given: dict[str, Any]) -> list[tuple[str, str]]:
    """Terms for :func:`in_command_terms`: a split's refusal shows its options as Python
    keywords with Python's numbers ("random split left no test rows (test_fraction=0.01)"),
    which on the command line are the flags as typed (``--test-fraction 1e-2``)."""
    from recstack.specs import _show

    return [(rf"(?<![\w.:=-]){re.escape(name)}=[^,;)\s]+",
             f"{_flag(name)} {value if isinstance(value, str) else _show(value)}"
             .replace("\\", "\\\\"))
            for name, value in given.items()]


def _field_names(spec_class: type) -> list[str]:
    return [f.name for f in dataclasses.fields(spec_class)]


def _split_fields() -> list[str]:
    from recstack.data.splits import SPLITS

    names: list[str] = []
    for method in SPLITS.names():
        names += [n for n in _field_names(SPLITS.get(method)) if n not in names]
    return names


def _spec_values(args: argparse.Namespace, names: list[str]) -> dict[str, Any]:
    """The spec fields given on the command line (flags left out are None)."""
    return {n: getattr(args, n) for n in names if getattr(args, n, None) is not None}


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def add_spec_flags(group: Any, spec_classes: Sequence[type], *,
                   used_by: dict[str, list[str]] | None = None) -> None:
    """One flag per field of ``spec_classes`` (``test_fraction`` -> ``--test-fraction``),
    typed and documented from the field's declaration; a field several specs share gets
    one flag. Flags default to None (not given), so the spec's own default applies."""
    from recstack.specs import fields_of, type_text

    seen: set[str] = set()
    for spec_class in spec_classes:
        for name, (hint, declared, _required) in fields_of(spec_class).items():
            if name in seen:
                continue
            seen.add(name)
            users = f" [{', '.join(used_by[name])}]" if used_by and name in used_by else ""
            limits = declared.range_text()
            help_text = (declared.doc + (f"; {limits}" if limits else "") + users)
            if _base_type(hint) is bool:
                group.add_argument(_flag(name), action=_BooleanOnce, default=None,
                                   help=help_text)
                continue
            base = _base_type(hint)
            # (a time's own doc says what it takes: "Unix seconds or an ISO date")
            kind = (" (comma-separated)" if typing.get_origin(base) in (tuple, list)
                    else "" if base is str or _flag_type(hint) is _time
                    else f" ({type_text(hint)})")
            if name == "seed":
                # one seed rule everywhere (data synth --seed, the experiment file's seeds):
                # a split's own declaration takes any seed >= 0
                group.add_argument(_flag(name), type=_seed, default=None, metavar="SEED",
                                   help=f"{declared.doc}; {SEED_RULE}{users}")
                continue
            group.add_argument(_flag(name), type=_flag_type(hint), default=None,
                               metavar=name.upper(), help=help_text.replace("%", "%%") + kind)


def _base_type(hint: Any) -> Any:
    members = [m for m in typing.get_args(hint) if m is not type(None)] or [hint]
    return members[0] if len(members) == 1 else hint


def _flag_type(hint: Any) -> Any:
    """How the text of a flag becomes a value for ``hint`` (the spec then checks it)."""
    base = _base_type(hint)
    origin = typing.get_origin(base)
    if origin in (tuple, list):
        declared = typing.get_args(base)
        args = [a for a in declared if a is not Ellipsis]
        element = _flag_type(args[0]) if args else str
        words = {int: "whole numbers", float: "numbers"}.get(
            _base_type(args[0]) if args else str, "values")
        # tuple[float, float] (rating_range) takes that many; tuple[str, ...] any number
        count = len(args) if origin is tuple and Ellipsis not in declared else None

        def parse_list(text: str) -> tuple[Any, ...]:
            parts = [part.strip() for part in text.split(",")]
            for position, part in enumerate(parts, 1):
                try:
                    _refuse_endless(part)
                except argparse.ArgumentTypeError as error:
                    raise argparse.ArgumentTypeError(
                        f"item {position} of {len(parts)}: {error}") from None
            try:
                values = tuple(element(part) for part in parts)
            except (ValueError, argparse.ArgumentTypeError):
                # which item, and the rule where Python would have read it ('1_0,5')
                cast = _base_type(args[0]) if args else str
                wrong = next((p for p in parts if not _reads(element, p)), None)
                rule = (_number_rule(cast, wrong) if wrong is not None
                        and cast in (int, float) else "")
                item = (f": {wrong!r} is not one{rule}" if wrong is not None and wrong != text
                        else rule)
                raise argparse.ArgumentTypeError(
                    f"expected comma-separated {words}, got {text!r}{item}") from None
            if count is not None and len(values) != count:
                # it was "--rating-range = (5.0,): expected a list of 2 (...)", Python's
                # tuple rather than what was typed
                raise argparse.ArgumentTypeError(
                    f"expected {count} comma-separated {words} (e.g. "
                    f"{','.join(['1', '5', '9'][:count])}), got {text!r}")
            # remembering the text typed: a refusal said "--rating-range = [5.0, 1.0]" of
            # 5,1 (Python's floats, not what was typed)
            return _as_typed(values, text)
        return parse_list
    if base is str:
        return _text
    if base is int:
        return _typed(_whole_number)
    if base is float:
        return _typed(_number)
    if {m for m in typing.get_args(base) if m is not type(None)} == {int, str}:
        return _time  # how a spec declares a time (recstack.specs.TIME_TEXT)
    return _typed(_number_or_text)


def _reads(parse: Any, text: str) -> bool:
    """Whether the flag type ``parse`` takes ``text``."""
    try:
        parse(text)
    except (ValueError, argparse.ArgumentTypeError):
        return False
    return True


def _text(text: str) -> str:
    if text == "":  # a tab or a space is a separator
        raise argparse.ArgumentTypeError("expected a value, got an empty string")
    return text


def _source(text: str) -> str:
    """A data source argument: blank text is refused here, naming the argument (the
    library's refusal named nothing)."""
    if not text.strip():
        raise argparse.ArgumentTypeError(f"expected a path, a dataset name or 'synthetic', "
                                         f"got {text!r}")
    _refuse_homeless(text)
    return text


def _registry(text: str) -> str:
    """``--registry``: a folder or an fsspec URL; a URL missing its ``//`` (``s3:/bucket``)
    is refused, where it was published into a local folder named ``s3:``."""
    from recstack.specs import mistyped_url

    problem = mistyped_url(_text(text))
    if problem is not None:
        raise argparse.ArgumentTypeError(f"{text!r} {problem}")
    _refuse_homeless(text)
    # an existing registry is read (recommend, serve) whatever characters its name holds
    _refuse_option_like(text, "the registry folder",
                        new_from=len(text) if os.path.lexists(text) else 0)
    if "://" not in text and not os.path.lexists(text):
        # a new local folder: `fit --registry 'models '` published beside 'models' (an
        # existing one so named is read, by recommend, serve and skew, as it is)
        from recstack.atomic import padded_name_problem

        padded = padded_name_problem(text, "folder")
        if padded is not None:
            raise argparse.ArgumentTypeError(f"{text!r} {padded}")
    # what stands in the root's place, refused here so that the parser names the option
    # for every command (recommend, serve and skew said "registry FILE: is a file", naming
    # none); the registry's own check (ModelRegistry) says the same to a Python caller
    problem = _registry_not_a_folder(text)
    if problem is not None:
        raise argparse.ArgumentTypeError(problem)
    return text


def _path(text: str) -> Path:
    """A path argument; an empty one is refused (``Path("")`` would be the working folder),
    as is a ``~`` that names no home folder (:func:`~recstack.specs.home_problem`)."""
    if not text.strip():
        # a blank one is not called empty: the user typed something
        raise argparse.ArgumentTypeError("expected a path, got an empty string" if not text
                                         else f"expected a path, got {text!r} (only "
                                         f"whitespace)")
    _refuse_homeless(text)
    return Path(text)


def _refuse_homeless(text: str) -> None:
    from recstack.specs import home_problem

    problem = home_problem(text)
    if problem is not None:
        raise argparse.ArgumentTypeError(f"{text!r} {problem}")


def _output_path(text: str) -> Path:
    """A path argument naming a file or folder to write: :func:`_path`, and no control
    characters (a line break or tab pasted with the name: ``--out $'o7\\n'`` wrote a folder
    whose name ends in a line break, as ``name``/``output`` in an experiment file refuse),
    and no name that looks like an option (``--out=-q``, ``--out=--overwrite`` wrote a
    folder named ``-q``, which other commands then read as an option): one so named is
    written with its folder, ``./-q``. A folder's name starting or ending with a space
    (``--out 'res '`` wrote ``res␣`` beside ``res``) is refused, as the experiment file's
    ``output`` is (:func:`recstack.atomic.padded_name_problem`)."""
    from recstack.atomic import padded_name_problem

    path = _written_path(text)
    problem = padded_name_problem(text, "folder")
    if problem is not None:
        raise argparse.ArgumentTypeError(f"{text!r} {problem}")
    return path


def _written_path(text: str) -> Path:
    """A path to write, file or folder: :func:`_path`, without control characters, and not
    named like an option (:func:`_output_path`)."""
    path = _path(text)
    _refuse_option_like(text, "the file or folder to write", kind="file or folder")
    return path


def _refuse_option_like(text: str, what: str, *, kind: str = "folder",
                        new_from: int = 0) -> None:
    """Refuse a path argument that reads as an option (``-q``) or as the ``-`` of standard
    input or output, which no path argument takes, or that holds a control character: the
    rule of every writer (:func:`recstack.atomic.written_name_problem`), worded for a
    command line. ``fit --registry -`` published into a folder named ``-``, and ``--out
    -`` was called an option given in the wrong place."""
    from recstack.atomic import written_name_problem

    problem = written_name_problem(text, what, kind=kind, option_given=True,
                                   new_from=new_from)
    if problem is not None:
        raise argparse.ArgumentTypeError(f"{text!r} {problem}")


#: the argument types of the paths a command writes (:func:`_output_path`, :func:`output_file`)
_WRITTEN_PATHS = ("_output_path", "output_file.<locals>.parse")


def output_file(example: str, *, writes: str | None = None,
                suffixes: tuple[str, ...] = ()) -> Any:
    """A path argument naming a file to write (``example``: a file name to suggest). A path
    ending in a slash names a folder: ``Path`` drops the slash, and the file was written
    under the folder's name (``--out results/`` wrote a file ``results``), as do ``.``,
    ``..``, ``~``, ``sub/.``, a name ending in a dot or space, or only an extension
    (:func:`recstack.atomic.file_name_problem`). With
    ``suffixes``, a file extension outside them is refused, naming the format ``writes``
    (``tune --out best.json`` wrote TOML into a file named .json); a name without an
    extension is taken as it is."""
    def parse(text: str) -> Path:
        from recstack.atomic import file_name_problem

        path = _written_path(text)
        # judged as typed: Path drops a trailing '/' and '/.' (`--out sub/.` wrote the file
        # 'sub'), and '.' or '..' failed with "PosixPath('.') has an empty name"
        problem = file_name_problem(text, example, suffixes=suffixes, typed=True)
        if problem is not None:
            raise argparse.ArgumentTypeError(f"{text!r} {problem}")
        if suffixes and path.suffix and path.suffix.lower() not in suffixes:
            raise argparse.ArgumentTypeError(
                f"{text!r} ends with {path.suffix}, but this writes {writes}; name the file "
                f"{' or '.join(suffixes)}, e.g. {path.with_suffix(suffixes[0])}")
        return path
    return parse


def _colour_by(text: str) -> str:
    """``--colour-by``: a blank one was taken for the default without a word, where the
    experiment file's ``[report] colour_by = ""`` is refused."""
    if not text.strip():
        raise argparse.ArgumentTypeError(f"expected 'popularity' or an item-table column, got "
                                         f"{text!r}; leave --colour-by out for the default "
                                         "(genre, else popularity)")
    return text


def _ascii_number(cast: Any, text: str) -> Any:
    """``cast(text)`` for a number written plainly (:func:`recstack.specs.number_from_text`):
    Python's int() and float() also read '1_0' as 10, ' 5' as 5 and the Arabic-Indic
    '\u0663' as 3, so a mistyped value passed as another number (float's 'nan' and 'inf'
    stay readable: the checks name them)."""
    from recstack.specs import number_from_text

    return number_from_text(text, cast)


class _TypedInt(int):
    """A whole number read from a spec's flag, keeping the text typed (``typed_text``),
    which the spec's checks show (``recstack.specs._show``): ``--k=-00`` is said as typed,
    not as 0."""

    typed_text: str


class _TypedFloat(float):
    """A number read from a flag, keeping the text typed (``typed_text``): a refusal said
    ``--test-fraction = inf`` of ``1e400`` and ``= 0.0`` of ``0``."""

    typed_text: str


class _TypedTuple(tuple):  # type: ignore[type-arg]
    """A comma-separated list read from a spec's flag, keeping the text typed
    (``typed_text``): a refusal said ``--rating-range = [5.0, 1.0]`` of ``5,1``."""

    typed_text: str


def _typed(parse: Any) -> Any:
    """``parse`` for a spec's flag, whose number remembers the text typed: the spec's
    checks show it and convert it to a plain number (other flags' numbers, a port, go to
    calls that take plain ints only: getaddrinfo refused a subclass)."""
    def parse_typed(text: str) -> Any:
        return _as_typed(parse(text), text)
    return parse_typed


def _as_typed(value: Any, text: str) -> Any:
    """``value``, when a plain int, float or tuple, as one that remembers ``text``."""
    if type(value) not in (int, float, tuple):
        return value
    typed = {int: _TypedInt, float: _TypedFloat, tuple: _TypedTuple}[type(value)](value)
    typed.typed_text = text
    return typed


def _refuse_endless(text: str) -> None:
    """An ArgumentTypeError naming an integer of thousands of digits by its length
    (:func:`~recstack.specs.endless_integer_problem`): it was "expected a whole number, got
    '1000...'", all of its digits echoed, of a whole number, and a traceback in a spec."""
    from recstack.specs import endless_integer_problem

    problem = endless_integer_problem(text)
    if problem is not None:
        raise argparse.ArgumentTypeError(problem)


def _whole_number(text: str, highest: int | None = None) -> int:
    """``text`` as a whole number; ``highest`` is the most the option takes, where a
    refusal suggests digits to write."""
    _refuse_endless(text)
    try:
        return int(_ascii_number(int, text))
    except ValueError:
        why = _number_rule(int, text) or _fraction_rule(text, highest)
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}"
                                         f"{_boolean_rule(text, 'a whole number')}{why}"
                                         ) from None


def _fraction_rule(text: str, highest: int | None = None) -> str:
    """Why a number written with a point or an exponent (``1e3``, ``2.0``, ``2.5``) is not
    a whole number here: digits alone are, so say the digits to write (or that it has a
    fraction). Digits above ``highest`` (the most the option takes) are not suggested:
    ``--seed 1e12`` was told to write 1000000000000, a seed refused in turn."""
    import math

    try:
        value = float(_ascii_number(float, text))
    except ValueError:
        return ""
    if not math.isfinite(value):
        return ""
    if value.is_integer():
        if highest is not None and value > highest:
            return " (a whole number is written in digits alone)"
        return f" (a whole number is written in digits alone: {int(value)})"
    return " (it has a fraction; a whole number is written in digits alone)"


def _number(text: str) -> float:
    _refuse_endless(text)
    try:
        return float(_ascii_number(float, text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}"
                                         f"{_boolean_rule(text, 'a number')}"
                                         f"{_number_rule(float, text)}") from None


def _boolean_rule(text: str, wanted: str) -> str:
    """Why ``true`` (``--workers true``, ``--n-threads false``) is no number: Python and a
    settings file's reader count a boolean as 1 or 0, so a user may expect it to pass; the
    same words as an experiment file's ``n_threads = true``
    (:func:`recstack.specs.boolean_number_hint`)."""
    if text.strip().lower() not in ("true", "false"):
        return ""
    return f" (true and false are not numbers: give {wanted} in digits)"


def _number_rule(cast: Any, text: str) -> str:
    """How to write the number, where Python's own ``cast`` would have read ``text``
    ('1_0', ' 5', '\u0663'): the text looks like a number, so say what is wrong with it."""
    from recstack.specs import NUMBER_TEXT_RULE, lookalike_minus_hint

    try:
        cast(text)
    except ValueError:
        # --tolerance \u22121: a minus sign pasted from a web page was "expected a number"
        return lookalike_minus_hint(text, cast)
    return f" (write it in {NUMBER_TEXT_RULE})"


def _time(text: str) -> Any:
    """A time option (``--cutoff``): whole Unix seconds (digits alone) or a date, checked
    here as the parser checks a number, so the refusal names the option and what it takes.
    ``--cutoff 1.5`` said "expected an integer or a string", and ``--cutoff 1e20`` hinted
    ``--cutoff = 100000...``, an experiment file's spelling; an unreadable date listed
    Python's date types, which no command line gives."""
    from recstack.data.dates import to_unix_seconds
    from recstack.specs import TIME_TEXT

    _refuse_endless(text)
    try:
        return _as_typed(int(_ascii_number(int, text)), text)
    except ValueError:
        pass
    try:
        number = float(_ascii_number(float, text))
    except ValueError:  # 1_000, a digit of another script: how to write the number
        rule = _number_rule(int, text) or _number_rule(float, text)
    else:  # 1.5, 1e20: the digits to write, or that it has a fraction; nan, inf: no time
        rule = _fraction_rule(text) or (" (NaN and infinity name no moment)"
                                        if number != number or abs(number) == float("inf")
                                        else " ")
    if rule:
        raise argparse.ArgumentTypeError(f"expected {TIME_TEXT}, got {text!r}{rule.rstrip()}")
    try:
        to_unix_seconds(text, "time")
    except RecstackError as error:
        said = str(error).removeprefix("time: ")
        said = said.replace(", or a date, datetime, pandas Timestamp or numpy.datetime64", "")
        raise argparse.ArgumentTypeError(said) from None
    return text


def _number_or_text(text: str) -> Any:
    _refuse_endless(text)
    for cast in (int, float):
        try:
            return _ascii_number(cast, text)
        except ValueError:
            pass
    return text


def _int_at_least(lowest: int, highest: int | None = None, what: str = "", *,
                  rule: str = "") -> Any:
    """A whole-number argument in ``lowest..highest`` (``what`` names the range; without
    it the bound passed is said, in one style for every option, as a spec field's bound is:
    ``must be >= 1``, ``must be <= 4096``, followed by ``rule`` where one is given: ``; a
    seed is ...``)."""
    def parse(text: str) -> int:
        _refuse_endless(text)  # named by its length alone, as for every option
        try:
            value = _whole_number(text, highest)
        except argparse.ArgumentTypeError as error:
            # --seed nan said "expected a whole number, got 'nan'", and no more: the range
            # is said as it is for a number outside it
            if not rule:
                raise
            raise argparse.ArgumentTypeError(f"{error}; {rule}") from None
        if value < lowest or (highest is not None and value > highest):
            bound = (f"{what}, {lowest}..{highest}" if highest is not None and what
                     else f">= {lowest}" if value < lowest else f"<= {highest}")
            raise argparse.ArgumentTypeError(f"must be {bound}, got {text}"
                                             + (f"; {rule}" if rule else ""))
        return value
    return parse


_positive_int = _int_at_least(1)
_non_negative_int = _int_at_least(0)
#: a seed follows one rule everywhere (recstack.specs.SEED_MAX)
_seed = _int_at_least(0, SEED_MAX, rule=f"a seed is {SEED_RULE}")
# uvicorn takes a port above 65535 modulo 2**16 and binds another port without a word
_port = _int_at_least(1, 65535, "a TCP port")
#: one label of a host name (RFC 1123): letters, digits and inner hyphens
_HOST_LABEL = re.compile(r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


def _host(text: str) -> str:
    """``serve --host``: an IP address or a host name, alone. uvicorn took an empty one as
    every interface (the service was open to the network where the default keeps it to
    this machine), and a name with a scheme, a port or a space failed only after the model
    loaded, as "Name or service not known", or hung."""
    import ipaddress

    examples = ("e.g. 127.0.0.1 (this machine only, the default), 0.0.0.0 (every "
                "interface) or a host name such as localhost")
    if not text.strip():
        raise argparse.ArgumentTypeError(f"expected an IP address or a host name, got "
                                         f"{text!r} (which would listen on every interface); "
                                         f"{examples}")
    try:
        return str(ipaddress.ip_address(text[1:-1] if text.startswith("[") and
                                        text.endswith("]") else text))
    except ValueError:
        pass
    if "://" in text or "/" in text:
        raise argparse.ArgumentTypeError(f"{text!r}: give the host alone, without a scheme "
                                         f"or a path; {examples}")
    if text.count(":") == 1 and text.rpartition(":")[2].isdigit():
        host, _, port = text.rpartition(":")
        raise argparse.ArgumentTypeError(f"{text!r}: give the port with --port (--host {host} "
                                         f"--port {port})")
    labels = text.split(".")
    if all(label.isdigit() for label in labels):
        raise argparse.ArgumentTypeError(f"{text!r} is not an IP address (IPv4: four numbers "
                                         f"0-255 separated by dots); {examples}")
    if len(text) > 253 or not all(_HOST_LABEL.fullmatch(label) for label in labels):
        raise argparse.ArgumentTypeError(f"{text!r} is not an IP address or a host name "
                                         f"(letters, digits, '-' and '.', without spaces); "
                                         f"{examples}")
    return text


def _non_negative_float(text: str) -> float:
    value = _number(text)
    if not value >= 0 or value == float("inf"):  # NaN fails the comparison
        raise argparse.ArgumentTypeError(f"must be a finite number >= 0, got {text}")
    return value


def _request_time(text: str) -> float:
    """``recommend --timestamp``: Unix seconds (a finite number >= 0) or an ISO date, as the
    other time options take one; ``--timestamp 2020-01-31`` was "expected a number"."""
    from recstack.data.dates import to_unix_seconds

    try:
        return _non_negative_float(text)
    except argparse.ArgumentTypeError:
        if _reads(_number, text) or _number_rule(float, text):  # -5, nan, 1_000: a number
            raise
    wanted = ("a time: Unix seconds (a finite number >= 0) or an ISO date such as "
              "2020-01-31 or 2020-01-31T12:00:00")
    try:
        seconds = to_unix_seconds(text, "time")
    except RecstackError as error:
        # '2020-13-01' is not a real date: there is no month 13 (...); use Unix seconds ...
        said = str(error).removeprefix("time: ").partition("; use ")[0]
        said = ("" if not said.startswith(f"{text!r} is ")
                else ", " + said.removeprefix(f"{text!r} is "))
        raise argparse.ArgumentTypeError(f"expected {wanted}, got {text!r}{said}") from None
    if seconds is None or seconds < 0:
        raise argparse.ArgumentTypeError(f"must be at or after 1970-01-01 (Unix seconds >= 0), "
                                         f"got {text!r}")
    return float(seconds)


def _positive_float(text: str) -> float:
    value = _number(text)
    if not 0 < value < float("inf"):  # NaN fails the comparison too
        raise argparse.ArgumentTypeError(f"must be a finite number > 0, got {text}")
    return value


def _open_unit_float(text: str) -> float:
    value = _number(text)
    if not 0 < value < 1:  # NaN fails the comparison too
        raise argparse.ArgumentTypeError(f"must be between 0 and 1 (exclusive), got {text}")
    return value


def _add_source(parser: argparse.ArgumentParser) -> None:
    from recstack.data.sources import LoaderOptions

    parser.add_argument("source", type=_source,
                        help="a path (MovieLens folder, CSV/TSV/Parquet file, "
                        "partitioned Parquet folder, data synth folder), a fetched dataset "
                        "name such as movielens-100k, or synthetic[:name=value,...]")
    group = parser.add_argument_group("how to read a CSV/TSV/Parquet file (files written by "
                                      "recstack need none of these)")
    add_spec_flags(group, [LoaderOptions])
    group.add_argument("--no-value-col", action="store_true",
                       help="the log has no value column: every row is an implicit "
                            "positive (1.0), even where a column is named like one "
                            "(rating, count...)")


def _add_run_settings(parser: argparse.ArgumentParser) -> None:
    """The flags that override ``[evaluation]`` fields, bounded as the fields are, so that a
    mistake names the flag typed (``--n-threads 5000`` was "n_threads = 5000: ...")."""
    from recstack.specs import BATCH_SIZE_MAX, MAX_THREADS

    parser.add_argument("--n-threads", default=None,
                        type=_int_at_least(1, MAX_THREADS),
                        help="threads for the top-K selection (default: [evaluation] "
                        f"n_threads, or every core); 1..{MAX_THREADS}")
    parser.add_argument("--batch-size", default=None,
                        type=_int_at_least(1, BATCH_SIZE_MAX),
                        help="users scored at once (default: [evaluation] batch_size, or "
                        f"what fits in 512 MiB); 1..{BATCH_SIZE_MAX}")


def _help_of(parser: argparse.ArgumentParser) -> Any:
    def show(args: argparse.Namespace) -> int:
        parser.print_help(sys.stderr)
        return EXIT_USER_ERROR
    return show


def _shown_as_typed(value: Any) -> str:
    """An option's parsed value as the command line wrote it: a list option's values
    (``--users 1 2``) were shown as Python's ``['1', '2']``."""
    typed = getattr(value, "typed_text", None)
    if isinstance(typed, str):
        return typed
    if isinstance(value, list | tuple):
        return " ".join(_shown_as_typed(item) for item in value)
    return str(value)


class _StoreOnce(argparse.Action):
    """An option that takes one value refuses a second one (``--k 5 --k 10``) instead of
    keeping the last, as a spec option given twice is refused."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        seen = namespace.__dict__.setdefault("_options_given", set())
        if self.option_strings and self.dest in seen:
            # as the parser refuses an option's value: "argument --k: ..."
            before = _shown_as_typed(getattr(namespace, self.dest, None))
            parser.error(f"argument {'/'.join(self.option_strings)}: given twice ({before}, "
                         f"then {_shown_as_typed(values)}); give it once")
        seen.add(self.dest)
        setattr(namespace, self.dest, values)


class _BooleanOnce(argparse.BooleanOptionalAction):
    """A yes/no option (``--quoting``/``--no-quoting``) refuses being given both ways
    (``--quoting --no-quoting``) instead of keeping the last one without a word, as
    :class:`_StoreOnce` refuses a second value."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        seen = namespace.__dict__.setdefault("_options_given", set())
        before = getattr(namespace, self.dest, None)
        super().__call__(parser, namespace, values, option_string)
        now = getattr(namespace, self.dest, None)
        if self.dest in seen and now != before:
            yes, no = self.option_strings[0], self.option_strings[1]
            parser.error(f"argument {yes}/{no}: given both ways ({yes if before else no}, "
                         f"then {yes if now else no}); give one")
        seen.add(self.dest)


class _Parser(argparse.ArgumentParser):
    """The parser of every command: single-valued options are :class:`_StoreOnce`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # no abbreviations: `--over` for --overwrite would break silently the day an option
        # sharing the prefix is added; a misspelt option gets a did-you-mean instead
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)
        self.register("action", None, _StoreOnce)
        self.register("action", "store", _StoreOnce)

    def _print_message(self, message: str, file: Any = None) -> None:
        if not message or file is not sys.stdout:
            super()._print_message(message, file)
            return
        # argparse ignores a refused write, and --help and --version into a full disk
        # (unbuffered, PYTHONUNBUFFERED=1) were lost with status 0; a closed pipe still is
        with contextlib.suppress(BrokenPipeError), _naming_standard_output(file):
            file.write(message)

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        self._given = list(sys.argv[1:] if args is None else args)
        parsed, extras = super().parse_known_args(args, namespace)
        # the innermost (sub)command's parser finishes first: its options are the ones an
        # unrecognized option was meant to be
        if not hasattr(parsed, _PARSED_BY):
            setattr(parsed, _PARSED_BY, self)
        return parsed, extras

    def parse_args(self, args: Any = None, namespace: Any = None) -> Any:
        given = list(sys.argv[1:] if args is None else args)
        pasted = _option_with_lookalike_dash(self, given)
        if pasted is not None:
            command, message = pasted
            command._given = given  # type: ignore[attr-defined]
            command.error(message)
        parsed, extras = self.parse_known_args(args, namespace)
        command = getattr(parsed, _PARSED_BY, self)
        delattr(parsed, _PARSED_BY)
        # the command's own refusals of its options are written as the parser's
        setattr(parsed, _COMMAND_PARSER, command)
        if extras:
            command.error(_unrecognized(command, extras, self))
        return parsed

    def error(self, message: str) -> NoReturn:
        # Python 3.11's "invalid choice: 'evalute' (choose from ...)" names no near choice
        wrong = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)$", message)
        if wrong:
            from recstack.specs import did_you_mean

            choices = [c.strip().strip("'") for c in wrong[2].split(",")]  # quoted or not
            # the file first: `recstack tune.toml` (or data.csv) was asked "did you mean
            # 'tune'?", which run as `recstack tune` lacks the file it was given
            message += _file_given_as_command(self, wrong[1], choices) or did_you_mean(
                wrong[1], choices) or _option_before_command(self, wrong[1])
        elif re.fullmatch(r"argument (--[\w-]+): expected one argument", message):
            message += _value_like_an_option(self, message.split()[1].rstrip(":"))
        elif message.startswith(("the following arguments are required", "one of the "
                                 "arguments ")):
            # `serve --prot 8000`: the misspelt option is why --port... is missing; argparse
            # checks the required ones first and would never name it (nor `recommend m
            # --user 7` its --user, "one of the arguments --users ... is required")
            options = {o for action in self._actions for o in action.option_strings}
            unknown = [a for a in getattr(self, "_given", ())
                       if a.startswith("--") and a.split("=", 1)[0] not in options]
            if "--" not in getattr(self, "_given", ()) and unknown:
                message += "; " + _unrecognized(self, unknown)
            elif message.startswith("the following"):
                message += _swallowed_by_list_option(self, message.split(": ", 1)[-1])
        # one line, as every other refusal of the command: argparse printed its usage block
        # above it, burying the did-you-mean (``--help`` still prints the usage)
        line = "; ".join(part.strip() for part in message.splitlines() if part.strip())
        from recstack.errors import cut_long_values

        # argparse echoes values whole ("unrecognized arguments: <5,000 digits>"): cut
        line = _cut_typed_values(line, getattr(self, "_given", ()))
        self.exit(EXIT_USER_ERROR, f"{self.prog}: error: {cut_long_values(line)}\n")


def _option_with_lookalike_dash(parser: argparse.ArgumentParser, given: Sequence[str]
                                ) -> tuple[argparse.ArgumentParser, str] | None:
    """The parser of the command given and its refusal of the first option typed with a
    look-alike dash (``\u2014out``, ``\u2013-overwrite``: '--' turned into an em or en dash
    by a web page or a word processor, pasted into the command), else None. Such a word
    was no option to argparse: it was "unrecognized arguments: \u2014out x", read as the
    experiment file or a source (``data info \u2014help``: "no such file"), or as a value
    that made a positional argument "unrecognized" (``report \u2014static DIR``). With
    -h/--help given, the help is printed as before."""
    from recstack.specs import LOOKALIKE_DASHES, dash_shown, did_you_mean, lookalike_dash

    words = list(given[:given.index("--")] if "--" in given else given)
    if "-h" in words or "--help" in words:
        return None
    command = parser
    for at, word in enumerate(words):
        commands = [a for a in command._actions if isinstance(a, argparse._SubParsersAction)]
        if commands and word in commands[0].choices:
            command = commands[0].choices[word]
            continue
        dash = lookalike_dash(word)
        if dash is None:
            continue
        name = re.sub(f"^[-{LOOKALIKE_DASHES}]+", "", word).split("=", 1)[0]
        if not name[:1].isalpha():
            continue  # a number (its minus sign: the option's own check says it) or a dash
        options = [o for action in command._actions for o in action.option_strings]
        typed = next((o for o in (f"--{name}", f"-{name}") if o in options), None)
        said = (f"argument {word.split('=', 1)[0]}: it starts with {dash_shown(dash)}, not "
                "the ASCII '-' an option is typed with (pasted from a web page or a "
                "document?)")
        if typed is not None:
            return command, f"{said}: type {typed}"
        before = next((a for a in command._actions if at and words[at - 1] in
                       a.option_strings), None)
        if before is not None and before.nargs != 0:
            continue  # no option's name: the value of the option before it, checked there
        near = did_you_mean(f"--{name}", [o for o in options if o.startswith("--")])
        return command, (f"{said}; {command.prog} has no option --{name}"
                         f"{near or ' (see ' + command.prog + ' --help)'}")
    return None


def _value_like_an_option(parser: argparse.ArgumentParser, option: str) -> str:
    """Why ``option`` got no value when one was typed: a value starting with '-' that is
    not a plain negative number (``--rating-range -1,1``, ``-inf``) is read as an option."""
    given = list(getattr(parser, "_given", ()))
    at = [i for i, word in enumerate(given) if word == option]
    if not at or at[-1] + 1 >= len(given):
        return ""
    value = given[at[-1] + 1]
    if not value.startswith("-") or value.startswith("--") or value == "-":
        return ""
    kind = next((action.type for action in parser._actions if option in
                 action.option_strings), None)
    if getattr(kind, "__qualname__", "") in _WRITTEN_PATHS:
        # a file or folder to write is not named like an option (_output_path)
        return (f" (the value {value!r} starts with '-', so it was read as an option; if "
                f"that is the name to write, write {option} ./{value})")
    return (f" (the value {value!r} starts with '-', so it was read as an option: write "
            f"{option}={value})")


def _swallowed_by_list_option(parser: argparse.ArgumentParser, missing: str) -> str:
    """Why a positional argument given last is "required": an option that takes a list
    (``--users 1 2``, ``--context k=v``) given just before it read it as one more value
    (``recommend --registry r --users 1 als`` took 'als' for a user id)."""
    given = list(getattr(parser, "_given", ()))
    lists = {option for action in parser._actions if action.nargs in ("+", "*")
             for option in action.option_strings}
    starts = [i for i, word in enumerate(given) if word.split("=", 1)[0] in lists]
    if not starts or "--" in given:
        return ""
    option, values = given[starts[-1]], given[starts[-1] + 1:]
    if len(values) < 2 or any(v.startswith("--") for v in values):
        return ""  # not a list running to the end, or one value only: nothing swallowed
    return (f" ({option} takes every value after it, so {values[-1]!r} was read as one of "
            f"its values: give {missing} before {option})")


def _file_given_as_command(parser: argparse.ArgumentParser, word: str,
                           choices: Sequence[str]) -> str:
    """The command a file given in its place was meant for: ``recstack exp.toml`` (the
    command's name left out) was "invalid choice: 'exp.toml'" and no more."""
    suffix = Path(word).suffix.lower()
    if suffix == ".toml" and "evaluate" in choices:
        return (f" ({word} is a file, not a command: give the command first, e.g. "
                f"{parser.prog} evaluate {word}, or {parser.prog} pipeline run {word} for a "
                "pipeline file)")
    if suffix == ".toml" and "run" in choices:
        return (f" ({word} is a file, not a command: give the command first, e.g. "
                f"{parser.prog} run {word})")
    if (suffix in (".csv", ".tsv", ".parquet", ".pq") or os.path.isdir(word)) and (
            "data" in choices or "info" in choices):
        command = "data info" if "data" in choices else "info"
        return (f" ({word} is a file or folder, not a command: give the command first, "
                f"e.g. {parser.prog} {command} {word})")
    return ""


def _option_before_command(parser: _Parser, word: str) -> str:
    """Where an option given before the command's name belongs: ``recstack --n-threads 2
    evaluate x.toml`` took the option's value, '2', for the command ("invalid choice: '2'",
    no word of the option)."""
    given = list(getattr(parser, "_given", ()))
    if word not in given or given.index(word) == 0:
        return ""
    option = given[given.index(word) - 1].split("=", 1)[0]
    if not option.startswith("--"):
        return ""
    owners = [p.prog for p in _all_parsers(parser) if p is not parser and option in (
        o for action in p._actions for o in action.option_strings)]
    later = given[given.index(word) + 1:]
    named = [prog for prog in owners if prog.rsplit(" ", 1)[-1] in later]
    if named:  # the command given after it
        return (f" ({option} {word} was given before the command's name; give it after "
                f"it: {named[0]} ... {option} {word})")
    if not owners:
        return ""
    return (f" ({option} {word} was given before the command's name; {option} is an "
            f"option of {', '.join(owners[:3])}: give it after the command, e.g. "
            f"{owners[0]} ... {option} {word})")


#: how many unrecognized arguments a message lists
_EXTRAS_SHOWN = 8
#: the namespace attribute naming the parser of the (sub)command parsed, while parsing
_PARSED_BY = "_recstack_parsed_by"
#: the parser of the command run, kept on its arguments (recstack.cli._as_option_mistake)
_COMMAND_PARSER = "_recstack_command_parser"


def _unrecognized(parser: argparse.ArgumentParser, extras: Sequence[str],
                  top: argparse.ArgumentParser | None = None) -> str:
    """argparse's "unrecognized arguments" message, saying of the first option among
    ``extras`` where it belongs: ``parser``'s own (given before the command's name), another
    command's (of those under ``top``), or the nearest of ``parser``'s options."""
    from recstack.specs import did_you_mean

    # (a few of them: a pasted list of thousands of words was echoed whole)
    listed = " ".join(extras[:_EXTRAS_SHOWN]) + (
        f" (and {len(extras) - _EXTRAS_SHOWN:,} more)" if len(extras) > _EXTRAS_SHOWN else "")
    message = f"unrecognized arguments: {listed}"
    options = [o for action in parser._actions for o in action.option_strings
               if o.startswith("--")]
    given = list(getattr(top, "_given", ()))
    for extra in (e.split("=", 1)[0] for e in extras if e.startswith("--") and len(e) > 2):
        if "--" in given and any(g.split("=", 1)[0] == extra
                                 for g in given[given.index("--") + 1:]):
            # `evaluate -- x.toml --out DIR`: read as arguments, not options, after '--'
            return message + f" ({extra} comes after '--', which ends the options: give " \
                             "options before '--')"
        if extra in options:
            # `recstack --overwrite evaluate x.toml`: read by the parser of `recstack`
            return message + f" ({extra} is an option of {parser.prog}: give it after " \
                             "the command's name)"
        setting = _experiment_file_setting(parser, extra)
        if setting:
            # `evaluate x.toml --seed 3` was told --seed is an option of `data split`, and
            # `tune x.toml --trials 5` nothing: these are settings of the file it reads
            return message + setting
        owners = [p.prog for p in _all_parsers(top) if p is not parser and extra in (
            o for action in p._actions for o in action.option_strings)] if top else []
        if owners:  # surer than a guess at a near name
            return message + f" ({extra} is an option of {', '.join(owners[:3])}, not of " \
                             f"{parser.prog})"
        hint = did_you_mean(extra, options)
        if hint:
            return message + hint
    return message


def _experiment_file_setting(parser: argparse.ArgumentParser, option: str) -> str:
    """For a command that reads an experiment file (``evaluate``, ``tune``, ``fit``), where
    in that file the setting an unknown ``option`` names is written (``--trials``: the
    ``[tune]`` table's ``trials``), as the end of the "unrecognized arguments" message;
    else "". ``[tune]`` is named to ``tune`` only (``evaluate --model`` is no tuning)."""
    if not any(action.dest == "experiment" and not action.option_strings
               for action in parser._actions):
        return ""
    from recstack.config import TOP_LEVEL, EvaluationSpec, ReportSpec, TuneSpec
    from recstack.data.splits import SPLITS
    from recstack.specs import fields_of

    key = option.removeprefix("--").replace("-", "_")
    if key in TOP_LEVEL and TOP_LEVEL[key] not in (dict, list):
        where = "at its top, before the first [table]"
    else:
        tables: list[tuple[str, list[type]]] = [
            ("evaluation", [EvaluationSpec]),
            ("split", [SPLITS.get(name) for name in SPLITS.names()]),
            ("report", [ReportSpec])]
        if parser.prog.split()[-1] == "tune":
            tables.insert(0, ("tune", [TuneSpec]))
        named = "method" if key == "method" else None
        table = next((table for table, classes in tables if named and table == "split"
                      or any(key in fields_of(cls) for cls in classes)), None)
        if table is None:
            return ""
        where = f"under its [{table}] table"
    return (f" ({key} is a setting of the experiment file, not an option of {parser.prog}: "
            f"write {key} = ... {where})")


def _all_parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """``parser`` and the parsers of its commands, theirs, and so on."""
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for command in dict.fromkeys(action.choices.values()):  # aliases: one parser
                yield from _all_parsers(command)


def _build_parser() -> argparse.ArgumentParser:
    from recstack.data.filters import FILTERS
    from recstack.data.splits import SPLITS

    parser = _Parser(prog="recstack", description=(
        "Recommender systems from interaction logs to evaluated recommendations."))
    parser.add_argument("--version", action="version", version=f"recstack {__version__}")
    parser.set_defaults(run=_help_of(parser))
    commands = parser.add_subparsers(title="commands")

    demo = commands.add_parser("demo", help="run the main job on the built-in dataset")
    demo.add_argument("--out", type=_output_path, default=Path("results") / "demo",
                      help="results folder (replaced on each run)")
    _add_run_settings(demo)
    demo.set_defaults(run=_demo)

    evaluate = commands.add_parser("evaluate", help="run an experiment file (TOML)")
    evaluate.add_argument("experiment", type=_path)
    evaluate.add_argument("--out", type=_output_path, default=None,
                          help="results folder (default: results/NAME, NAME being the file's "
                          "output or name)")
    evaluate.add_argument("--overwrite", action="store_true",
                          help="replace an existing results folder")
    _add_run_settings(evaluate)
    evaluate.set_defaults(run=_evaluate)

    tune = commands.add_parser("tune", help="search a model's hyperparameters (optuna) on a "
                               "validation split of the training data")
    tune.add_argument("experiment", type=_path, help="an experiment file with a [tune] table")
    tune.add_argument("--out", type=output_file("tuned.toml", writes="TOML",
                                                suffixes=(".toml",)), default=None,
                      help="where to write the tuned experiment (default: NAME.tuned.toml, "
                           "replaced by each run)")
    tune.add_argument("--overwrite", action="store_true",
                      help="replace an existing --out file")
    tune.set_defaults(run=_tune)

    report = commands.add_parser("report", help="write the HTML report of a results folder")
    report.add_argument("results", type=_path, metavar="RESULTS_DIR",
                        help="a folder written by recstack evaluate")
    report.add_argument("--out", type=output_file("report.html", writes="an HTML page",
                                                    suffixes=(".html", ".htm")),
                        default=None,
                        help="the file to write (default: RESULTS_DIR/report.html, "
                             "replaced by each run)")
    report.add_argument("--overwrite", action="store_true",
                        help="replace an existing --out file")
    report.add_argument("--refit", choices=("all", "embeddings", "none"), default="all",
                        help="models to refit when RESULTS_DIR/models/ lacks them")
    report.add_argument("--projection", choices=("tsne", "umap", "none"), default="tsne",
                        help="the 2-D map of the embeddings")
    report.add_argument("--max-points", type=_int_at_least(5), default=2000,
                        help="points per 2-D map at most (a seeded subsample)")
    report.add_argument("--static", action="store_true",
                        help="PNG charts (matplotlib) instead of interactive Plotly ones")
    report.add_argument("--colour-by", type=_colour_by, default=None,
                        help="'popularity' or an item-table column (default: genre if the "
                             "items have one, else popularity)")
    report.add_argument("--experiment-base", type=_path, default=None,
                        help="the folder relative data paths of the experiment start from")
    report.set_defaults(run=_report, terms=[
        _called_as("write_report", "report"),
        (r"projection=None draws none; set projection='(\w+)' \(or '(\w+)'\)",
         r"--projection none draws none; give --projection \1 (or \2)"),
        *_options(experiment_base="--experiment-base", max_points="--max-points",
                  colour_by="--colour-by")])

    from recstack.ops.cli import add_commands as add_pipeline_commands

    add_pipeline_commands(commands)

    data = commands.add_parser("data", help="inspect, fetch, generate and split data")
    data.set_defaults(run=_help_of(data))
    data_commands = data.add_subparsers(title="data commands")

    info = data_commands.add_parser("info", help="statistics of a data source")
    _add_source(info)
    info.add_argument("--json", action="store_true", help="print JSON instead of text")
    info.set_defaults(run=_data_info)

    fetch = data_commands.add_parser("fetch", help="download a public dataset into the cache")
    fetch.add_argument("name", nargs="?", help="e.g. movielens-100k (see --list)")
    fetch.add_argument("--list", action="store_true", help="list the known datasets")
    fetch.add_argument("--quiet", action="store_true", help="no progress bars")
    fetch.add_argument("--cache-dir", type=_output_path, default=None)
    fetch.add_argument("--url", default=None, help="a mirror to download from instead")
    fetch.add_argument("--sha256", default=None, help="expected SHA-256 of the archive")
    fetch.add_argument("--no-verify", action="store_true",
                       help="accept an archive without a pinned digest (10M, latest)")
    fetch.add_argument("--force", action="store_true", help="download again even if cached")
    # the library's "url must be ..." is the --url typed
    fetch.set_defaults(run=_data_fetch, terms=[(r"^url must be ", "--url must be ")])

    synth = data_commands.add_parser("synth", help="write the synthetic dataset as a folder "
                                     "of Parquet files (interactions and items)")
    # no default stands in the namespace: a refusal of the sizes says which of them the
    # user left at their defaults ("--interactions (100,000) must be at most ..." was said
    # to a user who typed only --users 5)
    synth.add_argument("--users", type=_positive_int, default=None,
                       help=f"number of users (default: {_SYNTH_DEFAULTS['users']:,})")
    # the generator's own bound (SyntheticConfig: at least 2 items), said as every option's
    # bound is (it came back from the library as "--items must be at least 2")
    synth.add_argument("--items", type=_int_at_least(2), default=None,
                       help=f"number of items (default: {_SYNTH_DEFAULTS['items']:,})")
    synth.add_argument("--interactions", type=_positive_int, default=None,
                       help="number of interactions (default: "
                            f"{_SYNTH_DEFAULTS['interactions']:,})")
    synth.add_argument("--seed", type=_seed, default=0,
                       help=f"seed of the generator, {SEED_RULE}")
    synth.add_argument("--out", type=_output_path, required=True, help="the folder to write")
    synth.add_argument("--overwrite", action="store_true", help="replace an existing folder")
    synth.set_defaults(run=_data_synth, terms=_options(
        n_users="--users", n_items="--items", n_interactions="--interactions"))

    split = data_commands.add_parser(
        "split", help="filter and split a source into Parquet",
        description="Filter, then split, a data source; write train, test (and fold_in, "
        "set_apart) as Parquet with a report.json. An experiment reads the folder with "
        "[data] split = \"OUT\".")
    _add_source(split)
    split.add_argument("--method", default="random",
                       help=f"one of {', '.join(SPLITS.names())} (default: random)")
    used_by: dict[str, list[str]] = {}
    for method in SPLITS.names():
        for name in _field_names(SPLITS.get(method)):
            used_by.setdefault(name, []).append(method)
    add_spec_flags(split.add_argument_group("split options (each applies to the methods in "
                                            "brackets)"),
                   [SPLITS.get(m) for m in SPLITS.names()], used_by=used_by)
    split.add_argument("--filter", action="append", default=[], metavar="TYPE[:KEY=VALUE,...]",
                       help="a filter applied before splitting, in the order given; types: "
                       + ", ".join(FILTERS.names()) + " (e.g. --filter k_core:user_min=5,"
                       "item_min=5 --filter min_value:threshold=4)")
    split.add_argument("--out", type=_output_path, required=True)
    split.add_argument("--overwrite", action="store_true")
    split.set_defaults(run=_data_split)

    fit = commands.add_parser(
        "fit", help="fit one model of an experiment on all its data and publish it to a "
        "model registry")
    fit.add_argument("experiment", type=_path)
    fit.add_argument("--model", required=True, type=_text, metavar="LABEL",
                     help="the model's label in the file (its type when it has no label)")
    fit.add_argument("--registry", required=True, type=_registry, metavar="DIR",
                     help="the registry: a folder, or an fsspec URL such as s3://bucket/models")
    fit.add_argument("--name", type=_text, default=None,
                     help="the model's name in the registry (default: the label)")
    fit.add_argument("--on", choices=("all", "train"), default="all",
                     help="fit on every interaction the experiment reads (all, the default) or "
                     "on its training split (train: the model the evaluation measured)")
    fit.add_argument("--results", type=_path, default=None,
                     help="an evaluation's results.json (or its folder) to record in the "
                     "manifest")
    # one or the other: --no-index silently won over an --index given with it
    indexing = fit.add_mutually_exclusive_group()
    indexing.add_argument("--index", choices=("auto", "hnsw", "exact"), default=None,
                          help="item index saved with the version: auto (the default) = HNSW "
                          "from 10,000 items when hnswlib is installed, else exact search")
    indexing.add_argument("--no-index", action="store_true", help="save no item index")
    fit.add_argument("--keep", type=_positive_int, default=None,
                     help="then delete all but the newest KEEP versions (never the current)")
    # the library's "(index=None, --no-index)" gives both spellings: here the option alone
    fit.set_defaults(run=_fit, terms=[(r"\(index=None, (--no-index)\)", r"(\1)")])

    recommend = commands.add_parser(
        "recommend", help="top-K lists from a saved model or a registry name[@version]")
    recommend.add_argument("artifact", type=_text,
                           help="a saved model folder, or NAME / NAME@VERSION with --registry")
    who = recommend.add_mutually_exclusive_group(required=True)
    who.add_argument("--users", nargs="+", type=_text, metavar="USER_ID")
    who.add_argument("--users-file", type=_path, metavar="FILE",
                     help="a text file of user ids, one a line (a first line 'user_id' is "
                          "read as a header)")
    who.add_argument("--all-users", action="store_true",
                     help="every user the model can recommend for, in batches")
    recommend.add_argument("--k", type=_positive_int, default=20,
                           help="items per user (default: 20); a K above the model's catalog "
                                "gives shorter lists, with a note on stderr")
    recommend.add_argument("--registry", type=_registry, default=None, metavar="DIR")
    recommend.add_argument("--out", type=output_file("recommendations.csv"), default=None,
                           help=".csv or .parquet file (default: CSV on stdout); ids "
                           "are written as they are, so a spreadsheet opening the CSV may "
                           "run an id starting with =, +, - or @ as a formula (import it "
                           "as text, or write .parquet)")
    recommend.add_argument("--overwrite", action="store_true",
                           help="replace an existing --out file")
    recommend.add_argument("--include-seen", action="store_true",
                           help="keep items the user interacted with in training")
    recommend.add_argument("--batch-size", type=_positive_int, default=None,
                           help="users per batch (default: what fits in 256 MiB, at most "
                           "10,000)")
    recommend.add_argument("--context", nargs="+", type=_text, metavar="KEY=VALUE",
                           help="the request context of a two-stage model with context "
                           "features, the same for every user (default: unknown, as in "
                           "an offline evaluation)")
    recommend.add_argument("--timestamp", type=_request_time, default=None,
                           metavar="TIME", help="the request time (Unix seconds or an ISO "
                           "date) for a model with time features (default: unknown)")
    recommend.set_defaults(run=_recommend, terms=[
        *_LOAD_AS_RECOMMEND, *_options(batch_size="--batch-size", k="--k"),
        # `--users 1,2` is one id, '1,2', which no model knows
        (r"(user ('[^']*,[^']*') not seen in training)",
         r"\1 (\2 is one id: --users takes ids separated by spaces, --users 1 2)")])

    serve = commands.add_parser(
        "serve", help="run the HTTP service (FastAPI under uvicorn) over a model registry")
    serve.add_argument("--registry", required=True, type=_registry, metavar="DIR")
    serve.add_argument("--model", type=_text, default=None, metavar="NAME[@VERSION]",
                       help="what to serve (default: the registry's only model; NAME "
                       "follows its current version, NAME@N is pinned)")
    serve.add_argument("--variant", action="append", default=[], metavar="NAME=MODEL:SHARE",
                       help="an A/B arm, e.g. --variant control=als:0.5 --variant "
                       "test=ease:0.5 (instead of --model)")
    serve.add_argument("--host", type=_host, default="127.0.0.1",
                       help="the address to listen on: 127.0.0.1 (the default) serves this "
                       "machine only, 0.0.0.0 every interface")
    serve.add_argument("--port", type=_port, default=8000)
    # refused here, not after the models are loaded and "serving ..." is printed
    serve.add_argument("--workers", type=_int_at_least(1, MAX_WORKERS, "a worker count"),
                       default=1,
                       help="uvicorn worker processes (each loads the model; see deploy/)")
    serve.add_argument("--config", type=_path, default=None, metavar="JSON",
                       help="a JSON file of further settings (ServiceSettings fields); "
                       "flags given here win")
    serve.add_argument("--admin-token-file", type=_path, default=None,
                       help="file holding the bearer token of the admin endpoints")
    serve.add_argument("--log-dir", type=_output_path, default=None,
                       help="folder of the rotated Parquet request and event logs")
    serve.add_argument("--store", type=_text, default=None,
                       help="embedding store (path.sqlite or redis://...) for user vectors")
    serve.add_argument("--items", type=_path, default=None, dest="items_file",
                       help="CSV or Parquet with item_id and title columns")
    serve.add_argument("--unknown-user", choices=("404", "popular"), default=None,
                       help="an unknown user gets 404 naming the cold-start endpoint "
                       "(default) or popular items with the reason")
    serve.add_argument("--poll-seconds", type=_positive_float, default=None,
                       help="follow newly published versions, checking this often")
    serve.add_argument("--log-level", default="info",
                       choices=("critical", "error", "warning", "info", "debug"))
    serve.set_defaults(run=_serve)

    online = commands.add_parser(
        "online", help="A/B metrics per variant from the service's event log, with tests")
    online.add_argument("events", type=_path,
                        help="the service's --log-dir (or its events folder, or one file)")
    online.add_argument("--control", type=_text, default=None,
                        help="the variant others are tested against")
    online.add_argument("--alpha", type=_open_unit_float, default=0.05,
                        help="1 - confidence level of the intervals (default 0.05)")
    online.set_defaults(run=_online, terms=[_SERVICE_LOG_DIR])

    skew = commands.add_parser(
        "skew", help="recompute the service's logged requests offline and report every "
        "mismatch (training-serving skew); exit status 1 when there is one")
    skew.add_argument("logs", type=_path, help="the service's --log-dir (or its requests "
                      "folder)")
    skew.add_argument("--registry", required=True, type=_registry, metavar="DIR")
    skew.add_argument("--tolerance", type=_non_negative_float, default=1e-4,
                      help="largest difference of a score or feature counted as equal")
    skew.add_argument("--limit", type=_positive_int, default=None,
                      help="check only the newest N requests")
    skew.set_defaults(run=_skew, terms=[_SERVICE_LOG_DIR])
    return parser


def _exit_from_python_m(status: int) -> NoReturn:
    """End ``python -m recstack.cli`` with ``status``. After a Ctrl-C, CPython's ``-m``
    runner can end the process by SIGINT once it has finalized (status -2, not 130), though
    the command caught the KeyboardInterrupt and said so: an interrupt that lands in code
    the interpreter evaluates for an extension marks itself unhandled, and ``-m`` checks
    that mark after the exit code is set (the console script exits before it looks). An
    interrupted run leaves after its exit handlers, as finalization would have run them."""
    if status == 128 + signal.SIGINT:
        import atexit

        atexit._run_exitfuncs()
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError, AttributeError):
                stream.flush()
        os._exit(status)
    sys.exit(status)


if __name__ == "__main__":
    _exit_from_python_m(main())
