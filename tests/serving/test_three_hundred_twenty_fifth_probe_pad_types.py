"""``pad_columns`` with integer scores (as ``top_k`` takes them) failed with "OverflowError:
cannot convert float infinity to integer", and float or boolean item indices were padded
with 0.0 or False."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.errors import ConfigError
from recstack.topk import pad_columns


@pytest.mark.parametrize("scores", [[[5, 3]], np.array([[5, 3]], np.int8),
                                    np.array([[5, 3]], np.uint64)])
def test_integer_scores_are_padded_as_floats(scores):
    top, padded = pad_columns([[4, 2]], scores, 4)
    # worked by hand: two empty slots, item 0 with score -inf
    assert top.tolist() == [[4, 2, 0, 0]]
    assert padded.dtype == np.float64
    assert padded.tolist() == [[5.0, 3.0, -np.inf, -np.inf]]


def test_integer_scores_come_back_as_floats_without_padding_too():
    # one return type whatever k is
    top, scores = pad_columns([[4, 2]], [[5, 3]], 2)
    assert top.tolist() == [[4, 2]] and scores.dtype == np.float64
    assert scores.tolist() == [[5.0, 3.0]]


def test_float32_scores_keep_their_precision():
    _, scores = pad_columns([[1]], np.array([[0.5]], np.float32), 2)
    assert scores.dtype == np.float32 and scores.tolist() == [[0.5, -np.inf]]


def test_empty_lists_get_empty_slots():
    top, scores = pad_columns([[]], [[]], 2)
    assert top.dtype == np.int64 and top.tolist() == [[0, 0]]
    assert scores.tolist() == [[-np.inf, -np.inf]]


@pytest.mark.parametrize("top, dtype", [([[3.0, 1.0]], "float64"), ([[True, False]], "bool")])
def test_indices_that_are_not_whole_numbers_are_refused(top, dtype):
    with pytest.raises(ConfigError, match=(r"pad_columns: top must hold item indices \(whole "
                                           rf"numbers\), got an array of dtype {dtype}$")):
        pad_columns(top, [[0.5, 0.25]], 4)


@pytest.mark.parametrize("scores, said", [([[True, False]], r"got booleans"),
                                          ([["a", "b"]], r"got an array of dtype <U1")])
def test_scores_that_are_not_numbers_are_refused(scores, said):
    with pytest.raises(ConfigError, match=rf"pad_columns: scores must be real numbers, {said}"):
        pad_columns([[3, 1]], scores, 4)
