"""The ranker contract: fit on a feature frame with labels, score candidates.

Every ranker declares its hyperparameters with :class:`recstack.models.base.Param` (the
same declarations that give models their constructors, checks and search spaces), the
losses it supports, and how it saves itself in a safe format.

The public :meth:`Ranker.fit` and :meth:`Ranker.score` are written once, here: they
validate the hyperparameters (naming the bad one; an unsupported loss is refused with the
list of the losses the ranker supports), check the frame, labels and weights (empty frame,
length mismatch, NaN labels, negative weights: one-line :class:`~recstack.errors.RecstackError`),
refuse a frame whose schema differs from the fitted one, and apply the serving position
(:mod:`recstack.pipeline.position_bias`). Each ranker writes only ``_fit``, ``_score``,
``_save_files`` and ``_load_files``.

Position as a feature
---------------------
When ``serving_position`` is set, the numeric feature ``position_feature`` (default
``"position"``) must be in the schema: the ranker learns from the logged positions, and
:meth:`Ranker.score` replaces the column by ``serving_position`` for every row, so that
candidates are compared as if all were shown at the same place (the bias the position
explains is left out of the ranking).
"""

from __future__ import annotations

import copy
import warnings
from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar, Self

import numpy as np

from recstack.data.interactions import FIRST_SECOND, LAST_SECOND
from recstack.errors import ConfigError, RecstackError, counted, shown
from recstack.metrics._validation import check_aligned, exact_as_int
from recstack.models.base import Configurable, Param, canonical_value
from recstack.pipeline.bandit_checks import (
    _missing_as_nan,
    as_float_array,
    refuse_booleans,
    refuse_complex,
)
from recstack.pipeline.position_bias import MAX_POSITION
from recstack.pipeline.schema import (
    FeatureFrame,
    FeatureSchema,
    _contiguous,
    _split_group_message,
    arrow_table_as_pandas,
)
from recstack.pipeline.settings import ReadOnlyWith, refuse_unread_settings
from recstack.progress import Progress
from recstack.specs import arguments_named, did_you_mean

#: the hyperparameters every ranker has: position as a feature (see the module docstring)
POSITION_PARAMS: dict[str, Param] = {
    "position_feature": Param(str, default="position",
                              doc="The numeric feature holding the logged position (1 = top)."),
    # a position as the logged ones are (1 = the top, as_positions' bound): 0 or -3 are
    # none, and scored every candidate at a place the ranker never saw
    "serving_position": Param((int, float), low=1, high=MAX_POSITION, optional=True,
                              default=None,
                              doc="When set, score() replaces position_feature by this value "
                                  "for every row; None: the column is used as given."),
}


