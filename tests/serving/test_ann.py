"""The item index: exact search against hand-worked answers, HNSW against a full sort, the
filters that must not cost results, saving without pickle, and repeatable builds."""

from __future__ import annotations

import json

import numpy as np
import pytest
import scipy.sparse as sp

from recstack.errors import ConfigError, RecstackError
from recstack.serving import ann
from recstack.serving.ann import ItemIndex

hnswlib = pytest.importorskip("hnswlib", reason="the hnsw backend needs hnswlib "
                              "(pip install 'recstack[serving]')")


def reference_top(items, queries, k, excluded=None):
    """Full sort of every score (numpy's stable lexsort), the lower index first on ties;
    excluded (row -> set of items) removed."""
    scores = queries.astype(np.float64) @ items.astype(np.float64).T
    out = []
    for row, line in enumerate(scores):
        order = np.lexsort((np.arange(len(line)), -line))
        drop = excluded.get(row, set()) if excluded else set()
        out.append([int(i) for i in order if int(i) not in drop][:k])
    return out


@pytest.fixture(scope="module")
def catalog():
    rng = np.random.default_rng(7)
    return rng.normal(size=(3000, 16)).astype(np.float32)


@pytest.fixture(scope="module")
def graph(catalog):
    return ItemIndex.build(catalog, backend="hnsw", M=16, ef_construction=100, ef=64, seed=3)


def test_exact_search_worked_by_hand_with_the_tie_rule():
    items = np.array([[1, 0], [0, 1], [1, 1], [1, 0]], np.float32)
    index = ItemIndex.build(items)
    assert index.backend == "exact" and index.recall_at_10 == 1.0
    top, scores = index.search(np.array([[2, 1]], np.float32), 3)
    # scores 2, 1, 3, 2: item 2 first, then the tie 0 / 3 broken by the lower index
    assert top.tolist() == [[2, 0, 3]]
    assert scores.tolist() == [[3.0, 2.0, 2.0]]


def test_cosine_ranks_by_direction_not_length():
    items = np.array([[10, 0], [1, 1], [0, 0.5]], np.float32)
    top, scores = ItemIndex.build(items, metric="cosine").search(np.array([[0, 3]], np.float32), 3)
    assert top.tolist() == [[2, 1, 0]]
    np.testing.assert_allclose(scores[0], [1.0, np.sqrt(0.5), 0.0], atol=1e-6)
    ip_top, _ = ItemIndex.build(items, metric="ip").search(np.array([[1, 1]], np.float32), 1)
    assert ip_top.tolist() == [[0]]  # by inner product the long vector wins


def test_hnsw_agrees_with_a_full_sort(graph, catalog):
    rng = np.random.default_rng(1)
    queries = rng.normal(size=(50, 16)).astype(np.float32)
    top, scores = graph.search(queries, 10)
    truth = reference_top(catalog, queries, 10)
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(top.tolist(), truth, strict=True)])
    assert recall >= 0.9
    assert graph.backend == "hnsw" and graph.recall_at_10 >= 0.9
    # best first, and each score is the inner product of the returned item
    assert (np.diff(scores, axis=1) <= 1e-6).all()
    np.testing.assert_allclose(scores, np.einsum("qd,qkd->qk", queries, catalog[top]),
                               rtol=1e-4, atol=1e-4)


def test_filters_never_cost_results(graph, catalog):
    rng = np.random.default_rng(2)
    queries = rng.normal(size=(20, 16)).astype(np.float32)
    # each query loses its own 300 best items, more than the first over-fetch covers
    truth = reference_top(catalog, queries, 300)
    rows = np.repeat(np.arange(20), 300)
    exclude = sp.csr_matrix((np.ones(len(rows)), (rows, np.concatenate(truth))),
                            shape=(20, len(catalog)))
    blocked = np.arange(0, 3000, 7)
    top, scores = graph.search(queries, 10, exclude=exclude, blocked=blocked)
    assert (top >= 0).all() and np.isfinite(scores).all()
    for row in range(20):
        assert not set(top[row]) & (set(truth[row]) | set(blocked.tolist()))
    wanted = reference_top(catalog, queries, 10,
                           {r: set(truth[r]) | set(blocked.tolist()) for r in range(20)})
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(top.tolist(), wanted, strict=True)])
    assert recall >= 0.85


def test_an_exhausted_catalog_leaves_marked_empty_slots(graph):
    everything_but_two = np.setdiff1d(np.arange(3000), [5, 9])
    query = np.ones((1, 16), np.float32)
    top, scores = graph.search(query, 4, blocked=everything_but_two)
    assert sorted(top[0, :2].tolist()) == [5, 9]
    assert top[0, 2:].tolist() == [-1, -1] and np.isneginf(scores[0, 2:]).all()
    small = ItemIndex.build(np.eye(3, dtype=np.float32))
    top, scores = small.search(np.ones((1, 3), np.float32), 5)
    assert top.tolist() == [[0, 1, 2, -1, -1]]


