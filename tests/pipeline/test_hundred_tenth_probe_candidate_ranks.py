"""Hundred-tenth probe: hand-built candidates whose ranks leave 1..n_per_source + 1, are
fractions, or mark a scored item as not proposed (and infinite scores) were accepted, and
became rank and n_sources features outside anything a ranker was trained on. They are
refused now, naming the row, the source and the rule; candidates as generate_candidates
writes them (a proposed item ranked 1..n, one not proposed NaN and n + 1) are read as
before."""

from __future__ import annotations

import re

import numpy as np
import pytest

from recstack.errors import RecstackError
from recstack.pipeline.candidates import Candidates

USERS, ITEMS = np.array([0, 0, 1, 2]), np.array([0, 2, 0, 1])
SCORES = np.array([[0.9, np.nan], [np.nan, 0.4], [0.5, 0.3], [0.1, np.nan]], np.float32)
#: n_per_source = 2: proposed items ranked 1..2, the others 3
RANKS = np.array([[1, 3], [3, 1], [1, 2], [1, 3]], np.float32)


def candidates(scores=SCORES, ranks=RANKS) -> Candidates:
    return Candidates(USERS, ITEMS, scores, ranks, ("pop", "knn"), 2)


@pytest.mark.parametrize(("row", "column", "rank", "said"), [
    (1, 1, 7, "rank 7; a rank is a whole number in 1..n_per_source = 1..2 for a proposed "
              "item, n_per_source + 1 = 3 for one not proposed"),
    (2, 0, 1.5, "rank 1.5; a rank is a whole number"),
    (0, 0, 0, "rank 0; a rank is a whole number"),
    (2, 1, 3, "score 0.3 with rank 3, the rank of an item it did not propose"),
])
def test_a_rank_outside_the_rule_is_refused_naming_row_and_source(row, column, rank, said):
    ranks = RANKS.copy()
    ranks[row, column] = rank
    source = ("pop", "knn")[column]
    with pytest.raises(RecstackError, match=rf"^Candidates: row {row} \(user {USERS[row]}, "
                                            rf"item {ITEMS[row]}\) has, for source "
                                            rf"'{source}', {re.escape(said)}"):
        candidates(ranks=ranks)


def test_an_infinite_score_is_refused():
    scores = SCORES.copy()
    scores[3, 0] = np.inf
    with pytest.raises(RecstackError, match=r"row 3 \(user 2, item 1\) has, for source 'pop', "
                                            r"a score of inf; a source's score is finite, or "
                                            r"NaN where it did not propose the item"):
        candidates(scores=scores)


def test_candidates_as_generate_candidates_writes_them_are_read():
    built = candidates()
    np.testing.assert_array_equal(built.ranks, RANKS)
    # the best rank over the sources, as hard negative sampling orders them
    np.testing.assert_array_equal(built.best_rank(), [1, 1, 1, 1])
