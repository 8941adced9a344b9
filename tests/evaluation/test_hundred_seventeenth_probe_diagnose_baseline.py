"""``diagnose(result, baseline)`` with a baseline evaluated at other cut-offs (or without
the metrics the ordering check compares) skipped the check without a word and returned no
finding, which reads as "nothing wrong"; it is now refused naming what the baseline lacks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.errors import RecstackError
from recstack.evaluation.diagnostics import diagnose
from recstack.evaluation.results import EvaluationResult

USERS = pd.Index([0, 1, 2, 3], name="user_id")


def _result(model: str, ks: tuple[int, ...], metrics=("recall", "hit_rate", "ndcg", "map"),
            ndcg: float = 0.5) -> EvaluationResult:
    columns = {f"{m}@{k}": np.full(4, ndcg if m in ("ndcg", "map") else 0.5)
               for k in ks for m in metrics}
    return EvaluationResult(model, pd.DataFrame(columns, index=USERS))


def test_a_baseline_at_other_cut_offs_is_refused():
    with pytest.raises(RecstackError, match=r"^diagnose: a has recall@5, hit_rate@5, ndcg@5, "
                                            r"map@5 but the baseline b lacks recall@5, "
                                            r"hit_rate@5, ndcg@5, map@5 \(its nDCG cut-offs: "
                                            r"@10\), so the two cannot be compared at K=5"):
        diagnose(_result("a", (5,)), _result("b", (10,)))


def test_a_baseline_without_a_needed_metric_is_refused():
    with pytest.raises(RecstackError, match=r"the baseline b lacks map@10 \(its nDCG "
                                            r"cut-offs: @10\)"):
        diagnose(_result("a", (10,)), _result("b", (10,), ("recall", "hit_rate", "ndcg")))


def test_one_protocol_still_compares():
    # recall and hit rate level, nDCG and MAP 40% lower: the ordering finding, by hand
    kinds = [d.kind for d in diagnose(_result("a", (5, 10), ndcg=0.3), _result("b", (5, 10)))]
    assert kinds == ["ordering", "ordering"]
    assert diagnose(_result("a", (10,)), _result("b", (5, 10))) == []  # a superset is fine


def test_results_without_the_ordering_metrics_are_not_refused():
    # an experiment measuring nDCG alone compares every model with its reference
    only_ndcg = _result("a", (10,), ("ndcg",))
    assert diagnose(only_ndcg, _result("b", (10,), ("ndcg",))) == []