class Ranker(Configurable, ABC):
    """Orders candidates by a learned function of their features.

    ``fit(frame, labels, sample_weight=None, validation=None, progress=None)`` learns from
    one row per (user, candidate) with ``labels`` (float, shape (n_rows,): 1/0 for
    interaction, or a graded relevance); ``frame.groups`` gives the request each row belongs
    to (listwise and pairwise losses compare rows within a group). ``score(frame)`` returns
    float32 scores, higher is better, one per row. ``save(path)`` writes the ranker (its own
    safe format plus JSON); :func:`recstack.pipeline.rankers.load_ranker` reads it back.
    """

    params: ClassVar[dict[str, Param]] = {}
    #: the values the ``loss`` hyperparameter may take (empty: the ranker has one loss)
    supported_losses: ClassVar[tuple[str, ...]] = ()
    #: how many label columns ``fit`` takes (the multitask ranker takes two)
    label_columns: ClassVar[int] = 1
    #: the losses under which :meth:`score` is a logit, the log-odds of a click, so that
    #: :meth:`predict_proba` gives probabilities (pointwise log losses); empty: none
    probability_losses: ClassVar[tuple[str, ...]] = ()
    #: the tasks of the label columns, in order, by the names a DataFrame of labels gives
    #: them (None: the columns are read by position only)
    label_names: ClassVar[tuple[str, ...] | None] = None
    #: the files ``_load_files`` reads: ``ranker.json`` must list each (with its checksum)
    model_files: ClassVar[tuple[str, ...]] = ()
    #: settings read only under another's value, refused at fit when given otherwise
    #: (:mod:`recstack.pipeline.settings`)
    read_only_with: ClassVar[ReadOnlyWith] = {}
    #: whether a missing numeric value (NaN) is a value of its own to the ranker
    #: (LightGBM's missing-value splits); False: it is filled with the training mean, so
    #: that a column missing on some rows and one value on the others carries nothing
    reads_missing: ClassVar[bool] = False

    schema_: FeatureSchema
    #: the position feature and the smallest and largest position of the training frame
    logged_positions_: tuple[str, float, float] | None

    # ------------------------------------------------------------------ hyperparameters
    def validate_params(self) -> None:
        """Check each hyperparameter against its declaration; the loss first, with the list
        of the supported ones. Raises :class:`~recstack.errors.ConfigError`."""
        # text only: an array compared with ``in`` raised numpy's "truth value is
        # ambiguous" (the declaration's type check then names it)
        if "loss" in self.params and isinstance(self.loss, str) \
                and self.loss not in self.supported_losses:
            # a misspelt loss gets the nearest supported one, as a misspelt parameter does
            raise ConfigError(f"{self.name}: loss {self.loss!r} is not supported by this "
                              f"ranker{did_you_mean(self.loss, self.supported_losses)}; it "
                              f"supports {', '.join(self.supported_losses)}")
        super().validate_params()

    # ------------------------------------------------------------------ the public contract
    @property
    def is_fitted(self) -> bool:
        return hasattr(self, "schema_")

    @arguments_named
    def fit(self, frame: FeatureFrame, labels: np.ndarray, *,
            sample_weight: np.ndarray | None = None,
            validation: tuple[FeatureFrame, np.ndarray] | None = None,
            progress: Progress | None = None) -> Self:
        """Learn from ``frame`` and ``labels``; returns ``self``.

        Parameters
        ----------
        frame : FeatureFrame
            One row per (user, candidate); ``frame.groups`` the request of each row.
        labels : array of float, shape (n_rows,) (``(n_rows, 2)`` for the multitask ranker)
            Interaction (1/0) or graded relevance (>= 0); no NaN.
        sample_weight : array of float, shape (n_rows,), optional
            Non-negative weight of each row in the loss (e.g. inverse propensity weights
            from :func:`recstack.pipeline.position_bias.ipw_sample_weights`).
        validation : tuple (FeatureFrame, labels), optional
            Rows for early stopping (the training frame's schema), where the ranker
            supports it; a list is refused, naming the tuple to write.
        """
        self.validate_params()
        # at fit only: a saved ranker whose setting was ignored still loads
        refuse_unread_settings(self.name, self, self.read_only_with)
        where = f"{self.name}.fit"
        check_frame(frame, where)
        if not frame.schema.features:
            # scikit-learn's "Found array with 0 feature(s)" traceback, or a network fitted
            # to a bias alone, every candidate scored alike without a word
            raise RecstackError(f"{where}: the feature frame's schema declares no features, "
                                "so every candidate would get the same score; give a frame "
                                "with at least one numeric or categorical feature")
        # the frame has no index; labels and weights given as pandas objects in two orders
        # were paired by position, each weight on another row's label
        check_aligned(("labels", labels), ("sample_weight", sample_weight),
                      error=RecstackError, where=f"{where}: ")
        labels = check_labels(frame, labels, where, self.label_columns, self.label_names)
        weights = check_weights(frame, sample_weight, where)
        check_learnable(frame, labels, where, getattr(self, "loss", None), weights)
        check_some_feature_varies(frame, where, weights, self.reads_missing,
                                  served_alike=None if self.serving_position is None
                                  else (self.position_feature, self.serving_position))
        self._check_position(frame.schema)
        self._check_logged_positions(frame, where)
        logged = logged_position_range(frame, self.position_feature)
        self._check_serving_within_logged(where, logged)
        if validation is not None:
            check_validation_pair(validation, where)
            check_frame(validation[0], f"{where} (validation)")
            # nothing is fitted yet: the rows are held to the training frame given beside them
            frame.schema.require_same(validation[0].schema, f"{where} (validation)",
                                      against="the training frame")
            validation = (validation[0], check_labels(validation[0], validation[1],
                                                      f"{where} (validation)",
                                                      self.label_columns, self.label_names))
            check_validation_ranks(*validation, f"{where} (validation)")
            unused = self._validation_unused()
            if unused:
                # given and never read: the fit ran its full length without a word
                raise RecstackError(f"{where}: validation rows were given, but {unused}")
        self.__dict__.pop("schema_", None)
        self._fit(frame, labels, weights, validation, progress)
        self.schema_ = frame.schema
        self.logged_positions_ = logged
        # a copy: a list hyperparameter changed in place after fit changed the record too
        self.fitted_params_ = copy.deepcopy(self.get_params())
        return self

    @arguments_named
    def score(self, frame: FeatureFrame) -> np.ndarray:
        """Scores of each row (float32, higher is better). A frame of zero rows (zero
        candidates) gives an empty array; a frame of another schema is refused.

        Under a pointwise log loss (:attr:`probability_losses`) the score is the logit,
        not the probability: float32 probabilities are exactly 1.0 above a logit of about
        17 (0.0 below about -104), so candidates the ranker tells apart tied and the list
        fell back to the candidates' order; :meth:`predict_proba` gives the
        probabilities."""
        return self._output(frame, "score", self._score)

    @arguments_named
    def predict_proba(self, frame: FeatureFrame) -> np.ndarray:
        """The probability of a positive label for each row (float64), the sigmoid of
        :meth:`score`, for a ranker fitted with a pointwise log loss
        (:attr:`probability_losses`). Computed from the logit in float64: float32 holds no
        number between 1 - 6e-8 and 1, so from a logit of about 17 on every probability
        was exactly 1.0 (``log(1 - p)`` infinite, candidates the ranker told apart tied);
        in float64 ``1 - p`` keeps its value up to a logit of about 36. Rank by
        :meth:`score`. A ranker of another loss is refused (its scores order candidates
        and are no log-odds)."""
        loss = str(getattr(self, "loss", ""))
        if loss not in self.probability_losses:
            kinds = (f"loss {' or '.join(repr(k) for k in self.probability_losses)}"
                     if self.probability_losses else "no loss")
            raise RecstackError(
                f"{self.name}.predict_proba: the scores of loss {loss!r} order the candidates "
                f"and are not the log-odds of a click, so they have no probability; this "
                f"ranker gives probabilities under {kinds} (or calibrate its scores with "
                "recstack.pipeline.calibration)")
        return self._output(frame, "predict_proba",
                            lambda checked: logit_probability(self._score(checked)),
                            dtype=np.float64)

    def _output(self, frame: FeatureFrame, method: str,
                compute: Callable[[FeatureFrame], np.ndarray],
                dtype: type[np.floating[Any]] = np.float32) -> np.ndarray:
        """What ``compute`` gives for each row of ``frame`` (``dtype``: float32 scores,
        float64 probabilities), after the checks every
        method that reads a fitted ranker shares: fitted, hyperparameters as at fit, a
        frame of the fitted schema, the serving position applied, numeric values far beyond
        the training range clipped to the band the ranker scores (:func:`clip_to_training_band`,
        a :class:`FarFeatureWarning`); NaN or infinite results refused by row."""
        if not self.is_fitted:
            raise RecstackError(f"{self.name}: call fit() before {method}()")
        self._refuse_changed_params(method)
        check_frame(frame, f"{self.name}.{method}")
        self.schema_.require_same(frame.schema, f"{self.name}.{method}")
        if not len(frame):
            return np.zeros(0, dtype)
        if self.serving_position is not None:
            frame = with_position(frame, self.position_feature, float(self.serving_position))
        numeric_range = self.__dict__.get("numeric_range_")
        if numeric_range is not None:  # the rankers that scale their features
            lows, highs = numeric_range
            frame = clip_to_training_band(frame, lows, highs, f"{self.name}.{method}")
        with np.errstate(over="ignore", invalid="ignore"):
            values = np.asarray(compute(frame), dtype=dtype).reshape(len(frame))
        check_scores_finite(values, frame, f"{self.name}.{method}")
        return values

    @arguments_named
    def save(self, path: str | Path, *, overwrite: bool = False) -> Path:
        """Write the fitted ranker to the folder ``path``: its own files (LightGBM text,
        npz, safetensors) and ``ranker.json``, checksummed (never pickle)."""
        from recstack.pipeline.rankers.storage import save_ranker

        if not self.is_fitted:
            raise RecstackError(f"{self.name}: call fit() before save()")
        self._refuse_changed_params("save")
        return save_ranker(self, path, overwrite=overwrite)

    def _check_logged_positions(self, frame: FeatureFrame, where: str) -> None:
        """With ``serving_position``, refuse logged positions below 1: serving scores every
        candidate at a 1-based position (1 = the top), so a log counted from 0 put the top
        at 0 and the serving position 1 meant the second slot, silently."""
        if self.serving_position is None:
            return
        logged = frame.column(self.position_feature)
        below = logged < 1  # NaN (no logged position) compares False
        if below.any():
            row = int(np.flatnonzero(below)[0])
            hint = (" (counted from 0? add 1 to every position)" if float(np.nanmin(logged)) == 0
                    else "")
            raise RecstackError(
                f"{where}: the feature {self.position_feature!r} holds {float(logged[row]):g} "
                f"at row {row}, but logged positions are 1-based (1 = the top), as "
                f"serving_position = {self.serving_position!r} is{hint}")

    def _check_serving_within_logged(self, where: str,
                                     logged: tuple[str, float, float] | None) -> None:
        """Refuse a ``serving_position`` outside the positions of the training frame
        (``logged``: the position feature and its smallest and largest logged value, from
        :func:`logged_position_range`): every candidate was scored at a place the ranker
        never saw, silently; a linear or neural ranker extrapolated its position effect
        (serving_position = 50 after a log of positions 1..5), a tree ranker read it as the
        last logged one."""
        if self.serving_position is None or logged is None:
            return
        feature, low, high = logged
        if feature != self.position_feature or low <= float(self.serving_position) <= high:
            return
        raise ConfigError(
            f"{where}: serving_position = {self.serving_position!r} is outside the positions "
            f"the ranker learned from (its training frame's {feature!r} runs from {low:g} to "
            f"{high:g}), so every candidate would be scored at a place it never saw (a tree "
            f"ranker reads it as {low if float(self.serving_position) < low else high:g}, "
            f"the others extrapolate); give a serving_position from {low:g} to {high:g}"
            + (" (1, the top, is usual)" if low <= 1 else ""))

    def _validation_unused(self) -> str | None:
        """Why ``fit(..., validation=...)`` would not read the rows under the current
        hyperparameters (a ranker without early stopping, or with it turned off), ending
        with what to do; None when they are read (the default)."""
        return None

    # ------------------------------------------------------------------ what each ranker writes
    @abstractmethod
    def _fit(self, frame: FeatureFrame, labels: np.ndarray, weights: np.ndarray | None,
             validation: tuple[FeatureFrame, np.ndarray] | None,
             progress: Progress | None) -> None: ...

    @abstractmethod
    def _score(self, frame: FeatureFrame) -> np.ndarray: ...

    @abstractmethod
    def _save_files(self, folder: Path) -> dict[str, Any]:
        """Write the learned state into ``folder``; return JSON-able facts to keep."""

    @abstractmethod
    def _load_files(self, folder: Path, state: dict[str, Any]) -> None:
        """Restore what :meth:`_save_files` wrote (``state`` is what it returned)."""

    # ------------------------------------------------------------------ helpers
    def _refuse_changed_params(self, doing: str) -> None:
        """Refuse hyperparameters set to other values since fit: the learned model follows
        the values of fit, so score would silently ignore the new ones and save would write
        them beside weights they do not fit (a folder load_ranker refuses). The position
        hyperparameters are read by score itself and :data:`RUNTIME_PARAMS` only say where
        it runs: they may change (the position ones are checked here as fit checks them)."""
        fitted = getattr(self, "fitted_params_", None)
        if fitted is None:
            return
        now = self.get_params()
        as_given = {name: tuple(value) if isinstance(value, list) else value
                    for name, value in now.items()}
        # compared in the one canonical form the models use (a tuple and a list of the same
        # values, a numpy number and its Python number, are the same setting): a list set
        # where fit saw a tuple was refused as "changed"
        changed = [f"{name}={fitted[name]!r} at fit, now {as_given[name]!r}"
                   for name in self.params
                   if name not in POSITION_PARAMS and name not in RUNTIME_PARAMS
                   and canonical_value(now[name]) != canonical_value(fitted.get(name))]
        if changed:
            raise ConfigError(f"{self.name}: {'; '.join(changed)}; the ranker was trained "
                              f"with the values of fit, so {doing} cannot use the new ones: "
                              "fit again to train with them, or set them back")
        for name in POSITION_PARAMS:
            self.params[name].check(self.name, name, getattr(self, name),
                                    self._as_written(name))
        self._check_position(self.schema_)
        # a serving position set after fit, checked against the logged ones as fit checks it
        self._check_serving_within_logged(f"{self.name}.{doing}",
                                          getattr(self, "logged_positions_", None))

    def _check_position(self, schema: FeatureSchema) -> None:
        if self.serving_position is None:
            return
        problem = schema.missing_numeric(self.position_feature)
        if problem is not None:
            # a hyperparameter that cannot be used: ConfigError, as for every other one
            raise ConfigError(
                f"{self.name}: serving_position={self.serving_position!r} but {problem}; add "
                "the logged position as a numeric feature, name it in position_feature, or "
                "set serving_position=None")


