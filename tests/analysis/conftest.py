"""A small experiment evaluated once per test session: the results folder the report tests
read (three models, one with embeddings)."""

from __future__ import annotations

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
