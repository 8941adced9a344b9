"""Hundred-sixty-first probe, results built or read by hand: a metric named both as a
per-user column and as an aggregate key (``ndcg@10`` in both) made means() give the
catalog-level number under the name, dropping the per-user mean without a word, and
to_pandas() list the name twice. It is refused when the result is made, naming it."""

from __future__ import annotations

import pandas as pd
import pytest

from recstack.errors import ConfigError
from recstack.evaluation.results import EvaluationResult

_PER_USER = pd.DataFrame({"ndcg@10": [0.1, 0.5, 0.3], "recall@10": [0.0, 1.0, 0.5]},
                         index=pd.Index(["u1", "u2", "u3"], name="user_id"))


@pytest.mark.parametrize("name", ["ndcg@10", "recall@10"])
def test_a_metric_both_per_user_and_aggregate_is_refused(name):
    with pytest.raises(ConfigError, match=rf"model: '{name}' is both a per_user column and "
                                          r"an aggregate key; a metric is either per user"):
        EvaluationResult("model", _PER_USER, {"coverage@10": 0.4, name: 0.9})


def test_distinct_names_keep_both_means():
    result = EvaluationResult("model", _PER_USER, {"coverage@10": 0.4})
    # (0.1 + 0.5 + 0.3) / 3 and (0 + 1 + 0.5) / 3, worked by hand
    assert result.means() == pytest.approx({"ndcg@10": 0.3, "recall@10": 0.5,
                                            "coverage@10": 0.4})
    assert result.to_pandas()["metric"].tolist() == ["ndcg@10", "recall@10", "coverage@10"]


@pytest.mark.parametrize(("call", "message"), [
    (lambda: __import__("recstack.evaluation.results", fromlist=["x"]).MetricSummary
     .from_values("x", [1.0, 2.0], confidense=0.9),
     r"MetricSummary\.from_values\(\) has no argument 'confidense' \(did you mean "
     r"'confidence'\?\)"),
    (lambda: __import__("recstack.evaluation.diagnostics", fromlist=["x"]).diagnose(
        EvaluationResult("model", _PER_USER), baselin=None),
     r"diagnose\(\) has no argument 'baselin' \(did you mean 'baseline'\?\)"),
    (lambda: __import__("recstack.evaluation.evaluator", fromlist=["x"]).Evaluator()
     .relevance(None, 4),
     r"Evaluator\.relevance\(\) takes at most 1 positional argument\(s\) \(test\), got 2"),
])
def test_a_call_that_does_not_fit_is_refused_naming_what_it_takes(call, message):
    with pytest.raises(ConfigError, match=message):
        call()
