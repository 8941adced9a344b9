"""Two hundred twenty-third probe of the HTML report: models that tie for the best value
of a metric. The first of them alone was bold in the comparison and beyond-accuracy tables
("best of each row in bold") and named in the "best" column of the segment tables, as if
it had won; a model evaluated twice under two labels, or two models of equal recall in a
bucket, read as one winner. Every model that ties is bold now, and a "best" cell names
them all ("tie: a, b", or "all N tie")."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from recstack.analysis.report import _best, _best_cell, write_report


def test_best_lists_every_model_that_ties():
    assert _best({"a": 0.5, "b": 0.25, "c": 0.5}, "ndcg@5") == ["a", "c"]
    assert _best({"a": 0.5, "b": 0.25, "c": 0.5}, "avg_popularity@5") == ["b"]
    assert _best({"a": 0.1, "b": float("nan")}, "recall@5") == ["a"]
    assert _best({"a": float("nan")}, "recall@5") == []
    # a last-bit difference (another order of summation) is a tie, a real one is not
    assert _best({"a": 0.1 + 0.2, "b": 0.3}, "ndcg@5") == ["a", "b"]
    assert _best({"a": 0.3000001, "b": 0.3}, "ndcg@5") == ["a"]


def test_best_cell_names_the_tie():
    assert _best_cell([], 3) == "–"
    assert _best_cell(["a"], 3) == "a"
    assert _best_cell(["a", "c"], 3) == "tie: a, c"
    assert _best_cell(["a", "b", "c"], 3) == "all 3 tie"
    names = [f"m{i}" for i in range(8)]
    assert _best_cell(names, 9) == "tie: m0, m1, m2, m3, m4 and 3 more"
    assert _best_cell(["<b>x</b>", "y"], 3) == "tie: &lt;b&gt;x&lt;/b&gt;, y"


@pytest.fixture
def twins(results: Path) -> Path:
    """The one-model results folder with the same model's results under a second label."""
    payload = json.loads((results / "results.json").read_text())
    twin = json.loads(json.dumps(payload["models"][0]))
    twin["model"] = "twin"
    payload["models"].append(twin)
    (results / "results.json").write_text(json.dumps(payload))
    shutil.copy(results / "per_user_most_popular.csv", results / "per_user_twin.csv")
    return results


def test_models_that_tie_are_all_bold_and_named(twins, tmp_path):
    page = write_report(twins, tmp_path / "page.html", refit="none", projection=None,
                        interactive=False).read_text()
    comparison = page[page.index('<section id="comparison">'):]
    comparison = comparison[:comparison.index("</section>")]
    ndcg = re.search(r"<tr><td>ndcg@5</td>(.*?)</tr>", comparison).group(1)
    cells = re.findall(r"<td>(.*?)</td>", ndcg)
    assert len(cells) == 2 and all(cell.startswith("<b>") for cell in cells), ndcg
    assert "each model that ties for it" in comparison
    segments = page[page.index('<section id="segments">'):]
    segments = segments[:segments.index("</section>")]
    best_cells = re.findall(r"<td>([^<]*)</td></tr>", segments)
    assert best_cells and set(best_cells) == {"all 2 tie"}, segments
