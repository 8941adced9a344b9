"""Round 56 (q): ``recommend``, ``report``, ``tune``, ``data split`` and ``data synth`` hold
their ``--out``'s lock from their start, as real processes.

A first run is paused at a known point of its work (after its start checks, before its
write) by a runner that wraps one function and waits for a release file, having written a
marker file. A second run of the same command into the same --out then fails at once,
naming the first (before, it did all its work and replaced the first's output, or waited
for the first and failed at the end). A file that another program writes while the first
run is paused is kept, and the first run refused (without --overwrite).
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="output locks are flock-based (Linux, macOS)")

RECSTACK = [sys.executable, "-c", "import sys; from recstack.cli import main; "
            "sys.exit(main(sys.argv[1:]))"]
# runs `recstack ARGV...` with MODULE.FUNCTION wrapped: its first call writes MARKER and
# waits for RELEASE to appear, then goes on as usual
PAUSED = """
import importlib, sys, time
from pathlib import Path
module_name, function_name, marker, release = sys.argv[1:5]
module = importlib.import_module(module_name)
original = getattr(module, function_name)
def paused(*args, **kwargs):
    Path(marker).write_text("paused")
    deadline = time.monotonic() + 60
    while not Path(release).exists():
        if time.monotonic() > deadline:
            raise SystemExit("never released")
        time.sleep(0.02)
    return original(*args, **kwargs)
setattr(module, function_name, paused)
from recstack.cli import main
sys.exit(main(sys.argv[5:]))
"""
SMALL = "synthetic:n_users=80,n_items=40,n_interactions=1200,seed=1"


class PausedRun:
    """``recstack ARGV`` in a separate process, paused in ``pause_at`` until released."""

    def __init__(self, pause_at: str, argv: list[str], cwd: Path) -> None:
        module, function = pause_at.rsplit(".", 1)
        self.marker = cwd / "first.paused"
        self.release_file = cwd / "first.release"
        self.process = subprocess.Popen(
            [sys.executable, "-c", PAUSED, module, function, str(self.marker),
             str(self.release_file), *argv],
            cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 30
        while not self.marker.exists():
            if self.process.poll() is not None:
                _, err = self.process.communicate()
                pytest.fail(f"the first run ended before its pause: {err}")
            assert time.monotonic() < deadline, "the first run never reached its pause"
            time.sleep(0.02)

    def release(self) -> tuple[int, str]:
        self.release_file.write_text("go")
        _, err = self.process.communicate(timeout=60)
        return self.process.returncode, err

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()


def error_lines(err: str) -> list[str]:
    """The refusals said (``recstack: error:``, or ``recstack tune: error: argument
    --out: ...`` for one of an option)."""
    return [line for line in err.splitlines() if re.match(r"recstack[a-z ]*: error: ", line)]


def leftovers(folder: Path) -> list[str]:
    """Work files of recstack's writers (temporary files and folders, locks)."""
    return sorted(p.name for p in folder.rglob(".*") if "recstack-" in p.name)


def refused_at_once_naming(first: PausedRun, argv: list[str], cwd: Path, out: str) -> None:
    """A second run of ``argv`` fails while the first is still paused, naming it."""
    started = time.monotonic()
    second = subprocess.run([*RECSTACK, *argv], cwd=cwd, capture_output=True, text=True,
                            timeout=20)
    assert first.process.poll() is None, "the first run went on without its release"
    assert second.returncode == 2, (second.returncode, second.stderr)
    [line] = error_lines(second.stderr)
    assert line.startswith(f"recstack: error: {out}: another recstack run is writing it "
                           f"(process {first.process.pid} on {socket.gethostname()}"), line
    assert "wait for it to finish, then run again, or choose another --out" in line
    assert "Traceback" not in second.stderr
    assert time.monotonic() - started < 20


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    from recstack.data.interactions import Interactions
    from recstack.models import create_model
    from recstack.serving.registry import ModelRegistry

    data = Interactions.from_arrays([1, 1, 2, 3, 3], [7, 8, 7, 9, 10], None)
    ModelRegistry(tmp_path / "models").publish(
        "pop", create_model("most_popular").fit(data), data=data, index=None)
    return tmp_path / "models"


def test_recommend_out_is_held_and_a_file_written_meanwhile_is_kept(tmp_path, registry):
    argv = ["recommend", "pop", "--registry", "models", "--users", "1", "--k", "2",
            "--out", "recs.csv"]
    first = PausedRun("recstack.serving.commands.recommendation_batches", argv, tmp_path)
    try:
        refused_at_once_naming(first, argv, tmp_path, "recs.csv")
        assert not (tmp_path / "recs.csv").exists()
        # another program writes the file while the first run computes its lists
        (tmp_path / "recs.csv").write_text("theirs\n")
        code, err = first.release()
    finally:
        first.kill()
    assert code == 2, err
    [line] = error_lines(err)
    # found before the write began ("already exists") or during it ("appeared meanwhile")
    assert line.startswith("recstack: error: recs.csv") and "--overwrite" in line, line
    assert (tmp_path / "recs.csv").read_text() == "theirs\n"
    assert leftovers(tmp_path) == []


