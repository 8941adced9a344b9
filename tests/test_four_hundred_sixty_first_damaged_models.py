"""Saved models damaged the way real files are damaged, by class, with hypothesis.

A fitted model of several kinds (a factor model, EASE, item-kNN, a torch model, a blend, a
two-stage model with its ranker) is saved once; each example copies the folder, damages it
(the JSON edited by hand, with and without its checksums recomputed; the archive truncated,
a byte flipped, an array swapped for one of another shape or dtype; a file removed, emptied,
replaced by a folder or a link) and loads it through ``load_model``. The property: either a
``RecstackError`` that names the damaged folder's file, or a model that scores exactly as
the saved one did. Never a raw exception, never a silently different model.

The damage is done with this test's own code (json, hashlib, numpy's writer, raw bytes): the
checksum rules are written out here from the documented format (persistence's docstring).
"""

from __future__ import annotations

import hashlib
import io
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
from recstack.models import create_model, load_model

META, ARRAYS = "model.json", "arrays.npz"
SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


def _interactions() -> Interactions:
    """40 users, 30 items: even users take even items, odd users odd ones."""
    rng = np.random.default_rng(1)
    users, items = [], []
    for user in range(40):
        chosen = rng.choice(np.arange(user % 2, 30, 2), size=8, replace=False)
        users += [user] * len(chosen)
        items += chosen.tolist()
    # times drawn at random: the two-stage model learns its ranker from a time window
    return Interactions.from_arrays(np.array(users), np.array(items), np.ones(len(users)),
                                    rng.integers(0, 10_000, len(users)))


_MODELS: dict[str, dict[str, Any]] = {
    "als": {"factors": 4, "iterations": 2, "num_threads": 1},
    "ease": {"regularization": 10.0},
    "item_knn": {"neighbors": 5},
    "blend": {"members": [{"type": "ease", "regularization": 10.0},
                          {"type": "item_knn", "neighbors": 5}], "rounds": 1},
    # a ranker saved inside the model's archive (its own files and checksums, as bytes)
    "two_stage": {"generators": ({"type": "ease", "regularization": 10.0},
                                 {"type": "most_popular"}),
                  "ranker": {"type": "logistic"}, "n_candidates": 10},
}


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> dict[str, tuple[Path, np.ndarray]]:
    """Each model saved once, with the scores it gives every user."""
    train = _interactions()
    root = tmp_path_factory.mktemp("saved")
    kinds = dict(_MODELS)
    try:
        import torch  # noqa: F401
        kinds["lightgcn"] = {"dim": 4, "layers": 1, "epochs": 2, "device": "cpu",
                             "num_threads": 1}
    except ImportError:  # torch is an extra: the other kinds are damaged without it
        pass
    out = {}
    for name, params in kinds.items():
        model = create_model(name, **params).fit(train)
        folder = root / name
        model.save(folder)
        out[name] = (folder, _scores(model))
    return out


def _scores(model: Any) -> np.ndarray:
    return np.asarray(model.score_users(np.arange(len(model.users_))))


# --------------------------------------------------------------------------- resealing
def _canonical_digest(meta: dict[str, Any]) -> str:
    body = {key: value for key, value in meta.items() if key != "sha256"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True,
                      allow_nan=False)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def _reseal(folder: Path, *, arrays: bool = True) -> None:
    """Recompute model.json's checksums (the archive's too when ``arrays``), as a careful
    hand or a tool does after an edit."""
    meta = json.loads((folder / META).read_text(encoding="utf-8"))
    if not isinstance(meta, dict) or not isinstance(meta.get("sha256"), dict):
        return
    if arrays and (folder / ARRAYS).is_file():
        meta["sha256"][ARRAYS] = hashlib.sha256((folder / ARRAYS).read_bytes()).hexdigest()
    try:
        meta["sha256"][META] = _canonical_digest(meta)
    except (TypeError, ValueError):
        pass
    (folder / META).write_text(json.dumps(meta, indent=2), encoding="utf-8")


