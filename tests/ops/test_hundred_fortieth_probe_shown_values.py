"""Hundred-fortieth probe of the ops functions' refusals: a value given from Python was
written with repr, so a numpy scalar read ``got np.float64(2.5)`` and an integer of
thousands of digits made the message itself fail (Python's "Exceeds the limit"
ValueError); they are shown as the user wrote them (:func:`recstack.errors.shown`)."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.errors import ConfigError
from recstack.ops.fold_in import use_fold_in
from recstack.ops.gate import _check_number
from recstack.ops.quality import check_clock


@pytest.mark.parametrize("call, says", [
    (lambda: use_fold_in(np.float64(2.5), [], None),
     "use_fold_in: between must be a whole number of runs >= 0 ([training] "
     "fold_in_between), got 2.5"),
    (lambda: use_fold_in(-(10 ** 5000), [], None),
     "use_fold_in: between must be a whole number of runs >= 0 ([training] "
     "fold_in_between), got a 5,001-digit integer"),
    (lambda: check_clock(np.float64(5.0), "quality"),
     "quality: now must be whole Unix seconds (an int) or None, got 5.0"),
    (lambda: _check_number("margin", np.float64(-0.5), low=0.0),
     "gate: margin must be a finite number >= 0, got -0.5"),
])
def test_a_refused_value_is_shown_as_written(call, says):
    with pytest.raises(ConfigError) as refused:
        call()
    assert str(refused.value) == says
