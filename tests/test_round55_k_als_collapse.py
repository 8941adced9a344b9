"""ALS whose regularization pulls its factors to zero says so. On small data (a few
interactions per user and item) the default regularization = 30 is at or above the largest
singular value of the confidence matrix, the factors shrank to ~1e-7 and less, and the
lists were ranked by rounding without a word."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from recstack.data.synthetic import generate
from recstack.models.als import ALS, CollapsedFactorsWarning

pytest.importorskip("implicit")


def _fit(data, **params) -> tuple[ALS, list[warnings.WarningMessage]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = ALS(factors=8, **params).fit(data)
    return model, [w for w in caught if issubclass(w.category, CollapsedFactorsWarning)]


def _confidence_singular_value(data, alpha: float) -> float:
    # the confidence matrix written out densely and its spectrum by LAPACK, not by the
    # model's power iteration
    dense = np.zeros((data.n_users, data.n_items))
    np.add.at(dense, (data.user_index, data.item_index), data.value)
    confidence = np.where(dense > 0, 1.0 + alpha * dense, 0.0)
    return float(np.linalg.svd(confidence, compute_uv=False)[0])


def test_collapsed_factors_are_warned_of_with_the_regularization_that_fits() -> None:
    data = generate(n_users=50, n_items=40, n_interactions=200, seed=1).implicit()
    largest = _confidence_singular_value(data, alpha=3.0)
    assert largest < 30.0  # the default regularization is above it
    model, caught = _fit(data)
    scores = model.user_factors_ @ model.item_factors_.T
    assert np.abs(scores).max() < 1e-3  # the collapse the warning names
    assert len(caught) == 1
    message = str(caught[0].message)
    assert message.startswith("als: the factors shrank to nothing")
    assert f"regularization=30.0 is at or above {largest:.3g}, the largest singular value" \
        in message
    assert f"regularization = {largest / 4:.3g}" in message
    assert caught[0].filename == __file__

    # the advice works: a quarter of it keeps the factors, and nothing is said
    model, caught = _fit(data, regularization=largest / 4)
    assert caught == []
    assert np.abs(model.user_factors_ @ model.item_factors_.T).max() > 0.1


def test_healthy_fits_say_nothing() -> None:
    data = generate(n_users=300, n_items=200, n_interactions=6000, seed=1)
    for view in (data, data.implicit()):
        assert _confidence_singular_value(view, alpha=3.0) > 30.0
        _, caught = _fit(view)
        assert caught == []
