"""Three hundred second probe: the embedding analyses against their papers' definitions and
independent implementations (scikit-learn, scipy, openTSNE's and umap-learn's own rules).

The one deviation found: ``embedding_health``'s effective rank normalised the variances
(the eigenvalues of the scatter matrix, the squared singular values) where Roy & Vetterli
(2007, eq. 1) normalise the singular values; it read 1.6 directions in use for variances
4 and 1, where the paper's definition gives 1.9.
"""

from __future__ import annotations

import math
import sys
import types
import warnings
from typing import Any

import numpy as np
import pytest
from scipy import stats
from scipy.linalg import svdvals
from sklearn.decomposition import PCA
from sklearn.neighbors import NearestNeighbors

from recstack.analysis import cosine_top_k, embedding_health, pca_analysis, project


def _erank(singular: np.ndarray) -> float:
    """Roy & Vetterli (2007): p_k = s_k / sum(s) (eq. 1), exp of the entropy (eqs. 2-3)."""
    s = singular[singular > 1e-12 * singular.max()]
    p = s / s.sum()
    return float(np.exp(-(p * np.log(p)).sum()))


# --- effective rank (Roy & Vetterli 2007) ---------------------------------------------------

def test_effective_rank_normalises_singular_values_worked_by_hand():
    # centred rows +-(2, 0), +-(0, 1): singular values sqrt(8) and sqrt(2), in ratio 2 : 1,
    # so p = (2/3, 1/3) and the effective rank is exp(2/3 ln 3/2 + 1/3 ln 3) = 1.88988...
    # (the variances 8 and 2 normalised, p = (0.8, 0.2), gave exp(0.5004) = 1.649)
    x = np.array([[2.0, 0.0], [-2.0, 0.0], [0.0, 1.0], [0.0, -1.0]]) + [3.0, -7.0]
    health = embedding_health(x)
    by_hand = math.exp(2 / 3 * math.log(3 / 2) + 1 / 3 * math.log(3))
    assert health.effective_rank == pytest.approx(by_hand, rel=1e-12)
    assert health.effective_rank == pytest.approx(1.8898815748, rel=1e-9)
    assert health.first_component_share == pytest.approx(0.8, rel=1e-12)
    assert health.reading().startswith("1.9 of 2 dimensions in use (effective rank)")


def test_effective_rank_agrees_with_the_singular_values_of_the_centred_vectors():
    rng = np.random.default_rng(11)
    x = rng.standard_normal((200, 8)) @ np.diag([5.0, 3.0, 2.0, 1.0, 0.5, 0.2, 0.1, 0.05])
    health = embedding_health(x)
    assert health.effective_rank == pytest.approx(_erank(svdvals(x - x.mean(axis=0))),
                                                  rel=1e-9)
    # fewer rows than dimensions: 4 centred rows span 3 directions, the rest is 0 log 0 = 0
    few = rng.standard_normal((4, 10))
    small = embedding_health(few)
    assert small.effective_rank == pytest.approx(_erank(svdvals(few - few.mean(axis=0))),
                                                 rel=1e-9)
    assert small.effective_rank <= 3.0


def test_equal_singular_values_use_every_direction():
    # +-e1, +-e2, +-e3: three equal singular values, effective rank exactly 3
    x = np.vstack([np.eye(3), -np.eye(3)])
    assert embedding_health(x).effective_rank == pytest.approx(3.0, rel=1e-12)


# --- PCA explained-variance ratios (against scikit-learn) ----------------------------------

def test_pca_ratios_are_over_all_components_of_the_centred_matrix():
    rng = np.random.default_rng(5)
    x = rng.standard_normal((300, 6)) @ rng.standard_normal((6, 6)) + 40.0  # far from 0
    kept = pca_analysis(x, n_components=2)
    theirs = PCA(svd_solver="full").fit(x)
    # over the total variance of every component, not of the 2 kept ones
    np.testing.assert_allclose(kept.explained_variance_ratio,
                               theirs.explained_variance_ratio_, rtol=1e-9)
    assert kept.explained_variance_ratio.sum() == pytest.approx(1.0, abs=1e-12)
    assert kept.components.shape == (2, 6)


def test_pca_with_fewer_rows_than_dimensions_pads_sklearn_with_zeros():
    rng = np.random.default_rng(6)
    x = rng.standard_normal((5, 9)) + 2.0
    ours = pca_analysis(x, n_components=9).explained_variance_ratio
    theirs = PCA(svd_solver="full").fit(x).explained_variance_ratio_  # min(5, 9) = 5
    np.testing.assert_allclose(ours[:4], theirs[:4], rtol=1e-9)
    assert ours[4:].tolist() == [0.0] * 5  # 5 centred rows span 4 directions


def test_pca_popularity_correlation_is_pearson_on_log_popularity():
    rng = np.random.default_rng(7)
    counts = rng.integers(0, 500, 80)
    x = rng.standard_normal((80, 5))
    x[:, 2] += 0.02 * counts  # a direction that tracks popularity, linearly in the count
    result = pca_analysis(x, counts, n_components=5)
    scores = (x - x.mean(axis=0)) @ result.components.T
    expected = [stats.pearsonr(scores[:, j], np.log1p(counts)).statistic for j in range(5)]
    np.testing.assert_allclose(result.popularity_correlation, expected, rtol=1e-9)


# --- length-popularity correlation (Spearman, against scipy) --------------------------------

