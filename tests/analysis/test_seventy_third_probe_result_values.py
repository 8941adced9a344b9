"""Seventy-third bad-input probe of a results folder: values no evaluation can write.

A precision, recall, nDCG, hit rate, MRR, MAP, AUC or catalog coverage is a share, between
0 and 1; a hand-edited results.json or per-user file holding 1.5 or -1 was drawn in the
report's tables and charts as the model's score. A confidence interval is the mean plus or
minus its half-width (``mean ± t * sd / sqrt(n)``), so ``ci_low <= mean <= ci_high``; ends
swapped, or an interval that leaves out the mean, were shown as the model's uncertainty."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from recstack.analysis.results_folder import read_results
from recstack.errors import RecstackError


def _edit(folder: Path, change) -> None:
    path = folder / "results.json"
    payload = json.loads(path.read_text())
    change(payload["models"][0])
    path.write_text(json.dumps(payload))


def test_the_undamaged_folder_reads(results):
    assert read_results(results).labels == ["most_popular"]


@pytest.mark.parametrize("metric, value", [("precision@5", 1.5), ("ndcg@5", -0.25)])
def test_a_share_metric_mean_outside_0_and_1_is_refused(results, metric, value):
    _edit(results, lambda model: model["metrics"][metric].update(mean=value))
    with pytest.raises(RecstackError, match=rf"results\.json: 'models\[1\]\.metrics\.{metric}"
                                            rf"\.mean' is {value}; expected a share between "
                                            rf"0 and 1 \({metric} is one\)"):
        read_results(results)


@pytest.mark.parametrize("value", [2.0, -1.0])
def test_a_coverage_outside_0_and_1_is_refused(results, value):
    _edit(results, lambda model: model["aggregate"].update({"coverage@5": value}))
    with pytest.raises(RecstackError, match=rf"'models\[1\]\.aggregate\.coverage@5' is "
                                            rf"{value}; expected a share between 0 and 1"):
        read_results(results)


def test_swapped_interval_ends_are_refused(results):
    _edit(results, lambda model: model["metrics"]["precision@5"].update(ci_low=0.9,
                                                                        ci_high=0.1))
    with pytest.raises(RecstackError, match=r"precision@5\.ci_low' is 0\.9; expected at most "
                                            r"ci_high \(0\.1\)"):
        read_results(results)


@pytest.mark.parametrize("key, shift", [("ci_low", 0.05), ("ci_high", -0.05)])
def test_an_interval_that_leaves_out_the_mean_is_refused(results, key, shift):
    def change(model):
        stored = model["metrics"]["precision@5"]
        stored[key] = stored["mean"] + shift
    _edit(results, change)
    side = "at most" if key == "ci_low" else "at least"
    with pytest.raises(RecstackError, match=rf"precision@5\.{key}' is .*; expected {side} "
                                            r"the mean"):
        read_results(results)


@pytest.mark.parametrize("value", ["1.5", "-1.0"])
def test_a_per_user_share_outside_0_and_1_names_its_line(results, value):
    path = results / "per_user_most_popular.csv"
    lines = path.read_text().splitlines()
    header = lines[0].split(",")
    column = header.index("ndcg@5")
    cells = lines[3].split(",")
    cells[column] = value
    lines[3] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(RecstackError, match=rf"per_user_most_popular\.csv: line 4: column "
                                            rf"'ndcg@5' holds {value}, but ndcg@5 is a share "
                                            r"between 0 and 1"):
        read_results(results)


def test_an_interval_end_may_pass_0(results):
    # a t-interval of a small mean reaches below 0: the mean is a share, its ends need not be
    def change(model):
        model["metrics"]["precision@5"].update(ci_low=-0.01)
    _edit(results, change)
    read_results(results)
