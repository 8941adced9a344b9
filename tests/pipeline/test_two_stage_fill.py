"""The two-stage model's ``candidates_per_user``: every user ranks exactly that many
candidates at serving (the generators' lists read in interleaved rank order), the ranker
still learns from the whole union, and a count above ``n_candidates`` is refused."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.synthetic import generate
from recstack.errors import ConfigError
from recstack.models import create_model
from recstack.pipeline.candidates import generate_candidates
from tests.pipeline.tiny_ranker import TinyLinearRanker, tiny_ranker  # noqa: F401 (fixture)

GENERATORS = ({"type": "most_popular"}, {"type": "item_knn", "neighbors": 20})


def test_every_user_ranks_exactly_candidates_per_user(tiny_ranker):  # noqa: F811
    data = generate(n_users=200, n_items=150, n_interactions=4000, seed=2)
    model = create_model("two_stage", generators=GENERATORS, ranker={"type": "tiny_linear"},
                         n_candidates=40, candidates_per_user=40).fit(data)
    users = np.arange(data.n_users)
    candidates = model.candidates(users)
    # two lists of 20 overlap, so their union falls short of 40 for some users...
    halves = generate_candidates(model.generators_, users, 20, exclude=model.seen_)
    assert np.bincount(halves.users, minlength=len(users)).min() < 40
    # ...the union of two lists of 40 is longer than 40 for some; the cut gives exactly 40
    union = generate_candidates(model.generators_, users, 40, exclude=model.seen_)
    assert np.bincount(union.users, minlength=len(users)).max() > 40
    np.testing.assert_array_equal(np.bincount(candidates.users, minlength=len(users)), 40)
    scores = model.score_users(users[:10])
    is_candidate = np.zeros_like(scores, dtype=bool)
    is_candidate[candidates.users[candidates.users < 10],
                 candidates.items[candidates.users < 10]] = True
    for u in range(10):
        assert scores[u][is_candidate[u]].min() > scores[u][~is_candidate[u]].max()


def test_more_candidates_per_user_than_each_generator_proposes_is_refused(tiny_ranker):  # noqa: F811
    data = generate(n_users=50, n_items=40, n_interactions=600, seed=2)
    with pytest.raises(ConfigError, match="candidates_per_user = 70 exceeds n_candidates = 30"):
        create_model("two_stage", generators=GENERATORS, ranker={"type": "tiny_linear"},
                     n_candidates=30, candidates_per_user=70).fit(data)
