"""An experiment's results folder may not be, or hold, what the experiment reads: with
--overwrite the results would replace the data (as `data split --out` refuses)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack import experiment as experiment_module
from recstack.config import load_experiment
from recstack.errors import RecstackError
from recstack.experiment import run_experiment

_MODELS = """
[evaluation]
metrics = ["hit_rate"]
ks = [1]
[[models]]
type = "most_popular"
"""
_SPLIT = '[split]\nmethod = "random"\n'
_FROM_LOG = '[data]\nsource = "data/log.csv"\n' + _SPLIT + _MODELS


@pytest.fixture
def no_loading(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("data were loaded")

    monkeypatch.setattr(experiment_module, "load_source", refuse)


def _log(path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # 20 users who each saw 10 items: enough for a random split to hold test rows
    users, items = np.divmod(np.arange(200), 10)
    pd.DataFrame({"user_id": users, "item_id": items}).to_csv(path, index=False)


def _snapshot(folder) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize(("out", "relation", "what"), [
    ("data", "is a folder holding", r"the data source .*data[/\\]log\.csv"),
    (".", "is a folder holding", "the data source"),
    ("data/log.csv", "is", "the data source"),
])
def test_results_over_the_data_source_are_refused(tmp_path, no_loading, out, relation, what):
    _log(tmp_path / "data" / "log.csv")
    (tmp_path / "exp.toml").write_text(_FROM_LOG)
    before = _snapshot(tmp_path)
    with pytest.raises(RecstackError, match=rf"{relation} {what}.*which writing the results "
                                            r"there would replace; choose another --out"):
        run_experiment(load_experiment(tmp_path / "exp.toml"), out=tmp_path / out,
                       overwrite=True)
    assert _snapshot(tmp_path) == before


def test_results_over_a_part_of_the_data_already_split_are_refused(tmp_path, no_loading):
    _log(tmp_path / "parts" / "train.csv")
    _log(tmp_path / "parts" / "test.csv")
    (tmp_path / "exp.toml").write_text('[data]\ntrain = "parts/train.csv"\n'
                                       'test = "parts/test.csv"\n' + _MODELS)
    with pytest.raises(RecstackError, match=r"parts: is a folder holding the train part "):
        run_experiment(load_experiment(tmp_path / "exp.toml"), out=tmp_path / "parts",
                       overwrite=True)
    assert sorted(p.name for p in (tmp_path / "parts").iterdir()) == ["test.csv", "train.csv"]


def test_results_over_the_experiment_file_are_refused(tmp_path, no_loading):
    (tmp_path / "setup" / "exp.toml").parent.mkdir()
    (tmp_path / "setup" / "exp.toml").write_text('[data]\nsource = "synthetic"\n'
                                                 + _SPLIT + _MODELS)
    with pytest.raises(RecstackError, match=r"setup: is a folder holding the experiment file"):
        run_experiment(load_experiment(tmp_path / "setup" / "exp.toml"),
                       out=tmp_path / "setup", overwrite=True)


def test_another_spelling_of_the_data_folder_is_caught(tmp_path, no_loading):
    _log(tmp_path / "data" / "log.csv")
    (tmp_path / "alias").symlink_to(tmp_path / "data")
    (tmp_path / "exp.toml").write_text(_FROM_LOG)
    with pytest.raises(RecstackError, match=r"alias: is a folder holding the data source"):
        run_experiment(load_experiment(tmp_path / "exp.toml"), out=tmp_path / "alias",
                       overwrite=True)
    assert (tmp_path / "data" / "log.csv").is_file()


def test_results_beside_the_data_are_written(tmp_path):
    _log(tmp_path / "data" / "log.csv")
    (tmp_path / "exp.toml").write_text(_FROM_LOG)
    run_experiment(load_experiment(tmp_path / "exp.toml"), out=tmp_path / "results")
    assert (tmp_path / "results").is_dir() and (tmp_path / "data" / "log.csv").is_file()


def test_a_link_as_the_results_folder_is_refused_before_any_work(tmp_path, no_loading):
    # a looping link was refused as "a file", and a link to a folder passed this check
    # only to be refused by the write, after every model had been fitted
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    (tmp_path / "real").mkdir()
    (tmp_path / "to_folder").symlink_to(tmp_path / "real")
    (tmp_path / "exp.toml").write_text('[data]\nsource = "synthetic"\n' + _SPLIT + _MODELS)
    experiment = load_experiment(tmp_path / "exp.toml")
    for name, described in [("loop", r"a symbolic link that loops \(it leads back to itself\)"),
                            ("to_folder", "a symbolic link to the folder '.*real'")]:
        with pytest.raises(RecstackError, match=rf"{name}: is {described}, but the results "
                                                "are a folder; choose another --out"):
            run_experiment(experiment, out=tmp_path / name, overwrite=True)
    with pytest.raises(RecstackError, match=r"loop/x: cannot write the results there: .*loop "
                                            r"is a symbolic link that loops"):
        run_experiment(experiment, out=tmp_path / "loop" / "x", overwrite=True)


def test_a_looping_link_as_an_output_file_is_refused_before_any_work(tmp_path):
    (tmp_path / "loop.toml").symlink_to(tmp_path / "loop.toml")
    with pytest.raises(RecstackError, match=r"loop\.toml: is a symbolic link that loops"):
        experiment_module.check_output_file(tmp_path / "loop.toml", overwrite=True)


def test_tune_out_over_the_data_source_is_refused_before_the_search(tmp_path, capsys,
                                                                     no_loading):
    from recstack.cli import main

    _log(tmp_path / "data" / "log.csv")
    (tmp_path / "exp.toml").write_text(
        _FROM_LOG + '[tune]\nmodel = "most_popular"\nmetric = "hit_rate@1"\ntrials = 1\n')
    before = _snapshot(tmp_path)
    with pytest.raises(SystemExit) as exit_info:  # an argument error, before any work
        main(["tune", str(tmp_path / "exp.toml"), "--out",
              str(tmp_path / "data" / "log.csv"), "--overwrite"])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2
    # refused by its extension now (tune writes TOML), before the data-source check
    assert "ends with .csv, but this writes TOML" in err, err
    assert _snapshot(tmp_path) == before
