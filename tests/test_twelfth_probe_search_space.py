"""Twelfth probe, ``recstack.tuning.search`` from Python: numpy numbers and tuples in a
search space were refused with messages that did not hold ("needs whole numbers low < high,
got low=np.int64(2), high=np.int64(8)", "needs a non-empty 'choices'" for ``(2, 4)``),
and a base parameter the space never draws that the model refuses failed the first trial
with an error blaming the values drawn ("narrow the ranges in the search space")."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("optuna")

from recstack.data.splits import random_split  # noqa: E402
from recstack.data.synthetic import generate  # noqa: E402
from recstack.errors import ConfigError  # noqa: E402
from recstack.tuning import plain_space, search  # noqa: E402


@pytest.fixture(scope="module")
def parts():
    data = generate(n_users=80, n_items=50, n_interactions=1500, seed=0)
    split = random_split(data, 0.2, seed=0)
    return split.train, split.test


def test_numpy_numbers_and_tuples_are_the_values_they_equal():
    space = {"similarity": {"type": "categorical", "choices": ("cosine", "asymmetric")},
             "asymmetric_alpha": {"type": "float", "low": np.float64(0.0),
                                  "high": np.float32(1.0), "log": np.bool_(False),
                                  "when": {"similarity": ("asymmetric",)}},
             "neighbors": {"type": "int", "low": np.int64(2), "high": np.int32(8),
                           "step": np.int64(2)},
             "shrink": {"type": "categorical", "choices": np.array([0, 10])}}
    plain = plain_space(space)
    assert plain == {
        "similarity": {"type": "categorical", "choices": ["cosine", "asymmetric"]},
        "asymmetric_alpha": {"type": "float", "low": 0.0, "high": 1.0, "log": False,
                             "when": {"similarity": ["asymmetric"]}},
        "neighbors": {"type": "int", "low": 2, "high": 8, "step": 2},
        "shrink": {"type": "categorical", "choices": [0, 10]}}
    assert type(plain["neighbors"]["low"]) is int
    assert type(plain["shrink"]["choices"][1]) is int
    assert type(plain["asymmetric_alpha"]["log"]) is bool


@pytest.mark.parametrize("space", [
    {"factors": {"type": "int", "low": np.int64(2), "high": np.int64(8)}},
    {"factors": {"type": "categorical", "choices": (2, 4)}},
    {"factors": {"type": "categorical", "choices": np.arange(2, 5)}},
])
def test_a_space_built_with_numpy_or_tuples_is_searched(parts, space):
    train, validation = parts
    best, _, trials = search("als", train, validation, space, trials=2, seed=0,
                             base_params={"iterations": np.int64(2)})
    assert 2 <= best["factors"] <= 8 and type(best["factors"]) is int
    assert best["iterations"] == 2 and len(trials) == 2


@pytest.mark.parametrize("base, says", [
    ({"iterations": 0}, r"base_params\['iterations'\] = 0: iterations must be >= 1, got 0; "
                        r"every trial would use it as it is \(it is not a dimension of "
                        r"space\) and fail"),
    ({"alpha": "3"}, r"base_params\['alpha'\] = '3': alpha must be "),
])
def test_a_refused_base_value_the_space_never_draws_is_named_up_front(parts, base, says):
    train, validation = parts
    space = {"factors": {"type": "int", "low": 2, "high": 8}}
    with pytest.raises(ConfigError, match=says) as caught:
        search("als", train, validation, space, trials=2, seed=0, base_params=base)
    assert "trial" not in str(caught.value).split(";")[0]


def test_a_refused_base_value_of_a_conditional_dimension_is_named(parts):
    train, validation = parts
    space = {"similarity": {"type": "categorical", "choices": ["cosine", "asymmetric"]},
             "asymmetric_alpha": {"type": "float", "low": 0.0, "high": 1.0,
                                  "when": {"similarity": ["asymmetric"]}}}
    with pytest.raises(ConfigError, match=r"base_params\['asymmetric_alpha'\] = -1.0: .*"
                                          r"the space draws it only where its 'when' holds"):
        search("item_knn", train, validation, space, trials=2, seed=0,
               base_params={"asymmetric_alpha": -1.0})


def test_a_refused_base_value_the_space_draws_is_still_searched(parts):
    train, validation = parts
    space = {"factors": {"type": "int", "low": 2, "high": 8}}
    best, _, _ = search("als", train, validation, space, trials=2, seed=0,
                        base_params={"factors": 0, "iterations": 2})
    assert 2 <= best["factors"] <= 8
