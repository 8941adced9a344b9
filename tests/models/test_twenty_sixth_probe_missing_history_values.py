"""Twenty-sixth bad-input probe, users' histories given as a nullable pandas frame
("Float64" / "Int64" columns, e.g. a ``pivot`` of a log read with ``dtype_backend``) with a
missing cell: its ``pd.NA`` stopped the conversion to numbers, and the refusal said the
histories "must be a users x items matrix of numbers" of a matrix of numbers, without
saying a value was missing or where. A NaN (or None) was already refused naming its
(row, column); a missing ``pd.NA`` now is too."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model

TRAIN = Interactions.from_arrays([1, 1, 2, 2, 3, 3], [10, 20, 20, 30, 10, 30])


def _histories(dtype: str) -> pd.DataFrame:
    frame = pd.DataFrame([[1, 0, 0], [0, 1, 1]]).astype(dtype)
    frame.iloc[1, 2] = pd.NA
    return frame


@pytest.mark.parametrize("dtype", ["Float64", "Int64"])
@pytest.mark.parametrize("name", ["item_knn", "ease"])
def test_a_missing_cell_is_refused_naming_where_it_is(name, dtype):
    model = create_model(name).fit(TRAIN)
    with pytest.raises(RecstackError, match=rf"^{name}: histories hold 1 value\(s\) that are "
                                            r"not finite float32 numbers: NaN \(a missing "
                                            r"value\) at \(row, column\) \(1, 2\); give "
                                            r"finite interaction values"):
        model.score_histories(_histories(dtype))


def test_fold_in_refuses_it_too():
    model = create_model("ials", factors=2, iterations=2, block_size=2).fit(TRAIN)
    with pytest.raises(RecstackError, match=r"^ials: histories hold 1 value\(s\) .*NaN.*\(1, 2\)"):
        model.fold_in(_histories("Float64"))


def test_a_nullable_frame_without_gaps_scores_as_its_numbers():
    model = create_model("item_knn").fit(TRAIN)
    filled = _histories("Int64").fillna(0)
    expected = model.score_histories(np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]))
    np.testing.assert_array_equal(model.score_histories(filled), expected)


def test_text_is_still_refused_as_no_numbers():
    model = create_model("item_knn").fit(TRAIN)
    with pytest.raises(RecstackError, match=r"^item_knn: histories must be a users x items "
                                            r"matrix of numbers"):
        model.score_histories(np.array([["a", "b", "c"]], dtype=object))
