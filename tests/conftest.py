"""Shared fixtures: a tiny MovieLens-100K-shaped folder whose contents are known by hand,
one torch thread for the whole run, Python's own warning display, and repeatable property
tests under CI."""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

# `make test` runs the suite in pytest-xdist workers, which refuse to start unless each
# collects the same test ids: a parametrised value must print the same in every process
# (gzip.compress(..., mtime=0), no set order, no object addresses or timestamps).

# CI replays the same examples every run (a property test that finds a new edge case
# locally must not turn an unrelated CI run red at random); developers explore new ones.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

# 19 genre flags in u.genre order: unknown, Action, Adventure, Animation, Children's,
# Comedy, Crime, Documentary, Drama, Fantasy, Film-Noir, Horror, Musical, Mystery,
# Romance, Sci-Fi, Thriller, War, Western.
_FLAGS_ANIM_CHILD_COMEDY = "0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0"
_FLAGS_UNKNOWN = "1|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0"
_FLAGS_DRAMA_WAR = "0|0|0|0|0|0|0|0|1|0|0|0|0|0|0|0|0|1|0"
_FLAGS_NONE = "0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0"

TINY_100K = {
    # user, item, rating, time: 5 ratings by 3 users of items 10, 20, 30 (40 is unrated)
    "u.data": "1\t10\t4\t881250949\n2\t10\t3\t881250950\n1\t20\t5\t881250951\n"
              "3\t30\t1\t881250952\n3\t10\t2\t881250953\n",
    # latin-1: "Café" is written as the single byte 0xE9
    "u.item": f"10|Café Society (1995)|01-Jan-1995||http://x/10|{_FLAGS_ANIM_CHILD_COMEDY}\n"
              f"20|unknown||||{_FLAGS_UNKNOWN}\n"
              f"30|Old Film|01-Jan-1950||http://x/30|{_FLAGS_DRAMA_WAR}\n"
              f"40|Unseen (2000)|01-Jan-2000||http://x/40|{_FLAGS_NONE}\n",
    "u.user": "1|24|M|technician|85711\n2|53|F|other|94043\n3|23|M|writer|32067\n",
}


@pytest.fixture
def tiny_ml100k_files() -> dict[str, bytes]:
    """The tiny 100K files: name -> bytes as they are on disk."""
    return {name: text.encode("latin-1") for name, text in TINY_100K.items()}


@pytest.fixture
def write_tiny_ml100k() -> Callable[[Path], Path]:
    """A function that writes the tiny 100K files into a folder (created) and returns it."""

    def write(folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in TINY_100K.items():
            (folder / name).write_bytes(text.encode("latin-1"))
        return folder

    return write


@pytest.fixture(autouse=True, scope="session")
def _one_torch_thread():
    """The tests' models are tiny: with torch's default threads on a busy 2-core machine
    each step waits on thread hand-offs (10x slower), and one thread is also repeatable."""
    try:
        import torch
    except ImportError:
        yield
        return
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


@pytest.fixture
def python_default_display(monkeypatch):
    """Python's own warning display, as a command line run has it (pytest records
    warnings, which the CLI leaves alone)."""
    def _showwarnmsg_impl(message):  # Python's display, which pytest's recording replaces
        sys.stderr.write(warnings._formatwarnmsg(message))

    monkeypatch.setattr(warnings, "showwarning", warnings._showwarning_orig)
    monkeypatch.setattr(warnings, "_showwarnmsg_impl", _showwarnmsg_impl)
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        yield
