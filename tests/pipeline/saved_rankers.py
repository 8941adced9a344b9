"""A toy feature frame and a ``ranker.json`` editor, for the tests that edit saved rankers."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from recstack.pipeline.rankers.storage import META, _digest
from recstack.pipeline.schema import Feature, FeatureFrame, FeatureSchema

SCHEMA = FeatureSchema((Feature("signal", "numeric"), Feature("noise", "numeric"),
                        Feature("genre", "categorical", cardinality=4)))


def toy() -> tuple[FeatureFrame, np.ndarray]:
    """30 groups of 6 rows whose label is ``signal > 0.5``."""
    rng = np.random.default_rng(0)
    n_groups, size = 30, 6
    n = n_groups * size
    signal = rng.random(n)
    groups = np.repeat(np.arange(n_groups), size)
    frame = FeatureFrame(SCHEMA, np.c_[signal, rng.random(n)], rng.integers(0, 4, (n, 1)),
                         groups, np.tile(np.arange(size), n_groups), groups)
    return frame, (signal > 0.5).astype(float)


def edit_meta(folder: Path, change) -> None:
    """Change ranker.json and make its checksum match again (as a hand edit that knows the
    format would)."""
    meta = json.loads((folder / META).read_text())
    change(meta)
    meta["sha256"][META] = _digest(meta)
    (folder / META).write_text(json.dumps(meta))
