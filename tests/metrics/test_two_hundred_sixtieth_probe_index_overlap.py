"""Two-hundred-sixtieth probe: pandas objects given together whose indexes only partly
share their labels (``[0, 1]`` beside ``[1, 2]``: two slices of one frame, shifted) or
hold other labels altogether (user ids of two samples) were paired by position without a
word, where pandas pairs by label. They are refused now, naming the first label of one
missing from the other; a filtered frame beside a fresh 0..n-1 index (a model's predictions
wrapped from an array) is still paired by position, whatever labels they share."""

import math

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import DataFormatError
from recstack.metrics import log_loss, mae, rmse, roc_auc
from recstack.metrics._validation import MetricInputError, check_aligned


def test_labels_shared_in_part_are_refused_naming_the_missing_one():
    # rmse by position would be sqrt(((1-1)^2 + (2-3)^2) / 2) = 0.7071: row 4 of y_true
    # beside row 5 of y_pred, which pandas would never pair
    with pytest.raises(MetricInputError, match=(
            r"y_true and y_pred are pandas Series with different index labels \(row 4 of "
            r"y_true is not in y_pred's index; they share 1 label of 2\); values are paired "
            r"by position, not by index label")):
        rmse(pd.Series([1.0, 2.0], index=[4, 5]), pd.Series([1.0, 3.0], index=[5, 6]))
    with pytest.raises(MetricInputError, match=(r"row 13 of y_true is not in y_score's index; "
                                                r"they share 2 labels of 3")):
        roc_auc(pd.Series([0, 1, 1], index=[10, 11, 13]),
                pd.Series([0.2, 0.7, 0.9], index=[10, 11, 12]))


def test_other_labels_altogether_are_refused():
    with pytest.raises(MetricInputError, match=(
            r"row 'a' of y_true is not in y_pred's index; they share none\).*"
            r"pass plain arrays \(\.to_numpy\(\)\)")):
        mae(pd.Series([1.0, 2.0], index=["a", "b"]), pd.Series([1.0, 3.0], index=["c", "d"]))


def test_a_frame_beside_a_series_and_every_caller_say_so():
    with pytest.raises(MetricInputError, match=r"a pandas DataFrame and a pandas Series with "
                                               r"different index labels"):
        check_aligned(("a", pd.DataFrame({"x": [1.0, 2.0]}, index=[1, 2])),
                      ("b", pd.Series([1.0, 3.0], index=[2, 3])))
    with pytest.raises(DataFormatError, match=r"from_arrays: user_ids and item_ids are pandas "
                                              r"Series with different index labels \(row 5 of "
                                              r"user_ids is not in item_ids's index"):
        Interactions.from_arrays(pd.Series(["u1", "u2"], index=[5, 6]),
                                 pd.Series(["i1", "i2"], index=[6, 7]))


def test_a_filtered_frame_beside_a_fresh_index_is_paired_by_position():
    # by hand: errors 0 and 1, rmse sqrt(1/2)
    filtered = pd.Series([1.0, 2.0], index=[10, 11])
    fresh = pd.Series([1.0, 3.0])
    assert rmse(filtered, fresh) == pytest.approx(math.sqrt(0.5))
    assert rmse(fresh, filtered) == pytest.approx(math.sqrt(0.5))
    fresh_int64 = pd.Series([1.0, 3.0], index=pd.Index([0, 1], dtype="Int64"))
    assert rmse(filtered, fresh_int64) == pytest.approx(math.sqrt(0.5))
    # a test split's labels (rows 1 and 3 of a frame) beside a model's predictions wrapped
    # from an array (rows 0 and 1): they share label 1 by chance, and are paired by
    # position, as numpy and scikit-learn pair them
    split_labels = pd.Series([1.0, 2.0], index=[1, 3])
    assert rmse(split_labels, fresh) == pytest.approx(math.sqrt(0.5))
    assert rmse(fresh, split_labels) == pytest.approx(math.sqrt(0.5))
    # the same labels in one order, and plain arrays, as before
    same = pd.Series([0.9, 0.2], index=[10, 11])
    y = pd.Series([1, 0], index=[10, 11])
    assert log_loss(y, same) == pytest.approx(-(math.log(0.9) + math.log(0.8)) / 2)
    assert mae(np.array([1.0, 2.0]), pd.Series([1.0, 3.0], index=["c", "d"])) == 0.5
