"""A two-stage model scores new users from their histories (``score_histories``) as it
scores a known user: the same candidates, the same features where the history says the
same, the user features worked out here by hand from the history."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model
from recstack.pipeline.features import NEVER
from tests.pipeline.tiny_ranker import TinyLinearRanker, tiny_ranker  # noqa: F401 (fixture)

GENERATORS = ({"type": "item_knn", "neighbors": 20}, {"type": "most_popular"})
END = 1_700_000_000
GENRES = ("drama", "comedy", "horror")


def last_event_together(seed: int = 0) -> Interactions:
    """60 users x 15 items of 40, every user's last event at the same second (``END``),
    so a known user's last interaction is where a new visitor's is taken to be: at the
    end of training. Items carry one or two genres; there is no user table."""
    rng = np.random.default_rng(seed)
    users, items, times = [], [], []
    for user in range(60):
        chosen = rng.choice(40, 15, replace=False, p=np.linspace(2, 1, 40) / 60)
        users += [user] * 15
        items += chosen.tolist()
        times += (END - 3_600 * np.arange(15)[::-1]).tolist()
    genres = [[GENRES[i % 3]] + ([GENRES[(i + 1) % 3]] if i % 4 == 0 else [])
              for i in range(40)]
    table = pd.DataFrame({"item_id": np.arange(40), "genres": genres})
    return Interactions.from_arrays(np.array(users), np.array(items), None, np.array(times),
                                    item_table=table)


@pytest.fixture
def fitted(tiny_ranker):  # noqa: F811 (the imported fixture)
    data = last_event_together()
    model = create_model("two_stage", generators=GENERATORS, ranker={"type": "tiny_linear"},
                         n_candidates=12, window="user", user_labels=4).fit(data)
    return model, data


def test_a_training_users_history_scores_as_the_user_does(fitted):
    model, data = fitted
    users = np.arange(data.n_users)
    known = model.score_users(users)
    visitors = model.score_histories(model.seen_[users])
    # the features differ only in user_days_since: 1 s before the training end for the
    # known users (1/86,400 of a day), 0 for the visitors
    np.testing.assert_allclose(visitors, known, rtol=1e-4, atol=1e-4)
    # and what a row is ranked from matters: another user's history, another list
    assert not np.allclose(visitors[0], known[1], atol=1e-2)


def test_the_candidates_are_each_generators_top_items_from_the_history(fitted):
    model, data = fitted
    history = sp.csr_matrix(([1.0] * 4, ([0] * 4, [3, 8, 17, 30])), shape=(1, data.n_items))
    row = model.score_histories(history)[0]
    expected = set()
    for generator in model.generators_:
        scores = np.asarray(generator.score_histories(history), np.float64)[0]
        scores[history.indices] = -np.inf
        expected |= set(np.argsort(-scores, kind="stable")[:12].tolist())
    ranked = set(np.flatnonzero(row >= row[list(expected)].min()).tolist())
    assert ranked == expected
    assert not set(history.indices.tolist()) & expected


def test_a_visitors_user_features_come_from_their_history(fitted):
    model, data = fitted
    history = sp.csr_matrix(([1.0, 1.0, 1.0], ([0, 0, 0], [0, 1, 4])),
                            shape=(1, data.n_items))
    state = model.builder_.visitor_state(model.state_, history)
    assert state.user_count.tolist() == [3.0]
    assert state.user_last.tolist() == [model.state_.cutoff] != [NEVER]
    # item genres: 0 -> drama + comedy (0 % 4 == 0), 1 -> comedy, 4 -> comedy + horror;
    # the share of the three history items with each level
    levels = list(model.builder_.columns_[0].levels)
    share = {"drama": 1 / 3, "comedy": 3 / 3, "horror": 1 / 3}
    np.testing.assert_allclose(state.user_levels.toarray()[0],
                               [share[level] for level in levels], rtol=1e-6)
    # the item rows stay those of the training state
    np.testing.assert_array_equal(state.item_count, model.state_.item_count)


def test_a_generator_without_fold_in_is_named(tiny_ranker):  # noqa: F811
    data = last_event_together()
    model = create_model("two_stage", generators=[{"type": "bpr", "factors": 4,
                                                   "epochs": 2},
                                                  {"type": "most_popular"}],
                         ranker={"type": "tiny_linear"}, n_candidates=10, window="user",
                         user_labels=4).fit(data)
    with pytest.raises(RecstackError, match=r"generators\[0\] \(bpr\) cannot score the "
                                            "histories: it has no score_histories"):
        model.score_histories(model.seen_[[0]])
