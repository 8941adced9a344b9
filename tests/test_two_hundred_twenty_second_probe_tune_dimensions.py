"""A search space could name a model's seed (or its thread count, device or checkpoint
folder) as a dimension: the search "tuned" it, keeping the seed that was luckiest on
validation. Such a dimension is refused, naming it and why, in experiment files and in
Python alike."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.config import NOT_TUNABLE, parse_experiment
from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.models.registry import available_models, model_class
from recstack.tuning import search

BASE = {"data": {"source": "synthetic"}, "split": {"method": "random"},
        "models": [{"type": "als"}]}


@pytest.mark.parametrize(("param", "dimension"), [
    ("seed", {"type": "int", "low": 0, "high": 9}),
    ("num_threads", {"type": "categorical", "choices": [1, 2]}),
])
def test_an_experiment_file_refuses_a_dimension_that_is_no_hyperparameter(param, dimension):
    raw = BASE | {"tune": {"model": "als", "space": {
        "factors": {"type": "int", "low": 8, "high": 16}, param: dimension}}}
    with pytest.raises(ConfigError, match=rf"^x\.toml: \[tune\] space\.{param}: '{param}' is "
                                          rf"not a hyperparameter to tune: .*; remove it from "
                                          r"the space"):
        parse_experiment(raw, source="x.toml")


def test_search_refuses_a_seed_dimension_before_any_trial():
    data = Interactions.from_arrays(np.array([1, 1, 2, 2]), np.array([1, 2, 1, 3]))
    with pytest.raises(ConfigError, match=r"^space\['seed'\]: 'seed' is not a hyperparameter "
                                          r"to tune: it only picks the random draw"):
        search("bpr", data, data, {"seed": {"type": "int", "low": 0, "high": 3}}, trials=2)


def test_no_default_space_names_a_setting_that_is_no_hyperparameter():
    for kind in available_models():
        space = getattr(model_class(kind), "search_space", {}) or {}
        assert not set(space) & set(NOT_TUNABLE), kind
