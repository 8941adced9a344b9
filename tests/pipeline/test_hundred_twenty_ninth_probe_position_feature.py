"""A position feature the frame does not hold is refused with the error class of the place
that names it: :func:`with_serving_position`'s ``feature`` argument as every other of its
arguments (a BanditInputError, a ValueError: it was a plain RecstackError, which escaped
``except ValueError``), a ranker's ``position_feature`` as every other unusable
hyperparameter (a ConfigError); both in one wording, with the nearest name for a typo and
a word for a categorical feature of that name."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.errors import ConfigError
from recstack.pipeline.bandit_checks import BanditInputError
from recstack.pipeline.position_bias import with_serving_position
from recstack.pipeline.rankers import create_ranker
from recstack.pipeline.schema import Feature, FeatureFrame, FeatureSchema


def _frame() -> FeatureFrame:
    schema = FeatureSchema((Feature("x", "numeric"), Feature("position", "numeric"),
                            Feature("slot", "categorical", cardinality=4)))
    n = 6
    rng = np.random.default_rng(0)
    numeric = np.column_stack([rng.normal(size=n), np.tile([1.0, 2.0, 3.0], 2)])
    categorical = np.tile([[1], [2], [3]], (2, 1)).astype(np.int32)
    groups = np.repeat([0, 1], 3)
    return FeatureFrame(schema, numeric, categorical, groups, np.arange(n), groups)


@pytest.mark.parametrize(("feature", "tail"), [
    ("postion", r"'postion' \(did you mean 'position'\?\) \(its features: x, position, "
                r"slot\)"),
    ("slot", r"'slot' \(it is categorical: a position must be a numeric feature\)"),
    (3, r"3 \(int: a feature is named by a string\) \(its features"),
])
def test_with_serving_position_names_a_missing_feature_as_a_value_error(feature, tail):
    with pytest.raises(BanditInputError, match=r"^with_serving_position: feature: the frame "
                       r"has no numeric feature " + tail):
        with_serving_position(_frame(), 1.0, feature=feature)
    with pytest.raises(ValueError):
        with_serving_position(_frame(), 1.0, feature=feature)


def test_with_serving_position_still_sets_the_named_feature():
    frame = with_serving_position(_frame(), 2.0)
    assert frame.column("position").tolist() == [2.0] * 6
    assert frame.column("x").tolist() == _frame().column("x").tolist()


def test_a_ranker_whose_position_feature_is_missing_is_a_config_error():
    frame = _frame()
    labels = np.array([1.0, 0, 0, 0, 1, 0])
    ranker = create_ranker("logistic", serving_position=1, position_feature="postion")
    with pytest.raises(ConfigError, match=r"^logistic: serving_position=1 but the frame has "
                       r"no numeric feature 'postion' \(did you mean 'position'\?\)"):
        ranker.fit(frame, labels)
