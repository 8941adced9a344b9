"""A policy or mode given as something other than its name (an array of names, None) is
refused in the setting's own words: an array was numpy's "truth value of an array with
more than one element is ambiguous", a traceback naming no setting."""

import numpy as np
import pytest

from recstack.data import splits
from recstack.data.filters import Deduplicate
from recstack.data.interactions import Interactions
from recstack.errors import ConfigError

NAMES = np.array(["last", "first"])


def data() -> Interactions:
    return Interactions.from_arrays(list("aaabbb"), list("xxyxyz"), [1, 5, 3, 2, 4, 1],
                                    [5, 5, 1, 1, 2, 3])


def test_an_array_of_duplicate_policies_is_refused_by_name():
    with pytest.raises(ConfigError, match=r"unknown duplicate policy array\(\['last', "
                       r"'first'\], dtype='<U5'\); use one of keep, sum, last"):
        data().deduplicate(NAMES)
    with pytest.raises(ConfigError, match="unknown duplicate policy array"):
        Interactions.from_arrays(["a"], ["x"], duplicates=NAMES)
    with pytest.raises(ConfigError, match=r"deduplicate: policy = array\(\['last', 'first'\]"
                       r", dtype='<U5'\): expected one of 'sum', 'last'"):
        Deduplicate(NAMES)


def test_no_policy_is_told_of_keep():
    with pytest.raises(ConfigError, match=r"unknown duplicate policy None; use one of keep, "
                       r".*; 'keep' leaves repeated rows as they are$"):
        data().deduplicate(None)


def test_a_numpy_name_still_reads_and_the_policies_agree_with_a_hand_count():
    # a-x twice (values 1 then 5, both at time 5: row order decides), a-y, b-x, b-y, b-z
    last = data().deduplicate(np.str_("last")).to_frame()
    assert last.values.tolist() == [["a", "x", 5.0, 5], ["a", "y", 3.0, 1],
                                    ["b", "x", 2.0, 1], ["b", "y", 4.0, 2],
                                    ["b", "z", 1.0, 3]]
    assert data().deduplicate("first").to_frame().value.tolist() == [1.0, 3.0, 2.0, 4.0, 1.0]
    assert data().deduplicate("mean").to_frame().value.tolist() == [3.0, 3.0, 2.0, 4.0, 1.0]


def test_an_array_as_the_kfold_stratification_is_refused_by_name():
    with pytest.raises(ConfigError, match=r"kfold stratify must be 'user' or None, got "
                       r"array\(\['user', 'user'\], dtype='<U4'\)$"):
        splits.kfold_split(data(), 2, stratify=np.array(["user", "user"]))
    with pytest.raises(ConfigError, match=r"got 'User' \(did you mean 'user'\?\)"):
        splits.kfold_split(data(), 2, stratify="User")
    # "none" and a numpy "user" still read
    assert len(list(splits.kfold_split(data(), 2, stratify=np.str_("none"), seed=0))) == 2
