"""A model parameter that shares its name with a ``[tune]`` setting (bpr's
``validation_fraction``, a seeded model's ``seed``) is a dimension of ``[tune.space]``, not a
setting written below its header; a setting no tuned model takes still is."""

import pytest

from recstack.config import load_experiment
from recstack.errors import ConfigError

BASE = ('[data]\nsource = "synthetic:n_users=50,n_items=40,n_interactions=800"\n'
        '[split]\nmethod = "random"\n[[models]]\ntype = "bpr"\n[tune]\nmodel = "bpr"\n'
        '[tune.space]\n')


def test_a_parameter_named_like_a_tune_setting_is_searched(tmp_path):
    path = tmp_path / "e.toml"
    path.write_text(BASE + 'validation_fraction = { type = "float", low = 0.1, high = 0.2 }\n')
    tune = load_experiment(path).tune
    assert tune.space == {"validation_fraction": {"type": "float", "low": 0.1, "high": 0.2}}
    assert tune.validation_fraction == 0.2  # the [tune] setting keeps its default


def test_a_setting_the_model_does_not_take_is_still_told_to_move_up(tmp_path):
    path = tmp_path / "e.toml"
    path.write_text(BASE + "trials = 5\n")
    with pytest.raises(ConfigError, match=r"trials = 5 is a setting of \[tune\]"):
        load_experiment(path)