def test_builds_are_repeatable_and_survive_save_and_load(graph, catalog, tmp_path):
    again = ItemIndex.build(catalog, backend="hnsw", M=16, ef_construction=100, ef=64, seed=3)
    queries = np.random.default_rng(4).normal(size=(30, 16)).astype(np.float32)
    first = graph.search(queries, 10)
    np.testing.assert_array_equal(again.search(queries, 10)[0], first[0])
    graph.save(tmp_path / "index")
    loaded = ItemIndex.load(tmp_path / "index")
    assert loaded.backend == "hnsw" and loaded.recall_at_10 == graph.recall_at_10
    np.testing.assert_array_equal(loaded.search(queries, 10)[0], first[0])
    assert sorted(p.name for p in (tmp_path / "index").iterdir()) == \
        ["hnsw.bin", "index.json", "items.npy"]


def test_saving_is_all_or_nothing_and_never_onto_a_file_or_silently_over_a_folder(
        graph, tmp_path):
    (tmp_path / "a_file").write_text("keep me")
    with pytest.raises(RecstackError, match="a_file: is a file"):
        graph.save(tmp_path / "a_file")
    assert (tmp_path / "a_file").read_text() == "keep me"
    folder = graph.save(tmp_path / "index")
    with pytest.raises(RecstackError, match="already exists; pass overwrite=True"):
        graph.save(folder)
    graph.save(folder, overwrite=True)
    assert ItemIndex.load(folder).n_items == graph.n_items
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file", "index"]


def test_a_list_length_beyond_what_memory_holds_is_refused(graph):
    queries = np.ones((2, graph.dim), np.float32)
    with pytest.raises(ConfigError, match=f"larger than the catalog .*use k <= {graph.n_items:,}"):
        graph.search(queries, 10**12)


def test_a_damaged_index_is_refused(graph, tmp_path):
    folder = graph.save(tmp_path / "index")
    data = bytearray((folder / "hnsw.bin").read_bytes())
    data[100] ^= 0xFF
    (folder / "hnsw.bin").write_bytes(bytes(data))
    with pytest.raises(RecstackError, match="hnsw.bin: checksum mismatch"):
        ItemIndex.load(folder)
    meta = json.loads((folder / "index.json").read_text())
    meta["backend"] = "magic"
    (folder / "index.json").write_text(json.dumps(meta))
    with pytest.raises(RecstackError, match="unknown backend"):
        ItemIndex.load(folder)


def test_without_hnswlib_auto_is_exact_and_hnsw_names_the_extra(monkeypatch, catalog):
    monkeypatch.setattr(ann, "_import_hnswlib", lambda: None)
    index = ItemIndex.build(catalog, exact_below=100)
    assert index.backend == "exact"
    with pytest.raises(RecstackError, match=r"recstack\[serving\]"):
        ItemIndex.build(catalog, backend="hnsw")


def test_auto_uses_the_graph_from_the_threshold(catalog):
    assert ItemIndex.build(catalog, exact_below=len(catalog) + 1).backend == "exact"
    assert ItemIndex.build(catalog[:500], exact_below=500, n_check=20).backend == "hnsw"


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"metric": "l2"}, "metric"), ({"backend": "faiss"}, "backend"), ({"M": 0}, "M must"),
])
def test_bad_settings_are_named(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        ItemIndex.build(np.eye(3, dtype=np.float32), **kwargs)


def test_bad_queries_are_named():
    index = ItemIndex.build(np.eye(3, dtype=np.float32))
    with pytest.raises(ConfigError, match="2 dimensions; the index has 3"):
        index.search(np.ones((1, 2)), 1)
    with pytest.raises(ConfigError, match="k must be a positive integer"):
        index.search(np.ones((1, 3)), 0)
    with pytest.raises(ConfigError, match="NaN"):
        index.search(np.full((1, 3), np.nan), 1)
    with pytest.raises(ConfigError, match="blocked item indices"):
        index.search(np.ones((1, 3)), 1, blocked=[3])


@pytest.mark.parametrize("backend", ["exact", "hnsw"])
def test_search_one_answers_as_search_does_with_exclusions(catalog, graph, backend):
    index = graph if backend == "hnsw" else ItemIndex.build(catalog, backend="exact")
    rng = np.random.default_rng(11)
    queries = rng.normal(size=(12, 16)).astype(np.float32)
    # a few, many (the graph is widened), and most of the catalog (exact search answers)
    excluded = {row: set(rng.choice(3000, size=size, replace=False).tolist())
                for row, size in enumerate([0, 3, 50, 400, 2990, 5] * 2)}
    expected = reference_top(catalog, queries, 10, excluded)
    for row, query in enumerate(queries):
        drop = np.array(sorted(excluded[row]), np.int64)
        top, scores = index.search_one(query, 10, np.concatenate([drop, drop[:2]]))
        mask = sp.csr_matrix((np.ones(len(drop), bool), drop, [0, len(drop)]),
                             shape=(1, 3000))
        batch_top, batch_scores = index.search(query[None, :], 10, exclude=mask)
        assert top.tolist() == batch_top[0].tolist()
        np.testing.assert_array_equal(scores, batch_scores[0])
        assert not set(top[top >= 0].tolist()) & excluded[row]
        found = top[top >= 0].tolist()
        if backend == "exact" or len(excluded[row]) > 2900:
            assert found == expected[row][:len(found)]  # exact: the full sort's answer
        assert len(found) == min(10, 3000 - len(excluded[row]))
