"""Logistic regression: the pointwise baseline ranker (scikit-learn's solver).

.. math:: p(y = 1 \\mid x) = \\sigma(w^\\top \\phi(x) + b), \\qquad
          \\min_{w, b}\\; \\tfrac{1}{2}\\lVert w \\rVert^2
          - C \\sum_i c_{y_i} s_i \\left[y_i \\log p_i + (1 - y_i) \\log(1 - p_i)\\right]

with :math:`s_i` the row weights and :math:`c_y` the class weights. ``score`` gives the logit
:math:`w^\\top \\phi(x) + b` (probabilities in float32 are 1.0 from a logit of about 17 on,
which tied candidates the model tells apart); ``predict_proba`` gives :math:`p`.
:math:`\\phi(x)`: numeric features with NaN replaced by the training mean, then standardised
with the training mean and standard deviation (so that ``C`` means the same for every feature);
each categorical feature one-hot over all its ``cardinality`` codes, the unknown level 0
kept as a column of its own (an unseen category at serving scores as the unknown level
did in training). Labels > 0 count as positives.

Class weights (``class_weight``): None, ``"balanced"`` (:math:`c_y = n / (2 n_y)`, as
scikit-learn), or a number: the weight of the positive class, negatives 1 (the
alternative to downsampling negatives).

Saved as ``weights.npz`` (coefficients, intercept, means, scales; read without pickle)
plus JSON. Scoring needs numpy only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from recstack.errors import ConfigError, RecstackError, shown
from recstack.models.base import Param
from recstack.pipeline.rankers.base import (
    POSITION_PARAMS,
    Ranker,
    check_input_scaling,
    check_model_cardinalities,
    check_model_features,
    check_saved_ranges,
    model_feature_names,
    training_means,
    training_ranges,
)
from recstack.pipeline.rankers.neural import MAX_NETWORK_PARAMETERS
from recstack.pipeline.rankers.registry import register
from recstack.pipeline.schema import FeatureFrame
from recstack.progress import Progress, resolve

WEIGHTS_FILE = "weights.npz"


@register
class LogisticRanker(Ranker):
    """Logistic regression over standardised numerics and one-hot categoricals."""

    name = "logistic"
    model_files = (WEIGHTS_FILE,)
    supported_losses = ("bce",)
    probability_losses = ("bce",)
    params = {
        "loss": Param(str, default="bce", doc="Only 'bce' (the log loss)."),
        "C": Param((int, float), low=0, low_inclusive=False, default=1.0,
                   computes_in="float64",
                   doc="Inverse L2 strength (scikit-learn's C)."),
        "class_weight": Param((str, int, float), optional=True, default=None,
                              doc="None, 'balanced', or the positive class's weight."),
        "max_iter": Param(int, low=1, default=200, doc="Most L-BFGS iterations."),
        **POSITION_PARAMS,
    }

    def validate_params(self) -> None:
        super().validate_params()
        weight = self.class_weight
        if isinstance(weight, str) and weight != "balanced":
            raise ConfigError(f"{self.name}: class_weight must be None, 'balanced' or a "
                              f"positive number, got {shown(weight)}")
        if isinstance(weight, int | float) and not weight > 0:
            raise ConfigError(f"{self.name}: class_weight must be > 0, got {shown(weight)}")

    def _validation_unused(self) -> str | None:
        return (f"{self.name} has no early stopping (it fits to convergence), so they would "
                "not be used; leave validation out")

    def _fit(self, frame: FeatureFrame, labels: np.ndarray, weights: np.ndarray | None,
             validation: tuple[FeatureFrame, np.ndarray] | None,
             progress: Progress | None) -> None:
        try:
            from sklearn.linear_model import LogisticRegression
        except ImportError:
            raise RecstackError('this ranker needs scikit-learn: pip install '
                                '"recstack[ranking]"') from None
        target = (labels > 0).astype(np.int64)  # both classes: checked by Ranker.fit
        numeric = frame.numeric.astype(np.float64)
        self.means_ = training_means(numeric)  # an all-NaN column imputes 0
        self.numeric_range_ = training_ranges(numeric)  # score clips to its band
        filled = np.where(np.isnan(numeric), self.means_, numeric)
        scales = filled.std(axis=0)
        self.scales_ = np.where(scales > 0, scales, 1.0)
        self.cardinalities_ = np.array([f.cardinality for f in frame.schema.categorical],
                                       np.int64)
        self._check_width(frame)
        weight = self.class_weight
        class_weight = {0: 1.0, 1: float(weight)} if isinstance(weight, int | float) else weight
        model = LogisticRegression(C=float(self.C), class_weight=class_weight,
                                   max_iter=self.max_iter, solver="lbfgs")
        with resolve(progress).task(f"Training {self.name}", total=1) as task:
            model.fit(self._design(frame), target, sample_weight=weights)
            task.advance(1)
        self.coef_ = model.coef_.ravel().astype(np.float64)
        self.intercept_ = float(model.intercept_[0])

    def _check_width(self, frame: FeatureFrame) -> None:
        """Refuse a one-hot design too wide to fit: a categorical feature of a huge declared
        cardinality (a raw id used as a code) was a MemoryError from scikit-learn's solver
        ("Unable to allocate 745. GiB"), its coefficient vector alone past memory. The
        limit is the neural rankers' on their weights."""
        width = len(frame.schema.numeric) + int(self.cardinalities_.sum())
        if width <= MAX_NETWORK_PARAMETERS:
            return
        widest = max(frame.schema.categorical, key=lambda f: int(f.cardinality or 0))
        raise RecstackError(
            f"{self.name}: the one-hot design would have {width:,} columns (at most "
            f"{MAX_NETWORK_PARAMETERS:,} weights are fitted); categorical feature "
            f"{widest.name!r} declares cardinality {widest.cardinality:,}: give it fewer codes "
            "(e.g. the frequent levels and 0 for the rest), or use the lightgbm ranker")

    def _design(self, frame: FeatureFrame) -> sp.csr_matrix:
        """:math:`\\phi(x)`: standardised numerics then the one-hot blocks, sparse."""
        numeric = frame.numeric.astype(np.float64)
        numeric = (np.where(np.isnan(numeric), self.means_, numeric) - self.means_) / self.scales_
        offsets = np.r_[0, np.cumsum(self.cardinalities_)[:-1]] if len(self.cardinalities_) \
            else np.zeros(0, np.int64)
        n = len(frame)
        columns = (frame.categorical.astype(np.int64) + offsets).ravel()
        rows = np.repeat(np.arange(n), len(self.cardinalities_))
        onehot = sp.csr_matrix((np.ones(len(columns)), (rows, columns)),
                               shape=(n, int(self.cardinalities_.sum())))
        return sp.hstack([sp.csr_matrix(numeric), onehot], format="csr")

    def _score(self, frame: FeatureFrame) -> np.ndarray:
        # the logit, not sigma(logit): the float32 scores of probabilities were exactly 1.0
        # above a logit of about 17, and candidates the model told apart tied
        # (predict_proba gives the probabilities)
        return np.asarray(self._design(frame) @ self.coef_ + self.intercept_)

    def _save_files(self, folder: Path) -> dict[str, Any]:
        np.savez(folder / WEIGHTS_FILE, coef=self.coef_, intercept=np.array([self.intercept_]),
                 means=self.means_, scales=self.scales_, cardinalities=self.cardinalities_,
                 lows=self.numeric_range_[0], highs=self.numeric_range_[1],
                 features=np.array(model_feature_names(self.schema_), dtype=np.str_))
        return {}

    def _load_files(self, folder: Path, state: dict[str, Any]) -> None:
        with np.load(folder / WEIGHTS_FILE, allow_pickle=False) as arrays:
            self.coef_ = arrays["coef"]
            self.intercept_ = float(arrays["intercept"][0])
            self.means_, self.scales_ = arrays["means"], arrays["scales"]
            self.cardinalities_ = arrays["cardinalities"]
            # saved since the training range is kept (an older file: scored unclipped)
            ranges = ((arrays["lows"], arrays["highs"])
                      if {"lows", "highs"} <= set(arrays.files) else None)
            # written since the names were recorded (an older file has none to check)
            saved = arrays["features"].tolist() if "features" in arrays.files else None
        check_model_features(saved, model_feature_names(self.schema_), folder / WEIGHTS_FILE)
        if len(self.cardinalities_) == len(self.schema_.categorical):
            # naming the feature and both cardinalities (a count that differs: below)
            check_model_cardinalities(self.cardinalities_.tolist(), self.schema_,
                                      folder / WEIGHTS_FILE)
        declared = [f.cardinality for f in self.schema_.categorical]
        if self.cardinalities_.tolist() != declared or len(self.means_) != len(
                self.schema_.numeric):
            raise RecstackError(f"{folder / WEIGHTS_FILE}: the weights were not fitted on the "
                                "feature schema of ranker.json")
        check_input_scaling(self.means_, self.scales_, self.schema_, folder / WEIGHTS_FILE)
        self.__dict__.pop("numeric_range_", None)
        if ranges is not None:
            check_saved_ranges(*ranges, self.schema_, folder / WEIGHTS_FILE)
            self.numeric_range_ = (ranges[0].astype(np.float64), ranges[1].astype(np.float64))
        width = len(self.means_) + int(self.cardinalities_.sum())
        if self.coef_.shape != (width,) or not np.isfinite(self.coef_).all():
            raise RecstackError(f"{folder / WEIGHTS_FILE}: coefficients of shape "
                                f"{self.coef_.shape}, expected ({width},), finite")
        if not np.isfinite(self.intercept_):
            # told at score time as features "on another scale than the training ones"
            raise RecstackError(f"{folder / WEIGHTS_FILE}: the intercept is "
                                f"{self.intercept_!r}, where the ranker saved a finite number; "
                                "the file was edited or is damaged: save the ranker again")
