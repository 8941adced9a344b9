"""Hundred-thirty-third probe: ``top_k_batched`` handed rows past the end of the caller's
scoring function (no ``exclude`` to bound them) ended in numpy's "index 12 is out of bounds
for axis 0 with size 10" from inside that function, naming neither the block nor its rows.
It is now a ConfigError naming the function, the block and its index range."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.errors import ConfigError
from recstack.topk import top_k_batched

FACTORS = np.random.default_rng(0).normal(size=(10, 4))
ITEMS = np.random.default_rng(1).normal(size=(7, 4))


def score_rows(rows: np.ndarray) -> np.ndarray:
    return FACTORS[rows] @ ITEMS.T


def test_rows_past_the_functions_end_are_named_by_block():
    with pytest.raises(ConfigError) as raised:
        top_k_batched(score_rows, np.arange(25), 3, batch_size=4)
    message = str(raised.value)
    # 25 rows in blocks of 4: rows 8-11 are the third of seven blocks, and row 10 the first
    # that 10 rows of factors cannot score
    assert message.startswith("top_k_batched: the scoring function score_rows could not "
                              "score the block of rows [8, 9, ..., 11] (block 3 of 7, "
                              "indices 8 to 11): index 10 is out of bounds")
    assert message.endswith("user_index must hold only rows the function scores (from 0 to "
                            "its row count - 1)")


def test_a_single_block_is_named_too():
    with pytest.raises(ConfigError, match=r"could not score the block of rows \[0, 1, 12\] "
                       r"\(block 1 of 1, indices 0 to 12\)"):
        top_k_batched(score_rows, np.array([0, 1, 12]), 3)


def test_rows_in_range_are_ranked_as_before():
    items, scores = top_k_batched(score_rows, np.arange(10), 3, batch_size=4)
    expected = np.argsort(-(FACTORS @ ITEMS.T), axis=1, kind="stable")[:, :3]
    np.testing.assert_array_equal(items, expected)