#: hyperparameters that say where or how fast a fitted ranker runs, not what it learned:
#: they may change between fit and score (a ranker trained on a GPU, scored on a CPU)
RUNTIME_PARAMS = frozenset({"device", "n_jobs"})

#: losses that compare the rows of a group: they learn nothing from a group whose rows all
#: have one label
GROUP_LOSSES = frozenset({"lambdarank", "bpr", "ranknet", "hinge", "softmax"})


def logged_position_range(frame: FeatureFrame, feature: Any
                          ) -> tuple[str, float, float] | None:
    """``(feature, smallest, largest)`` of the numeric feature ``feature`` (the logged
    position) over the rows of ``frame`` that hold one; None when the frame has no such
    feature or no row holds a value. Recorded at fit (``logged_positions_``) and saved,
    so that a serving position is checked against what the ranker learned from."""
    if not isinstance(feature, str) or feature not in [f.name for f in frame.schema.numeric]:
        return None
    logged = frame.column(feature)
    logged = logged[np.isfinite(logged)]
    if not logged.size:
        return None
    return feature, float(logged.min()), float(logged.max())


def logit_probability(logits: Any) -> np.ndarray:
    """:math:`\\sigma(z) = 1 / (1 + e^{-z})` in float64 (scipy's ``expit``: no overflow
    warning for large negative logits, 0 only below about -745). The result stays float64:
    cast to float32 it is exactly 1.0 from a logit of about 17 on."""
    from scipy import special

    return np.asarray(special.expit(np.asarray(logits, dtype=np.float64)), dtype=np.float64)


