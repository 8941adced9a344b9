"""Fixtures shared by the pipeline tests: the scenario's data, and a completed pipeline whose
files tests edit by hand."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from recstack.ops.pipeline import run_pipeline

from .scenario import make_data, write_pipeline


@pytest.fixture(scope="module")
def completed(tmp_path_factory) -> Path:
    """A folder whose pipeline has run once (one per test module: the edits go to copies)."""
    folder = make_data(tmp_path_factory.mktemp("data"))
    write_pipeline(folder)
    run_pipeline(folder / "pipeline.toml")
    return folder


@pytest.fixture
def copy(completed, tmp_path) -> Path:
    """A copy of :func:`completed` for one test to edit."""
    return Path(shutil.copytree(completed, tmp_path / "p"))


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    """The scenario's partitions, written once per test module."""
    return make_data(tmp_path_factory.mktemp("data"))


@pytest.fixture
def folder(data, tmp_path) -> Path:
    """A copy of :func:`data` for one test to run pipelines in."""
    return Path(shutil.copytree(data, tmp_path / "p"))
