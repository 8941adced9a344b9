"""Iteration counts and vector widths have an upper bound: ``epochs=2**40`` (a typo) was
accepted and the fit never ended; a factor count whose matrices cannot fit in memory is
refused with the bytes before anything is allocated."""

import warnings

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.models import create_model
from recstack.models.base import MAX_FACTORS, MAX_ITERATIONS
from recstack.models.registry import model_class

#: (model, hyperparameter) pairs bounded by MAX_ITERATIONS
ITERATIONS = [("als", "iterations"), ("ials", "iterations"), ("bpr", "epochs"),
              ("lightgcn", "epochs"), ("lightgcn_pp", "epochs"), ("mf", "epochs"),
              ("neural_mf", "epochs"), ("sasrec", "epochs"), ("two_tower", "epochs")]
#: (model, hyperparameter) pairs bounded by MAX_FACTORS in their declaration
WIDTHS = [("ials", "factors"), ("lightgcn", "dim"), ("lightgcn_pp", "dim"),
          ("sasrec", "hidden")]


def test_the_bounds_are_the_documented_values():
    assert MAX_ITERATIONS == 10_000
    assert MAX_FACTORS == 65_536


@pytest.mark.parametrize(("name", "param"), ITERATIONS + WIDTHS)
def test_a_value_beyond_the_bound_is_refused_naming_it(name, param):
    bound = MAX_ITERATIONS if (name, param) in ITERATIONS else MAX_FACTORS
    model = create_model(name, **{param: 2**40})
    with pytest.raises(ConfigError, match=rf"^{name}: {param} must be <= {bound}, got "
                                          rf"{2**40}$"):
        model.validate_params()
    create_model(name, **{param: bound}).validate_params()  # the bound itself is allowed


@pytest.mark.parametrize(("name", "param"), ITERATIONS + WIDTHS)
def test_the_bound_is_in_the_generated_documentation(name, param):
    bound = MAX_ITERATIONS if (name, param) in ITERATIONS else MAX_FACTORS
    assert f"{param} : int in [" in model_class(name).describe_params()
    assert f", {bound}]" in model_class(name).params[param].describe()


def test_neural_mf_layer_widths_are_bounded():
    with pytest.raises(ConfigError, match=r"^neural_mf: layers\[1\] must be <= 65536"):
        create_model("neural_mf", layers=(8, 2**40)).validate_params()


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    n = 400
    return Interactions.from_arrays(rng.integers(0, 40, n), rng.integers(0, 30, n),
                                    rng.integers(1, 6, n).astype(float),
                                    rating_range=(1.0, 5.0))


@pytest.mark.parametrize("name", ["als", "bpr", "mf"])
def test_factor_matrices_beyond_memory_are_refused_with_the_bytes(name, data, monkeypatch):
    # 60,000 factors of 70 vectors is a few hundred MB at most: with 1 MiB "available",
    # the refusal must come from the up-front estimate, before numpy is asked for anything
    monkeypatch.setattr("recstack.models.memory.available_memory_bytes",
                        lambda: (2**20, "available (MemAvailable)"))
    model = create_model(name, factors=60_000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # more factors than users and items
        with pytest.raises(RecstackError, match=rf"^{name}: not enough memory to fit 40 users "
                                                r"x 30 items with factors=60,000: the fit "
                                                r"needs about .* bytes\) but only .*; lower "
                                                r"factors"):
            model.fit(data)
    assert not model.is_fitted


@pytest.mark.parametrize(("name", "params", "remedy"), [
    ("sasrec", {"hidden": 64, "max_length": 5, "epochs": 1, "validation": False,
                "device": "cpu"}, "lower hidden or blocks"),
    ("two_tower", {"dim": 64, "hidden": 64, "epochs": 1, "device": "cpu"},
     "lower dim or hidden"),
])
def test_torch_weights_beyond_memory_are_refused_before_allocating(name, params, remedy,
                                                                   data, monkeypatch):
    pytest.importorskip("torch")
    monkeypatch.setattr("recstack.models.memory.available_memory_bytes",
                        lambda: (2**16, "available (MemAvailable)"))
    model = create_model(name, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(RecstackError, match=rf"^{name}: .* weights, with gradients and "
                                                rf"optimiser moments,? needs about .* "
                                                rf"bytes\).*; {remedy}$"):
            model.fit(data)
    assert not model.is_fitted


@pytest.mark.parametrize(("name", "param"), [("als", "factors"), ("bpr", "factors"),
                                             ("mf", "factors"), ("neural_mf", "factors"),
                                             ("two_tower", "dim"), ("two_tower", "hidden")])
def test_widths_beyond_the_bound_are_refused_where_memory_would_hold_them(name, param, data,
                                                                          monkeypatch):
    # memory as large as it gets: the bound alone refuses 65,537 (no data set needs them)
    pytest.importorskip("torch")
    monkeypatch.setattr("recstack.models.memory.available_memory_bytes",
                        lambda: (2**62, "available (MemAvailable)"))
    params = {"device": "cpu"} if name in ("mf", "neural_mf", "two_tower") else {}
    model = create_model(name, **params, **{param: MAX_FACTORS + 1})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ConfigError, match=rf"^{name}: {param} must be <= 65536, got "
                                              r"65537$"):
            model.fit(data)
    assert not model.is_fitted
    assert "at most 65,536" in model_class(name).params[param].doc


def test_two_tower_weights_beyond_the_bound_name_the_bound_first(data):
    # the width bound is checked with every hyperparameter, before the data is read
    pytest.importorskip("torch")
    with pytest.raises(ConfigError, match=r"^two_tower: dim must be <= 65536, got "
                                          r"4611686018427387904$"):
        create_model("two_tower", dim=2**62, device="cpu").fit(data)
