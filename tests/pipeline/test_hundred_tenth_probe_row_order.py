"""Hundred-tenth probe: pandas objects that hold the same rows in different orders, given
together to a bandit's ``update``, a re-ranker, or a ranker's ``fit`` (labels beside
``sample_weight``), were paired by position without a word: a reward credited to another
user's items, a user given another's list, a weight put on another row's label. They are
refused now, as the calibrators, the off-policy estimators' logs and the metrics refuse
them (and so are an off-policy target or reward model, and label_context's rows);
pandas objects in one order, and plain arrays, are read as before."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.pipeline.bandit_checks import BanditInputError
from recstack.pipeline.bandits import BetaThompson
from recstack.pipeline.features import label_context
from recstack.pipeline.off_policy import direct_method, ips
from recstack.pipeline.rankers import create_ranker
from recstack.pipeline.rerank.base import check_lists
from tests.pipeline.test_rankers import synthetic_frame

ORDER = ["u", "v"]
SWAPPED = ["v", "u"]


def test_a_bandit_update_with_rows_in_two_orders_is_refused():
    users = pd.Series([0, 1], index=ORDER)
    items = pd.DataFrame([[1], [2]], index=SWAPPED)
    rewards = pd.DataFrame([[1.0], [0.0]], index=ORDER)
    with pytest.raises(BanditInputError, match=r"^thompson\.update: users and items are a pandas "
                                               r"Series and a pandas DataFrame with the same "
                                               r"index labels in "
                                               r"different orders \(position 0 is row 'u' of "
                                               r"users but row 'v' of items\)"):
        BetaThompson(n_items=4).update(users, items, rewards)
    with pytest.raises(BanditInputError, match="items and rewards are pandas DataFrames"):
        BetaThompson(n_items=4).update([0, 1], pd.DataFrame([[1], [2]], index=ORDER),
                                       pd.DataFrame([[1.0], [0.0]], index=SWAPPED))


def test_a_bandit_update_in_one_order_counts_each_reward_on_its_item():
    policy = BetaThompson(n_items=4).update(
        pd.Series([0, 1], index=ORDER), pd.DataFrame([[1], [2]], index=ORDER),
        pd.DataFrame([[1.0], [0.0]], index=ORDER))
    # by the definition: item 1 shown once and clicked, item 2 shown once and not
    np.testing.assert_array_equal(policy.impressions_, [0, 1, 1, 0])
    np.testing.assert_array_equal(policy.successes_, [0, 1, 0, 0])


def test_reranker_lists_with_rows_in_two_orders_are_refused():
    items = pd.DataFrame([[0, 1], [2, 3]], index=ORDER)
    # row u's scores are (0.9, 0.5), row v's (0.8, 0.25), listed v first
    scores = pd.DataFrame([[0.8, 0.25], [0.9, 0.5]], index=SWAPPED)
    with pytest.raises(RecstackError, match=r"^mmr: items and scores are pandas DataFrames with "
                                            r"the same index labels in different orders"):
        check_lists([0, 1], items, scores, 4, "mmr")
    _, read_items, read_scores = check_lists([0, 1], items, scores.loc[ORDER], 4, "mmr")
    np.testing.assert_array_equal(read_items, [[0, 1], [2, 3]])
    np.testing.assert_array_equal(read_scores, [[0.9, 0.5], [0.8, 0.25]])


def test_ranker_labels_and_weights_in_two_orders_are_refused():
    frame, labels, _ = synthetic_frame(20, 5)
    index = np.arange(len(labels))
    with pytest.raises(RecstackError, match=r"^logistic\.fit: labels and sample_weight are "
                                            r"pandas Series with the same index labels in "
                                            r"different orders"):
        create_ranker("logistic").fit(frame, pd.Series(labels, index=index),
                                      sample_weight=pd.Series(np.ones(len(labels)),
                                                              index=index[::-1]))
    weighted = create_ranker("logistic").fit(
        frame, pd.Series(labels, index=index),
        sample_weight=pd.Series(np.ones(len(labels)), index=index))
    plain = create_ranker("logistic").fit(frame, labels, sample_weight=np.ones(len(labels)))
    np.testing.assert_allclose(weighted.score(frame), plain.score(frame))


def test_an_off_policy_target_in_another_order_than_the_log_is_refused():
    rewards, actions = pd.Series([1.0, 0.0, 1.0]), pd.Series([0, 1, 0])
    propensities = pd.Series([0.5, 0.5, 0.5])
    target = pd.DataFrame([[0.9, 0.1], [0.2, 0.8], [0.5, 0.5]])
    with pytest.raises(BanditInputError, match=r"^ips: propensities and target are a pandas "
                                               r"Series and a pandas DataFrame with the same "
                                               r"index labels in "
                                               r"different orders"):
        ips(rewards, actions, propensities, target.iloc[::-1])
    with pytest.raises(BanditInputError, match=r"^direct_method: target and reward_model"):
        direct_method(target, pd.DataFrame(np.zeros((3, 2))).iloc[::-1])
    # in one order: the definition, mean of pi(a_t | x_t) / p_t * r_t = (0.9 * 2 + 0 +
    # 0.5 * 2) / 3
    assert ips(rewards, actions, propensities, target).value == pytest.approx(2.8 / 3)


def test_label_context_rows_in_two_orders_are_refused():
    window = Interactions.from_arrays(np.array([0, 0, 1]), np.array([0, 1, 1]), None,
                                      np.array([100, 110, 120]))
    users, items = pd.Series([0, 1], index=ORDER), pd.Series([0, 1], index=ORDER)
    # the feature builder's refusal (ConfigError), not the bandits' BanditInputError
    with pytest.raises(ConfigError, match=r"^label_context: items and labels are pandas "
                                          r"Series"):
        label_context(users, items, pd.Series([1, 0], index=SWAPPED), window)
    # in one order, user 0's positive takes its own row's time (100)
    context = label_context(users, items, pd.Series([1, 0], index=ORDER), window)
    assert context["timestamp"].iloc[0] == 100
