"""Thirty-ninth bad-input probe of the item index: zero and tiny vectors, the query of
``search_one`` given as text or booleans, and an ``index.json`` edited by hand.

A zero vector has cosine 0 with everything (and inner product 0): a zero query ties every
item at 0, so its answer is the tie rule's, the lowest item indices left. The graph
answered it with whichever items its walk reached, unlike exact search."""

from __future__ import annotations

import json

import numpy as np
import pytest
import scipy.sparse as sp

from recstack.errors import ConfigError, RecstackError
from recstack.serving.ann import ItemIndex

VECTORS = np.random.default_rng(7).normal(size=(60, 6)).astype(np.float32)
BACKENDS = ["exact", "hnsw"]


def _index(backend, metric, vectors=VECTORS):
    if backend == "hnsw":
        pytest.importorskip("hnswlib")
    return ItemIndex.build(vectors, metric=metric, backend=backend)


@pytest.mark.parametrize("metric", ["ip", "cosine"])
@pytest.mark.parametrize("backend", BACKENDS)
def test_a_zero_query_gets_the_lowest_item_indices_on_every_backend(backend, metric):
    index = _index(backend, metric)
    top, scores = index.search(np.zeros((1, 6)), 5)
    # every item scores 0 against a zero query: the tie rule puts the lower index first
    assert top.tolist() == [[0, 1, 2, 3, 4]] and scores.tolist() == [[0.0] * 5]
    top, scores = index.search_one(np.zeros(6, np.float32), 5)
    assert top.tolist() == [0, 1, 2, 3, 4] and scores.tolist() == [0.0] * 5


@pytest.mark.parametrize("backend", BACKENDS)
def test_zero_queries_in_a_batch_keep_their_filters_and_leave_the_others_alone(backend):
    index = _index(backend, "cosine")
    queries = np.vstack([VECTORS[10], np.zeros(6), VECTORS[20], np.zeros(6)])
    exclude = sp.csr_matrix(([True, True], ([1, 3], [0, 3])), shape=(4, 60))
    top, scores = index.search(queries, 4, exclude=exclude, blocked=[1])
    assert top[1].tolist() == [2, 3, 4, 5] and top[3].tolist() == [0, 2, 4, 5]
    assert (scores[[1, 3]] == 0).all()
    for row in (0, 2):  # answered as alone
        alone, alone_scores = index.search(queries[row:row + 1], 4, blocked=[1])
        assert top[row].tolist() == alone[0].tolist()
        np.testing.assert_allclose(scores[row], alone_scores[0], rtol=1e-6)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_vector_of_tiny_values_keeps_its_direction_under_cosine(backend):
    # cos(a, c * a) = 1 for any c > 0: hnswlib normalised in float32, where the squared
    # length of 1e-40 * a is 0, and the item became a zero vector (cosine 0)
    direction = np.array([1.0, 2.0, 0.0, 0.0, 0.0, 0.0], np.float32)
    vectors = VECTORS.copy()
    vectors[0] = np.float32(1e-40) * direction
    index = _index(backend, "cosine", vectors)
    top, scores = index.search(direction[None, :], 1)
    assert top.tolist() == [[0]] and scores[0, 0] == pytest.approx(1.0, abs=1e-5)
    top, scores = index.search_one(direction, 1)
    assert top.tolist() == [0] and scores[0] == pytest.approx(1.0, abs=1e-5)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("query", "words"), [
    (["a"] * 6, "real numbers \\(float32\\), got text"),  # was numpy's "could not convert"
    (np.ones(6, bool), "real numbers \\(float32\\), got booleans"),  # was read as ones
    (None, "an array of numbers, got None"),
])
def test_search_one_refuses_a_query_that_is_not_numbers_by_name(backend, query, words):
    index = _index(backend, "ip")
    with pytest.raises(ConfigError, match=f"the query must be {words}"):
        index.search_one(query, 3)


@pytest.mark.parametrize(("field", "value"), [
    ("recall_at_10", "high"), ("recall_at_10", 1.5), ("recall_at_10", True),
    ("params", {"M": 16, "ef_construction": 200, "ef": 200, "seed": "x"}),
    ("params", [1, 2]),
])
def test_a_hand_edited_index_json_is_refused_naming_the_file(tmp_path, field, value):
    folder = tmp_path / "index"
    _index("hnsw", "ip").save(folder)
    meta = json.loads((folder / "index.json").read_text())
    meta[field] = value
    (folder / "index.json").write_text(json.dumps(meta))
    # before: loaded, and the registry and the service reported recall_at_10 "high"
    with pytest.raises(RecstackError, match=f"index.json: .*{field}.*the index is corrupted"):
        ItemIndex.load(folder)


def test_an_index_without_a_recall_still_loads(tmp_path):
    folder = tmp_path / "index"
    _index("exact", "ip").save(folder)
    meta = json.loads((folder / "index.json").read_text())
    meta["recall_at_10"] = None
    (folder / "index.json").write_text(json.dumps(meta))
    assert ItemIndex.load(folder).recall_at_10 is None


def test_exact_search_checks_its_arrays_as_the_index_does():
    from recstack.serving.ann import exact_search

    items = np.array([[1.0, 0.0], [0.0, 2.0], [3.0, 0.0]], np.float32)
    # was numpy's "matmul: Input operand 1 has a mismatch in its core dimension"
    with pytest.raises(ConfigError, match=r"queries have 3 dimensions; the items 2"):
        exact_search(items, np.ones((1, 3), np.float32), 2)
    # was a list of NaN scores, best first
    with pytest.raises(ConfigError, match=r"queries hold values NaN or infinite"):
        exact_search(items, np.full((1, 2), np.nan, np.float32), 2)
    # lists were "only integer scalar arrays can be converted to a scalar index"
    top, scores = exact_search(items.tolist(), [[1.0, 1.0]], 2)
    # scores: 1, 2, 3 -> items 2 then 1
    assert top.tolist() == [[2, 1]] and scores.tolist() == [[3.0, 2.0]]


def test_recall_at_names_what_is_not_an_index_or_its_queries():
    from recstack.serving.ann import recall_at

    index = ItemIndex.build(VECTORS, backend="exact")
    with pytest.raises(ConfigError, match=r"recall_at: index must be an ItemIndex"):
        recall_at(None, VECTORS, 10)  # was an AttributeError
    assert recall_at(index, VECTORS[:5].tolist(), 10) == 1.0  # was a TypeError


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_zero_item_has_cosine_zero_with_every_query(backend):
    # every other item points away from the query (cosine < 0), so the zero item, at 0, is
    # the best on either backend
    vectors = -np.abs(VECTORS)
    vectors[17] = 0.0
    index = _index(backend, "cosine", vectors)
    top, scores = index.search(np.abs(VECTORS[:3]) + 0.1, 1)
    assert top.ravel().tolist() == [17, 17, 17] and scores.ravel().tolist() == [0.0] * 3
    top, scores = index.search_one(np.abs(VECTORS[0]) + 0.1, 1)
    assert top.tolist() == [17] and scores.tolist() == [0.0]