def check_frame(frame: Any, where: str) -> None:
    """Refuse anything but a :class:`FeatureFrame` (e.g. a DataFrame or an array)."""
    if not isinstance(frame, FeatureFrame):
        raise RecstackError(f"{where}: expected a FeatureFrame (recstack.pipeline.schema), "
                            f"got {type(frame).__name__}")


def check_learnable(frame: FeatureFrame, labels: np.ndarray, where: str,
                    loss: str | None, weights: np.ndarray | None = None) -> None:
    """Refuse labels a ranker cannot learn an order from: a single value on every row, or,
    for a loss that compares rows within a group, no group whose rows differ (e.g. groups
    of one row each). Either way the fit would return a constant or untrained scorer.

    Rows whose ``weights`` entry is 0 take no part in the loss, so only the others count
    (every positive weighted 0 is the same as no positive)."""
    first = labels if labels.ndim == 1 else labels[:, 0]
    groups = frame.groups
    among = ""
    if weights is not None and not (weights > 0).all():
        counted = weights > 0  # check_weights leaves at least one
        if labels.ndim == 2 and not (counted & ~np.isnan(labels[:, 1])).any():
            # the second column's loss (the multitask ranker's ratings) sees no row
            raise RecstackError(f"{where}: every row with a rating (labels[:, 1] not NaN) "
                                "has sample_weight 0, so the rating head would learn "
                                "nothing; give some rated rows a positive weight")
        first, groups = first[counted], groups[counted]
        among = (f" among the {int(counted.sum())} rows whose sample_weight is > 0 (the "
                 f"other {int((~counted).sum())} take no part in the loss)")
    positive = first > 0
    # a pointwise loss sees labels > 0 as positives, so grades 1 and 2 alone are one class
    one_class = (first.min() == first.max() if loss in GROUP_LOSSES
                 else positive.all() or not positive.any())
    if one_class:
        described = (f"every label is {first[0]:g}" if first.min() == first.max()
                     else "every label is > 0 (a positive)")
        raise RecstackError(f"{where}: {described}{among}, so there is nothing to learn; the "
                            "training rows need positives and negatives (labels > 0 and 0)")
    if loss not in GROUP_LOSSES:
        return
    starts = group_starts(groups)
    varied = np.maximum.reduceat(first, starts) > np.minimum.reduceat(first, starts)
    if not varied.any():
        sizes = np.diff(np.r_[starts, len(first)])
        raise RecstackError(
            f"{where}: loss {loss!r} compares the rows of a group, but none of the "
            f"{len(starts)} groups (largest: {int(sizes.max())} row(s)) holds two different "
            f"labels{among}; give groups (frame.groups) with positives and negatives, or use "
            "a pointwise loss")


def check_some_feature_varies(frame: FeatureFrame, where: str,
                              weights: np.ndarray | None = None,
                              reads_missing: bool = False,
                              served_alike: tuple[str, Any] | None = None) -> None:
    """Refuse training rows on which no feature varies: every numeric feature missing on
    every row or one value wherever present, every categorical feature one code. A frame
    without features is refused for this reason; one whose features carry nothing was
    fitted anyway, and the PyTorch and logistic rankers scored every candidate alike
    without a word (LightGBM failed later, blaming min_child_samples). With
    ``reads_missing`` (a ranker that splits on missing values, LightGBM) a numeric feature
    missing on some rows only varies (missing or not); the others fill NaN with the
    training mean, the one value present. Rows whose ``weights`` entry is 0 take no part
    in the loss, so only the others count. ``served_alike`` names the feature that score
    replaces by one value for every row (the position feature, with ``serving_position``):
    it varies in training but not among the candidates scored, so it does not count."""
    numeric, categorical = frame.numeric, frame.categorical
    if weights is not None and not (weights > 0).all():
        numeric, categorical = numeric[weights > 0], categorical[weights > 0]
    if len(numeric) < 2:
        return  # one row varies nothing, and check_learnable needs two labels anyway
    described = []
    for j, feature in enumerate(frame.schema.numeric):
        column = numeric[:, j]
        missing = np.isnan(column)
        present = column[~missing]
        if served_alike is not None and feature.name == served_alike[0]:
            described.append(f"{feature.name!r} is replaced by serving_position = "
                             f"{served_alike[1]!r} for every candidate scored")
        elif missing.all():
            described.append(f"{feature.name!r} is missing on every row")
        elif present.min() != present.max() or (reads_missing and missing.any()):
            return
        elif missing.any():
            described.append(f"{feature.name!r} is {float(present[0]):g} wherever present "
                             f"(missing on {int(missing.sum())} rows, which this ranker fills "
                             "with the training mean, the same value)")
        else:
            described.append(f"{feature.name!r} is {float(column[0]):g} on every row")
    for j, feature in enumerate(frame.schema.categorical):
        column = categorical[:, j]
        if column.min() != column.max():
            return
        described.append(f"{feature.name!r} is code {int(column[0])} on every row")
    shown = "; ".join(described[:5]) + ("; ..." if len(described) > 5 else "")
    raise RecstackError(f"{where}: no feature varies across the {len(numeric)} training rows "
                        f"({shown}), so every candidate would get the same score; give "
                        "features that differ between rows")


def check_validation_pair(validation: object, where: str) -> None:
    """Refuse a ``validation`` argument that is not a ``(frame, labels)`` tuple, saying
    what was given: "must be a (frame, labels) pair" of ``[frame, labels]`` read as if the
    two were missing."""
    if isinstance(validation, tuple) and len(validation) == 2:
        return
    if isinstance(validation, FeatureFrame):
        given = "a FeatureFrame alone (its labels are missing)"
    elif isinstance(validation, list | tuple):
        kind = type(validation).__name__
        given = f"a {kind} of {len(validation)} item(s)"
        # a list is not taken as the pair: LightGBM's and XGBoost's eval_set is a list of
        # pairs, so [frame, labels] and [(frame, labels)] are both one habit away
        if isinstance(validation, list) and len(validation) == 2:
            given += "; write the pair as a tuple: validation=(frame, labels)"
        elif isinstance(validation, list) and len(validation) == 1 \
                and isinstance(validation[0], tuple):
            given += " (a list of pairs, as LightGBM's eval_set takes); give the pair " \
                     "itself: validation=(frame, labels)"
    else:
        given = f"a {type(validation).__name__}"
    raise RecstackError(f"{where}: validation must be a tuple (frame, labels), got {given}")


