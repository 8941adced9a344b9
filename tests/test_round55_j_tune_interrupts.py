"""Round 55 (J): a Ctrl-C, SIGTERM or SIGHUP during ``recstack tune`` (or the search and the
refit of ``recstack evaluate`` under the graph-CF protocol) ends the command with one line
and the shell's status, as every other command does. optuna logged the interrupted trial
first: "Trial 1 failed with parameters ... because of the following error:
KeyboardInterrupt()" and a traceback. From Python, the KeyboardInterrupt reaches the
caller of the search, and optuna logs no failed trial."""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
import tomllib
from pathlib import Path

import numpy as np
import pytest

from recstack import tuning
from recstack.cli import main
from recstack.data.synthetic import generate
from recstack.models.registry import create_model

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

#: the longest a command is given to reach the moment it is interrupted at, and to end
PATIENCE_SECONDS = 60  # generous: the machine may be busy with other tests

#: each trial fits ALS on 60,000 rows: long enough that a search of 30 trials writes a
#: progress line (MIDWAY) with trials still to run, the next one running when it is read
SLOW_SEARCH = """\
seed = 3
[data]
source = "synthetic:n_users=2000,n_items=800,n_interactions=60000,seed=2"
[split]
method = "random"
test_fraction = 0.2
[evaluation]
metrics = ["ndcg"]
ks = [10]
[[models]]
type = "als"
factors = 64
iterations = 15
[tune]
model = "als"
trials = {trials}
"""

#: a progress line of a search of 30 trials, but for its last one (a line is written when
#: a trial ends a second or more after the last line: quick trials write none for a while)
MIDWAY = r"Tuning als (?!30/)\d+/30"

QUICK_SEARCH = SLOW_SEARCH.replace("n_users=2000,n_items=800,n_interactions=60000",
                                   "n_users=200,n_items=100,n_interactions=3000")


