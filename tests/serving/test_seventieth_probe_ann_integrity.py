"""A saved item index checks its own ``index.json``: the fields that decide the answers
(metric, backend, sizes, parameters) carry a checksum (``meta_sha256``), so a metric edited
by hand in an exact index, which has no graph to tell, is refused at load rather than every
search ranking by the other measure; a file cut short or replaced says so with its size.
Exact search keeps no float64 copy of a large catalog (it doubled the index's memory), and
ties keep their order: the lower item index first."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest

from recstack.errors import RecstackError
from recstack.serving import ann
from recstack.serving.ann import ItemIndex


def _vectors(n=40, dim=5, seed=3):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(n, dim)) * rng.uniform(0.5, 4, size=(n, 1))).astype(np.float32)


def _edit(folder, **fields):
    meta = json.loads((folder / "index.json").read_text())
    meta.update(fields)
    (folder / "index.json").write_text(json.dumps(meta))


@pytest.mark.parametrize(("built", "edited"), [("ip", "cosine"), ("cosine", "ip")])
def test_a_metric_edited_in_an_exact_index_is_refused(tmp_path, built, edited):
    folder = ItemIndex.build(_vectors(), metric=built, backend="exact").save(tmp_path / "i")
    _edit(folder, metric=edited)
    with pytest.raises(RecstackError, match=r"index.json: its checksum \(meta_sha256\) does "
                                            r"not match its fields .*metric.*edited"):
        ItemIndex.load(folder)


@pytest.mark.parametrize("change", [{"params": {"seed": 4}},
                                    {"format_version": 1.0}])
def test_other_fields_that_decide_the_answers_are_covered(tmp_path, change):
    folder = ItemIndex.build(_vectors(), backend="exact").save(tmp_path / "i")
    _edit(folder, **change)
    with pytest.raises(RecstackError, match=r"index.json: its checksum \(meta_sha256\)"):
        ItemIndex.load(folder)


def test_the_checksum_is_that_of_the_fields_in_canonical_json(tmp_path):
    folder = ItemIndex.build(_vectors(), backend="exact").save(tmp_path / "i")
    meta = json.loads((folder / "index.json").read_text())
    fields = {k: meta[k] for k in ("format", "format_version", "metric", "backend",
                                   "n_items", "dim", "params")}
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"))
    assert meta["meta_sha256"] == hashlib.sha256(canonical.encode()).hexdigest()
    assert meta["bytes"] == {"items.npy": (folder / "items.npy").stat().st_size}


def test_an_index_saved_before_the_checksum_still_loads(tmp_path):
    vectors = _vectors()
    folder = ItemIndex.build(vectors, backend="exact").save(tmp_path / "i")
    meta = json.loads((folder / "index.json").read_text())
    # format version 1 was written without them
    del meta["meta_sha256"], meta["bytes"]
    meta["format_version"] = 1
    (folder / "index.json").write_text(json.dumps(meta))
    loaded = ItemIndex.load(folder)
    np.testing.assert_array_equal(loaded.vectors, vectors)


def test_a_file_cut_short_names_its_size(tmp_path):
    folder = ItemIndex.build(_vectors(), backend="exact").save(tmp_path / "i")
    whole = (folder / "items.npy").read_bytes()
    (folder / "items.npy").write_bytes(whole[:100])
    with pytest.raises(RecstackError, match=rf"items.npy: checksum mismatch \(100 bytes, "
                                            rf"index.json says {len(whole):,}: cut short"):
        ItemIndex.load(folder)


def _wide_arrays(index):
    return [name for name, value in vars(index).items()
            if isinstance(value, np.ndarray) and value.dtype == np.float64]


def test_exact_search_over_a_large_catalog_keeps_no_float64_copy(monkeypatch):
    # a catalog beyond the cap (lowered here: 200 x 8 float64 is 12,800 bytes)
    monkeypatch.setattr(ann, "_WIDE_COPY_BYTES", 12_799)
    vectors = _vectors(200, 8)
    index = ItemIndex.build(vectors, backend="exact")
    index.search(vectors[:3], 5)
    index.search_one(vectors[0], 5)
    assert _wide_arrays(index) == []


def test_a_small_catalog_may_keep_its_copy_within_the_cap(monkeypatch):
    monkeypatch.setattr(ann, "_WIDE_COPY_BYTES", 12_800)
    vectors = _vectors(200, 8)
    index = ItemIndex.build(vectors, backend="exact")
    index.search_one(vectors[0], 5)
    assert sum(getattr(index, name).nbytes for name in _wide_arrays(index)) <= 12_800


def _reference(queries, vectors, k):
    """Top k by the definition: float64 products rounded to float32, higher score first,
    the lower item index on ties."""
    scores = (queries.astype(np.float64) @ vectors.astype(np.float64).T).astype(np.float32)
    order = [sorted(range(len(vectors)), key=lambda i, row=row: (-row[i], i))[:k]
             for row in scores]
    return np.array(order)


@pytest.mark.parametrize("copy_bytes", [0, 16 << 20], ids=["widened", "kept"])
def test_duplicates_widened_in_different_blocks_keep_the_lower_index_first(monkeypatch,
                                                                          copy_bytes):
    # 7 copies of one vector spread over the catalog, and blocks of 3 items: the copies'
    # products are taken in different blocks and must still tie exactly, whether the
    # index widens its float32 items per call or keeps a float64 copy
    monkeypatch.setattr(ann, "_WIDEN_FLOATS", 3 * 5)
    monkeypatch.setattr(ann, "_WIDE_COPY_BYTES", copy_bytes)
    vectors = _vectors(40, 5)
    for position in (2, 9, 10, 17, 25, 31, 39):
        vectors[position] = vectors[2]
    queries = np.vstack([vectors[2], _vectors(4, 5, seed=8)])
    index = ItemIndex.build(vectors, backend="exact")
    top, _ = index.search(queries, 10)
    np.testing.assert_array_equal(top, _reference(queries, vectors, 10))
    one, _ = index.search_one(queries[0], 10)
    np.testing.assert_array_equal(one, top[0])
    copies = [i for i in top[0].tolist() if i in (2, 9, 10, 17, 25, 31, 39)]
    assert copies == [2, 9, 10, 17, 25, 31, 39]  # together, in index order
