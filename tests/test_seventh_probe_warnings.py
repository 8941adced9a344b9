"""Seventh bad-input probe, the command line: recstack's warnings about a user's input were
printed in Python's default format, the recstack source file and line that raised them
then that line's code (``.../experiment.py:525: TrainingPairsWarning: ...`` and
``result = evaluator.evaluate_fold_in(...)``), as if the code were the problem. They are
now one ``recstack: warning: ...`` line. Each test failed before its fix."""

from __future__ import annotations

import subprocess
import sys
import warnings

import pytest

from recstack import cli
from recstack.evaluation.evaluator import TrainingPairsWarning

SMALL = "synthetic:n_users=100,n_items=60,n_interactions=1500,seed=1"


def _command_that_warns(category: type[Warning], text: str):
    def run(args):
        warnings.warn(category(text), stacklevel=1)
        return 0
    return run


@pytest.fixture
def python_default_display(monkeypatch):
    """Python's own warning display, as a command line run has it (pytest records
    warnings, which the CLI leaves alone)."""
    def _showwarnmsg_impl(message):  # Python's display, which pytest's recording replaces
        sys.stderr.write(warnings._formatwarnmsg(message))

    monkeypatch.setattr(warnings, "showwarning", warnings._showwarning_orig)
    monkeypatch.setattr(warnings, "_showwarnmsg_impl", _showwarnmsg_impl)
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        yield


def test_a_recstack_warning_is_one_line_without_the_source(capsys, monkeypatch,
                                                           python_default_display):
    monkeypatch.setattr(cli, "_run", _command_that_warns(
        TrainingPairsWarning, "every one of the test's 3 relevant pairs is also a training "
                              "pair\nsecond line"))
    assert cli.main(["demo"]) == 0
    err = capsys.readouterr().err
    assert err == ("recstack: warning: every one of the test's 3 relevant pairs is also a "
                   "training pair; second line\n")
    # and the display is Python's again after the command
    assert warnings.showwarning is warnings._showwarning_orig
    # other libraries' warnings keep Python's format
    monkeypatch.setattr(cli, "_run", _command_that_warns(FutureWarning, "a library change"))
    cli.main(["demo"])
    err = capsys.readouterr().err
    assert "FutureWarning: a library change" in err and "recstack: warning" not in err
    # a caller recording warnings (here pytest.warns) still gets them, unprinted
    monkeypatch.setattr(cli, "_run", _command_that_warns(TrainingPairsWarning, "recorded"))
    with pytest.warns(TrainingPairsWarning, match="recorded"):
        cli.main(["demo"])
    assert "recstack: warning" not in capsys.readouterr().err


def test_the_command_line_shows_an_evaluation_warning_as_one_line(tmp_path):
    # a fold-in part that repeats the test part: every test pair is in the user's revealed
    # history, so every metric is 0, and the evaluator warns
    split = tmp_path / "split"
    subprocess.run([sys.executable, "-m", "recstack.cli", "data", "split", SMALL, "--out",
                    str(split), "--method", "users"], check=True, capture_output=True)
    (split / "fold_in.parquet").write_bytes((split / "test.parquet").read_bytes())
    experiment = tmp_path / "exp.toml"
    experiment.write_text('[data]\nsplit = "split"\n[evaluation]\nmetrics = ["ndcg"]\n'
                          'ks = [10]\n[[models]]\ntype = "most_popular"\n')
    done = subprocess.run([sys.executable, "-m", "recstack.cli", "evaluate", str(experiment),
                           "--out", str(tmp_path / "results")], capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if "pair" in line]
    assert lines and all(line.startswith("recstack: warning: every one of the test's ")
                         for line in lines), done.stderr
    assert "experiment.py" not in done.stderr and "evaluate_fold_in(" not in done.stderr
