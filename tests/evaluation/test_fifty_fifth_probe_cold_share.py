"""A noticeable share (one in ten or more) of evaluated users without any training row is
warned about once, with the count and the share; fewer are only counted in meta."""

import warnings

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.evaluation.evaluator import NO_HISTORY_SHARE, Evaluator, NoHistoryWarning
from recstack.models import create_model

N_ITEMS = 12


def _data(n_users, n_cold):
    """Users 0..n_users-1 each have a test row on item 11; the first n_cold have no
    training row, the others train on items 0..3."""
    users, items, is_test = [], [], []
    for user in range(n_users):
        if user >= n_cold:
            users += [user] * 4
            items += [0, 1, 2, 3]
            is_test += [False] * 4
        users.append(user)
        items.append(N_ITEMS - 1 - user % 3)
        is_test.append(True)
    # one more training user so that every item is in the vocabulary
    users += [n_users] * N_ITEMS
    items += list(range(N_ITEMS))
    is_test += [False] * N_ITEMS
    data = Interactions.from_arrays(np.array(users), np.array(items), np.ones(len(users)))
    mask = np.array(is_test)
    return data.select(~mask), data.select(mask)


def _evaluate(n_users, n_cold):
    train, test = _data(n_users, n_cold)
    model = create_model("most_popular").fit(train)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = Evaluator(metrics=["ndcg"], ks=[5]).evaluate(model, train, test)
    assert result.meta["users_without_history"] == n_cold
    return [w for w in caught if issubclass(w.category, NoHistoryWarning)]


def test_the_threshold_is_one_in_ten():
    assert NO_HISTORY_SHARE == 0.1


@pytest.mark.parametrize("n_users, n_cold, share", [(20, 2, "10%"), (10, 3, "30%"),
                                                    (4, 3, "75%")])
def test_a_noticeable_share_without_history_is_warned_once(n_users, n_cold, share):
    found = _evaluate(n_users, n_cold)
    assert len(found) == 1
    message = str(found[0].message)
    assert message.startswith(f"{n_cold} of the {n_users} evaluated test users ({share}) "
                              f"have no training row: ")
    assert "averaged metric" in message and "meta['users_without_history']" in message


@pytest.mark.parametrize("n_users, n_cold", [(20, 0), (20, 1), (40, 3)])
def test_a_small_share_is_only_counted(n_users, n_cold):
    assert _evaluate(n_users, n_cold) == []


def test_all_without_history_keeps_its_own_warning():
    found = _evaluate(5, 5)
    assert len(found) == 1
    assert str(found[0].message).startswith("none of the 5 evaluated test users has a "
                                            "training row")
