"""Hundred fiftieth bad-input probe, a learning rate so large that the scores overflow.

``mf``, ``neural_mf`` and ``lightgcn`` at ``learning_rate=1e30`` learned finite values (each
step moves a weight by about the rate), so the fit passed its divergence check, but every
score, a sum of products of values near 1e30, overflowed float32: every list was empty
slots, without a word. ``neural_mf`` at 1e10 stayed within that bound, but its layers
multiplied the weights past float32 and every prediction was NaN. Such fits are now
refused as diverged, naming the settings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("torch")

from recstack.data.interactions import Interactions  # noqa: E402
from recstack.errors import RecstackError  # noqa: E402
from recstack.models import create_model  # noqa: E402

FLOAT32_MAX = float(np.finfo(np.float32).max)


def _frame() -> pd.DataFrame:
    rng = np.random.default_rng(150)
    n = 300
    return pd.DataFrame({"user_id": rng.integers(0, 30, n), "item_id": rng.integers(0, 20, n),
                         "value": rng.integers(1, 6, n).astype(float),
                         "timestamp": np.arange(n)}).drop_duplicates(["user_id", "item_id"])


@pytest.fixture(scope="module")
def ratings():
    return Interactions.from_frame(_frame(), rating_range=(1, 5))


@pytest.fixture(scope="module")
def implicit():
    return Interactions.from_frame(_frame(), value_col=None)


@pytest.mark.parametrize(("name", "params"), [
    ("mf", {"factors": 8}),
    ("neural_mf", {"factors": 8}),
    ("neural_mf", {"factors": 8, "layers": ()}),
])
@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_a_rating_model_whose_scores_overflow_is_refused(ratings, name, params):
    model = create_model(name, learning_rate=1e30, epochs=1, device="cpu", **params)
    with pytest.raises(RecstackError, match=rf"{name}: training diverged: .*overflow float32"
                                            r".*learning_rate=1e\+30.*lower the learning "
                                            "rate"):
        model.fit(ratings)
    assert not model.is_fitted


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_neural_mf_whose_layers_overflow_is_refused(ratings):
    model = create_model("neural_mf", learning_rate=1e10, epochs=1, factors=8, device="cpu")
    with pytest.raises(RecstackError, match=r"neural_mf: training diverged: predicted "
                                            r"ratings are NaN.*learning_rate=1e\+10|"
                                            r"neural_mf: training diverged: .*overflow"):
        model.fit(ratings)
    assert not model.is_fitted


def test_lightgcn_whose_scores_overflow_is_refused(implicit):
    model = create_model("lightgcn", learning_rate=1e30, epochs=1, dim=8, layers=1,
                         device="cpu")
    with pytest.raises(RecstackError, match=r"lightgcn: training diverged: .*overflow"):
        model.fit(implicit)


def test_the_bound_is_the_largest_score_the_vectors_allow(implicit):
    model = create_model("als", factors=4, iterations=2).fit(implicit)
    width = model.user_factors_.shape[1]
    # one user value and one item value whose product, times the width, passes float32
    side = float(np.sqrt(FLOAT32_MAX / width)) * 1.01
    model.user_factors_ = np.full_like(model.user_factors_, 0.1)
    model.item_factors_ = np.full_like(model.item_factors_, 0.1)
    model.user_factors_[0, 0] = side
    model.item_factors_[0, 0] = side
    with pytest.raises(RecstackError, match=r"als: training diverged: the learned vectors "
                                            r"reach .* so their scores overflow float32"):
        model._check_diverged()


def test_vectors_just_within_the_bound_are_kept(implicit):
    model = create_model("als", factors=4, iterations=2).fit(implicit)
    width = model.user_factors_.shape[1]
    side = float(np.sqrt(FLOAT32_MAX / width)) * 0.99
    model.user_factors_ = np.full_like(model.user_factors_, 0.1)
    model.item_factors_ = np.full_like(model.item_factors_, 0.1)
    model.user_factors_[0, 0] = side
    model.item_factors_[0, 0] = side
    model._check_diverged()  # nothing to refuse


def test_an_ordinary_learning_rate_still_fits(ratings):
    model = create_model("mf", epochs=1, factors=8, device="cpu").fit(ratings)
    ids, scores = model.recommend(list(ratings.users.external_ids[:3]), k=3)
    assert np.isfinite(scores).all() and (ids != -1).all()
