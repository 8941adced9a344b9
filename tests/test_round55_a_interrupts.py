"""Interrupted commands (Ctrl-C, SIGTERM, SIGHUP) and interrupted writes leave nothing
half-written: the output is absent or its previous version whole, no work file or folder
stays beside it, and the command ends with one line and the shell's status, 128 + the
signal's number."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import recstack.atomic
import recstack.cli
import recstack.ops.lock
from recstack.atomic import atomic_directory, write_text
from recstack.ops.lock import pipeline_lock

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

#: the longest a command is given to reach the moment it is interrupted at, and to end
PATIENCE_SECONDS = 60  # generous: the machine may be busy with other tests


class Command:
    """A ``recstack`` command run in a subprocess, its stderr read line by line as it
    comes, so that a test can wait for a moment of the work rather than sleep."""

    def __init__(self, *argv: str, cwd: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "recstack.cli", *argv], cwd=cwd, text=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line)

    def wait_until(self, reached, what: str) -> None:  # noqa: ANN001
        deadline = time.monotonic() + PATIENCE_SECONDS
        while not reached():
            if self.process.poll() is not None:
                pytest.fail(f"the command ended before {what}: {''.join(self.lines)}")
            if time.monotonic() > deadline:
                self.process.kill()
                pytest.fail(f"{what} did not happen in {PATIENCE_SECONDS} s")
            time.sleep(0.02)

    def stop(self, number: int) -> tuple[int, str]:
        self.process.send_signal(number)
        try:
            self.process.wait(timeout=PATIENCE_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            pytest.fail(f"the command did not end within {PATIENCE_SECONDS} s of the signal")
        self._reader.join(timeout=5)
        return self.process.returncode, "".join(self.lines)


def run(*argv: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "recstack.cli", *argv], cwd=cwd, text=True,
                          capture_output=True, timeout=60)


def work_names(folder: Path) -> list[str]:
    """Hidden names and work files (``.tmp``, ``.partial``) anywhere under ``folder``."""
    found = []
    for _, folders, files in os.walk(folder):
        found += [name for name in folders + files
                  if name.startswith(".") or name.endswith((".tmp", ".partial"))]
    return found


def digests(folder: Path) -> dict[str, str]:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.iterdir())}


def test_sigterm_while_synth_generates_exits_143_and_leaves_no_staging_folder(tmp_path):
    # SIGTERM's default action ended the process at once: status -15, no message, and the
    # staging folder `.data.recstack-tmp-PID-...` stayed beside the output
    command = Command("data", "synth", "--users", "100000", "--items", "5000",
                      "--interactions", "3000000", "--out", "data", cwd=tmp_path)
    command.wait_until(lambda: any("Generating synthetic" in line for line in command.lines),
                       "the first progress line")
    code, stderr = command.stop(signal.SIGTERM)
    assert code == 128 + 15, stderr
    assert stderr.splitlines()[-1] == "recstack: interrupted (SIGTERM)", stderr
    assert "Traceback" not in stderr
    assert os.listdir(tmp_path) == []  # neither the output nor its staging folder

    again = run("data", "synth", "--users", "50", "--items", "20", "--interactions", "300",
                "--out", "data", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert sorted(os.listdir(tmp_path / "data")) == ["interactions.parquet", "items.parquet"]
    assert work_names(tmp_path) == []


def test_sighup_while_split_writes_keeps_the_previous_split_whole(tmp_path):
    # in this process: two interpreters fewer to start
    assert recstack.cli.main(["data", "synth", "--users", "50000", "--items", "3000",
                              "--interactions", "500000", "--out",
                              str(tmp_path / "source")]) == 0
    assert recstack.cli.main(["data", "split", str(tmp_path / "source"), "--out",
                              str(tmp_path / "split"), "--test-fraction", "0.3"]) == 0
    before = digests(tmp_path / "split")

    command = Command("data", "split", "source", "--out", "split", "--overwrite",
                      cwd=tmp_path)
    # the staging folder beside the output appears when the split is being written
    command.wait_until(lambda: any(".recstack-tmp-" in name for name in os.listdir(tmp_path)),
                       "the split's staging folder")
    code, stderr = command.stop(signal.SIGHUP)
    assert code == 128 + 1, stderr
    assert stderr.splitlines()[-1] == "recstack: interrupted (SIGHUP)", stderr
    assert "Traceback" not in stderr
    assert digests(tmp_path / "split") == before
    assert work_names(tmp_path) == []


def test_an_interruption_while_the_parser_is_built_is_one_line(monkeypatch, capsys):
    # building the parser imports most of the library: a Ctrl-C then was a traceback
    def interrupted() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(recstack.cli, "_build_parser", interrupted)
    try:
        code = recstack.cli.main(["data", "synth"])
    except KeyboardInterrupt:  # caught, or it would end the whole test session
        pytest.fail("the interruption escaped main()")
    assert code == 130
    assert capsys.readouterr().err == "recstack: interrupted\n"


def test_main_gives_sigterm_back_its_handler(capsys):
    before = signal.getsignal(signal.SIGTERM)
    assert recstack.cli.main(["data"]) == 2  # the group's help: nothing done
    assert signal.getsignal(signal.SIGTERM) == before


def test_keyboard_interrupt_in_the_file_write_itself_leaves_nothing(tmp_path, monkeypatch):
    def interrupted(self: Path, *args: object, **kwargs: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(Path, "write_text", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_text(tmp_path / "notes.txt", "new")
    assert os.listdir(tmp_path) == []


def test_a_second_ctrl_c_while_the_staging_folder_is_removed_waits_for_it(tmp_path,
                                                                          monkeypatch):
    # the first Ctrl-C stopped the block; the second, arriving while the staging folder
    # was deleted, stopped the deletion and left the folder beside the target
    real_rmtree = recstack.atomic.shutil.rmtree

    def second_ctrl_c(path, *args, **kwargs):  # noqa: ANN001, ANN202
        signal.raise_signal(signal.SIGINT)
        return real_rmtree(path, *args, **kwargs)

    monkeypatch.setattr(recstack.atomic.shutil, "rmtree", second_ctrl_c)
    with pytest.raises(KeyboardInterrupt), \
            atomic_directory(tmp_path / "split", overwrite=False) as staging:
        for index in range(20):
            (staging / f"part-{index}.parquet").write_bytes(b"x" * 100)
        raise KeyboardInterrupt
    assert os.listdir(tmp_path) == []


def test_a_ctrl_c_while_a_run_lets_go_of_its_lock_still_removes_its_work_folder(
        tmp_path, monkeypatch):
    real_tidy = recstack.ops.lock._tidy

    def ctrl_c_first(made, path):  # noqa: ANN001, ANN202
        signal.raise_signal(signal.SIGINT)
        return real_tidy(made, path)

    monkeypatch.setattr(recstack.ops.lock, "_tidy", ctrl_c_first)
    with pytest.raises(KeyboardInterrupt), pipeline_lock(tmp_path / "shop.pipeline", "shop"):
        pass
    assert os.listdir(tmp_path) == []
