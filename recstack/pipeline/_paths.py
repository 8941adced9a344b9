"""What is at a saved artifact's path, refused before it is opened or replaced: the pipeline's
saved rankers (folders) and calibrators (``.json`` files).

A named pipe is opened for reading and waits forever for a writer; a symbolic link that
loops or leads nowhere was "cannot read (None)", "missing" or "no ranker.json"; a pipe or a
dangling link given to ``save`` was replaced by a file without a word. The wording is
:func:`recstack.config._check_toml_file`'s and :mod:`recstack.atomic`'s, built on
:func:`recstack.atomic.refuse_non_file` and :func:`recstack.atomic.describe_path`. (Local to the
pipeline: the refusals raise the pipeline's own error classes.)
"""

from __future__ import annotations

import os
from pathlib import Path

from recstack.atomic import (
    describe_path,
    folder_problem,
    refuse_non_file,
    special_file_problem,
)
from recstack.errors import RecstackError


def refuse_unreadable_file(path: Path, give: str, error: type[RecstackError]) -> None:
    """Refuse, before it is opened for reading, a ``path`` that is not a regular file (or
    a link to one): a link that loops or leads nowhere, a folder, a pipe, socket or
    device. ``give`` says what would be right ("give the calibrator's .json file"). A path
    where nothing is is left to the reader's own "no such file"."""
    problem = special_file_problem(path)
    if problem is None and path.is_dir():
        problem = "is a folder"
    if problem is not None:
        raise error(f"{path}: {problem}; {give}")


def refuse_unwritable_file(path: Path, error: type[RecstackError], what: str = "") -> None:
    """Refuse a destination file ``path`` that is neither missing nor a regular file (nor a
    link to one): a folder, a name too long for the file system, a pipe, socket or device,
    or a link that leads nowhere (writing replaced it by a file, dropping it without a
    word). The words are every writer's, :func:`recstack.atomic.refuse_non_file`'s (``what``
    starts them: the call refused), raised as the pipeline's ``error`` class."""
    try:
        refuse_non_file(path, what)
    except RecstackError as problem:
        raise error(str(problem)) from None


def refuse_not_folder(path: Path, kind: str, holds: str, error: type[RecstackError]
                      ) -> None:
    """Refuse a ``path`` that should be a saved ``kind`` ("ranker"), a folder that
    ``holds`` its metadata, but is nothing, or something else, naming what it is."""
    if os.path.isdir(path):
        return
    if not os.path.lexists(path):
        raise error(f"{path}: not a saved recstack {kind} (no such folder; looked at "
                    f"{path.absolute()})")
    raise error(f"{path}: is {describe_path(path)}; a saved {kind} is a folder (the one "
                f"holding {holds})")


def refuse_missing_folder(path: Path, where: str, error: type[RecstackError]) -> None:
    """Refuse a file ``path`` whose folder is not there (or is not a folder): the rule of
    every file a Python call writes (``save_table``, ``EvaluationResult.to_csv``), in their
    words. A calibrator saved into a misspelt folder made a new tree of folders for it."""
    folder = path.parent
    problem = folder_problem(folder)
    if problem is None:
        return
    missing = problem == "no such folder"
    raise error(f"{where}: {path}: cannot write it, its folder {folder} "
                f"{'does not exist' if missing else problem}; "
                f"{'create it first' if missing else 'choose another path'}")
