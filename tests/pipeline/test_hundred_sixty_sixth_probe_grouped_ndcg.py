"""Hundred-sixty-sixth bad-input probe of ``grouped_ndcg`` (the rankers' validation nDCG):
a group whose rows were split (``groups = [0, 1, 0]``) was counted as two groups, a NaN
score was ranked as the lowest, a NaN label made the mean NaN and a negative label gave a
number, all without a word. Each is refused with the row (or the group's rows); groups of
any labels, contiguous, are read as before."""

from __future__ import annotations

import math

import numpy as np
import pytest

from recstack.errors import RecstackError
from recstack.pipeline.rankers.base import grouped_ndcg


@pytest.mark.parametrize(("scores", "labels", "groups", "said"), [
    ([3.0, 2.0, 1.0], [0.0, 1.0, 1.0], [0, 1, 0],
     "the rows of a group must be contiguous; group 0 runs to row 0 and starts again at "
     "row 2; sort the rows by group first"),
    ([3.0, np.nan, 1.0], [0.0, 1.0, 1.0], [0, 0, 0], "scores must be finite, row 1 is nan"),
    ([3.0, 2.0, np.inf], [0.0, 1.0, 1.0], [0, 0, 0], "scores must be finite, row 2 is inf"),
    ([3.0, 2.0, 1.0], [0.0, np.nan, 1.0], [0, 0, 0], "labels must be finite, row 1 is nan"),
    ([3.0, 2.0, 1.0], [0.0, -1.0, 1.0], [0, 0, 0],
     r"labels must be >= 0 \(graded relevance\), row 1 has -1"),
    ([3.0, 2.0, 1.0], ["a", "b", "c"], [0, 0, 0], "labels must be an array of numbers"),
])
def test_grouped_ndcg_refuses_what_it_cannot_score(scores, labels, groups, said):
    with pytest.raises(RecstackError, match=f"^grouped_ndcg: {said}"):
        grouped_ndcg(np.array(scores), np.array(labels), np.array(groups))


def test_grouped_ndcg_of_contiguous_groups_by_hand():
    """One group, scores 3, 2, 1 and labels 0, 1, 1: DCG = 1 / log2(3) + 1 / log2(4), IDCG
    = 1 + 1 / log2(3). Two groups 'b' (labels 0, 1 ranked in that order: 1 / log2(3)) and
    'a' (one relevant row: 1): their mean."""
    one = grouped_ndcg(np.array([3.0, 2.0, 1.0]), np.array([0.0, 1.0, 1.0]), np.zeros(3, int))
    assert one == pytest.approx((1 / math.log2(3) + 0.5) / (1 + 1 / math.log2(3)))
    two = grouped_ndcg([3, 2, 1], [0, 1, 1], np.array(["b", "b", "a"]))
    assert two == pytest.approx((1 / math.log2(3) + 1.0) / 2)
