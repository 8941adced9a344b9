"""Contextual bandits at the edges of float64: contexts so large that scipy's trust-region
solver itself failed (an UnboundLocalError from inside scipy) now get the model's own error
naming the column; a tiny prior precision no longer makes LinUCB's first scores infinite
(and the contexts blamed for it)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from recstack.pipeline.bandit_checks import BanditInputError
from recstack.pipeline.bandits import ContextualThompson, LinUCB


@pytest.mark.parametrize("policy", [LinUCB, ContextualThompson])
@pytest.mark.parametrize("size", [1e30, 1e20])
def test_huge_contexts_are_refused_naming_the_column_not_a_scipy_traceback(policy, size):
    contexts = np.full((1, 1, 2), size)
    # named as the policy's user gave them (its contexts, a position in them), not as the
    # inner model's X and a row of the flattened contexts
    with pytest.raises(BanditInputError, match=rf"{policy.name}\.update: feature 0 \(last "
                       r"axis\) of contexts holds values up to "
                       rf"{size:.0e}".replace("+", r"\+")
                       + r" \(contexts\[0, 0, 0\]\).*standardise"):
        policy(n_items=3, n_features=2).update([0], [[0]], [[1.0]], contexts=contexts)


@pytest.mark.parametrize("precision", [1e-320, 1e-300, 1.0])
def test_linucb_before_feedback_scores_the_bound_at_any_prior_precision(precision):
    # before any feedback the bound is alpha * sqrt(|x|^2 / lambda): the item with the
    # longest context wins, whatever lambda
    contexts = np.array([[[1.0, 0.0], [3.0, 4.0], [0.0, 2.0]]])
    policy = LinUCB(n_items=3, n_features=2, prior_precision=precision, alpha=0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "overflow encountered in divide" before
        chosen = policy.select([0], 3, contexts=contexts)
    assert chosen.tolist() == [[1, 2, 0]]
