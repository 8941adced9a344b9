"""Two-hundred-forty-first bad-input probe, the command line's warnings: a plain warning
recstack raises with a stacklevel naming the first frame outside recstack (a model's
"factors=64 is more than both the users and the items") was shown in Python's format
when that frame was another library's: during ``recstack tune`` every trial printed
``.../optuna/study/_optimize.py:210: RuntimeWarning: als: ...`` and optuna's line of
code. It is now one ``recstack: warning: ...`` line, judged by the code that warned."""

from __future__ import annotations

import warnings

from recstack import cli
from recstack.models.factors import warn_excess_factors


def _library_calling_recstack(args):
    # stands for optuna: code outside recstack that calls into it; the warning's
    # stacklevel names this frame
    warn_excess_factors("als", "factors", 64, 10, 20)
    return 0


def _library_warning(args):
    warnings.warn("a library's own remark", RuntimeWarning, stacklevel=1)
    return 0


def test_a_recstack_warning_named_at_another_librarys_frame_is_one_line(
        capsys, monkeypatch, python_default_display):
    monkeypatch.setattr(cli, "_run", _library_calling_recstack)
    assert cli.main(["demo"]) == 0
    err = capsys.readouterr().err
    assert err == ("recstack: warning: als: factors=64 is more than both the 10 user(s) and "
                   "the 20 item(s) of the training data; the scores have rank at most 10, so "
                   "the dimensions past 10 only cost time and memory; use factors <= 10 "
                   # 64 is als's default: the setting to write is named (259th probe)
                   "(64 is als's default: set factors = 10 where the model is declared, e.g. "
                   "create_model('als', factors=10) or factors = 10 in its [[models]] table, "
                   "which a tuning search keeps in the trials that do not vary factors)\n")


def test_another_librarys_plain_warning_keeps_pythons_format(capsys, monkeypatch,
                                                             python_default_display):
    monkeypatch.setattr(cli, "_run", _library_warning)
    assert cli.main(["demo"]) == 0
    err = capsys.readouterr().err
    assert "RuntimeWarning: a library's own remark" in err
    assert "recstack: warning" not in err
