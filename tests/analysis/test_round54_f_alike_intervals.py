"""Round 54 (F): a metric on which every user scored alike showed the zero-width t interval
``[0.0000, 0.0000]`` in the report's table. The table now shows the interval exact within
the metric's bounds, unmarked as cut, and says why under the table."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from recstack.analysis.report import build_report
from recstack.analysis.results_folder import read_results
from recstack.config import parse_experiment
from recstack.experiment import run_experiment

RAW = {
    "name": "alike",
    "seed": 0,
    "data": {"source": "synthetic:n_users=60,n_items=40,n_interactions=800,seed=3"},
    "split": {"method": "random", "test_fraction": 0.2},
    "evaluation": {"metrics": ["recall", "ndcg"], "ks": [5]},
    "models": [{"type": "most_popular"}],
}
USERS = 4


@pytest.fixture(scope="module")
def alike_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("round54 f") / "alike"
    run_experiment(parse_experiment(RAW, source="alike.toml", base=Path.cwd()), out=out)
    per_user_path = out / "per_user_most_popular.csv"
    frame = pd.read_csv(per_user_path).iloc[:USERS].copy()
    frame["recall@5"] = 0.0
    frame["ndcg@5"] = [0.1, 0.2, 0.3, 0.4]
    frame.to_csv(per_user_path, index=False)
    results_path = out / "results.json"
    payload = json.loads(results_path.read_text(encoding="utf-8"))
    metrics = payload["models"][0]["metrics"]
    metrics["recall@5"] = {"mean": 0.0, "ci_low": 0.0, "ci_high": 0.0, "n_users": USERS,
                           "ci_clipped": False}
    metrics["ndcg@5"] = {"mean": 0.25, "ci_low": 0.0, "ci_high": 0.5, "n_users": USERS,
                         "ci_clipped": False}
    results_path.write_text(json.dumps(payload), encoding="utf-8")
    return out


def _comparison_text(folder: Path) -> str:
    report = build_report(read_results(folder), refit="none", projection=None)
    section = next(s for s in report.sections if s.id == "comparison")
    return " ".join(b for b in section.blocks if isinstance(b, str))


def test_a_metric_alike_for_every_user_shows_a_bounded_interval(alike_folder: Path):
    text = _comparison_text(alike_folder)
    # by hand: 0 successes in 4, Clopper-Pearson upper end 1 - 0.025 ** (1 / 4)
    high = 1 - 0.025 ** (1 / USERS)
    assert f"0.0000 <small>[0.0000, {high:.4f}]</small>" in text
    assert "[0.0000, 0.0000]" not in text
    assert "Every user has the same value: most_popular (recall@5)." in text
    # the lower end lies on the bound because every value does, not from a cut
    assert "†" not in text
