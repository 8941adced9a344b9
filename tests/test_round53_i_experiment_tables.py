"""Round 53 (I): the experiment table shows an interval cut at a metric's bounds by its
ends, says that p-values are Holm-adjusted, results.json records its format version, and
TuningResult.write_experiment refuses the files its experiment reads."""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from recstack.config import load_experiment
from recstack.errors import RecstackError
from recstack.evaluation.results import EvaluationResult, PairedTest
from recstack.experiment import ExperimentResult, run_experiment
from recstack.tuning import tune

#: recall of 10 users, one of whom got half: mean 0.05, and a t interval reaching below 0
SKEWED = [0.0] * 9 + [0.5]
#: recall spread well inside [0, 1]: a symmetric interval
SPREAD = [0.3, 0.4, 0.5, 0.6, 0.7, 0.35, 0.45, 0.55, 0.65, 0.5]
#: an nDCG inside [0, 1] for both models
NDCG = [0.2, 0.3, 0.4, 0.5, 0.25, 0.35, 0.45, 0.3, 0.2, 0.4]


def _outcome(significance: dict[str, PairedTest] | None = None) -> ExperimentResult:
    users = pd.Index([f"u{n}" for n in range(10)])
    results = [EvaluationResult(model, pd.DataFrame({"recall@10": recall, "ndcg@10": NDCG},
                                                    index=users))
               for model, recall in (("pop", SKEWED), ("als", SPREAD))]
    experiment = SimpleNamespace(evaluation=SimpleNamespace(relevance_threshold=None,
                                                            sampled=False))
    return ExperimentResult(experiment, [], [None], results,  # type: ignore[arg-type]
                            {"pop": 0.1, "als": 0.2}, {}, significance or {})


def _t_interval(values: list[float]) -> tuple[float, float]:
    return stats.t.interval(0.95, len(values) - 1, loc=np.mean(values),
                            scale=stats.sem(values))


def test_an_interval_cut_at_a_bound_is_shown_by_its_ends():
    low, high = _t_interval(SKEWED)
    assert low < 0  # the t interval reaches below 0, where no recall lies
    text = _outcome().format_table()
    recall_row = next(line for line in text.splitlines() if line.startswith("recall@10"))
    assert f"0.0500 [0.0000, {high:.4f}]" in recall_row
    # one notation per row: the other model's interval on that row is shown by its ends too
    spread_low, spread_high = _t_interval(SPREAD)
    assert f"0.5000 [{spread_low:.4f}, {spread_high:.4f}]" in recall_row
    assert "±" not in recall_row
    ndcg_row = next(line for line in text.splitlines() if line.startswith("ndcg@10"))
    ndcg_low, ndcg_high = _t_interval(NDCG)
    assert f"{np.mean(NDCG):.4f} ±{(ndcg_high - ndcg_low) / 2:.4f}" in ndcg_row
    assert "mean [low, high] on the rows of recall@10: the interval's ends, cut at the " \
           "metric's bounds" in text


def test_a_table_without_a_cut_interval_keeps_the_half_width_alone():
    outcome = _outcome()
    for result in outcome.results:
        result.per_user["recall@10"] = SPREAD
    text = outcome.format_table()
    assert "[" not in text and "±" in text
    assert "mean [low, high]" not in text


def test_the_note_says_p_values_are_holm_adjusted_over_the_comparisons():
    tests = {label: PairedTest("ndcg@10", 0.01, 0.0, 0.02, 0.01, 0.02, 10).with_holm(0.02, 2)
             for label in ("als", "ease")}
    text = _outcome(tests).format_table()
    assert "p-values Holm-adjusted over the 2 comparisons made" in text
    one = {"als": PairedTest("ndcg@10", 0.01, 0.0, 0.02, 0.01, 0.02, 10)}
    assert "one comparison made: no adjustment" in _outcome(one).format_table()


EXPERIMENT = """seed = 3
[data]
source = "synthetic:n_users=200,n_items=100,n_interactions=3000,seed=2"
[split]
method = "random"
test_fraction = 0.2
[evaluation]
metrics = ["ndcg"]
ks = [10]
[[models]]
type = "most_popular"
label = "pop"
[[models]]
type = "random"
[[models]]
type = "item_knn"
[tune]
model = "pop"
trials = 2
"""


def test_results_json_records_its_format_and_holm_adjusted_tests(tmp_path):
    (tmp_path / "exp.toml").write_text(EXPERIMENT)
    out = tmp_path / "results"
    outcome = run_experiment(load_experiment(tmp_path / "exp.toml"), out=out)
    payload = json.loads((out / "results.json").read_text())
    assert payload["format_version"] == 1
    assert set(payload["significance"]) == {"random", "item_knn"}
    assert all("Holm-adjusted over 2 comparisons" in text
               for text in payload["significance"].values())
    assert "p-values Holm-adjusted over the 2 comparisons made" in outcome.format_table()


def test_write_experiment_refuses_the_experiment_file_it_was_tuned_from(tmp_path):
    source = tmp_path / "exp.toml"
    source.write_text(EXPERIMENT)
    result = tune(load_experiment(source))
    with pytest.raises(RecstackError, match=r"exp\.toml: is the experiment file .*exp\.toml, "
                                            r"which writing the tuned experiment there "
                                            r"would replace; choose another path"):
        result.write_experiment(source)
    assert source.read_text() == EXPERIMENT
    # another spelling of the same file (through a link to its folder) is the same file
    (tmp_path / "link").symlink_to(tmp_path)
    with pytest.raises(RecstackError, match="is the experiment file"):
        result.write_experiment(tmp_path / "link" / "exp.toml")
    assert source.read_text() == EXPERIMENT
    written = result.write_experiment(tmp_path / "exp.tuned.toml")
    assert written.is_file()
