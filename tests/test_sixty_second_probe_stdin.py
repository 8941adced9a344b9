"""Sixty-second probe: ``-`` given as the experiment or pipeline file.

``-`` is how many tools spell standard input; recstack reads files only, and the message
said no more than "no such experiment file (looked at .../-)"."""

from __future__ import annotations

import pytest

from recstack.cli import main


@pytest.mark.parametrize(("argv", "what"), [
    (["evaluate", "-"], "experiment"),
    (["tune", "-"], "experiment"),
    (["pipeline", "run", "-"], "pipeline"),
])
def test_a_dash_says_standard_input_is_not_read(tmp_path, monkeypatch, capsys, argv, what):
    monkeypatch.chdir(tmp_path)
    try:
        code = main(argv)
    except SystemExit as stop:
        code = stop.code
    assert code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0] == (f"recstack: error: -: no such {what} file (looked at {tmp_path / '-'}); "
                        "'-' does not read standard input here: save the text to a .toml file "
                        "and give its path")


def test_a_file_named_dash_is_still_read(tmp_path, monkeypatch):
    from recstack.config import load_experiment

    monkeypatch.chdir(tmp_path)
    (tmp_path / "-").write_text('[data]\nsource = "synthetic"\n[split]\nmethod = "random"\n'
                                '[[models]]\ntype = "most_popular"\n')
    assert load_experiment("-").models[0].type == "most_popular"
