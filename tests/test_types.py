"""The package type-checks: mypy found a new visitor's scorer typed "maybe None" where the
service calls it (``score_histories`` fetched with ``getattr(..., None)`` and its
callability kept in another variable), the kind of slip that ends in a 500. Every module
is checked, so a new one is covered from its first commit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("mypy", reason="the type check needs mypy (the test extra)")

ROOT = Path(__file__).resolve().parents[1]


def test_mypy_finds_nothing_in_the_package(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "cache"), "recstack"],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
