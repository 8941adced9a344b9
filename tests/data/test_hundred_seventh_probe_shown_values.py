"""Data-layer messages echo a value as the user wrote it: 10**20 is not '1e+20' (float64's
rounding of it), a numpy number is not 'np.int64(...)'."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from recstack.data.filters import to_unix_seconds
from recstack.data.interactions import Interactions
from recstack.data.splits import temporal_split
from recstack.errors import ConfigError, DataFormatError


@pytest.mark.parametrize("late", [10**20, -(10**20)])
def test_a_time_beyond_int64_is_shown_as_given_with_its_row(late):
    with pytest.raises(DataFormatError) as caught:
        Interactions.from_arrays([1, 2], [1, 2], timestamps=[5, late])
    message = str(caught.value)
    assert str(late) in message and "e+20" not in message
    assert "row 1" in message and "years 1 to 9999" in message


def test_a_time_beyond_int64_in_a_pandas_column_is_shown_as_given():
    frame = pd.DataFrame({"user_id": [1, 2], "item_id": [1, 2],
                          "timestamp": pd.Series([10**20, 5], dtype=object)})
    with pytest.raises(DataFormatError, match="100000000000000000000"):
        Interactions.from_frame(frame)


def test_a_value_beyond_float32_is_shown_as_given():
    with pytest.raises(DataFormatError) as caught:
        Interactions.from_arrays([1, 2], [1, 2], values=[1, 10**40])
    assert str(10**40) in str(caught.value) and "e+40" not in str(caught.value)


def test_a_decimal_time_that_is_nan_is_shown_as_given():
    with pytest.raises(DataFormatError, match=r"Decimal\('NaN'\)"):
        Interactions.from_arrays([1, 2], [1, 2], timestamps=[Decimal(5), Decimal("NaN")])


def test_a_numpy_cutoff_is_shown_as_its_number():
    data = Interactions.from_arrays([1, 2], [1, 2], timestamps=[10, 20])
    with pytest.raises(ConfigError) as caught:
        temporal_split(data, np.int64(2**62))
    assert f"cutoff={2**62}" in str(caught.value) and "np.int64" not in str(caught.value)


def test_a_numpy_boolean_bound_is_shown_as_its_value():
    with pytest.raises(ConfigError) as caught:
        to_unix_seconds(np.True_, "start")
    assert "True" in str(caught.value) and "np." not in str(caught.value)


def test_a_numpy_threshold_of_implicit_is_shown_as_its_number():
    data = Interactions.from_arrays([1, 2], [1, 2], values=[3.0, 5.0])
    with pytest.raises(ConfigError) as caught:
        data.implicit(np.float64("nan"))
    assert "got nan" in str(caught.value) and "np." not in str(caught.value)


def test_a_numpy_bound_of_between_is_shown_as_its_number():
    data = Interactions.from_arrays([1, 2], [1, 2], timestamps=[10, 20])
    with pytest.raises(ConfigError) as caught:
        data.between(np.float64(10.5))
    # (the time-argument rule of every reader since: "cannot read 10.5 as a time")
    assert "read 10.5 as a time" in str(caught.value) and "np." not in str(caught.value)
