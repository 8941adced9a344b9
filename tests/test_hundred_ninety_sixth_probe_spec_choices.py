"""Hundred-ninety-sixth probe of the declared steps (``recstack.specs``): an array given for
a field of named choices (a ``Literal`` such as ``deduplicate``'s policy, an option's
``choices``) was numpy's "truth value of an array ... is ambiguous" from ``value in
choices``; numpy's bool for a true/false field was refused as "by_time = True: expected
true or false"; ``True`` passed as the choice ``1`` and ``1.0`` as an integer choice."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

import numpy as np
import pytest

from recstack.config import EvaluationSpec, ReportSpec
from recstack.data.filters import Deduplicate
from recstack.data.interactions import Interactions
from recstack.data.splits import UserSplit, user_split
from recstack.errors import ConfigError
from recstack.ops.pipeline_config import TrainingSpec
from recstack.specs import Option, build_spec, convert


def test_an_array_for_a_literal_field_is_refused_naming_the_choices():
    names = np.array(["last", "first"])
    with pytest.raises(ConfigError, match=r"^policy = array\(\['last', 'first'\].*: expected "
                                          r"one of 'sum', 'last', 'first', 'max', 'mean', "
                                          r"'error'$"):
        build_spec(Deduplicate, {"policy": names})
    # an option's choices: the check no longer compares an array with each name
    assert Option("doc", choices=("a", "b")).problem(names) == "must be one of 'a', 'b'"


def test_numpy_text_is_the_plain_choice():
    policy = build_spec(Deduplicate, {"policy": np.str_("first")}).policy
    assert policy == "first" and type(policy) is str
    window = TrainingSpec(window=np.str_("sliding")).window
    assert window == "sliding" and type(window) is str


@pytest.mark.parametrize(("spec", "field"), [
    (UserSplit, "by_time"), (EvaluationSpec, "graded"), (ReportSpec, "html"),
    (ReportSpec, "save_models"), (TrainingSpec, "warm_start")])
def test_numpy_bools_are_true_and_false_in_every_spec(spec, field):
    for given, meant in ((np.True_, True), (np.False_, False)):
        made = spec(**{field: given})
        assert getattr(made, field) is meant
        assert getattr(build_spec(spec, {field: given}), field) is meant
    with pytest.raises(ConfigError, match=rf"{field} = array\(\[ True\]\): expected true or "
                                          r"false$"):
        spec(**{field: np.array([True])})
    with pytest.raises(ConfigError, match=rf"{field} = 1: expected true or false$"):
        spec(**{field: 1})


def test_user_split_by_numpy_time_splits_as_by_time():
    # 4 users of 5 rows each, times 0..4: held-out users reveal their 4 earliest rows
    data = Interactions.from_arrays(np.repeat(np.arange(4), 5), np.tile(np.arange(5), 4),
                                    timestamps=np.tile(np.arange(5), 4))
    numpy_flag = user_split(data, 0.5, by_time=np.True_, seed=2)
    plain = user_split(data, 0.5, by_time=True, seed=2)
    assert np.array_equal(numpy_flag.test.timestamp, plain.test.timestamp)
    assert set(numpy_flag.test.timestamp.tolist()) == {4}  # round(0.2 * 5) = 1 target each


def test_a_literal_matches_by_kind():
    levels = Literal[1, 2]
    wrong = convert("x", levels)
    assert convert(True, levels) is wrong       # True is not the level 1
    assert convert(1.0, levels) is wrong        # as factors=64.0 is not an integer
    assert convert("1", levels) is wrong
    assert convert([1], levels) is wrong
    assert convert(np.array([1, 2]), levels) is wrong
    for given in (np.int64(2), Decimal(2), 2):
        result = convert(given, levels)
        assert result == 2 and type(result) is int
    assert convert(None, Literal["a", None]) is None
    assert convert(np.str_("a"), Literal["a", None]) == "a"
