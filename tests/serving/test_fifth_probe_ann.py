"""Fifth bad-input probe: the item index's parameters, vectors, queries and saved files."""

from __future__ import annotations

import hashlib
import json
import shutil

import numpy as np
import pytest
import scipy.sparse as sp

from recstack.errors import ConfigError, RecstackError
from recstack.serving.ann import ItemIndex

VECTORS = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], dtype=np.float32)


def test_a_misspelt_metric_or_backend_gets_the_nearest_name():
    with pytest.raises(ConfigError, match=r"got 'cosin'; did you mean 'cosine'\?"):
        ItemIndex.build(VECTORS, metric="cosin")
    with pytest.raises(ConfigError, match=r"got 'IP'; did you mean 'ip'\?"):
        ItemIndex.build(VECTORS, metric="IP")
    with pytest.raises(ConfigError, match=r"got 'hnws'; did you mean 'hnsw'\?"):
        ItemIndex.build(VECTORS, backend="hnws")


@pytest.mark.parametrize("m", [1, 10_001, 10**9])
def test_graph_degrees_hnswlib_cannot_build_are_refused(m):
    pytest.importorskip("hnswlib")
    # M=1 failed inside hnswlib ("Not enough memory: addPoint failed"); 10**9 reserved links
    with pytest.raises(ConfigError, match=r"M must be between 2 and 10,000"):
        ItemIndex.build(VECTORS, backend="hnsw", M=m)


def test_a_seed_beyond_64_bits_is_refused_by_name():
    with pytest.raises(ConfigError, match=r"seed must be an integer from 0 to 2\*\*64 - 1"):
        ItemIndex.build(VECTORS, seed=2**64)


@pytest.mark.parametrize("vectors, problem", [
    (np.array([[1 + 1j, 0], [0, 1]]), "complex numbers"),
    (np.array([[True, False], [False, True]]), "booleans"),
    ([["1", "2"], ["3", "4"]], "text"),
    (np.array([[1e39, 1.0]]), r"beyond float32's range .*first 1e\+39 at row 0"),
    (np.array([[1.0, 1.0], [np.nan, 1.0]]), "NaN or infinite: 1 in all, first nan at row 1"),
])
def test_vectors_that_are_not_real_float32_numbers_are_refused(vectors, problem):
    with pytest.raises(ConfigError, match=problem):
        ItemIndex.build(vectors)


def test_inner_products_beyond_float32_are_refused_instead_of_an_empty_list():
    index = ItemIndex.build(np.full((3, 2), 1e20))
    # 1e20 * 1e20 * 2 = 2e40 > 3.4e38: every score was inf and read as an excluded slot
    with pytest.raises(ConfigError, match=r"beyond float32's range"):
        index.search(np.full((1, 2), 1e20), 2)
    with pytest.raises(ConfigError, match=r"beyond float32's range"):
        index.search_one(np.full(2, 1e20, np.float32), 2)


def test_cosine_of_large_vectors_is_their_direction():
    # float32 norms of 1e30 overflowed to inf and every vector became zeros (scores 0)
    index = ItemIndex.build(np.array([[1e30, 0.0], [0.0, 1e30]]), metric="cosine")
    top, scores = index.search(np.array([[0.0, 1.0]]), 2)
    assert top.tolist() == [[1, 0]]
    assert scores.tolist() == [[1.0, 0.0]]


@pytest.mark.parametrize("blocked", [[1.5], [True, False], ["a"]])
def test_blocked_must_be_integer_item_indices(blocked):
    index = ItemIndex.build(VECTORS)
    with pytest.raises(ConfigError, match=r"blocked must be item indices \(integers\)"):
        index.search(np.ones((1, 2)), 2, blocked=blocked)


def test_a_dense_exclude_matrix_is_named_as_dense():
    index = ItemIndex.build(VECTORS)
    with pytest.raises(ConfigError, match=r"got a ndarray of shape \(1, 3\); wrap it in "
                                          r"scipy.sparse.csr_matrix"):
        index.search(np.ones((1, 2)), 2, exclude=np.zeros((1, 3)))
    assert index.search(np.ones((1, 2)), 1, exclude=sp.csr_matrix(
        np.array([[0, 0, 1]])))[0].tolist() == [[0]]


