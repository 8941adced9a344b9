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


def _command_that_warns(category: type[Warning], text: str):
    def run(args):
        warnings.warn(category(text), stacklevel=1)
        return 0
    return run



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


def test_a_command_line_process_shows_a_recstack_warning_as_one_line(tmp_path):
    # a real process, with Python's own warning display (pytest's is not the one users see);
    # the command is replaced by one that warns as the evaluator does (the splits now set
    # apart the test pairs a user's history repeats, so no experiment reaches that warning)
    program = (
        "import sys, warnings\n"
        "from recstack import cli\n"
        "from recstack.evaluation.evaluator import TrainingPairsWarning\n"
        "def run(args):\n"
        "    warnings.warn(TrainingPairsWarning('every one of the test pairs is also a "
        "training pair'), stacklevel=2)\n"
        "    return 0\n"
        "cli._run = run\n"
        "sys.exit(cli.main(['demo']))\n")
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ("recstack: warning: every one of the test pairs is also a "
                           "training pair\n"), done.stderr
