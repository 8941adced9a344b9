"""Round 52 (J): a results folder whose saved model is missing a file (``arrays.npz``
deleted) or damaged failed the whole report with the loader's error, though every section
but the fitted-model ones needs only results.json. Such a model is now taken as not saved:
refitted where ``refit`` allows (else left out), with a warning and a line in the page's
table of fitted models naming the folder and what was wrong."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from recstack.analysis.report import write_report
from recstack.config import parse_experiment
from recstack.experiment import run_experiment

RAW = {
    "name": "saved",
    "seed": 0,
    "data": {"source": "synthetic:n_users=60,n_items=40,n_interactions=800,seed=3"},
    "split": {"method": "random", "test_fraction": 0.2},
    "evaluation": {"metrics": ["precision"], "ks": [5]},
    "report": {"save_models": True},
    "models": [{"type": "als", "factors": 4, "iterations": 2, "seed": 0}],
}


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("saved") / "results"
    run_experiment(parse_experiment(RAW, source="saved.toml", base=Path.cwd()), out=out)
    assert (out / "models" / "als" / "arrays.npz").is_file()
    return out


@pytest.fixture
def damaged(saved: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "results"
    shutil.copytree(saved, copy)
    (copy / "models" / "als" / "arrays.npz").unlink()
    return copy


def test_a_saved_model_missing_a_file_is_refitted_and_named(damaged, tmp_path):
    with pytest.warns(UserWarning, match=r"als: the saved model in .*models/als could not be "
                                         r"loaded \(.*missing arrays\.npz.*\); it is refitted"):
        page = write_report(damaged, tmp_path / "page.html", projection=None,
                            interactive=False).read_text(encoding="utf-8")
    assert "could not be loaded" in page
    assert "refitted on the same split with the stored hyperparameters" in page
    assert "<h3>als</h3>" in page  # the embeddings section of the refitted model


def test_without_refitting_the_damaged_model_is_left_out_and_the_page_written(damaged,
                                                                             tmp_path):
    with pytest.warns(UserWarning, match=r"it is left out \(refit='none'\)"):
        page = write_report(damaged, tmp_path / "page.html", refit="none", projection=None,
                            interactive=False).read_text(encoding="utf-8")
    assert "not refitted (refit=none)" in page
    assert "<h3>als</h3>" not in page


def test_an_intact_saved_model_is_still_loaded(saved, tmp_path):
    page = write_report(saved, tmp_path / "page.html", refit="none", projection=None,
                        interactive=False).read_text(encoding="utf-8")
    assert "loaded from" in page and "<h3>als</h3>" in page
