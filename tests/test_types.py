"""The packages that type-check stay clean: mypy found a new visitor's scorer typed "maybe
None" where it is called in the service (``score_histories`` fetched with ``getattr(...,
None)`` and its callability kept in another variable), the kind of slip that ends in a 500.
A package joins :data:`CLEAN` once mypy finds nothing in it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("mypy", reason="the type check needs mypy (the test extra)")

ROOT = Path(__file__).resolve().parents[1]
CLEAN = ("recstack/serving", "recstack/data", "recstack/spark", "recstack/cli.py",
         "recstack/registry.py", "recstack/atomic.py", "recstack/progress.py",
         "recstack/topk.py", "recstack/specs.py", "recstack/errors.py",
         "recstack/pipeline", "recstack/metrics", "recstack/evaluation",
         "recstack/models", "recstack/analysis", "recstack/ops", "recstack/config.py",
         "recstack/experiment.py", "recstack/tuning.py", "recstack/__init__.py")


def test_mypy_finds_nothing_in_the_clean_packages(tmp_path):
    # imported modules are analysed but not reported: their own findings belong to them
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--follow-imports=silent", "--cache-dir",
         str(tmp_path / "cache"), *CLEAN],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
