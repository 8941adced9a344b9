"""A pipeline's own work files (state, lock, step outputs) damaged or replaced by hand: each
is refused naming the file and what to do, never a KeyError or JSONDecodeError."""

from __future__ import annotations

import json
import shutil

import pytest

from recstack.errors import ConfigError, RecstackError
from recstack.ops.pipeline import run_pipeline

from .scenario import only_run, work


@pytest.mark.parametrize(("state", "says"), [
    ("[]", "expected a JSON object, got list"),
    ('{"completed": 5}', 'expected "completed" \\(a list of run names\\)'),
    ('{"partitions": {}}', 'expected "completed"'),
    ('{"completed": [], "partitions": []}', '"partitions" \\(label -> fingerprint\\)'),
    ("{", "not readable JSON"),
])
def test_a_damaged_state_file_is_refused_with_the_way_out(copy, state, says):
    (work(copy) / "state.json").write_text(state)
    with pytest.raises(RecstackError, match=rf"state\.json: damaged.*{says}.*remove it to "
                                            "start over"):
        run_pipeline(copy / "pipeline.toml")


def test_a_completed_run_without_its_report_says_how_to_rerun(copy):
    shutil.rmtree(only_run(copy) / "report")
    with pytest.raises(RecstackError, match=r"report\.json: missing; the run is recorded as "
                                            "complete"):
        run_pipeline(copy / "pipeline.toml")


@pytest.mark.parametrize("snapshot", ["[{}]", '{"label": "2019-01"}', "not json"])
def test_a_damaged_step_output_is_refused_naming_the_step_to_redo(copy, snapshot):
    state = json.loads((work(copy) / "state.json").read_text())
    (work(copy) / "state.json").write_text(json.dumps(state | {"completed": []}))
    (only_run(copy) / "check" / "partitions.json").write_text(snapshot)
    with pytest.raises(RecstackError, match=r"partitions\.json: damaged.*remove the folder "
                                            r".*check to redo the check step"):
        run_pipeline(copy / "pipeline.toml")


def test_a_work_folder_that_is_a_file_or_a_lock_that_is_a_folder(copy):
    shutil.rmtree(work(copy))
    work(copy).write_text("not a folder")
    with pytest.raises(RecstackError, match=r"work folder .*shop\.pipeline is \(or lies "
                                            "under\\) a file"):
        run_pipeline(copy / "pipeline.toml")
    work(copy).unlink()
    (work(copy) / "lock").mkdir(parents=True)
    with pytest.raises(RecstackError, match=r"its lock .*lock is a folder; remove it"):
        run_pipeline(copy / "pipeline.toml")


def test_a_clock_that_is_not_unix_seconds_is_refused(copy):
    """now="2019-05-01" failed as int("2019-05-01") deep in the quality checks."""
    with pytest.raises(ConfigError, match=r"^run_pipeline: now must be whole Unix seconds"):
        run_pipeline(copy / "pipeline.toml", now="2019-05-01")


def test_an_unreadable_partitions_folder_is_named(copy, monkeypatch):
    """A folder the user cannot read (simulated: the tests run as root) was a raw
    PermissionError from the listing."""
    from recstack.ops import partitions

    def refuse(self):
        raise PermissionError(13, "Permission denied", str(self / "year=2019"))

    # the listing walks the folders with iterdir (it used rglob, which skips linked ones)
    monkeypatch.setattr(partitions.Path, "iterdir", refuse)
    with pytest.raises(RecstackError, match=r"logs: cannot list its partitions: .*Permission "
                                            "denied"):
        partitions.list_partitions(copy / "logs")


def test_a_registry_root_that_is_a_file_is_refused_before_training(copy):
    """It was found at the evaluate step, after the checks, the drift and the training."""
    shutil.rmtree(copy / "registry")
    (copy / "registry").write_text("not a folder")
    shutil.rmtree(work(copy))
    with pytest.raises(ConfigError, match=r"\[registry\] root = .*registry: is a file"):
        run_pipeline(copy / "pipeline.toml")
    assert not (work(copy) / "runs").exists()
