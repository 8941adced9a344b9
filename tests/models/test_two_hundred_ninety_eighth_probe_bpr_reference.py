"""Two-hundred-ninety-eighth probe (faithfulness audit), BPR against an independent
implementation: one LearnBPR step of recstack's kernel equals one step of ``implicit``'s
BayesianPersonalizedRanking (``implicit.cpu.bpr.bpr_update``) on the same triple from the
same start: the same gradient of ln sigma(x_uij), the same learning-rate and regularisation
semantics (theta += lr * (g * dx/dtheta - reg * theta) on the five parameters the triple
touches, the item bias included), the user's old vector used for both item updates."""

from __future__ import annotations

import numpy as np
from implicit.cpu.bpr import RNGVector, bpr_update

from recstack.models.bpr import _compiled_sgd_block


def _implicit_step(user_factors, item_factors, item_bias, lr, reg):
    """One step of implicit on user 0 -> item 0, user 1 -> item 1: each of its two draws
    picks an interaction and a negative among the interactions' items, skipped when the
    user has it. A seed with exactly one skipped draw gives one step, whose triple is
    told by the user whose factors moved. implicit keeps the item bias as the item
    vector's last entry, against a constant 1 in the user vector."""
    indptr, items, users = (np.array([0, 1, 2], np.int32), np.array([0, 1], np.int32),
                            np.array([0, 1], np.int32))
    for seed in range(200):
        x = np.ascontiguousarray(np.hstack([user_factors, np.ones((2, 1), np.float32)]))
        y = np.ascontiguousarray(np.hstack([item_factors, item_bias[:, None]]))
        _, skipped = bpr_update(RNGVector(1, 1, np.array([seed])), users, items, indptr,
                                x, y, lr, reg, 1, True)
        if skipped == 1:
            moved = [u for u in range(2) if not np.array_equal(x[u, :-1], user_factors[u])]
            assert len(moved) == 1 and np.all(x[:, -1] == 1.0)
            return moved[0], x[:, :-1], y[:, :-1], y[:, -1]
    raise AssertionError("no seed gave exactly one step")


def test_one_step_equals_implicits_bpr_update():
    rng = np.random.default_rng(298)
    user_factors = rng.normal(size=(2, 4)).astype(np.float32)
    item_factors = rng.normal(size=(2, 4)).astype(np.float32)
    item_bias = np.array([0.3, -0.2], np.float32)
    lr, reg = 0.1, 0.05
    user, want_users, want_items, want_bias = _implicit_step(user_factors, item_factors,
                                                             item_bias, lr, reg)
    # recstack on the same triple: the user's one positive is item `user`, the other item
    # is the only negative
    indptr, indices = np.array([0, 1, 2], np.int64), np.array([0, 1], np.int32)
    users, items, bias = user_factors.copy(), item_factors.copy(), item_bias.copy()
    counts = _compiled_sgd_block()(indptr, indices, np.array([0, 1], np.int32),
                                   np.array([user], np.int64), 0, 1, 2, users, items, bias,
                                   lr, reg, 0)
    assert tuple(counts)[1:] == (1, 0)
    np.testing.assert_allclose(users, want_users, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(items, want_items, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(bias, want_bias, rtol=1e-6, atol=1e-7)
    # and the step did move all five parameters it touches
    assert not np.allclose(users[user], user_factors[user])
    assert not np.allclose(bias, item_bias)
