"""A two-stage scorer declared as one of its generators is accepted on purpose (unlike a
generator or a scorer listed twice): the generator's score column holds only the items it
proposed (NaN elsewhere), while the scorer scores every candidate, those proposed by the
other generators too, so its column is a different feature, not a copy."""

from __future__ import annotations

import numpy as np

from recstack.data.interactions import Interactions
from recstack.models import create_model

KNN = {"type": "item_knn", "neighbors": 20}


def test_a_scorer_equal_to_a_generator_scores_the_candidates_it_did_not_propose():
    rng = np.random.default_rng(0)
    data = Interactions.from_arrays(rng.integers(0, 30, 600), rng.integers(0, 25, 600),
                                    np.ones(600), rng.integers(0, 10**6, 600))
    model = create_model("two_stage", generators=[{"type": "most_popular"}, KNN],
                         scorers=[KNN], ranker={"type": "logistic"}, n_candidates=5).fit(data)
    users = np.arange(data.n_users)
    candidates = model.candidates(users)
    knn = create_model("item_knn", neighbors=20).fit(data)
    # by definition, the scorer's column is the model's score of each (user, item) pair
    expected = knn.score_users(users)[candidates.users, candidates.items]
    np.testing.assert_allclose(candidates.similarity[:, 0], expected, rtol=1e-6)
    proposed = ~np.isnan(candidates.scores[:, 1])
    # where the generator proposed the item, its score is the scorer's
    np.testing.assert_allclose(candidates.scores[proposed, 1],
                               candidates.similarity[proposed, 0], rtol=1e-6)
    # and the scorer also scores the items only the other generator proposed
    assert (~proposed).any()
    assert np.isfinite(candidates.similarity[~proposed, 0]).all()
