"""One wording for a file the service reads that is not a readable file.

The settings file (``recstack serve --config``), the admin token file, a registry's
``current.json`` and ``manifest.json`` and an item index's ``index.json`` each said what
the operating system said when one of them turned out to be a folder ("cannot read it (Is
a directory)", "Is a directory (IsADirectoryError)"), or called a symbolic link that leads
nowhere "missing". Every reader of the project words these as
:func:`recstack.atomic.describe_path` does: "is a folder, not a file", "is a symbolic link
to 'x', which does not exist", "is a pipe, socket or device, not a file".
"""

from __future__ import annotations

import os
from pathlib import Path

from recstack.atomic import special_file_problem

__all__ = ["PIPE_NOTE", "is_pipe_problem", "unreadable_file"]

#: Said after the remedy for a pipe, socket or device (not for a link or a folder).
PIPE_NOTE = " (a file on disk: standard input and pipes are not read)"


def unreadable_file(path: str | os.PathLike[str], error: OSError | None = None) -> str:
    """Why ``path`` cannot be read as a file, as the middle of a message
    (``f"{path}: {unreadable_file(path)}; give ..."``): ``is a folder, not a file``, ``is a
    symbolic link to 'x', which does not exist``, ``is a symbolic link that loops (it leads
    back to itself)``, ``is a pipe, socket or device, not a file``, ``no such file (looked
    at /abs/path)``, else ``cannot read it (<what the system said>)`` from ``error``."""
    path = Path(path)
    odd = special_file_problem(path)
    if odd is not None:
        return odd
    if path.is_dir():
        return "is a folder, not a file"
    if not os.path.lexists(path):
        return f"no such file (looked at {path.absolute()})"
    reason = (error.strerror or str(error)) if error is not None else "not a readable file"
    return f"cannot read it ({reason})"


def is_pipe_problem(problem: str) -> bool:
    """Whether :func:`unreadable_file`'s ``problem`` is a pipe, socket or device (which
    takes :data:`PIPE_NOTE`)."""
    return problem.startswith("is a pipe")
