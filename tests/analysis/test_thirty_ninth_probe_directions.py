"""Thirty-ninth bad-input probe of the embedding analyses: vectors of tiny values, and
neighbourhoods of vectors without directions.

Cosine depends on directions only, :math:`\\cos(a, c\\,b) = \\cos(a, b)` for any
:math:`c > 0`; vectors of tiny values were normalised after squaring them (1e-300 squared
is 0 even in float64), so they counted as zero vectors (cosine 0 with everything) or kept
a length far from 1 (cosine 1e-40 between parallel vectors). A zero vector has cosine 0
with everything, as the item index defines it. Genre coherence of vectors that all point
one way (or are all zero) read the tie rule's order as neighbourhoods ("barely more alike
than random items"); it is refused as the maps refuse it."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.analysis import cosine_top_k, nearest_neighbours, neighbourhood_coherence, project
from recstack.errors import RecstackError


@pytest.mark.parametrize("scale", [1e-300, 1e-40, 1e-20, 1.0, 1e12])
def test_cosine_depends_on_directions_only_however_small_the_values(scale):
    vectors = np.array([[3.0, 4.0], [6.0, 8.0], [0.0, 1.0], [1.0, 0.0]])
    vectors[0] *= scale
    indices, similarities = cosine_top_k(vectors, [0], 3)
    # cos((3, 4), (6, 8)) = 1, cos((3, 4), (0, 1)) = 4/5, cos((3, 4), (1, 0)) = 3/5
    assert indices.tolist() == [[1, 2, 3]]
    np.testing.assert_allclose(similarities[0], [1.0, 0.8, 0.6], rtol=1e-6)


def test_a_zero_vector_has_cosine_zero_with_everything():
    vectors = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 2.0], [-1.0, -1.0]])
    table = nearest_neighbours(vectors, [0, 1], k=3)
    assert table.neighbours[0].tolist() == [1, 2, 3]  # all tied at 0: lower row first
    assert table.similarities[0].tolist() == [0.0, 0.0, 0.0]
    # from (1, 0): (0, 0) and (0, 2) both at cosine 0, then (-1, -1) at -1/sqrt(2)
    assert table.neighbours[1].tolist() == [0, 2, 3]
    np.testing.assert_allclose(table.similarities[1], [0.0, 0.0, -2 ** -0.5], atol=1e-7)


@pytest.mark.parametrize("vectors", [
    np.zeros((20, 3)),
    np.outer(np.arange(1, 21), [1.0, -2.0, 0.5]),  # one direction, different lengths
])
def test_coherence_of_vectors_without_directions_is_refused(vectors):
    labels = ["Drama", "Comedy"] * 10
    with pytest.raises(RecstackError, match=r"every vector points the same way \(or is "
                                            r"zero\), so no item has nearer neighbours than "
                                            r"another \(collapsed embeddings\)"):
        neighbourhood_coherence(vectors, labels, k=2)


def test_coherence_of_ordinary_vectors_still_reads():
    rng = np.random.default_rng(0)
    vectors = np.vstack([rng.normal([5, 0], 0.1, (10, 2)), rng.normal([0, 5], 0.1, (10, 2))])
    coherence = neighbourhood_coherence(vectors, ["A"] * 10 + ["B"] * 10, k=3)
    assert coherence.score == 1.0  # each cluster's neighbours are its own


def test_a_map_of_tiny_vectors_pointing_one_way_is_refused_as_collapsed():
    pytest.importorskip("openTSNE")
    # float32 subnormals: their squared lengths were 0, every vector read as zero-length
    vectors = np.outer(np.arange(1, 21), [1.0, 2.0]) * 1e-40
    with pytest.raises(RecstackError, match=r"every vector points the same way"):
        project(vectors, "tsne")
