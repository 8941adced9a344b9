"""Sixth bad-input probe, the publishing gate: per-user values that are not numbers. Each
test failed before its fix."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.errors import RecstackError
from recstack.ops.gate import decide

SETTINGS = {"metric": "ndcg@10", "margin": 0.0, "min_users": 2}
USERS = [f"u{i}" for i in range(20)]


def test_text_values_are_refused_by_name():
    # a TypeError inside pandas' mean ("Cannot perform reduction 'mean' with string dtype")
    with pytest.raises(RecstackError, match=r"^gate: the candidate model's per-user values "
                                            r"must be an array of numbers, got text '0.5' at "
                                            r"position 0; text is not read as numbers"):
        decide(pd.Series(["0.5"] * 20, index=USERS), pd.Series([0.4] * 20, index=USERS),
               **SETTINGS)
    # numbers held as objects, and pandas' nullable Float64 (its NA: a user not evaluated),
    # still decide
    candidate = pd.Series([0.5] * 19 + [None], index=USERS, dtype="Float64")
    published = pd.Series([0.4] * 20, index=USERS, dtype=object)
    decision = decide(candidate, published, **SETTINGS)
    assert decision.publish and decision.shared_users == 19
    assert decision.candidate_mean == pytest.approx(0.5)


def test_true_false_values_are_refused():
    # read as 1.0 and 0.0: an all-True candidate beat any published model
    with pytest.raises(RecstackError, match=r"^gate: the published model's per-user values "
                                            r"must be numbers, got true/false"):
        decide(pd.Series([0.5] * 20, index=USERS), pd.Series([True] * 20, index=USERS),
               **SETTINGS)


def test_an_infinite_value_is_refused_with_nothing_published_yet():
    # the first model was published with a mean of inf
    candidate = pd.Series([0.5] * 19 + [np.inf], index=USERS)
    with pytest.raises(RecstackError, match=r"^gate: the candidate model's per-user values "
                                            r"must be finite numbers, or NaN for a user not "
                                            r"evaluated; user 'u19' has inf"):
        decide(candidate, None, **SETTINGS)

