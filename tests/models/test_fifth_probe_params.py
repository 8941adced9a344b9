"""Fifth bad-input probe, hyperparameters at the edge of their range: settings under which a
model learned nothing gave every score 0 (so every list was the first k items by index)
without a word: iALS with a huge regularization or unobserved weight (every factor exactly
0), EASE with a regularization beyond every co-occurrence count (every weight 0), and the
content model with interaction_weight 1e30 (its float32 row norms overflowed)."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model
from tests.models.quick_params import quick_params
from tests.models.test_fifth_probe_values import two_groups


@pytest.fixture(scope="module")
def data() -> Interactions:
    """12 users x 8 items: even users like even items, odd users odd items, 3 each."""
    return two_groups(lambda users: np.ones(len(users)))


@pytest.mark.parametrize(("params", "advice"), [
    ({"regularization": 1e30}, "lower the regularization"),
    ({"regularization": 1e10}, "lower the regularization"),
    # the unobserved weight is the setting at fault, and the one named
    ({"unobserved_weight": 1e30}, "lower the unobserved weight")])
def test_ials_that_learned_only_zero_factors_is_refused(data, params, advice):
    model = create_model("ials", **{**quick_params("ials"), **params})
    with pytest.raises(RecstackError, match=r"^ials: training learned nothing: every learned "
                                            rf"\w+ vector is 0.*{advice}"):
        model.fit(data)
    assert not model.is_fitted


def test_ease_whose_regularization_drowns_every_weight_is_refused(data):
    # the largest co-occurrence count here is 5: own items 1 and 2 of each parity are
    # among the 3 chosen by 5 of its 6 users (window starts 0, 1, 2, 3, 0, 1 over 4 items)
    with pytest.raises(RecstackError, match=r"^ease: training learned nothing: every "
                                            r"item-item weight is 0 with regularization="
                                            r"1e\+30.*at most 5\)"):
        create_model("ease", regularization=1e30).fit(data)


def test_ease_with_a_large_but_workable_regularization_still_ranks(data):
    model = create_model("ease", regularization=1e6).fit(data)
    items, scores = model.recommend([0], k=1)
    assert scores[0, 0] > 0 and items[0, 0] % 2 == 0  # user 0 (even) gets an even item


def test_ease_on_data_without_co_occurrence_still_fits(data):
    # nobody has two items: nothing links items, all-zero weights are the right answer
    lonely = Interactions.from_arrays(np.arange(4), np.arange(4))
    items, scores = create_model("ease").fit(lonely).recommend([0], k=2)
    assert scores.tolist() == [[0.0, 0.0]]


def test_content_with_a_huge_interaction_weight_ranks_like_weight_one(data):
    # the profile is a direction: scaling the interaction features changes no ranking
    huge = create_model("content", interaction_weight=1e30).fit(data)
    one = create_model("content", interaction_weight=1.0).fit(data)
    assert huge.recommend([0, 1], k=3)[0].tolist() == one.recommend([0, 1], k=3)[0].tolist()
    assert np.ptp(huge.score_users(np.array([0]))) > 0
