"""Sixth bad-input probe, scores handed to the top-K selection (by a scorer the evaluator
runs, or to :func:`recstack.topk.writable_scores` directly): a scipy sparse matrix was
refused as "an array of dtype object", and a numpy masked array was read as the values
under its mask, so the masked items were ranked by whatever they held."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.evaluation.evaluator import Evaluator
from recstack.topk import writable_scores


class _Scorer:
    name = "handmade"

    def __init__(self, scores):
        self._scores = scores

    def score_users(self, user_indices):
        return self._scores(user_indices)


@pytest.fixture(scope="module")
def split():
    users = np.array([0, 0, 1, 1, 2, 2, 3, 3, 0, 1, 2, 3])
    items = np.array([1, 2, 2, 3, 1, 3, 1, 4, 3, 1, 4, 2])
    data = Interactions.from_arrays(users, items)
    first = np.arange(len(data)) < 8
    return data.select(first), data.select(~first)


def _masked(rows: int) -> np.ma.MaskedArray:
    # the mask hides the item each user would otherwise get first
    values = np.tile(np.array([1.0, 0.5, 0.25, 0.125]), (rows, 1))
    mask = np.zeros(values.shape, bool)
    mask[:, 0] = True
    return np.ma.masked_array(values, mask=mask)


def test_sparse_scores_are_refused_with_the_remedy(split):
    train, test = split
    scorer = _Scorer(lambda users: sp.csr_matrix(np.ones((len(users), train.n_items))))
    with pytest.raises(RecstackError, match=r"handmade returned scores .*dense \(rows x items\) "
                                            r"array, got a scipy sparse 4 x 4 matrix; densify "
                                            r"it with \.toarray\(\)"):
        Evaluator(ks=[2]).evaluate(scorer, train, test)


def test_masked_scores_are_refused_not_read_under_the_mask(split):
    train, test = split
    with pytest.raises(RecstackError, match=r"masked array with 4 masked entries.*"
                                            r"scores\.filled\(-np\.inf\)"):
        Evaluator(ks=[2]).evaluate(_Scorer(lambda users: _masked(len(users))), train, test)


@pytest.mark.parametrize("scores", [sp.csr_matrix(np.ones((2, 3))), _masked(2)])
def test_writable_scores_refuses_sparse_and_masked_scores(scores):
    with pytest.raises(ConfigError, match="dense|masked"):
        writable_scores(scores)
