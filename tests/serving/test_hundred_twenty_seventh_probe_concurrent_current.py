"""Two publishers pointing ``current`` at the same moment keep every entry of its history."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from recstack.errors import RecstackError
from recstack.serving.registry import ModelRegistry

_WORKER = textwrap.dedent("""
    import os, sys, time
    from recstack.serving.registry import ModelRegistry
    root, first, count, go = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    registry = ModelRegistry(root)
    while not os.path.exists(go):
        time.sleep(0.001)
    for version in range(first, first + 2 * count, 2):
        registry._point_current("als", version)
""")


def test_two_processes_pointing_current_lose_no_history_entry(tmp_path: Path) -> None:
    root = tmp_path / "registry"
    (root / "als" / "versions").mkdir(parents=True)
    (root / "als" / "current.json").write_text('{"version": 1, "history": []}\n')
    go = tmp_path / "go"
    count = 40  # each: 1 + 2 * 40 = 81 versions in all, under the history's cap of 100
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    workers = [subprocess.Popen([sys.executable, "-c", _WORKER, str(root), str(first),
                                 str(count), str(go)], env=env)
               for first in (2, 3)]  # one points at the even versions, one at the odd
    go.touch()
    for worker in workers:
        assert worker.wait(timeout=120) == 0
    alias = json.loads((root / "als" / "current.json").read_text())
    # every call moved current on from a different version: each left one entry
    seen = [*alias["history"], alias["version"]]
    assert sorted(seen) == list(range(1, 2 + 2 * count))


def test_the_lock_is_exclusive_while_held(tmp_path: Path) -> None:
    pytest.importorskip("fcntl")
    import fcntl

    root = tmp_path / "registry"
    (root / "als" / "versions").mkdir(parents=True)
    (root / "als" / "current.json").write_text('{"version": 2, "history": [1]}\n')
    registry = ModelRegistry(root)
    with registry._alias_lock("als"):
        held = os.open(root / "als" / "current.lock", os.O_RDWR)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(held)


@pytest.mark.parametrize("make", ["folder", "pipe", "dangling link"])
def test_something_else_where_the_lock_belongs_is_named(tmp_path: Path, make: str) -> None:
    root = tmp_path / "registry"
    (root / "als" / "versions").mkdir(parents=True)
    (root / "als" / "current.json").write_text('{"version": 2, "history": [1]}\n')
    lock = root / "als" / "current.lock"
    {"folder": lock.mkdir, "pipe": lambda: os.mkfifo(lock),
     "dangling link": lambda: lock.symlink_to(tmp_path / "gone")}[make]()
    registry = ModelRegistry(root)
    with pytest.raises(RecstackError, match=r"als: its lock .*current\.lock is .*; remove it "
                                            r"\(the lock is a file the registry creates\)"):
        registry._point_current("als", 3)
    assert json.loads((root / "als" / "current.json").read_text())["version"] == 2
