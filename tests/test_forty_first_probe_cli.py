"""Forty-first bad-input probe, the command line: a misspelt command, data command or
choice (``recstack evalute``, ``data splt``, ``--projection tnse``) listed the choices but,
unlike every other name recstack reads, named no near one."""

from __future__ import annotations

import pytest

from recstack.cli import main


@pytest.mark.parametrize(("argv", "meant"), [
    (["evalute", "x.toml"], "evaluate"),
    (["Recommend", "x"], "recommend"),
    (["data", "splt", "synthetic"], "split"),
    (["report", "results", "--projection", "tnse"], "tsne"),
])
def test_a_misspelt_choice_names_the_near_one(capsys, argv, meant):
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1].endswith(f"(did you mean {meant!r}?)"), err


def test_a_choice_far_from_every_one_gets_no_guess(capsys):
    with pytest.raises(SystemExit):
        main(["zzzz"])
    err = capsys.readouterr().err
    assert "invalid choice: 'zzzz'" in err and "did you mean" not in err
