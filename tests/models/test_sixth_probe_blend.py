"""Sixth bad-input probe, the blend: a member that refuses the data it is fitted on said so
in its own words only ("gf_cf: k must be < ..."), so a blend of two members of one type
could not tell the user which one to change, nor that the data was the part of train left
after the validation hold-out."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.models import create_model

MEMBERS = [{"type": "gf_cf", "k": 4}, {"type": "gf_cf", "k": 100}]


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    return Interactions.from_arrays(rng.integers(0, 20, 150), rng.integers(0, 12, 150))


def test_a_member_that_refuses_the_validation_fitting_part_is_named(data):
    with pytest.raises(ConfigError, match=r"^blend: members\[1\] \(gf_cf\) could not be "
                                          r"fitted on the part of train left after the "
                                          r"validation hold-out: gf_cf: k must be < "):
        create_model("blend", members=MEMBERS, rounds=1).fit(data)


def test_a_member_that_refuses_train_is_named(data):
    with pytest.raises(ConfigError, match=r"^blend: members\[1\] \(gf_cf\) could not be "
                                          r"fitted on train: gf_cf: k must be < "):
        create_model("blend", members=MEMBERS, weights=[1.0, 1.0]).fit(data)


def test_a_member_that_refuses_train_with_explicit_validation_is_named(data):
    # rows of one split: the last pairs held out as validation, the vocabularies shared
    held = np.zeros(len(data), bool)
    held[-10:] = True
    train, validation = data.select(~held), data.select(held)
    with pytest.raises(ConfigError, match=r"^blend: members\[1\] \(gf_cf\) could not be "
                                          r"fitted on train: gf_cf: k must be < "):
        create_model("blend", members=MEMBERS, rounds=1).fit(train, validation=validation)
