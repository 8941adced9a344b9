"""Hundred-twenty-fourth probe: an experiment of aggregate metrics alone (``metrics =
["coverage"]``) writes each model's per-user file with its user id column alone, and
``recstack report`` refused the experiment's own folder ("expected a user id column and
one column per metric"); past that, it told the user to "evaluate them in one experiment
with the same metrics", which they had done. The folder now reads, and the report says
what it needs: a per-user metric. A per-user file that lacks a metric its model lists is
still refused."""

from __future__ import annotations

import copy
import warnings
from pathlib import Path

import pytest

from recstack.analysis.report import write_report
from recstack.analysis.results_folder import read_results
from recstack.config import parse_experiment
from recstack.errors import RecstackError
from recstack.experiment import run_experiment
from tests.analysis.conftest import TINY_RAW


@pytest.fixture(scope="module")
def aggregate_only(tmp_path_factory) -> Path:
    raw = copy.deepcopy(TINY_RAW)
    raw["evaluation"] = {"metrics": ["coverage"], "ks": [5]}
    raw["models"] = [{"type": "most_popular", "label": "m" * 200}, {"type": "random", "seed": 0}]
    out = tmp_path_factory.mktemp("aggregate") / "results"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run_experiment(parse_experiment(raw, source="tiny.toml", base=Path.cwd()), out=out)
    return out


def test_a_folder_of_aggregate_metrics_alone_reads(aggregate_only):
    folder = read_results(aggregate_only)
    assert [len(r.per_user.columns) for r in folder.results] == [0, 0]
    assert all("coverage@5" in r.aggregate for r in folder.results)


def test_its_report_asks_for_a_per_user_metric_and_writes_nothing(aggregate_only, tmp_path):
    out = tmp_path / "report.html"
    with pytest.raises(RecstackError, match=r"the results hold aggregate metrics alone "
                       r"\(coverage@5\), and the report compares models user by user; add "
                       r"a per-user metric"):
        write_report(aggregate_only, out, projection=None)
    assert not out.exists()


def test_a_per_user_file_without_the_metrics_its_model_lists_is_still_refused(results):
    path = results / "per_user_most_popular.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join(line.split(",")[0] for line in lines) + "\n")
    with pytest.raises(RecstackError, match="expected a user id column and one column per "
                       "metric"):
        read_results(results)