class Command:
    """A process run with its stderr read line by line as it comes, so that a test waits
    for a moment of the work rather than sleeping."""

    def __init__(self, argv: list[str], cwd: Path) -> None:
        self.process = subprocess.Popen(argv, cwd=cwd, text=True, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE)
        self.lines: list[str] = []  # stderr's
        self.printed: list[str] = []  # stdout's
        self._readers = [threading.Thread(target=self._read, args=(stream, lines), daemon=True)
                         for stream, lines in ((self.process.stderr, self.lines),
                                               (self.process.stdout, self.printed))]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _read(stream, lines: list[str]) -> None:  # noqa: ANN001
        for line in stream:
            lines.append(line)

    def _join(self) -> None:
        for reader in self._readers:
            reader.join(timeout=5)

    def wait_for(self, pattern: str) -> None:
        """Until a line of stderr matches the regular expression ``pattern``."""
        deadline = time.monotonic() + PATIENCE_SECONDS
        while not any(re.search(pattern, line) for line in self.lines):
            if self.process.poll() is not None:
                self._join()
                pytest.fail(f"the process ended before writing {pattern!r}: "
                            f"{''.join(self.lines)}")
            if time.monotonic() > deadline:
                self.process.kill()
                pytest.fail(f"no {pattern!r} line within {PATIENCE_SECONDS} s: "
                            f"{''.join(self.lines)}")
            time.sleep(0.02)

    def stop(self, number: int) -> tuple[int, str, str]:
        """Send signal ``number``; the status, stdout and stderr once the process ended."""
        self.process.send_signal(number)
        try:
            self.process.wait(timeout=PATIENCE_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            pytest.fail(f"the process did not end within {PATIENCE_SECONDS} s of the signal")
        self._join()
        return self.process.returncode, "".join(self.printed), "".join(self.lines)


def recstack(*argv: str, cwd: Path) -> Command:
    return Command([sys.executable, "-m", "recstack.cli", *argv], cwd)


def work_names(folder: Path) -> list[str]:
    """Hidden names and work files (``.tmp``, ``.partial``) anywhere under ``folder``."""
    found = []
    for _, folders, files in os.walk(folder):
        found += [name for name in folders + files
                  if name.startswith(".") or name.endswith((".tmp", ".partial"))]
    return found


def assert_one_interrupted_line(code: int, stderr: str, number: int) -> None:
    assert code == 128 + number, stderr
    named = "" if number == signal.SIGINT else f" ({signal.Signals(number).name})"
    assert stderr.splitlines()[-1] == f"recstack: interrupted{named}", stderr
    # optuna's "[W ...] Trial 1 failed with parameters: ... KeyboardInterrupt()" and its
    # "Trial 1 failed with value None." came first, with a traceback between them
    assert "Traceback" not in stderr, stderr
    assert "Trial" not in stderr and "failed" not in stderr, stderr
    # (a line "holding ..." is the test's, written where it holds the work)
    assert [line for line in stderr.splitlines()
            if not line.startswith(("recstack: ", "holding "))] == []


@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_a_signal_during_a_trial_of_tune_is_one_line_and_writes_nothing(tmp_path, number):
    (tmp_path / "exp.toml").write_text(SLOW_SEARCH.format(trials=30))
    command = recstack("tune", "exp.toml", cwd=tmp_path)
    command.wait_for(MIDWAY)
    code, stdout, stderr = command.stop(number)
    assert_one_interrupted_line(code, stderr, number)
    assert stdout == ""  # no best values: the search did not end
    assert sorted(os.listdir(tmp_path)) == ["exp.toml"]


def test_the_next_tune_after_an_interrupted_one_needs_no_cleanup(tmp_path, capsys):
    (tmp_path / "exp.toml").write_text(SLOW_SEARCH.format(trials=30))
    command = recstack("tune", "exp.toml", cwd=tmp_path)
    command.wait_for(MIDWAY)
    code, _, stderr = command.stop(signal.SIGTERM)
    assert_one_interrupted_line(code, stderr, signal.SIGTERM)

    # (a quick search: what counts is that it runs and writes where the other one stopped)
    (tmp_path / "exp.toml").write_text(QUICK_SEARCH.format(trials=1))
    # in this process: an interpreter fewer to start
    code = main(["tune", str(tmp_path / "exp.toml")])
    printed, stderr = capsys.readouterr()
    assert code == 0, stderr
    assert "wrote " in printed and "exp.tuned.toml" in printed
    tuned = tomllib.loads((tmp_path / "exp.tuned.toml").read_text())
    assert tuned["models"][0]["type"] == "als" and "tune" not in tuned
    assert work_names(tmp_path) == []


#: runs ``recstack tune`` with the write of the tuned file held, after its temporary file
#: is written and before it replaces the output, until the test's signal comes
HELD_WRITE = """\
import sys, time
import recstack.atomic, recstack.cli

def held(path):
    print("holding the write of", path.name, file=sys.stderr, flush=True)
    time.sleep(60)

recstack.atomic._fsync_file = held
sys.exit(recstack.cli.main(sys.argv[1:]))
"""


@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_while_tune_writes_its_output_keeps_the_previous_one_whole(tmp_path,
                                                                            number):
    (tmp_path / "exp.toml").write_text(QUICK_SEARCH.format(trials=1))
    previous = "# the tuned experiment of an earlier run\n"
    (tmp_path / "exp.tuned.toml").write_text(previous)
    command = Command([sys.executable, "-c", HELD_WRITE, "tune", "exp.toml"], tmp_path)
    command.wait_for("holding the write of")
    assert work_names(tmp_path) != []  # the temporary file, written, waits for its rename
    code, _, stderr = command.stop(number)
    named = "" if number == signal.SIGINT else f" ({signal.Signals(number).name})"
    assert code == 128 + number, stderr
    assert stderr.splitlines()[-1] == f"recstack: interrupted{named}", stderr
    assert "Traceback" not in stderr
    assert (tmp_path / "exp.tuned.toml").read_text() == previous
    assert work_names(tmp_path) == []


def write_graph_cf_split(folder: Path) -> None:
    """1,000 users with 40 distinct items each out of 500: 28 in train.txt, 6 in
    valid.txt and 6 in test.txt."""
    folder.mkdir()
    rng = np.random.default_rng(0)
    parts: dict[str, list[str]] = {"train": [], "valid": [], "test": []}
    for user in range(1000):
        items = rng.choice(500, 40, replace=False)
        for part, chosen in (("train", items[:28]), ("valid", items[28:34]),
                             ("test", items[34:])):
            parts[part].append(" ".join(map(str, [user, *chosen])))
    for part, lines in parts.items():
        (folder / f"{part}.txt").write_text("\n".join(lines) + "\n")


GRAPH_CF_TUNING = """\
seed = 3
[data]
split = "split"
[evaluation]
ks = [10]
[[models]]
type = "als"
factors = 64
iterations = 15
[tune]
model = "als"
trials = {trials}
"""


def test_a_ctrl_c_while_evaluate_tunes_is_one_line_and_writes_nothing(tmp_path):
    write_graph_cf_split(tmp_path / "split")
    (tmp_path / "exp.toml").write_text(GRAPH_CF_TUNING.format(trials=30))
    command = recstack("evaluate", "exp.toml", "--out", "results", cwd=tmp_path)
    command.wait_for(MIDWAY)
    code, _, stderr = command.stop(signal.SIGINT)
    assert_one_interrupted_line(code, stderr, signal.SIGINT)
    assert sorted(os.listdir(tmp_path)) == ["exp.toml", "split"]


#: runs ``recstack evaluate`` with the refit of the tuned model held (the search's fits are
#: given no progress, the refit is), until the test's signal comes
HELD_REFIT = """\
import sys, time
import recstack.cli
from recstack.models.als import ALS

real_fit = ALS.fit

def fit(self, *args, progress=None, **kwargs):
    if progress is not None:
        print("holding the refit", file=sys.stderr, flush=True)
        time.sleep(60)
    return real_fit(self, *args, progress=progress, **kwargs)

ALS.fit = fit
sys.exit(recstack.cli.main(sys.argv[1:]))
"""


def test_a_sigterm_while_evaluate_refits_the_tuned_model_is_one_line_and_writes_nothing(
        tmp_path):
    write_graph_cf_split(tmp_path / "split")
    (tmp_path / "exp.toml").write_text(GRAPH_CF_TUNING.format(trials=2))
    command = Command([sys.executable, "-c", HELD_REFIT, "evaluate", "exp.toml", "--out",
                       "results"], tmp_path)
    command.wait_for("holding the refit")
    code, _, stderr = command.stop(signal.SIGTERM)
    assert_one_interrupted_line(code, stderr, signal.SIGTERM)
    assert sorted(os.listdir(tmp_path)) == ["exp.toml", "split"]


#: a Python program calling the tuning API, its Ctrl-C raised by Python's own handler
PYTHON_CALLER = """\
import sys
from recstack.config import load_experiment
from recstack.progress import LogProgress
from recstack.tuning import tune

try:
    tune(load_experiment("exp.toml"), progress=LogProgress(min_interval=0))
except KeyboardInterrupt:
    print("the caller caught KeyboardInterrupt")
    sys.exit(7)
print("the search ended")
"""


def test_a_python_caller_of_tune_gets_the_keyboard_interrupt(tmp_path):
    (tmp_path / "exp.toml").write_text(SLOW_SEARCH.format(trials=30))
    command = Command([sys.executable, "-c", PYTHON_CALLER], tmp_path)
    command.wait_for(MIDWAY)
    code, stdout, stderr = command.stop(signal.SIGINT)
    assert (code, stdout) == (7, "the caller caught KeyboardInterrupt\n"), stderr
    assert "Trial" not in stderr and "Traceback" not in stderr, stderr


class OptunaRecords(logging.Handler):
    """The records optuna logs (its loggers do not propagate to the root logger, where
    pytest's caplog listens)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def optuna_records():
    handler = OptunaRecords()
    logger = logging.getLogger("optuna")
    logger.addHandler(handler)
    yield handler.records
    logger.removeHandler(handler)


def small_split():
    from recstack.data.splits import random_split

    data = generate(n_users=60, n_items=40, n_interactions=900, seed=0)
    return random_split(data, test_fraction=0.25, seed=0)


SPACE = {"factors": {"type": "int", "low": 2, "high": 8}}


def test_search_passes_the_interruption_itself_on_and_logs_no_failed_trial(
        monkeypatch, optuna_records):
    split = small_split()
    interruption = KeyboardInterrupt("the user's Ctrl-C")
    fits = []

    def interrupted_at_the_second_fit(model_type, **params):
        model = create_model(model_type, **params)
        real_fit = model.fit

        def fit(*args, **kwargs):
            fits.append(params)
            if len(fits) == 2:
                raise interruption
            return real_fit(*args, **kwargs)

        model.fit = fit
        return model

    monkeypatch.setattr(tuning, "create_model", interrupted_at_the_second_fit)
    with pytest.raises(KeyboardInterrupt) as raised:
        tuning.search("als", split.train, split.test, SPACE, trials=5, seed=0,
                      base_params={"iterations": 2})
    assert raised.value is interruption  # not a copy: a SIGTERM's signal number is kept
    assert len(fits) == 2  # no trial after the interrupted one
    assert [record.getMessage() for record in optuna_records
            if record.levelno >= logging.WARNING] == []


def test_an_interruption_while_optuna_records_a_trial_is_not_a_crash(monkeypatch):
    # optuna's finally read a variable the interrupted call had not set yet, and the
    # Ctrl-C came out as "UnboundLocalError: cannot access local variable 'updated_state'"
    import optuna.study._optimize

    def interrupted(**kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(optuna.study._optimize, "_tell_with_warning", interrupted)
    split = small_split()
    with pytest.raises(KeyboardInterrupt):
        tuning.search("als", split.train, split.test, SPACE, trials=2, seed=0,
                      base_params={"iterations": 2})
