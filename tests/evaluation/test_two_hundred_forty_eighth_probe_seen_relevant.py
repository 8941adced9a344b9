"""A test user every one of whose relevant items is a training (or fold-in) item is
evaluated with ranking metrics of 0 whatever the model: those items are masked from the
lists. Unless every test pair was such a pair, nothing counted or said it, and a share of
such users pulled every mean down without a word. They are now counted in ``meta``
(``users_all_relevant_seen``, ``relevant_pairs_seen``) and, from one in ten evaluated
users, named in a :class:`TrainingPairsWarning`. Worked by hand on tiny data."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from recstack.data.interactions import Interactions
from recstack.evaluation.evaluator import Evaluator, TrainingPairsWarning

ITEMS = ["i0", "i1", "i2", "i3"]


class Fixed:
    """Scores every user alike: i2 first, then i3, i1, i0."""

    scores = np.array([0.0, 1.0, 3.0, 2.0], np.float32)

    def score_users(self, users: np.ndarray) -> np.ndarray:
        return np.tile(self.scores, (len(users), 1))

    def score_histories(self, histories: sp.csr_matrix) -> np.ndarray:
        return np.tile(self.scores, (histories.shape[0], 1))


def _split(n_users: int, *, repeat_train_row: bool = False):
    """Every user trains on i0 and i1. Test: u0 on i0 alone (a training item), u1 on i0
    and i2, every other user on i2. Rows 0 and 1 hold i3 so that it is in the catalog."""
    users, items, is_test = ["x", "x"], ["i3", "i2"], [False, False]
    for user in range(n_users):
        name = f"u{user}"
        train_items = ["i0", "i0", "i1"] if repeat_train_row and user == 0 else ["i0", "i1"]
        test_items = ["i0"] if user == 0 else ["i0", "i2"] if user == 1 else ["i2"]
        for item_list, in_test in ((train_items, False), (test_items, True)):
            users += [name] * len(item_list)
            items += item_list
            is_test += [in_test] * len(item_list)
    data = Interactions.from_arrays(users, items)
    mask = np.array(is_test)
    return data.select(~mask), data.select(mask)


def _evaluate(train, test, **kwargs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = Evaluator(metrics=["recall"], ks=[1]).evaluate(Fixed(), train, test, **kwargs)
    return result, [str(w.message) for w in caught if issubclass(w.category, TrainingPairsWarning)]


def test_a_share_of_users_whose_relevant_items_are_all_seen_is_counted_and_named():
    train, test = _split(10)
    result, found = _evaluate(train, test)
    # recall@1 by hand: u0 0 (i0 masked, i2 is not its item), u1 1/2 (i2 of {i0, i2}),
    # u2..u9 1 each: (0 + 0.5 + 8) / 10
    assert result.means()["recall@1"] == pytest.approx(0.85)
    assert result.per_user.loc["u0", "recall@1"] == 0.0
    # u0's i0 and u1's i0: two relevant pairs masked; only u0 has nothing else
    assert result.meta["relevant_pairs_seen"] == 2
    assert result.meta["users_all_relevant_seen"] == 1
    assert len(found) == 1
    assert found[0].startswith("1 of the 10 evaluated test users (10%: 'u0') has only "
                               "training items among its relevant test items; ")
    assert "ranking metrics are 0 whatever the model" in found[0]
    assert "meta['users_all_relevant_seen']" in found[0] and "2 relevant pairs" in found[0]


def test_fewer_than_one_in_ten_are_only_counted():
    train, test = _split(11)
    result, found = _evaluate(train, test)
    assert found == []
    assert result.meta["users_all_relevant_seen"] == 1
    assert result.meta["relevant_pairs_seen"] == 2


def test_a_repeated_training_row_masks_its_pair_once():
    train, test = _split(10, repeat_train_row=True)
    result, found = _evaluate(train, test)
    assert result.meta["relevant_pairs_seen"] == 2
    assert result.meta["users_all_relevant_seen"] == 1
    assert result.means()["recall@1"] == pytest.approx(0.85)
    assert len(found) == 1


def test_no_seen_pair_counts_zero():
    train, test = _split(10)
    keep = test.item_index != test.items.to_index(["i0"])[0]
    result, found = _evaluate(train, test.select(keep))
    assert found == []
    assert result.meta["relevant_pairs_seen"] == 0
    assert result.meta["users_all_relevant_seen"] == 0


def test_fold_in_items_are_named_as_such():
    train, test = _split(10)
    # the held-out users' history is their training part: u0's only test item is in it
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = Evaluator(metrics=["recall"], ks=[1]).evaluate_fold_in(
            Fixed(), train, train, test)
    found = [str(w.message) for w in caught if issubclass(w.category, TrainingPairsWarning)]
    assert len(found) == 1
    assert found[0].startswith("1 of the 10 evaluated test users (10%: 'u0') has only "
                               "fold-in items among its relevant test items; fold-in items "
                               "are excluded from the lists")
    assert result.meta["users_all_relevant_seen"] == 1


def test_every_pair_seen_in_the_fold_in_says_fold_in():
    train, _ = _split(10)
    with pytest.warns(TrainingPairsWarning, match=r"every one of the test's \d+ relevant "
                      r"\(user, item\) pairs is also a fold-in pair, and fold-in items"):
        Evaluator(metrics=["recall"], ks=[1]).evaluate_fold_in(Fixed(), train, train, train)
