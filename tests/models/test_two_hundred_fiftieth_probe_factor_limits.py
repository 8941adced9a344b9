"""Two-hundred-fiftieth bad-input probe, tuning spaces against the data: the default
search spaces draw ``factors`` (ALS, BPR) and ``dim`` (LightGCN, LightGCN++) up to 256,
and on a catalog of 20 items every trial past 20 warned that its extra dimensions only
cost time and memory (the scores have rank at most min(n_users, n_items)). The factor
models now declare that bound in ``data_limits``, so a default range is clipped to it and
a range written in ``[tune.space]`` that reaches past it is refused naming it."""

from __future__ import annotations

import warnings

import pytest

from recstack.cli import main
from recstack.config import load_experiment
from recstack.data.synthetic import generate
from recstack.errors import ConfigError
from recstack.models.registry import model_class
from recstack.tuning import fit_space_to_data, tune

FACTOR_MODELS = [("als", "factors"), ("ials", "factors"), ("bpr", "factors"),
                 ("mf", "factors"), ("neural_mf", "factors"), ("lightgcn", "dim"),
                 ("lightgcn_pp", "dim")]

FILE = """name = "n"
[data]
source = "synthetic:n_users=30,n_items=20,n_interactions=300,seed=1"
[split]
method = "random"
[evaluation]
metrics = ["ndcg"]
ks = [5]
[[models]]
type = "als"
[tune]
model = "als"
trials = 6
"""


@pytest.fixture(scope="module")
def data():
    # 30 users x 20 items: the scores have rank at most 20
    made = generate(n_users=30, n_items=20, n_interactions=300, seed=1)
    assert (made.n_users, made.n_items) == (30, 20)
    return made


@pytest.mark.parametrize(("model", "param"), FACTOR_MODELS)
def test_each_factor_model_declares_the_rank_it_warns_beyond(model, param):
    # the fit warns for factors > min(n_users, n_items): 21 on 30 x 20 warns, 20 does not
    assert model_class(model).data_limits(30, 20) == {
        param: (21, f"{param} <= min(n_users, n_items) = 20, the rank of the scores; more "
                    "only cost time and memory")}
    assert model_class(model).data_limits(7, 1_000)[param][0] == 8


@pytest.mark.parametrize(("model", "param"),
                         [("als", "factors"), ("bpr", "factors"), ("lightgcn", "dim"),
                          ("lightgcn_pp", "dim")])
def test_a_default_factor_range_is_clipped_to_the_rank(data, model, param):
    from recstack.config import tunable_space

    default = tunable_space(model)
    assert default[param] == {"type": "int", "low": 16, "high": 256, "log": True}
    fitted = fit_space_to_data(model, default, data, default=True)
    assert fitted[param] == {"type": "int", "low": 16, "high": 20, "log": True}
    # the other dimensions are left as they were
    assert {k: v for k, v in fitted.items() if k != param} == {
        k: v for k, v in default.items() if k != param}
    # choices past the rank are dropped from a default space
    choices = {param: {"type": "categorical", "choices": [8, 20, 21, 64]}}
    assert fit_space_to_data(model, choices, data, default=True)[param]["choices"] == [8, 20]


@pytest.mark.parametrize(("model", "param"), FACTOR_MODELS)
def test_a_written_range_past_the_rank_is_refused_naming_it(data, model, param):
    with pytest.raises(ConfigError) as error:
        fit_space_to_data(model, {param: {"type": "int", "low": 2, "high": 32}}, data,
                          default=False)
    assert str(error.value) == (
        f"space.{param}: {param} = 2..32 reaches beyond what this data allows ({param} <= "
        "min(n_users, n_items) = 20, the rank of the scores; more only cost time and "
        f"memory); keep {param} below 21")
    # up to the rank it is searched as written
    within = {param: {"type": "int", "low": 2, "high": 20}}
    assert fit_space_to_data(model, within, data, default=False) == within


def test_a_default_range_wholly_past_the_rank_is_one_error(data):
    small = generate(n_users=30, n_items=10, n_interactions=120, seed=1)
    assert small.n_items == 10
    with pytest.raises(ConfigError) as error:
        fit_space_to_data("als", {"factors": {"type": "int", "low": 16, "high": 256,
                                              "log": True}}, small, default=True)
    assert str(error.value) == (
        "als: the default search space has factors = 16..256, all of it beyond what this "
        "data allows (factors <= min(n_users, n_items) = 10, the rank of the scores; more "
        "only cost time and memory); search factors below 11 with [tune] model = \"als\" "
        "and a [tune.space] table (e.g. factors = { type = \"int\", low = 1, high = 10 }, "
        "with the other dimensions to search)")


def test_tuning_als_on_a_small_catalog_draws_no_factors_it_warns_about(tmp_path):
    path = tmp_path / "exp.toml"
    path.write_text(FILE)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = tune(load_experiment(path))
    excess = [str(w.message) for w in caught if "is more than both" in str(w.message)]
    assert excess == []
    drawn = [trial["params"]["factors"] for trial in result.trials]
    assert len(drawn) == 6
    assert all(16 <= factors <= 20 for factors in drawn), drawn


def test_recstack_tune_on_a_small_catalog_prints_no_factor_warning(
        tmp_path, capsys, python_default_display):
    path = tmp_path / "exp.toml"
    path.write_text(FILE)
    assert main(["tune", str(path), "--out", str(tmp_path / "t.toml")]) == 0
    assert "is more than both" not in capsys.readouterr().err
