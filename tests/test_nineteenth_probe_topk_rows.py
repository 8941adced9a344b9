"""Nineteenth bad-input probe, ``recstack.topk.top_k_batched``: the rows to rank and the
scoring function were used unchecked. Float or true/false indices failed inside the
scoring function ("arrays used as indices must be of integer type"), a 2-d array of indices
was blamed on the scores' shape, a negative index silently took the exclusions of a row
counted from the end, and a scoring function or catalog size of the wrong kind was a
TypeError. Each test failed before its fix."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from recstack.errors import ConfigError
from recstack.topk import top_k_batched

SCORES = np.array([[0.5, 0.9, 0.1], [0.1, 0.2, 0.3]])


def score(rows):
    return SCORES[rows]


@pytest.mark.parametrize("rows, says", [
    (np.array([0.0, 1.0]), r"got an array of shape \(2,\) and dtype float64"),
    (np.array([True, False]), r"got an array of shape \(2,\) and dtype bool"),
    (np.array([[0, 1]]), r"got an array of shape \(1, 2\) and dtype int64"),
])
def test_rows_that_are_not_a_list_of_indices_are_refused(rows, says):
    with pytest.raises(ConfigError, match=r"^user_index must be a 1-d array of row indices "
                                          r"\(whole numbers from 0\), " + says):
        top_k_batched(score, rows, 2)


def test_a_negative_row_is_refused_not_masked_from_the_end():
    # row -1 took exclude's last row: item 2 masked for what the scorer read as row 1
    exclude = sp.csr_matrix(np.array([[0, 0, 0], [0, 0, 1]]))
    with pytest.raises(ConfigError, match=r"^user_index holds -1; row indices count from 0$"):
        top_k_batched(score, np.array([-1]), 2, exclude=exclude)


def test_a_row_beyond_the_exclusions_is_refused():
    with pytest.raises(ConfigError, match=r"^user_index holds 2, but exclude has 2 rows "
                                          r"\(indices 0 to 1\)$"):
        top_k_batched(score, np.array([2]), 2, exclude=sp.csr_matrix((2, 3)))


def test_scores_instead_of_a_scoring_function_are_refused():
    # was TypeError: 'numpy.ndarray' object is not callable
    with pytest.raises(ConfigError, match=r"^score_batch must be a function of row indices "
                                          r"returning their score rows .*got ndarray$"):
        top_k_batched(SCORES, np.array([0, 1]), 2)


@pytest.mark.parametrize("n_items", ["3", -1, 2.5, True])
def test_a_catalog_size_that_is_not_a_whole_number_is_refused(n_items):
    # "3" was TypeError: unsupported operand type(s) for //: 'int' and 'str'
    with pytest.raises(ConfigError, match=r"^n_items must be the catalog size \(a whole "
                                          r"number >= 0\) or None, got "):
        top_k_batched(score, np.array([0, 1]), 2, n_items=n_items)


def test_a_list_of_rows_and_a_dense_mask_still_rank_by_the_rule():
    # row 0: 0.9 (item 1), 0.5 (item 0); row 1 with item 2 masked: 0.2 (1), 0.1 (0)
    top, values = top_k_batched(score, [0, 1], 2, exclude=np.array([[0, 0, 0], [0, 0, 1]]))
    assert top.tolist() == [[1, 0], [1, 0]]
    assert values.tolist() == [[0.9, 0.5], [0.2, 0.1]]
    empty, _ = top_k_batched(score, [], 2)
    assert empty.shape == (0, 2)
