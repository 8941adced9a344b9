"""A two-stage model's ``recommend`` for many requests of the same users.

Its seen-item mask was taken for the whole call at once (``seen_[user_index]``): every
request's seen items held together, whatever the batch size, so 300,000 requests of one
user with 800 seen items grew the process by 2.2 GB (the scores themselves are batched to
the memory budget). The mask is now taken a batch at a time; the lists are unchanged.
"""

import numpy as np
import pytest
import scipy.sparse as sp

from recstack.data.interactions import Interactions
from recstack.models import create_model


@pytest.fixture(scope="module")
def model():
    rng = np.random.default_rng(0)
    users = np.r_[np.zeros(120, int), np.repeat(np.arange(1, 80), 12)]
    items = np.r_[rng.permutation(200)[:120], rng.integers(0, 60, 79 * 12)]
    train = Interactions.from_arrays(users, items, None, rng.permutation(len(users)),
                                     duplicates="last")
    return create_model("two_stage", generators=({"type": "most_popular"},
                                                 {"type": "item_knn", "neighbors": 20}),
                        ranker={"type": "logistic"}, n_candidates=30).fit(train)


class RecordingSeen(sp.csr_matrix):
    """The model's seen matrix, recording the most rows taken from it at once."""

    most_rows = 0

    def __getitem__(self, key):
        if isinstance(key, np.ndarray):
            RecordingSeen.most_rows = max(RecordingSeen.most_rows, len(key))
        return super().__getitem__(key)


def test_seen_items_are_taken_a_batch_at_a_time(model, monkeypatch):
    requests = [0] * 500 + [1] * 500
    expected_items, expected_scores = model.recommend(requests, k=5)
    monkeypatch.setitem(model.__dict__, "seen_", RecordingSeen(model.seen_))
    RecordingSeen.most_rows = 0
    items, scores = model.recommend(requests, k=5, batch_size=50)
    assert RecordingSeen.most_rows <= 50
    np.testing.assert_array_equal(items, expected_items)
    np.testing.assert_array_equal(scores, expected_scores)


def test_repeated_requests_get_the_single_requests_list(model):
    one_items, one_scores = model.recommend([0, 1], k=5)
    items, scores = model.recommend([0, 1] * 300, k=5, batch_size=7)
    np.testing.assert_array_equal(items, np.tile(one_items, (300, 1)))
    np.testing.assert_array_equal(scores, np.tile(one_scores, (300, 1)))
    # none of a user's training items is recommended to them
    seen = {user: set(model.items_.to_external(model.seen_[u].indices).tolist())
            for user, u in ((0, model.users_.to_index([0])[0]),
                            (1, model.users_.to_index([1])[0]))}
    for row, user in enumerate([0, 1]):
        assert not set(one_items[row].tolist()) & seen[user]

