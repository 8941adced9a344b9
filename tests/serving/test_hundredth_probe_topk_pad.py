"""``pad_columns`` given a list of items and scores of different shapes: each score was
put one slot away from its item without a word."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.errors import ConfigError
from recstack.topk import pad_columns


@pytest.mark.parametrize("top_shape, score_shape", [((2, 5), (2, 4)), ((2, 5), (3, 5)),
                                                    ((5,), (5,))])
def test_items_and_scores_of_other_shapes_are_refused(top_shape, score_shape):
    with pytest.raises(ConfigError, match=r"pad_columns: top and scores must be 2-d arrays "
                                          r"of one shape"):
        pad_columns(np.zeros(top_shape, np.int64), np.zeros(score_shape, np.float32), 6)


def test_padding_adds_empty_slots_by_its_definition():
    top, scores = pad_columns(np.array([[3, 1]]), np.array([[0.5, 0.25]], np.float32), 4)
    # empty slots: item index 0 with score -inf, after the given ones
    assert top.tolist() == [[3, 1, 0, 0]]
    assert scores.tolist() == [[0.5, 0.25, -np.inf, -np.inf]]
