"""Two hundred twenty-third probe: components beyond the rank of the vectors (fewer rows
than dimensions, or dimensions that depend on each other) carry no variance. Their
eigenvalues come out of the solver as rounding noise (1e-17 of the total), which
``pca_analysis`` reported as shares of variance, in ``explained_variance_ratio`` and the
scree chart. They are exactly 0 now; real small shares are kept."""

from __future__ import annotations

import numpy as np

from recstack.analysis import embedding_health, pca_analysis

# centred rows a, -a, b, -b with a = (1, 1, 1, 1) and b = (1, -1, 0, 0), orthogonal: the
# scatter matrix is 2 a a' + 2 b b', eigenvalues 2 |a|^2 = 8 and 2 |b|^2 = 4, then 0, 0;
# the shares are 8/12 and 4/12. The offset makes the centring round.
_A = np.array([1.0, 1.0, 1.0, 1.0])
_B = np.array([1.0, -1.0, 0.0, 0.0])
_OFFSET = np.array([5.3, 6.7, 7.1, 8.9])
RANK_TWO = np.vstack([_A, -_A, _B, -_B]) + _OFFSET


def test_shares_beyond_the_rank_are_exactly_zero():
    analysis = pca_analysis(RANK_TWO, n_components=4)
    ratio = analysis.explained_variance_ratio
    np.testing.assert_allclose(ratio[:2], [2 / 3, 1 / 3], rtol=1e-12)
    assert ratio[2:].tolist() == [0.0, 0.0]
    assert analysis.cumulative[-1] == analysis.cumulative[1]


def test_two_rows_in_three_dimensions_have_one_direction():
    # centred: +-(1.5, 1.5, 1.5), one direction
    analysis = pca_analysis(np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), n_components=3)
    assert analysis.explained_variance_ratio.tolist() == [1.0, 0.0, 0.0]


def test_dependent_dimensions_give_zero_shares_in_the_chart():
    rng = np.random.default_rng(4)
    base = rng.normal(size=(40, 2))
    x = np.hstack([base, base @ np.array([[0.3, -1.7, 2.2], [1.1, 0.4, -0.9]])])
    analysis = pca_analysis(x, n_components=5)
    reference = np.linalg.svd(x - x.mean(axis=0), compute_uv=False) ** 2
    np.testing.assert_allclose(analysis.explained_variance_ratio[:2],
                               reference[:2] / reference.sum(), rtol=1e-9)
    assert analysis.explained_variance_ratio[2:].tolist() == [0.0, 0.0, 0.0]
    bars = analysis.chart().series[0].y
    assert list(bars[2:]) == [0.0, 0.0, 0.0]


def test_small_real_shares_are_kept():
    # rows +-(1, 0, 0), +-(0, 1, 0), +-(0, 0, 1e-4): eigenvalues 2, 2 and 2e-8, a real
    # third direction (2e-8 of the variance, far above rounding noise)
    x = np.vstack([np.eye(3), -np.eye(3)]) * np.array([1.0, 1.0, 1e-4])
    ratio = pca_analysis(x).explained_variance_ratio
    total = 4.0 + 2e-8
    np.testing.assert_allclose(ratio, [2.0 / total, 2.0 / total, 2e-8 / total], rtol=1e-9)


def test_embedding_health_reads_the_same_spectrum():
    health = embedding_health(RANK_TWO)
    # effective rank (Roy & Vetterli 2007) normalises the singular values sqrt(8), sqrt(4)
    # (the square roots of the variances 8 and 4), not the variances
    p = np.array([np.sqrt(2), 1.0]) / (np.sqrt(2) + 1.0)
    assert abs(health.first_component_share - 2 / 3) < 1e-12
    assert abs(health.effective_rank - float(np.exp(-(p * np.log(p)).sum()))) < 1e-12
