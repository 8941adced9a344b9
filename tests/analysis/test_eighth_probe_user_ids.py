"""Eighth bad-input probe, the report of an experiment whose user ids are zero-padded text
(``'0007'``, as many exports write them): pandas read the per-user files' ids as numbers,
so they matched none of the data's users and the whole report failed in its segments with
an IndexError; ``'007'`` and ``'7'``, two users, were called one user listed twice."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from recstack.analysis.report import write_report
from recstack.analysis.results_folder import read_results
from recstack.config import parse_experiment
from recstack.data import LookalikeIdWarning
from recstack.experiment import run_experiment


def _results(tmp_path: Path, user_ids: list[str]) -> Path:
    rng = np.random.default_rng(0)
    n = 1500
    log = pd.DataFrame({"user_id": rng.choice(user_ids, n), "item_id": rng.integers(0, 60, n)})
    log.to_csv(tmp_path / "log.csv", index=False)
    raw = {"name": "padded", "seed": 0, "data": {"source": "log.csv"},
           "split": {"method": "random", "test_fraction": 0.2},
           "evaluation": {"metrics": ["recall", "ndcg"], "ks": [10]},
           "models": [{"type": "most_popular"}, {"type": "item_knn", "neighbors": 20}]}
    experiment = parse_experiment(raw, source=str(tmp_path / "padded.toml"), base=tmp_path)
    run_experiment(experiment, out=tmp_path / "results")
    return tmp_path / "results"


def test_zero_padded_user_ids_are_matched_in_the_segments(tmp_path):
    results = _results(tmp_path, [f"{u:04d}" for u in range(80)])
    folder = read_results(results)
    assert all(isinstance(u, str) and len(u) == 4 for u in folder.results[0].per_user.index)
    page = write_report(results, tmp_path / "page.html", projection=None, interactive=False,
                        refit="none").read_text()
    segments = page[page.index('<section id="segments">'):]
    segments = re.sub(r"<[^>]+>", " ", segments[:segments.index("</section>")])
    # every evaluated user falls in one activity bucket
    counted = sum(int(n) for n in re.findall(r"rows\s+(\d+)\s", segments))
    assert counted == len(folder.results[0].per_user) > 0


def test_ids_that_read_alike_as_numbers_stay_apart(tmp_path):
    ids = ["007", "7"]
    with pytest.warns(LookalikeIdWarning):  # two users, on purpose
        results = _results(tmp_path, ids + [f"u{u}" for u in range(40)])
    index = read_results(results).results[0].per_user.index
    assert set(ids) <= set(index)
