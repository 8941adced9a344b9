"""Saving and loading fitted models without pickle.

A saved model is a folder with two files:

- ``arrays.npz``: every learned array, plus the id vocabularies and the training matrix
  (read back with ``allow_pickle=False``, so opening it cannot run code);
- ``model.json``: the format version, the model's registry name and hyperparameters, the
  recstack version, and the SHA-256 of ``arrays.npz``.

Loading checks the format version and the checksum and refuses, with the reason, an
artifact that is corrupted, from a newer format, or for an unknown model. The folder is
written under a temporary name and renamed into place, so it is never half-written.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp

from recstack import __version__
from recstack.data.idmap import IdMap
from recstack.errors import RecstackError

if TYPE_CHECKING:
    from recstack.models.base import Recommender

FORMAT = "recstack-model"
FORMAT_VERSION = 1
ARRAYS = "arrays.npz"
META = "model.json"
_BASE_PREFIX = "base__"


def save_model(model: Recommender, path: str | Path, *, overwrite: bool = False) -> Path:
    """Write a fitted ``model`` to the folder ``path`` (see the module docstring)."""
    model._require_fitted()
    path = Path(path)
    if path.exists() and not overwrite:
        raise RecstackError(f"{path} already exists; pass overwrite=True to replace it")
    arrays = {f"{_BASE_PREFIX}{k}": v for k, v in _base_state(model).items()}
    for name, value in model._state().items():
        arrays[name] = np.asarray(value)
    for name, value in arrays.items():
        if value.dtype == object:
            raise TypeError(f"state array {name!r} has dtype object, which needs pickle")
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        np.savez(staging / ARRAYS, **arrays)
        meta = {
            "format": FORMAT, "format_version": FORMAT_VERSION, "recstack_version": __version__,
            "model": model.name, "params": model.get_params(),
            "sha256": {ARRAYS: _sha256(staging / ARRAYS)},
        }
        (staging / META).write_text(json.dumps(meta, indent=2))
        if path.exists():
            shutil.rmtree(path)
        os.replace(staging, path)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return path


def load_model(path: str | Path) -> Recommender:
    """Read a model saved by :func:`save_model`, refusing anything that does not check out."""
    from recstack.models.registry import create_model

    path = Path(path)
    meta_path, arrays_path = path / META, path / ARRAYS
    if not meta_path.is_file() or not arrays_path.is_file():
        raise RecstackError(f"{path}: not a saved recstack model (needs {META} and {ARRAYS})")
    try:
        meta = json.loads(meta_path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise RecstackError(f"{meta_path}: corrupted metadata ({error})") from None
    if meta.get("format") != FORMAT:
        raise RecstackError(f"{meta_path}: not a recstack model (format {meta.get('format')!r})")
    version = meta.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise RecstackError(f"{path}: model format version {version!r}; this recstack "
                            f"({__version__}) reads versions up to {FORMAT_VERSION}: upgrade it")
    expected = meta.get("sha256", {}).get(ARRAYS)
    actual = _sha256(arrays_path)
    if expected != actual:
        raise RecstackError(f"{arrays_path}: checksum mismatch (expected {expected}, got "
                            f"{actual}); the artifact is corrupted or was modified")
    model = create_model(meta["model"], **meta.get("params", {}))
    with np.load(arrays_path, allow_pickle=False) as stored:
        arrays = {name: stored[name] for name in stored.files}
    base = {k[len(_BASE_PREFIX):]: v for k, v in arrays.items() if k.startswith(_BASE_PREFIX)}
    _restore_base(model, base)
    model._load_state({k: v for k, v in arrays.items() if not k.startswith(_BASE_PREFIX)})
    return model


def sparse_state(prefix: str, matrix: sp.csr_matrix) -> dict[str, np.ndarray]:
    """A CSR matrix as plain arrays for :meth:`Recommender._state` (no pickle needed)."""
    return {f"{prefix}_indptr": matrix.indptr, f"{prefix}_indices": matrix.indices,
            f"{prefix}_data": matrix.data, f"{prefix}_shape": np.asarray(matrix.shape, np.int64)}


def sparse_from_state(prefix: str, arrays: dict[str, np.ndarray]) -> sp.csr_matrix:
    """The CSR matrix that :func:`sparse_state` stored under ``prefix``."""
    return sp.csr_matrix((arrays[f"{prefix}_data"], arrays[f"{prefix}_indices"],
                          arrays[f"{prefix}_indptr"]),
                         shape=tuple(int(s) for s in arrays[f"{prefix}_shape"]))


def _base_state(model: Recommender) -> dict[str, np.ndarray]:
    return {"user_ids": _storable_ids(model.users_), "item_ids": _storable_ids(model.items_),
            **sparse_state("seen", model.seen_)}


def _restore_base(model: Recommender, state: dict[str, np.ndarray]) -> None:
    model.users_ = IdMap(state["user_ids"])
    model.items_ = IdMap(state["item_ids"])
    model.seen_ = sparse_from_state("seen", state)


def _storable_ids(ids: IdMap) -> np.ndarray:
    external = np.asarray(ids.external_ids)
    if external.dtype == object:
        # strings come back as a fixed-width unicode array: no pickle needed
        return external.astype(str)
    return external


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def describe_artifact(path: str | Path) -> dict[str, Any]:
    """The metadata of a saved model, without loading its arrays."""
    return json.loads((Path(path) / META).read_text())
