"""Spark's nDCG of huge grades: three grades of 1023 under the exponential gain summed past
the float range (inf / inf), a NaN nDCG that left the user out of the mean, as one
machine's metric did (Spark gave it 0.0); a grade past 1023 (2**g is inf) was 0 or NaN
without a word."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from recstack.data.idmap import IdMap
from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.metrics.ranking import ranking_metrics as one_machine
from recstack.spark import data as sd
from recstack.spark import evaluation as se


def test_huge_grades_give_one_machines_ndcg_and_a_grade_past_1023_is_refused(spark):
    # items 0..3 scored 4 > 3 > 2 > 1 by both users; user 1 trained on item 3 (masked)
    items = np.array([[4.0], [3.0], [2.0], [1.0]], np.float32)
    users = np.array([[1.0], [1.0]], np.float32)
    train = Interactions(np.array([1], np.int32), np.array([3], np.int32),
                         np.ones(1, np.float32), None, IdMap.range(2), IdMap.range(4))
    lists = se.top_k(se.factor_frame(spark, users, sd.USER_INDEX),
                     se.factor_frame(spark, items, sd.ITEM_INDEX),
                     sd.from_interactions(spark, train), 3)

    def metrics(grades):
        # user 0: items 1, 2, 3 of grade g (list 0, 1, 2: hits at ranks 2 and 3, item 3
        # missed); user 1: item 0 of grade 2 (list 0, 1, 2: a hit at rank 1)
        test = Interactions(np.array([0, 0, 0, 1], np.int32), np.array([1, 2, 3, 0], np.int32),
                            np.array(grades, np.float32), None, IdMap.range(2),
                            IdMap.range(4))
        return se.ranking_metrics(lists, sd.from_interactions(spark, test), [3],
                                  metrics=["ndcg", "ndcg_linear"], graded=True)

    per_user, means = metrics([1023.0, 1023.0, 1023.0, 2.0])
    d = 1 / np.log2(np.arange(2, 5))  # 1, 0.6309, 0.5
    user0 = (d[1] + d[2]) / d.sum()  # equal gains: they divide out, 0.530721
    assert user0 == pytest.approx(0.530721, abs=1e-6)
    got = {r[sd.USER_INDEX]: r["ndcg@3"] for r in per_user.collect()}
    assert got[0] == pytest.approx(user0, rel=1e-12)  # it was 0.0
    assert got[1] == 1.0
    assert means["ndcg@3"] == pytest.approx((user0 + 1.0) / 2, rel=1e-12)  # it was 1.0
    assert means["ndcg_linear@3"] == pytest.approx((user0 + 1.0) / 2, rel=1e-12)
    # one machine's metric of the same lists and grades agrees
    rows = np.array([[0, 1, 2], [0, 1, 2]])
    truth = sparse.csr_matrix(np.array([[0, 1023, 1023, 1023], [2, 0, 0, 0]], np.float64))
    single = one_machine(rows, truth, [3], metrics=["ndcg"])["ndcg@3"]
    assert got[0] == pytest.approx(single[0], rel=1e-12)
    assert means["ndcg@3"] == pytest.approx(single.mean(), rel=1e-12)
    with pytest.raises(RecstackError, match=r"relevance grade 1024 is too large for the "
                                            r"exponential gain 2\*\*g - 1"):
        metrics([1024.0, 1.0, 1.0, 2.0])
