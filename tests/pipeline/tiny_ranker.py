"""A tiny ranker for the pipeline's tests (ridge regression on the numeric features), so
that the candidate, feature and two-stage tests do not depend on the real rankers; and a
fixture that registers it as ``tiny_linear`` for the duration of a test."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest

from recstack.errors import RecstackError
from recstack.models.base import Param
from recstack.pipeline.rankers.base import POSITION_PARAMS, Ranker
from recstack.pipeline.schema import FeatureFrame

WEIGHTS = "tiny_linear.npz"


class TinyLinearRanker(Ranker):
    """Ridge regression of the labels on the standardised numeric features (NaN -> the
    training mean)."""

    name = "tiny_linear"
    supported_losses = ("squared",)
    params: ClassVar[dict[str, Param]] = {
        "loss": Param(str, default="squared", doc="Only 'squared'."),
        "alpha": Param(float, low=0, default=1.0, doc="Ridge strength."),
        **POSITION_PARAMS,
    }

    def _design(self, frame: FeatureFrame) -> np.ndarray:
        x = (frame.numeric.astype(np.float64) - self.mean_) / self.scale_
        return np.nan_to_num(x, nan=0.0)

    def _fit(self, frame, labels, weights, validation, progress) -> None:
        x = frame.numeric.astype(np.float64)
        with np.errstate(all="ignore"):
            self.mean_ = np.nan_to_num(np.nanmean(x, axis=0))
            self.scale_ = np.nan_to_num(np.nanstd(x, axis=0), nan=1.0)
        self.scale_[self.scale_ == 0] = 1.0
        design = self._design(frame)
        w = np.ones(len(x)) if weights is None else weights
        gram = design.T @ (design * w[:, None]) + self.alpha * np.eye(design.shape[1])
        self.coef_ = np.linalg.solve(gram, design.T @ (w * (labels - labels.mean())))

    def _score(self, frame: FeatureFrame) -> np.ndarray:
        return self._design(frame) @ self.coef_

    def _save_files(self, folder: Path) -> dict[str, Any]:
        np.savez(folder / WEIGHTS, mean=self.mean_, scale=self.scale_, coef=self.coef_)
        return {}

    def _load_files(self, folder: Path, state: dict[str, Any]) -> None:
        with np.load(folder / WEIGHTS, allow_pickle=False) as stored:
            self.mean_, self.scale_, self.coef_ = (stored[k] for k in ("mean", "scale", "coef"))
        arrays = (self.mean_, self.scale_, self.coef_)
        if len({a.shape for a in arrays}) != 1 or not all(np.isfinite(a).all() for a in arrays):
            raise RecstackError("tiny_linear: damaged weights")


@pytest.fixture
def tiny_ranker(monkeypatch):
    """``tiny_linear`` is a registered ranker while the test runs."""
    from recstack.pipeline.rankers import registry

    registry._import_builtin_rankers()
    monkeypatch.setitem(registry.RANKERS._classes, "tiny_linear", TinyLinearRanker)
    return TinyLinearRanker
