"""Sixth bad-input probe, the neighbour tables and label sets of the embedding analyses:
query rows given as true/false (a boolean mask of the rows wanted) were read as the rows 0
and 1, so a mask picking rows 0 and 5 of six listed the neighbours of rows 1, 0, 0, 0, 0, 1
without a word."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.analysis.neighbours import cosine_top_k, nearest_neighbours
from recstack.errors import RecstackError

VECTORS = np.random.default_rng(0).normal(size=(6, 3))
MASK = np.array([True, False, False, False, False, True])


@pytest.mark.parametrize(("queries", "position"), [
    (MASK, 0), ([True], 0), (True, 0), (np.True_, 0), ([0, True], 1),
    (pd.Series(MASK), 0),
])
def test_true_false_query_rows_are_refused_by_position(queries, position):
    with pytest.raises(RecstackError, match=rf"query rows must be row numbers, not true/false; "
                                            rf"position {position} holds a boolean \(for a "
                                            r"mask of rows, give np.flatnonzero\(mask\)\)"):
        nearest_neighbours(VECTORS, queries, 2)
    with pytest.raises(RecstackError, match="not true/false"):
        cosine_top_k(VECTORS, queries, 2)