def check_validation_ranks(frame: FeatureFrame, labels: np.ndarray, where: str) -> None:
    """Refuse validation rows in which no group holds two different labels: the nDCG@10
    that early stopping follows is then undefined (no positive) or 1 whatever the scores
    (only positives), so training stopped after ``patience`` rounds (LightGBM after its
    first tree) without a word."""
    first = labels if labels.ndim == 1 else labels[:, 0]
    starts = group_starts(frame.groups)
    varied = np.maximum.reduceat(first, starts) > np.minimum.reduceat(first, starts)
    if not varied.any():
        described = ("no positive label (every label is 0)" if not (first > 0).any()
                     else "only groups whose rows all share one label")
        raise RecstackError(
            f"{where}: the {len(starts)} validation group(s) hold {described}, so their "
            "nDCG@10 cannot tell one model from another and early stopping would stop "
            "after its patience without learning; give validation groups (frame.groups) "
            "with positives and negatives, e.g. held-out requests of the training data")


def check_scores_finite(scores: np.ndarray, frame: FeatureFrame, where: str) -> None:
    """Refuse scores that came out NaN or infinite: features far beyond the training ones
    overflow a network's products (a cross layer multiplies a feature by itself), and a NaN
    score has no place in a ranking (sorting puts it anywhere)."""
    bad = ~np.isfinite(scores)
    if not bad.any():
        return
    row = int(np.flatnonzero(bad)[0])
    values = np.abs(np.nan_to_num(frame.numeric[row].astype(np.float64), nan=0.0))
    largest = ""
    if values.size:
        column = int(np.argmax(values))
        largest = (f"; its largest numeric feature is {frame.schema.numeric[column].name!r} "
                   f"= {float(frame.numeric[row, column]):.3g}")
    raise RecstackError(f"{where}: the output of row {row} (user {int(frame.users[row])}, "
                        f"item {int(frame.items[row])}) is {float(scores[row])} "
                        f"({int(bad.sum())} of {len(scores)} rows are not finite numbers)"
                        f"{largest}; give features on the scale of the training ones (e.g. "
                        "standardised as they were)")


def check_labels(frame: FeatureFrame, labels: Any, where: str, columns: int = 1,
                 names: tuple[str, ...] | None = None) -> np.ndarray:
    """``labels`` as float64, refused when the frame is empty, the length differs, or the
    (first) column holds NaN or infinities. ``columns`` = 2: a second column of ratings,
    where NaN means "no rating". A pandas DataFrame whose columns are named is read by
    name (``names``: the tasks of the columns, in order), see :func:`labels_by_name`."""
    check_frame(frame, where)
    if not len(frame):
        raise RecstackError(f"{where}: the feature frame has no rows; fit needs at least one "
                            "(user, candidate) row with a label")
    labels = labels_by_name(labels, names, where)
    refuse_complex(f"{where}: labels", labels, RecstackError)
    if columns > 1:
        _refuse_true_false_ratings(labels, where)
    try:
        values = np.asarray(labels, dtype=np.float64)
    except (TypeError, ValueError):
        # a DataFrame of nullable (Float64, Int64, pyarrow) columns holding pd.NA: read with
        # NaN there, as a Series of them is, so that a missing rating is "no rating" and a
        # missing interaction label is named by its row ("labels must be numbers" named
        # neither)
        with_missing = _missing_as_nan(labels)
        if with_missing is None:
            raise RecstackError(f"{where}: labels must be numbers") from None
        values = with_missing
    shape = (len(frame),) if columns == 1 else (len(frame), columns)
    if values.shape != shape:
        extra = "" if columns == 1 else (" (column 0: interaction 0/1, column 1: rating, "
                                         "NaN where none)")
        raise RecstackError(f"{where}: labels have shape {values.shape}, the frame has "
                            f"{len(frame)} rows; expected shape {shape}{extra}")
    first = values if columns == 1 else values[:, 0]
    bad = ~np.isfinite(first)
    if bad.any():
        raise RecstackError(f"{where}: {int(bad.sum())} label(s) are NaN or infinite, first at "
                            f"row {int(np.flatnonzero(bad)[0])}; every row needs a label")
    if (first < 0).any():
        raise RecstackError(f"{where}: labels must be >= 0 (interaction 1/0 or a graded "
                            f"relevance), row {int(np.flatnonzero(first < 0)[0])} has "
                            f"{first[first < 0][0]:g}")
    if columns > 1 and np.isinf(values[:, 1:]).any():
        # named by row, as an interaction label is (the message named neither the row nor
        # the value, in a column of thousands)
        infinite = np.flatnonzero(np.isinf(values[:, 1:]).any(axis=1))
        row = int(infinite[0])
        raise RecstackError(f"{where}: {counted(len(infinite), 'rating')} (labels column 1) "
                            f"{'is' if len(infinite) == 1 else 'are'} infinite, first at row "
                            f"{row} ({values[row, 1]:g}); a rating must be a finite number, "
                            "or NaN where the row has none")
    return values


def _refuse_true_false_ratings(labels: Any, where: str) -> None:
    """Refuse true/false in the rating columns (1, 2...) of a multitask ranker's labels. The
    pipeline's one rule for true/false: an outcome (a label, a click, a reward) may be
    true/false, read as 1/0; a value (a rating, a weight, a score, a probability) may not,
    as the data layer refuses it as an interaction's value. A true/false rating is the
    clicks given in the ratings' place, and was learned as ratings 1 and 0, silently."""
    import pandas as pd

    if isinstance(labels, pd.DataFrame):
        columns = [labels.iloc[:, j] for j in range(1, labels.shape[1])]
        cells = [c.to_numpy(dtype=object) if c.dtype == object or str(c.dtype) in
                 ("bool", "boolean", "bool[pyarrow]") else None for c in columns]
    else:
        try:
            array = np.asarray(labels)
        except (TypeError, ValueError):
            return  # ragged rows and the like: the conversion that follows names them
        if array.ndim != 2 or array.dtype.kind not in "bO":
            return
        cells = [array[:, j] for j in range(1, array.shape[1])]
    for j, column in enumerate(cells, start=1):
        if column is None:
            continue
        flags = np.fromiter((isinstance(v, bool | np.bool_) for v in column), bool,
                            count=len(column))
        if flags.any():
            row = int(np.argmax(flags))
            raise RecstackError(
                f"{where}: ratings (labels column {j}) hold true/false values (row {row} "
                f"holds {shown(column[row])}); true/false is an outcome (column 0, the "
                "interaction, takes it as 1/0), not a rating: give the ratings as numbers, "
                "NaN where a row has none")


