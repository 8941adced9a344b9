"""A split group is named with its rows; a misspelt bandit parameter gets the nearest name."""

import numpy as np
import pytest

from recstack.errors import ConfigError, RecstackError
from recstack.pipeline.bandits import EpsilonGreedy, LinUCB
from recstack.pipeline.schema import Feature, FeatureFrame, FeatureSchema

SCHEMA = FeatureSchema((Feature("signal", "numeric", "a number"),))


def test_a_group_split_in_two_is_named_with_its_rows():
    groups = np.array([7, 7, 3, 3, 7])
    with pytest.raises(RecstackError, match=r"the rows of a group must be contiguous; group 7 "
                       r"runs to row 1 and starts again at row 4; sort the rows by group"):
        FeatureFrame(SCHEMA, np.zeros((5, 1)), np.zeros((5, 0), np.int64), groups,
                     np.arange(5), groups)


def test_contiguous_groups_in_any_order_are_taken():
    groups = np.array([7, 7, 3, 3, 5])
    frame = FeatureFrame(SCHEMA, np.zeros((5, 1)), np.zeros((5, 0), np.int64), groups,
                         np.arange(5), groups)
    assert len(frame) == 5


@pytest.mark.parametrize(("policy", "given", "near"), [
    (EpsilonGreedy, {"n_item": 3}, "n_items"),
    (EpsilonGreedy, {"n_items": 3, "epsilom": 0.1}, "epsilon"),
    (LinUCB, {"n_items": 3, "n_feature": 2}, "n_features"),
])
def test_a_misspelt_bandit_parameter_gets_the_nearest_name(policy, given, near):
    with pytest.raises(ConfigError, match=rf"unknown parameter\(s\) .* \(did you mean "
                       rf"'{near}'\?\)"):
        policy(**given)


@pytest.mark.parametrize(("ranker", "loss", "near"), [
    ("lightgbm", "lambda_rank", "lambdarank"),
    ("logistic", "bec", "bce"),
])
def test_a_misspelt_ranker_loss_gets_the_nearest_supported_one(ranker, loss, near):
    from recstack.pipeline.rankers import create_ranker

    with pytest.raises(ConfigError, match=rf"loss '{loss}' is not supported by this ranker "
                       rf"\(did you mean '{near}'\?\); it supports"):
        create_ranker(ranker, loss=loss).validate_params()


def test_a_loss_given_as_an_array_is_named_by_type():
    from recstack.pipeline.rankers import create_ranker

    # numpy's "truth value of an array is ambiguous" came out of the membership test
    with pytest.raises(ConfigError, match="loss must be str"):
        create_ranker("logistic", loss=np.array(["bce", "focal"])).validate_params()
