"""Fifth probe: embeddings that diverged to huge values or collapsed to one direction are
named by every analysis, and a model with such embeddings no longer stops the report."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.analysis.embeddings import embedding_health, pca_analysis
from recstack.analysis.neighbours import nearest_neighbours, neighbourhood_coherence
from recstack.analysis.projections import project
from recstack.errors import RecstackError


def _vectors(scale: float = 1.0) -> np.ndarray:
    return np.random.default_rng(0).normal(size=(40, 6)) * scale


COUNTS = np.arange(40)
GENRES = [["a"] if i % 2 else ["b"] for i in range(40)]


@pytest.mark.parametrize("analysis", [
    lambda v: pca_analysis(v, COUNTS),
    lambda v: embedding_health(v, COUNTS),
    lambda v: nearest_neighbours(v, [0], 5),
    lambda v: neighbourhood_coherence(v, GENRES, k=5),
], ids=["pca", "health", "neighbours", "coherence"])
@pytest.mark.parametrize("scale", [1e200, 1e300])
def test_values_that_overflow_the_analyses_are_named(analysis, scale):
    # finite in float64, but squared they overflow: PCA failed with "Eigenvalues did not
    # converge", the cosine neighbours came out as NaN
    with pytest.raises(RecstackError, match=r"must lie within ±1e\+15; position \(0, 0\) "
                                            r"holds .*did training diverge"):
        analysis(_vectors(scale))


@pytest.mark.parametrize("method, extra", [("tsne", "openTSNE"), ("umap", "umap")])
def test_maps_refuse_huge_values_and_collapsed_vectors(method, extra):
    pytest.importorskip(extra)
    # beyond float32: the maps failed inside scikit-learn ("Input X contains NaN")
    with pytest.raises(RecstackError, match=r"must lie within ±1e\+15"):
        project(_vectors(1e300), method)
    # every vector along one direction (different lengths), or all zero: t-SNE drew NaN
    # coordinates and UMAP a random cloud, without a word
    one_way = np.outer(np.arange(1, 21), [1.0, -2.0, 0.5])
    for collapsed in (one_way, np.zeros((20, 3)), np.ones((20, 3))):
        with pytest.raises(RecstackError, match=r"every vector points the same way \(or is "
                                                r"zero\).*collapsed embeddings"):
            project(collapsed, method)


def test_ordinary_vectors_still_map():
    pytest.importorskip("openTSNE")
    mapped = project(_vectors(1e10), "tsne", seed=0)  # large, but within the bound
    assert mapped.coordinates.shape == (40, 2) and np.isfinite(mapped.coordinates).all()


@pytest.mark.parametrize("broken, says", [
    (lambda v: np.full_like(v, np.nan), "No embedding analysis: als: item embeddings must be "
                                        "finite; position (0, 0) holds nan"),
    (lambda v: v * 1e300, "No embedding analysis: als: item embeddings must be finite"),
    (lambda v: v * 1e20, "No embedding analysis: als: item embeddings must lie within"),
    (lambda v: np.zeros_like(v), "No PCA: item embeddings: every vector is the same"),
], ids=["nan", "inf", "huge", "collapsed"])
def test_a_model_with_broken_embeddings_is_reported_not_fatal(results_dir, tmp_path,
                                                              monkeypatch, broken, says):
    from recstack.analysis.report import write_report
    from recstack.models.als import ALS

    original = ALS.item_embeddings
    monkeypatch.setattr(ALS, "item_embeddings", lambda self: broken(original(self)))
    page = write_report(results_dir, tmp_path / "page.html", projection=None,
                        interactive=False, refit="embeddings").read_text()
    embeddings = page[page.index('<section id="embeddings">'):]
    embeddings = embeddings[:embeddings.index("</section>")]
    assert "<h3>als</h3>" in embeddings and says in embeddings
    if "collapsed" in says:  # the health check still says what is wrong
        assert "Health: " in embeddings and "dead item vector" in embeddings
    assert '<section id="environment">' in page  # the rest of the report is there


@pytest.mark.parametrize("method, extra", [("tsne", "openTSNE"), ("umap", "umap")])
def test_a_seed_wider_than_32_bits_maps(method, extra):
    # an experiment's seed may be any int64 (or wider); openTSNE and UMAP seed numpy's
    # legacy RandomState, which raised "Seed must be between 0 and 2**32 - 1" at the end
    # of `recstack evaluate` with [report] html = true
    pytest.importorskip(extra)
    vectors = _vectors()
    wide = project(vectors, method, seed=2**32 + 5)
    assert wide.seed == 2**32 + 5 and np.isfinite(wide.coordinates).all()
    # below max_points no subset is drawn: the method's seed is the low 32 bits
    assert np.array_equal(wide.coordinates, project(vectors, method, seed=5).coordinates)
    assert np.isfinite(project(vectors, method, seed=2**100).coordinates).all()
