"""Round 53 (L): with refit="embeddings" the report fits only the models that have item
vectors, and the embedding section then said "ease (not refitted)" of the others, as if a
full refit would have drawn their maps, next to "No model of this experiment represents
items as vectors". It says "no embeddings" of them now; with refit="none" every model
left unfitted is still "not refitted"."""

from __future__ import annotations

from pathlib import Path

import pytest

from recstack.analysis.report import build_report
from recstack.analysis.results_folder import read_results
from recstack.config import parse_experiment
from recstack.experiment import run_experiment

RAW = {
    "name": "no vectors",
    "seed": 0,
    "data": {"source": "synthetic:n_users=60,n_items=40,n_interactions=800,seed=3"},
    "split": {"method": "random", "test_fraction": 0.2},
    "evaluation": {"metrics": ["ndcg"], "ks": [5]},
    "models": [{"type": "ease"}, {"type": "most_popular"},
               {"type": "als", "factors": 4, "iterations": 2, "seed": 0}],
}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("round53 l") / "sans vecteurs"
    run_experiment(parse_experiment(RAW, source="nv.toml", base=Path.cwd()), out=out)
    return out


def _embedding_text(folder: Path, refit: str) -> str:
    report = build_report(read_results(folder), refit=refit, projection=None)
    section = next(s for s in report.sections if s.id == "embeddings")
    return " ".join(b for b in section.blocks if isinstance(b, str))


def test_models_without_vectors_are_said_to_have_none(folder: Path):
    text = _embedding_text(folder, "embeddings")
    assert ("No embedding section for: ease (no embeddings), most_popular (no embeddings)."
            in text)
    assert "<h3>als</h3>" in text


def test_models_left_unfitted_by_refit_none_are_said_not_refitted(folder: Path):
    text = _embedding_text(folder, "none")
    assert ("No embedding section for: ease (not refitted), most_popular (not refitted), "
            "als (not refitted).") in text
