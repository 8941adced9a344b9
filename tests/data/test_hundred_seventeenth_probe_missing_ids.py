"""A missing id (None, pandas' NA, NaN) was reported only as "an empty id", as blank text
is: the message now says which it is. A float NaN in a list of text ids became the text id
'nan' (numpy's conversion), read with a warning as though the user had written "nan"."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import DataFormatError


@pytest.mark.parametrize(("users", "said"), [
    (["a", None], r"a missing value \(None\)"),
    (pd.Series(["a", pd.NA], dtype="string"), r"a missing value \(pd\.NA\)"),
    (["a", float("nan")], r"a missing value \(NaN\)"),
    (("a", np.float32("nan")), r"a missing value \(NaN\)"),
    (["a", "  "], r"blank text '  '"),
    (["a", ""], r"blank text ''"),
])
def test_an_empty_id_says_whether_it_is_missing_or_blank(users, said):
    with pytest.raises(DataFormatError, match=r"^column 'user_id': row 1 holds an empty id, "
                                              + said + r" \(1 in all\)"):
        Interactions.from_arrays(users, ["x", "y"])


def test_the_text_nan_is_still_an_id_with_a_warning():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = Interactions.from_arrays(["a", "nan"], ["x", "y"])
    assert data.users.external_ids.tolist() == ["a", "nan"]
    assert any("missing value" in str(w.message) for w in caught)
