"""Hundred-twenty-second probe: ``recstack evaluate`` of a file whose ``output`` (or
``name``) leads to something that cannot take the results told the user to "choose another
--out", a flag they never typed, naming neither the file nor the setting."""

from __future__ import annotations

import os

import pytest

from recstack.cli import main

BODY = """
[data]
source = "synthetic:n_users=30,n_items=20,n_interactions=300"
[split]
method = "random"
[[models]]
type = "most_popular"
"""


def _experiment(folder, head):
    path = folder / "exp.toml"
    path.write_text(head + BODY)
    return path


def _make(kind, target):
    target.parent.mkdir(parents=True, exist_ok=True)
    if kind == "file":
        target.write_text("mine\n")
    elif kind == "pipe":
        os.mkfifo(target)
    elif kind == "dangling link":
        target.symlink_to(target.parent / "nowhere")
    else:  # a folder of other files
        target.mkdir()
        (target / "notes.txt").write_text("mine\n")


@pytest.mark.parametrize("kind", ["file", "pipe", "dangling link", "folder of other files"])
@pytest.mark.parametrize("head, key, value", [('output = "run1"\n', "output", "run1"),
                                               ('name = "run1"\n', "name", "run1")])
def test_a_results_folder_from_the_file_is_refused_naming_the_setting(
        tmp_path, capsys, monkeypatch, kind, head, key, value):
    monkeypatch.chdir(tmp_path)
    path = _experiment(tmp_path, head)
    _make(kind, tmp_path / "results" / value)
    assert main(["evaluate", str(path), "--overwrite"]) == 2
    err = capsys.readouterr().err
    assert f"{path}: {key} = {value!r} writes the results to results/{value}: " in err, err
    assert f"choose another {key} in the file (or pass --out)" in err, err
    assert "--out /" not in err and "Traceback" not in err
    # nothing written over it
    if kind == "file":
        assert (tmp_path / "results" / value).read_text() == "mine\n"


def test_earlier_results_without_overwrite_name_the_setting(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = _experiment(tmp_path, 'output = "run1"\n')
    assert main(["evaluate", str(path)]) == 0
    capsys.readouterr()
    assert main(["evaluate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "output = 'run1' writes the results to results/run1: results already exist" in err
    assert main(["evaluate", str(path), "--overwrite"]) == 0


def test_an_out_flag_keeps_its_own_words(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = _experiment(tmp_path, 'output = "run1"\n')
    (tmp_path / "taken").write_text("mine\n")
    assert main(["evaluate", str(path), "--out", "taken"]) == 2
    err = capsys.readouterr().err
    assert "taken: is a file, but the results are a folder; choose another --out" in err
    assert "output = " not in err
