"""Ninety-second bad-input probe, a pipeline's work files replaced by hand: a state file
that was a symbolic link leading nowhere, or a named pipe, was taken for no state (every
completed run forgotten) and replaced by a plain file at the end of the run; a folder in
its place failed only at that end. A lock that was a named pipe was a bare OSError
(EINVAL), a link leading nowhere "No such file or directory". Each is now refused before
the run, by what it is. Each test failed before its fix."""

from __future__ import annotations

import json
import os

import pytest

from recstack.errors import RecstackError
from recstack.ops.pipeline import run_pipeline

from .scenario import work


def _dangling(path):
    os.symlink(path.parent / "gone.json", path)


@pytest.mark.parametrize("make, said", [
    (_dangling, "a symbolic link to '.*gone.json', which does not exist"),
    (lambda p: os.symlink(p, p), r"a symbolic link that loops \(it leads back to itself\)"),
    (os.mkfifo, "a pipe, socket or device"),
    (lambda p: p.mkdir(), "a folder"),
])
def test_a_state_file_that_is_not_a_file_is_refused_before_the_run(copy, make, said):
    state = work(copy) / "state.json"
    completed = json.loads(state.read_text())["completed"]
    assert completed
    state.unlink()
    make(state)
    with pytest.raises(RecstackError, match=rf"state\.json: is {said}, not the pipeline's "
                                            r"state file \(JSON\); it records the completed "
                                            "runs: restore it or remove it to start over"):
        run_pipeline(copy / "pipeline.toml")
    assert os.path.lexists(state) and not (state.is_file() and not state.is_symlink())


@pytest.mark.parametrize("make, said", [
    (os.mkfifo, "a pipe, socket or device"),
    (_dangling, "a symbolic link to '.*gone.json', which does not exist"),
    (lambda p: os.symlink(p, p), "a symbolic link that loops"),
])
def test_a_lock_that_is_not_a_file_is_refused_by_what_it_is(copy, make, said):
    lock = work(copy) / "lock"
    lock.unlink(missing_ok=True)
    make(lock)
    with pytest.raises(RecstackError, match=rf"pipeline 'shop': its lock .*lock is {said}.*; "
                                            r"remove it \(the lock is a file the pipeline "
                                            r"creates\)"):
        run_pipeline(copy / "pipeline.toml")
    assert os.path.lexists(lock)


def test_a_lock_left_by_a_dead_process_is_taken(copy):
    # the lock is an flock, released when its process ended: the recorded pid is history
    (work(copy) / "lock").write_text(json.dumps({"pid": 999999, "started": "2020-01-01"}))
    assert run_pipeline(copy / "pipeline.toml").ran == []


@pytest.mark.parametrize("make, said", [
    (lambda p: os.symlink(p.parent / "gone", p), "a symbolic link to '.*gone', which does "
                                                 "not exist"),
    (lambda p: os.symlink(p, p), r"a symbolic link that loops \(it leads back to itself\)"),
    (os.mkfifo, "a pipe, socket or device"),
])
def test_a_registry_root_that_is_no_folder_is_refused_before_training(copy, make, said):
    """A link that led nowhere was found at the publish step, after the training."""
    import shutil

    shutil.rmtree(copy / "registry")
    make(copy / "registry")
    shutil.rmtree(work(copy))
    with pytest.raises(RecstackError, match=rf"\[registry\] root = .*registry: is {said}; "
                                            r"the registry is a folder"):
        run_pipeline(copy / "pipeline.toml")
    assert not (work(copy) / "runs").exists()


@pytest.mark.parametrize("make, said", [
    (lambda p: os.symlink(p.parent / "gone", p), "a symbolic link to '.*gone', which does "
                                                 "not exist"),
    (lambda p: os.symlink(p, p), r"a symbolic link that loops \(it leads back to itself\)"),
])
def test_a_work_folder_that_is_a_link_leading_nowhere_is_named(copy, make, said):
    import shutil

    shutil.rmtree(work(copy))
    make(work(copy))
    with pytest.raises(RecstackError, match=rf"pipeline 'shop': its work folder .*shop"
                                            rf"\.pipeline is {said}; remove the link or set "
                                            "another `work` folder in the pipeline file"):
        run_pipeline(copy / "pipeline.toml")
    assert work(copy).is_symlink()
