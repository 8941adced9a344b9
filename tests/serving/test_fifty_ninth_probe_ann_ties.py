"""The HNSW backend breaks exact score ties as exact search does (the lower item index
first), including ties at the k-th place whose tied items the graph did not return.

Vectors of small integers make every score an exact float32 number, however it is
computed, so the expected lists come from a full sort (the definition of the tie rule),
not from the code under test."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.serving.ann import ItemIndex

pytest.importorskip("hnswlib", reason="the hnsw backend needs hnswlib")


def full_sort(items, queries, k, excluded=()):
    scores = queries.astype(np.float64) @ items.astype(np.float64).T
    out = []
    for line in scores:
        order = np.lexsort((np.arange(len(line)), -line))
        out.append([int(i) for i in order if int(i) not in excluded][:k])
    return out


@pytest.fixture(scope="module")
def tied():
    rng = np.random.default_rng(11)
    base = rng.integers(-3, 4, size=(150, 6)).astype(np.float32)
    items = np.concatenate([base, base, base, base])  # every vector four times
    items = items[rng.permutation(len(items))]
    queries = rng.integers(-3, 4, size=(40, 6)).astype(np.float32)
    graph = ItemIndex.build(items, backend="hnsw", M=16, ef_construction=200, ef=200, seed=1)
    return items, queries, graph


@pytest.mark.parametrize("k", [1, 5, 10, 17])
def test_batch_search_breaks_ties_by_lower_index(tied, k):
    items, queries, graph = tied
    found, scores = graph.search(queries, k)
    assert found.tolist() == full_sort(items, queries, k)
    exact, exact_scores = ItemIndex.build(items, backend="exact").search(queries, k)
    np.testing.assert_array_equal(found, exact)
    np.testing.assert_array_equal(scores, exact_scores)


@pytest.mark.parametrize("k", [1, 5, 10, 17])
def test_one_query_breaks_ties_by_lower_index(tied, k):
    items, queries, graph = tied
    expected = full_sort(items, queries, k)
    for row, query in enumerate(queries):
        found, scores = graph.search_one(query, k)
        assert found.tolist() == expected[row]
        # the scores are the vectors' own inner products, not hnswlib's 1 - distance
        np.testing.assert_array_equal(scores, (items[found] @ query).astype(np.float32))


def test_ties_with_exclusions(tied):
    items, queries, graph = tied
    excluded = list(range(0, len(items), 3))
    expected = full_sort(items, queries, 8, excluded=set(excluded))
    for row, query in enumerate(queries):
        found, _ = graph.search_one(query, 8, exclude=np.array(excluded))
        assert found.tolist() == expected[row]
    found, _ = graph.search(queries, 8, blocked=excluded)
    assert found.tolist() == expected


def test_cosine_ties(tied):
    items, queries, _ = tied
    graph = ItemIndex.build(items, metric="cosine", backend="hnsw", ef=200, seed=1)
    exact = ItemIndex.build(items, metric="cosine", backend="exact")
    np.testing.assert_array_equal(graph.search(queries, 10)[0], exact.search(queries, 10)[0])
    for query in queries:
        np.testing.assert_array_equal(graph.search_one(query, 10)[0],
                                      exact.search_one(query, 10)[0])


def test_rescoring_a_few_queries_at_a_time_gives_the_same_lists(tied, monkeypatch):
    from recstack.serving import ann

    items, queries, graph = tied
    whole = graph.search(queries, 12)
    monkeypatch.setattr(ann, "_RESCORE_FLOATS", 50)  # one query per step
    parts = graph.search(queries, 12)
    np.testing.assert_array_equal(parts[0], whole[0])
    np.testing.assert_array_equal(parts[1], whole[1])
    assert parts[0].tolist() == full_sort(items, queries, 12)


def _duplicated_float_catalog(seed):
    """Random float vectors, many of them present two or three times, shuffled: copies of
    one vector tie exactly (by definition of the score), whatever their place."""
    rng = np.random.default_rng(seed)
    base = rng.normal(size=(200, 12)).astype(np.float32)
    origin = rng.permutation(np.concatenate([np.arange(200), np.arange(100), np.arange(40)]))
    return base, origin, rng.normal(size=(60, 12)).astype(np.float32)


def _tie_rule_top(base, origin, queries, k, metric):
    # one score per distinct vector (so copies tie exactly), rounded to float32 as the
    # index reports scores; then the tie rule: higher score first, the lower index on ties
    if metric == "cosine":
        base = base / np.linalg.norm(base, axis=1, keepdims=True)
        queries = queries / np.linalg.norm(queries, axis=1, keepdims=True)
    per_vector = (queries.astype(np.float64) @ base.astype(np.float64).T).astype(np.float32)
    scores = per_vector[:, origin]
    return [np.lexsort((np.arange(len(origin)), -line))[:k].tolist() for line in scores]


@pytest.mark.parametrize("metric", ["ip", "cosine"])
def test_copies_of_float_vectors_are_ordered_alike_by_every_search(metric):
    base, origin, queries = _duplicated_float_catalog(5)
    items = base[origin]
    exact = ItemIndex.build(items, metric=metric, backend="exact")
    graph = ItemIndex.build(items, metric=metric, backend="hnsw", ef=300, seed=2)
    expected = _tie_rule_top(base, origin, queries, 10, metric)
    # a float32 matrix product scored copies a float32 step apart by their place in the
    # product: exact search's batch and one-query forms and the graph disagreed on them
    assert exact.search(queries, 10)[0].tolist() == expected
    assert graph.search(queries, 10)[0].tolist() == expected
    for row, query in enumerate(queries):
        assert exact.search_one(query, 10)[0].tolist() == expected[row]
        assert graph.search_one(query, 10)[0].tolist() == expected[row]
