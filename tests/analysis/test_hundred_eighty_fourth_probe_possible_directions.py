"""Hundred-eighty-fourth bad-input probe of the embedding analyses: ``embedding_health``
judged collapse against the vectors' width only, so 2 items (whose centred vectors always
lie on one line) or vectors of one dimension were "collapsed: the first direction carries
100% of the variance" however they were spread. Collapse is judged now against the
directions the vectors can span, ``min(n_rows - 1, dim)``, and the reading says when that
is fewer than the width; vectors that are all the same are still collapsed."""

from __future__ import annotations

import math

import numpy as np

from recstack.analysis import embedding_health


def test_two_vectors_are_not_collapsed_for_lying_on_one_line():
    health = embedding_health(np.array([[1.0, 2.0, 0.0, 5.0], [-3.0, 0.5, 4.0, 1.0]]))
    assert health.possible_directions == 1
    assert not health.collapsed and health.findings() == []
    assert health.reading() == ("1.0 of 4 dimensions in use (effective rank; 2 vectors span "
                                "at most 1); first direction 100% of the variance. No "
                                "problem found.")


def test_one_dimensional_vectors_are_not_collapsed_for_having_one_direction():
    health = embedding_health(np.arange(1.0, 11.0).reshape(-1, 1))
    assert not health.collapsed and health.findings() == []


def test_vectors_all_the_same_are_still_collapsed():
    for vectors in (np.full((6, 1), 3.0), np.full((2, 4), 3.0)):
        health = embedding_health(vectors)
        assert health.collapsed
        assert health.findings()[0].startswith("collapsed: ")


def test_three_vectors_judged_against_two_directions():
    # centred rows (1, -1/3), (-1, -1/3), (0, 2/3): scatter diag(2, 2/3), shares 3/4, 1/4;
    # the effective rank (Roy & Vetterli 2007) normalises the singular values sqrt(2),
    # sqrt(2/3), in ratio sqrt(3) : 1
    spread = embedding_health(np.array([[1.0, 0, 0, 0], [-1.0, 0, 0, 0], [0, 1.0, 0, 0]]))
    p = math.sqrt(3) / (math.sqrt(3) + 1)
    rank = math.exp(-(p * math.log(p) + (1 - p) * math.log(1 - p)))
    assert math.isclose(spread.first_component_share, 0.75)
    assert math.isclose(spread.effective_rank, rank)
    assert not spread.collapsed
    assert spread.reading() == ("1.9 of 4 dimensions in use (effective rank; 3 vectors span "
                                "at most 2); first direction 75% of the variance. No problem "
                                "found.")
    # on one line although they could span two: collapsed, as before
    line = embedding_health(np.array([[1.0, 1, 0, 0], [2.0, 2, 0, 0], [4.0, 4, 0, 0]]))
    assert line.collapsed
    assert line.findings()[0] == ("collapsed: the first direction carries 100% of the "
                                  "variance and only 1.0 of 4 dimensions are in use; 3 "
                                  "vectors span at most 2")
