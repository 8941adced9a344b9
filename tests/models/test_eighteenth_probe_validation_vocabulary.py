"""Eighteenth bad-input probe, validation rows built on their own: ``fit(train,
validation=rows)`` with rows loaded separately (the same ids, but their own vocabularies)
was refused with "validation must come from the same split as train (shared id maps)",
which said neither which vocabulary differed nor how to build rows that share them."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import given_split
from recstack.errors import RecstackError
from recstack.models import create_model
from tests.models.quick_params import quick_params

# 6 users x 6 items: user u has items u, u+1, u+2 and u+3 (mod 6); the last is held out
USERS = np.repeat(np.arange(6), 4)
ITEMS = (USERS + np.tile(np.arange(4), 6)) % 6
HELD = np.tile([False, False, False, True], 6)


def _bpr():
    return create_model("bpr", **quick_params("bpr"))


def test_rows_with_their_own_vocabularies_are_refused_saying_which_and_what_to_do():
    train = Interactions.from_arrays(USERS[~HELD], ITEMS[~HELD])
    # rows loaded on their own: the same 6 users, but only 3 of the items
    validation = Interactions.from_arrays(np.arange(6), [3, 4, 5, 3, 4, 5])
    with pytest.raises(RecstackError, match=r"^bpr: fit\(validation=\.\.\.\) must come from "
                                            r"the same split as train.*its vocabulary of "
                                            r"items \(3 ids; train's has 6\) differs.*"
                                            r"given_split\(all_rows, is_validation\)"):
        _bpr().fit(train, validation=validation)


def test_both_vocabularies_are_named_when_both_differ():
    train = Interactions.from_arrays(USERS[~HELD], ITEMS[~HELD])
    validation = Interactions.from_arrays([100, 101], [200, 201])
    with pytest.raises(RecstackError, match=r"its vocabularies of users \(2 ids; train's "
                                            r"has 6\) and items \(2 ids; train's has 6\) "
                                            r"differ"):
        _bpr().fit(train, validation=validation)


def test_the_remedy_it_names_fits():
    split = given_split(Interactions.from_arrays(USERS, ITEMS), HELD)
    model = _bpr().fit(split.train, validation=split.test)
    assert model.recommend([0], k=2)[0].shape == (1, 2)
