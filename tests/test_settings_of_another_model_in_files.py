"""A model's table in an experiment file, a tuning space or a search's base parameters
holding another model's setting (factors given to ease) said only "unknown key 'factors'";
they name the models that take it, as the model's constructor does, after the nearest of
the model's own where the key is close to one."""

from __future__ import annotations

import pytest

from recstack.config import ConfigError, load_experiment
from recstack.tuning import check_search_arguments

_FILE = """
[data]
source = "synthetic:n_users=50"
[split]
method = "random"
[[models]]
type = "ease"
{line}
"""


def test_another_models_setting_in_a_models_table_names_its_models(tmp_path) -> None:
    path = tmp_path / "exp.toml"
    path.write_text(_FILE.format(line="factors = 64"))
    with pytest.raises(ConfigError, match=r"\[\[models\]\] #1 \(ease\) unknown key 'factors' "
                                          r"for ease \(a setting of the models als, bpr, ials, "
                                          r"(?:implicit_als, )?mf, neumf and neural_mf: check the "
                                          r"model's type, or leave it out\); its parameters: "
                                          r"regularization"):
        load_experiment(path)


def test_a_near_miss_of_the_models_own_setting_keeps_its_suggestion(tmp_path) -> None:
    path = tmp_path / "exp.toml"
    path.write_text(_FILE.format(line="regularisation = 5.0"))
    with pytest.raises(ConfigError, match=r"unknown key 'regularisation' for ease \(did you "
                                          r"mean 'regularization'\?\); its parameters"):
        load_experiment(path)


def test_a_tuning_space_and_base_params_name_the_models_too() -> None:
    settings = {"metric": "ndcg@10", "trials": 2, "seed": 0, "timeout": None}
    space = {"factors": {"type": "int", "low": 2, "high": 8}}
    with pytest.raises(ConfigError, match=r"space: ease has no parameter 'factors' \(a setting "
                                          r"of the models als, bpr, ials, "
                                          r"(?:implicit_als, )?mf, neumf and neural_mf"):
        check_search_arguments("ease", space, None, **settings)
    with pytest.raises(ConfigError, match=r"base_params: ease has no parameter 'neighbors' "
                                          r"\(a setting of the models "):
        check_search_arguments("ease", {"regularization": {"type": "float", "low": 1.0,
                                                           "high": 10.0}},
                               {"neighbors": 5}, **settings)