def labels_by_name(labels: Any, names: tuple[str, ...] | None, where: str) -> Any:
    """The columns of a pandas DataFrame of labels put in the order of ``names`` (the
    ranker's tasks), read by their names: a DataFrame named ``rating, interaction`` was read
    by position, each task learning from the other's labels, silently. A name that is not a
    task, a task missing, or a name given twice is refused, naming them and the expected
    names. Columns left unnamed (pandas numbers them 0, 1...) and plain arrays are read by
    position, as before."""
    import pandas as pd

    if names is not None:
        # a pyarrow Table's columns were read by numpy in the table's own order
        labels = arrow_table_as_pandas(labels)
    if names is None or not isinstance(labels, pd.DataFrame):
        return labels
    given = list(labels.columns)
    if given == list(range(len(given))):  # unnamed: pandas numbered them
        return labels
    expected = ", ".join(map(repr, names))
    unknown = [c for c in given if c not in names]
    if unknown:
        # a misspelt task gets the nearest one, as a misspelt feature or parameter does
        missing = [n for n in names if n not in given]
        hint = did_you_mean(unknown[0], missing or names) if isinstance(unknown[0], str) else ""
        raise RecstackError(f"{where}: labels column(s) {', '.join(map(repr, unknown))} "
                            f"name no task of this ranker{hint}; name the DataFrame's columns "
                            f"{expected} (or pass an array: columns in that order)")
    twice = sorted({c for c in given if given.count(c) > 1})
    missing = [n for n in names if n not in given]
    if twice or missing:
        described = (f"{', '.join(map(repr, twice))} given twice" if twice
                     else f"no column {', '.join(map(repr, missing))}")
        raise RecstackError(f"{where}: labels have {described}; expected one column each "
                            f"of {expected}")
    return labels[list(names)]


def check_weights(frame: FeatureFrame, sample_weight: Any, where: str) -> np.ndarray | None:
    """``sample_weight`` as float64 (None stays None), refused unless one finite
    non-negative weight per row within float32's range (0 or 1.4e-45 to 3.4e38), not all
    zero."""
    if sample_weight is None:
        return None
    refuse_complex(f"{where}: sample_weight", sample_weight, RecstackError)
    # true/false read as weights 1 and 0: a mask (or the labels) given in their place
    refuse_booleans(f"{where}: sample_weight", sample_weight, RecstackError,
                    wanted="one weight >= 0 per row (a mask m as m.astype(float))")
    try:
        weights = np.asarray(sample_weight, dtype=np.float64)
    except (TypeError, ValueError):
        raise RecstackError(f"{where}: sample_weight must be numbers") from None
    if weights.shape != (len(frame),):
        raise RecstackError(f"{where}: sample_weight has shape {weights.shape}, the frame "
                            f"has {len(frame)} rows")
    if not np.isfinite(weights).all() or (weights < 0).any():
        row = int(np.flatnonzero(~(np.isfinite(weights) & (weights >= 0)))[0])
        raise RecstackError(f"{where}: sample_weight must be finite and >= 0; row {row} has "
                            f"{weights[row]}")
    with np.errstate(over="ignore"):
        total = weights.sum()
    if not total > 0:
        raise RecstackError(f"{where}: every sample_weight is 0")
    if not np.isfinite(total):
        # the loss's sums overflow: the fit degenerates (e.g. every score 0.5) silently
        raise RecstackError(f"{where}: sample_weight adds up beyond the float range "
                            f"(largest {weights.max():.3g}); scale the weights, e.g. to a "
                            "mean of 1")
    # LightGBM and the PyTorch rankers train on float32 weights: a weight above its range
    # became infinite (the fit failed as "no split" or "lower the learning rate"), and a
    # positive one below its smallest number became 0 (the row silently left out)
    limit, tiny = float(np.finfo(np.float32).max), float(np.finfo(np.float32).smallest_subnormal)
    lost = (weights > limit) | ((weights > 0) & (weights < tiny))
    if lost.any():
        row = int(np.flatnonzero(lost)[0])
        raise RecstackError(f"{where}: sample_weight {weights[row]:.3g} at row {row} is outside "
                            f"float32's range ({tiny:.3g} to {limit:.3g}) that the rankers "
                            "train in; scale the weights, e.g. to a mean of 1")
    return weights


def model_feature_names(schema: FeatureSchema) -> list[str]:
    """The features in the order a ranker's model reads them: numerics then categoricals
    (what a model file records, to be checked against ``ranker.json`` at load)."""
    return [f.name for f in schema.numeric] + [f.name for f in schema.categorical]


def check_model_features(saved: list[str] | None, listed: list[str], file: Path) -> None:
    """Refuse a ``ranker.json`` whose feature schema (``listed``: its
    :func:`model_feature_names`) names other features, or the same in another order, than
    the model ``file`` was fitted on (``saved``): edited by hand (its checksum made to
    match), each column was read as another feature's, silently. ``saved`` None: a file
    written before the names were recorded (nothing to check)."""
    if saved is None:
        return
    if list(saved) != list(listed):
        raise RecstackError(f"{file}: the model's features are {', '.join(saved) or 'none'}, "
                            f"the feature schema of ranker.json lists "
                            f"{', '.join(listed) or 'none'}; the metadata was edited: save "
                            "the ranker again")


def check_model_cardinalities(saved: list[int] | None, schema: FeatureSchema,
                              file: Path) -> None:
    """Refuse a ``ranker.json`` whose categorical features give other cardinalities than the
    model was fitted with (``saved``, in the order of ``schema.categorical``): edited by hand
    to more levels (its checksum made to match), the model was accepted though it never saw
    the extra ones. ``saved`` None: a ranker saved before they were recorded."""
    if saved is None:
        return
    declared = [f.cardinality for f in schema.categorical]
    if [int(c) for c in saved] != declared:
        def levels(values: list[Any]) -> str:
            return ", ".join(f"{f.name!r}: {v}" for f, v in zip(schema.categorical, values,
                                                                 strict=False)) or "none"
        raise RecstackError(f"{file}: the model was fitted on categorical features of "
                            f"{levels(list(saved))} levels, the feature schema of ranker.json "
                            f"gives {levels(declared)}; the metadata was edited: save the "
                            "ranker again")


