"""An integer past int64 given for a float setting is stored as the float it names (numpy
cannot take the int), up to the range the setting is computed in: float32's for most, but
float64's for a setting declared ``computes_in="float64"``, where ``10**300`` stayed a
Python int that numpy could not take."""
from __future__ import annotations

import pytest

from recstack.data.synthetic import generate
from recstack.errors import ConfigError
from recstack.models import create_model
from recstack.models.base import exact_as_declared


def test_a_float64_setting_takes_a_whole_number_past_float32_as_its_float() -> None:
    param = type(create_model("bpr")).params["tolerance"]
    assert param.computes_in == "float64"
    value = exact_as_declared(10**300, param)
    assert type(value) is float and value == 1e300
    assert create_model("bpr", tolerance=10**300).tolerance == 1e300


def test_a_float32_setting_keeps_the_int_for_its_check_to_refuse_as_written() -> None:
    param = type(create_model("ease")).params["regularization"]
    assert param.computes_in == "float32"
    assert exact_as_declared(10**300, param) == 10**300
    assert type(exact_as_declared(10**300, param)) is int
    assert exact_as_declared(10**30, param) == 1e30


def test_past_float64_stays_as_written_and_is_refused() -> None:
    param = type(create_model("bpr")).params["tolerance"]
    assert exact_as_declared(10**400, param) == 10**400
    with pytest.raises(ConfigError, match=r"float64's range.*401-digit integer"):
        create_model("bpr", tolerance=10**400).fit(generate(n_users=20, n_items=10, seed=0))
