"""Hundred-tenth probe: a 1-D array given for several features of a kind (the columns joined
one after the other, np.concatenate) was dealt out row by row across the features, so each
feature silently held a mix of the others' values; it is refused now, and a 1-D array for a
kind with one feature is still that feature's column."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.errors import RecstackError
from recstack.pipeline.schema import Feature, FeatureFrame, FeatureSchema

TWO_OF_EACH = FeatureSchema((
    Feature("price", "numeric"), Feature("age", "numeric"),
    Feature("genre", "categorical", cardinality=5), Feature("device", "categorical",
                                                             cardinality=5),
))
ONE_OF_EACH = FeatureSchema((Feature("price", "numeric"),
                             Feature("genre", "categorical", cardinality=5)))
USERS, ITEMS, GROUPS = np.zeros(4, int), np.arange(4), np.zeros(4, int)
PRICE, AGE = np.array([1.0, 2.0, 3.0, 4.0]), np.array([10.0, 20.0, 30.0, 40.0])
GENRE, DEVICE = np.array([1, 2, 3, 4]), np.array([4, 3, 2, 1])


def test_joined_numeric_columns_are_refused_naming_the_shape_wanted():
    with pytest.raises(RecstackError, match=r"^feature frame: the numeric features are a 1-D "
                                            r"array of 8 values, but the schema declares 2 "
                                            r"numeric columns \('price', 'age'\), so which "
                                            r"value belongs to which column is a guess; give "
                                            r"an array of shape \(4, 2\)"):
        FeatureFrame(TWO_OF_EACH, np.concatenate([PRICE, AGE]),
                     np.column_stack([GENRE, DEVICE]), USERS, ITEMS, GROUPS)


def test_joined_categorical_columns_are_refused():
    with pytest.raises(RecstackError, match=r"^feature frame: the categorical features are a "
                                            r"1-D array of 8 values, but the schema declares 2 "
                                            r"categorical columns \('genre', 'device'\)"):
        FeatureFrame(TWO_OF_EACH, np.column_stack([PRICE, AGE]),
                     np.concatenate([GENRE, DEVICE]), USERS, ITEMS, GROUPS)


def test_stacked_columns_keep_each_feature_its_own_values():
    frame = FeatureFrame(TWO_OF_EACH, np.column_stack([PRICE, AGE]),
                         np.column_stack([GENRE, DEVICE]), USERS, ITEMS, GROUPS)
    np.testing.assert_array_equal(frame.column("price"), PRICE)
    np.testing.assert_array_equal(frame.column("age"), AGE)
    np.testing.assert_array_equal(frame.column("device"), DEVICE)


def test_a_1d_array_is_still_the_one_feature_of_its_kind():
    frame = FeatureFrame(ONE_OF_EACH, PRICE, GENRE, USERS, ITEMS, GROUPS)
    np.testing.assert_array_equal(frame.column("price"), PRICE)
    np.testing.assert_array_equal(frame.column("genre"), GENRE)
