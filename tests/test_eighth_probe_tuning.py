"""Eighth probe: the arguments of ``recstack.tuning.search`` checked as an experiment's
``[tune]`` table is, and an empty ``[tune.space]`` named as such."""

from __future__ import annotations

import pytest

pytest.importorskip("optuna")

from recstack.config import parse_experiment  # noqa: E402
from recstack.data.splits import random_split  # noqa: E402
from recstack.data.synthetic import generate  # noqa: E402
from recstack.errors import ConfigError  # noqa: E402
from recstack.tuning import search  # noqa: E402

SPACE = {"factors": {"type": "int", "low": 2, "high": 8}}


@pytest.fixture(scope="module")
def parts():
    data = generate(n_users=80, n_items=50, n_interactions=1500, seed=0)
    split = random_split(data, 0.2, seed=0)
    return split.train, split.test


@pytest.mark.parametrize("setting, says", [
    # optuna: "No trials are completed yet" (a ValueError traceback)
    ({"trials": 0}, r"trials = 0: expected a whole number of trials in \[1, "),
    ({"trials": -3}, r"trials = -3: expected a whole number"),
    # 2.5 ran three trials, True one
    ({"trials": 2.5}, r"trials = 2.5: expected a whole number"),
    ({"trials": True}, r"trials = True: expected a whole number"),
    # no trial started under a timeout of 0; a NaN one was no limit at all
    ({"timeout": 0}, r"timeout = 0: expected a positive number of seconds"),
    ({"timeout": -1.0}, r"timeout = -1.0: expected a positive number"),
    ({"timeout": float("nan")}, r"timeout = nan: expected a positive number"),
    ({"timeout": "60"}, r"timeout = '60': expected a positive number"),
    # numpy: "Seed must be between 0 and 2**32 - 1"
    ({"seed": -1}, r"seed = -1: expected a whole number in \[0, 4294967295\]"),
    ({"seed": 2**32}, r"seed = 4294967296: expected a whole number in \[0, 4294967295\]"),
    ({"seed": 1.5}, r"seed = 1.5: expected a whole number"),
    # int('x'): a ValueError traceback
    ({"metric": "ndcg@x"}, r'metric = "ndcg@x": expected a name like \'ndcg@10\''),
    # coverage is one number for the whole list: it was maximised instead of a per-user one
    ({"metric": "coverage@10"}, r'"coverage" is not a per-user metric'),
    ({"metric": "ndgc@10"}, r'"ndgc" is not a per-user metric \(did you mean \'ndcg\'\?\)'),
])
def test_a_wrong_search_setting_is_refused_by_name(parts, setting, says):
    train, validation = parts
    arguments = {"trials": 1, "seed": 0} | setting
    with pytest.raises(ConfigError, match=says):
        search("als", train, validation, SPACE, **arguments)


@pytest.mark.parametrize("space, says", [
    # optuna: "`low <= high` must hold" after logging the failed trial
    ({"factors": {"type": "int", "low": 8, "high": 2}},
     r"space\['factors'\]: needs whole numbers low < high, got low=8, high=2"),
    ({"factors": {"type": "categorical", "choices": []}},
     r"space\['factors'\]: a categorical dimension needs a non-empty 'choices'"),
    ({"factors": {"type": "float", "low": 2.0, "high": 8.0}},
     r"space\['factors'\]: low = 2.0: factors must be int"),
    # every trial fitted the same model: nothing was searched
    ({}, r"space = \{\}: expected a non-empty dict of dimensions"),
    # blamed on "trial 1 ... drawn from the search space: narrow the ranges"
    ({"factor": {"type": "int", "low": 2, "high": 8}},
     r"space: als has no parameter 'factor' \(did you mean 'factors'\?\)"),
])
def test_a_wrong_space_is_refused_before_any_trial(parts, space, says):
    train, validation = parts
    with pytest.raises(ConfigError, match=says):
        search("als", train, validation, space, trials=1)


def test_a_misspelt_base_parameter_is_named_as_such(parts):
    # it was reported as a value drawn from the search space, to narrow the ranges
    train, validation = parts
    with pytest.raises(ConfigError, match=r"base_params: als has no parameter 'iteration' "
                                          r"\(did you mean 'iterations'\?\)"):
        search("als", train, validation, SPACE, base_params={"iteration": 2}, trials=1)


def test_good_settings_still_search(parts):
    train, validation = parts
    best, value, history = search("als", train, validation, SPACE, trials=2, seed=3,
                                  timeout=600.0, base_params={"iterations": 2},
                                  metric="recall@5")
    assert len(history) == 2 and 2 <= best["factors"] <= 8 and best["iterations"] == 2
    assert value == max(trial["value"] for trial in history)


def _experiment(tune):
    raw = {"data": {"source": "synthetic"}, "split": {"method": "random"},
           "models": [{"type": "als"}], "tune": tune}
    return parse_experiment(raw, source="exp.toml")


def test_an_empty_tune_space_is_named_as_empty():
    # it said "model 'als' has no default search space", of a model that has one
    with pytest.raises(ConfigError, match=r"exp.toml: \[tune\] space: \[tune.space\] is "
                                          r"empty; give at least one dimension.*or leave "
                                          r"the table out"):
        _experiment({"model": "als", "space": {}})


@pytest.mark.parametrize("metric, meant", [("NDCG@10", "ndcg@10"), ("Recall@20", "recall@20"),
                                           (" ndcg@10", "ndcg@10")])
def test_a_metric_in_capitals_gets_its_spelling(metric, meant):
    with pytest.raises(ConfigError, match=rf'did you mean "{meant}"\? names are lower case'):
        _experiment({"model": "als", "metric": metric})


def test_a_model_without_a_default_space_is_shown_its_own_parameters():
    # the example named factors, a parameter 'random' does not have
    raw = {"data": {"source": "synthetic"}, "split": {"method": "random"},
           "models": [{"type": "random"}], "tune": {"model": "random"}}
    with pytest.raises(ConfigError, match=r"model 'random' has no default search space; "
                                          r"give one over its parameters \(seed\) in "
                                          r"\[tune.space\]") as error:
        parse_experiment(raw, source="exp.toml")
    assert "factors" not in str(error.value)
