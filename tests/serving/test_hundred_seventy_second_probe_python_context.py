"""A request context given from Python with numpy's numbers (``np.int64(1)``,
``np.float32(5.5)``, ``np.True_``) was refused as "not int64 1", and a value the check let
through went on to the model as given: the values are read as the body's rules read
them, as Python's numbers, text and flags (hundred_seventy_second probe)."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.serving.service import InvalidContextError, _request_context


def test_numpy_values_are_read_as_python_ones():
    context, timestamp = _request_context(
        {"screen": np.float32(5.5), "count": np.int64(3), "phone": np.True_,
         "device": np.str_("a"), "level": "3", "flag": False}, None)
    assert timestamp is None
    assert context == {"screen": 5.5, "count": 3, "phone": True, "device": "a",
                       "level": "3", "flag": False}
    assert [type(v) for v in context.values()] == [float, int, bool, str, str, bool]


@pytest.mark.parametrize(("value", "message"), [
    (np.float64("nan"), "finite number"),
    (np.int64(2**62), "from -9007199254740992 to 9007199254740992"),
    (np.datetime64("2020-01-01"), "not datetime64 2020-01-01"),
])
def test_numpy_values_keep_the_body_rules(value, message):
    with pytest.raises(InvalidContextError, match=message):
        _request_context({"screen": value}, None)
