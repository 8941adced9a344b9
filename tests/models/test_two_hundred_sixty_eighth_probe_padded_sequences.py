"""left_padded_sequences (public in recstack.models.sasrec): arguments that do not describe
sequences are refused naming the argument, not failed on in numpy or cut without a word."""
from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

pytest.importorskip("torch")

from recstack.errors import ConfigError  # noqa: E402
from recstack.models.sasrec import left_padded_sequences  # noqa: E402

ITEMS = np.array([7, 8, 1, 2, 3, 4, 5])
LENGTHS = np.array([0, 2, 5])


def test_valid_sequences_by_hand() -> None:
    # [], [7, 8], [1, 2, 3, 4, 5]: the last 3 of each, right-aligned, 0 padding
    assert left_padded_sequences(ITEMS, LENGTHS, 3).tolist() == [[0, 0, 0], [0, 7, 8],
                                                                 [3, 4, 5]]
    # lists, numpy integers and whole exact numbers are the ints they name
    assert left_padded_sequences([7, 8, 1], [1, 2], np.int64(2)).tolist() == [[0, 7], [8, 1]]
    assert left_padded_sequences(np.array([1, 2, 3], dtype=object), [3],
                                 Decimal(2)).tolist() == [[2, 3]]
    assert left_padded_sequences([1, 2, 3], [3], 0).shape == (1, 0)
    assert left_padded_sequences([], [], 3).shape == (0, 3)


@pytest.mark.parametrize(("lengths", "total"), [([5], 5), ([1], 1), ([3, 3, 3], 9)])
def test_lengths_that_do_not_add_up_to_the_items_are_refused(lengths: list[int],
                                                             total: int) -> None:
    with pytest.raises(ConfigError, match=rf"lengths add up to {total}, but items holds 3; "):
        left_padded_sequences(np.array([1, 2, 3]), np.array(lengths), 4)


def test_a_negative_length_is_refused_where_it_is() -> None:
    with pytest.raises(ConfigError, match=r"lengths must be >= 0, but position 1 holds -1"):
        left_padded_sequences(np.array([1, 2, 3]), np.array([4, -1]), 4)


@pytest.mark.parametrize("width", [-1, 2.5, True, "3", None])
def test_a_width_that_is_no_count_is_refused(width: object) -> None:
    with pytest.raises(ConfigError, match=r"left_padded_sequences: width must be a whole "
                                          r"number >= 0 \(the columns of the result\), got "):
        left_padded_sequences(np.array([1, 2, 3]), np.array([3]), width)  # type: ignore[arg-type]


@pytest.mark.parametrize(("items", "lengths", "words"), [
    # 1.5 was cut to 1 without a word
    (np.array([1.5, 2.0, 3.0]), [3], r"items must hold whole numbers \(an int array\), got "
                                     r"float64 values, e\.g\. 1\.5"),
    (np.array([True, False]), [2], r"items must hold whole numbers .*got bool values"),
    (np.array([[1, 2], [3, 4]]), [4], r"items must be a flat \(1-D\) array of whole numbers, "
                                      r"got 2-D of shape \(2, 2\)"),
    (np.array([1, 2, 3]), [1.0, 2.0], r"lengths must hold whole numbers .*got float64"),
])
def test_items_and_lengths_must_be_flat_whole_numbers(items: np.ndarray, lengths: list[float],
                                                      words: str) -> None:
    with pytest.raises(ConfigError, match=words):
        left_padded_sequences(items, np.asarray(lengths), 3)
