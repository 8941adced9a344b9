"""PCA and health diagnostics of embeddings, on vectors whose answers are planted."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.linalg import hadamard
from sklearn.decomposition import PCA

from recstack.analysis import embedding_health, log_popularity, pca_analysis
from recstack.errors import RecstackError


def _exact_variances(variances: list[float], n: int = 64) -> np.ndarray:
    """Columns along orthogonal +-1 Hadamard rows (mean 0), so column j has variance
    exactly ``variances[j]`` and the columns are uncorrelated: the principal components
    are the axes, in the order of the variances."""
    rows = hadamard(n)[1:len(variances) + 1].T.astype(float)  # each column: mean 0, var 1
    return rows * np.sqrt(variances)


def test_explained_variance_worked_by_hand() -> None:
    # variances 4, 3, 2, 1 of a total 10: shares 0.4, 0.3, 0.2, 0.1, cumulative 0.4, 0.7,
    # 0.9, 1.0, so 2 components reach 50% and 3 reach 90%
    x = _exact_variances([2.0, 4.0, 1.0, 3.0])
    result = pca_analysis(x, n_components=4)
    np.testing.assert_allclose(result.explained_variance_ratio, [0.4, 0.3, 0.2, 0.1],
                               atol=1e-12)
    np.testing.assert_allclose(result.cumulative, [0.4, 0.7, 0.9, 1.0], atol=1e-12)
    assert (result.n_for_50, result.n_for_90, result.components_for(1.0)) == (2, 3, 4)
    # PC1 is the axis of variance 4 (column 1), PC2 the axis of variance 3 (column 3)
    np.testing.assert_allclose(np.abs(result.components[0]), [0, 1, 0, 0], atol=1e-12)
    np.testing.assert_allclose(np.abs(result.components[1]), [0, 0, 0, 1], atol=1e-12)


def test_pca_agrees_with_sklearn() -> None:
    rng = np.random.default_rng(3)
    x = rng.standard_normal((500, 12)) @ rng.standard_normal((12, 12)) + 5.0
    ours = pca_analysis(x, n_components=5)
    theirs = PCA(n_components=12, svd_solver="full").fit(x)
    np.testing.assert_allclose(ours.explained_variance_ratio, theirs.explained_variance_ratio_,
                               rtol=1e-9)
    # directions agree up to sign
    dots = np.abs(np.sum(ours.components * theirs.components_[:5], axis=1))
    np.testing.assert_allclose(dots, 1.0, atol=1e-8)


def test_popularity_only_embedding_has_pc1_popularity_correlation_near_one() -> None:
    rng = np.random.default_rng(0)
    counts = rng.zipf(1.6, 800).clip(max=10_000)
    direction = rng.standard_normal(16)
    x = np.outer(np.log1p(counts), direction) + 0.01 * rng.standard_normal((800, 16))
    result = pca_analysis(x, counts)
    assert abs(result.popularity_correlation[0]) > 0.99
    assert result.captures_popularity
    assert "captures popularity" in result.reading()


def test_embedding_unrelated_to_popularity_is_read_as_such() -> None:
    rng = np.random.default_rng(1)
    counts = rng.integers(1, 1000, 600)
    result = pca_analysis(rng.standard_normal((600, 8)), counts)
    assert abs(result.popularity_correlation[0]) < 0.2
    assert not result.captures_popularity
    assert "does not capture popularity" in result.reading()


def test_correlation_is_on_log_popularity() -> None:
    # PC1 score equal to log(1 + count): the correlation is exactly 1 in size, while the
    # raw counts (a convex function of it) correlate less than 1
    counts = np.array([0, 1, 3, 7, 15, 31, 63, 127, 255, 511], dtype=float)
    score = np.log1p(counts)
    x = np.column_stack([score, np.zeros_like(score)])
    x[:, 1] = np.where(np.arange(10) % 2 == 0, 1e-3, -1e-3)
    result = pca_analysis(x, counts, n_components=1)
    assert abs(result.popularity_correlation[0]) == pytest.approx(1.0, abs=1e-6)
    np.testing.assert_allclose(log_popularity(counts), np.log1p(counts))


def test_health_of_gaussian_vectors_finds_nothing() -> None:
    x = np.random.default_rng(2).standard_normal((400, 16))
    health = embedding_health(x, np.random.default_rng(5).integers(1, 100, 400))
    assert health.findings() == []
    assert 12 < health.effective_rank <= 16


def test_health_finds_planted_dead_and_duplicate_vectors() -> None:
    x = np.random.default_rng(4).standard_normal((300, 8))
    x[[5, 17, 42]] = 0.0
    x[100] = x[7]
    x[200] = x[7]
    x[250] = x[9]
    health = embedding_health(x)
    assert health.dead.tolist() == [5, 17, 42]
    assert health.n_duplicates == 3  # 100 and 200 copy 7; 250 copies 9
    groups = sorted(sorted(g.tolist()) for g in health.duplicate_groups)
    assert groups == [[7, 100, 200], [9, 250]]
    text = " ".join(health.findings())
    assert "3 dead" in text and "3 item vectors duplicate" in text


def test_health_finds_collapse_and_norms_tracking_popularity() -> None:
    rng = np.random.default_rng(6)
    counts = rng.integers(1, 5000, 500).astype(float)
    # one direction, length growing with popularity, plus a whisper of noise
    x = np.outer(np.log1p(counts), rng.standard_normal(32)) + 1e-3 * rng.standard_normal(
        (500, 32))
    health = embedding_health(x, counts)
    assert health.collapsed
    assert health.first_component_share > 0.99
    assert health.norm_popularity_correlation > 0.99
    text = " ".join(health.findings())
    assert "collapsed" in text and "track popularity" in text


def test_bad_input_is_refused_with_a_message() -> None:
    with pytest.raises(RecstackError, match=r"must be finite; position \(0, 1\) holds nan"):
        pca_analysis(np.array([[1.0, np.nan], [0.0, 1.0]]))
    with pytest.raises(RecstackError, match="same"):
        pca_analysis(np.ones((5, 3)))
    with pytest.raises(RecstackError, match="popularity of the item vectors has 3 values for 4"):
        pca_analysis(np.eye(4), [1, 2, 3])
