"""Seventy-eighth bad-input probe of the Spark backend: k-fold accepted a fold whose test
rows would all be set apart (items or users no other fold has, pairs another fold holds)
and failed only when that fold's turn came, after the folds before it had run, where one
machine's ``kfold_split`` refuses it at the call; the Spark evaluator's cut-offs had no
upper bound (``specs.K_MAX``, ``MAX_CUTOFFS``), which one machine's ``Evaluator`` has."""

from __future__ import annotations

import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import SPLITS
from recstack.errors import ConfigError, EmptyResultError
from recstack.specs import K_MAX, MAX_CUTOFFS


@pytest.mark.parametrize("stratify", [None, "user"])
def test_a_fold_whose_rows_would_all_be_set_apart_is_refused_at_the_call(spark, stratify):
    from recstack.spark import data as sd
    from recstack.spark import splits as ss

    # every item has exactly one row: whichever fold a row is dealt to, its item is in no
    # other fold, so every fold's test rows are all set apart as cold items
    local = Interactions.from_arrays([1, 1, 2, 2, 3, 3], [1, 2, 3, 4, 5, 6])
    data = sd.from_interactions(spark, local)
    with pytest.raises(EmptyResultError) as caught:
        ss.kfold_split(data, 2, stratify=stratify)  # at the call, not when iterated
    message = str(caught.value)
    # fold 0 gets 3 of the 6 rows (dealt round-robin over a shuffled order)
    assert message == ("kfold: k = 2 folds, but fold 0 would keep no test rows: its 3 rows "
                       "would all be set apart (3 rows of items in no other fold); no smaller "
                       "k exists (k-fold needs at least 2 folds): give it more users and "
                       "rows (each fold's test rows need their user and item in the other "
                       "fold), or choose another split such as random or leave_last_out"
                       ), message
    with pytest.raises(EmptyResultError) as single:
        SPLITS.build("kfold", {"k": 2, "stratify": stratify or "none"}).apply(local)
    assert str(single.value) == message


def test_folds_that_keep_test_rows_are_not_refused(spark):
    from recstack.spark import data as sd
    from recstack.spark import splits as ss

    # 4 users x 4 items, every pair once: each item and user has rows in every other fold
    users = [u for u in range(4) for _ in range(4)]
    items = [i for _ in range(4) for i in range(4)]
    data = sd.from_interactions(spark, Interactions.from_arrays(users, items))
    folds = list(ss.kfold_split(data, 2, stratify="user", seed=3))
    assert len(folds) == 2
    assert sum(fold.report.test_rows + fold.report.cold_item_rows
               + fold.report.cold_user_rows + fold.report.repeated_pair_rows
               for fold in folds) == 16


@pytest.mark.parametrize(("ks", "words"), [
    ([10, K_MAX + 1], f"K = {K_MAX + 1} is above {K_MAX}"),
    ([10**12], f"K = {10**12} is above {K_MAX}"),
    (list(range(1, MAX_CUTOFFS + 2)), f"{MAX_CUTOFFS + 1} cut-offs, at most {MAX_CUTOFFS}"),
])
def test_cutoffs_are_bounded_as_the_evaluator_bounds_them(ks, words):
    from recstack.evaluation.evaluator import Evaluator
    from recstack.spark.evaluation import _cutoffs

    with pytest.raises(ConfigError) as local:
        Evaluator(ks=ks)
    with pytest.raises(ConfigError) as spark_side:
        _cutoffs(ks)
    assert words in str(spark_side.value)
    assert str(spark_side.value) == str(local.value)


def test_ranking_metrics_refuses_a_huge_k_before_any_job(spark):
    import pandas as pd

    from recstack.spark.data import encode
    from recstack.spark.evaluation import ranking_metrics

    test = encode(spark.createDataFrame(pd.DataFrame({"user_id": [1], "item_id": [2]})))
    lists = spark.createDataFrame(pd.DataFrame({"user_index": [0], "item_index": [0],
                                                "rank": [1]}))
    with pytest.raises(ConfigError, match=rf"ks = \[{10**9}\]: K = {10**9} is above {K_MAX}"):
        ranking_metrics(lists, test, [10**9])


def test_cutoffs_within_the_bound_are_kept():
    from recstack.spark.evaluation import _cutoffs

    assert _cutoffs([K_MAX, 1]) == [1, K_MAX]
    assert _cutoffs(list(range(1, MAX_CUTOFFS + 1))) == list(range(1, MAX_CUTOFFS + 1))


def test_a_numpy_array_of_cutoffs_is_taken_as_the_evaluator_takes_it():
    import numpy as np

    from recstack.evaluation.evaluator import Evaluator
    from recstack.spark.evaluation import _cutoffs

    ks = np.array([20, 10])
    assert _cutoffs(ks) == sorted(Evaluator(ks=ks).ks)
    with pytest.raises(ConfigError, match="non-empty list of positive integers"):
        _cutoffs(np.array([[10]]))
