"""Forty-third probe, ``Interactions`` built directly from index arrays (as a model's
training view or a loader does) took indices outside the vocabularies, non-finite
values, a vocabulary that is not an IdMap and a reversed rating range without a word:
``to_csr`` then failed in scipy ("axis 0 index 5 exceeds matrix dimension 2"),
``user_counts`` in numpy ("'list' argument must have no negative elements"), far from the
cause. The constructor now refuses them, naming the array, the row and the bounds."""

import numpy as np
import pytest

from recstack.data.idmap import IdMap
from recstack.data.interactions import Interactions
from recstack.errors import DataFormatError


def build(users=(0, 1), items=(0, 1), values=(1.0, 1.0), **options):
    return Interactions(np.array(users, np.int32), np.array(items, np.int32),
                        np.array(values, np.float32), None, options.pop("vocab", IdMap([7, 8])),
                        IdMap(["a", "b"]), **options)


@pytest.mark.parametrize(("users", "items", "name", "row", "bad"), [
    ((0, 5), (0, 1), "user_index", 1, 5),
    ((0, -1), (0, 1), "user_index", 1, -1),
    ((0, 1), (2, 0), "item_index", 0, 2),
])
def test_an_index_outside_the_vocabulary_is_refused_by_row(users, items, name, row, bad):
    with pytest.raises(ValueError, match=rf"^{name} holds 1 index\(es\) outside 0\.\.1 "
                                         rf"\(the 2 ids of \w+\), first at row {row}: {bad}$"):
        build(users, items)


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_non_finite_values_are_refused(value):
    with pytest.raises(DataFormatError, match=r"column 'value': 1 non-finite value\(s\), "
                                              r"first at row 1"):
        build(values=(1.0, value))


def test_a_vocabulary_that_is_not_an_idmap_is_refused():
    with pytest.raises(TypeError, match=r"^users must be an IdMap .* got list"):
        build(vocab=[7, 8])


def test_a_reversed_rating_range_is_refused():
    with pytest.raises(DataFormatError, match=r"rating_range = \(5, 1\)"):
        build(rating_range=(5, 1))


def test_valid_arrays_still_build_and_slice():
    data = build(rating_range=(1, 5))
    assert data.to_csr().toarray().tolist() == [[1.0, 0.0], [0.0, 1.0]]
    assert len(data.select(slice(0, 1))) == 1
    empty = Interactions(np.zeros(0, np.int32), np.zeros(0, np.int32),
                         np.zeros(0, np.float32), None, IdMap([]), IdMap([]))
    assert len(empty) == 0
