"""Experiments evaluated once per test session: the results folder the report tests read
(three models, one with embeddings), and a tiny one the damaged-folder tests copy and edit."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from recstack.config import parse_experiment
from recstack.experiment import run_experiment

SMALL = "synthetic:n_users=300,n_items=200,n_interactions=8000,seed=1"

RAW = {
    "name": "small",
    "seed": 0,
    "data": {"source": SMALL},
    "split": {"method": "random", "test_fraction": 0.2},
    "evaluation": {"metrics": ["precision", "recall", "ndcg", "coverage", "novelty"],
                   "ks": [5, 10], "relevance_threshold": 4.0},
    "models": [{"type": "most_popular"}, {"type": "item_knn", "neighbors": 20},
               {"type": "als", "factors": 16, "iterations": 5, "regularization": 1.0,
                "seed": 0}],
}


@pytest.fixture(scope="session")
def results_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("analysis") / "results"
    experiment = parse_experiment(RAW, source="small.toml", base=Path.cwd())
    run_experiment(experiment, out=out)
    return out


TINY_RAW = {
    "name": "tiny",
    "seed": 0,
    "data": {"source": "synthetic:n_users=60,n_items=40,n_interactions=800,seed=3"},
    "split": {"method": "random", "test_fraction": 0.2},
    "evaluation": {"metrics": ["precision", "ndcg", "coverage"], "ks": [5]},
    "models": [{"type": "most_popular"}],
}


@pytest.fixture(scope="session")
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A one-model results folder; tests edit a copy (`results`), never this."""
    out = tmp_path_factory.mktemp("results") / "good"
    run_experiment(parse_experiment(TINY_RAW, source="tiny.toml", base=Path.cwd()), out=out)
    return out


@pytest.fixture
def results(tmp_path: Path, good: Path) -> Path:
    copy = tmp_path / "results"
    shutil.copytree(good, copy)
    return copy
