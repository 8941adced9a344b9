"""Inputs numpy cannot convert to numbers (rows of different lengths, a dict, a set, an
object, a list where a number goes) are named by the row and the entry to fix: the
refusal was "holds values that are not numbers, or rows of different lengths", which
named no place."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from recstack.metrics import MetricInputError, catalog_coverage, dcg_at_k, precision_at_k, rmse
from recstack.metrics._validation import as_float_array, unconvertible


@pytest.mark.parametrize("y_pred, message", [
    # a list where a number goes: the second value is itself a list
    ([1.0, [2.0, 3.0]], "y_pred must be an array of numbers (1-D); its rows have different "
     "lengths: position 1 holds a list of 2 entries, [2.0, 3.0], where position 0 holds a "
     "single number; give every row the same length"),
    ([1.0, {"a": 2}], "y_pred must be an array of numbers (1-D); position 1 holds a dict "
     "{'a': 2}, which is not a number"),
    ([1.0, {2.0}], "y_pred must be an array of numbers (1-D); position 1 holds a set {2.0}, "
     "which is not a number"),
    ([1.0, (2.0,)], "position 1 holds a tuple of 1 entry, (2.0,), where position 0 holds a "
     "single number"),
])
def test_a_value_that_is_no_number_is_named_by_position(y_pred, message):
    with pytest.raises(MetricInputError) as caught:
        rmse([1.0, 2.0], y_pred)
    assert message in str(caught.value)


def test_an_object_is_named_with_its_kind():
    with pytest.raises(MetricInputError, match="position 2 holds an object <object object"):
        rmse([1.0, 2.0, 3.0], [1.0, 2.0, object()])


@pytest.mark.parametrize("values, where", [
    ([[1, 2], [3]], "row 1 has 1 entry where row 0 has 2"),
    ([[1, 2], [3, 4], []], "row 2 has 0 entries where row 0 has 2"),
    ([[1, 2], 3], "row 1 is a single value, 3, where row 0 is a list of 2 entries"),
    # three deep: the list inside the second row is shorter than the first row's
    ([[[1, 2]], [[3]]], "the list at position (1, 0) has 1 entry where the list at "
     "position (0, 0) has 2"),
    # the entry of the third row is a list where the first row holds numbers
    ([[1, 2], [3, 4], [5, [6]]], "row 2, column 1 holds a list of 1 entry, [6], where "
     "row 0, column 0 holds a single number"),
    (np.array([[1, 2], [3]], dtype=object), "row 1 has 1 entry where row 0 has 2"),
    (pd.Series([[1, 2], [3]]), "row 1 has 1 entry where row 0 has 2"),
])
def test_rows_of_different_lengths_name_the_first_short_row(values, where):
    with pytest.raises(MetricInputError) as caught:
        as_float_array(values, "scores", ndim=2)
    assert str(caught.value) == (
        f"scores must be an array of numbers (2-D); its rows have different lengths: {where}; "
        "give every row the same length (pad short ones, or pass one row at a time)")


def test_a_frame_cell_that_is_no_number_is_named_by_row_and_column():
    frame = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, {"x": 1}]})
    with pytest.raises(MetricInputError, match=r"row 1, column 1 holds a dict \{'x': 1\}"):
        as_float_array(frame, "scores", ndim=2)


def test_grades_counts_and_lists_name_the_row_too():
    with pytest.raises(MetricInputError) as caught:
        dcg_at_k([[1.0, 0.0], [1.0]], 2)
    assert str(caught.value).startswith(
        "grades must be a 2-D (n_users, K) array of numbers, but its rows have different "
        "lengths: row 1 has 1 entry where row 0 has 2; give every row the same length")
    with pytest.raises(MetricInputError) as caught:
        dcg_at_k([[1.0, 0.0], [1.0, set()]], 2)
    assert str(caught.value) == ("grades must be a 2-D (n_users, K) array of numbers, but "
                                 "row 1, column 1 holds a set set(), which is not a number")
    with pytest.raises(MetricInputError) as caught:
        precision_at_k(np.array([[1.0, 0.0], [0.0, 1.0]]), [1, [2, 3]], 1)
    assert str(caught.value) == (
        "n_relevant must be 1-D with 2 entries (one count per user), got rows of different "
        "lengths: position 1 holds a list of 2 entries, [2, 3], where position 0 holds a "
        "single number")
    with pytest.raises(MetricInputError) as caught:
        catalog_coverage([[0, 1], [2, 3], [4]], 5)
    assert str(caught.value) == (
        "recommended must be a 2-D (n_users, K) array of item indices; its rows have "
        "different lengths: row 2 has 1 entry where row 0 has 2: pad short lists with -1")


def test_what_converts_is_not_blamed_and_still_gives_the_value():
    assert unconvertible([[1, 2], [3, 4]]) is None
    assert unconvertible(sp.csr_matrix((1, 1))) is None
    assert unconvertible(3.0) is None
    # errors 1 and 2 of 1, 2 against 2, 4: sqrt((1 + 4) / 2)
    assert rmse([1.0, 2.0], np.array([2.0, 4.0], dtype=object)) == pytest.approx(np.sqrt(2.5))
    # row 0 gains 2**1 - 1 = 1 at rank 1 and nothing at rank 2; row 1 gains 1 / log2(3)
    assert dcg_at_k([[1, 0], [0, 1]], 2).tolist() == pytest.approx([1.0, 1 / np.log2(3)])
