"""Forty-third probe, ``to_csr()`` (float32, the default) of repeated (user, item) rows
whose values sum past float32's range: the cell was ``inf`` without a word (each value
is a finite float32, so nothing refused them on the way in), and every score built on it
NaN. It is refused now, naming the pair, as ``deduplicate("sum")`` refuses it; a sum
that only overflows on the way (``big + big - big``) is the float64 sum."""

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import DataFormatError

BIG = float(np.finfo(np.float32).max)


def test_a_sum_beyond_float32_is_refused_naming_the_pair():
    data = Interactions.from_arrays(["u", "u", "v"], ["i", "i", "i"], [BIG, BIG, 1.0])
    with pytest.raises(DataFormatError, match=r"to_csr\(dtype=float32\): the values of user "
                                              r"'u' and item 'i' sum to 6\.81e\+38 .*beyond "
                                              r"float32's range .*to_csr\(dtype=np\.float64\)"):
        data.to_csr()


def test_float64_holds_the_sum():
    data = Interactions.from_arrays(["u", "u"], ["i", "i"], [BIG, BIG])
    assert data.to_csr(np.float64).toarray().tolist() == [[2 * BIG]]


def test_an_overflow_only_on_the_way_gives_the_true_sum():
    data = Interactions.from_arrays([1, 1, 1, 2], [1, 1, 1, 1], [BIG, BIG, -BIG, 0.5])
    matrix = data.to_csr()
    assert matrix.dtype == np.float32
    # by definition: BIG + BIG - BIG = BIG, which float32 holds exactly
    assert matrix.toarray().tolist() == [[BIG], [0.5]]


def test_ordinary_sums_are_unchanged():
    data = Interactions.from_arrays([1, 1, 2], [1, 1, 2], [1.5, 2.0, 3.0])
    assert data.to_csr().toarray().tolist() == [[3.5, 0.0], [0.0, 3.0]]
