"""The gate from Python: per-user values indexed by user ids of two kinds (``'7'`` and
``7``) never paired, and the model was held back as "only 0 users ... are known to both
models"; AUC, whose values lie in [0, 1] as the ranking metrics' do, took a margin of 5
(meant as five points) and let every model through."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.errors import ConfigError, RecstackError
from recstack.ops.gate import decide

NUMBERS = pd.Series(np.linspace(0.1, 0.9, 5), index=pd.Index([1, 2, 3, 4, 5], name="user_id"))
TEXT = pd.Series(NUMBERS.to_numpy(), index=pd.Index(["1", "2", "3", "4", "5"], name="user_id"))


@pytest.mark.parametrize(("candidate", "published", "kinds"), [
    (TEXT, NUMBERS, r"text \(e.g. '1'\), the published model's by numbers \(e.g. 1\)"),
    (NUMBERS, TEXT, r"numbers \(e.g. 1\), the published model's by text \(e.g. '1'\)")])
def test_user_ids_of_two_kinds_are_refused_rather_than_never_paired(candidate, published,
                                                                     kinds):
    with pytest.raises(RecstackError, match=r"^gate: the candidate model's values are indexed "
                                            rf"by user ids that are {kinds}, so no user could "
                                            r"pair; index both by the same ids"):
        decide(candidate, published, metric="ndcg@10", margin=0.0, min_users=2)


def test_ids_of_one_kind_still_pair_and_disjoint_ones_are_still_a_decision():
    # integers and whole floats are one kind: 1.0 pairs with 1; mean difference by hand:
    # (0.9-0.1)/4 = 0.2 apart, published - 0.1 everywhere -> +0.1
    floats = pd.Series(NUMBERS.to_numpy() - 0.1, index=pd.Index([1.0, 2.0, 3.0, 4.0, 5.0]))
    decision = decide(NUMBERS, floats, metric="ndcg@10", margin=0.0, min_users=2)
    assert decision.shared_users == 5 and decision.publish
    assert decision.difference == pytest.approx(0.1)
    other = pd.Series([0.5, 0.5], index=pd.Index(["a", "b"]))
    held = decide(TEXT, other, metric="ndcg@10", margin=0.0, min_users=2)
    assert not held.publish and held.shared_users == 0


@pytest.mark.parametrize("margin", [1.5, 5])
def test_a_margin_above_1_for_auc_is_refused(margin):
    with pytest.raises(ConfigError, match=rf"^gate: margin must be <= 1 for auc \(its values "
                                          rf"lie in \[0, 1\].*got {margin}"):
        decide(NUMBERS - 0.1, NUMBERS, metric="auc", margin=margin, min_users=2)


def test_an_auc_outside_0_1_is_refused_and_one_inside_is_compared():
    with pytest.raises(RecstackError, match=r"must lie in \[0, 1\] for auc .* user 5 has 9"):
        decide(NUMBERS.where(NUMBERS.index != 5, 9.0), NUMBERS, metric="auc", margin=0.1,
               min_users=2)
    decision = decide(NUMBERS - 0.05, NUMBERS, metric="auc", margin=0.1, min_users=2)
    assert decision.publish and decision.difference == pytest.approx(-0.05)
