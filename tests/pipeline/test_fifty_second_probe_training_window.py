"""Fifty-second bad-input probe of the ranker's training data: window_cutoff on
interactions without any row (e.g. a filter that kept nothing) failed inside numpy with
"IndexError: index -1 is out of bounds"; it is now a RecstackError saying the interactions
have no rows."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.pipeline.training_data import window_cutoff


def interactions() -> Interactions:
    return Interactions.from_arrays(np.array([0, 0, 1, 1, 2]), np.array([0, 1, 1, 2, 0]),
                                    timestamps=np.array([1, 2, 3, 4, 5]))


def test_a_cutoff_of_interactions_without_rows_is_refused():
    empty = interactions().select(np.zeros(5, bool))
    with pytest.raises(RecstackError, match=r"^training data: the interactions have no rows"):
        window_cutoff(empty, 0.2)


def test_a_cutoff_of_interactions_with_rows_is_a_timestamp_of_theirs():
    # 5 rows, the latest 40% in the window: rows at times 4 and 5, so the cutoff is 4
    assert window_cutoff(interactions(), 0.4) == 4
