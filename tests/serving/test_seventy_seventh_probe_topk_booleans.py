"""Scores of true/false are refused where numbers belong (as the project refuses booleans
for every number): top_k ranked them as 1 and 0, and rows_with_nan passed them."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.errors import ConfigError
from recstack.topk import rows_with_nan, top_k, top_k_batched, top_k_threaded


@pytest.mark.parametrize("scores", [np.array([[True, False, True]]), [[True, False, True]],
                                    np.ones((2, 3), dtype=np.bool_)])
def test_top_k_refuses_boolean_scores(scores):
    with pytest.raises(ConfigError, match=r"scores must be real numbers, got booleans"):
        top_k(scores, 2)
    with pytest.raises(ConfigError, match=r"got booleans"):
        top_k_threaded(scores, 2, None, 1)
    with pytest.raises(ConfigError, match=r"got booleans"):
        rows_with_nan(scores)


def test_a_scoring_function_of_booleans_is_refused():
    with pytest.raises(ConfigError, match=r"got booleans"):
        top_k_batched(lambda rows: np.ones((len(rows), 4), dtype=bool), np.arange(2), 2)


def test_integer_scores_are_still_ranked():
    indices, values = top_k(np.array([[1, 3, 2]]), 2)
    assert indices.tolist() == [[1, 2]]
    assert values.tolist() == [[3.0, 2.0]]
