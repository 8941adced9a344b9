"""Hundred-thirty-eighth probe, ``evaluate_fold_in`` with fold_in and test swapped.

``evaluate_fold_in(model, train, split.test, split.fold_in)`` shares the id maps and
users of the right call, so no check saw it and the numbers (higher than the right way
round) came without a word. Where the parts are ordered in time (``user_split(...,
by_time=True)``), every user's fold-in then comes after their test: that is warned of."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import user_split
from recstack.evaluation.evaluator import Evaluator, FoldInAfterTestWarning
from recstack.models import create_model

N_USERS, PER_USER, N_ITEMS = 60, 6, 12


def _data() -> Interactions:
    rng = np.random.default_rng(0)
    users = np.repeat(np.arange(N_USERS), PER_USER)
    items = np.concatenate([rng.choice(N_ITEMS, PER_USER, replace=False)
                            for _ in range(N_USERS)])
    times = 1_600_000_000 + np.arange(len(users)) * 60
    return Interactions.from_arrays(users, items, None, times)


SPLIT = user_split(_data(), 0.5, seed=0, by_time=True)
MODEL = create_model("most_popular").fit(SPLIT.train)


def test_swapped_time_ordered_parts_are_warned_of():
    with pytest.warns(FoldInAfterTestWarning, match=r"each fold-in row is later than each "
                                                    r"test row.*were fold_in and test given "
                                                    r"the other way round") as caught:
        Evaluator(ks=(5,)).evaluate_fold_in(MODEL, SPLIT.train, SPLIT.test, SPLIT.fold_in)
    assert caught[0].filename == __file__


def test_the_right_order_is_quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("error", FoldInAfterTestWarning)
        Evaluator(ks=(5,)).evaluate_fold_in(MODEL, SPLIT.train, SPLIT.fold_in, SPLIT.test)


def test_a_random_untimed_split_gives_no_false_alarm():
    data = _data()
    untimed = Interactions.from_arrays(data.users.to_external(data.user_index),
                                       data.items.to_external(data.item_index))
    split = user_split(untimed, 0.5, seed=0)
    model = create_model("most_popular").fit(split.train)
    with warnings.catch_warnings():
        warnings.simplefilter("error", FoldInAfterTestWarning)
        Evaluator(ks=(5,)).evaluate_fold_in(model, split.train, split.fold_in, split.test)
