"""Fifty-eighth bad-input probe, the users of a bandit round: ``select`` and ``update``
counted any entry as a user, so None, NaN, a fraction, true/false, a dict or a complex
number (a misaligned or mis-parsed id column) served a list without a word. Each is now
refused naming its position; integer indices, whole floats and text ids are kept."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.pipeline.bandit_checks import BanditInputError
from recstack.pipeline.bandits import POLICIES


@pytest.mark.parametrize("bad", [None, np.nan, np.inf, 1.5, True, {}, 1 + 2j, " "])
@pytest.mark.parametrize("method", ["select", "update"])
def test_an_entry_that_is_no_user_id_is_refused(bad, method):
    policy = POLICIES["epsilon_greedy"](n_items=5)
    users = [0, bad]
    call = (lambda: policy.select(users, 2)) if method == "select" else \
        (lambda: policy.update(users, [[1], [2]], [[1], [0]]))
    with pytest.raises(BanditInputError, match=rf"^epsilon_greedy.{method}: users\[1\] is "
                                               r".* which is no user id"):
        call()


@pytest.mark.parametrize("users", [[0, 1], np.zeros(2), ["u1", "u2"], np.array([3, 4], np.uint8),
                                   [np.int64(2), "u"]])
def test_user_ids_are_kept(users):
    policy = POLICIES["ucb1"](n_items=5)
    assert policy.select(users, 2).shape == (2, 2)
    policy.update(users, [[1], [2]], [[1], [0]])
    assert policy.select([], 1).shape == (0, 1)