def check_input_scaling(means: Any, scales: Any, schema: FeatureSchema, file: Path) -> None:
    """Refuse ``means`` and ``scales``, the standardisation a saved ranker applies to its
    numeric features (``(x - mean) / scale``, NaN filled with the mean), unless each holds
    one real number per numeric feature of ``schema``, every mean finite and every scale
    above 0 (an infinite scale: a feature constant in training, which the ranker ignores).
    Read from a model ``file`` edited by hand (its checksum made to match), a scale of 0
    made every score 0 or 1 with a RuntimeWarning, a negative one turned the feature's
    effect around, a NaN one was told at score time as features "on another scale than
    the training ones", a short array was broadcast over the features and text failed in
    numpy with a traceback: all without naming the file."""
    names = [f.name for f in schema.numeric]
    arrays = []
    for what, values in (("means", means), ("scales", scales)):
        array = np.asarray(values)
        if array.dtype.kind not in "fiu" or array.shape != (len(names),):
            kind = "numbers" if array.dtype.kind in "fiu" else f"{array.dtype} values"
            raise RecstackError(f"{file}: the input {what} are {kind} of shape {array.shape}, "
                                f"expected {len(names)} numbers, one per numeric feature of "
                                "ranker.json; the file was edited or is damaged: save the "
                                "ranker again")
        arrays.append(array.astype(np.float64))
    means, scales = arrays  # checked as float64; the ranker keeps its own dtype
    bad_mean = ~np.isfinite(means)
    bad_scale = np.isnan(scales) | (scales <= 0)
    for what, bad, values, rule in (("mean", bad_mean, means, "a finite number"),
                                    ("scale", bad_scale, scales, "a number above 0")):
        if bad.any():
            column = int(np.argmax(bad))
            raise RecstackError(f"{file}: the input {what} of numeric feature "
                                f"{names[column]!r} is {float(values[column])!r}, where the "
                                f"ranker saved {rule}; the file was edited or is damaged: "
                                "save the ranker again")


def with_position(frame: FeatureFrame, feature: str, value: float) -> FeatureFrame:
    """A copy of ``frame`` whose numeric column ``feature`` is ``value`` on every row."""
    names = [f.name for f in frame.schema.numeric]
    numeric = frame.numeric.copy()
    numeric[:, names.index(feature)] = value
    return FeatureFrame(frame.schema, numeric, frame.categorical, frame.users, frame.items,
                        frame.groups, dict(frame.extra))


#: how far beyond the range of a numeric feature in training (in widths of that range,
#: past either end) a ranker that scales its features (logistic, neural) scores a value
RANGE_FACTOR = 10

#: the features of :class:`~recstack.pipeline.features.FeatureBuilder` that count the days
#: from an event to the cutoff the features are computed at. Their training range ends where
#: the training window does, by construction: the examples are the label window's users, so
#: active ones (``user_days_since`` ran 0.7 to 37 days on the synthetic data), while serving
#: scores every user at the end of the log (a user gone for two years: 711 days). A value
#: past the top of the band is then expected, not a mistake in the frame, and is clipped
#: without a :class:`FarFeatureWarning` the user could do nothing about (a table column of
#: the same name is refused by the builder, so the names are the builder's own).
ELAPSED_DAYS_FEATURES = frozenset({"user_days_since", "item_age_days"})

#: the most days between two times recstack accepts (the years 1 to 9999): an elapsed-days
#: value above it cannot be days (seconds or milliseconds given instead) and is still told
MAX_ELAPSED_DAYS = (LAST_SECOND - FIRST_SECOND) / 86_400.0


