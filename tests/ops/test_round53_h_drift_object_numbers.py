"""Round 53 (H): drift categories held as Python objects, and samples named in refusals."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from recstack.errors import RecstackError
from recstack.ops.drift import psi


def test_ratings_held_as_objects_are_binned_as_the_numbers_they_are():
    reference = pd.Series([1.5, 2.5, 2.5, 4.0], dtype=object)
    new = pd.Series([1.5, 4.0], dtype=object)
    # by hand: bins 1.5, 2.5, 4.0; reference shares 1/4, 1/2, 1/4; new 1/2, 0 (floored to
    # 1e-4), 1/2
    p, q = [0.25, 0.5, 0.25], [0.5, 1e-4, 0.5]
    expected = sum((b - a) * math.log(b / a) for a, b in zip(p, q, strict=True))
    assert psi(reference, new, categorical=True) == pytest.approx(expected, rel=1e-12)


def test_a_missing_rating_held_as_an_object_is_refused_as_missing():
    with pytest.raises(RecstackError, match="psi: reference holds NaN or infinite ids"):
        psi(np.array([1.5, np.nan], dtype=object), [1.5], categorical=True)


def test_a_series_in_a_refusal_is_shown_by_its_values():
    with pytest.raises(RecstackError) as caught:
        psi(pd.Series(["a", None], dtype="string"), pd.Series(["a"], dtype="string"),
            categorical=True)
    assert str(caught.value) == ("psi: reference must hold ids of one kind (numbers or "
                                 "text) without missing values, got ['a', <NA>]")
