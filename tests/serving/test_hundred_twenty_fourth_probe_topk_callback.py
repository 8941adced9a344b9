"""Hundred-twenty-fourth probe: ``top_k_batched`` took the scoring callback's blocks on
trust. A callback whose blocks changed width (no ``n_items`` given) ended in numpy's "all
the input array dimensions ... must match exactly" after every block was scored; one that
returned a 1-d row, a tuple or None was "scores must be a 2-d array" (or numpy's
"inhomogeneous shape") without saying the callback returned it. Each is now one
ConfigError naming the callback, the rows of the block and the shape expected."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.errors import ConfigError
from recstack.topk import top_k_batched


def _narrowing(rows: np.ndarray) -> np.ndarray:
    # 10 columns for the first block, 9 for the next
    return np.ones((len(rows), 10 if rows[0] == 0 else 9))


def test_a_block_narrower_than_the_first_is_refused_naming_both():
    with pytest.raises(ConfigError, match=r"^top_k_batched: the scoring function _narrowing "
                       r"returned scores of shape \(3, 9\) for 3 rows; expected 3 x 10 \(the "
                       r"width of its first block, rows \[0, 1, 2\]\) .*the block of rows "
                       r"\[3, 4, 5\]$"):
        top_k_batched(_narrowing, np.arange(6), 10, batch_size=3)


def test_a_block_of_the_wrong_width_names_n_items():
    with pytest.raises(ConfigError, match=r"_wide returned scores of shape \(2, 11\) for 2 rows; "
                       r"expected 2 x 10 \(n_items\)"):
        def _wide(rows):
            return np.ones((len(rows), 11))
        top_k_batched(_wide, np.arange(2), 3, n_items=10)


def test_a_block_of_too_few_rows_is_refused():
    def short(rows):
        return np.ones((len(rows) - 1, 5))
    with pytest.raises(ConfigError, match=r"short returned scores of shape \(1, 5\) for 2 rows; "
                       r"expected 2 rows"):
        top_k_batched(short, np.arange(2), 3)


@pytest.mark.parametrize(("returned", "described"), [
    (lambda rows: np.ones(5), r"an array of shape \(5,\) and dtype float64"),
    (lambda rows: np.ones((len(rows), 5, 1)), r"an array of shape \(2, 5, 1\) and dtype float64"),
    (lambda rows: None, "None"),
    (lambda rows: (np.ones((len(rows), 5)), 1), "a tuple"),
])
def test_a_block_that_is_not_a_table_of_scores_names_the_callback(returned, described):
    with pytest.raises(ConfigError, match=r"^top_k_batched: the scoring function "
                       r".*<lambda> returned " + described + r" for rows \[0, 1\]; "
                       r"expected an array of 2 x n_items scores"):
        top_k_batched(returned, np.arange(2), 3)


def test_blocks_of_one_width_still_rank_by_the_rule():
    # ties broken by the lower index, across blocks
    scores = np.array([[0.5, 0.9, 0.5, 0.9], [1.0, 0.0, 1.0, 0.0], [0.1, 0.2, 0.3, 0.4]])
    items, values = top_k_batched(lambda rows: scores[rows], np.arange(3), 2, batch_size=2)
    assert items.tolist() == [[1, 3], [0, 2], [3, 2]]
    assert values.tolist() == [[0.9, 0.9], [1.0, 1.0], [0.4, 0.3]]
