"""A metric that only one user of a model has a value for: its mean stands without an
interval (too few users for a t interval), and its pairs cannot be tested. The report said
neither: the table showed a bare mean, and the significance section drew an empty matrix
and table under a sentence counting the untested pairs for Holm's correction."""

from __future__ import annotations

import html
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from recstack.analysis.charts import Chart
from recstack.analysis.report import build_report
from recstack.analysis.results_folder import read_results
from recstack.config import parse_experiment
from recstack.experiment import run_experiment

RAW = {
    "name": "one-user", "seed": 0,
    "data": {"source": "synthetic:n_users=60,n_items=40,n_interactions=800,seed=3"},
    "split": {"method": "random", "test_fraction": 0.2},
    "evaluation": {"metrics": ["precision", "ndcg"], "ks": [5]},
    "models": [{"type": "most_popular"}, {"type": "random", "seed": 1, "label": "lucky"},
               {"type": "random", "seed": 2, "label": "sparse"}],
}


@pytest.fixture(scope="module")
def evaluated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("one_user") / "results"
    run_experiment(parse_experiment(RAW, source="one.toml", base=Path.cwd()), out=out)
    return out


def _keep_one_user(folder: Path, label: str, metric: str) -> None:
    """Leave ``label`` one user with a value of ``metric``, in its per-user file and in
    results.json as `recstack evaluate` writes it (the mean is that value; no interval)."""
    path = folder / f"per_user_{label}.csv"
    frame = pd.read_csv(path, dtype={"user_id": str})
    frame.loc[frame.index[1:], metric] = float("nan")
    kept = float(frame[metric].iloc[0])
    frame.to_csv(path, index=False)
    results = json.loads((folder / "results.json").read_text())
    entry = next(model for model in results["models"] if model["model"] == label)
    entry["metrics"][metric].update(mean=kept, ci_low=None, ci_high=None, n_users=1,
                                    ci_clipped=False, ci_alike=False)
    (folder / "results.json").write_text(json.dumps(results))


def _section(folder: Path, name: str):
    report = build_report(read_results(folder), refit="none", projection=None)
    return next(section for section in report.sections if section.id == name)


def _texts(section) -> str:
    return html.unescape(" ".join(block for block in section.blocks
                                  if isinstance(block, str)))


def test_a_mean_without_interval_says_why(evaluated: Path, tmp_path: Path) -> None:
    folder = tmp_path / "results"
    shutil.copytree(evaluated, folder)
    _keep_one_user(folder, "sparse", "ndcg@5")
    text = _texts(_section(folder, "comparison"))
    assert "No interval (one user had a value, too few for a t interval): sparse " \
           "(ndcg@5)." in text


def test_untested_pairs_are_not_counted_for_holm(evaluated: Path, tmp_path: Path) -> None:
    folder = tmp_path / "results"
    shutil.copytree(evaluated, folder)
    _keep_one_user(folder, "sparse", "ndcg@5")
    section = _section(folder, "significance")
    text = _texts(section)
    # three models, three pairs; the two with `sparse` share one user: one pair tested
    assert "Holm's correction for the 1 pair tested." in text
    assert "Not compared: most_popular vs sparse" in text
    assert "Not compared: lucky vs sparse" in text


def test_no_testable_pair_draws_no_empty_matrix(evaluated: Path, tmp_path: Path) -> None:
    folder = tmp_path / "results"
    shutil.copytree(evaluated, folder)
    for label in ("lucky", "sparse"):
        _keep_one_user(folder, label, "ndcg@5")
    section = _section(folder, "significance")
    assert not any(isinstance(block, Chart) for block in section.blocks)
    assert not any("<table" in block for block in section.blocks if isinstance(block, str))
    text = _texts(section)
    assert "No pair of models could be compared in ndcg@5." in text
    assert text.count("Not compared:") == 3
