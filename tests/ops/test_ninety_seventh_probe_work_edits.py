"""Ninety-seventh bad-input probe, a pipeline's work folder edited by hand: a step's
output (a completed run's report.json) replaced by a named pipe was opened and waited
forever for a writer, and a link leading nowhere was "missing"; a state file saved by an
editor that adds a byte-order mark was "damaged, not readable JSON", whose remedy
(remove it) forgot every run; a key given twice in it was read as the last one; a runs
folder replaced by a file was each run's "damaged, not readable JSON ([Errno 20] Not a
directory)"; a trained model removed by hand was refused without the way out. Each test
failed before its fix."""

from __future__ import annotations

import json
import os
import shutil
import threading
import time

import pytest

from recstack.errors import RecstackError
from recstack.ops.pipeline import run_pipeline

from .scenario import only_run, work


def _unblock_readers(fifo, seconds=20.0):
    """Open ``fifo`` for writing and close it once a reader waits on it, so that a reader
    the fix should have refused gets an empty file instead of hanging the test run."""
    def loop():
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            try:
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:  # no reader yet (ENXIO), or the fifo is gone
                time.sleep(0.05)
    threading.Thread(target=loop, daemon=True).start()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_step_output_that_is_a_pipe_is_refused_not_waited_on(copy):
    report = only_run(copy) / "report" / "report.json"
    report.unlink()
    os.mkfifo(report)
    _unblock_readers(report)
    with pytest.raises(RecstackError) as refused:
        run_pipeline(copy / "pipeline.toml")
    message = str(refused.value)
    assert message.startswith(f"{report}: is a pipe, socket or device, not a file, not the "
                              "file the pipeline wrote; "), message
    assert "restore the file, or remove" in message


def test_a_step_output_that_is_a_link_leading_nowhere_is_named(copy):
    report = only_run(copy) / "report" / "report.json"
    report.unlink()
    os.symlink(report.parent / "gone.json", report)
    with pytest.raises(RecstackError, match=r"report\.json: is a symbolic link to '.*gone\.json'"
                                            r", which does not exist, not the file the "
                                            "pipeline wrote"):
        run_pipeline(copy / "pipeline.toml")


def test_a_state_file_with_a_byte_order_mark_is_read(copy):
    state = work(copy) / "state.json"
    recorded = json.loads(state.read_text())
    state.write_text(json.dumps(recorded, indent=2), encoding="utf-8-sig")
    outcome = run_pipeline(copy / "pipeline.toml")
    # the completed run is still known: nothing new to do
    assert outcome.up_to_date and outcome.run in recorded["completed"]


def test_a_state_file_naming_a_key_twice_is_refused(copy):
    state = work(copy) / "state.json"
    text = state.read_text()
    # an edit that added a second "completed" list (an empty one) beside the first
    state.write_text(text.replace("{", '{"completed": [],', 1))
    with pytest.raises(RecstackError, match=r"state\.json: damaged, not readable JSON \(the key "
                                            r"'completed' is given twice in one object; give "
                                            r"it once\); it records the completed runs"):
        run_pipeline(copy / "pipeline.toml")


def test_a_runs_folder_replaced_by_a_file_is_named(copy):
    runs = work(copy) / "runs"
    shutil.rmtree(runs)
    runs.write_text("not a folder")
    with pytest.raises(RecstackError) as refused:
        run_pipeline(copy / "pipeline.toml")
    message = str(refused.value)
    # it was the run's report.json: "damaged, not readable JSON ([Errno 20] Not a directory)"
    assert message.startswith(f"{runs}: is a file; it is the folder of the pipeline's runs: "
                              "restore it, or remove it and "), message
    assert "Errno" not in message


def test_a_trained_model_removed_by_hand_says_to_redo_the_train_step(copy):
    state = work(copy) / "state.json"
    recorded = json.loads(state.read_text())
    state.write_text(json.dumps(recorded | {"completed": []}))
    run = only_run(copy)
    for step in ("evaluate", "publish", "report"):
        shutil.rmtree(run / step)
    shutil.rmtree(run / "train" / "model")
    with pytest.raises(RecstackError) as refused:
        run_pipeline(copy / "pipeline.toml")
    message = str(refused.value)
    assert message.startswith(f"{run / 'train' / 'model'}: "), message
    assert message.endswith(f"; remove the folder {run / 'train'} (and those of the steps "
                            "after it) to redo the train step"), message
