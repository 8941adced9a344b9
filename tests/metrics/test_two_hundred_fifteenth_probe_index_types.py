"""Row-number and alignment checks read index labels by value, whatever the index's type
(nullable Int64, pyarrow, categorical, whole floats)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.metrics._validation import MetricInputError, check_aligned, refuse_reordered_rows

IN_ORDER = [pd.Index([0, 1, 2], dtype="Int64"), pd.Index([0, 1, 2], dtype="int64[pyarrow]"),
            pd.CategoricalIndex([0, 1, 2]), pd.Index([0.0, 1.0, 2.0]),
            pd.Index([0, 1, 2], dtype="uint8")]
REORDERED = [pd.Index([2, 0, 1], dtype="Int64"), pd.Index([2, 0, 1], dtype="int64[pyarrow]"),
             pd.CategoricalIndex([2, 0, 1]), pd.Index([2.0, 0.0, 1.0])]


@pytest.mark.parametrize("index", IN_ORDER, ids=str)
def test_row_numbers_in_order_pass_whatever_the_index_type(index):
    # a nullable or pyarrow index of 0..n-1 in order was a StopIteration traceback
    refuse_reordered_rows(pd.Series([5.0, 6.0, 7.0], index=index), "counts")
    refuse_reordered_rows(pd.DataFrame({"a": [1, 2, 3]}, index=index), "item_features")


@pytest.mark.parametrize("index", REORDERED, ids=str)
def test_row_numbers_in_another_order_are_refused_whatever_the_index_type(index):
    with pytest.raises(MetricInputError, match=r"counts is a pandas Series indexed by the "
                                               r"row numbers in another order \(position 0 "
                                               r"holds row 2\)"):
        refuse_reordered_rows(pd.Series([5.0, 6.0, 7.0], index=index), "counts")


def test_other_labels_are_read_by_position():
    for index in (pd.Index([True, False]), pd.Index([0.5, 1.5]), pd.Index(["1", "0"]),
                  pd.Index([1, None], dtype="Int64")):
        refuse_reordered_rows(pd.Series([1.0, 2.0], index=index), "counts")


def test_one_order_in_two_index_types_is_aligned():
    # Int64 beside int64 was "position 0 is row 0 of a but row 0 of b"
    a = pd.Series([1.0, 2.0, 3.0], index=pd.Index([0, 1, 2], dtype="Int64"))
    check_aligned(("a", a), ("b", pd.Series([1.0, 2.0, 3.0])))
    check_aligned(("a", a), ("b", pd.Series(np.ones(3), index=pd.Index([0, 1, 2],
                                                                          dtype="int32"))))
    gap = pd.Series([1.0, 2.0], index=pd.Index([1, None], dtype="Int64"))
    check_aligned(("a", gap), ("b", pd.Series([1.0, 2.0], index=pd.Index([1, None],
                                                                         dtype="Int64"))))


def test_two_orders_in_two_index_types_are_refused():
    a = pd.Series([1.0, 2.0, 3.0], index=pd.Index([2, 1, 0], dtype="Int64"))
    with pytest.raises(MetricInputError, match=r"position 0 is row 2 of a but row 0 of b"):
        check_aligned(("a", a), ("b", pd.Series([1.0, 2.0, 3.0])))
    # a missing label among them: compared without a TypeError of pd.NA's ==
    gap = pd.Series([1.0, 2.0], index=pd.Index([None, 1], dtype="Int64"))
    with pytest.raises(MetricInputError, match=r"position 0 is row <NA> of a but row 1 of b"):
        check_aligned(("a", gap), ("b", pd.Series([1.0, 2.0], index=pd.Index([1, None],
                                                                             dtype="Int64"))))
