"""A results folder edited by hand, one of a cross-validation, and results of two folders
compared: refused naming the file and field, or read; never compared silently."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from recstack.analysis.results_folder import read_results
from recstack.config import parse_experiment
from recstack.errors import RecstackError
from recstack.evaluation.results import comparison_table
from recstack.experiment import run_experiment

SMALL = "synthetic:n_users=80,n_items=60,n_interactions=1500,seed=1"


def _run(out: Path, split: dict, source: str = SMALL) -> Path:
    raw = {"name": "probe", "seed": 0, "data": {"source": source}, "split": split,
           "evaluation": {"metrics": ["ndcg", "recall"], "ks": [5]},
           "models": [{"type": "most_popular"}, {"type": "item_knn", "neighbors": 10}]}
    run_experiment(parse_experiment(raw, source="probe.toml", base=out.parent), out=out)
    return out


@pytest.fixture
def copy(results_dir: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "edited"
    shutil.copytree(results_dir, folder)
    return folder


def _edit_json(folder: Path, change) -> None:
    path = folder / "results.json"
    payload = json.loads(path.read_text())
    change(payload)
    path.write_text(json.dumps(payload))


def test_per_user_values_edited_by_hand_are_refused(copy: Path) -> None:
    path = copy / "per_user_item_knn.csv"
    frame = pd.read_csv(path)
    frame["ndcg@5"] = 1.0  # as many users, other values
    frame.to_csv(path, index=False)
    with pytest.raises(RecstackError, match=r"per_user_item_knn\.csv: the mean of column "
                                            r"'ndcg@5' is 1, results\.json says"):
        read_results(copy)


def test_a_per_user_column_results_json_does_not_summarise_is_refused(copy: Path) -> None:
    path = copy / "per_user_als.csv"
    frame = pd.read_csv(path)
    frame["made_up@5"] = 0.5
    frame.to_csv(path, index=False)
    with pytest.raises(RecstackError, match=r"per_user_als\.csv: column\(s\) 'made_up@5' "
                                            "are not among the metrics"):
        read_results(copy)


def test_a_model_whose_metrics_were_emptied_is_refused(copy: Path) -> None:
    _edit_json(copy, lambda p: p["models"][1].update(metrics={}))
    with pytest.raises(RecstackError, match=r"per_user_item_knn\.csv: column\(s\) "):
        read_results(copy)


@pytest.mark.parametrize("value, field", [
    (0.3, r"'models\[2\]\.metrics\.ndcg@5' is 0\.3; expected an object"),
    ({"mean": 0.3, "n_users": "12"}, r"'models\[2\]\.metrics\.ndcg@5\.n_users' is \"12\""),
    ({"mean": "0.3", "n_users": 12}, r"'models\[2\]\.metrics\.ndcg@5\.mean' is \"0\.3\""),
])
def test_a_metric_summary_of_the_wrong_type_is_named(copy: Path, value, field) -> None:
    _edit_json(copy, lambda p: p["models"][1]["metrics"].update({"ndcg@5": value}))
    with pytest.raises(RecstackError, match=field):
        read_results(copy)


def test_a_cross_validation_folder_is_read_and_keeps_its_settings(tmp_path: Path) -> None:
    folder = _run(tmp_path / "kfold", {"method": "kfold", "k": 3})
    results = read_results(folder).results  # was refused: 'split' is [...]
    assert [r.model for r in results] == ["most_popular", "item_knn"]
    meta = results[0].meta
    assert meta["folds"] == 3
    assert meta["relevance_threshold"] is None  # the fold's settings, not only the count
    assert [part["params"]["fold"] for part in meta["split"]] == [0, 1, 2]


def test_results_of_folders_with_other_splits_are_not_compared(tmp_path: Path) -> None:
    a = read_results(_run(tmp_path / "a", {"method": "random", "test_fraction": 0.2,
                                           "seed": 1}))
    b = read_results(_run(tmp_path / "b", {"method": "random", "test_fraction": 0.2,
                                           "seed": 2}))
    same = read_results(_run(tmp_path / "c", {"method": "random", "test_fraction": 0.2,
                                              "seed": 1}))
    with pytest.raises(RecstackError, match="come from results folders of different splits"):
        a.results[1].compare(b.results[0], "ndcg@5")
    with pytest.raises(RecstackError, match="different splits"):
        comparison_table([a.results[1], b.results[0]])
    # the same data and split, run twice: comparable
    assert a.results[1].compare(same.results[0], "ndcg@5").n_users > 1


def test_results_of_folders_with_other_data_are_not_compared(tmp_path: Path) -> None:
    split = {"method": "random", "test_fraction": 0.2, "seed": 1}
    a = read_results(_run(tmp_path / "a", split))
    b = read_results(_run(tmp_path / "b", split, SMALL.replace("seed=1", "seed=2")))
    with pytest.raises(RecstackError, match="come from results folders of different data "):
        comparison_table([a.results[1], b.results[0]])
