"""``summary.csv`` of a results folder is the table written for people and never read back
(README, "recstack evaluate"): the report and :func:`read_results` take every number from
``results.json`` and the per-user files, so a summary.csv missing, cut in half or edited
changes nothing they show. These tests hold that documented rule."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from recstack.analysis.report import write_report
from recstack.analysis.results_folder import read_results


def _damage(folder: Path, how: str) -> None:
    table = folder / "summary.csv"
    if how == "missing":
        table.unlink()
    elif how == "cut":
        text = table.read_text(encoding="utf-8")
        table.write_text(text[: len(text) // 2], encoding="utf-8")
    else:  # a mean edited by hand
        lines = table.read_text(encoding="utf-8").splitlines()
        cells = lines[1].split(",")
        cells[3] = "0.987654"
        table.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n",
                         encoding="utf-8")


@pytest.mark.parametrize("how", ["missing", "cut", "edited"])
def test_the_summary_table_is_not_read_back(results, good, how):
    _damage(results, how)
    damaged, intact = read_results(results), read_results(good)
    assert [r.model for r in damaged.results] == [r.model for r in intact.results]
    for one, other in zip(damaged.results, intact.results, strict=True):
        assert one.summary() == other.summary()
        assert one.aggregate == other.aggregate
    # the numbers shown are those of results.json, whatever summary.csv says
    stored = json.loads((results / "results.json").read_text(encoding="utf-8"))
    for entry, result in zip(stored["models"], damaged.results, strict=True):
        for metric, summary in entry["metrics"].items():
            assert result.summary()[metric].mean == pytest.approx(summary["mean"])


def test_the_report_is_drawn_without_a_summary_table(results):
    _damage(results, "missing")
    page = write_report(results, refit="none", projection=None, interactive=False)
    assert page.is_file() and not (results / "summary.csv").exists()


def test_the_docstrings_say_so():
    import recstack.analysis.report as report
    import recstack.analysis.results_folder as folder

    assert "never read back" in folder.__doc__
    assert "not read back" in report.__doc__