def test_recommend_overwrite_still_replaces_a_file_there_from_the_start(tmp_path, registry):
    (tmp_path / "recs.csv").write_text("old\n")
    done = subprocess.run([*RECSTACK, "recommend", "pop", "--registry", "models", "--users",
                           "1", "--k", "2", "--out", "recs.csv", "--overwrite"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=20)
    assert done.returncode == 0, done.stderr
    # user 1 has seen 7 and 8; 9 and 10 are left, each seen once
    lines = (tmp_path / "recs.csv").read_text().splitlines()
    assert lines[0] == "user_id,rank,item_id,score"
    assert [row.split(",")[:2] for row in lines[1:]] == [["1", "1"], ["1", "2"]]
    assert sorted(row.split(",")[2] for row in lines[1:]) == ["10", "9"]
    assert leftovers(tmp_path) == []


def test_tune_out_is_held_and_a_file_written_meanwhile_is_kept(tmp_path):
    pytest.importorskip("optuna")
    (tmp_path / "exp.toml").write_text(
        f'name = "t"\nseed = 0\n[data]\nsource = "{SMALL}"\n[split]\nmethod = "random"\n'
        '[evaluation]\nmetrics = ["ndcg"]\nks = [5]\n[[models]]\ntype = "item_knn"\n'
        '[tune]\nmodel = "item_knn"\ntrials = 2\n')
    argv = ["tune", "exp.toml", "--out", "tuned.toml"]
    first = PausedRun("recstack.tuning.tune", argv, tmp_path)
    try:
        refused_at_once_naming(first, argv, tmp_path, "tuned.toml")
        assert not (tmp_path / "tuned.toml").exists()
        (tmp_path / "tuned.toml").write_text("# theirs\n")
        code, err = first.release()
    finally:
        first.kill()
    assert code == 2, err
    [line] = error_lines(err)
    assert line.startswith("recstack tune: error: argument --out: tuned.toml: was created "
                           "while the search ran"), line
    assert "--overwrite" in line, line
    assert (tmp_path / "tuned.toml").read_text() == "# theirs\n"
    assert leftovers(tmp_path) == []


def test_tune_default_output_is_held_too(tmp_path):
    """The default NAME.tuned.toml is the command's own and replaced, but not by two
    searches at once."""
    pytest.importorskip("optuna")
    (tmp_path / "exp.toml").write_text(
        f'name = "t"\nseed = 0\n[data]\nsource = "{SMALL}"\n[split]\nmethod = "random"\n'
        '[evaluation]\nmetrics = ["ndcg"]\nks = [5]\n[[models]]\ntype = "item_knn"\n'
        '[tune]\nmodel = "item_knn"\ntrials = 2\n')
    argv = ["tune", "exp.toml"]
    first = PausedRun("recstack.tuning.tune", argv, tmp_path)
    try:
        refused_at_once_naming(first, argv, tmp_path, "exp.tuned.toml")
        code, err = first.release()
    finally:
        first.kill()
    assert code == 0, err
    assert "[[models]]" in (tmp_path / "exp.tuned.toml").read_text()
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(("argv", "pause_at"), [
    (["data", "synth", "--users", "30", "--items", "20", "--interactions", "300", "--out",
      "made"], "recstack.data.synthetic.generate"),
    (["data", "split", SMALL, "--method", "random", "--out", "made"], "recstack.cli._load"),
])
def test_data_out_folder_is_held_and_a_folder_made_meanwhile_is_kept(tmp_path, argv,
                                                                      pause_at):
    first = PausedRun(pause_at, argv, tmp_path)
    try:
        refused_at_once_naming(first, argv, tmp_path, "made")
        assert not (tmp_path / "made").exists()
        (tmp_path / "made").mkdir()
        (tmp_path / "made" / "theirs.txt").write_text("theirs")
        code, err = first.release()
    finally:
        first.kill()
    assert code == 2, err
    [line] = error_lines(err)
    assert "made: appeared meanwhile" in line, line
    assert sorted(p.name for p in (tmp_path / "made").iterdir()) == ["theirs.txt"]
    assert leftovers(tmp_path) == []


def test_report_out_is_held(tmp_path):
    from recstack.cli import main

    (tmp_path / "exp.toml").write_text(
        f'name = "r"\nseed = 0\n[data]\nsource = "{SMALL}"\n[split]\nmethod = "random"\n'
        '[evaluation]\nmetrics = ["ndcg"]\nks = [5]\n[[models]]\ntype = "most_popular"\n')
    assert main(["evaluate", str(tmp_path / "exp.toml"), "--out",
                 str(tmp_path / "res")]) == 0
    argv = ["report", "res", "--out", "page.html", "--refit", "none", "--projection", "none"]
    first = PausedRun("recstack.analysis.report.write_report", argv, tmp_path)
    try:
        refused_at_once_naming(first, argv, tmp_path, "page.html")
        assert not (tmp_path / "page.html").exists()
        code, err = first.release()
    finally:
        first.kill()
    assert code == 0, err
    assert "<html" in (tmp_path / "page.html").read_text().lower()
    assert leftovers(tmp_path) == []
