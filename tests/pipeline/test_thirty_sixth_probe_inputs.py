"""A re-ranker fitted on something other than Interactions is refused saying what to give
(not pandas' "no attribute 'item_table'" traceback), and inverse-propensity weights refuse
negative labels instead of weighting them as unclicked rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.errors import RecstackError
from recstack.pipeline.bandit_checks import BanditInputError
from recstack.pipeline.position_bias import ipw_sample_weights
from recstack.pipeline.rerank import available_rerankers, create_reranker

_NEEDS = {"column_boost": {"column": "year"}, "item_predicate": {"column": "year", "value": 1}}


@pytest.mark.parametrize("name", available_rerankers())
@pytest.mark.parametrize("train", [pd.DataFrame({"user_id": [1], "item_id": [2]}),
                                   "data/ratings.csv", None])
def test_every_reranker_refuses_a_train_that_is_not_interactions(name, train):
    reranker = create_reranker({"type": name, **_NEEDS.get(name, {})})
    with pytest.raises(RecstackError, match=f"^{name}.fit\\(train\\) takes Interactions "
                                            "\\(from recstack.data.sources.load_source, "
                                            f"Interactions.from_frame, or a split's train\\), "
                                            f"got {type(train).__name__}$"):
        reranker.fit(train)
    assert not reranker.is_fitted


@pytest.mark.parametrize("label", [-1, -0.5])
def test_ipw_weights_refuse_negative_labels(label):
    with pytest.raises(BanditInputError, match="^ipw_sample_weights: labels must be >= 0 "
                                               "\\(clicks 1/0 or a graded relevance\\), row 1 "
                                               f"is {float(label)!r}$"):
        ipw_sample_weights(np.array([1, 2, 2]), np.array([1, label, 0]), np.array([1.0, 0.5]))


def test_ipw_weights_of_valid_labels_follow_the_formula():
    # w = 1 / max(theta_k, clip) for clicked rows (label > 0), 1 otherwise
    weights = ipw_sample_weights(np.array([1, 2, 2, 3]), np.array([1, 2, 0, 1]),
                                 np.array([1.0, 0.5, 0.01]), clip=0.05)
    np.testing.assert_allclose(weights, [1.0, 2.0, 1.0, 20.0])