def _paths(value: Any, at: tuple = ()) -> list[tuple]:
    """Every path to a value inside a parsed JSON document."""
    found = [at] if at else []
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _paths(inner, (*at, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += _paths(inner, (*at, index))
    return found


def _get(document: Any, at: tuple) -> Any:
    for key in at:
        document = document[key]
    return document


_ODD_VALUES = [None, True, False, 0, -1, 1.5, 1e308, 10**30, "", "text", "2", [], {},
               [1, 2], {"a": 1}, "NaN"]


def _edit_json(meta: dict[str, Any], data: st.DataObject) -> dict[str, Any]:
    """One hand edit of a parsed model.json: a field removed, renamed, given a value of
    another kind, a number written as text, an extra field added."""
    paths = [at for at in _paths(meta) if at[0] != "sha256"]
    at = data.draw(st.sampled_from(paths), label="field")
    parent, key = _get(meta, at[:-1]), at[-1]
    edit = data.draw(st.sampled_from(["remove", "rename", "value", "as_text", "extra"]),
                     label="edit")
    if edit == "remove":
        del parent[key]
    elif edit == "rename" and isinstance(parent, dict):
        parent[f"{key}_x"] = parent.pop(key)
    elif edit == "as_text":
        parent[key] = json.dumps(parent[key])
    elif edit == "extra" and isinstance(parent, dict):
        parent["unexpected_field"] = 1
    else:
        parent[key] = data.draw(st.sampled_from(_ODD_VALUES), label="value")
    return meta


def _check(folder: Path, before: np.ndarray) -> None:
    """The property: a RecstackError naming the folder, or the very same model."""
    try:
        model = load_model(folder)
    except RecstackError as error:
        assert str(folder) in str(error), str(error)
        return
    after = _scores(model)
    assert after.shape == before.shape and np.array_equal(after, before), (
        "a damaged artifact loaded as another model")


def _copy(saved_entry: tuple[Path, np.ndarray], tmp_path: Path, label: str) -> Path:
    source = saved_entry[0]
    target = tmp_path / f"{label}-{len(list(tmp_path.iterdir()))}"
    shutil.copytree(source, target)
    return target


KINDS = sorted([*_MODELS, "lightgcn"])


# --------------------------------------------------------------------------- JSON edits
@SETTINGS
@given(data=st.data(), kind=st.sampled_from(KINDS), reseal=st.booleans())
def test_hand_edited_metadata_is_refused_or_harmless(saved, tmp_path, data, kind, reseal):
    if kind not in saved:
        return
    folder = _copy(saved[kind], tmp_path, kind)
    meta = json.loads((folder / META).read_text(encoding="utf-8"))
    meta = _edit_json(meta, data)
    (folder / META).write_text(json.dumps(meta, indent=2), encoding="utf-8")
    if reseal:
        _reseal(folder)
    _check(folder, saved[kind][1])


@SETTINGS
@given(kind=st.sampled_from(KINDS),
       replacement=st.sampled_from(['"format_version": NaN', '"format_version": 1e999',
                                    '"format_version": 2.0', '"format_version": "2"',
                                    '"format_version": 99999999999999999999999',
                                    '"format_version": -2', '"format_version": 3']))
def test_version_written_oddly_is_refused(saved, tmp_path, kind, replacement):
    if kind not in saved:
        return
    folder = _copy(saved[kind], tmp_path, kind)
    text = (folder / META).read_text(encoding="utf-8")
    (folder / META).write_text(text.replace('"format_version": 2', replacement),
                               encoding="utf-8")
    with pytest.raises(RecstackError, match="format_version|format version|JSON"):
        load_model(folder)


@SETTINGS
@given(kind=st.sampled_from(KINDS),
       other=st.sampled_from(["als", "ials", "ease", "item_knn", "rp3beta", "mf", "bpr",
                              "blend", "most_popular", "user_knn"]))
def test_metadata_relabelled_to_another_model_is_refused(saved, tmp_path, kind, other):
    if kind not in saved or kind == other:
        return
    folder = _copy(saved[kind], tmp_path, kind)
    meta = json.loads((folder / META).read_text(encoding="utf-8"))
    meta["model"] = other
    (folder / META).write_text(json.dumps(meta, indent=2), encoding="utf-8")
    _reseal(folder)
    with pytest.raises(RecstackError) as caught:
        load_model(folder)
    assert str(folder) in str(caught.value)


# --------------------------------------------------------------------------- archive bytes
@SETTINGS
@given(data=st.data(), kind=st.sampled_from(KINDS), reseal=st.booleans(),
       how=st.sampled_from(["truncate", "flip"]))
def test_damaged_archive_bytes_are_refused_or_harmless(saved, tmp_path, data, kind, reseal,
                                                         how):
    if kind not in saved:
        return
    folder = _copy(saved[kind], tmp_path, kind)
    raw = bytearray((folder / ARRAYS).read_bytes())
    at = data.draw(st.integers(0, len(raw) - 1), label="byte")
    if how == "truncate":
        raw = raw[:at]
    else:
        raw[at] ^= data.draw(st.integers(1, 255), label="mask")
    (folder / ARRAYS).write_bytes(bytes(raw))
    if reseal:
        _reseal(folder)
    _check(folder, saved[kind][1])


def _rewrite_arrays(folder: Path, arrays: dict[str, np.ndarray], *, manifest: bool) -> None:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    (folder / ARRAYS).write_bytes(buffer.getvalue())
    if manifest:
        meta = json.loads((folder / META).read_text(encoding="utf-8"))
        meta["arrays"] = {name: {"dtype": value.dtype.str, "shape": list(value.shape)}
                          for name, value in arrays.items()}
        (folder / META).write_text(json.dumps(meta, indent=2), encoding="utf-8")
    _reseal(folder)


@SETTINGS
@given(data=st.data(), kind=st.sampled_from(KINDS), manifest=st.booleans(),
       how=st.sampled_from(["shape", "dtype", "drop", "extra", "values", "transpose"]))
def test_array_replaced_is_refused_or_harmless(saved, tmp_path, data, kind, manifest, how):
    if kind not in saved:
        return
    folder = _copy(saved[kind], tmp_path, kind)
    with np.load(folder / ARRAYS, allow_pickle=False) as stored:
        arrays = {name: stored[name] for name in stored.files}
    name = data.draw(st.sampled_from(sorted(arrays)), label="array")
    array = arrays[name]
    if how == "shape":
        arrays[name] = (array.reshape(-1)[:-1] if array.size > 1
                        else np.zeros((2,) + array.shape[1:], array.dtype))
    elif how == "dtype":
        wanted = data.draw(st.sampled_from(["<f8", "<f4", "<f2", "<i4", "<i8", "<u1", "|b1",
                                            "<U3"]), label="dtype")
        try:
            arrays[name] = array.astype(wanted)
        except (TypeError, ValueError):
            arrays[name] = np.zeros(array.shape, wanted)
    elif how == "drop":
        del arrays[name]
    elif how == "extra":
        arrays["extra_array"] = np.zeros(3)
    elif how == "transpose" and array.ndim == 2 and array.shape[0] != array.shape[1]:
        # (a square one transposed keeps its shape: beyond any check once resealed)
        arrays[name] = np.ascontiguousarray(array.T)
    elif array.size and (array.dtype.kind == "f" or array.dtype == np.uint8
                         or name.endswith(("_indices", "_indptr"))):
        # values no fit gives: a plausible value with the checksums recomputed is beyond any
        # check (they are no signature), so only values out of every array's domain are
        # written: no float weight is NaN, infinite or 1e20, no index -1 or past any
        # catalog; a byte of a file saved inside the archive (a ranker's) is flipped
        position = data.draw(st.integers(0, array.size - 1), label="position")
        flat = array.copy().reshape(-1)
        if array.dtype == np.uint8:
            flat[position] ^= 0xFF
        else:
            odd = [np.nan, np.inf, -np.inf, 1e20] if array.dtype.kind == "f" else [-1, 10**6]
            flat[position] = data.draw(st.sampled_from(odd), label="value")
        arrays[name] = flat.reshape(array.shape)
    _rewrite_arrays(folder, arrays, manifest=manifest)
    _check(folder, saved[kind][1])


# --------------------------------------------------------------------------- files
@SETTINGS
@given(kind=st.sampled_from(KINDS), which=st.sampled_from([META, ARRAYS]),
       how=st.sampled_from(["remove", "empty", "folder", "link_elsewhere", "link_loop",
                            "link_dangling", "link_to_folder"]))
def test_files_removed_or_replaced_are_refused(saved, tmp_path, kind, which, how):
    if kind not in saved:
        return
    folder = _copy(saved[kind], tmp_path, kind)
    target = folder / which
    elsewhere = tmp_path / "elsewhere.bin"
    elsewhere.write_bytes(b"\x00" * 100)
    target.unlink()
    if how == "empty":
        target.write_bytes(b"")
    elif how == "folder":
        target.mkdir()
    elif how == "link_elsewhere":
        target.symlink_to(elsewhere)
    elif how == "link_loop":
        target.symlink_to(target)
    elif how == "link_dangling":
        target.symlink_to(tmp_path / "nothing-here")
    elif how == "link_to_folder":
        target.symlink_to(tmp_path)
    with pytest.raises(RecstackError) as caught:
        load_model(folder)
    assert str(folder) in str(caught.value)


@SETTINGS
@given(kind=st.sampled_from(KINDS))
def test_link_to_a_copy_of_the_same_file_loads_the_same_model(saved, tmp_path, kind):
    """A file linked to an identical copy elsewhere (as a deployment may do) is no damage."""
    if kind not in saved:
        return
    folder = _copy(saved[kind], tmp_path, kind)
    elsewhere = tmp_path / f"elsewhere-{folder.name}.npz"
    shutil.copyfile(folder / ARRAYS, elsewhere)
    (folder / ARRAYS).unlink()
    (folder / ARRAYS).symlink_to(elsewhere)
    _check(folder, saved[kind][1])
    assert np.array_equal(_scores(load_model(folder)), saved[kind][1])
