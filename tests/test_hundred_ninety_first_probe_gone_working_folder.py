"""Hundred-ninety-first probe of the command line: a command run in a working folder that was
deleted (or moved) after the shell entered it failed with the bare "recstack: error: No such
file or directory", naming no file: ``recstack demo`` (results/demo is relative), ``data
synth --out s``, ``data info x.csv``, and ``evaluate /abs/exp.toml`` whose results go to
results/NAME. It now says that the working folder is gone and what to do."""

from __future__ import annotations

import os

import pytest

from recstack import cli


@pytest.fixture
def gone(tmp_path, monkeypatch):
    folder = tmp_path / "gone"
    folder.mkdir()
    monkeypatch.chdir(folder)
    folder.rmdir()
    return tmp_path


@pytest.mark.parametrize("argv", [
    ["data", "info", "ratings.csv"],
    ["data", "synth", "--users", "5", "--items", "5", "--interactions", "10", "--out", "s"],
])
def test_a_relative_path_in_a_gone_working_folder_says_so(gone, argv, capsys):
    assert cli.main(argv) == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert error == [f"recstack: error: {cli.WORKING_FOLDER_GONE}"]
    assert "the working folder (where this command runs" in error[0]
    assert "no longer exists; it was deleted or moved: cd into an existing folder" in error[0]


def test_an_absolute_path_that_is_missing_is_still_named(gone, capsys):
    missing = gone / "nowhere" / "ratings.csv"
    assert cli.main(["data", "info", str(missing)]) == 2
    error = capsys.readouterr().err
    assert str(missing) in error and "working folder" not in error


def test_an_absolute_path_works_in_a_gone_working_folder(gone, capsys):
    out = gone / "synth"
    assert cli.main(["data", "synth", "--users", "5", "--items", "5", "--interactions", "10",
                     "--seed", "0", "--out", str(out)]) == 0
    assert sorted(os.listdir(out)) == ["interactions.parquet", "items.parquet"]
