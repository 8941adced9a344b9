"""A whole float beyond 64-bit integers, given for an integer setting, is refused without a
hint that spells it out in its hundreds of digits (1e300 was told to write 301 digits, a
value above every integer setting's bound)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.models import create_model


@pytest.fixture(scope="module")
def tiny() -> Interactions:
    return Interactions.from_arrays(np.repeat(np.arange(6), 3), np.arange(18) % 7)


@pytest.mark.parametrize("value", [1e300, -1e300, "1e300", 1e19])
def test_a_huge_whole_number_is_refused_without_its_digits(tiny: Interactions,
                                                           value: object) -> None:
    with pytest.raises(ConfigError) as refused:
        create_model("item_knn", neighbors=value).fit(tiny)
    message = str(refused.value)
    assert "neighbors must be int" in message
    assert re.search(r"\d{21}", message) is None, message
    assert len(message) < 200, message


@pytest.mark.parametrize(("value", "spelt"), [(2.0, "neighbors = 2"),
                                              ("1e3", "neighbors = 1000"),
                                              (9e18, "neighbors = 9000000000000000000")])
def test_a_whole_number_within_reach_is_still_told_in_digits(tiny: Interactions,
                                                             value: object,
                                                             spelt: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(spelt)):
        create_model("item_knn", neighbors=value).fit(tiny)
