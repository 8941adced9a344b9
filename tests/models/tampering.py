"""Editing a saved model's arrays and sealing the artifact again (fresh checksums), as a
tamperer would: what the load-time checks of the arrays' contents must still catch."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ARRAYS, META = "arrays.npz", "model.json"


def saved_arrays(model: Any, folder: Path) -> dict[str, np.ndarray]:
    """Save ``model`` to ``folder`` and return copies of its arrays, to edit."""
    model.save(folder)
    with np.load(folder / ARRAYS, allow_pickle=False) as stored:
        return {name: stored[name].copy() for name in stored.files}


def reseal(folder: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write ``arrays`` into the artifact at ``folder`` with matching metadata and
    checksums, so that only the arrays' contents can give the edit away."""
    np.savez(folder / ARRAYS, **arrays)
    meta = json.loads((folder / META).read_text(encoding="utf-8"))
    for name, array in arrays.items():
        meta["arrays"][name] = {"dtype": array.dtype.str, "shape": list(array.shape)}
    meta["sha256"][ARRAYS] = hashlib.sha256((folder / ARRAYS).read_bytes()).hexdigest()
    _seal(folder, meta)


def edit_meta(folder: Path, edit: Callable[[dict[str, Any]], Any]) -> Path:
    """Apply ``edit`` to the ``model.json`` at ``folder`` and seal it again, so that only
    what the edit says can give it away; return ``folder``."""
    meta = json.loads((folder / META).read_text(encoding="utf-8"))
    edit(meta)
    _seal(folder, meta)
    return folder


def _seal(folder: Path, meta: dict[str, Any]) -> None:
    body = {k: v for k, v in meta.items() if k != "sha256"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    meta["sha256"][META] = hashlib.sha256(text.encode("ascii")).hexdigest()
    (folder / META).write_text(json.dumps(meta), encoding="utf-8")
