"""Sixth bad-input probe, the evaluator's diversity metric: item features given as a list of
rows were never counted against the catalog (only arrays were), so five rows for a catalog
of four items were read by item index without a word."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.evaluation.evaluator import Evaluator
from recstack.models import create_model


@pytest.fixture(scope="module")
def split():
    users = np.array([0, 0, 1, 1, 2, 2, 3, 3, 0, 1, 2, 3])
    items = np.array([1, 2, 2, 3, 1, 3, 1, 4, 3, 1, 4, 2])
    data = Interactions.from_arrays(users, items)
    first = np.arange(len(data)) < 8
    return data.select(first), data.select(~first)


@pytest.mark.parametrize("features", [[[1.0, 0.0]] * 5, ((1.0, 0.0),) * 3])
def test_a_list_of_feature_rows_for_another_catalog_is_refused(split, features):
    train, test = split
    model = create_model("most_popular").fit(train)
    evaluator = Evaluator(ks=[2], metrics=["diversity"], item_features=features)
    with pytest.raises(ConfigError, match=rf"item_features has {len(features)} rows but the "
                                          r"catalog has 4 items"):
        evaluator.evaluate(model, train, test)

