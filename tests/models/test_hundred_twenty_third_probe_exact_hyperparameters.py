"""Hyperparameters declared with ``Param`` read exact numbers (``Decimal``, ``Fraction``)
as the rest of recstack does: the float they name, or the int where a whole number is
wanted. They were refused as "must be int or float" (models, blend weights, bandits...),
and one inside a member's table could not be saved ("cannot be written as JSON"). A
whole number written with a point (``factors=64.0``, as a JSON file writes every number)
is refused saying how to write it, as an experiment file's settings are."""

import json
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.models import create_model, load_model

DATA = Interactions.from_arrays(np.array([1, 1, 2, 2, 3, 3, 4, 4]),
                                np.array([1, 2, 2, 3, 1, 3, 4, 1]),
                                np.ones(8), np.arange(8))


@pytest.mark.parametrize("given", [Decimal("0.05"), Fraction(1, 20)])
def test_an_exact_float_is_stored_as_the_float_it_names(given):
    model = create_model("als", regularization=given)
    model.validate_params()
    assert type(model.regularization) is float and model.regularization == 0.05


@pytest.mark.parametrize("given", [Decimal("8"), Fraction(8, 1), Decimal("8.000")])
def test_a_whole_exact_number_is_the_count_it_names(given):
    model = create_model("als", factors=given)
    model.validate_params()
    assert type(model.factors) is int and model.factors == 8
    assert model.get_params()["factors"] == 8


def test_a_value_set_after_construction_is_read_the_same_way():
    model = create_model("item_knn")
    model.neighbors = Decimal("7")
    assert type(model.neighbors) is int and model.neighbors == 7


@pytest.mark.parametrize("given", [Decimal("2.5"), Fraction(5, 2)])
def test_a_fraction_where_a_count_is_wanted_is_refused_as_written(given):
    model = create_model("als", factors=given)
    with pytest.raises(ConfigError, match=r"^als: factors must be int, got "
                                          + repr(given).replace("(", r"\(").replace(")", r"\)")):
        model.validate_params()


def test_an_exact_nan_is_refused_as_not_finite():
    with pytest.raises(ConfigError, match=r"^als: regularization must be a finite number"):
        create_model("als", regularization=Decimal("NaN")).validate_params()


def test_list_elements_are_read_by_the_elements_declaration():
    model = create_model("blend", members=[{"type": "most_popular"}, {"type": "ease"}],
                         weights=[Decimal("0.25"), Fraction(3, 4)])
    model.validate_params()
    assert model.weights == [0.25, 0.75]
    assert all(type(weight) is float for weight in model.weights)


def test_an_exact_number_in_a_members_table_saves_as_plain_json(tmp_path):
    model = create_model("blend", members=[{"type": "most_popular"},
                                           {"type": "ease", "regularization": Decimal("10"),
                                            "binary": True}],
                         weights=[0.5, 0.5]).fit(DATA)
    model.save(tmp_path / "m")
    saved = json.loads((tmp_path / "m" / "model.json").read_text())
    assert saved["params"]["members"][1]["regularization"] == 10
    again = load_model(tmp_path / "m")
    assert again.get_params() == model.get_params()


def test_a_fitted_model_given_the_same_exact_value_is_unchanged():
    model = create_model("ease", regularization=Decimal("10")).fit(DATA)
    model.regularization = Fraction(10, 1)
    model.recommend([1], 2)  # not refused as a hyperparameter changed after fit


def test_other_parts_declared_with_param_read_them_too():
    from recstack.pipeline.bandits import EpsilonGreedy
    from recstack.pipeline.bayesian import BayesianLogisticRegression

    policy = EpsilonGreedy(n_items=3, epsilon=Decimal("0.25"))
    assert type(policy.epsilon) is float and policy.epsilon == 0.25
    policy = EpsilonGreedy(n_items=Decimal("3"), epsilon=Fraction(1, 4))
    assert type(policy.n_items) is int and policy.epsilon == 0.25
    part = BayesianLogisticRegression(prior_precision=Fraction(1, 2))
    assert type(part.prior_precision) is float and part.prior_precision == 0.5
    part.validate_params()


@pytest.mark.parametrize(("params", "name", "written"), [
    ('{"factors": 64.0}', "factors", "64"),
    ('{"iterations": 3.0}', "iterations", "3"),
])
def test_a_whole_number_with_a_point_is_told_how_to_write_it(params, name, written):
    model = create_model("als", **json.loads(params))
    with pytest.raises(ConfigError, match=rf"^als: {name} must be int, got {written}\.0 \(a "
                                          rf"whole number is written in digits alone.*"
                                          rf"{name} = {written}\)$"):
        model.validate_params()


def test_a_number_in_quotes_is_told_to_drop_them():
    with pytest.raises(ConfigError, match=r"^als: factors must be int, got '64' \(a number "
                                          r"in quotes is text"):
        create_model("als", factors="64").validate_params()
