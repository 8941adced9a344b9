"""Two hundred eighteenth bad-input probe, ``TimeWindow`` refusals raised from Python: a
bound of no time said "start: cannot read ..." naming no filter, where ``KCore`` says
"k_core: user_min = 0: ..." and the window's own cross-field check "time_window: start
(5) must come before end (3)". Experiment files and ``--filter`` name the step themselves
and keep their words (no doubled prefix)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import numpy as np
import pytest

from recstack.data.filters import FILTERS, TimeWindow
from recstack.errors import ConfigError


@pytest.mark.parametrize(("bounds", "said"), [
    ({"start": "garbage"}, "start: cannot read 'garbage' as a time"),
    ({"end": ""}, "end: cannot read '' as a time"),
    ({"start": "2020-13-01"}, "start: '2020-13-01' is not a real date: there is no month 13"),
    ({"start": 1.5}, "start: cannot read 1.5 as a time"),
    ({"end": np.float64(2.0)}, "end: cannot read 2.0 as a time"),
    ({"start": Decimal(3)}, "start: cannot read Decimal('3') as a time"),
    ({"start": True}, "start: expected Unix seconds or an ISO date"),
    ({"start": np.datetime64("NaT")}, "start is NaT (no time)"),
    ({"start": [1]}, "start: cannot read [1] as a time"),
    ({"start": datetime.time(3)}, "start: cannot read datetime.time(3, 0) as a time"),
])
def test_a_bound_of_no_time_is_refused_naming_the_filter(bounds, said):
    with pytest.raises(ConfigError) as refused:
        TimeWindow(**bounds)
    assert str(refused.value).startswith(f"time_window: {said}")
    assert not str(refused.value).startswith("time_window: time_window:")


@pytest.mark.parametrize(("values", "said"), [
    ({"start": "garbage"}, "start: cannot read 'garbage' as a time"),
    ({"start": "2020-13-01"}, "start: '2020-13-01' is not a real date"),
    ({"start": 5, "end": 3}, "start (5) must come before end (3)"),
])
def test_a_step_of_an_experiment_file_names_it_once(values, said):
    with pytest.raises(ConfigError) as refused:
        FILTERS.build("time_window", values, "x.toml: [[filters]] 1: ")
    assert str(refused.value).startswith(f"x.toml: [[filters]] 1: {said}")
