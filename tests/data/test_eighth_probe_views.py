"""Eighth probe, the views the README shows after a split: ``implicit(threshold=4)`` on data
that are implicit already (every value 1.0) or with a threshold above every rating
returned empty interactions without a word, and ``to_csr(dtype=np.int8)`` truncated half
stars and wrapped sums round."""

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, DataFormatError, EmptyResultError


def test_a_rating_threshold_on_implicit_data_says_they_are_implicit_already():
    clicks = Interactions.from_arrays([1, 1, 2], [7, 8, 7])  # a log without ratings
    with pytest.raises(EmptyResultError, match=r"implicit\(threshold=4\) keeps no row: the 3 "
                                               r"values run from 1 to 1; every value is 1\.0, "
                                               r"so these interactions are implicit already"):
        clicks.implicit(threshold=4)
    assert len(clicks.implicit()) == 3


def test_a_threshold_above_every_rating_names_the_highest():
    ratings = Interactions.from_arrays([1, 1, 2], [7, 8, 7], [5.0, 2.0, 4.0],
                                       rating_range=(1, 5))
    with pytest.raises(EmptyResultError, match=r"values run from 2 to 5; choose a threshold "
                                               r"of at most 5"):
        ratings.implicit(threshold=6)
    # the definition: rows with value >= 4 are the positives
    assert len(ratings.implicit(threshold=4)) == 2


@pytest.mark.parametrize(("values", "dtype", "shown"), [
    ([300.0], np.int8, r"is 300 .*whole numbers from -128 to 127"),
    ([100.0, 100.0], np.int8, r"is 200 \(repeated rows summed\)"),  # one pair, two rows
    ([3.5], np.int32, r"is 3\.5 .*whole numbers"),
    ([70000.0], np.float16, r"is 70000 .*float16 values"),
])
def test_a_matrix_type_that_cannot_hold_a_cell_is_refused(values, dtype, shown):
    data = Interactions.from_arrays(["u"] * len(values), ["i"] * len(values), values)
    with pytest.raises(DataFormatError, match=rf"the value of user 'u' and item 'i' {shown}"):
        data.to_csr(dtype=dtype)


def test_whole_values_still_make_an_integer_matrix():
    data = Interactions.from_arrays([1, 1, 2], [7, 7, 8], [2.0, 3.0, 4.0])
    with pytest.raises(ConfigError, match=r"to_csr: dtype must be a real number type"):
        data.to_csr(dtype=str)  # scipy's ValueError traceback before
    matrix = data.to_csr(dtype=np.int8)
    assert matrix.dtype == np.int8
    assert matrix.toarray().tolist() == [[5, 0], [0, 4]]  # 2 + 3 summed
