"""Seventy-ninth bad-input probe, models: ``content`` with ``binary=False`` takes a user's
profile as the mean of their items' vectors weighted by the values, and ``rp3beta`` with
``binary=False`` the values over their sum as the walk's probabilities: a negative value
has no meaning in either. content accepted negative values in fit and in
``score_histories`` without a word; rp3beta refused them in fit but scored a history's
negative values. Both now refuse them in both places, naming the model and the pair; EASE
and kNN with ``binary=False`` keep taking them as ratings."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models.registry import create_model

# user 1 disliked item 2 (-1): 1 of 6 rows is negative
WITH_DISLIKE = Interactions.from_arrays([1, 1, 2, 2, 3, 3], [1, 2, 2, 3, 1, 3],
                                        [1.0, -1.0, 1.0, 1.0, 2.0, 1.0], list(range(6)))
POSITIVE = Interactions.from_arrays([1, 1, 2, 2, 3, 3], [1, 2, 2, 3, 1, 3],
                                    [1.0, 1.0, 1.0, 1.0, 2.0, 1.0], list(range(6)))
MODELS = [("content", {"interaction_weight": 1.0}), ("rp3beta", {})]


@pytest.mark.parametrize(("model", "params"), MODELS)
@pytest.mark.parametrize("binary", [False, True])
def test_negative_training_values_are_refused(model, params, binary):
    with pytest.raises(RecstackError) as refused:
        create_model(model, binary=binary, **params).fit(WITH_DISLIKE)
    message = str(refused.value)
    assert message.startswith(f"{model}: 1 of 6 interaction values are negative (e.g. -1 "
                              "for user 1, item 2); ")
    # binary=False refuses them too, so it is not offered as the way out
    assert "binary=False" not in message or "with binary=False" in message.split(";")[1]
    assert "weight by the values with binary=False" not in message


@pytest.mark.parametrize(("model", "params"), MODELS)
@pytest.mark.parametrize("binary", [False, True])
def test_negative_history_values_are_refused(model, params, binary):
    fitted = create_model(model, binary=binary, **params).fit(POSITIVE)
    with pytest.raises(RecstackError, match=rf"^{model}: histories hold 1 negative value\(s\) "
                                            r"\(e\.g\. -1 in row 0, column 1 = item 2\); "):
        fitted.score_histories(np.array([[1.0, -1.0, 0.0]]))


def test_the_weighted_content_model_says_why():
    with pytest.raises(RecstackError, match=r"with binary=False a user's profile is the mean "
                                            r"of their items' vectors weighted by the values"):
        create_model("content", interaction_weight=1.0, binary=False).fit(WITH_DISLIKE)


@pytest.mark.parametrize("model", ["ease", "item_knn", "user_knn"])
def test_models_weighting_by_signed_values_take_ratings(model):
    fitted = create_model(model, binary=False).fit(WITH_DISLIKE)
    scores = fitted.score_histories(np.array([[1.0, -1.0, 0.0]]))
    assert scores.shape == (1, 3) and np.isfinite(scores).all()
