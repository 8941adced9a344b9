"""Round 53 (E): the Bayesian logistic regression given features of a frame that names one
of them twice names the doubled one, not only the one it crowds out."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.pipeline.bandit_checks import BanditInputError
from recstack.pipeline.bayesian import BayesianLogisticRegression


@pytest.fixture
def fitted() -> BayesianLogisticRegression:
    features = pd.DataFrame(np.random.default_rng(0).normal(size=(30, 3)),
                            columns=["price", "age", "rank"])
    return BayesianLogisticRegression().fit(features, (features["price"] > 0).astype(int))


def test_a_column_doubled_in_place_of_another_is_named(fitted) -> None:
    frame = pd.DataFrame(np.ones((2, 3)), columns=["price", "price", "rank"])
    # before: "(missing 'age')", the doubled 'price' not said
    with pytest.raises(BanditInputError, match=r"\(missing 'age'; named twice 'price'\)"):
        fitted.predict_proba(frame)


def test_a_column_doubled_beside_all_the_others_is_named(fitted) -> None:
    frame = pd.DataFrame(np.ones((2, 4)), columns=["price", "age", "rank", "age"])
    # before: "(a column named twice)", which one left to be found
    with pytest.raises(BanditInputError, match=r"\(named twice 'age'\)"):
        fitted.predict_proba(frame)


def test_a_row_naming_a_feature_twice_is_named(fitted) -> None:
    row = pd.Series([1.0, 2.0, 3.0, 4.0], index=["price", "age", "rank", "rank"])
    with pytest.raises(BanditInputError, match=r"\(named twice 'rank'\)"):
        fitted.predict_proba(row)