@pytest.mark.parametrize("backend", ["exact", "hnsw"])
def test_search_one_refuses_a_query_of_the_wrong_shape_nan_or_out_of_range_exclusions(
        backend):
    if backend == "hnsw":
        pytest.importorskip("hnswlib")
    index = ItemIndex.build(VECTORS, backend=backend)
    with pytest.raises(ConfigError, match=r"the query must be 2 finite numbers.*shape \(3,\)"):
        index.search_one(np.ones(3, np.float32), 1)  # hnsw answered it silently
    with pytest.raises(ConfigError, match=r"with NaN or inf"):
        index.search_one(np.array([np.nan, 1.0], np.float32), 1)
    for bad in (-1, 3):  # -1 excluded the last item, 3 was an IndexError
        with pytest.raises(ConfigError, match=r"excluded item indices must be in \[0, 3\)"):
            index.search_one(np.ones(2, np.float32), 1, np.array([bad]))
    assert index.search_one(np.ones(2, np.float32), 1, np.array([2]))[0].tolist() in ([0],
                                                                                      [1])


def _saved(tmp_path, backend="hnsw"):
    if backend == "hnsw":
        pytest.importorskip("hnswlib")
    folder = tmp_path / "index"
    ItemIndex.build(np.random.default_rng(0).normal(size=(30, 4)), backend=backend).save(
        folder)
    return folder


def _rewrite(folder, name, data):
    (folder / name).write_bytes(data)
    meta = json.loads((folder / "index.json").read_text())
    meta["sha256"][name] = hashlib.sha256(data).hexdigest()
    (folder / "index.json").write_text(json.dumps(meta))


@pytest.mark.parametrize("name, cut, message", [
    ("hnsw.bin", 100, r"hnsw.bin: hnswlib cannot read this graph .*another hnswlib version"),
    ("items.npy", 100, r"items.npy: not a readable .npy array"),
])
def test_a_file_of_another_version_or_cut_short_is_named(tmp_path, name, cut, message):
    folder = _saved(tmp_path)
    # the checksums agree (as with a file written by another version), the content not
    _rewrite(folder, name, (folder / name).read_bytes()[:cut])
    with pytest.raises(RecstackError, match=message):
        ItemIndex.load(folder)


@pytest.mark.parametrize("change, message", [
    ({"params": {}}, r"params must give the graph's M, ef_construction and ef"),
    ({"params": None}, r"params must give"),
    ({"dim": "x"}, r"n_items and dim must be positive integers, got 30 and 'x'"),
    ({"n_items": True}, r"n_items and dim must be positive integers"),
    ({"format_version": True}, r"index format version True; this recstack reads 1"),
])
def test_a_damaged_index_json_is_named(tmp_path, change, message):
    folder = _saved(tmp_path)
    meta = json.loads((folder / "index.json").read_text())
    meta.update(change)
    (folder / "index.json").write_text(json.dumps(meta))
    with pytest.raises(RecstackError, match=message):
        ItemIndex.load(folder)


def test_nan_vectors_in_a_saved_index_are_refused(tmp_path):
    folder = _saved(tmp_path, "exact")
    vectors = np.load(folder / "items.npy")
    vectors[3, 1] = np.nan
    np.save(folder / "items.npy", vectors)
    _rewrite(folder, "items.npy", (folder / "items.npy").read_bytes())
    with pytest.raises(RecstackError, match=r"items.npy: holds NaN or infinite vectors"):
        ItemIndex.load(folder)


def test_loading_a_file_or_a_folder_named_index_json_is_named(tmp_path):
    target = tmp_path / "model.bin"
    target.write_text("x")
    with pytest.raises(RecstackError, match=r"model.bin: a file; an item index is a folder"):
        ItemIndex.load(target)
    folder = _saved(tmp_path, "exact")
    shutil.rmtree(folder)
    (folder / "index.json").mkdir(parents=True)
    with pytest.raises(RecstackError, match=r"index.json: is a folder, not a file"):
        ItemIndex.load(folder)