def training_ranges(numeric: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each numeric column's smallest and largest present value in training (float64);
    NaN for a column without any (every row missing), which is then never checked."""
    numeric = np.asarray(numeric, dtype=np.float64)
    present = ~np.isnan(numeric)
    any_present = present.any(axis=0)
    lows = np.where(present, numeric, np.inf).min(axis=0, initial=np.inf)
    highs = np.where(present, numeric, -np.inf).max(axis=0, initial=-np.inf)
    return (np.where(any_present, lows, np.nan), np.where(any_present, highs, np.nan))


class FarFeatureWarning(UserWarning):
    """A numeric feature value far beyond the ranker's training range was scored as the
    edge of the band the ranker scores (see :func:`clip_to_training_band`)."""


def clip_to_training_band(frame: FeatureFrame, lows: np.ndarray, highs: np.ndarray,
                          where: str) -> FeatureFrame:
    """``frame`` with each numeric feature value more than :data:`RANGE_FACTOR` widths of
    its training range beyond either end of it set to that edge of the band (``low -
    RANGE_FACTOR * width`` or ``high + RANGE_FACTOR * width``), with one
    :class:`FarFeatureWarning` per call naming the first such value, its row and the
    training range, and how many values were clipped. A column constant or missing in
    training (width 0) is left as it is: the ranker ignores it.

    Why clip rather than refuse: the score of such a value means nothing (a value such as
    1e30, a unit mix-up or a raw count where a logarithm was learned, made the logistic
    ranker's sigmoid 0 or 1 for every candidate, so the list fell back to the candidates'
    order without a word, and the neural rankers extrapolated their layers into numbers no
    training row reached, a cross layer overflowing into NaN). Refusing the frame instead
    made every request holding one such candidate fail (one viral item whose popularity
    count grew past the training range took every list it was in down with it); clipped,
    the far value ranks as the most extreme value the ranker scores, the other candidates
    keep their own scores, and the request is served, with the warning saying what was
    clipped. Values inside the band are scored unchanged.

    A value above the band of an :data:`ELAPSED_DAYS_FEATURES` feature (days since a user's
    last interaction, an item's age) is clipped without the warning: the training window
    bounds their range, so a user inactive since long before it is expected at serving and
    warned of on every request of an offline evaluation, which the user could not act on.
    Such a value above :data:`MAX_ELAPSED_DAYS` (no number of days: a unit mix-up) or below
    the band (a negative time) is still told, as is every other feature's."""
    lows, highs = np.asarray(lows, np.float64), np.asarray(highs, np.float64)
    if not len(frame) or not lows.size:
        return frame
    widths = highs - lows
    checked = np.isfinite(widths) & (widths > 0)
    if not checked.any():
        return frame
    numeric = frame.numeric.astype(np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        floor = lows - RANGE_FACTOR * widths
        ceiling = highs + RANGE_FACTOR * widths
        below = (numeric < floor) & checked
        above = (numeric > ceiling) & checked
    beyond = below | above
    if not beyond.any():
        return frame
    elapsed = np.array([f.name in ELAPSED_DAYS_FEATURES for f in frame.schema.numeric])
    expected = above & elapsed & (numeric <= MAX_ELAPSED_DAYS)
    told = beyond & ~expected
    if told.any():
        row, column = (int(i) for i in np.argwhere(told)[0])
        name = frame.schema.numeric[column].name
        value = float(numeric[row, column])
        edge = float(floor[column] if below[row, column] else ceiling[column])
        count = int(told.sum())
        features = int(told.any(axis=0).sum())
        others = (f" (in {features} features)" if features > 1 else f" (all in {name!r})")
        # the expected ones were clipped too: said, so that the count is not read as all
        also = (f" (and {counted(int(expected.sum()), 'elapsed-days value')} past the "
                "training window, as expected)" if expected.any() else "")
        warnings.warn(FarFeatureWarning(
            f"{where}: numeric feature {name!r} is {value:.6g} at row {row} (user "
            f"{int(frame.users[row])}, item {int(frame.items[row])}), far beyond the values "
            f"the ranker learned from ({lows[column]:.6g} to {highs[column]:.6g} in "
            f"training), so it was scored as {edge:.6g}, the edge of the band the ranker "
            f"scores ({floor[column]:.6g} to {ceiling[column]:.6g}: {RANGE_FACTOR} times the "
            f"range's width past either end); {count} of the frame's {beyond.size} numeric "
            f"values were clipped so{others}{also}; give the feature in the units and "
            "transform of the training frame, or leave the value missing (NaN: the "
            "training mean)"), stacklevel=4)
    clipped = np.where(below, floor, np.where(above, ceiling, numeric))
    numeric_out = frame.numeric.copy()
    numeric_out[beyond] = clipped[beyond]
    return FeatureFrame(frame.schema, numeric_out, frame.categorical, frame.users,
                        frame.items, frame.groups, dict(frame.extra))


def check_saved_ranges(lows: Any, highs: Any, schema: FeatureSchema, file: Path) -> None:
    """Refuse saved training ranges (:func:`training_ranges`) that are not one number per
    numeric feature of ``schema`` each: the file was edited or is damaged."""
    names = [f.name for f in schema.numeric]
    for what, values in (("lows", lows), ("highs", highs)):
        array = np.asarray(values)
        if array.dtype.kind not in "fiu" or array.shape != (len(names),):
            raise RecstackError(f"{file}: the saved training range {what} are of shape "
                                f"{array.shape} ({array.dtype}), expected {len(names)} "
                                "numbers, one per numeric feature of ranker.json; the file "
                                "was edited or is damaged: save the ranker again")


def training_means(numeric: np.ndarray) -> np.ndarray:
    """Each numeric column's mean over its present values (float64), the value a ranker
    imputes for NaN; 0 for a column without any (every row missing). Counted directly:
    numpy's nanmean printed "RuntimeWarning: Mean of empty slice" to the user for such a
    column."""
    numeric = np.asarray(numeric, dtype=np.float64)
    present = ~np.isnan(numeric)
    counts = present.sum(axis=0)
    totals = np.where(present, numeric, 0.0).sum(axis=0)
    return np.divide(totals, counts, out=np.zeros(numeric.shape[1]), where=counts > 0)


def group_starts(groups: np.ndarray) -> np.ndarray:
    """Index of the first row of each group (rows of a group are contiguous)."""
    return np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])


def grouped_ndcg(scores: np.ndarray, labels: np.ndarray, groups: np.ndarray,
                 k: int = 10) -> float:
    r"""Mean nDCG@k over the groups with a positive label (validation of the rankers).

    .. math:: \mathrm{nDCG@k} = \frac{\sum_{r=1}^{k} (2^{\ell_r} - 1) / \log_2(r + 1)}
                                     {\sum_{r=1}^{k} (2^{\ell^*_r} - 1) / \log_2(r + 1)}

    with :math:`\ell_r` the label at rank r by score (ties: the earlier row first) and
    :math:`\ell^*` the labels sorted descending. Vectorised over groups.

    Scores and labels must be finite numbers, labels >= 0 (grades), and the rows of a
    group contiguous (as in a :class:`FeatureFrame`): a group split in two was counted as
    two groups, a NaN score ranked as the lowest and a NaN label made the mean NaN, all
    without a word.
    """
    where = "grouped_ndcg"
    scores = as_float_array(where, "scores", scores, ndim=None, error=RecstackError)
    labels = as_float_array(where, "labels", labels, ndim=None, error=RecstackError)
    groups = np.asarray(groups)
    if not scores.shape == labels.shape == groups.shape or scores.ndim != 1:
        raise RecstackError(f"grouped_ndcg: scores {scores.shape}, labels {labels.shape} and "
                            f"groups {groups.shape} must be 1-D arrays of one length")
    k = exact_as_int(k)  # a whole Decimal or Fraction: its int
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise RecstackError(f"grouped_ndcg: k must be a positive integer, got {shown(k)}")
    if (labels < 0).any():
        row = int(np.argmax(labels < 0))
        raise RecstackError(f"grouped_ndcg: labels must be >= 0 (graded relevance), row {row} "
                            f"has {float(labels[row]):g}")
    if len(groups) and not _contiguous(groups):
        raise RecstackError(_split_group_message(groups).replace("feature frame: ",
                                                                 "grouped_ndcg: ", 1))
    return _grouped_ndcg(scores, labels, groups, k)


def _grouped_ndcg(scores: np.ndarray, labels: np.ndarray, groups: np.ndarray,
                  k: int = 10) -> float:
    """:func:`grouped_ndcg` of arrays it has checked (the PyTorch rankers' early stopping
    reads the scores of a network that may have diverged: that is told by the fit)."""
    if not len(scores):
        return float("nan")
    starts = group_starts(groups)
    sizes = np.diff(np.r_[starts, len(groups)])
    group_of = np.repeat(np.arange(len(starts)), sizes)
    # rank within group by score: sort by (group, -score, row)
    order = np.lexsort((np.arange(len(scores)), -scores, group_of))
    ideal = np.lexsort((-labels, group_of))
    rank = np.arange(len(scores)) - np.repeat(starts, sizes)  # 0-based position in group
    discount = np.where(rank < k, 1.0 / np.log2(rank + 2.0), 0.0)
    # each group's gains divided by 2^(its largest label), which leaves its nDCG as it is:
    # 2^l for a grade l >= 1024 overflows, and inf / inf made the mean NaN
    top = np.maximum(np.maximum.reduceat(labels.astype(np.float64), starts), 0.0)[group_of]
    dcg = np.bincount(group_of, (np.exp2(labels[order] - top) - np.exp2(-top)) * discount,
                      len(starts))
    idcg = np.bincount(group_of, (np.exp2(labels[ideal] - top) - np.exp2(-top)) * discount,
                       len(starts))
    kept = idcg > 0
    return float(np.mean(dcg[kept] / idcg[kept])) if kept.any() else float("nan")

