"""Sixth bad-input probe, results folders: overwriting replaced any folder, with whatever
it held. Each test failed before its fix."""

from __future__ import annotations

import pytest

import recstack.data.synthetic
from recstack.cli import main
from recstack.config import parse_experiment
from recstack.errors import RecstackError
from recstack.experiment import run_experiment

SMALL = "synthetic:n_users=80,n_items=60,n_interactions=1500,seed=2"


def _folder_of_other_files(tmp_path):
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "thesis.txt").write_text("years of work")
    return folder


def _experiment():
    return parse_experiment({"data": {"source": SMALL}, "split": {"method": "random"},
                             "evaluation": {"metrics": ["ndcg"], "ks": [10]},
                             "models": [{"type": "most_popular"}]}, source="e.toml")


def test_overwrite_never_replaces_a_folder_of_other_files(tmp_path):
    folder = _folder_of_other_files(tmp_path)
    with pytest.raises(RecstackError, match=r"documents: is a folder of other files "
                                            r"\(thesis.txt\), not earlier results \(no "
                                            r"results.json\), which writing the results there "
                                            r"would delete; choose another --out"):
        run_experiment(_experiment(), out=folder, overwrite=True)
    assert (folder / "thesis.txt").read_text() == "years of work"
    # earlier results, and an empty folder, are still replaced
    run_experiment(_experiment(), out=tmp_path / "results", overwrite=False)
    run_experiment(_experiment(), out=tmp_path / "results", overwrite=True)
    (tmp_path / "empty").mkdir()
    run_experiment(_experiment(), out=tmp_path / "empty", overwrite=True)
    assert (tmp_path / "empty" / "results.json").is_file()


def test_the_demo_keeps_a_folder_of_other_files(tmp_path, capsys, monkeypatch):
    # the demo always overwrites its own results: `recstack demo --out ~/documents`
    # deleted the folder's files without a word
    small = recstack.data.synthetic.generate
    monkeypatch.setattr(recstack.data.synthetic, "generate",
                        lambda **kwargs: small(n_users=80, n_items=60, n_interactions=1500))
    folder = _folder_of_other_files(tmp_path)
    assert main(["demo", "--out", str(folder)]) == 2
    assert "is a folder of other files (thesis.txt)" in capsys.readouterr().err
    assert sorted(p.name for p in folder.iterdir()) == ["thesis.txt"]


@pytest.mark.parametrize("command", [
    ["data", "split", SMALL, "--overwrite", "--out"],
    ["data", "synth", "--users", "80", "--items", "60", "--interactions", "1500",
     "--overwrite", "--out"],
])
def test_data_commands_never_overwrite_a_folder_of_other_files(tmp_path, capsys, command):
    # `data split ... --out ~/documents --overwrite` replaced the folder with the split
    folder = _folder_of_other_files(tmp_path)
    assert main([*command, str(folder)]) == 2
    err = capsys.readouterr().err
    assert f"argument --out: {folder}: is a folder of other files (thesis.txt), not a" in err
    assert sorted(p.name for p in folder.iterdir()) == ["thesis.txt"]
    # their own earlier output is still replaced
    assert main([*command, str(tmp_path / "own")]) == 0
    assert main([*command, str(tmp_path / "own")]) == 0
