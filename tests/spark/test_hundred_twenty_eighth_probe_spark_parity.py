"""Hundred-twenty-eighth probe: the Spark backend against one machine's rules. Factors of
part of the test users scored the rest as 0 without a word; novelty_smoothing was checked
only when novelty or popularity was asked for; the split warnings of one machine
(TiedCutoffWarning, NoFoldInWarning) were never given; and k-fold at k = 2 advised a
smaller k, which does not exist."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import (
    SPLITS,
    NoFoldInWarning,
    TiedCutoffWarning,
    temporal_split,
    user_split,
)
from recstack.errors import ConfigError, EmptyResultError


@pytest.fixture(scope="module")
def evaluated(spark):
    from recstack.spark import data as sd
    from recstack.spark import evaluation as se

    rng = np.random.default_rng(0)
    users = np.repeat(np.arange(20), 5)
    items = rng.integers(0, 15, 100)
    local = Interactions.from_arrays(users, items, timestamps=np.arange(100))
    split = sd.random_split(sd.from_interactions(spark, local), 0.2)
    user_factors = rng.random((local.n_users, 4))
    item_factors = se.factor_frame(spark, rng.random((local.n_items, 4)), "item_index")
    return split, user_factors, item_factors


def test_factors_missing_for_test_users_with_history_are_refused(spark, evaluated):
    from recstack.spark import evaluation as se

    split, user_factors, item_factors = evaluated
    # the first 10 of the 20 users only: the other test users were listed nothing, and
    # every metric of theirs counted as 0 in the means
    partial = se.factor_frame(spark, user_factors[:10], "user_index")
    test_users = {row[0] for row in split.test.frame.select("user_index").distinct().collect()}
    missing = sorted(u for u in test_users if u >= 10)
    assert missing  # the data have test users beyond the first 10
    with pytest.raises(ConfigError) as caught:
        se.evaluate_factors(partial, item_factors, split.train, split.test, ks=[5])
    message = str(caught.value)
    assert message.startswith(f"user_factors: {len(missing)} of the {len(test_users)} test "
                              "users with training rows have no factors (e.g. user ")
    assert f"user_index {missing[0]})" in message
    assert "score 0 on every metric" in message


def test_factors_for_every_user_are_evaluated(spark, evaluated):
    from recstack.spark import evaluation as se

    split, user_factors, item_factors = evaluated
    full = se.factor_frame(spark, user_factors, "user_index")
    _, means = se.evaluate_factors(full, item_factors, split.train, split.test, ks=[5])
    assert 0 <= means["precision@5"] <= 1


@pytest.mark.parametrize("smoothing", [-1, -0.5, float("inf"), float("nan"), "1", True, None])
def test_novelty_smoothing_is_checked_whatever_the_metrics(spark, evaluated, smoothing):
    from recstack.spark import evaluation as se

    split, user_factors, item_factors = evaluated
    full = se.factor_frame(spark, user_factors, "user_index")
    # no novelty nor popularity asked for: the value was never looked at
    with pytest.raises(ConfigError, match=r"^novelty_smoothing must be a finite number >= 0, "
                                          r"got "):
        se.evaluate_factors(full, item_factors, split.train, split.test, ks=[5],
                            metrics=["precision"], novelty_smoothing=smoothing)
    lists = split.test.frame.limit(0)  # never reached: the option is refused first
    with pytest.raises(ConfigError, match=r"^novelty_smoothing must be"):
        se.ranking_metrics(lists, split.test, [5], metrics=["precision"],
                           novelty_smoothing=smoothing)


def _tied_times():
    # 20 rows at distinct early times, then 80 rows sharing one time: a tenth asked for
    # test, the quantile lands on the shared time and most rows become test
    users = np.tile(np.arange(10), 10)
    items = np.arange(100) % 7
    times = np.where(np.arange(100) < 20, np.arange(100), 1000)
    times[-1] = 2000  # a row after the shared time: the split keeps training rows
    return Interactions.from_arrays(users, items, timestamps=times)


def test_temporal_split_by_fraction_warns_of_a_tied_cutoff_in_one_machines_words(spark):
    from recstack.spark import data as sd

    local = _tied_times()
    with pytest.warns(TiedCutoffWarning) as single:
        temporal_split(local, test_fraction=0.1)
    with pytest.warns(TiedCutoffWarning) as distributed:
        sd.temporal_split(sd.from_interactions(spark, local), test_fraction=0.1)
    ours = [str(w.message) for w in distributed if w.category is TiedCutoffWarning]
    theirs = [str(w.message) for w in single if w.category is TiedCutoffWarning]
    assert ours == theirs
    # 80 rows at or after time 1000 of 100; 79 share it
    assert "79 rows share the cutoff time 1000" in ours[0]
    assert "80 rows (80%) were chosen for test" in ours[0]


def test_temporal_split_without_ties_gives_no_warning(spark):
    from recstack.spark import data as sd

    local = Interactions.from_arrays(np.tile(np.arange(10), 10), np.arange(100) % 13,
                                     timestamps=np.arange(100))
    with warnings.catch_warnings():
        warnings.simplefilter("error", TiedCutoffWarning)
        sd.temporal_split(sd.from_interactions(spark, local), test_fraction=0.1)


def test_user_split_warns_of_users_without_fold_in_in_one_machines_words(spark):
    from recstack.spark import data as sd
    from recstack.spark import splits as ss

    # 20 users with a single row each, on two items: round(0.2 * 20) = 4 held-out users,
    # each's only row is the test target, so none has a fold-in row
    local = Interactions.from_arrays(np.arange(20), np.arange(20) % 2,
                                     timestamps=np.arange(20))
    with pytest.warns(NoFoldInWarning) as single:
        user_split(local, 0.2)
    with pytest.warns(NoFoldInWarning) as distributed:
        ss.user_split(sd.from_interactions(spark, local), 0.2)
    ours = [str(w.message) for w in distributed if w.category is NoFoldInWarning]
    theirs = [str(w.message) for w in single if w.category is NoFoldInWarning]
    assert ours == theirs
    assert ours[0].startswith("user split: 4 of the 4 held-out test users have no fold-in "
                              "history (4 have a single row, which is their test target; "
                              "fold_in_fraction=0.8)")


def test_user_split_with_histories_gives_no_warning(spark):
    from recstack.spark import data as sd
    from recstack.spark import splits as ss

    local = Interactions.from_arrays(np.repeat(np.arange(10), 6), np.arange(60) % 5,
                                     timestamps=np.arange(60))
    with warnings.catch_warnings():
        warnings.simplefilter("error", NoFoldInWarning)
        ss.user_split(sd.from_interactions(spark, local), 0.2)


def test_kfold_beyond_help_at_k_2_says_what_would_work(spark):
    from recstack.spark import data as sd
    from recstack.spark import splits as ss

    # each item on one row: every fold's rows are cold items, whatever k
    local = Interactions.from_arrays([1, 1, 2, 2, 3, 3], [1, 2, 3, 4, 5, 6])
    with pytest.raises(EmptyResultError) as caught:
        ss.kfold_split(sd.from_interactions(spark, local), 2)
    message = str(caught.value)
    assert "choose a smaller k" not in message  # no k below 2 exists
    assert "no smaller k exists" in message and "another split" in message
    with pytest.raises(EmptyResultError) as single:
        SPLITS.build("kfold", {"k": 2}).apply(local)
    assert str(single.value) == message
    with pytest.raises(EmptyResultError, match=r"choose a smaller k$"):
        ss.kfold_split(sd.from_interactions(spark, local), 3)
