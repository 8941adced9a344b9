"""Hundred-thirty-eighth probe, ``given_split`` handed row numbers where a mask belongs.

``given_split(data, np.flatnonzero(mask))`` was refused for its shape alone; the
refusal now says that these look like row numbers and how to make the mask."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import given_split
from recstack.errors import ConfigError

DATA = Interactions.from_arrays(np.repeat(np.arange(10), 4), np.tile(np.arange(4), 10))


def test_row_numbers_for_the_mask_are_told_how_to_make_one():
    mask = np.zeros(len(DATA), bool)
    mask[::5] = True
    with pytest.raises(ConfigError) as refused:
        given_split(DATA, np.flatnonzero(mask))
    assert str(refused.value) == (
        "given split: is_test has shape (8,); expected one flag per row, (40,) (row "
        "numbers? give them as a mask: np.isin(np.arange(40), rows))")
    # the advice, followed, is the split of the mask
    rows = np.flatnonzero(mask)
    split = given_split(DATA, np.isin(np.arange(40), rows))
    assert len(split.test) + len(split.set_apart) == 8


def test_a_short_mask_is_not_taken_for_row_numbers():
    with pytest.raises(ConfigError) as refused:
        given_split(DATA, np.zeros(5, bool))
    assert "row numbers" not in str(refused.value)
