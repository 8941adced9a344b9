"""Round 53 (L): an interval cut at its metric's bounds (``ci_clipped``) was shown in the
comparison table as ``[0.0000, 0.8968]``, read as a t interval whose lower end happened
to be 0, and the curves' text said nothing of bands lopsided about their curve. The table
now marks each cut end, the curves name the cut bands (drawn to the cut ends), and a metric
no user had a value of is told apart from one never evaluated."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from recstack.analysis.charts import Chart
from recstack.analysis.report import build_report
from recstack.analysis.results_folder import read_results
from recstack.config import parse_experiment
from recstack.experiment import run_experiment

RAW = {
    "name": "cut",
    "seed": 0,
    "data": {"source": "synthetic:n_users=60,n_items=40,n_interactions=800,seed=3"},
    "split": {"method": "random", "test_fraction": 0.2},
    "evaluation": {"metrics": ["recall", "ndcg"], "ks": [5, 10]},
    "models": [{"type": "most_popular"}],
}

# three users: too few for a t interval to stay within [0, 1]
RECALL_5 = [1.0, 1.0, 0.2]  # cut at both ends
RECALL_10 = [1.0, 1.0, 0.9]  # cut above only
NDCG_5 = [0.5, 0.6, 0.55]  # within the bounds
NDCG_10 = [0.4, 0.5, 0.45]


def _cut_t_interval(values: list[float]) -> tuple[float, float, float, bool, bool]:
    """Mean, the 95% Student-t interval cut at [0, 1], and which ends were cut, by scipy
    and numpy (not recstack)."""
    array = np.array(values)
    low, high = stats.t.interval(0.95, len(array) - 1, loc=array.mean(),
                                 scale=stats.sem(array))
    return (float(array.mean()), float(np.clip(low, 0, 1)), float(np.clip(high, 0, 1)),
            bool(low < 0), bool(high > 1))


@pytest.fixture(scope="module")
def cut_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("round53 l") / "résultats coupés"
    run_experiment(parse_experiment(RAW, source="cut.toml", base=Path.cwd()), out=out)
    per_user_path = out / "per_user_most_popular.csv"
    frame = pd.read_csv(per_user_path).iloc[:3].copy()
    columns = {"recall@5": RECALL_5, "recall@10": RECALL_10, "ndcg@5": NDCG_5,
               "ndcg@10": NDCG_10}
    for column, values in columns.items():
        frame[column] = values
    frame.to_csv(per_user_path, index=False)
    results_path = out / "results.json"
    payload = json.loads(results_path.read_text(encoding="utf-8"))
    for column, values in columns.items():
        mean, low, high, low_cut, high_cut = _cut_t_interval(values)
        payload["models"][0]["metrics"][column] = {
            "mean": mean, "ci_low": low, "ci_high": high, "n_users": 3,
            "ci_clipped": low_cut or high_cut}
    results_path.write_text(json.dumps(payload), encoding="utf-8")
    return out


def _section(report, name):
    return next(s for s in report.sections if s.id == name)


def _text(blocks) -> str:
    return " ".join(b for b in blocks if isinstance(b, str))


def test_the_comparison_table_marks_each_cut_end(cut_folder: Path):
    report = build_report(read_results(cut_folder), refit="none", projection=None)
    text = _text(_section(report, "comparison").blocks)
    cells = dict(re.findall(r"<td>([a-z]+@\d+)</td><td>(?:<b>)?([^<]*<small>[^<]*)</small>",
                            text))
    for column, values in (("recall@5", RECALL_5), ("recall@10", RECALL_10),
                           ("ndcg@5", NDCG_5)):
        mean, low, high, low_cut, high_cut = _cut_t_interval(values)
        expected = (f"{mean:.4f} <small>[{low:.4f}{'†' if low_cut else ''}, "
                    f"{high:.4f}{'†' if high_cut else ''}]")
        assert cells[column] == expected
    assert "An end marked † is cut at the metric" in text


def test_the_curves_draw_the_cut_ends_and_name_them(cut_folder: Path):
    report = build_report(read_results(cut_folder), refit="none", projection=None)
    curves = _section(report, "curves")
    charts = {b.title: b for b in curves.blocks if isinstance(b, Chart)}
    recall = charts["recall vs K"].series[0]
    expected = [_cut_t_interval(RECALL_5), _cut_t_interval(RECALL_10)]
    assert list(recall.x) == [5, 10]
    np.testing.assert_allclose(recall.low, [e[1] for e in expected])
    np.testing.assert_allclose(recall.high, [e[2] for e in expected])
    # the band is lopsided: the upper end of recall@10 is 1, nearer its mean than its lower
    mean, low, high = expected[1][:3]
    assert high - mean < mean - low
    assert ("Bands cut at the metric's bound (drawn to the cut end, not symmetric about "
            "the mean): most_popular (recall@5), most_popular "
            "(recall@10).") in _text(curves.blocks).replace("&#x27;", "'")


def test_a_metric_without_any_value_is_told_apart(results: Path):
    per_user_path = results / "per_user_most_popular.csv"
    frame = pd.read_csv(per_user_path)
    frame["ndcg@5"] = np.nan
    frame.to_csv(per_user_path, index=False)
    payload = json.loads((results / "results.json").read_text(encoding="utf-8"))
    payload["models"][0]["metrics"]["ndcg@5"] = {"mean": None, "ci_low": None,
                                                 "ci_high": None, "n_users": 0,
                                                 "ci_clipped": False}
    (results / "results.json").write_text(json.dumps(payload), encoding="utf-8")
    report = build_report(read_results(results), refit="none", projection=None)
    text = _text(_section(report, "comparison").blocks)
    assert "No value (–, no user had one): most_popular (ndcg@5)." in text
