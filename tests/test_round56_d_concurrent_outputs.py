"""Two recstack runs writing one output at once, as real processes.

A holder process takes an output's lock and signals through a marker file; the command
under test then runs against it. The races themselves (two evaluations started together)
are bounded by a sub-process timeout, and every check reads what is on disk: which run's
results are there (the model named inside), what is left beside them, the exit status and
the one line said.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="output locks are flock-based (Linux, macOS)")

SMALL = "synthetic:n_users=120,n_items=60,n_interactions=1500,seed=1"
RECSTACK = [sys.executable, "-c", "import sys; from recstack.cli import main; "
            "sys.exit(main(sys.argv[1:]))"]
# holds the output lock of argv[1] until the file argv[3] appears; argv[2] marks it taken
HOLDER = """
import sys, time
from pathlib import Path
from recstack.atomic import output_lock
with output_lock(sys.argv[1]):
    Path(sys.argv[2]).write_text("held")
    deadline = time.monotonic() + 60
    while not Path(sys.argv[3]).exists() and time.monotonic() < deadline:
        time.sleep(0.02)
"""


def experiment_file(folder: Path, model: str) -> Path:
    path = folder / f"{model}.toml"
    path.write_text(f'name = "small"\n[data]\nsource = "{SMALL}"\n[split]\n'
                    f'method = "random"\n[evaluation]\nmetrics = ["ndcg"]\nks = [5]\n'
                    f'[[models]]\ntype = "{model}"\n')
    return path


def recstack(*argv: str, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([*RECSTACK, *argv], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def wait_for_words(log: Path, words: str, process: subprocess.Popen[str]) -> None:
    """Wait until ``process`` has written ``words`` to its stderr file ``log``."""
    deadline = time.monotonic() + 60
    while words not in (log.read_text() if log.exists() else ""):
        assert process.poll() is None, f"ended without saying {words!r}: {log.read_text()}"
        assert time.monotonic() < deadline, f"never said {words!r}"
        time.sleep(0.05)


def finished(process: subprocess.Popen[str]) -> tuple[int, str]:
    _, err = process.communicate(timeout=60)
    return process.returncode, err


class Holder:
    """A separate process holding the output lock of ``target`` until released."""

    def __init__(self, target: Path, folder: Path) -> None:
        self.taken = folder / "holder.taken"
        self.release_file = folder / "holder.release"
        self.process = subprocess.Popen([sys.executable, "-c", HOLDER, str(target),
                                         str(self.taken), str(self.release_file)])
        deadline = time.monotonic() + 30
        while not self.taken.exists():
            assert self.process.poll() is None, "the holder ended before taking the lock"
            assert time.monotonic() < deadline, "the holder never took the lock"
            time.sleep(0.02)

    def release(self) -> None:
        self.release_file.write_text("go")
        assert self.process.wait(timeout=30) == 0


def leftovers(folder: Path) -> list[str]:
    """Work files of recstack's writers (temporary folders, set-aside versions, locks)."""
    return sorted(p.name for p in folder.rglob(".*") if "recstack-" in p.name)


def error_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("recstack: error")]


def test_evaluate_into_a_folder_another_run_writes_fails_at_once_naming_it(tmp_path):
    experiment = experiment_file(tmp_path, "most_popular")
    holder = Holder(tmp_path / "res", tmp_path)
    try:
        code, err = finished(recstack("evaluate", str(experiment), "--out", "res",
                                      "--overwrite", cwd=tmp_path))
    finally:
        holder.release()
    assert code != 0
    [line] = error_lines(err)
    # the folder, the other run's process and host, what to do
    assert line.startswith("recstack: error: res: another recstack run is writing it")
    assert f"process {holder.process.pid} on {socket.gethostname()}" in line
    assert "wait for it to finish" in line
    assert not (tmp_path / "res").exists() and leftovers(tmp_path) == []
    # once the other run is over, the next run works without any cleaning up
    code, err = finished(recstack("evaluate", str(experiment), "--out", "res",
                                  cwd=tmp_path))
    assert code == 0, err
    results = json.loads((tmp_path / "res" / "results.json").read_text())
    assert [m["model"] for m in results["models"]] == ["most_popular"]
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("stagger", [0.0, 0.3])
def test_two_evaluations_into_one_new_folder_leave_one_complete_result(tmp_path, stagger):
    """Neither run told to overwrite: the loser is refused before its work, naming the
    winner (or, had the winner already finished, saying the results exist); it was
    refused only after all its work, with "already exists" of a folder that was not
    there when it started."""
    first = experiment_file(tmp_path, "most_popular")
    second = experiment_file(tmp_path, "random")
    runs = [recstack("evaluate", str(first), "--out", "res", cwd=tmp_path)]
    time.sleep(stagger)  # the stagger is the scenario itself, not a wait for readiness
    runs.append(recstack("evaluate", str(second), "--out", "res", cwd=tmp_path))
    outcomes = [finished(run) for run in runs]
    assert sorted(code == 0 for code, _ in outcomes) == [False, True], outcomes
    winner = next(i for i, (code, _) in enumerate(outcomes) if code == 0)
    _, loser_err = outcomes[1 - winner]
    [line] = error_lines(loser_err)
    winner_pid = runs[winner].pid
    assert (f"res: another recstack run is writing it (process {winner_pid} on "
            f"{socket.gethostname()}" in line) or "res: results already exist" in line, line
    results = json.loads((tmp_path / "res" / "results.json").read_text())
    model = ["most_popular", "random"][winner]
    assert results["experiment"]["models"] == [{"type": model}]
    assert [m["model"] for m in results["models"]] == [model]
    # every file is the winner's: no per-user table of the other model beside its results
    assert sorted(p.name for p in (tmp_path / "res").iterdir()) == \
        sorted(["results.json", "summary.csv", f"per_user_{model}.csv"])
    assert leftovers(tmp_path) == []


