"""``Evaluator(ks=...)``: a set of cut-offs (their order is no matter: they are sorted) was
refused as no list; a refused entry (0, a negative, a float 10.0, a boolean) was not named,
nor its position, and numpy's scalars were shown as ``np.float64(1.0)``."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.errors import ConfigError
from recstack.evaluation.evaluator import Evaluator

START = r"^ks must be a list of positive integers such as \[10, 20\], got "


@pytest.mark.parametrize("ks", [{20, 5}, frozenset({5, 20}), range(5, 25, 15),
                                np.array([20, 5]), (np.int64(5), 20)])
def test_every_flat_collection_of_whole_numbers_is_taken(ks):
    assert Evaluator(metrics=("recall",), ks=ks).ks == [5, 20]


@pytest.mark.parametrize(("ks", "says"), [
    ([10, 0], r"\[10, 0\] \(K = 0 at position 1 is below 1: a cut-off counts list positions "
              r"from 1\)$"),
    ({0, 5}, r"\[0, 5\] \(K = 0 at position 0 is below 1"),
    ([-3], r"\[-3\] \(K = -3 at position 0 is below 1"),
    ([5, 10.0], r"\[5, 10.0\] \(10.0 at position 1 is a float: write the whole number 10\)$"),
    (np.array([5.0, 10.0]), r"\[5.0, 10.0\] \(5.0 at position 0 is a float: write the whole "
                            r"number 5\)$"),
    ([2.5], r"\[2.5\] \(2.5 at position 0 is not a whole number\)$"),
    ([5, True], r"\[5, True\] \(the boolean True at position 1 is no cut-off"),
    ([], r"\[\] \(no cut-off at all: give at least one, e.g. \[10\]\)$"),
    ("10", r"'10' \(text: give the numbers, e.g. \[10\] for '10'\)$"),
    (10, r"10 \(one number: write it as a list, \[10\]\)$"),
    (np.array([[5, 10]]), r"array.*\(an array of 2 dimensions: give one flat list"),
])
def test_a_refused_cutoff_is_named_with_its_position(ks, says):
    with pytest.raises(ConfigError, match=START + says):
        Evaluator(metrics=("recall",), ks=ks)
