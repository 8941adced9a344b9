"""EvaluationResult.compare and comparison_table over results that hold different users
(another split's test users, a result read from another file) paired the shared users, or
set means over different users side by side, without a word. They now warn naming each
side's count, how many are shared and the first users missing on each side;
``unshared="ignore"`` pairs them silently and ``unshared="raise"`` refuses. The
publishing gate, which pairs the users both models know on purpose after its own
min_users check, stays silent."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from recstack.errors import ConfigError, RecstackError
from recstack.evaluation.results import (
    EvaluationResult,
    UnsharedUsersWarning,
    comparison_table,
)


def _result(model: str, values: dict[str, float]) -> EvaluationResult:
    frame = pd.DataFrame({"ndcg@10": list(values.values())},
                         index=pd.Index(list(values), name="user"))
    return EvaluationResult(model, frame)


EASE = _result("ease", {"u1": 0.5, "u2": 0.4, "u3": 0.3, "u4": 0.2, "u5": 0.1})
POP = _result("pop", {"u1": 0.3, "u2": 0.1, "u3": 0.2, "u9": 0.9})
ALS = _result("als", {"u1": 0.1, "u2": 0.2, "u3": 0.3, "u4": 0.2, "u5": 0.1})

COUNTS = ("ease was evaluated on 5 users and pop on 4, 3 of them shared (2 users of ease's "
          "(e.g. 'u4', 'u5') are not among pop's; 1 user of pop's (e.g. 'u9') is not among "
          "ease's)")


def test_compare_warns_naming_the_counts_and_pairs_the_shared_users():
    with pytest.warns(UnsharedUsersWarning) as caught:
        test = EASE.compare(POP, "ndcg@10")
    assert str(caught[0].message) == (
        f"compare: {COUNTS}, so the paired test of ndcg@10 is over the 3 users both have a "
        "value for; evaluate every model on one split's test users (one Evaluator), or "
        "pass unshared='ignore' where that is meant")
    assert caught[0].filename == __file__  # the user's line, not recstack's
    # u1..u3: 0.5-0.3, 0.4-0.1, 0.3-0.2 = 0.2, 0.3, 0.1
    assert test.n_users == 3
    assert test.mean_difference == pytest.approx(0.2)


def test_compare_ignore_is_silent_and_raise_refuses():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        test = EASE.compare(POP, "ndcg@10", unshared="ignore")
    assert (test.n_users, test.mean_difference) == (3, pytest.approx(0.2))
    with pytest.raises(RecstackError) as refused:
        EASE.compare(POP, "ndcg@10", unshared="raise")
    assert str(refused.value).startswith(f"compare: {COUNTS}, so the paired test")


def test_results_of_the_same_users_compare_without_a_word():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        test = EASE.compare(ALS, "ndcg@10")
        table = comparison_table([EASE, ALS])
    # 0.4, 0.2, 0.0, 0.0, 0.0 over 5 users
    assert (test.n_users, test.mean_difference) == (5, pytest.approx(0.12))
    assert table.loc["als", "ndcg@10"] == pytest.approx(0.18)


def test_comparison_table_warns_of_means_over_other_users():
    with pytest.warns(UnsharedUsersWarning) as caught:
        table = comparison_table([EASE, ALS, POP])
    assert str(caught[0].message).startswith(
        f"comparison_table: {COUNTS}, so each row's means are over its own users and do not "
        "compare;")
    assert table.loc["pop", "ndcg@10"] == pytest.approx(0.375)  # its own 4 users
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        comparison_table([EASE, POP], unshared="ignore")
    with pytest.raises(RecstackError, match="^comparison_table: ease was evaluated on 5"):
        comparison_table([EASE, POP], unshared="raise")


@pytest.mark.parametrize(("call", "said"), [
    (lambda: EASE.compare(POP, "ndcg@10", unshared="warning"),
     "compare: unshared must be one of 'warn', 'ignore', 'raise', got 'warning' (did you "
     "mean 'warn'?)"),
    (lambda: comparison_table([EASE, POP], unshared=True),
     "comparison_table: unshared must be one of 'warn', 'ignore', 'raise', got True"),
])
def test_a_wrong_unshared_is_refused(call, said):
    with pytest.raises(ConfigError) as refused:
        call()
    assert str(refused.value) == said


def test_the_gate_pairs_the_shared_users_silently():
    from recstack.ops.gate import decide

    candidate = pd.Series([0.5, 0.4, 0.3, 0.6], index=["a", "b", "c", "d"])
    published = pd.Series([0.4, 0.4, 0.2, 0.1], index=["a", "b", "c", "e"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        decision = decide(candidate, published, metric="ndcg@10", margin=0.0, min_users=2)
    # a, b, c: 0.1, 0.0, 0.1
    assert decision.shared_users == 3
    assert decision.difference == pytest.approx(0.2 / 3)
