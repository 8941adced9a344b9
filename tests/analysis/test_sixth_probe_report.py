"""Sixth bad-input probe, the report on a tiny catalog: the embedding section lists five
nearest neighbours of the most popular items, and a catalog of five items or fewer has
fewer other items than that, so the whole report failed with "k must be between 1 and 3
(the other rows), got 5", without naming the section or the model."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from recstack.analysis.report import write_report
from recstack.config import parse_experiment
from recstack.experiment import run_experiment

TINY = ("synthetic:n_users=30,n_items=4,n_interactions=55,n_genres=2,"
        "min_user_interactions=1,seed=1")


@pytest.fixture(scope="module")
def tiny_results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = {"name": "tiny", "seed": 0, "data": {"source": TINY},
           "split": {"method": "random", "test_fraction": 0.3},
           "evaluation": {"metrics": ["precision", "ndcg"], "ks": [2]},
           "models": [{"type": "als", "factors": 2, "iterations": 2, "seed": 0}]}
    out = tmp_path_factory.mktemp("tiny") / "results"
    run_experiment(parse_experiment(raw, source="tiny.toml", base=Path.cwd()), out=out)
    return out


def test_a_catalog_smaller_than_the_neighbour_table_lists_every_other_item(tiny_results,
                                                                           tmp_path):
    page = write_report(tiny_results, tmp_path / "report.html", projection=None,
                        interactive=False).read_text(encoding="utf-8")
    table = page[page.index("Nearest neighbours of the most popular items"):]
    table = table[:table.index("</table>")]
    # four items: each of the three queried items has the three others as neighbours
    ranks = re.findall(r"<td>(\d)</td><td>", table)
    assert sorted(set(ranks)) == ["1", "2", "3"]
    assert len(ranks) == 9


def test_map_colours_read_list_columns_with_missing_cells_and_untidy_genres():
    # private, but the only place the maps' colours are chosen; through write_report it
    # needs an item table with such a column, a fitted model with vectors and a t-SNE map
    import numpy as np
    import pandas as pd

    from recstack.analysis.report import _colouring

    table = pd.DataFrame({"tags": [["scary", "space"], np.nan, [], None, [None, "war"]]})
    colour, label = _colouring("tags", table, None, np.ones(5))
    assert colour.tolist() == ["scary", "(none)", "(none)", "(none)", "war"]
    assert label == "tags"
    genres = [["Drama", None], [None, "War"], " Comedy | Drama", pd.NA, "", "Horror"]
    colour, label = _colouring(None, None, genres, np.ones(6))
    assert colour.tolist() == ["Drama", "War", "Comedy", "(none)", "(none)", "Horror"]
    assert label == "first genre"
