"""A model whose every list was empty (it scores -inf, which the evaluator reads as no
recommendation): the report's own lists (segments by item popularity, beyond accuracy) are
read the same way, so the model recalls nothing and has no popularity or diversity, said so
under the table."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pytest

from recstack.analysis.report import write_report
from recstack.config import parse_experiment
from recstack.experiment import run_experiment
from recstack.models.baselines import MostPopular
from recstack.models.registry import MODELS

NAME = "round56_t_recommends_nothing"


class RecommendsNothing(MostPopular):
    """Every item scored -inf: an empty list for every user."""

    name = NAME

    def _score_users(self, user_indices: np.ndarray) -> np.ndarray:
        return np.full((len(user_indices), self.popularity_.shape[0]), -np.inf)


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    # for this test alone: registered at import, it joined every test that loops over the
    # registered models (the conformance suite) in the same worker
    MODELS.names()  # the built-in models first, so that they are restored with it
    monkeypatch.setitem(MODELS._classes, NAME, RecommendsNothing)

RAW = {
    "name": "empty-lists", "seed": 0,
    "data": {"source": "synthetic:n_users=60,n_items=40,n_interactions=800,seed=3"},
    "split": {"method": "random", "test_fraction": 0.2},
    "evaluation": {"metrics": ["precision", "ndcg", "coverage", "novelty"], "ks": [5]},
    "models": [{"type": "most_popular"}, {"type": NAME, "label": "nothing"}],
}


def _rows(page: str, first_cell: str) -> list[list[str]]:
    """The cells (tags removed) of every table row whose first cell starts so."""
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", page):
        cells = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td>(.*?)</td>", row)]
        if cells and cells[0].startswith(first_cell):
            rows.append(cells)
    return rows


def test_a_model_of_empty_lists_recalls_nothing_and_has_no_list_figures(
        tmp_path: Path, registered: None) -> None:
    out = tmp_path / "results"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the evaluator's own warning of the -inf scores
        run_experiment(parse_experiment(RAW, source="empty.toml", base=Path.cwd()), out=out)
    with warnings.catch_warnings():
        # numpy's "Mean of empty slice" reached the console of `recstack report`
        warnings.simplefilter("error", RuntimeWarning)
        page = write_report(out, tmp_path / "report.html", interactive=False,
                            projection=None).read_text("utf-8")
    # an empty list recalls no relevant item in any bucket: 0, by definition; before,
    # the report's lists were filled with the -inf items and "won" the tail
    buckets = [row for name in ("head", "middle", "tail") for row in _rows(page, name)]
    assert len(buckets) == 3
    assert all(row[3] == "0.0000" for row in buckets), buckets
    assert all(row[-1] == "most_popular" for row in buckets), buckets
    popularity, = _rows(page, "average popularity@10")
    diversity, = _rows(page, "genre diversity@10")
    assert popularity[2] == diversity[2] == "–", (popularity, diversity)
    assert float(popularity[1]) > 0
    assert ("No value (–): nothing (average popularity@10 (training rows)), nothing "
            "(genre diversity@10), nothing (novelty@5): not evaluated, or every list of the "
            "model was empty") in page