def test_length_popularity_correlation_is_spearman_with_tied_counts():
    rng = np.random.default_rng(8)
    counts = rng.integers(0, 6, 60)  # many ties: average ranks, as scipy
    x = rng.standard_normal((60, 4)) * (1.0 + 0.3 * counts[:, None])
    health = embedding_health(x, counts)
    expected = stats.spearmanr(np.linalg.norm(x, axis=1), counts).statistic
    assert health.norm_popularity_correlation == pytest.approx(expected, rel=1e-12)
    # Spearman, not Pearson: the two differ here
    pearson = stats.pearsonr(np.linalg.norm(x, axis=1), counts).statistic
    assert abs(pearson - expected) > 1e-3


# --- cosine nearest neighbours (against scikit-learn's brute force) -------------------------

def test_neighbours_match_sklearn_cosine_with_a_zero_vector_and_never_the_item_itself():
    rng = np.random.default_rng(9)
    x = rng.standard_normal((40, 5))
    x[3] = 0.0  # cosine 0 with everything, as sklearn's cosine distance 1
    rows = np.array([0, 3, 10, 39])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the zero vector's list ends inside a tie
        ours, sims = cosine_top_k(x, rows, 4)
    distances, theirs = NearestNeighbors(n_neighbors=40, metric="cosine",
                                         algorithm="brute").fit(x).kneighbors(x[rows])
    for q, row in enumerate(rows):
        assert row not in ours[q]
        reference = 1.0 - distances[q][theirs[q] != row]
        np.testing.assert_allclose(sims[q], reference[:4], atol=1e-6)
    np.testing.assert_allclose(sims[1], 0.0, atol=1e-9)
    # the dot product would rank by length too: cosine does not
    long_copy = np.vstack([x, 100.0 * x[10]])
    near, _ = cosine_top_k(long_copy, [10], 1)
    assert near.tolist() == [[40]]


# --- t-SNE and UMAP: bounds, metric and seed as the libraries define them --------------------

class _Recorder:
    """Stands in for openTSNE.TSNE / umap.UMAP: records the arguments, returns a layout."""

    calls: list[dict[str, Any]] = []

    def __init__(self, **kwargs: Any) -> None:
        _Recorder.calls.append(kwargs)

    def fit(self, data: np.ndarray) -> np.ndarray:
        _Recorder.calls[-1]["data"] = data
        return np.column_stack([np.arange(len(data)), np.arange(len(data)) % 3]).astype(float)

    fit_transform = fit


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> type[_Recorder]:
    _Recorder.calls = []
    monkeypatch.setitem(sys.modules, "openTSNE", types.SimpleNamespace(TSNE=_Recorder))
    monkeypatch.setitem(sys.modules, "umap", types.SimpleNamespace(UMAP=_Recorder))
    return _Recorder


def test_tsne_perplexity_cap_is_opentsnes_own_rule(recorder):
    # openTSNE caps the perplexity at (n - 1) / 3 (its k = 3 x perplexity neighbours); 13
    # points take at most 4, and the default 30 is capped without a warning
    x = np.random.default_rng(1).standard_normal((13, 4)) * 7.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        project(x, "tsne", seed=2**32 + 5)
    call = recorder.calls[-1]
    assert call["perplexity"] == pytest.approx(4.0)
    assert call["metric"] == "euclidean" and call["random_state"] == 5
    # unit rows: Euclidean distance ranks pairs as cosine distance, |u - v|^2 = 2(1 - cos)
    data = np.asarray(call["data"], dtype=np.float64)
    np.testing.assert_allclose(np.linalg.norm(data, axis=1), 1.0, rtol=1e-6)
    unit = x / np.linalg.norm(x, axis=1, keepdims=True)
    np.testing.assert_allclose(((data[0] - data[1:]) ** 2).sum(axis=1),
                               2 * (1 - unit[1:] @ unit[0]), atol=1e-5)


def test_umap_neighbours_metric_and_seed_without_library_warnings(recorder):
    x = np.random.default_rng(2).standard_normal((9, 4))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        project(x, "umap", seed=3, n_threads=4)
    call = recorder.calls[-1]
    # umap-learn's default 15, capped at the other points (its own cap); seeded runs are
    # single-threaded in umap-learn, which warned "n_jobs value 1 overridden to 1"
    assert (call["n_neighbors"], call["metric"], call["random_state"], call["n_jobs"]) == (
        8, "cosine", 3, 1)
    project(np.random.default_rng(2).standard_normal((40, 4)), "umap", seed=3)
    assert recorder.calls[-1]["n_neighbors"] == 15


@pytest.mark.slow
def test_umap_runs_without_library_warnings_and_repeats_with_its_seed():
    pytest.importorskip("umap")
    x = np.random.default_rng(3).standard_normal((30, 6))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        first = project(x, "umap", seed=4, n_threads=2)
    assert [str(w.message) for w in caught if "overridden" in str(w.message)
            or "Tensorflow" in str(w.message)] == []
    again = project(x, "umap", seed=4, n_threads=2)
    np.testing.assert_allclose(first.coordinates, again.coordinates)


def test_tsne_repeats_with_its_seed_and_differs_with_another():
    pytest.importorskip("openTSNE")
    x = np.random.default_rng(4).standard_normal((40, 6))
    first, again = project(x, "tsne", seed=9), project(x, "tsne", seed=9)
    other = project(x, "tsne", seed=10)
    np.testing.assert_allclose(first.coordinates, again.coordinates)
    assert not np.allclose(first.coordinates, other.coordinates)
