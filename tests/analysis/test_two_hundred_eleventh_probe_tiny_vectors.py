"""PCA and embedding health of vectors of tiny values: the analyses square the values, and
values of 1e-200 squared to zero, so that six different vectors spanning three directions
were "every vector is the same" (pca_analysis) and collapsed and dead (embedding_health)."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.analysis import embedding_health, pca_analysis

# +-e1, +-e2, +-e3: centred already; the scatter matrix is 2 I, so each direction carries a
# third of the variance and the effective rank is exp(ln 3) = 3; every vector has length 1
AXES = np.vstack([np.eye(3), -np.eye(3)])


@pytest.mark.parametrize("scale", [1.0, 1e-200, 1e-300])
def test_pca_shares_do_not_depend_on_the_scale(scale):
    pca = pca_analysis(AXES * scale)
    assert pca.explained_variance_ratio == pytest.approx([1 / 3, 1 / 3, 1 / 3])
    assert pca.n_for_90 == 3


def test_pca_of_tiny_values_correlates_with_popularity_as_the_unscaled_vectors_do():
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(40, 4))
    popularity = rng.integers(0, 50, size=40)
    plain = pca_analysis(vectors, popularity)
    tiny = pca_analysis(vectors * 1e-250, popularity)
    assert tiny.explained_variance_ratio == pytest.approx(plain.explained_variance_ratio)
    assert np.abs(tiny.popularity_correlation) == pytest.approx(
        np.abs(plain.popularity_correlation))


@pytest.mark.parametrize("scale", [1.0, 1e-200, 1e-300])
def test_health_of_tiny_values_is_that_of_the_vectors_at_any_scale(scale):
    health = embedding_health(AXES * scale)
    assert health.first_component_share == pytest.approx(1 / 3)
    assert health.effective_rank == pytest.approx(3.0)
    assert health.dead.tolist() == []
    assert health.n_duplicates == 0
    assert not health.collapsed
    assert health.findings() == []
    # the lengths reported are the vectors' own, not the scaled ones
    assert health.norms == pytest.approx(np.full(6, scale), rel=1e-12)


def test_a_tiny_vector_among_ordinary_ones_is_still_dead():
    vectors = np.vstack([AXES, [[1e-200, 0.0, 0.0]]])
    assert embedding_health(vectors).dead.tolist() == [6]


def test_tiny_duplicates_are_still_found():
    vectors = np.vstack([AXES, AXES[:2]]) * 1e-250
    health = embedding_health(vectors)
    assert health.n_duplicates == 2
    assert health.dead.tolist() == []
