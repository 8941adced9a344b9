"""A results folder whose models were not all evaluated with the same metrics (a metric or
a K missing from one model: models evaluated apart, or folders merged). The report drew
each section from the first model's metrics: a metric a later model lacks failed it with
a KeyError-like UnknownMetricError from deep inside, and one only a later model has was
never shown."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest

from recstack.analysis.charts import Chart
from recstack.analysis.report import build_report, write_report
from recstack.analysis.results_folder import read_results
from recstack.errors import RecstackError


@pytest.fixture
def folder(tmp_path, results_dir):
    copy = tmp_path / "results"
    shutil.copytree(results_dir, copy)
    return copy


def _drop(folder, label: str, metrics: list[str]) -> None:
    """Remove ``metrics`` from model ``label``, from results.json and its per-user file,
    as an evaluation without them would have written the folder."""
    path = folder / "results.json"
    payload = json.loads(path.read_text(encoding="utf-8"))
    entry = next(e for e in payload["models"] if e["model"] == label)
    for metric in metrics:
        entry["metrics"].pop(metric, None)
        entry["aggregate"].pop(metric, None)
    path.write_text(json.dumps(payload, indent=2), encoding="utf-8")
    per_user = folder / f"per_user_{label}.csv"
    table = pd.read_csv(per_user, dtype={"user_id": str})
    table.drop(columns=[m for m in metrics if m in table.columns]).to_csv(per_user,
                                                                          index=False)


def _section(report, name):
    return next(s for s in report.sections if s.id == name)


def _texts(section) -> str:
    return " ".join(b for b in section.blocks if isinstance(b, str))


def test_a_metric_one_model_lacks_is_shown_as_not_evaluated(folder):
    _drop(folder, "item_knn", ["ndcg@5"])
    report = build_report(read_results(folder), refit="none", projection=None)
    comparison = _texts(_section(report, "comparison"))
    assert "Not evaluated (–): item_knn has no ndcg@5" in comparison
    # the row is there, with the other models' values
    assert "<td>ndcg@5</td>" in comparison


def test_a_metric_only_a_later_model_has_is_in_the_comparison(folder):
    _drop(folder, "most_popular", ["recall@10"])
    report = build_report(read_results(folder), refit="none", projection=None)
    comparison = _texts(_section(report, "comparison"))
    assert "<td>recall@10</td>" in comparison
    assert "most_popular has no recall@10" in comparison


def test_a_model_evaluated_at_fewer_ks_draws_only_its_own(folder):
    _drop(folder, "item_knn", ["precision@10", "recall@10", "ndcg@10", "novelty@10",
                               "coverage@10"])
    report = build_report(read_results(folder), refit="none", projection=None)
    charts = [b for b in _section(report, "curves").blocks if isinstance(b, Chart)]
    ndcg = next(c for c in charts if c.title == "ndcg vs K")
    xs = {s.name: list(s.x) for s in ndcg.series}
    assert xs["item_knn"] == [5]
    assert xs["most_popular"] == [5, 10]


def test_the_headline_is_a_metric_every_model_has(folder):
    # ndcg@5 would be the headline; one model lacks it, so ndcg@10 is used
    _drop(folder, "als", ["ndcg@5"])
    report = build_report(read_results(folder), refit="none", projection=None)
    assert "in ndcg@10" in _texts(_section(report, "significance"))


def test_models_without_a_shared_metric_are_refused_naming_the_folder(folder, tmp_path):
    every = ["precision@5", "precision@10", "recall@5", "recall@10", "ndcg@5", "ndcg@10",
             "novelty@5", "novelty@10"]
    _drop(folder, "most_popular", every[4:])
    _drop(folder, "item_knn", every[:4])
    with pytest.raises(RecstackError, match=r"results: the models share no per-user metric "
                                            r"\(most_popular: precision@5"):
        write_report(folder, tmp_path / "report.html", refit="none", projection=None)
    assert not (tmp_path / "report.html").exists()


def test_models_without_users_in_common_are_said_not_compared(folder):
    # each model keeps users of the data the other lacks (users outside the data are a
    # damaged folder, refused before any section)
    payload = json.loads((folder / "results.json").read_text())
    for name, half in (("most_popular", 0), ("item_knn", 1)):
        per_user = folder / f"per_user_{name}.csv"
        table = pd.read_csv(per_user, dtype={"user_id": str}).iloc[half::2]
        table.to_csv(per_user, index=False)
        entry = next(model for model in payload["models"] if model["model"] == name)
        for metric, stored in entry["metrics"].items():  # the counts results.json checks
            stored["n_users"] = int(table[metric].notna().sum())
            stored["mean"] = float(table[metric].mean())
    (folder / "results.json").write_text(json.dumps(payload))
    report = build_report(read_results(folder), refit="none", projection=None)
    text = _texts(_section(report, "significance"))
    assert "Not compared: most_popular vs item_knn" in text


@pytest.mark.parametrize("p_values", [[-0.5, 0.2], [0.2, 2.0]])
def test_holm_refuses_a_p_value_outside_0_to_1(p_values):
    from recstack.analysis.report import holm_adjust

    with pytest.raises(RecstackError, match=r"p-values are probabilities from 0 to 1"):
        holm_adjust(np.array(p_values))


def test_holm_still_adjusts_a_valid_family_by_its_definition():
    from recstack.analysis.report import holm_adjust

    # sorted 0.01, 0.03, 0.04 times 3, 2, 1, then made non-decreasing: 0.03, 0.06, 0.06
    np.testing.assert_allclose(holm_adjust(np.array([0.01, 0.04, 0.03, np.nan])),
                               [0.03, 0.06, 0.06, np.nan])
