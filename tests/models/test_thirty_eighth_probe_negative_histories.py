"""Thirty-eighth bad-input probe, models: the models that read only which pairs occur
refuse a negative training value (a dislike), but a negative value in the histories given
to ``score_histories`` / ``fold_in`` was counted as an interaction without a word (item-kNN
with binary=True scored a -1 exactly as a 1). They now refuse it naming the model, the
count and the first place, as ``fit`` does; models that weight by the values still take
it, and a blend names the member that refused."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model


@pytest.fixture(scope="module")
def data() -> Interactions:
    users = np.repeat(np.arange(8), 4)
    items = np.array([0, 1, 2, 3, 1, 2, 3, 4, 2, 3, 4, 5, 3, 4, 5, 0,
                      4, 5, 0, 1, 5, 0, 1, 2, 0, 2, 4, 5, 1, 3, 5, 0])
    # item ids 10..15: the message names the external id, not the column
    return Interactions.from_arrays(users, items + 10, np.ones(len(users)),
                                    np.arange(len(users)))


# one user liked items 10 and 12 and disliked item 11 (-1): column 1
DISLIKE = np.array([[1.0, -1.0, 1.0, 0.0, 0.0, 0.0]])


@pytest.mark.parametrize(("model", "params", "how"), [
    ("most_popular", {}, "it counts every row as one interaction"),
    ("item_knn", {}, "with binary=True it counts every recorded pair as 1"),
    ("user_knn", {}, "with binary=True it counts every recorded pair as 1"),
    ("rp3beta", {}, "with binary=True it counts every recorded pair as 1"),
    ("ease", {}, "with binary=True it counts every recorded pair as 1"),
    ("ials", {"factors": 4, "iterations": 2}, "it reads every non-zero value as an interaction"),
    ("gf_cf", {"k": 2}, "it reads every non-zero value as an interaction"),
])
def test_negative_history_values_are_refused_where_fit_refuses_them(data, model, params, how):
    fitted = create_model(model, **params).fit(data)
    with pytest.raises(RecstackError) as refused:
        fitted.score_histories(DISLIKE)
    message = str(refused.value)
    assert message.startswith(f"{model}: histories hold 1 negative value(s) (e.g. -1 in "
                              "row 0, column 1 = item 11); ")
    assert how in message


def test_ials_fold_in_refuses_negative_history_values(data):
    fitted = create_model("ials", factors=4, iterations=2).fit(data)
    with pytest.raises(RecstackError, match=r"^ials: histories hold 1 negative value"):
        fitted.fold_in(DISLIKE)


def test_binary_knn_no_longer_reads_a_dislike_as_a_like(data):
    # before: the -1 was binarised into a 1, so both histories scored the same
    fitted = create_model("item_knn").fit(data)
    liked = fitted.score_histories(np.abs(DISLIKE))
    assert liked.shape == (1, 6)
    with pytest.raises(RecstackError):
        fitted.score_histories(DISLIKE)


def test_models_that_weight_by_values_still_take_negative_history_values(data):
    # binary=False: a value is a weight, so -1 subtracts the item's similarities
    fitted = create_model("item_knn", binary=False).fit(data)
    scores = fitted.score_histories(DISLIKE)
    similarity = fitted.similarity_.toarray()
    # score_j = sum_i h_i * s_ij over the pruned similarity (rows: target items)
    expected = similarity @ DISLIKE[0]
    np.testing.assert_allclose(scores[0], expected, rtol=1e-5, atol=1e-6)


def test_a_blend_names_the_member_that_refuses_negative_history_values(data):
    members = [{"type": "item_knn", "binary": False}, {"type": "ease"}]
    blend = create_model("blend", members=members, weights=[0.5, 0.5]).fit(data)
    with pytest.raises(RecstackError) as refused:
        blend.score_histories(DISLIKE)
    assert str(refused.value).startswith("blend: members[1] (ease): ease: histories hold 1 "
                                         "negative value(s)")
