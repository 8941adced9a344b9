"""`make demo` installs only what the demo needs and says so; `make test` adds the rest."""

import os
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def dry_run(target: str, tmp_path: Path) -> list[str]:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    # a copy without .venv: what a fresh machine sees
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    # run as a user would, not as a sub-make of `make test` (which would print the folders
    # it enters and pass its own flags down)
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    result = subprocess.run(["make", "--no-print-directory", "-n", target], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60, check=True, env=env)
    return result.stdout.splitlines()


def test_make_demo_installs_the_demo_extra_visibly(tmp_path):
    lines = dry_run("demo", tmp_path)
    installs = [line for line in lines if "pip install" in line and "-e" in line]
    assert len(installs) == 1 and '".[demo]"' in installs[0]
    assert "--quiet" not in installs[0]
    assert any(line.startswith('echo "==> Installing recstack') for line in lines)
    assert lines[-1] == ".venv/bin/recstack demo"


def test_make_test_adds_the_test_extra(tmp_path):
    lines = dry_run("test", tmp_path)
    installs = [line for line in lines if "pip install" in line and "-e" in line]
    assert ['".[demo]"' in installs[0], '".[test]"' in installs[1]] == [True, True]
    assert lines[-1].startswith(".venv/bin/python -m pytest")


def test_the_demo_extra_covers_the_demo_models():
    from importlib.resources import files

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"]
    demo = tomllib.loads((files("recstack") / "experiments" / "demo.toml").read_text())
    # ALS needs implicit; the other demo models need only the core dependencies
    types = {model["type"] for model in demo["models"]}
    assert types <= {"most_popular", "random", "item_knn", "user_knn", "ease", "als"}
    demo_extras = {name.strip() for spec in extras["demo"]
                   for name in spec.partition("[")[2].rstrip("]").split(",")}
    assert "als" in demo_extras
