"""given_split(data, None) names the missing flags: it was refused as a split that "left no
test rows: 0 rows were chosen for test"."""

from __future__ import annotations

import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import given_split
from recstack.errors import ConfigError


def test_is_test_none_is_refused_by_name():
    data = Interactions.from_arrays([1, 1, 2, 2], [1, 2, 1, 2])
    with pytest.raises(ConfigError, match=r"is_test is None; expected one true/false flag "
                                          r"per row, \(4,\)"):
        given_split(data, None)
