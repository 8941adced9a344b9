"""Hundred-thirty-eighth probe, errors of shared inner functions name the function called.

``union(train, other)`` said "concat: part 2's user ids ..." (union calls concat), a list
given to union was "concat: part 1 takes recstack Interactions, got list", and
``select``'s errors named no function at all."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.adjacency import union
from recstack.data.interactions import Interactions, concat
from recstack.errors import ConfigError, RecstackError

A = Interactions.from_arrays([1, 2, 3], [1, 2, 3])
B = Interactions.from_arrays([1, 2, 4], [1, 2, 3])


def test_union_of_other_vocabularies_names_union():
    with pytest.raises(RecstackError, match=r"^union: part 2's user ids are not those of "
                                            r"part 1 \(e\.g\. 4 is not in part 1\)"):
        union(A, B)


@pytest.mark.parametrize("other", [None, A.to_frame()])
def test_union_of_something_else_names_union(other):
    with pytest.raises(RecstackError, match=r"^union: part 2 takes recstack Interactions"):
        union(A, other)


def test_union_given_one_list_says_the_parts_are_arguments():
    with pytest.raises(RecstackError, match=r"^union takes the parts as separate arguments, "
                                            r"got one list of 2; write union\(\*parts\)"):
        union([A, A])
    # the parts as arguments are their union: each pair once
    assert len(union(A, A)) == 3


def test_concat_still_names_itself():
    with pytest.raises(RecstackError, match=r"^concat: part 2's user ids"):
        concat([A, B])


@pytest.mark.parametrize(("rows", "said"), [
    ([0.5], r"^select: expected a boolean mask or integer positions of rows"),
    ([5], r"^select: positions out of range 0\.\.2 for 3 rows, e\.g\. \[5\]"),
    (np.array([True, False]), r"^select: mask has \(2,\) entries for 3 rows"),
])
def test_select_names_itself(rows, said):
    with pytest.raises(ConfigError, match=said):
        A.select(rows)
