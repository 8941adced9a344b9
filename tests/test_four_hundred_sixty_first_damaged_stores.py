"""Registry versions, embedding stores and calibrators damaged byte by byte, by class, with
hypothesis, and loaded through the public entry points (``ModelRegistry.load`` and
``set_current``, ``recstack recommend --model`` run in-process, ``SQLiteEmbeddingStore``,
``load_calibrator``).

The property: a recstack error naming the damaged file (and the field), or exactly what was
saved. Never a raw exception and never something silently different.

The damage is done with this test's own code (json, hashlib, raw bytes); the registry's
checksum rules are written out here from its documented manifest format.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model

SETTINGS = settings(max_examples=30, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


def _interactions() -> Interactions:
    """30 users, 20 items: even users take even items, odd users odd ones."""
    rng = np.random.default_rng(2)
    users, items = [], []
    for user in range(30):
        chosen = rng.choice(np.arange(user % 2, 20, 2), size=6, replace=False)
        users += [user] * len(chosen)
        items += chosen.tolist()
    return Interactions.from_arrays(np.array(users), np.array(items), np.ones(len(users)))


def _fresh(template: Path, tmp_path: Path, label: str) -> Path:
    target = tmp_path / f"{label}-{len(list(tmp_path.iterdir()))}"
    shutil.copytree(template, target, symlinks=True)
    return target


# --------------------------------------------------------------------------- registry
@pytest.fixture(scope="module")
def registry_template(tmp_path_factory) -> tuple[Path, np.ndarray]:
    from recstack.serving.registry import ModelRegistry

    train = _interactions()
    root = tmp_path_factory.mktemp("registry")
    registry = ModelRegistry(root)
    model = create_model("ease", regularization=10.0).fit(train)
    registry.publish("ease", model, data=train)
    # a second fit of the same model on other data: only its arrays tell it apart
    other = Interactions.from_arrays(np.arange(30), np.arange(30) % 20, np.ones(30))
    registry.publish("ease", create_model("ease", regularization=10.0).fit(other), data=other)
    return root, np.asarray(model.score_users(np.arange(30)))


def _version_folder(root: Path, number: int = 1) -> Path:
    return root / "ease" / "versions" / f"{number:08d}"


def _manifest_digest(manifest: dict[str, Any]) -> str:
    body = {k: v for k, v in manifest.items() if k != "manifest_sha256"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def _reseal_registry(folder: Path) -> None:
    """Recompute the version's file table and the manifest's own digest (and the saved
    model's checksums), as a tool that "repairs" a version does."""
    model_meta = folder / "model" / "model.json"
    if model_meta.is_file():
        try:
            meta = json.loads(model_meta.read_text(encoding="utf-8"))
            arrays = folder / "model" / "arrays.npz"
            if arrays.is_file():
                meta["sha256"]["arrays.npz"] = hashlib.sha256(arrays.read_bytes()).hexdigest()
            body = {k: v for k, v in meta.items() if k != "sha256"}
            meta["sha256"]["model.json"] = hashlib.sha256(json.dumps(
                body, sort_keys=True, separators=(",", ":"), ensure_ascii=True,
                allow_nan=False).encode("ascii")).hexdigest()
            model_meta.write_text(json.dumps(meta, indent=2), encoding="utf-8")
        except (ValueError, TypeError, KeyError):
            pass  # the damage left it unparseable: it stays so
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["files"] = {
        p.relative_to(folder).as_posix(): {"sha256": hashlib.sha256(p.read_bytes()).hexdigest(),
                                           "size": p.stat().st_size}
        for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "manifest.json"}
    manifest["manifest_sha256"] = _manifest_digest(manifest)
    manifest_path.write_text(json.dumps(manifest, indent=2), encoding="utf-8")


def _load_or_refuse(root: Path, reference: str, before: np.ndarray) -> None:
    from recstack.serving.registry import ModelRegistry

    try:
        loaded = ModelRegistry(root).load(reference)
    except RecstackError as error:
        assert str(root) in str(error), str(error)
        return
    after = np.asarray(loaded.model.score_users(np.arange(30)))
    assert np.array_equal(after, before), "a damaged version loaded as another model"


@SETTINGS
@given(data=st.data(), reseal=st.booleans(),
       how=st.sampled_from(["truncate", "flip", "empty", "remove", "link_other",
                            "link_folder"]))
def test_registry_version_files_damaged(registry_template, tmp_path, data, reseal, how):
    """(The resealing walks the folder as ``Path.rglob`` does, not following links.)"""
    root = _fresh(registry_template[0], tmp_path, "registry")
    folder = _version_folder(root)
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    target = data.draw(st.sampled_from(files), label="file")
    raw = bytearray(target.read_bytes())
    other = _version_folder(root, 2) / target.relative_to(folder)
    if how == "remove":
        target.unlink()
    elif how == "link_other":  # the file of the other version (another model) linked in
        target.unlink()
        target.symlink_to(other)
    elif how == "link_folder" and target.parent != folder:
        shutil.rmtree(target.parent)
        target.parent.symlink_to(other.parent, target_is_directory=True)
    elif how == "empty" or not raw:
        target.write_bytes(b"")
    elif how == "truncate":
        target.write_bytes(bytes(raw[:data.draw(st.integers(0, len(raw) - 1), label="at")]))
    else:
        raw[data.draw(st.integers(0, len(raw) - 1), label="at")] ^= data.draw(
            st.integers(1, 255), label="mask")
        target.write_bytes(bytes(raw))
    if reseal and (folder / "manifest.json").is_file():
        try:
            _reseal_registry(folder)
        except (ValueError, KeyError, TypeError):
            pass  # the manifest itself is unreadable now: loading must say so
    _load_or_refuse(root, "ease@1", registry_template[1])


_ODD = [None, True, 0, -1, 1.5, 10**30, "", "text", "1", [], {}, [1], {"a": 1}]


@SETTINGS
@given(data=st.data(), how=st.sampled_from(["remove", "rename", "value", "as_text",
                                            "extra"]))
def test_registry_manifest_edited_and_resealed(registry_template, tmp_path, data, how):
    root = _fresh(registry_template[0], tmp_path, "registry")
    folder = _version_folder(root)
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    field = data.draw(st.sampled_from(sorted(k for k in manifest if k != "manifest_sha256")),
                      label="field")
    if how == "remove":
        del manifest[field]
    elif how == "rename":
        manifest[f"{field}_x"] = manifest.pop(field)
    elif how == "as_text":
        manifest[field] = json.dumps(manifest[field])
    elif how == "extra":
        manifest["unexpected_field"] = 1
    else:
        manifest[field] = data.draw(st.sampled_from(_ODD), label="value")
    manifest["manifest_sha256"] = _manifest_digest(manifest)
    path.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    _load_or_refuse(root, "ease@1", registry_template[1])


@SETTINGS
@given(text=st.sampled_from(["", "{", "[]", "null", '{"version": "1"}', '{"version": 1.0}',
                             '{"version": 99}', '{"version": -1}', '{"version": true}',
                             '{"version": NaN}', '{"version": 1e999}', "\x00\x01garbage",
                             '{"version": 1, "extra": 1}']))
def test_registry_current_pointer_damaged(registry_template, tmp_path, text):
    """``current.json`` edited by hand: the current version is refused naming the file, or
    is version 1 or 2 as published (never a traceback)."""
    from recstack.serving.registry import ModelRegistry

    root = _fresh(registry_template[0], tmp_path, "registry")
    (root / "ease" / "current.json").write_text(text, encoding="utf-8")
    registry = ModelRegistry(root)
    try:
        loaded = registry.load("ease")
    except RecstackError as error:
        assert "current.json" in str(error) or str(root) in str(error), str(error)
    else:
        assert loaded.version in (1, 2)
    try:
        registry.set_current("ease", 1)
    except RecstackError as error:
        assert str(root) in str(error) or "ease" in str(error), str(error)
    else:
        assert registry.load("ease").version == 1


@SETTINGS
@given(data=st.data(), how=st.sampled_from(["truncate", "flip"]))
def test_set_current_to_a_damaged_version_is_refused(registry_template, tmp_path, data,
                                                     how):
    """Promoting a version whose files were damaged is refused (the pointer stays) or the
    version promoted loads as published."""
    from recstack.serving.registry import ModelRegistry

    root = _fresh(registry_template[0], tmp_path, "registry")
    folder = _version_folder(root)
    target = folder / "model" / "arrays.npz"
    raw = bytearray(target.read_bytes())
    at = data.draw(st.integers(0, len(raw) - 1), label="at")
    if how == "truncate":
        raw = raw[:at]
    else:
        raw[at] ^= 0xFF
    target.write_bytes(bytes(raw))
    registry = ModelRegistry(root)
    with pytest.raises(RecstackError) as caught:
        registry.set_current("ease", 1)
    assert str(root) in str(caught.value)
    assert registry.current("ease") == 2


def _two_fits_of_one_model(root: Path) -> tuple[Path, Path, Any]:
    """A registry holding two fits of EASE with the same hyperparameters on other data:
    only the arrays tell them apart."""
    from recstack.serving.registry import ModelRegistry

    registry = ModelRegistry(root)
    train = _interactions()
    other = Interactions.from_arrays(np.arange(30), np.arange(30) % 20, np.ones(30))
    registry.publish("ease", create_model("ease", regularization=10.0).fit(train), data=train)
    second = create_model("ease", regularization=10.0).fit(other)
    registry.publish("ease", second, data=other)
    versions = root / "ease" / "versions"
    return versions / "00000001", versions / "00000002", second


def test_model_folder_linked_to_another_version_is_refused(tmp_path):
    """A version whose ``model/`` is a link to another version's model, its manifest's file
    table recomputed by a walk that does not follow links (so it lists no model file):
    loading it served the other version's model as version 1. A version holds only the
    files the registry wrote, never a link, so the link is refused by its name."""
    from recstack.serving.registry import ModelRegistry

    first, second, _ = _two_fits_of_one_model(tmp_path / "registry")
    shutil.rmtree(first / "model")
    (first / "model").symlink_to(second / "model", target_is_directory=True)
    manifest = json.loads((first / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"] = {}  # what a walk that does not follow links finds
    manifest["manifest_sha256"] = _manifest_digest(manifest)
    (first / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(RecstackError, match=r"ease@1/model: a symbolic link"):
        ModelRegistry(tmp_path / "registry").load("ease@1")


def test_model_folder_linked_to_an_identical_copy_is_refused(tmp_path):
    """A link to a copy of the very files the manifest lists is refused too, by its name:
    the registry writes no links, and following one would let the check walk wherever it
    leads (a link to ``/usr`` was walked whole before the refusal)."""
    from recstack.serving.registry import CorruptVersionError, ModelRegistry

    _, second, _ = _two_fits_of_one_model(tmp_path / "registry")
    shared = tmp_path / "shared-model"
    shutil.move(second / "model", shared)
    (second / "model").symlink_to(shared, target_is_directory=True)
    with pytest.raises(CorruptVersionError, match=r"ease@2/model: a symbolic link"):
        ModelRegistry(tmp_path / "registry").load("ease@2")


def test_a_link_looping_inside_a_version_is_refused_at_once(tmp_path):
    """A link inside a version folder leading back to the folder itself: refused by its
    name without being followed (following it would never end)."""
    from recstack.serving.registry import ModelRegistry

    first, _, _ = _two_fits_of_one_model(tmp_path / "registry")
    ModelRegistry(tmp_path / "registry").load("ease@1")  # whole before the link
    (first / "model" / "again").symlink_to(first, target_is_directory=True)
    with pytest.raises(RecstackError, match=r"ease@1/model/again: a symbolic link"):
        ModelRegistry(tmp_path / "registry").load("ease@1")


# --------------------------------------------------------------------------- CLI
@SETTINGS
@given(data=st.data(), which=st.sampled_from(["model.json", "arrays.npz"]),
       how=st.sampled_from(["truncate", "flip", "empty", "folder", "remove"]))
def test_cli_recommend_on_a_damaged_model(registry_template, tmp_path, capsys, data, which,
                                          how):
    """``recstack recommend FOLDER``: a damaged model exits non-zero with one line naming
    the file, never a traceback."""
    from recstack.cli import main

    root = _fresh(registry_template[0], tmp_path, "registry")
    folder = _version_folder(root) / "model"
    target = folder / which
    raw = bytearray(target.read_bytes())
    if how == "remove":
        target.unlink()
    elif how == "empty":
        target.write_bytes(b"")
    elif how == "folder":
        target.unlink()
        target.mkdir()
    elif how == "truncate":
        target.write_bytes(bytes(raw[:data.draw(st.integers(0, len(raw) - 1), label="at")]))
    else:
        raw[data.draw(st.integers(0, len(raw) - 1), label="at")] ^= 0x41
        target.write_bytes(bytes(raw))
    capsys.readouterr()
    assert main(["recommend", str(_version_folder(registry_template[0]) / "model"),
                 "--users", "0", "--k", "3"]) == 0
    saved_answer = capsys.readouterr().out
    code = main(["recommend", str(folder), "--users", "0", "--k", "3"])
    out, err = capsys.readouterr()
    if code == 0:
        # damage that changes nothing the loader reads (model.json's final newline cut)
        assert out == saved_answer
        return
    assert "Traceback" not in err and str(folder) in err, err


# --------------------------------------------------------------------------- embedding store
@pytest.fixture(scope="module")
def store_template(tmp_path_factory) -> tuple[Path, np.ndarray]:
    from recstack.serving.embedding_store import SQLiteEmbeddingStore

    path = tmp_path_factory.mktemp("store") / "vectors.sqlite"
    vectors = np.random.default_rng(3).normal(size=(40, 8)).astype(np.float32)
    store = SQLiteEmbeddingStore(path)
    store.put("item", list(range(40)), vectors)
    store.put("user", [f"u{i}" for i in range(5)], vectors[:5])
    store.close()
    for side in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        assert not side.exists() or side.stat().st_size == 0 or side.name.endswith("-shm")
    return path, vectors


@SETTINGS
@given(data=st.data(), how=st.sampled_from(["truncate", "flip", "flip_many"]))
def test_embedding_store_file_damaged(store_template, tmp_path, data, how):
    """Every vector read back is the one put, bit for bit, or the store refuses with a
    recstack error naming the file."""
    from recstack.serving.embedding_store import SQLiteEmbeddingStore

    source, vectors = store_template
    path = tmp_path / f"v{len(list(tmp_path.iterdir()))}.sqlite"
    raw = bytearray(source.read_bytes())
    if how == "truncate":
        raw = raw[:data.draw(st.integers(0, len(raw) - 1), label="at")]
    else:
        for _ in range(1 if how == "flip" else 8):
            raw[data.draw(st.integers(0, len(raw) - 1), label="at")] ^= data.draw(
                st.integers(1, 255), label="mask")
    path.write_bytes(bytes(raw))
    try:
        store = SQLiteEmbeddingStore(path)
        try:
            got, found = store.get("item", list(range(40)))
            users, users_found = store.get("user", [f"u{i}" for i in range(5)])
            store.dim("item")
            store.count("item")
        finally:
            store.close()
    except RecstackError as error:
        assert str(path) in str(error), str(error)
        return
    # a vector not found is missing, not wrong (the service serves the model's); every one
    # found is the one put
    found = np.asarray(found, bool)
    if found.any():
        assert np.array_equal(np.asarray(got)[found], vectors[found])
    users_found = np.asarray(users_found, bool)
    if users_found.any():
        assert np.array_equal(np.asarray(users)[users_found], vectors[:5][users_found])


# --------------------------------------------------------------------------- calibrators
def _calibrators() -> list[Any]:
    from recstack.pipeline import calibration as c

    rng = np.random.default_rng(4)
    scores = rng.normal(size=300)
    labels = (scores + rng.normal(size=300) > 0).astype(int)
    return [c.PlattCalibrator().fit(scores, labels), c.IsotonicCalibrator().fit(scores, labels),
            c.TemperatureCalibrator().fit(scores, labels),
            c.HistogramCalibrator(n_bins=5).fit(scores, labels),
            c.DownsamplingCorrection(rate=0.25).fit()]


_PROBE = np.linspace(-3, 3, 61)


@pytest.fixture(scope="module")
def calibrator_files(tmp_path_factory) -> list[tuple[Path, np.ndarray]]:
    root = tmp_path_factory.mktemp("calibrators")
    out = []
    for calibrator in _calibrators():
        path = root / f"{calibrator.name}.json"
        calibrator.save(path)
        probe = (1 / (1 + np.exp(-_PROBE)) if calibrator.takes == "probability" else _PROBE)
        out.append((path, calibrator.predict(probe), probe))
    return out


def _paths(value: Any, at: tuple = ()) -> list[tuple]:
    found = [at] if at else []
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _paths(inner, (*at, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += _paths(inner, (*at, index))
    return found


@SETTINGS
@given(data=st.data(), which=st.integers(0, 4),
       how=st.sampled_from(["remove", "rename", "value", "as_text", "extra", "truncate",
                            "flip", "type"]))
def test_calibrator_file_damaged(calibrator_files, tmp_path, data, which, how):
    """A calibrator file edited by hand (it has no checksum, so only edits that make it no
    calibrator are damage): refused naming the file, or predicting as saved."""
    from recstack.pipeline.calibration import load_calibrator

    source, before, probe = calibrator_files[which]
    path = tmp_path / f"c{len(list(tmp_path.iterdir()))}.json"
    text = source.read_text(encoding="utf-8")
    document = json.loads(text)
    if how in ("truncate", "flip"):
        raw = bytearray(text.encode())
        at = data.draw(st.integers(0, len(raw) - 1), label="at")
        if how == "truncate":
            raw = raw[:at]
        else:
            raw[at] ^= data.draw(st.integers(1, 255), label="mask")
        path.write_bytes(bytes(raw))
    else:
        at = data.draw(st.sampled_from(_paths(document)), label="field")
        parent = document
        for key in at[:-1]:
            parent = parent[key]
        key = at[-1]
        if how == "remove":
            del parent[key]
        elif how == "rename" and isinstance(parent, dict):
            parent[f"{key}_x"] = parent.pop(key)
        elif how == "as_text":
            parent[key] = json.dumps(parent[key])
        elif how == "extra" and isinstance(parent, dict):
            parent["unexpected_field"] = 1
        elif how == "type":
            document["type"] = data.draw(st.sampled_from(
                ["platt", "isotonic", "temperature", "histogram", "downsampling", "Platt",
                 "", None, 1]), label="type")
        else:
            parent[key] = data.draw(st.sampled_from(
                [None, True, "", "text", [], {}, [1], {"a": 1}, 1e308, 10**400]),
                label="value")
        path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    try:
        loaded = load_calibrator(path)
    except RecstackError as error:
        assert str(path) in str(error), str(error)
        return
    after = loaded.predict(probe)
    if how in ("type", "value", "flip"):
        # another calibrator type, or a digit or a number written over a number, is a hand
        # edit of a plausible file (it has no checksum): it must still predict probabilities
        assert np.isfinite(after).all() and ((after >= 0) & (after <= 1)).all()
        return
    np.testing.assert_array_equal(after, before)
