"""Saved artifacts damaged or edited in ways their checksums do not catch (each file edited
and its checksum recomputed, as a tool or a careful hand does) are refused with one error
naming the file and the field, never loaded into a model or index that serves another
fit's answers, and never a traceback.

The artifacts are damaged with this test's own code (json, hashlib, numpy's writer and raw
bytes), not recstack's: the checksum rules are written out here from the documented
formats."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.models import create_model
from recstack.serving.ann import ItemIndex
from recstack.serving.embedding_store import SQLiteEmbeddingStore
from recstack.serving.registry import CorruptVersionError, ModelRegistry, data_fingerprint


# --------------------------------------------------------------------------- data
def _interactions() -> Interactions:
    """60 users, 40 items: even users take even items, odd users odd ones."""
    rng = np.random.default_rng(0)
    users, items = [], []
    for user in range(60):
        chosen = rng.choice(np.arange(user % 2, 40, 2), size=10, replace=False)
        users += [user] * len(chosen)
        items += chosen.tolist()
    # times drawn at random, so that users of a time split's label window have history
    return Interactions.from_arrays(np.array(users), np.array(items), np.ones(len(users)),
                                    rng.integers(0, 10_000, len(users)))


@pytest.fixture(scope="module")
def train() -> Interactions:
    return _interactions()


def _als(train: Interactions, iterations: int):
    return create_model("als", factors=4, iterations=iterations, num_threads=1).fit(train)


@pytest.fixture(scope="module")
def registry_template(tmp_path_factory, train) -> Path:
    """A registry with two versions of 'als', two different fits of one catalog."""
    root = tmp_path_factory.mktemp("registry")
    registry = ModelRegistry(root)
    registry.publish("als", _als(train, 2), data=train)
    registry.publish("als", _als(train, 3), data=train)
    return root


@pytest.fixture
def registry_root(tmp_path, registry_template) -> Path:
    root = tmp_path / "registry"
    shutil.copytree(registry_template, root)
    return root


def _version(root: Path, number: int) -> Path:
    return root / "als" / "versions" / f"{number:08d}"


def _reseal_manifest(folder: Path, edit=None, *, files: bool = False) -> None:
    """Apply ``edit`` to the manifest, then recompute (``files``) its table of file
    checksums and its own digest: SHA-256 of the canonical JSON (keys sorted, no
    whitespace, ASCII) of every field but ``manifest_sha256``."""
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if edit is not None:
        edit(manifest)
    if files:
        manifest["files"] = {
            file.relative_to(folder).as_posix(): {
                "sha256": hashlib.sha256(file.read_bytes()).hexdigest(),
                "size": file.stat().st_size}
            for file in sorted(folder.rglob("*"))
            if file.is_file() and file != path}
    body = {key: value for key, value in manifest.items() if key != "manifest_sha256"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    manifest["manifest_sha256"] = hashlib.sha256(canonical.encode("ascii")).hexdigest()
    path.write_text(json.dumps(manifest), encoding="utf-8")


def _refused_load(root: Path, reference: str = "als") -> str:
    with pytest.raises(CorruptVersionError) as caught:
        ModelRegistry(root).load(reference)
    message = str(caught.value)
    assert "\n" not in message and "publish the model again" in message, message
    return message


# --------------------------------------------------------------------------- registry
@pytest.mark.parametrize("fingerprint", ["v1-data", "A" * 64, "sha256:" + "0" * 64])
def test_a_fingerprint_of_another_form_written_by_an_earlier_publish_still_loads(
        registry_root, fingerprint):
    # publish took any text before it refused one of another form than a SHA-256: the
    # versions it wrote stay loadable, the fingerprint kept as written
    _reseal_manifest(_version(registry_root, 2),
                     lambda manifest: manifest.update(data_fingerprint=fingerprint))
    loaded = ModelRegistry(registry_root).load("als")
    assert loaded.manifest["data_fingerprint"] == fingerprint


def test_a_sound_or_absent_fingerprint_loads(registry_root, train):
    _reseal_manifest(_version(registry_root, 2),
                     lambda manifest: manifest.update(data_fingerprint=None))
    assert ModelRegistry(registry_root).load("als").manifest["data_fingerprint"] is None
    # the documented rule (SHA-256 in hex) checked independently of the code under test
    assert len(data_fingerprint(train)) == 64
    assert int(data_fingerprint(train), 16) >= 0


def test_publishing_a_fingerprint_no_data_could_have_is_refused(tmp_path, train):
    registry = ModelRegistry(tmp_path)
    with pytest.raises(ConfigError, match=r"^publish als: fingerprint must be the training "
                                          r"data's SHA-256 .* got 'v1-data'$"):
        registry.publish("als", _als(train, 2), fingerprint="v1-data")
    assert registry.versions("als") == []
    registry.publish("als", _als(train, 2), fingerprint=data_fingerprint(train))
    assert registry.versions("als") == [1]


def test_a_creation_time_that_is_no_time_is_refused(registry_root):
    _reseal_manifest(_version(registry_root, 2),
                     lambda manifest: manifest.update(created="yesterday"))
    assert "'created' must be an ISO 8601 time" in _refused_load(registry_root)


def test_hyperparameters_edited_in_the_manifest_are_refused(registry_root):
    # before: loaded; the manifest (what /health and the CLI report) named another model
    _reseal_manifest(_version(registry_root, 2),
                     lambda manifest: manifest["params"].update(factors=64))
    message = _refused_load(registry_root)
    assert "records factors = 64, but the model holds 4" in message


def test_a_model_folder_of_another_version_is_refused(registry_root):
    folder = _version(registry_root, 2)
    shutil.rmtree(folder / "model")
    shutil.copytree(_version(registry_root, 1) / "model", folder / "model")
    _reseal_manifest(folder, files=True)
    assert "records iterations = 3, but the model holds 2" in _refused_load(registry_root)


def test_an_index_folder_of_another_fit_is_refused(registry_root):
    # both fits have 40 items of 4 dimensions: before, the index of version 1 served the
    # nearest items of version 1's vectors for version 2's users
    folder = _version(registry_root, 2)
    shutil.rmtree(folder / "index")
    shutil.copytree(_version(registry_root, 1) / "index", folder / "index")
    _reseal_manifest(folder, files=True)
    assert "its item index holds other item vectors than the model" in \
        _refused_load(registry_root)


def test_an_index_left_out_of_the_manifest_is_refused(registry_root):
    # before: the version loaded without its index, served by exact scoring unnoticed
    _reseal_manifest(_version(registry_root, 2), lambda manifest: manifest.update(index=None))
    assert "records no item index (index: null), but the folder holds index/" in \
        _refused_load(registry_root)


@pytest.mark.parametrize(("field", "value"), [("recall_at_10", True), ("n_items", 41),
                                              ("metric", "cosine"), ("dim", "4")])
def test_an_index_description_edited_in_the_manifest_is_refused(registry_root, field, value):
    _reseal_manifest(_version(registry_root, 2),
                     lambda manifest: manifest["index"].update({field: value}))
    assert f"describes the item index with {field} " in _refused_load(registry_root)


def test_a_sound_registry_still_loads_both_versions(registry_root, train):
    registry = ModelRegistry(registry_root)
    for reference in ("als@1", "als@2"):
        loaded = registry.load(reference)
        assert loaded.index is not None and loaded.index.n_items == 40


def test_a_generator_index_of_another_fit_is_refused(tmp_path, train):
    def two_stage(iterations):
        return create_model(
            "two_stage", generators=({"type": "als", "factors": 4, "iterations": iterations,
                                      "num_threads": 1}, {"type": "most_popular"}),
            ranker={"type": "logistic"}, n_candidates=10).fit(train)

    registry = ModelRegistry(tmp_path)
    registry.publish("als", two_stage(2))
    assert sorted(registry.publish("als", two_stage(3)).generator_indexes) == [0]
    folder = _version(tmp_path, 2)
    shutil.rmtree(folder / "generator-index")
    shutil.copytree(_version(tmp_path, 1) / "generator-index", folder / "generator-index")
    _reseal_manifest(folder, files=True)
    assert "the item index of generator 0 holds other item vectors" in _refused_load(tmp_path)


# --------------------------------------------------------------------------- item index
def _index_folder(tmp_path: Path, backend: str) -> tuple[Path, np.ndarray]:
    vectors = np.random.default_rng(0).normal(size=(120, 6)).astype(np.float32)
    folder = tmp_path / f"index-{backend}"
    ItemIndex.build(vectors, backend=backend).save(folder)
    return folder, vectors


_DIGESTED = ("format", "format_version", "metric", "backend", "n_items", "dim", "params")


def _reseal_index(folder: Path, edit=None) -> None:
    """Recompute index.json's file checksums and sizes and its meta_sha256 (SHA-256 of
    the canonical JSON of the fields that decide the answers), after ``edit``."""
    path = folder / "index.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    if edit is not None:
        edit(meta)
    for name in meta["sha256"]:
        meta["sha256"][name] = hashlib.sha256((folder / name).read_bytes()).hexdigest()
        meta["bytes"][name] = (folder / name).stat().st_size
    body = {key: meta.get(key) for key in _DIGESTED}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    meta["meta_sha256"] = hashlib.sha256(canonical.encode("ascii")).hexdigest()
    path.write_text(json.dumps(meta), encoding="utf-8")


def _npy_bytes(header: str, body: bytes = b"") -> bytes:
    """A .npy file of version 1.0 with the given header text (padded as the format asks)."""
    text = header.encode("latin1")
    text += b" " * (-(10 + len(text) + 1) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + len(text).to_bytes(2, "little") + text + body


@pytest.mark.parametrize("backend", ["exact", "hnsw"])
def test_an_items_file_with_a_damaged_header_is_refused(tmp_path, backend):
    if backend == "hnsw":
        pytest.importorskip("hnswlib")
    folder, _ = _index_folder(tmp_path, backend)
    # an unclosed parenthesis: before, numpy's header parser raised tokenize's TokenError
    (folder / "items.npy").write_bytes(
        _npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': ((120, 6), }"))
    _reseal_index(folder)
    with pytest.raises(RecstackError, match=r"items\.npy: not a readable \.npy array of "
                                            r"float32 vectors \(.*\); the index is damaged"):
        ItemIndex.load(folder)


def test_an_items_file_that_is_an_npz_archive_is_refused(tmp_path):
    folder, vectors = _index_folder(tmp_path, "exact")
    with open(folder / "items.npy", "wb") as handle:
        np.savez(handle, items=vectors)
    _reseal_index(folder)
    # before: AttributeError "'NpzFile' object has no attribute 'dtype'"
    with pytest.raises(RecstackError, match=r"items\.npy: holds a zip archive of arrays "
                                            r"\(\.npz\), not one \.npy array"):
        ItemIndex.load(folder)


def test_an_items_file_of_another_shape_is_refused(tmp_path):
    folder, vectors = _index_folder(tmp_path, "exact")
    np.save(folder / "items.npy", vectors[:-1], allow_pickle=False)
    _reseal_index(folder)
    with pytest.raises(RecstackError, match=r"items\.npy: expected float32 \(120, 6\) \(as "
                                            r"index\.json says\), got float32 \(119, 6\)"):
        ItemIndex.load(folder)


@pytest.mark.parametrize(("key", "value"), [("ef", 10**30), ("M", 10**6), ("M", 1),
                                            ("ef_construction", 10**9)])
def test_graph_parameters_beyond_what_build_allows_are_refused(tmp_path, key, value):
    pytest.importorskip("hnswlib")
    folder, vectors = _index_folder(tmp_path, "hnsw")
    _reseal_index(folder, lambda meta: meta["params"].update({key: value}))
    # before: ef=10**30 was hnswlib's TypeError traceback from set_ef
    with pytest.raises(RecstackError, match=r"index\.json: params must give the graph's M, "
                                            r"ef_construction and ef as whole numbers \(M "
                                            r"from 2 to 10,000, the others from 1 to "
                                            r"100,000,000\)"):
        ItemIndex.load(folder)


def test_a_resealed_sound_index_still_loads_and_searches(tmp_path):
    folder, vectors = _index_folder(tmp_path, "exact")
    _reseal_index(folder)
    labels, _ = ItemIndex.load(folder).search(vectors[:2], 1)
    # each vector's best inner product is found by hand over all 120
    assert labels[:, 0].tolist() == [int(np.argmax(vectors @ vectors[0])),
                                     int(np.argmax(vectors @ vectors[1]))]


# --------------------------------------------------------------------------- store
def test_a_store_whose_table_of_vectors_was_dropped_is_refused(tmp_path):
    path = tmp_path / "vectors.db"
    with SQLiteEmbeddingStore(path) as store:
        store.put("item", [1, 2], np.ones((2, 3), np.float32))
    database = sqlite3.connect(path)
    database.execute("DROP TABLE vectors")
    database.commit()
    database.close()
    # before: the table was created again, empty, and every lookup said "not found"
    with pytest.raises(ConfigError, match=r"vectors\.db: damaged: it records vector "
                                          r"dimensions \(table 'dims'\) but has no table "
                                          r"'vectors'"):
        SQLiteEmbeddingStore(path)


def test_a_store_of_no_vectors_yet_still_opens(tmp_path):
    path = tmp_path / "vectors.db"
    SQLiteEmbeddingStore(path).close()
    with SQLiteEmbeddingStore(path) as store:
        assert store.count("item") == 0 and store.dim("item") is None


def _graph_edit(folder: Path, offset: int, data: bytes) -> None:
    path = folder / "hnsw.bin"
    raw = bytearray(path.read_bytes())
    raw[offset:offset + len(data)] = data
    path.write_bytes(bytes(raw))


# hnswlib's file: a 96-byte header (offsetLevel0 first, then max_elements, the item count,
# ...), then each item's level-0 record: its neighbour count (4 bytes), then its neighbours
@pytest.mark.parametrize(("offset", "data", "problem"), [
    (0, (1 << 40).to_bytes(8, "little"), "its header gives offsetLevel0 = 1099511627776"),
    (16, (7).to_bytes(8, "little"), "its header gives cur_element_count = 7, expected 120"),
    (96 + 4, (2**32 - 1).to_bytes(4, "little"), "a neighbour list names an item beyond"),
    (96, (999).to_bytes(2, "little"), "item 0 lists more than 32 neighbours"),
])
def test_a_graph_file_hnswlib_would_crash_on_is_refused(tmp_path, offset, data, problem):
    pytest.importorskip("hnswlib")
    folder, _ = _index_folder(tmp_path, "hnsw")
    _graph_edit(folder, offset, data)
    _reseal_index(folder)
    # before: hnswlib read the file unchecked, and the process died of a segmentation fault
    # (in the load, or in the first search), which no test or server can catch
    with pytest.raises(RecstackError, match=r"hnsw\.bin: hnswlib cannot read this graph "
                                            r"\(not the one index\.json describes: "
                                            + re.escape(problem)):
        ItemIndex.load(folder)


def test_a_sound_graph_file_passes_its_check(tmp_path):
    pytest.importorskip("hnswlib")
    folder, vectors = _index_folder(tmp_path, "hnsw")
    labels, _ = ItemIndex.load(folder).search(vectors[:1], 1)
    assert labels[0, 0] == int(np.argmax(vectors @ vectors[0]))


def test_an_index_built_with_ef_construction_below_m_loads(tmp_path):
    # hnswlib stores max(ef_construction, M) in its header: the check must expect that
    pytest.importorskip("hnswlib")
    vectors = np.random.default_rng(3).normal(size=(300, 8)).astype(np.float32)
    index = ItemIndex.build(vectors, backend="hnsw", M=16, ef_construction=8)
    index.save(tmp_path / "index")
    loaded = ItemIndex.load(tmp_path / "index")
    assert loaded.search(vectors[:3], 5)[0].tolist() == index.search(vectors[:3], 5)[0].tolist()
