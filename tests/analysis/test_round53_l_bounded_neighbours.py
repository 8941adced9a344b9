"""Round 53 (L): the cosines of nearest neighbours were scored in blocks of 256 MiB, and a
block held several arrays its size at once (the cosines, their negation, the comparison
masks), so a neighbourhood coherence check of 100,000 items (2,000 queries) peaked at
1.2 GB. Blocks of 32 MiB keep it near 200 MB, with the same neighbours."""

from __future__ import annotations

import tracemalloc

import numpy as np
from sklearn.neighbors import NearestNeighbors

from recstack.analysis import nearest_neighbours, neighbourhood_coherence

N_ITEMS = 20_000


def _vectors() -> np.ndarray:
    return np.random.default_rng(0).normal(size=(N_ITEMS, 16))


def test_coherence_of_many_items_stays_within_its_memory_bound():
    vectors = _vectors()
    labels = [("a", "b", "c")[i % 3] for i in range(N_ITEMS)]
    tracemalloc.start()
    try:
        neighbourhood_coherence(vectors, labels, max_queries=2000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # one 32 MiB block of cosines and the few arrays of its size made from it, with the
    # unit vectors (2.6 MB) and the label matrix; 256 MiB blocks peaked near 1 GB here
    assert peak < 250e6, f"peak {peak / 1e6:.0f} MB"


def test_neighbours_scored_in_blocks_are_sklearns():
    vectors = _vectors()
    queries = np.arange(0, N_ITEMS, 97)  # spans several blocks of rows
    table = nearest_neighbours(vectors, queries, 5)
    search = NearestNeighbors(n_neighbors=6, metric="cosine", algorithm="brute").fit(vectors)
    distances, expected = search.kneighbors(vectors[queries])
    # sklearn lists the query itself first (distance 0); recstack leaves it out
    assert (expected[:, 0] == queries).all()
    np.testing.assert_array_equal(table.neighbours, expected[:, 1:])
    np.testing.assert_allclose(table.similarities, 1 - distances[:, 1:], atol=1e-6)
