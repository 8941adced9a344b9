"""The evaluator measures the users' list overlap, which diagnose's "same lists" check
reads, at K = 10 (the length its 0.4 bound was set at), not at the experiment's largest K:
overlap grows with list length for every model, so K = 50 told healthy models that they
give everyone the same list."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import random_split
from recstack.evaluation.diagnostics import diagnose
from recstack.evaluation.evaluator import Evaluator
from tests.evaluation.scorer import Scorer

N_USERS, N_ITEMS = 60, 200


def _overlap_by_hand(lists: list[list[int]]) -> float:
    shares = [len(set(a) & set(b)) / min(len(a), len(b))
              for a, b in itertools.combinations(lists, 2)]
    return sum(shares) / len(shares)


@pytest.fixture(scope="module")
def split():
    # every user rates items 150..199 only, so no list below is cut by a seen item
    rng = np.random.default_rng(0)
    users = np.repeat(np.arange(N_USERS), 10)
    items = np.concatenate([rng.choice(np.arange(150, N_ITEMS), 10, replace=False)
                            for _ in range(N_USERS)])
    catalog = pd.DataFrame({"item_id": np.arange(N_ITEMS)})
    data = Interactions.from_arrays(users, items, item_table=catalog, keep_unseen_items=True)
    # item ids are their indices, so the scores below can be written by id
    assert data.items.to_external(np.arange(N_ITEMS)).tolist() == list(range(N_ITEMS))
    return random_split(data, 0.3, seed=0)


def _personal_then_shared(users: np.ndarray) -> np.ndarray:
    """Each user's own 10 items first (items 10u..10u+9 of 0..119, disjoint between the
    users 0..11 and repeated after), then the same 40 items 120..159 for everyone: lists
    personalised in their top 10 that grow alike further down, as real lists do."""
    scores = np.zeros((len(users), N_ITEMS))
    scores[:, 120:160] = 1.0 + np.linspace(0.5, 0.0, 40)
    for row, user in enumerate(users):
        own = 10 * (int(user) % 12)
        scores[row, own:own + 10] = 3.0 - np.arange(10) / 100
    return scores


def test_a_model_personalised_at_the_top_is_not_told_it_gives_one_list(split) -> None:
    result = Evaluator(ks=[10, 50]).evaluate(Scorer(_personal_then_shared), split.train,
                                             split.test)
    users = split.train.users.to_index(result.per_user.index.to_numpy())
    tops = [list(range(10 * (int(u) % 12), 10 * (int(u) % 12) + 10)) for u in users]
    stored = result.meta["mean_list_overlap"]
    assert stored["k"] == 10
    assert stored["overlap"] == pytest.approx(_overlap_by_hand(tops), rel=1e-12)
    assert stored["overlap"] < 0.1
    # the top-50 lists (own 10 + the shared 40) share at least 40 of 50: measured there,
    # the check fired on this model
    assert _overlap_by_hand([top + list(range(120, 160)) for top in tops]) >= 0.8
    assert [d for d in diagnose(result) if d.kind == "same lists"] == []


def test_one_list_for_everyone_is_still_flagged_at_any_largest_k(split) -> None:
    alike = Scorer(lambda users: np.tile(-np.arange(N_ITEMS, dtype=float), (len(users), 1)))
    for ks in ([5], [10, 50], [20, 100]):
        result = Evaluator(ks=ks).evaluate(alike, split.train, split.test)
        assert result.meta["mean_list_overlap"] == {"k": min(10, max(ks)), "overlap": 1.0}
        found = [d for d in diagnose(result) if d.kind == "same lists"]
        assert len(found) == 1 and f"top {min(10, max(ks))}" in found[0].message
