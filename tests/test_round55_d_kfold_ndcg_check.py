"""Under k-fold, the check "nDCG falls as K grows for a user whose relevant items fit in
the shorter list" runs on each fold: on the per-user values averaged over folds, the count
of relevant items it derives (K x precision / recall) belongs to no fold."""

from __future__ import annotations

import math

import pandas as pd

from recstack.evaluation.results import EvaluationResult
from recstack.experiment import _combine_folds, _diagnosed


def _fold(precision: float, recall: float, ndcg10: float, ndcg20: float) -> EvaluationResult:
    frame = pd.DataFrame({"precision@10": [precision], "recall@10": [recall],
                          "ndcg@10": [ndcg10], "ndcg@20": [ndcg20]},
                         index=pd.Index(["u"], name="user_id"))
    return EvaluationResult("m", frame)


# fold 1: one relevant item at rank 2, nDCG 1/log2(3) at both K
ONE_ITEM = _fold(0.1, 1.0, 1 / math.log2(3), 1 / math.log2(3))
# fold 2: 12 relevant items, 5 in the top 10; nDCG@20 below nDCG@10, as it may be when the
# ideal DCG at 20 counts 12 items and at 10 only 10
TWELVE_ITEMS = _fold(0.5, 5 / 12, 0.50, 0.40)


def test_a_fall_in_a_fold_with_more_relevant_items_than_k_is_no_finding() -> None:
    combined = _combine_folds("m", [ONE_ITEM, TWELVE_ITEMS])
    # the averages: precision 0.3 and recall 17/24 read as 10 x 0.3 / (17/24) = 4.2
    # relevant items, and nDCG falls from 0.566 to 0.516: the check on them fired
    assert combined.per_user.loc["u", "ndcg@20"] < combined.per_user.loc["u", "ndcg@10"]
    assert 10 * 0.3 / (17 / 24) < 10
    assert _diagnosed(combined, None, [ONE_ITEM, TWELVE_ITEMS]) == []


def test_a_real_fall_in_one_fold_is_still_found_and_named_with_its_fold() -> None:
    broken = _fold(0.1, 1.0, 0.60, 0.50)  # one relevant item: nDCG cannot fall
    combined = _combine_folds("m", [ONE_ITEM, broken])
    found = _diagnosed(combined, None, [ONE_ITEM, broken])
    assert [d.kind for d in found] == ["suspicious"]
    assert found[0].message.startswith("fold 2 of 2: nDCG falls from K=10 to K=20")
