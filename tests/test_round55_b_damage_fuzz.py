"""A seeded, bounded damage fuzzer over every kind of saved artifact: a saved model of each
registered model type, a registry of two versions, and an item index (exact and graph).

Each artifact is copied, damaged one way (a file missing, empty, cut short, a byte flipped,
a folder or a link in its place, another artifact's file; the JSON invalid, a key missing
or renamed, a value of the wrong type; an array of another shape, dtype or value, an
object array), sometimes with its checksums recomputed so that the checks behind them are
reached, and loaded through the Python API and (for a sample) ``recstack recommend``.
What must come out: a RecstackError naming the artifact, on one line, or a model that loads
and recommends finite scores; never another exception, never NaN.

The damage is done with this test's own code (json, hashlib, numpy's writer, raw bytes).
The seed is fixed, so a failure is reproduced by running the test again; the number of
damages is bounded so the whole file runs in well under a minute on one core."""

from __future__ import annotations

import hashlib
import io
import json
import random
import shutil
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from recstack.cli import main
from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import available_models, create_model, load_model
from recstack.models.registry import model_class
from recstack.serving.ann import ItemIndex
from recstack.serving.registry import ModelRegistry
from tests.models.quick_params import quick_params

SEED = 55
#: damages tried per saved model (of some 300 each), per registry and per index
PER_MODEL, PER_REGISTRY, PER_INDEX = 14, 60, 40
#: damaged models also run through `recstack recommend`, per model
PER_MODEL_CLI = 2

Damage = Callable[[Path], None]


def _interactions() -> Interactions:
    """60 users, 40 items: even users take even items, odd users odd ones."""
    rng = np.random.default_rng(0)
    users, items = [], []
    for user in range(60):
        chosen = rng.choice(np.arange(user % 2, 40, 2), size=12, replace=False)
        users += [user] * len(chosen)
        items += chosen.tolist()
    return Interactions.from_arrays(np.array(users), np.array(items),
                                    rng.integers(3, 6, len(users)).astype(float),
                                    rng.integers(0, 10_000, len(users)),
                                    rating_range=(1.0, 5.0))


def _quick(name: str) -> dict:
    params = quick_params(name)
    if "epochs" in model_class(name).params:
        params["epochs"] = 1  # the arrays' shapes, not their quality, are under test
    return params


#: the registered models that recstack ships: a test elsewhere imports benchmarks/graph_cf.py,
#: which registers implicit's ALS as `implicit_als` (no saved-array spec) for the run
MODELS = tuple(name for name in available_models()
               if model_class(name).__module__.startswith("recstack."))


