"""BPR's ``sampling="bootstrap"``: Rendle et al.'s LearnBPR (2009, section 4.3), whose
steps draw their positive pair uniformly with replacement, against the paper's update
written plainly in numpy."""

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.models.bpr import BPR

pytest.importorskip("numba")

# 4 users x 3 items, each user without exactly one item, so every step's negative is that
# item and a run is fixed by the pairs it steps on
MISSING = [2, 0, 1, 2]
SEED, FACTORS, STEP, DECAY = 3, 2, 0.05, 0.01


def _data() -> Interactions:
    users, items = [], []
    for user, missing in enumerate(MISSING):
        for item in range(3):
            if item != missing:
                users.append(user)
                items.append(item)
    return Interactions.from_arrays(np.array(users), np.array(items))


def _learn_bpr(pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The paper's update on each drawn pair in turn: with x = b_i - b_j + p_u.(q_i - q_j)
    and g = e^-x / (1 + e^-x), theta += step * (g * dx/dtheta - decay * theta)."""
    start = np.random.default_rng(SEED)
    p = (start.standard_normal((4, FACTORS)) * 0.1).astype(np.float32).astype(np.float64)
    q = (start.standard_normal((3, FACTORS)) * 0.1).astype(np.float32).astype(np.float64)
    b = np.zeros(3)
    stored = [(u, i) for u, missing in enumerate(MISSING) for i in range(3) if i != missing]
    for pair in pairs:
        u, i = stored[pair]
        j = MISSING[u]
        x = b[i] - b[j] + p[u] @ (q[i] - q[j])
        g = 1.0 / (1.0 + np.exp(x))
        pu, qi, qj = p[u].copy(), q[i].copy(), q[j].copy()
        p[u] += STEP * (g * (qi - qj) - DECAY * pu)
        q[i] += STEP * (g * pu - DECAY * qi)
        q[j] += STEP * (-g * pu - DECAY * qj)
        b[i] += STEP * (g - DECAY * b[i])
        b[j] += STEP * (-g - DECAY * b[j])
    return p, q, b


def _fit(sampling: str) -> BPR:
    model = BPR(factors=FACTORS, learning_rate=STEP, regularization=DECAY, epochs=1,
                seed=SEED, sampling=sampling)
    return model.fit(_data())


def test_bootstrap_epoch_is_learnbpr_with_pairs_drawn_with_replacement():
    # the epoch's 8 draws, uniform over the 8 stored pairs with replacement
    draws = np.random.default_rng(np.random.SeedSequence([SEED, 0])).integers(0, 8, size=8)
    assert len(set(draws.tolist())) < 8  # some pair twice: not a visit of every pair
    p, q, b = _learn_bpr(draws)
    model = _fit("bootstrap")
    np.testing.assert_allclose(model.user_factors_, p, atol=1e-6)
    np.testing.assert_allclose(model.item_factors_, q, atol=1e-6)
    np.testing.assert_allclose(model.item_bias_, b, atol=1e-6)


def test_default_epoch_visits_every_pair_once():
    order = np.random.default_rng(np.random.SeedSequence([SEED, 0])).permutation(8)
    p, q, b = _learn_bpr(order)
    model = _fit("positives")
    np.testing.assert_allclose(model.user_factors_, p, atol=1e-6)
    np.testing.assert_allclose(model.item_factors_, q, atol=1e-6)
    np.testing.assert_allclose(model.item_bias_, b, atol=1e-6)
    assert BPR().sampling == "positives"


def test_unknown_sampling_is_refused_naming_the_choices():
    with pytest.raises(ConfigError, match="bootstrap"):
        BPR(sampling="uniform").fit(_data())
