"""Hundred-ninety-ninth probe: a score row holding both ``NaN`` and ``+inf`` (a model that
overflowed in one place and diverged in another) had its ``+inf`` item lead the list
without the :class:`~recstack.topk.InfiniteScoresWarning` every other row with ``+inf``
gets: rows were counted by their maximum, which ``NaN`` hides."""
from __future__ import annotations

import numpy as np
import pytest

from recstack.topk import InfiniteScoresWarning, NaNScoresWarning, top_k, top_k_batched

ROWS = np.array([[1.0, -np.inf, np.nan, np.inf],   # NaN and +inf
                 [np.nan, np.nan, 0.0, 1.0],        # NaN only
                 [np.inf, 2.0, 3.0, 4.0]])          # +inf only


@pytest.mark.parametrize("method", ["numpy", "auto"])
def test_a_row_with_nan_and_inf_counts_for_both_warnings(method):
    with pytest.warns(InfiniteScoresWarning, match=r"top_k: 2 of 3 score row\(s\) hold \+inf"), \
            pytest.warns(NaNScoresWarning, match=r"top_k: 2 of 3 score row\(s\) hold NaN"):
        indices, values = top_k(ROWS, 4, method=method)
    # by hand: +inf first, then the numbers, -inf, NaN last (ties by the lower index)
    assert indices.tolist() == [[3, 0, 1, 2], [3, 2, 0, 1], [0, 3, 2, 1]]
    assert values[0].tolist()[:3] == [np.inf, 1.0, -np.inf] and np.isnan(values[0, 3])


def test_the_batched_selection_counts_them_alike():
    with pytest.warns(InfiniteScoresWarning,
                      match=r"top_k_batched: 2 of 3 score row\(s\) hold \+inf"), \
            pytest.warns(NaNScoresWarning):
        indices, _ = top_k_batched(lambda rows: ROWS[rows], np.arange(3), 2, batch_size=1)
    assert indices.tolist() == [[3, 0], [3, 2], [0, 3]]