@pytest.fixture(scope="module")
def saved_models(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("saved")
    train = _interactions()
    saved = {}
    for name in MODELS:
        model = create_model(name, **_quick(name)).fit(train)
        saved[name] = model.save(root / name)
    return saved


# --------------------------------------------------------------------------- resealing
def _canonical_digest(body: dict) -> str:
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _reseal_model(folder: Path) -> None:
    """Recompute model.json's two checksums (the archive's bytes; the metadata's canonical
    JSON without its sha256 field), as the saved-model format documents them."""
    meta = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    if isinstance(meta, dict) and isinstance(meta.get("sha256"), dict) \
            and (folder / "arrays.npz").is_file():
        meta["sha256"]["arrays.npz"] = _sha256(folder / "arrays.npz")
        meta["sha256"]["model.json"] = _canonical_digest(
            {key: value for key, value in meta.items() if key != "sha256"})
    (folder / "model.json").write_text(json.dumps(meta), encoding="utf-8")


def _edit_meta(edit: Callable[[dict], None]) -> Damage:
    def damage(folder: Path) -> None:
        meta = json.loads((folder / "model.json").read_text(encoding="utf-8"))
        edit(meta)
        (folder / "model.json").write_text(json.dumps(meta), encoding="utf-8")
        _reseal_model(folder)
    return damage


def _edit_arrays(edit: Callable[[dict[str, np.ndarray]], None]) -> Damage:
    """Rewrite the archive with numpy's writer, list the arrays as they now are and reseal:
    only the model's own declarations can object."""
    def damage(folder: Path) -> None:
        with np.load(folder / "arrays.npz", allow_pickle=False) as stored:
            arrays = {name: stored[name] for name in stored.files}
        edit(arrays)
        np.savez(folder / "arrays.npz", **arrays)
        meta = json.loads((folder / "model.json").read_text(encoding="utf-8"))
        meta["arrays"] = {name: {"dtype": value.dtype.str, "shape": list(value.shape)}
                          for name, value in arrays.items()}
        (folder / "model.json").write_text(json.dumps(meta), encoding="utf-8")
        _reseal_model(folder)
    return damage


def _object_array_member() -> bytes:
    """A .npy member declaring dtype object, built from bytes (no pickle is written: the
    body is a pickle opcode stream that only an unpickler would run)."""
    header = b"{'descr': '|O', 'fortran_order': False, 'shape': (1,), }"
    header += b" " * (-(10 + len(header) + 1) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header + b"\x80\x04N."


def _with_object_array(folder: Path) -> None:
    with np.load(folder / "arrays.npz", allow_pickle=False) as stored:
        arrays = {name: stored[name] for name in stored.files}
    victim = sorted(arrays)[-1]
    with zipfile.ZipFile(folder / "arrays.npz", "w") as archive:
        for name, value in arrays.items():
            if name == victim:
                archive.writestr(f"{name}.npy", _object_array_member())
            else:
                buffer = io.BytesIO()
                np.save(buffer, value, allow_pickle=False)
                archive.writestr(f"{name}.npy", buffer.getvalue())
    meta = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    meta["arrays"][victim] = {"dtype": "|O", "shape": [1]}
    (folder / "model.json").write_text(json.dumps(meta), encoding="utf-8")
    _reseal_model(folder)


# --------------------------------------------------------------------------- damages
#: values of the wrong kind for a JSON field
WRONG = {"text": "x", "list": [1], "object": {"a": 1}, "null": None, "negative": -1,
         "huge": 10**30, "zero": 0, "fraction": 0.5, "true": True, "nan": float("nan")}


def _file_damages(files: list[str], source: Path, other: Path, rng: random.Random
                  ) -> Iterator[tuple[str, Damage]]:
    """Damage to the files of a folder, as a copy, a disk or a sync can do it."""
    for file in files:
        size = (source / file).stat().st_size
        yield f"{file} missing", lambda d, f=file: (d / f).unlink()
        yield f"{file} empty", lambda d, f=file: (d / f).write_bytes(b"")
        for cut in sorted({0, 1, rng.randrange(1, max(size, 2)), size // 2, size - 1}):
            yield (f"{file} cut at {cut}",
                   lambda d, f=file, c=cut: (d / f).write_bytes((d / f).read_bytes()[:c]))
        for _ in range(3):
            offset = rng.randrange(size)

            def flip(d: Path, f: str = file, at: int = offset) -> None:
                data = bytearray((d / f).read_bytes())
                data[at] ^= 1 << rng.randrange(8)
                (d / f).write_bytes(bytes(data))
            yield f"{file} byte {offset} flipped", flip
        yield f"{file} a folder", lambda d, f=file: ((d / f).unlink(), (d / f).mkdir())
        yield (f"{file} a link elsewhere",
               lambda d, f=file: ((d / f).unlink(), (d / f).symlink_to(other / f)))
        yield (f"{file} a dangling link",
               lambda d, f=file: ((d / f).unlink(), (d / f).symlink_to(d / "nowhere")))
        yield f"{file} of another", lambda d, f=file: shutil.copyfile(other / f, d / f)


def _model_damages(source: Path, other: Path, rng: random.Random
                   ) -> Iterator[tuple[str, Damage]]:
    yield from _file_damages(["model.json", "arrays.npz"], source, other, rng)
    for _ in range(2):
        offset = rng.randrange((source / "arrays.npz").stat().st_size)

        def flip_resealed(d: Path, at: int = offset) -> None:
            data = bytearray((d / "arrays.npz").read_bytes())
            data[at] ^= 0xFF
            (d / "arrays.npz").write_bytes(bytes(data))
            _reseal_model(d)
        yield f"arrays.npz byte {offset} flipped, resealed", flip_resealed
    yield "model.json invalid JSON", lambda d: (d / "model.json").write_text("{\"format\": ")
    yield "model.json a list", lambda d: (d / "model.json").write_text("[]")
    meta = json.loads((source / "model.json").read_text(encoding="utf-8"))
    for key in meta:
        yield f"{key} removed", _edit_meta(lambda m, k=key: m.pop(k))
        yield f"{key} renamed", _edit_meta(lambda m, k=key: m.__setitem__(k + "s", m.pop(k)))
        for kind, value in WRONG.items():
            yield f"{key} = {kind}", _edit_meta(lambda m, k=key, v=value: m.update({k: v}))
    for version in (1, 3, 1000, "2", 2.0):
        yield (f"format_version = {version!r}",
               _edit_meta(lambda m, v=version: m.update(format_version=v)))
    yield "model unknown", _edit_meta(lambda m: m.update(model="no_such_model"))
    for param in meta["params"]:
        yield f"param {param} removed", _edit_meta(lambda m, p=param: m["params"].pop(p))
        for kind, value in WRONG.items():
            yield (f"param {param} = {kind}",
                   _edit_meta(lambda m, p=param, v=value: m["params"].update({p: v})))
    with np.load(source / "arrays.npz", allow_pickle=False) as stored:
        arrays = {name: stored[name] for name in stored.files}
    for name, value in arrays.items():
        yield f"array {name} dropped", _edit_arrays(lambda a, n=name: a.pop(n))
        if value.ndim and len(value):
            yield (f"array {name} one short",
                   _edit_arrays(lambda a, n=name: a.update({n: a[n][:-1]})))
            yield (f"array {name} one long", _edit_arrays(
                lambda a, n=name: a.update({n: np.concatenate([a[n], a[n][:1]])})))
        for dtype in ("float64", "float16", "int32", "int64", "uint8", "bool", "U3"):
            try:
                value.astype(dtype)
            except ValueError:
                continue  # text that is no number
            yield (f"array {name} as {dtype}",
                   _edit_arrays(lambda a, n=name, t=dtype: a.update({n: a[n].astype(t)})))
        if value.dtype.kind == "f" and value.size:
            for bad in (np.nan, np.inf, -np.inf, 1e30):
                def put(a: dict, n: str = name, v: float = bad) -> None:
                    changed = a[n].astype(np.float64)
                    changed.flat[rng.randrange(changed.size)] = v
                    a[n] = changed.astype(a[n].dtype)
                yield f"array {name} holding {bad}", _edit_arrays(put)
        if value.dtype.kind in "iu" and value.size:
            for bad in (-1, 2**31 - 1):
                def put_index(a: dict, n: str = name, v: int = bad) -> None:
                    changed = a[n].astype(np.int64)
                    changed.flat[rng.randrange(changed.size)] = v
                    a[n] = changed
                yield f"array {name} holding {bad}", _edit_arrays(put_index)
        if value.ndim == 2:
            yield (f"array {name} transposed",
                   _edit_arrays(lambda a, n=name: a.update({n: a[n].T.copy()})))
    yield "an object array", _with_object_array


# --------------------------------------------------------------------------- checks
def _finite_recommendations(model, folder: Path, label: str) -> None:
    users = list(model.users_.external_ids[:4])
    try:
        _, scores = model.recommend(users, 5)
    except RecstackError:
        return  # refused clearly at use (e.g. users left without history by the edit)
    scores = np.asarray(scores, np.float64)
    # -inf marks the slots of a list shorter than k; NaN or +inf is damage let through
    assert not np.isnan(scores).any() and not np.isposinf(scores).any(), \
        f"{folder} ({label}): loaded, then NaN or infinite scores"


def _one_line_naming(error: RecstackError, where: Path) -> None:
    message = str(error)
    assert "\n" not in message, message
    assert str(where) in message, message


def _chosen(damages: Iterator[tuple[str, Damage]], count: int, rng: random.Random
            ) -> list[tuple[str, Damage]]:
    every = list(damages)
    return rng.sample(every, min(count, len(every)))


@pytest.mark.parametrize("name", MODELS)
def test_a_damaged_saved_model_is_refused_or_sound(name, saved_models, tmp_path, capsys):
    rng = random.Random(f"{SEED}:{name}")
    source = saved_models[name]
    other = saved_models["ease" if name != "ease" else "als"]
    chosen = _chosen(_model_damages(source, other, rng), PER_MODEL, rng)
    for position, (label, damage) in enumerate(chosen):
        folder = tmp_path / f"{position:02d}"
        shutil.copytree(source, folder)
        damage(folder)
        try:
            model = load_model(folder)
        except RecstackError as error:
            _one_line_naming(error, folder)
        else:
            _finite_recommendations(model, folder, label)
        if position < PER_MODEL_CLI:
            code = main(["recommend", str(folder), "--users", "0", "--k", "3"])
            captured = capsys.readouterr()
            assert "Traceback" not in captured.err, (label, captured.err)
            if code != 0:
                assert str(folder) in captured.err, (label, captured.err)


# --------------------------------------------------------------------------- registry
@pytest.fixture(scope="module")
def registry_template(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("registry")
    train = _interactions()
    registry = ModelRegistry(root)
    for iterations in (2, 3):
        registry.publish("als", create_model("als", factors=4, iterations=iterations,
                                             num_threads=1).fit(train), data=train)
    return root


def _version(root: Path, number: int) -> Path:
    return root / "als" / "versions" / f"{number:08d}"


def _reseal_manifest(folder: Path, edit: Callable[[dict], None] | None = None,
                     *, files: bool = False) -> None:
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if edit is not None:
        edit(manifest)
    if files:
        manifest["files"] = {
            file.relative_to(folder).as_posix(): {"sha256": _sha256(file),
                                                  "size": file.stat().st_size}
            for file in sorted(folder.rglob("*")) if file.is_file() and file != path}
    manifest["manifest_sha256"] = _canonical_digest(
        {key: value for key, value in manifest.items() if key != "manifest_sha256"})
    path.write_text(json.dumps(manifest), encoding="utf-8")


def _index_answers_for_the_model(loaded, label: str) -> None:
    """A version that loads searches its index for the model's own items: the top items
    of a few users are those of the inner products of the model's vectors, computed here
    with numpy."""
    if loaded.index is None:
        return
    users = np.asarray(loaded.model.user_embeddings(), np.float64)[:5]
    items = np.asarray(loaded.model.item_embeddings(), np.float64)
    found, _ = loaded.index.search(users.astype(np.float32), 3)
    expected = np.argsort(-(users @ items.T), axis=1, kind="stable")[:, :3]
    assert np.array_equal(np.sort(found, axis=1), np.sort(expected, axis=1)), \
        f"{label}: the version loaded, and its index answered another model's items"


def _registry_damages(root: Path, rng: random.Random) -> Iterator[tuple[str, Damage]]:
    def current(value: object) -> Damage:
        text = value if isinstance(value, str) else json.dumps(value)
        return lambda r: (r / "als" / "current.json").write_text(text)

    for value in ({"version": 9, "history": [1]}, {"version": "2", "history": []},
                  {"version": 2}, [2], None, "{", "", {"version": 0, "history": []},
                  {"version": 2, "history": [1], "pinned": True}):
        yield f"current.json {value!r}", current(value)
    yield "current names a version without its manifest", \
        lambda r: (_version(r, 2) / "manifest.json").unlink()
    yield "a version folder copied over another", lambda r: (
        shutil.rmtree(_version(r, 2)), shutil.copytree(_version(r, 1), _version(r, 2)))
    yield "two versions claiming one number", lambda r: (
        shutil.copytree(_version(r, 2), _version(r, 3)),
        (r / "als" / "current.json").write_text('{"version": 3, "history": [2]}'))
    yield "a version folder named without its zeros", \
        lambda r: _version(r, 2).rename(r / "als" / "versions" / "2")
    for fingerprint in ("abc", "", "F" * 64, 12, ["x"]):
        yield (f"data_fingerprint {fingerprint!r}", lambda r, f=fingerprint: _reseal_manifest(
            _version(r, 2), lambda m: m.update(data_fingerprint=f)))
    manifest = json.loads((_version(root, 2) / "manifest.json").read_text(encoding="utf-8"))
    for key in manifest:
        yield f"manifest {key} removed", lambda r, k=key: _reseal_manifest(
            _version(r, 2), lambda m: m.pop(k))
        for kind, value in WRONG.items():
            if kind != "nan":  # the manifest's digest is of strict JSON
                yield (f"manifest {key} = {kind}", lambda r, k=key, v=value: _reseal_manifest(
                    _version(r, 2), lambda m: m.update({k: v})))
    for key in manifest["index"]:
        for kind, value in WRONG.items():
            if kind != "nan":
                yield (f"manifest index {key} = {kind}",
                       lambda r, k=key, v=value: _reseal_manifest(
                           _version(r, 2), lambda m: m["index"].update({k: v})))
    for folder in ("model", "index"):
        yield f"{folder}/ of the other version, resealed", lambda r, f=folder: (
            shutil.rmtree(_version(r, 2) / f),
            shutil.copytree(_version(r, 1) / f, _version(r, 2) / f),
            _reseal_manifest(_version(r, 2), files=True))
    source = _version(root, 2)
    for relative in manifest["files"]:
        for label, damage in _file_damages([relative], source, _version(root, 1), rng):
            yield label, lambda r, d=damage: d(_version(r, 2))


def test_a_damaged_registry_is_refused_or_sound(registry_template, tmp_path, capsys):
    rng = random.Random(f"{SEED}:registry")
    for position, (label, damage) in enumerate(
            _chosen(_registry_damages(registry_template, rng), PER_REGISTRY, rng)):
        root = tmp_path / f"{position:02d}"
        shutil.copytree(registry_template, root, symlinks=True)
        damage(root)
        try:
            loaded = ModelRegistry(root).load("als")
        except RecstackError as error:
            _one_line_naming(error, root)
        else:
            _finite_recommendations(loaded.model, root, label)
            _index_answers_for_the_model(loaded, label)
        if position % 6 == 0:
            code = main(["recommend", "als", "--registry", str(root), "--users", "0",
                         "--k", "3"])
            captured = capsys.readouterr()
            assert "Traceback" not in captured.err, (label, captured.err)
            if code != 0:
                assert str(root) in captured.err, (label, captured.err)


# --------------------------------------------------------------------------- item index
def _reseal_index(folder: Path, edit: Callable[[dict], None] | None = None) -> None:
    path = folder / "index.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    if edit is not None:
        edit(meta)
    for name in list(meta.get("sha256") or {}):
        if (folder / name).is_file():
            meta["sha256"][name] = _sha256(folder / name)
            meta["bytes"][name] = (folder / name).stat().st_size
    digested = ("format", "format_version", "metric", "backend", "n_items", "dim", "params")
    meta["meta_sha256"] = _canonical_digest({key: meta.get(key) for key in digested})
    path.write_text(json.dumps(meta), encoding="utf-8")


def _index_damages(source: Path, other: Path, rng: random.Random
                   ) -> Iterator[tuple[str, Damage]]:
    meta = json.loads((source / "index.json").read_text(encoding="utf-8"))
    files = ["index.json", *meta["sha256"]]
    yield from _file_damages(files, source, other, rng)
    for name in meta["sha256"]:
        size = (source / name).stat().st_size
        # half in the .npy header (its first 128 bytes), which numpy parses as text
        for offset in [rng.randrange(8, 128) for _ in range(3)] + [rng.randrange(size)]:

            def flip_resealed(d: Path, f: str = name, at: int = offset) -> None:
                data = bytearray((d / f).read_bytes())
                data[at] ^= 0xFF
                (d / f).write_bytes(bytes(data))
                _reseal_index(d)
            yield f"{name} byte {offset} flipped, resealed", flip_resealed
    for key in meta:
        if key in ("sha256", "bytes"):
            continue
        yield f"index.json {key} removed", lambda d, k=key: _reseal_index(
            d, lambda m: m.pop(k))
        for kind, value in WRONG.items():
            if kind != "nan":
                yield f"index.json {key} = {kind}", lambda d, k=key, v=value: _reseal_index(
                    d, lambda m: m.update({k: v}))
    for key in meta["params"]:
        for kind, value in WRONG.items():
            if kind != "nan":
                yield (f"index.json params {key} = {kind}",
                       lambda d, k=key, v=value: _reseal_index(
                           d, lambda m: m["params"].update({k: v})))
    vectors = np.load(source / "items.npy", allow_pickle=False)
    for label, changed in (("one short", vectors[:-1]), ("float64", vectors.astype(float)),
                           ("transposed", vectors.T.copy()),
                           ("NaN", np.where(vectors > 1, np.nan, vectors).astype(np.float32))):
        yield f"items.npy {label}, resealed", lambda d, c=changed: (
            np.save(d / "items.npy", c, allow_pickle=False), _reseal_index(d))
    yield "items.npy an object array, resealed", lambda d: (
        (d / "items.npy").write_bytes(_object_array_member()), _reseal_index(d))


@pytest.mark.parametrize("backend", ["exact", "hnsw"])
def test_a_damaged_item_index_is_refused_or_sound(backend, tmp_path):
    if backend == "hnsw":
        pytest.importorskip("hnswlib")
    vectors = np.random.default_rng(0).normal(size=(150, 6)).astype(np.float32)
    source, other = tmp_path / "source", tmp_path / "other"
    ItemIndex.build(vectors, backend=backend).save(source)
    ItemIndex.build(vectors[::-1].copy(), backend=backend).save(other)
    rng = random.Random(f"{SEED}:{backend}")
    for position, (label, damage) in enumerate(
            _chosen(_index_damages(source, other, rng), PER_INDEX, rng)):
        folder = tmp_path / f"{position:02d}"
        shutil.copytree(source, folder)
        damage(folder)
        try:
            index = ItemIndex.load(folder)
        except RecstackError as error:
            _one_line_naming(error, folder)
            continue
        try:
            _, scores = index.search(vectors[:3], 5)
        except RecstackError:
            continue
        assert np.isfinite(scores).all(), f"{folder} ({label}): loaded, then NaN scores"
