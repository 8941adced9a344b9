"""2-D maps: separated clusters stay separated, subsampling is stated and repeatable,
a missing extra says how to install it."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from recstack.analysis import project
from recstack.errors import RecstackError


def _clusters(n: int = 300, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    label = rng.integers(0, 3, n)
    centres = np.eye(3, 12) * 10
    return centres[label] + rng.standard_normal((n, 12)), label


def _neighbour_purity(coordinates: np.ndarray, label: np.ndarray) -> float:
    """Share of points whose nearest other point on the map has the same label."""
    d = ((coordinates[:, None] - coordinates[None]) ** 2).sum(-1)
    np.fill_diagonal(d, np.inf)
    return float((label[d.argmin(axis=1)] == label).mean())


def test_tsne_keeps_planted_clusters_apart() -> None:
    pytest.importorskip("openTSNE")
    x, label = _clusters()
    mapped = project(x, "tsne", seed=0)
    assert mapped.coordinates.shape == (300, 2) and not mapped.subsampled
    assert _neighbour_purity(mapped.coordinates, label) > 0.95


def test_subsample_is_seeded_stated_and_repeatable() -> None:
    pytest.importorskip("openTSNE")
    x, label = _clusters(400)
    first = project(x, "tsne", max_points=150, seed=7)
    again = project(x, "tsne", max_points=150, seed=7)
    assert first.subsampled and len(first.rows) == 150 and first.n_rows == 400
    np.testing.assert_array_equal(first.rows, again.rows)
    np.testing.assert_allclose(first.coordinates, again.coordinates)
    assert "150 of 400 items, drawn at random with seed 7" in first.note()
    chart = first.chart(label, colour_label="cluster", titles=[f"t{i}" for i in range(400)])
    series = chart.series[0]
    np.testing.assert_array_equal(series.colour, label[first.rows])
    assert list(series.text[:2]) == [f"t{first.rows[0]}", f"t{first.rows[1]}"]


@pytest.mark.slow
def test_umap_keeps_planted_clusters_apart() -> None:
    pytest.importorskip("umap")
    x, label = _clusters()
    mapped = project(x, "umap", seed=0)
    assert _neighbour_purity(mapped.coordinates, label) > 0.95


def test_missing_extra_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "openTSNE", None)
    with pytest.raises(RecstackError, match=r'pip install "recstack\[insight\]"'):
        project(np.random.default_rng(0).standard_normal((20, 3)), "tsne")


def test_unknown_method_is_refused() -> None:
    with pytest.raises(RecstackError, match="one of"):
        project(np.zeros((10, 2)), "pca")
