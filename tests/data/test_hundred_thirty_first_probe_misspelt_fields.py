"""The data layer's public dataclasses built in Python with a misspelt field
(``KCore(usermin=3)``, ``RandomSplit(test_frac=0.2)``, ``SyntheticConfig(n_user=500)``),
too many positional values or a missing one raised the dataclass's TypeError naming
``__init__()``; they now say it as the functions do (``random_split(data, sed=1)``): a
ConfigError naming the class, the near field and the fields it takes."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.filters import Deduplicate, KCore, MinValue, TimeWindow
from recstack.data.interactions import Interactions
from recstack.data.splits import KFold, LeaveLastOut, RandomSplit, TemporalSplit, UserSplit
from recstack.data.synthetic import SyntheticConfig
from recstack.errors import ConfigError


@pytest.mark.parametrize(("cls", "given", "says"), [
    (KCore, {"usermin": 3}, r"^KCore\(\) has no argument 'usermin' \(did you mean 'user_min'"
                            r"\?\); it takes KCore\(user_min, item_min\)$"),
    (MinValue, {"treshold": 3}, r"^MinValue\(\) has no argument 'treshold' \(did you mean "
                                r"'threshold'\?\)"),
    (TimeWindow, {"begin": 3}, r"^TimeWindow\(\) has no argument 'begin'; it takes "
                               r"TimeWindow\(start, end\)$"),
    (Deduplicate, {"polcy": "last"}, r"^Deduplicate\(\) has no argument 'polcy' \(did you mean "
                                     r"'policy'\?\)"),
    (RandomSplit, {"test_frac": 0.2}, r"^RandomSplit\(\) has no argument 'test_frac' \(did you "
                                      r"mean 'test_fraction'\?\)"),
    (TemporalSplit, {"cut_off": 5}, r"^TemporalSplit\(\) has no argument 'cut_off' \(did you "
                                    r"mean 'cutoff'\?\)"),
    (LeaveLastOut, {"m": 1}, r"^LeaveLastOut\(\) has no argument 'm'"),
    (UserSplit, {"test_user": 0.2}, r"^UserSplit\(\) has no argument 'test_user' \(did you "
                                    r"mean 'test_users'\?\)"),
    (KFold, {"kk": 3}, r"^KFold\(\) has no argument 'kk' \(did you mean 'k'\?\)"),
    (SyntheticConfig, {"n_user": 500}, r"^SyntheticConfig\(\) has no argument 'n_user' \(did "
                                       r"you mean 'n_users'\?\)"),
])
def test_a_misspelt_field_names_the_near_one(cls, given, says):
    with pytest.raises(ConfigError, match=says):
        cls(**given)


def test_too_many_values_by_position_are_named():
    with pytest.raises(ConfigError, match=r"^KCore\(\) takes at most 2 positional "
                                          r"argument\(s\) \(user_min, item_min\), got 3"):
        KCore(1, 2, 3)


def test_interactions_built_directly_with_a_misspelt_field():
    with pytest.raises(ConfigError, match=r"^Interactions\(\) has no argument 'user_idx' \(did "
                                          r"you mean 'user_index'\?\)"):
        Interactions(user_idx=np.zeros(1, np.int32))


def test_the_fields_spelt_right_still_build():
    assert KCore(user_min=2, item_min=3) == KCore(2, 3)
    assert RandomSplit(test_fraction=0.25, seed=1).test_fraction == 0.25
    assert SyntheticConfig(n_users=50, n_items=40, n_interactions=500).n_users == 50
    data = Interactions.from_arrays([0, 1], [1, 0])
    again = Interactions(data.user_index, data.item_index, data.value, None, data.users,
                         data.items)
    assert len(again) == 2