def test_split_into_a_folder_another_run_writes_fails_at_once_naming_it(tmp_path):
    holder = Holder(tmp_path / "split", tmp_path)
    try:
        split = subprocess.run([*RECSTACK, "data", "split", SMALL, "--out", "split"],
                               cwd=tmp_path, capture_output=True, text=True, timeout=60)
    finally:
        holder.release()
    assert split.returncode == 2
    [line] = error_lines(split.stderr)
    assert f"split: another recstack run is writing it (process {holder.process.pid}" in line
    assert not (tmp_path / "split").exists() and leftovers(tmp_path) == []


def test_a_folder_write_waits_for_the_holder_then_keeps_what_it_wrote(tmp_path):
    """The Python writers wait for the lock (the CLI commands take it first and fail at
    once): a folder the holder wrote meanwhile is kept, and the waiting write refused."""
    import threading

    from recstack.atomic import atomic_directory
    from recstack.errors import RecstackError

    holder = Holder(tmp_path / "split", tmp_path)
    outcome: list[BaseException | None] = []

    def write() -> None:
        try:
            with atomic_directory(tmp_path / "split", overwrite=False) as staging:
                (staging / "mine.json").write_text("{}")
            outcome.append(None)
        except BaseException as error:  # noqa: BLE001 - handed to the test's thread
            outcome.append(error)

    writer = threading.Thread(target=write)
    try:
        writer.start()
        writer.join(timeout=1.0)
        assert writer.is_alive(), "the write did not wait for the holder"
        # the holder's run writes its folder meanwhile
        (tmp_path / "split").mkdir()
        (tmp_path / "split" / "report.json").write_text("{}")
    finally:
        holder.release()
    writer.join(timeout=30)
    [error] = outcome
    assert isinstance(error, RecstackError)
    assert "appeared meanwhile: another run wrote this folder while this one was working" \
        in str(error)
    assert sorted(p.name for p in (tmp_path / "split").iterdir()) == ["report.json"]
    assert leftovers(tmp_path) == []


def test_a_file_that_appears_before_the_final_rename_is_kept_without_overwrite(tmp_path):
    from recstack.atomic import atomic_path
    from recstack.errors import RecstackError

    target = tmp_path / "recommendations.csv"
    with pytest.raises(RecstackError, match="another run wrote this file while this one "
                                            "was working"):
        with atomic_path(target, overwrite=False) as temporary:
            temporary.write_text("mine\n")
            # another writer (one that takes no lock) finishes first
            target.write_text("theirs\n")
    assert target.read_text() == "theirs\n"
    assert leftovers(tmp_path) == []
    # and with overwrite, as before, the last write wins whole
    with atomic_path(target) as temporary:
        temporary.write_text("mine\n")
    assert target.read_text() == "mine\n" and leftovers(tmp_path) == []


def test_a_file_write_waits_for_another_process_writing_it(tmp_path):
    """``recommend --out``, ``report``, ``tune`` write through write_with: a second writer
    waits for the first instead of interleaving with it."""
    target = tmp_path / "tuned.toml"
    holder = Holder(target, tmp_path)
    log = tmp_path / "writer.err"
    with log.open("w") as stderr:
        writer = subprocess.Popen(
            [sys.executable, "-c", "import logging, sys; from recstack.atomic import "
             "write_text; logging.basicConfig(); write_text(sys.argv[1], 'second\\n')",
             str(target)], cwd=tmp_path, stdout=subprocess.PIPE, stderr=stderr, text=True)
    try:
        wait_for_words(log, "waiting for it to finish", writer)
        target.write_text("first\n")  # the holder's own write
    finally:
        holder.release()
    writer.communicate(timeout=30)
    err = log.read_text()
    log.unlink()
    assert writer.returncode == 0, err
    assert target.read_text() == "second\n"
    assert leftovers(tmp_path) == []


def test_a_lock_taken_again_in_one_process_is_not_refused(tmp_path):
    from recstack.atomic import atomic_directory, lock_path, output_lock

    with output_lock(tmp_path / "res"):
        assert lock_path(tmp_path / "res").exists()
        with atomic_directory(tmp_path / "res", overwrite=False) as staging:
            (staging / "a.txt").write_text("a")
        assert (tmp_path / "res" / "a.txt").read_text() == "a"
    assert not lock_path(tmp_path / "res").exists()
    assert os.listdir(tmp_path) == ["res"]


def test_a_writer_killed_while_holding_the_lock_blocks_no_later_run(tmp_path):
    from recstack.atomic import write_text

    target = tmp_path / "report.html"
    holder = Holder(target, tmp_path)
    holder.process.kill()  # SIGKILL: no clean-up of its own runs
    holder.process.wait(timeout=30)
    write_text(target, "<html></html>", overwrite=False)  # neither waits nor is refused
    assert target.read_text() == "<html></html>"
    # the dead holder's lock file went with the next write
    assert sorted(os.listdir(tmp_path)) == ["holder.taken", "report.html"]
