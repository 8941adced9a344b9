"""Sixty-ninth probe: an empty folder made beforehand (``mkdir results/run``) as the results
folder was refused as "results already exist", which it did not hold; it is named as the
empty folder it is, and ``--overwrite`` writes the results into it."""

from __future__ import annotations

import pytest

from recstack.cli import main
from recstack.config import parse_experiment
from recstack.errors import RecstackError
from recstack.experiment import run_experiment

SMALL = "synthetic:n_users=60,n_items=40,n_interactions=1000,seed=1"


def _experiment():
    raw = {"name": "small", "data": {"source": SMALL}, "split": {"method": "random"},
           "evaluation": {"metrics": ["ndcg"], "ks": [5]},
           "models": [{"type": "most_popular"}]}
    return parse_experiment(raw, source="small.toml")


def test_an_empty_existing_folder_is_named_as_such(tmp_path):
    out = tmp_path / "made"
    out.mkdir()
    with pytest.raises(RecstackError) as error:
        run_experiment(_experiment(), out=out)
    message = str(error.value)
    assert message == (f"{out}: is an existing folder (empty); pass --overwrite "
                       "(overwrite=True) to write the results there, or choose a new "
                       "--out / name")
    assert list(out.iterdir()) == []


def test_the_command_line_says_it_in_one_line_and_overwrite_writes_there(tmp_path, capsys):
    experiment = tmp_path / "exp.toml"
    experiment.write_text(f'name = "x"\n[data]\nsource = "{SMALL}"\n[split]\nmethod = '
                          '"random"\n[evaluation]\nks = [5]\n[[models]]\ntype = '
                          '"most_popular"\n')
    out = tmp_path / "made"
    out.mkdir()
    assert main(["evaluate", str(experiment), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"recstack: error: {out}: is an existing folder (empty); pass --overwrite "
                   "to write the results there, or choose a new --out / name"]
    assert main(["evaluate", str(experiment), "--out", str(out), "--overwrite"]) == 0
    assert (out / "results.json").is_file()


def test_a_folder_with_earlier_results_still_says_they_exist(tmp_path):
    out = tmp_path / "old"
    out.mkdir()
    (out / "results.json").write_text("{}")
    with pytest.raises(RecstackError, match="results already exist; pass --overwrite"):
        run_experiment(_experiment(), out=out)
