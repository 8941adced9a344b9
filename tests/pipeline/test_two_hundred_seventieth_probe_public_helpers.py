"""Round forty-five: the public helpers of the pipeline (``probit_sigmoid``, ``unit_rows``,
``long_tail_items``, ``ceil_share``) read the user's arrays unchecked: tracebacks from numpy
for text, a 1-D array or a 2-D one, and NaN (or every item the head) for a negative
variance, a NaN vector or a share of 2, without a word."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from recstack.errors import ConfigError, RecstackError
from recstack.pipeline.bayesian import probit_sigmoid
from recstack.pipeline.imbalance import ceil_share
from recstack.pipeline.rerank.debias import long_tail_items
from recstack.pipeline.rerank.diversity import unit_rows


# ------------------------------------------------------------------ probit_sigmoid
def test_probit_sigmoid_values_worked_by_hand() -> None:
    # variance 8 / pi: sigma(mu / sqrt(1 + 1)) = sigma(mu / sqrt 2); mu = 0 gives 1/2
    got = probit_sigmoid([0.0, math.sqrt(2.0)], [0.0, 8.0 / math.pi])
    assert got == pytest.approx([0.5, 1.0 / (1.0 + math.exp(-1.0))], rel=1e-12)
    # a single variance for every mean, and a single value alone
    assert probit_sigmoid([0.0, 0.0], 3.0) == pytest.approx([0.5, 0.5])
    assert float(probit_sigmoid(0.0, 0.0)) == 0.5


@pytest.mark.parametrize(("variance", "words"), [
    (-10.0, "variance must be >= 0"),
    ([1.0, -0.5], "position [1]"),
    (float("nan"), "variance must be finite"),
    (float("inf"), "variance must be finite"),
])
def test_probit_sigmoid_refuses_impossible_variances(variance: object, words: str) -> None:
    # a negative variance gave NaN (at most numpy's "invalid value in sqrt")
    with pytest.raises(RecstackError) as caught:
        probit_sigmoid([0.5, 0.5] if isinstance(variance, list) else 0.5, variance)
    assert "probit_sigmoid" in str(caught.value) and words in str(caught.value)


@pytest.mark.parametrize("mean", ["1", None, float("nan"), [[1.0], ["a"]]])
def test_probit_sigmoid_refuses_means_that_are_not_numbers(mean: object) -> None:
    # text and None failed inside numpy with a TypeError; NaN came back as NaN
    with pytest.raises(RecstackError, match=r"probit_sigmoid: mean must be"):
        probit_sigmoid(mean, 1.0)


@pytest.mark.parametrize("variance", [[1.0, 2.0], [[1.0], [2.0], [3.0]]])
def test_probit_sigmoid_refuses_shapes_that_differ(variance: list) -> None:
    # (3,) beside (3, 1) broadcast silently to a 3 x 3 table; (3,) beside (2,) was
    # numpy's "operands could not be broadcast together"
    with pytest.raises(RecstackError, match=r"mean has shape \(3,\) and variance"):
        probit_sigmoid([0.0, 1.0, 2.0], variance)


# ------------------------------------------------------------------ unit_rows
def test_unit_rows_values_worked_by_hand() -> None:
    got = unit_rows([[3.0, 4.0], [0.0, 0.0], [0.0, -2.0]])
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, [[0.6, 0.8], [0.0, 0.0], [0.0, -1.0]], rtol=1e-7)


@pytest.mark.parametrize(("vectors", "words"), [
    ([3.0, 4.0], "must be a 2-D array, got shape (2,)"),  # numpy's AxisError before
    (np.ones((2, 2, 2)), "must be a 2-D array, got shape (2, 2, 2)"),
    ([[np.nan, 1.0]], "must be finite, position [0, 0] is nan"),  # a NaN row before
    ([[1.0, np.inf]], "must be finite, position [0, 1] is inf"),  # [nan, 0] before
    ([["a", 1.0]], "must be an array of numbers"),  # "could not convert string" before
])
def test_unit_rows_refuses_what_is_not_a_table_of_numbers(vectors: object,
                                                          words: str) -> None:
    with pytest.raises(ConfigError) as caught:
        unit_rows(vectors)
    assert str(caught.value).startswith("unit_rows: vectors ")
    assert words in str(caught.value)


# ------------------------------------------------------------------ long_tail_items
def test_long_tail_items_ranks_whole_counts_past_2_to_the_53_exactly() -> None:
    # ceil(0.33 * 3) = 1 head item: the one with the most users, 2**60 + 1 (item 1); the
    # counts are checked in float64, where it equals 2**60, but ranked as given (a ranking
    # in float64 would see a tie and take the lower index, item 0)
    counts = np.array([2**60, 2**60 + 1, 5], dtype=np.int64)
    assert long_tail_items(counts, 0.33).tolist() == [True, False, True]
    # ties still go to the lower index
    assert long_tail_items([3, 3, 1, 0], 0.25).tolist() == [False, True, True, True]


@pytest.mark.parametrize(("counts", "words"), [
    ([5, -1, 3], "item_counts must be counts >= 0 (users per item), item 1 is -1"),
    ([5.0, float("nan")], "item_counts must be finite, row 1 is nan"),
    (np.ones((2, 2)), "item_counts must be a 1-D array, got shape (2, 2)"),
    ([True, False], "item_counts must be numbers, got true/false values"),
    (["5", "3"], "item_counts must be an array of numbers"),
])
def test_long_tail_items_refuses_impossible_counts(counts: object, words: str) -> None:
    # a negative or NaN count was ranked as given; a 2-D array, true/false and text
    # failed inside numpy (lexsort, "numpy boolean negative")
    with pytest.raises(ConfigError) as caught:
        long_tail_items(counts, 0.5)
    assert str(caught.value).startswith("long_tail_items: ")
    assert words in str(caught.value)


@pytest.mark.parametrize("share", [2, -0.1, float("nan"), True, "0.2", None])
def test_long_tail_items_refuses_shares_outside_0_1(share: object) -> None:
    # 2 and True made every item the head silently; NaN failed in Fraction
    with pytest.raises(ConfigError, match=r"long_tail_items: head_items must be a finite "
                                          r"number in \[0, 1\]"):
        long_tail_items([5, 1, 3, 0], share)


# ------------------------------------------------------------------ ceil_share
def test_ceil_share_values_worked_by_hand() -> None:
    assert ceil_share(0.07, 100) == 7  # the float product 7.000000000000001 made 8
    assert ceil_share(Fraction(1, 3), 7) == 3  # 7/3 = 2.33...: 3
    assert ceil_share(Decimal("0.5"), np.int64(3)) == 2  # 1.5: 2
    assert ceil_share(0, 5) == 0 and ceil_share(1.5, 4) == 6
    assert ceil_share(0.5, np.array([[3, 4, 0]])).tolist() == [[2, 2, 0]]


@pytest.mark.parametrize(("fraction", "count", "words"), [
    (float("nan"), 5, "fraction must be a finite number >= 0, got nan"),  # Fraction's error
    (float("inf"), 5, "fraction must be a finite number >= 0, got inf"),
    (-0.5, 10, "fraction must be a finite number >= 0, got -0.5"),  # -5 before
    (True, 3, "fraction must be a finite number >= 0, got True"),  # read as 1 before
    ("0.5", 3, "fraction must be a finite number >= 0, got '0.5'"),
    (0.5, 2.7, "count must be an integer >= 0, got 2.7"),  # cut to 2: 1 before
    (0.5, True, "count must be an integer >= 0, got True"),
    (0.5, -1, "count must be an integer >= 0, got -1"),
    (0.5, np.array([1.5]), "count must be an int or an integer array, got an array of "
                           "float64"),
    (0.5, np.array([[1, -2]]), "count must be >= 0, position [0, 1] is -2"),
])
def test_ceil_share_refuses_what_is_not_a_share_of_a_count(fraction: object, count: object,
                                                          words: str) -> None:
    with pytest.raises(RecstackError) as caught:
        ceil_share(fraction, count)
    assert str(caught.value).startswith(f"ceil_share: {words}")
