"""The two-stage model's ``candidates`` checked its user indices only in the candidate
generation, whose refusal started "candidates:" without the model's name (which
``score_users`` and ``reranked``'s ``rerank_lists`` give); it now starts
"two_stage: candidates:"."""

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model

N_USERS = 30


@pytest.fixture(scope="module")
def model():
    rng = np.random.default_rng(0)
    data = Interactions.from_arrays(rng.integers(0, N_USERS, 600), rng.integers(0, 25, 600),
                                    np.ones(600), rng.integers(0, 10**6, 600))
    return create_model("two_stage", generators=[{"type": "most_popular"},
                                                 {"type": "item_knn", "neighbors": 20}],
                        ranker={"type": "logistic"}, n_candidates=10).fit(data)


@pytest.mark.parametrize(("indices", "says"), [
    (np.array([N_USERS]), rf"unknown user {N_USERS} in user_indices at row 0"),
    (np.array([-1]), r"unknown user -1 in user_indices at row 0"),
    (np.array([1.0]), r"user_indices must hold integer user indices, got floats"),
    (np.array([[1]]), r"user_indices must be a 1-D array of user indices"),
])
def test_candidates_refuses_bad_user_indices_naming_the_model(model, indices, says):
    with pytest.raises(RecstackError, match=rf"^two_stage: candidates: {says}"):
        model.candidates(indices)


def test_candidates_of_good_indices_are_unchanged(model):
    # the rows name the user indices asked for
    assert set(model.candidates(np.array([3, 3, 5])).users.tolist()) == {3, 5}
