"""Two hundred twentieth bad-input probe: numeric label codes in ``label_matrix`` and
``neighbourhood_coherence``. A code is known by its value (``2``, ``2.0``, ``np.float32(2)``
and ``"2"`` are one label: a column of codes with a missing value is read as floats), and
true/false, complex numbers and infinities are refused instead of becoming labels."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from recstack.analysis.neighbours import label_matrix, neighbourhood_coherence
from recstack.errors import RecstackError

# two clusters of three directions, each row's two nearest neighbours the rest of its own
VECTORS = np.array([[1.0, 0.1], [1.0, 0.2], [1.0, 0.3],
                    [0.1, 1.0], [0.2, 1.0], [0.3, 1.0]])


def test_one_code_written_as_int_float_or_text_is_one_label():
    matrix, names = label_matrix([1, 1.0, np.float32(1), [2, 2.0], "2", np.int8(2),
                                  Decimal("2.00"), Fraction(4, 2), 1.5, Decimal("1.5")])
    # "1.0" and "2.0" were labels of their own beside "1" and "2"
    assert names == ["1", "2", "1.5"]
    assert matrix.toarray().tolist() == [[1, 0, 0], [1, 0, 0], [1, 0, 0], [0, 1, 0],
                                         [0, 1, 0], [0, 1, 0], [0, 1, 0], [0, 1, 0],
                                         [0, 0, 1], [0, 0, 1]]


def test_coherence_counts_codes_read_as_floats_as_the_same_genre():
    # every item's 2 neighbours are its cluster, all of one code: score 1. Before, "1" and
    # "1.0" (and "2" and "2.0") were different genres: (0 + .5 + .5 + .5 + 0 + .5) / 6 = 1/3
    labels = [1, 1.0, np.float32(1.0), 2, 2.0, "2"]
    result = neighbourhood_coherence(VECTORS, labels, k=2)
    assert result.score == pytest.approx(1.0)


@pytest.mark.parametrize(("bad", "said"), [
    (True, r"labels entry 0 holds True, a true/false value, not a label"),
    ([1, np.True_], r"labels entry 0 holds True, a true/false value"),
    (1j, r"labels entry 0 holds 1j, not a label: .*finite real number"),
    (float("inf"), r"labels entry 0 holds inf, not a label"),
    ([np.float64("-inf")], r"labels entry 0 holds -inf, not a label"),
])
def test_booleans_complex_numbers_and_infinities_are_refused_by_entry(bad, said):
    # True became the label "True", 1j "1j" and inf the label "inf"
    with pytest.raises(RecstackError, match=said):
        label_matrix([bad, "x"])
