r"""Calibrators: maps from a model's scores to probabilities that mean what they say, fitted
on held-out data, and the measurements that say whether they do.

Every calibrator has ``fit(scores, labels)`` (returns ``self``), ``predict(scores)``
(float64 probabilities) and a JSON form (``to_json`` / :func:`calibrator_from_json`,
:meth:`Calibrator.save` / :func:`load_calibrator`: plain JSON, never pickle). A saved file
records the SHA-256 of its content in its ``sha256`` field, taken as a model's
``model.json`` takes its own (:mod:`recstack.models.persistence`: the canonical JSON, keys
sorted, no whitespace, ASCII, without that field), so a value edited by hand or damaged
after saving is refused by name rather than loaded. A file without the field (saved before
it was recorded, or written by hand from the documented JSON form) loads unchecked, as
before. (A checksum, not a signature: whoever can write the file can recompute it.)

**Fit on held-out data.** A calibrator learns how the model's scores relate to outcomes
the model has not seen; on the model's own training data the scores are over-confident
(the model fitted those labels), so the correction learned there is wrong. Fit on a
validation split (e.g. later events, or users held out of the ranker's training) and
measure on a third.

================================  ================  =====================================
calibrator                        input             map
================================  ================  =====================================
:class:`PlattCalibrator`          any score         :math:`\sigma(a s + b)`
:class:`IsotonicCalibrator`       any score         a non-decreasing step function (PAV)
:class:`TemperatureCalibrator`    logits            :math:`\sigma(z / T)`
:class:`HistogramCalibrator`      any score         the positive rate of the score's bin
:class:`DownsamplingCorrection`   probabilities     :math:`p / (p + (1 - p) / w)`
================================  ================  =====================================

All five are non-decreasing in the score, so none changes a ranking's AUC (Platt,
temperature and the correction are strictly increasing; isotonic and histogram binning
can tie scores that were apart, which may only change the AUC through ties, and the
isotonic fit is strictly increasing wherever the data allow).

:class:`CalibratedScorer` wraps a fitted model or ranker with a calibrator.

Measurements: :func:`reliability_table` (a reliability diagram's data),
:func:`calibration_by_segment` (ECE and calibration ratio overall and per user-activity or
item-popularity bucket, :func:`activity_buckets`), on top of
:func:`recstack.metrics.expected_calibration_error` and
:func:`recstack.metrics.calibration_ratio`.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import math
import numbers
import re
import sys
import warnings
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from os import PathLike
from pathlib import Path
from typing import Any, ClassVar, Self

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from recstack.atomic import checked_output, write_text
from recstack.data.interactions import caller_stacklevel, refuse_ragged
from recstack.errors import (
    ConfigError,
    RecstackError,
    counted,
    digit_count,
    shown,
    shown_given,
)
from recstack.metrics._validation import (
    MetricInputError,
    beyond_float,
    check_aligned,
    exact_as_float,
    exact_as_int,
)
from recstack.metrics.classification import (
    calibration_ratio,
    expected_calibration_error,
    one_class_said_once,
    quantile_edges,
    reliability_curve,
)
from recstack.models.base import REQUIRED, _unknown_params_message
from recstack.pipeline._paths import (
    refuse_missing_folder,
    refuse_unreadable_file,
    refuse_unwritable_file,
)
from recstack.pipeline.bandit_checks import (
    PAD_OR_SPLIT_ROWS,
    first_true_false,
    misspelt_attribute,
    percentage_hint,
    refuse_booleans,
    refuse_complex,
)
from recstack.specs import did_you_mean, finite_or_infinite, number_spelling_hint
from recstack.strict_json import (
    RepeatedKeyError,
    json_syntax_problem,
    read_json_text,
    refuse_endless_integer,
    refuse_repeated_keys,
)

__all__ = ["CalibratedScorer", "CalibrationError", "Calibrator", "DownsamplingCorrection",
           "HistogramCalibrator", "IsotonicCalibrator", "PlattCalibrator",
           "ScoreScaleWarning", "TemperatureCalibrator", "activity_buckets",
           "calibration_by_segment", "calibrator_from_json", "load_calibrator", "reliability_table"]

_FORMAT = "recstack-calibrator"
#: the saved range of the fitted scores (files written before it lack it: no warning then)
_SCORE_RANGE = "score_range"
#: the field of a saved file holding the SHA-256 of the rest of it (see the module docstring)
_CHECKSUM = "sha256"
_HEX_DIGEST = re.compile(r"[0-9a-f]{64}")
_REGISTRY: dict[str, type[Calibrator]] = {}


class ScoreScaleWarning(UserWarning):
    """Most of the scores given to :meth:`Calibrator.predict` lie outside the range of the
    scores the calibrator was fitted on: scores of another model, or of the same model on
    another scale (logits beside probabilities, a retrained model), which the learned map
    sends to its flat ends (all 0 or all 1) without a word."""


class CalibrationError(RecstackError, ValueError):
    """Calibration data or inputs that a calibrator cannot use."""


def _register(cls: type[Calibrator]) -> type[Calibrator]:
    _REGISTRY[cls.name] = cls
    return cls


class Calibrator(ABC):
    """Base class: checks inputs once, here, for every calibrator.

    A calibrator's constructor takes its ``options`` by keyword; an unknown keyword (with a
    near-miss suggestion), a positional argument or a missing required option is a
    :class:`~recstack.errors.ConfigError` naming the calibrator and its options.
    """

    name: ClassVar[str]
    #: the constructor's keyword options and their defaults (``REQUIRED``: none)
    options: ClassVar[dict[str, Any]] = {}
    #: what the calibrator maps: "score" (any real), "logit" or "probability" ([0, 1])
    takes: ClassVar[str] = "score"
    #: whether fit learns from labels (the downsampling correction does not)
    learns: ClassVar[bool] = True

    def __init__(self, *args: Any, **options: Any) -> None:
        where, known = type(self).__name__, ", ".join(self.options) or "none"
        if args:
            raise ConfigError(f"{where}: options are given by keyword (its options: "
                              f"{known}), got {len(args)} positional argument(s) {args!r}")
        unknown = [name for name in options if name not in self.options]
        if unknown:
            raise ConfigError(_unknown_params_message(where, unknown, self.options))
        missing = [name for name, default in self.options.items()
                   if default is REQUIRED and name not in options]
        if missing:
            raise ConfigError(f"{where}: missing option(s) {', '.join(missing)}; its "
                              f"options: {known}")
        for name, default in self.options.items():
            setattr(self, name, options.get(name, default))

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in self.options and (problem := misspelt_attribute(self, name,
                                                                       self.options)):
            # ``calibrator.n_bin = 20`` was stored beside the options and silently ignored
            # (the calibrator fitted with its default), where a model refuses it
            raise ConfigError(problem)
        super().__setattr__(name, value)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # help() and inspect show the options rather than *args, **options
        cls.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
            [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default)
             for name, default in cls.options.items()])

    def fit(self, scores: ArrayLike, labels: ArrayLike) -> Self:
        """Learn the map from held-out ``scores`` and their 0/1 ``labels``; returns self.

        Raises
        ------
        CalibrationError
            Empty data, lengths that differ, labels other than 0/1, non-finite scores,
            probabilities outside [0, 1] (for probability inputs), or labels of a single
            class (nothing to calibrate against: the map would be a constant).
        """
        self._check_params()
        check_aligned(("scores", scores), ("labels", labels), error=CalibrationError,
                      where=f"{self.name}: ")
        x = self._inputs(scores, "scores")
        y = _labels(labels, len(x), where=f"{self.name}: ", paired_values=x,
                    order="the order is fit(scores, labels)")
        if self.learns:
            positives = int(y.sum())
            if positives in (0, len(y)):
                raise CalibrationError(
                    f"{self.name}: the calibration data hold only label {int(y[0])} "
                    f"({counted(len(y), 'row')}); a calibrator needs both outcomes, so give "
                    "held-out data with positives and negatives")
            self._fit(x, y)
            if self.takes == "score":
                # kept to tell, at predict, scores of another scale from the fitted ones
                # (logits and probabilities have a scale of their own: 0 is even odds)
                self.score_range_ = (float(x.min()), float(x.max()))
        self.fitted_ = True
        self.fitted_options_ = {name: getattr(self, name) for name in self.options}
        return self

    def predict(self, scores: ArrayLike) -> np.ndarray:
        """Calibrated probabilities of ``scores`` (float64, same shape, in [0, 1])."""
        if not getattr(self, "fitted_", False):
            raise CalibrationError(f"{self.name}: call fit() before predict()")
        self._check_unchanged("predict")
        # checked first: np.shape of ragged rows is a numpy ValueError
        flat = self._inputs(scores, "scores", allow_empty=True, any_shape=True)
        self._warn_of_another_scale(flat)
        return np.clip(self._predict(flat), 0.0, 1.0).reshape(np.shape(scores))

    def _warn_of_another_scale(self, flat: np.ndarray) -> None:
        """Warn when most of ``flat`` lies outside the fitted scores' range: scores drawn as
        the fitted ones were fall outside it about 2 times in n + 1 (n fitted scores), so
        more than half outside says another scale. A single score says nothing of a scale
        (one far score is an outlier, and a server predicts one at a time)."""
        fitted = getattr(self, "score_range_", None)
        if fitted is None or flat.size < 2:
            return
        low, high = fitted
        outside = int(((flat < low) | (flat > high)).sum())
        if 2 * outside > flat.size:
            warnings.warn(ScoreScaleWarning(
                f"{self.name}: {outside:,} of the {flat.size:,} scores (from "
                f"{float(flat.min()):.4g} to {float(flat.max()):.4g}) lie outside the range "
                f"of the scores it was fitted on ({low:.4g} to {high:.4g}), where the map "
                "learned nothing (a sigmoid saturates, a step function stays flat); are "
                "they another model's scores, or on another scale (logits for "
                "probabilities)? Fit the calibrator on held-out scores of the model and "
                "scale it serves"), stacklevel=caller_stacklevel())

    def _check_params(self) -> None:  # noqa: B027 (optional hook)
        """Refuse bad hyperparameters (named)."""

    def _check_unchanged(self, doing: str) -> None:
        """Check the options again (one set after fit was never checked: a downsampling
        rate of 5 passed), and refuse, for a calibrator that learns, options set to other
        values since fit: the learned map follows the old ones (a histogram's n_bins
        changed after fit was saved beside the old bins, a file load_calibrator refused)."""
        fitted = getattr(self, "fitted_options_", None)
        if self.learns and fitted is not None:
            changed = [f"{name}={fitted[name]!r} at fit, now {getattr(self, name)!r}"
                       for name in self.options if getattr(self, name) != fitted[name]]
            if changed:
                raise CalibrationError(f"{self.name}: {'; '.join(changed)}; the calibrator "
                                       f"learned its map with the values of fit, so {doing} "
                                       "cannot use the new ones: call fit() again, or set "
                                       "them back")
        self._check_params()

    def _inputs(self, values: ArrayLike, name: str, *, allow_empty: bool = False,
                any_shape: bool = False, where: str | None = None,
                scored: bool = False) -> np.ndarray:
        """``values`` flattened to finite float64 (in [0, 1] for probability inputs); fit
        takes one score per label, a 1-D array, predict any shape. The one check of a
        calibrator's inputs, given directly or by :class:`CalibratedScorer` (``where``: the
        call named, else this calibrator; ``scored``: the values are a scorer's outputs, and
        the messages say where to look), so that both refuse the same values alike."""
        where = self.name if where is None else where
        refuse_booleans(f"{where}: {name}", values, CalibrationError,
                        wanted="the scorer's scores, not its decisions" if scored
                        else "the model's scores")
        array = _numbers(values, f"{where}: {name}")
        if not any_shape and array.ndim != 1:
            raise CalibrationError(f"{where}: {name} must be a 1-D array (one score per "
                                   f"label), got shape {array.shape}")
        array = array.ravel()
        if not allow_empty and array.size == 0:
            raise CalibrationError(f"{where}: {name} is empty; calibration needs data")
        bad = ~np.isfinite(array)
        if bad.any():
            position = int(np.flatnonzero(bad)[0])
            hint = ("; check the input it was scored from (a missing or huge feature?)"
                    if scored else _missing_note(array[position]))
            raise CalibrationError(f"{where}: {name} must be finite; position {position} "
                                   f"holds {float(array[position])!r}{hint}")
        if self.takes == "probability":
            outside = (array < 0) | (array > 1)
            if outside.any():
                position = int(np.flatnonzero(outside)[0])
                if scored:
                    raise CalibrationError(
                        f"{where}: the {self.name} calibrator takes probabilities, but {name} "
                        f"are not all in [0, 1]; position {position} holds "
                        f"{float(array[position])!r} (wrap a scorer of probabilities, or use "
                        "PlattCalibrator() for raw scores)")
                raise CalibrationError(
                    f"{where}: {name} must be probabilities in [0, 1]; position "
                    f"{position} holds {float(array[position])!r} (pass a model's probabilities, "
                    "not raw scores or logits)")
        return array

    @abstractmethod
    def _fit(self, x: np.ndarray, y: np.ndarray) -> None: ...

    @abstractmethod
    def _predict(self, x: np.ndarray) -> np.ndarray: ...

    # ------------------------------------------------------------------ JSON
    def to_json(self) -> dict[str, Any]:
        """The fitted calibrator as a JSON-able object."""
        if not getattr(self, "fitted_", False):
            raise CalibrationError(f"{self.name}: call fit() before saving")
        self._check_unchanged("saving")
        fitted = getattr(self, "score_range_", None)
        saved_range = {} if fitted is None else {_SCORE_RANGE: list(fitted)}
        return {"format": _FORMAT, "type": self.name, **self._config(), **self._learned(),
                **saved_range}

    def save(self, path: str | Path, *, overwrite: bool = False) -> Path:
        """Write :meth:`to_json` to a ``.json`` file (atomically). An existing file is
        replaced only with ``overwrite=True``: the rule of every saved artifact (a model's
        and a ranker's ``save``); a calibrator saved over another replaced it silently."""
        _check_path(path, f"{self.name}.save")
        if not isinstance(overwrite, bool | np.bool_):
            raise CalibrationError(f"{self.name}.save: overwrite must be True (replace an "
                                   f"existing file) or False, got {shown(overwrite)}")
        try:  # a path ending in '/' or '.csv' was written as JSON all the same
            checked_output(path, f"{self.name}.save", suffixes=(".json",), writes="JSON")
        except RecstackError as error:
            raise CalibrationError(str(error)) from None
        # a pipe or a link that leads nowhere was replaced by the file without a word
        refuse_unwritable_file(Path(path).expanduser(), CalibrationError, f"{self.name}.save")
        refuse_missing_folder(Path(path).expanduser(), f"{self.name}.save", CalibrationError)
        if not overwrite and Path(path).is_file():
            raise CalibrationError(f"{path} already exists; pass overwrite=True to replace "
                                   "it, or choose another name")
        content = self.to_json()
        # an edit by hand after saving (a threshold, a slope) loaded silently as a calibrator
        # that was never fitted: the checksum has it refused by name
        content[_CHECKSUM] = _content_digest(content)
        return write_text(path, json.dumps(content, indent=2, allow_nan=False) + "\n")

    def _config(self) -> dict[str, Any]:
        return {}

    @abstractmethod
    def _learned(self) -> dict[str, Any]: ...

    @classmethod
    @abstractmethod
    def _from_json(cls, data: dict[str, Any]) -> Calibrator: ...


def calibrator_from_json(data: Any, where: str = "calibrator") -> Calibrator:
    """The calibrator that :meth:`Calibrator.to_json` described."""
    if not isinstance(data, dict) or data.get("format") != _FORMAT:
        raise CalibrationError(f"{where}: not a recstack calibrator (expected an object with "
                               f"format {_FORMAT!r})")
    kind = data.get("type")
    if not isinstance(kind, str) or kind not in _REGISTRY:
        raise CalibrationError(f"{where}: unknown calibrator type {kind!r}"
                               f"{did_you_mean(kind, sorted(_REGISTRY))}; known: "
                               f"{', '.join(sorted(_REGISTRY))}")
    try:
        score_range = _saved_score_range(data)
        calibrator = _REGISTRY[kind]._from_json(
            {key: value for key, value in data.items() if key not in (_SCORE_RANGE, _CHECKSUM)})
    except KeyError as error:
        # the KeyError's own text was the bare field name: "damaged platt calibrator
        # ('slope')"
        raise CalibrationError(f"{where}: damaged {kind} calibrator (missing field "
                               f"{error.args[0]!r})") from None
    except (TypeError, ValueError) as error:
        raise CalibrationError(f"{where}: damaged {kind} calibrator ({error})") from None
    try:
        calibrator._check_params()
    except CalibrationError as error:
        raise CalibrationError(f"{where}: {error}") from None
    calibrator.fitted_ = True
    calibrator.fitted_options_ = {name: getattr(calibrator, name)
                                  for name in calibrator.options}
    if score_range is not None and calibrator.learns and calibrator.takes == "score":
        calibrator.score_range_ = score_range
    # the fields this calibrator writes: any other was added or misspelt by hand and would
    # be ignored silently (a 'rated' written beside the downsampling 'rate')
    known = {*calibrator.to_json(), _CHECKSUM}
    unknown = sorted(str(key) for key in data if key not in known)
    if unknown:
        hint = did_you_mean(unknown[0], sorted(known))
        raise CalibrationError(f"{where}: unknown field(s) {', '.join(map(repr, unknown))} in "
                               f"the {kind} calibrator{hint}; its fields are "
                               f"{', '.join(map(repr, sorted(known)))}")
    if _CHECKSUM in data:
        # checked last, so that a value no calibrator holds is named by its field first
        _refuse_changed_since_saved(data, where)
    return calibrator


def _content_digest(content: dict[str, Any]) -> str:
    """The SHA-256 of a calibrator's JSON without its checksum field, over its canonical
    form (keys sorted, no whitespace, ASCII): the form a model's metadata checksum takes."""
    body = {key: value for key, value in content.items() if key != _CHECKSUM}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True,
                           allow_nan=False)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def _refuse_changed_since_saved(data: dict[str, Any], where: str) -> None:
    """Refuse a saved calibrator whose content is not the one its checksum was taken of."""
    recorded = data[_CHECKSUM]
    if not isinstance(recorded, str) or _HEX_DIGEST.fullmatch(recorded) is None:
        raise CalibrationError(
            f"{where}: the field {_CHECKSUM!r} must be the 64 lower-case hexadecimal digits "
            f"of the SHA-256 that Calibrator.save records, found {shown_given(recorded)}; the "
            "file changed after it was saved (restore the saved file, or fit and save the "
            "calibrator again)")
    try:
        actual = _content_digest(data)
    except (TypeError, ValueError):  # a value JSON cannot write back (NaN): not saved so
        actual = None
    if actual != recorded:
        raise CalibrationError(
            f"{where}: the file changed after it was saved: its content does not match the "
            f"SHA-256 recorded in its {_CHECKSUM!r} field ({recorded[:12]}...), so a value "
            "was edited by hand or the file was damaged; restore the saved file, or fit and "
            "save the calibrator again")


def load_calibrator(path: str | Path) -> Calibrator:
    """Read a calibrator written by :meth:`Calibrator.save`, refusing one whose content
    changed after it was saved (its ``sha256`` field; a file without one loads unchecked)."""
    _check_path(path, "load_calibrator")
    path = Path(path)
    # a pipe waited forever for a writer; a link that loops or leads nowhere, or a folder,
    # was "cannot read (...)" without saying what was there
    refuse_unreadable_file(path, "give the calibrator's .json file", CalibrationError)

    # utf-8-sig: an editor's byte-order mark is no part of the JSON (it was "not JSON")
    text = read_json_text(path, "give the calibrator's .json file (as Calibrator.save "
                          "writes it)", CalibrationError)
    try:
        # an integer of thousands of digits was Python's ValueError, with its advice to
        # raise sys.set_int_max_str_digits (a NaN is named by its field, below)
        data = json.loads(text, object_pairs_hook=refuse_repeated_keys,
                          parse_int=refuse_endless_integer)
    except RepeatedKeyError as error:
        # a hand-edited value would be silently overridden by the one written after it
        raise CalibrationError(f"{path}: {error}") from None
    except json.JSONDecodeError as error:
        raise CalibrationError(f"{path}: not JSON ({json_syntax_problem(error)})") from None
    except RecursionError:
        raise CalibrationError(f"{path}: not JSON (nested too deeply to be a calibrator)"
                               ) from None
    except ValueError as error:  # refuse_endless_integer's
        digits = re.search(rf"\d{{{sys.get_int_max_str_digits() + 1},}}", text)
        place = ""
        if digits is not None:
            line = text.count("\n", 0, digits.start()) + 1
            column = digits.start() - (text.rfind("\n", 0, digits.start()) + 1) + 1
            place = f" at line {line} column {column}"
        raise CalibrationError(f"{path}: {error}{place}; no calibrator holds such a "
                               "number") from None
    return calibrator_from_json(data, str(path))


def _check_path(path: Any, where: str) -> None:
    if not isinstance(path, str | PathLike) or not str(path):
        raise CalibrationError(f"{where}: path must be a file's path (a string or Path), got "
                               f"{path!r}")


def _numbers(values: Any, where: str) -> np.ndarray:
    """``values`` as a float64 array; text, objects or ragged lists are refused by name."""
    if isinstance(values, str | bytes | dict) or values is None:
        raise CalibrationError(f"{where} must be an array of numbers, got "
                               f"{type(values).__name__}")
    # ``where`` ends with the argument ("platt: scores"), which names the rows that differ
    caller, _, argument = where.rpartition(": ")
    refuse_ragged(values, name=argument, wanted="an array of numbers", error=CalibrationError,
                  where=f"{caller}: " if caller else "", advice=PAD_OR_SPLIT_ROWS)
    refuse_complex(where, values, CalibrationError)
    try:
        array = np.asarray(values, dtype=np.float64)
    except OverflowError:
        raise CalibrationError(beyond_float(values, where)) from None
    except (TypeError, ValueError) as error:
        raise CalibrationError(f"{where} must be an array of numbers ({error})") from None
    return array


def _labels(values: ArrayLike, n: int, paired: str = "scores", where: str = "", *,
            paired_values: np.ndarray | None = None, order: str = "") -> np.ndarray:
    """``values`` as 0/1 labels, one per entry of ``paired``; ``where`` (``"platt: "``)
    leads every message, so that it names the calibrator or the function called. With
    ``paired_values`` (the other argument, already read) holding only 0 and 1, a label that
    is neither says the two look swapped, and ``order`` gives the call's argument order."""
    labels = _numbers(values, f"{where}labels")
    if labels.ndim != 1:
        raise CalibrationError(f"{where}labels must be a 1-D array of 0/1, got shape "
                               f"{labels.shape}")
    if len(labels) != n:
        raise CalibrationError(f"{where}labels has {len(labels)} entries, {paired} {n}; give "
                               f"one label per entry of {paired}")
    bad = (labels != 0) & (labels != 1)
    if bad.any():
        position = int(np.flatnonzero(bad)[0])
        swapped = ""
        if paired_values is not None and len(paired_values) and \
                np.isin(paired_values, (0.0, 1.0)).all():
            swapped = (f" ({paired} hold only 0 and 1, as labels do: were the two swapped? "
                       f"{order})")
        raise CalibrationError(f"{where}labels must be 0 or 1; position {position} holds "
                               f"{float(labels[position])!r}"
                               f"{swapped or _not_outcomes(labels, position)}")
    return labels


def _missing_note(value: float) -> str:
    """Say that a NaN is a missing value: None and pandas' NA are read as NaN, so "holds
    nan" named a value the user never wrote."""
    return " (a missing value: None, NA or NaN)" if math.isnan(value) else ""


def _not_outcomes(labels: np.ndarray, position: int) -> str:
    """What labels that are not all 0/1 look like and how to make outcomes of them
    (``labels[position]`` is the first that is neither): a missing label; -1 and 1, the
    convention of margin classifiers; shares in [0, 1] (a probability or a click rate where
    each row's outcome belongs); whole numbers above 1 (grades, ratings, counts). Each was
    "labels must be 0 or 1" alone, which said nothing of the way to 0/1."""
    value = float(labels[position])
    if math.isnan(value):
        return (" (a missing label: None, NA or NaN; leave out the rows whose outcome is "
                "unknown)")
    if not np.isfinite(labels).all():
        return ""
    if np.isin(labels, (-1.0, 1.0)).all():
        return (" (labels of -1 and 1, the -1/+1 convention: give the outcomes as 0 and 1, "
                "e.g. labels > 0)")
    if ((labels >= 0) & (labels <= 1)).all():
        return (" (a share between 0 and 1, as a probability or a rate: a label is the "
                "outcome observed on its row, 0 or 1, one row per event)")
    if (labels >= 0).all() and (labels == np.round(labels)).all():
        return (f" (whole numbers up to {float(labels.max()):g}: grades, ratings or counts? "
                "give 0/1 outcomes, e.g. labels = grades >= 4, or counts > 0)")
    return ""


def _require_sklearn() -> None:
    try:
        import sklearn  # noqa: F401
    except ImportError:
        raise RecstackError('this calibrator needs scikit-learn: pip install '
                            '"recstack[ranking]"') from None


#: the values of :class:`PlattCalibrator`'s ``targets``
_PLATT_TARGETS = ("platt", "labels")


def _sigmoid(z: np.ndarray) -> np.ndarray:
    out = np.empty_like(z)
    positive = z >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-z[positive]))
    e = np.exp(z[~positive])
    out[~positive] = e / (1.0 + e)
    return out


@_register
class PlattCalibrator(Calibrator):
    r"""Platt scaling (Platt 1999, "Probabilistic Outputs for Support Vector Machines"):
    :math:`P(y = 1 | s) = \sigma(a s + b)` (Platt's eq. 1, written with :math:`a = -A`,
    :math:`b = -B`), :math:`a` and :math:`b` fitted by maximum likelihood: the
    cross-entropy :math:`-\sum_i t_i \log p_i + (1 - t_i) \log(1 - p_i)` against the
    targets :math:`t_i` (Platt's section 2) is minimised.

    ``targets="platt"`` (the default) takes Platt's out-of-sample targets (end of his
    section 2.2, a prior of one pseudo-example per class), which keep the fit from
    over-trusting a small calibration set:

    .. math:: t_+ = \frac{N_+ + 1}{N_+ + 2}, \qquad t_- = \frac{1}{N_- + 2}

    for the :math:`N_+` positives and :math:`N_-` negatives, the rule of scikit-learn's
    ``CalibratedClassifierCV(method="sigmoid")`` (its ``_sigmoid_calibration``), whose slope
    and intercept this matches. The fit then always exists: scores that separate the
    outcomes give a finite slope. ``targets="labels"`` takes the 0/1 labels themselves: the
    plain logistic regression of the labels on the score (scikit-learn's
    ``LogisticRegression`` without penalty), whose slope grows without bound when the
    scores separate the outcomes (warned of). Either way the objective is minimised exactly
    (scikit-learn's lbfgs on the standardised score, a soft target :math:`t_i` written as a
    positive of weight :math:`t_i` beside a negative of weight :math:`1 - t_i`).

    Attributes
    ----------
    slope_, intercept_ : float
        :math:`a` and :math:`b`.
    """

    name = "platt"
    options: ClassVar[dict[str, Any]] = {"targets": "platt"}
    targets: str

    def _check_params(self) -> None:
        # text only: an array compared with ``in`` raised numpy's "truth value is ambiguous"
        if not isinstance(self.targets, str) or self.targets not in _PLATT_TARGETS:
            raise CalibrationError(f"{self.name}: targets must be 'platt' (Platt's smoothed "
                                   "targets, as scikit-learn's sigmoid calibration) or "
                                   f"'labels' (the 0/1 labels), got {shown(self.targets)}"
                                   f"{did_you_mean(self.targets, _PLATT_TARGETS)}")
        self.targets = str(self.targets)  # numpy's str_ saved as plain text

    def _fit(self, x: np.ndarray, y: np.ndarray) -> None:
        _require_sklearn()
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(C=np.inf, solver="lbfgs", max_iter=1000, tol=1e-10)
        # scores divided by their largest magnitude first: the mean and standard deviation
        # of scores near 1e308 overflow (NaN reached the solver) and those of scores near
        # 1e-300 underflow to 0 (every score looked alike: a constant map)
        magnitude = float(np.abs(x).max()) or 1.0
        unit = x / magnitude
        center, spread = float(unit.mean()), float(unit.std()) or 1.0
        standard = ((unit - center) / spread)[:, None]
        if self.targets == "platt":
            # Platt's section 2.2: t+ = (N+ + 1) / (N+ + 2), t- = 1 / (N- + 2); the cross-entropy
            # against a soft target t is a positive weighted t beside a negative weighted
            # 1 - t, which the (unpenalised) solver minimises exactly
            positives = float(y.sum())
            negatives = float(len(y)) - positives
            target = np.where(y == 1, (positives + 1.0) / (positives + 2.0),
                              1.0 / (negatives + 2.0))
            model.fit(np.vstack([standard, standard]),
                      np.concatenate([np.ones(len(y)), np.zeros(len(y))]),
                      sample_weight=np.concatenate([target, 1.0 - target]))
        else:
            model.fit(standard, y)
        # undo the standardisation (taken for the solver's conditioning)
        slope = float(model.coef_[0, 0]) / spread
        self.slope_ = slope / magnitude
        self.intercept_ = float(model.intercept_[0]) - slope * center
        if not (np.isfinite(self.slope_) and self.slope_ != 0.0 or slope == 0.0):
            raise CalibrationError(
                f"{self.name}: the scores' magnitude ({magnitude:.3g}) puts the fitted slope "
                f"({slope:.3g} / {magnitude:.3g}) beyond float64's range; rescale the scores "
                "(e.g. to logits or probabilities) before calibrating")
        if self.targets == "labels":
            # Platt's targets keep the likelihood bounded: the slope is finite whatever
            # the data, so only the plain labels' fit can run away
            self._warn_of_separation(x, y)

    def _warn_of_separation(self, x: np.ndarray, y: np.ndarray) -> None:
        """Warn when the scores separate the outcomes: the likelihood then rises without
        bound as the slope grows, so the solver stopped at a slope of its own choosing
        (206 for scores -1, -0.1, 0.1, 1, with an intercept of -0.05 where the data are
        symmetric), and every probability was 0 or 1 but near the step, without a word;
        the temperature calibrator warns of the same."""
        positives, negatives = x[y == 1], x[y == 0]
        if positives.min() > negatives.max():
            how = (f"every positive's score is above every negative's: positives from "
                   f"{float(positives.min()):.6g}, negatives up to {float(negatives.max()):.6g}")
        elif positives.max() < negatives.min():
            how = (f"every positive's score is below every negative's: positives up to "
                   f"{float(positives.max()):.6g}, negatives from {float(negatives.min()):.6g};"
                   " the scores fall as the outcome rises")
        else:
            return
        warnings.warn(
            f"{self.name}: the scores separate the outcomes ({how}), so the likelihood "
            "keeps rising as the slope grows and the fit stopped at a slope of the solver's "
            f"choosing ({self.slope_:.3g}, intercept {self.intercept_:.3g}): every "
            "calibrated probability is about 0 or 1 away from the gap between the classes, "
            "certain on new data too. Calibrate on more held-out data, in which the model "
            "makes mistakes",
            RuntimeWarning, stacklevel=caller_stacklevel())

    def _predict(self, x: np.ndarray) -> np.ndarray:
        # a slope near 1e308 (a saved file edited, or scores near 1e-300 fitted) sends
        # a * s past float64's range: +-inf, whose sigmoid is 1 or 0, as the temperature's,
        # without numpy's overflow warning (a finite intercept cannot make it NaN)
        with np.errstate(over="ignore"):
            return _sigmoid(self.slope_ * x + self.intercept_)

    def _config(self) -> dict[str, Any]:
        return {"targets": self.targets}

    def _learned(self) -> dict[str, Any]:
        return {"slope": self.slope_, "intercept": self.intercept_}

    @classmethod
    def _from_json(cls, data: dict[str, Any]) -> Calibrator:
        # a file written before the option was fitted on the labels themselves
        out = cls(targets=data.get("targets", "labels"))
        out._check_params()
        out.slope_, out.intercept_ = _finite(data, "slope"), _finite(data, "intercept")
        return out


@_register
class IsotonicCalibrator(Calibrator):
    """Isotonic regression (Zadrozny & Elkan 2002): the non-decreasing map from score to
    probability that minimises the squared error on the calibration data (pool adjacent
    violators, scikit-learn's ``IsotonicRegression``), linear between its breakpoints and
    constant beyond the fitted range.

    Attributes
    ----------
    thresholds_, values_ : numpy.ndarray of float64
        The breakpoints (increasing scores) and the probabilities there.
    """

    name = "isotonic"

    def _fit(self, x: np.ndarray, y: np.ndarray) -> None:
        _require_sklearn()
        from sklearn.isotonic import IsotonicRegression

        # fitted on the ranks of the distinct scores, which are all the least-squares fit
        # depends on, and mapped back: scikit-learn merges scores closer than float64's
        # resolution (1e-15) in absolute terms, so scores of magnitude 1e-300 all became
        # one threshold, a constant map, and (after scaling by the largest magnitude) a
        # score of -1.4e-15 beside 0 and 2 was pooled with 0, each given the other's rate
        distinct, ranks = np.unique(x, return_inverse=True)
        model = IsotonicRegression(y_min=0.0, y_max=1.0, increasing=True,
                                   out_of_bounds="clip").fit(ranks.astype(np.float64), y)
        self.thresholds_ = distinct[np.rint(model.X_thresholds_).astype(np.int64)]
        self.values_ = np.asarray(model.y_thresholds_, np.float64)

    def _predict(self, x: np.ndarray) -> np.ndarray:
        return _piecewise_linear(x, self.thresholds_, self.values_)

    def _learned(self) -> dict[str, Any]:
        return {"thresholds": self.thresholds_.tolist(), "values": self.values_.tolist()}

    @classmethod
    def _from_json(cls, data: dict[str, Any]) -> Calibrator:
        out = cls()
        out.thresholds_ = _finite_list(data["thresholds"], "thresholds")
        out.values_ = _finite_list(data["values"], "values")
        # the invariants fit guarantees, each refused naming its field and entry: an edited
        # file loaded and predicted a map that no data could have fitted (np.interp reads
        # unsorted thresholds silently wrong)
        if not len(out.thresholds_):
            raise ValueError("thresholds is empty; a fitted isotonic map has at least one "
                             "breakpoint")
        if out.thresholds_.shape != out.values_.shape:
            raise ValueError(f"thresholds has {len(out.thresholds_)} entries, values "
                             f"{len(out.values_)}; they are one list of breakpoints, one "
                             "value each")
        _increasing(out.thresholds_, "thresholds")
        _non_decreasing(out.values_, "values")
        _unit_interval(out.values_, "values")
        return out


def _piecewise_linear(x: np.ndarray, thresholds: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``np.interp(x, thresholds, values)`` (constant beyond the ends), computed as ``v0 +
    (v1 - v0) * ((x - t0) / (t1 - t0))``: np.interp's slope ``(v1 - v0) / (t1 - t0)``
    overflowed to inf between breakpoints closer than about 1e-308 (which the fit on ranks
    keeps apart), and a score between them came out 1."""
    if len(thresholds) == 1:
        return np.full(np.shape(x), values[0], np.float64)
    x = np.clip(np.asarray(x, np.float64), thresholds[0], thresholds[-1])
    left = np.clip(np.searchsorted(thresholds, x, side="right") - 1, 0, len(thresholds) - 2)
    t0, t1 = thresholds[left], thresholds[left + 1]
    with np.errstate(over="ignore", invalid="ignore"):
        span = t1 - t0
        fraction = (x - t0) / span
        # breakpoints near float64's largest numbers: their difference overflows, their
        # halves' does not
        wide = ~np.isfinite(span)
        fraction[wide] = (x[wide] / 2 - t0[wide] / 2) / (t1[wide] / 2 - t0[wide] / 2)
    v0, v1 = values[left], values[left + 1]
    return v0 + (v1 - v0) * np.clip(fraction, 0.0, 1.0)


def _non_decreasing(array: np.ndarray, name: str) -> None:
    """Refuse a saved list that decreases somewhere, naming the first entry that does."""
    down = np.flatnonzero(np.diff(array) < 0)
    if len(down):
        i = int(down[0])
        raise ValueError(f"{name} must be non-decreasing, as fit writes them; {name}[{i + 1}] "
                         f"= {float(array[i + 1])!r} is below {name}[{i}] = "
                         f"{float(array[i])!r}")


def _increasing(array: np.ndarray, name: str) -> None:
    """Refuse saved breakpoints that do not strictly increase, naming the first entry that
    does not: fit writes each score once (scikit-learn merges equal ones), and np.interp
    reads a repeated breakpoint as a jump whose side it picks silently (thresholds all
    equal mapped every score to the last value)."""
    _non_decreasing(array, name)
    repeated = np.flatnonzero(np.diff(array) == 0)
    if len(repeated):
        i = int(repeated[0])
        raise ValueError(f"{name} must be strictly increasing, as fit writes them; "
                         f"{name}[{i}] and {name}[{i + 1}] are both {float(array[i])!r} "
                         "(give each breakpoint once)")


def _unit_interval(array: np.ndarray, name: str) -> None:
    """Refuse a saved probability outside [0, 1], naming its entry."""
    bad = np.flatnonzero((array < 0) | (array > 1))
    if len(bad):
        i = int(bad[0])
        raise ValueError(f"{name} must be probabilities in [0, 1]; {name}[{i}] is "
                         f"{float(array[i])!r}")


#: how far the search for log T reaches either side of the logits' log magnitude
_LOG_T_BOUND = 10.0
#: |log T| at most: e^700 and e^-700 are still normal doubles
_LOG_T_LIMIT = 700.0


@_register
class TemperatureCalibrator(Calibrator):
    r"""Temperature scaling (Guo et al., ICML 2017) for logit outputs:
    :math:`P(y = 1 | z) = \sigma(z / T)` (their section 4.2, the softmax
    :math:`\sigma_{SM}(\mathbf z / T)`, which for two classes is the sigmoid of the logit
    :math:`z = z_1 - z_0` over :math:`T`), with the one parameter :math:`T > 0` chosen to
    minimise the log loss (the NLL) on the calibration data (bounded search over
    :math:`\log T`).
    :math:`T > 1` softens over-confident logits. It keeps :math:`\sigma(0) = 1/2`: with a
    shifted base rate (e.g. after negative downsampling) use Platt scaling or the
    downsampling correction.

    Attributes
    ----------
    temperature_ : float
    """

    name = "temperature"
    takes = "logit"

    def _fit(self, x: np.ndarray, y: np.ndarray) -> None:
        from scipy.optimize import minimize_scalar

        def loss(log_t: float) -> float:
            z = x / math.exp(log_t)
            # log(1 + e^z) - y z, computed without overflow
            return float(np.mean(np.logaddexp(0.0, z) - y * z))

        magnitude = float(np.abs(x).max())
        if magnitude == 0.0:
            raise CalibrationError(f"{self.name}: every logit is 0, and sigma(0 / T) is 1/2 "
                                   "for every temperature; give the model's logits")
        if x.min() >= 0.0 and x.max() <= 1.0:
            # probabilities (e.g. a ranker's predict_proba, not its score) read as logits:
            # sigma(z / T) >= 1/2 for every z >= 0, so every calibrated probability was at
            # least 1/2 whatever the outcomes, silently
            raise CalibrationError(
                f"{self.name}: every score lies in [0, 1] (from {float(x.min()):.3g} to "
                f"{float(x.max()):.3g}), as probabilities do, but temperature scaling takes "
                "logits (any real number, 0 for a probability of 1/2): as logits, every "
                "calibrated probability would be at least 1/2. Pass the logits, "
                "log(p / (1 - p)), or calibrate probabilities with PlattCalibrator or "
                "IsotonicCalibrator")
        # T from e^-10 times the smallest non-zero |logit| to e^10 times the largest:
        # logits near 1e300 (or 1e-300) need a temperature on their own scale, which a
        # fixed range never reached, and one outlier logit (1e10 beside logits near 1) put
        # the lower bound above the temperature the others need. The loss is unimodal in
        # log T (convex in 1 / T), so the bounded search finds its minimum in any range.
        smallest = float(np.abs(x[x != 0.0]).min())
        low = max(math.log(smallest) - _LOG_T_BOUND, -_LOG_T_LIMIT)
        high = min(math.log(magnitude) + _LOG_T_BOUND, _LOG_T_LIMIT)
        result = minimize_scalar(loss, bounds=(low, high), method="bounded",
                                 options={"xatol": 1e-10})
        if result.x > high - 1e-3:
            # the loss kept falling towards an infinite temperature, sigma(0) = 1/2 for
            # every logit: the logits do not rise with the outcome, and the calibrated
            # probability is 0.5 whatever the positives' rate (a warning, not an error:
            # such a fit is still the best temperature there is)
            warnings.warn(
                f"{self.name}: the log loss keeps falling as the temperature grows up to "
                f"the search's upper bound T = {math.exp(high):.3g} (e^10 times the largest "
                f"|logit|, {magnitude:.3g}), where the fit stopped, so every calibrated "
                "probability is about 0.5 whatever the logit (the positives' rate: "
                f"{float(y.mean()):.3g}): the logits do not rise with the outcome "
                "(constant, or higher for negatives). Check that they are logits of the "
                "positive class; Platt or isotonic calibration can fit such scores",
                RuntimeWarning, stacklevel=caller_stacklevel())
        elif np.all((x == 0) | ((x > 0) == (y == 1))):
            # every logit's sign matches its label: the loss falls as T shrinks, towards 0
            # (each term e^(-|z| / T)), and ends flat at 0 in float64, where the search
            # stopped anywhere; with one logit on the wrong side it would grow instead
            result.x = low
            warnings.warn(
                f"{self.name}: the logits separate the outcomes (every positive's logit is "
                "> 0 and every negative's < 0, or 0), so the log loss keeps falling as the "
                f"temperature shrinks, down to the search's lower bound T = "
                f"{math.exp(low):.3g} (the smallest non-zero |logit|, {smallest:.3g}, over "
                "e^10), where the fit stopped: every calibrated probability is 0 or 1 (or "
                "0.5 at a logit of 0), certain on new data too. Calibrate on more held-out "
                "data, in which the model makes mistakes",
                RuntimeWarning, stacklevel=caller_stacklevel())
        self.temperature_ = float(math.exp(result.x))

    def _predict(self, x: np.ndarray) -> np.ndarray:
        # a temperature near 1e-305 (separable logits, or a saved file) sends x / T past
        # float64's range: +-inf, whose sigmoid is 1 or 0, without numpy's overflow warning
        with np.errstate(over="ignore"):
            return _sigmoid(x / self.temperature_)

    def _learned(self) -> dict[str, Any]:
        return {"temperature": self.temperature_}

    @classmethod
    def _from_json(cls, data: dict[str, Any]) -> Calibrator:
        out = cls()
        out.temperature_ = _finite(data, "temperature")
        if not out.temperature_ > 0:
            raise ValueError("temperature must be > 0")
        return out


@_register
class HistogramCalibrator(Calibrator):
    r"""Histogram binning (Zadrozny & Elkan 2001): the score range is cut into ``n_bins``
    bins and each score gets the positive rate of the calibration data in its bin,
    :math:`\hat p_b = \sum_{i \in b} y_i / n_b`. ``strategy="quantile"`` places the edges at
    quantiles of the calibration scores (bins of about equal counts; the edges of
    :func:`~recstack.metrics.reliability_curve` and scikit-learn's ``calibration_curve`` on
    the same scores), ``"uniform"`` splits
    ``[min, max]`` evenly. Bins are right-closed, ``(lower, upper]``, the first also closed
    on the left, and the outer bins extend to infinity. A bin without calibration data takes
    the rate of all the data.

    Attributes
    ----------
    edges_ : numpy.ndarray of float64, shape (n_bins - 1,)
        The inner edges.
    rates_ : numpy.ndarray of float64, shape (n_bins,)
    counts_ : numpy.ndarray of int64, shape (n_bins,)
    """

    name = "histogram"
    options: ClassVar[dict[str, Any]] = {"n_bins": 10, "strategy": "quantile"}
    n_bins: int
    strategy: str

    def _check_params(self) -> None:
        n_bins = exact_as_int(self.n_bins)  # Decimal("10"): read as 10
        if isinstance(n_bins, bool) or not isinstance(n_bins, int | np.integer) \
                or not 1 <= n_bins <= 100_000:
            raise CalibrationError(f"{self.name}: n_bins must be an integer in [1, 100000], "
                                   f"got {shown(self.n_bins)}"
                                   f"{number_spelling_hint(self.n_bins, int, 'n_bins')}")
        self.n_bins = int(n_bins)  # a numpy integer (or a Decimal) would not be JSON
        # text only: an array compared with ``in`` raised numpy's "truth value is ambiguous"
        if not isinstance(self.strategy, str) or self.strategy not in ("quantile", "uniform"):
            raise CalibrationError(f"{self.name}: strategy must be 'quantile' or 'uniform', "
                                   f"got {shown(self.strategy)}"
                                   f"{did_you_mean(self.strategy, ('quantile', 'uniform'))}")

    def _fit(self, x: np.ndarray, y: np.ndarray) -> None:
        if self.n_bins > len(x):
            # a bin per row or fewer: each rate is one row's label, a calibrator that says
            # 0 or 1 (certain) on new data, fitted without a word
            warnings.warn(
                f"{self.name}: n_bins = {self.n_bins} is more than the {len(x)} calibration "
                "row(s), so each bin holds at most one row and its rate is that row's label "
                "(0 or 1, certain on new data); use fewer bins (a few dozen rows per bin) "
                "or more held-out rows", RuntimeWarning, stacklevel=caller_stacklevel())
        cuts = np.linspace(0.0, 1.0, self.n_bins + 1)[1:-1]
        if self.strategy == "quantile":
            # the edges of reliability_curve(strategy="quantile") and scikit-learn's
            # calibration_curve to the bit: np.quantile(x, cuts) put some one float step
            # away, and a score repeated at an edge fell in the other bin than in
            # reliability_table of the same scores
            edges = quantile_edges(x, self.n_bins)[1:-1]
        else:
            low, high = float(x.min()), float(x.max())
            if math.isfinite(high - low):
                edges = low + cuts * (high - low)
            else:
                # scores spanning more than float64's range (-1e308 to 1e308): the width
                # overflowed to inf, every inner edge was inf, all the data fell in the
                # first bin (a constant map, fitted without a word) and save() failed on
                # the infinite edges; with halves (exact at this size) nothing overflows,
                # as in min_max_rows
                edges = 2 * (low / 2 + cuts * (high / 2 - low / 2))
        self.edges_ = np.asarray(edges, np.float64)
        index = np.searchsorted(self.edges_, x, side="left")
        self.counts_ = np.bincount(index, minlength=self.n_bins).astype(np.int64)
        hits = np.bincount(index, weights=y, minlength=self.n_bins)
        overall = float(y.mean())
        self.rates_ = np.divide(hits, self.counts_, out=np.full(self.n_bins, overall),
                                where=self.counts_ > 0)

    def _predict(self, x: np.ndarray) -> np.ndarray:
        return self.rates_[np.searchsorted(self.edges_, x, side="left")]

    def _config(self) -> dict[str, Any]:
        return {"n_bins": self.n_bins, "strategy": self.strategy}

    def _learned(self) -> dict[str, Any]:
        return {"edges": self.edges_.tolist(), "rates": self.rates_.tolist(),
                "counts": self.counts_.tolist()}

    @classmethod
    def _from_json(cls, data: dict[str, Any]) -> Calibrator:
        out = cls(n_bins=data["n_bins"], strategy=data["strategy"])
        out._check_params()
        out.edges_ = _finite_list(data["edges"], "edges")
        out.rates_ = _finite_list(data["rates"], "rates")
        counts = _finite_list(data["counts"], "counts")
        for name, array, wanted in (("edges", out.edges_, out.n_bins - 1),
                                    ("rates", out.rates_, out.n_bins),
                                    ("counts", counts, out.n_bins)):
            if len(array) != wanted:
                raise ValueError(f"{name} has {len(array)} "
                                 f"entr{'y' if len(array) == 1 else 'ies'}, {wanted} wanted: "
                                 f"edges, rates and counts do not match n_bins "
                                 f"({out.n_bins} bins: {out.n_bins - 1} edges, "
                                 f"{out.n_bins} rates and counts)")
        _non_decreasing(out.edges_, "edges")
        _unit_interval(out.rates_, "rates")
        bad = np.flatnonzero((counts < 0) | (counts != np.round(counts)))
        if len(bad):
            i = int(bad[0])
            raise ValueError(f"counts must be whole numbers >= 0 (calibration rows per bin); "
                             f"counts[{i}] is {float(counts[i])!r}")
        # what fit writes: each bin's rate is its positives over its rows (a whole number
        # of positives), an empty bin has the rate of all the data, and the data held both
        # outcomes; a count or a rate edited alone breaks one of these
        total = float(counts.sum())
        if total < 2:
            raise ValueError(f"counts add up to {total:g} rows; a fitted histogram saw at "
                             "least two (a positive and a negative)")
        hits = out.rates_ * counts
        off = np.flatnonzero(np.abs(hits - np.round(hits)) > 1e-9 * np.maximum(counts, 1.0))
        if len(off):
            i = int(off[0])
            raise ValueError(f"rates[{i}] = {float(out.rates_[i])!r} over counts[{i}] = "
                             f"{int(counts[i])} rows is {float(hits[i]):.6g} positives, not a "
                             "whole number: the rate or the count was edited")
        positives = float(np.round(hits).sum())
        if positives in (0.0, total):
            raise ValueError(f"rates and counts give {positives:g} positives of {total:g} "
                             "rows; a fitted histogram saw both outcomes")
        overall = positives / total
        empty = np.flatnonzero((counts == 0)
                               & ~np.isclose(out.rates_, overall, rtol=1e-9, atol=1e-12))
        if len(empty):
            i = int(empty[0])
            raise ValueError(f"rates[{i}] = {float(out.rates_[i])!r} for an empty bin "
                             f"(counts[{i}] = 0); fit gives an empty bin the rate of all the "
                             f"data, {overall!r}")
        out.counts_ = counts.astype(np.int64)
        return out


@_register
class DownsamplingCorrection(Calibrator):
    r"""Undo uniform negative downsampling (He et al. 2014, "Practical lessons from predicting
    clicks on ads at Facebook", its model re-calibration): a model trained on all the
    positives and a share :math:`w` (``rate``) of the negatives predicts :math:`p` on the
    downsampled scale; on the original scale

    .. math:: q = \frac{p}{p + (1 - p) / w}

    (the odds scale by :math:`w`). Nothing is learned: ``fit`` only checks its inputs, and
    ``predict`` needs probabilities in [0, 1].

    ``rate`` is a sampling rate, the share of negatives kept, in (0, 1]: keeping 5% of them
    is ``rate=0.05``, and ``rate=5`` is refused (the correction with a factor of 5 would
    raise every probability: 0.5 became 0.833, without a word). A model trained with class
    weights has its odds scaled by :math:`c_0 / c_1`, a factor that may exceed 1: that
    correction is :func:`recstack.pipeline.imbalance.correct_probability`, which takes
    either.
    """

    name = "downsampling"
    takes = "probability"
    learns = False
    options: ClassVar[dict[str, Any]] = {"rate": REQUIRED}
    rate: float

    def _check_params(self) -> None:
        rate = exact_as_float(self.rate)  # Decimal, Fraction: read as their float
        if isinstance(rate, bool) or not isinstance(
                rate, int | float | np.integer | np.floating) or not 0 < rate <= 1:
            raise CalibrationError(f"{self.name}: rate (the share of negatives kept) must be "
                                   f"in (0, 1], got {shown(self.rate)}"
                                   f"{percentage_hint(self.rate)}"
                                   f"{number_spelling_hint(self.rate, float, 'rate')}")
        self.rate = float(rate)  # a numpy number (or a Decimal) would not be JSON

    def fit(self, scores: ArrayLike | None = None, labels: ArrayLike | None = None) -> Self:
        """Nothing to learn; checks ``rate`` (and the inputs, when given: ``scores`` alone,
        or ``scores`` with their ``labels``). Labels without scores are refused: nothing
        here reads them, so they would be ignored without a word."""
        if scores is None:
            if labels is not None:
                raise CalibrationError(
                    f"{self.name}: labels given without scores; the correction learns "
                    "nothing from labels (its map is fixed by rate), so they would be "
                    "ignored: call fit() with neither, or fit(probabilities, labels) to "
                    "check a held-out pair")
            self._check_params()
            self.fitted_ = True
            return self
        # checked first: np.asarray of ragged rows was numpy's "inhomogeneous shape" error
        return super().fit(scores, labels if labels is not None else np.zeros(
            self._inputs(scores, "scores").size))

    def _fit(self, x: np.ndarray, y: np.ndarray) -> None:
        """Nothing to learn."""

    def _predict(self, x: np.ndarray) -> np.ndarray:
        from recstack.pipeline.imbalance import scaled_odds

        return scaled_odds(x, self.rate)

    def _config(self) -> dict[str, Any]:
        return {"rate": self.rate}

    def _learned(self) -> dict[str, Any]:
        return {}

    @classmethod
    def _from_json(cls, data: dict[str, Any]) -> Calibrator:
        return cls(rate=_finite(data, "rate"))


def _finite(data: dict[str, Any], name: str) -> float:
    """The saved number ``data[name]``: a JSON number (not true/false, text or a list),
    finite; the message names the field."""
    value = data[name]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name}: {value!r:.40} is not a number")
    # an integer of hundreds of digits (JSON reads any length) is refused as an infinity
    number = finite_or_infinite(value)
    if not math.isfinite(number):
        shown = (f"a {digit_count(value):,}-digit integer" if isinstance(value, int)
                 else repr(value))
        raise ValueError(f"{name}: {shown} is not a finite number")
    return number


def _saved_score_range(data: dict[str, Any]) -> tuple[float, float] | None:
    """The saved ``score_range`` (lowest and highest fitted score), or None where the file
    has none; a damaged one is a ValueError naming the field."""
    if _SCORE_RANGE not in data:
        return None
    bounds = _finite_list(data[_SCORE_RANGE], _SCORE_RANGE)
    if bounds.shape != (2,) or bounds[0] > bounds[1]:
        raise ValueError(f"{_SCORE_RANGE} must be [lowest, highest] of the fitted scores, "
                         f"got {data[_SCORE_RANGE]!r:.60}")
    return float(bounds[0]), float(bounds[1])


def _finite_list(value: Any, name: str) -> np.ndarray:
    """A saved list of finite numbers as a 1-D float64 array."""
    if not isinstance(value, list) or not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in value):
        raise ValueError(f"{name} must be a list of numbers")
    try:
        array = np.asarray(value, dtype=np.float64)
    except OverflowError:  # an integer of hundreds of digits
        raise ValueError(beyond_float(value, name)) from None
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must be finite")
    return array


class CalibratedScorer:
    """A fitted model or ranker whose outputs pass through a calibrator: ``fit`` on held-out
    inputs (never the wrapped model's training data: see the module docstring), then
    ``predict`` gives calibrated probabilities.

    Parameters
    ----------
    scorer : object with ``score(inputs)``, or a callable
        E.g. a fitted :class:`~recstack.pipeline.rankers.base.Ranker` (inputs: a feature
        frame), or ``lambda pairs: model.score(pairs.user, pairs.item)``.
    calibrator : Calibrator
        Unfitted; it takes the scorer's outputs (logits for ``TemperatureCalibrator``,
        probabilities for ``DownsamplingCorrection``). A ranker's ``score`` is its logit
        under a log loss; a calibrator of probabilities gets the ranker's ``predict_proba``.
    """

    def __init__(self, scorer: Any, calibrator: Calibrator) -> None:
        self.scorer = scorer
        self.calibrator = calibrator

    def _raw(self, inputs: Any, method: str, argument: str) -> np.ndarray:
        """The scorer's outputs for ``inputs`` (passed to ``method`` as ``argument``),
        checked here, naming them as the user knows them: the calibrator's own checks
        called them its ``scores``, an argument the user of this class never gave."""
        if isinstance(self.calibrator, type) and issubclass(self.calibrator, Calibrator):
            # the class itself ("got ABCMeta"): options are given to its constructor
            required = ", ".join(f"{name}=..." for name, default
                                 in self.calibrator.options.items() if default is REQUIRED)
            raise CalibrationError(f"CalibratedScorer: calibrator is the class "
                                   f"{self.calibrator.__name__}, not a calibrator; create "
                                   f"one: {self.calibrator.__name__}({required})")
        if not isinstance(self.calibrator, Calibrator):
            # a name such as "platt" where the object belongs
            raise CalibrationError(
                f"CalibratedScorer: calibrator must be a Calibrator such as "
                f"PlattCalibrator(), got {type(self.calibrator).__name__} "
                f"{self.calibrator!r:.40}; the calibrators: {', '.join(sorted(_REGISTRY))}")
        where = f"CalibratedScorer.{method}"
        from recstack.pipeline.rankers.base import Ranker

        score = getattr(self.scorer, "score", None)
        if isinstance(self.scorer, Ranker) and self.calibrator.takes == "probability":
            # a ranker's score is its logit under a log loss (probabilities in float32
            # tied at 1.0): a calibrator of probabilities gets its predict_proba (refused,
            # with the reason, for a ranker whose scores have no probability)
            outputs = self.scorer.predict_proba(inputs)
        elif callable(score):
            outputs = score(inputs)
        elif callable(self.scorer):
            outputs = self.scorer(inputs)
        else:
            raise CalibrationError(f"scorer must have a score() method or be callable, got "
                                   f"{type(self.scorer).__name__}")
        # the calibrator's own check (one rule: true/false decisions, a 2-D fit, NaN and
        # probabilities outside [0, 1] refused as the calibrator alone refuses them), its
        # messages naming this call and what the scorer made of the argument
        predicting = method == "predict"
        flat = self.calibrator._inputs(outputs, f"the scorer's outputs for {argument}",
                                       where=where, scored=True, allow_empty=predicting,
                                       any_shape=predicting)
        return flat.reshape(np.shape(outputs))

    def fit(self, held_out: Any, labels: ArrayLike) -> Self:
        """Fit the calibrator on the scorer's outputs for ``held_out`` inputs."""
        raw = self._raw(held_out, "fit", "held_out")  # checks the calibrator first
        # a frame of held-out inputs and a Series of labels of the same rows in two orders
        # were paired by position: each output calibrated against another row's label (a
        # label Series sorted otherwise inverted the calibration, silently)
        check_aligned(("held_out", held_out), ("labels", labels), error=CalibrationError,
                      where="CalibratedScorer.fit: ")
        if raw.ndim == 1:
            # one label per output: "labels has 2 entries, scores 3" named the calibrator's
            # argument, not what the scorer made of held_out
            _labels(labels, len(raw), "the scorer's outputs for held_out",
                    "CalibratedScorer.fit: ")
        self.calibrator.fit(raw, labels)
        return self

    def predict(self, inputs: Any) -> np.ndarray:
        """Calibrated probabilities of ``inputs``."""
        raw = self._raw(inputs, "predict", "inputs")
        return self.calibrator.predict(raw)


# --------------------------------------------------------------------------- measurements
def reliability_table(labels: ArrayLike, probabilities: ArrayLike, *, n_bins: int = 10,
                      strategy: str = "uniform") -> pd.DataFrame:
    """A reliability diagram's data: one row per bin with its edges, mean prediction,
    observed rate and count (:func:`recstack.metrics.reliability_curve`); plot
    ``observed_rate`` against ``mean_predicted`` beside the diagonal."""
    with _named("reliability_table"):
        return reliability_curve(labels, probabilities, n_bins=n_bins,
                                 strategy=strategy).to_frame()  # type: ignore[arg-type]


@contextmanager
def _named(function: str) -> Iterator[None]:
    """Errors of the metrics a measurement here calls, as a :class:`CalibrationError` that
    names the function the user called: ``n_bins must be a positive integer`` named no
    function, where this module's own messages do."""
    try:
        yield
    except MetricInputError as error:
        raise CalibrationError(f"{function}: {error}") from None


def activity_buckets(counts: ArrayLike, edges: tuple[int, ...] = (5, 20, 100)
                     ) -> pd.Categorical:
    """A bucket per entry of ``counts`` (interactions of a user, users of an item), as an
    ordered categorical: with edges ``(5, 20, 100)``, ``"<5"`` < ``"5-19"`` < ``"20-99"`` <
    ``">=100"`` (:func:`calibration_by_segment` reports them in that order)."""
    values = _numbers(counts, "activity_buckets: counts")
    if not isinstance(counts, pd.Categorical) and np.asarray(counts).dtype.kind == "b":
        # a mask where counts belong: true counted as 1 interaction, false as 0
        raise CalibrationError("activity_buckets: counts must be whole numbers >= 0 (a user's "
                               "interactions or an item's users), got true/false values")
    mixed = (None if isinstance(counts, pd.Categorical)
             else first_true_false(np.asarray(counts)))
    if mixed is not None:
        # one among counts was 1 interaction (true) or 0 (false), silently
        raise CalibrationError("activity_buckets: counts must be whole numbers >= 0 (a user's "
                               "interactions or an item's users), got the true/false value "
                               f"{mixed[1]!r} at {mixed[0]}")
    if values.ndim != 1:
        # a single number had no length (pandas' TypeError), a table gave a table of buckets
        raise CalibrationError(f"activity_buckets: counts must be a 1-D array, one count per "
                               f"prediction, got shape {values.shape}")
    bad = ~np.isfinite(values) | (values < 0) | (values != np.round(values))
    if bad.any():
        position = int(np.flatnonzero(bad.ravel())[0])
        raise CalibrationError(f"activity_buckets: counts must be whole numbers >= 0; "
                               f"position {position} holds {float(values.ravel()[position])!r}")
    bounds = _bucket_edges(edges)
    names = [f"<{bounds[0]}"] + [f"{a}-{b - 1}" for a, b in zip(bounds, bounds[1:],
                                                                 strict=False)]
    names.append(f">={bounds[-1]}")
    codes = np.searchsorted(bounds, values, side="right")
    return pd.Categorical.from_codes(codes, categories=names, ordered=True)


def _bucket_edges(edges: Any) -> list[int]:
    """The edges of :func:`activity_buckets` as increasing whole numbers >= 1, refused
    naming the first one out of place: a count is >= 0, so an edge of 0 or below made a
    bucket ``"<0"`` no count can be in (and names such as ``"-5-2"``); an edge not above the
    one before made a bucket that holds nothing; text ("5") was read character by
    character, and a set in no order."""
    wanted = "increasing integers >= 1 such as (5, 20, 100), one per bucket bound"
    if isinstance(edges, str | bytes | dict | set | frozenset) \
            or not isinstance(edges, Sequence | np.ndarray) or np.ndim(edges) != 1 \
            or not len(edges):
        raise CalibrationError(f"activity_buckets: edges must be {wanted}, got "
                               f"{type(edges).__name__} {edges!r:.60}")
    bounds: list[int] = []
    for position, given in enumerate(edges):
        edge = exact_as_int(given)  # Decimal("5"), Fraction(5, 1): read as 5
        # a Python integer of any size is whole (float(10**30) is not 10**30)
        whole = (isinstance(edge, int | np.integer) and not isinstance(edge, bool)) or (
            isinstance(edge, float | np.floating) and float(edge).is_integer())
        problem = ("is not a whole number" if not whole
                   else "is larger than any count (an edge is at most 2**63 - 1)"
                   if int(edge) >= 2**63
                   else "is below 1 (counts are >= 0, so the bucket below it would hold "
                        "nothing)" if int(edge) < 1
                   else f"is not above the edge before it ({bounds[-1]})"
                   if bounds and int(edge) <= bounds[-1] else None)
        if problem:
            shown = given.item() if isinstance(given, np.generic) else given
            hint = number_spelling_hint(shown, int, f"edges[{position}]")
            raise CalibrationError(f"activity_buckets: edges must be {wanted}; edges"
                                   f"[{position}] = {shown!r} {problem}{hint}")
        bounds.append(int(edge))
    return bounds


#: the segment value of predictions without one in :func:`calibration_by_segment`
MISSING_SEGMENT = "(missing)"


def calibration_by_segment(labels: ArrayLike, probabilities: ArrayLike,
                           segments: dict[str, ArrayLike] | None = None, *,
                           n_bins: int = 10) -> pd.DataFrame:
    """ECE and calibration ratio overall and per segment value.

    Parameters
    ----------
    labels, probabilities : array_like, shape (n,)
    segments : dict of name (text) -> array_like or pandas.Categorical of shape (n,), optional
        E.g. ``{"user_activity": activity_buckets(user_counts[users]), "item_popularity":
        activity_buckets(item_counts[items])}``.
    n_bins : int
        Uniform bins of the ECE.

    Returns
    -------
    pandas.DataFrame
        Columns ``segment``, ``value``, ``n``, ``positives``, ``mean_predicted``,
        ``observed_rate``, ``ece``, ``calibration_ratio``; the first row is ``("all",
        "all")``. A segment value with a single class still gets its ECE; its ratio is NaN
        without positives (said with a :class:`~recstack.metrics.OneClassWarning` when no
        label at all is 1, not for each segment value). Predictions whose segment value is
        missing (None, NaN) are the value ``"(missing)"``.
    """
    check_aligned(("labels", labels), ("probabilities", probabilities), error=CalibrationError,
                  where="calibration_by_segment: ")
    where = "calibration_by_segment: "
    # predicted classes (or the labels) in the probabilities' place were read as certainties
    # 1 and 0, as reliability_table and the calibrators refuse them
    refuse_booleans(f"{where}probabilities", probabilities, CalibrationError,
                    wanted="the predicted probabilities in [0, 1]")
    p = _numbers(probabilities, f"{where}probabilities")
    if p.ndim != 1:
        raise CalibrationError(f"{where}probabilities must be a 1-D array, got shape "
                               f"{p.shape}")
    y = _labels(labels, len(p), "probabilities", where, paired_values=p,
                order="the order is calibration_by_segment(labels, probabilities, segments)")
    if not len(y):
        raise CalibrationError(f"{where}labels and probabilities are empty")
    outside = ~np.isfinite(p) | (p < 0) | (p > 1)
    if outside.any():
        position = int(np.flatnonzero(outside)[0])
        raise CalibrationError(f"{where}probabilities must be in [0, 1]; position {position} "
                               f"holds {float(p[position])!r}{_missing_note(p[position])}")
    if segments is not None and not isinstance(segments, dict):
        raise CalibrationError(f"{where}segments must be a dict of name -> one value per "
                               f"prediction, got {type(segments).__name__}")
    _refuse_names_read_alike(segments or {}, where)
    # labels without a positive: the "all" row's ratio is NaN, said once under this
    # function's name (it was said as calibration_ratio, a function the user never called)
    with _named("calibration_by_segment"), \
            one_class_said_once("calibration_by_segment", labels="labels"):
        rows = [_segment_row("all", "all", y, p, n_bins)]
    for name, values in (segments or {}).items():
        check_aligned(("labels", labels), (f"segments[{name!r}]", values),
                      error=CalibrationError, where=where)
        _refuse_table_of_values(name, values, len(y), where)
        # an ordered categorical (activity_buckets) keeps its order, other values sort
        try:
            keys = (values if isinstance(values, pd.Categorical)
                    else pd.Categorical(np.asarray(values, dtype=object).ravel()))
        except (TypeError, ValueError):
            # a list or dict per prediction cannot be a segment value (unhashable)
            raise CalibrationError(
                f"{where}segment {name!r} must hold one value (a text or "
                "a number) per prediction, such as activity_buckets(counts); got "
                f"{type(values).__name__} whose entries are not single values") from None
        if len(keys) != len(y):
            raise CalibrationError(f"{where}segment {name!r} has {len(keys)} entries for "
                                   f"{len(y)} predictions; give one value per prediction")
        _refuse_values_read_alike(name, keys, where)
        _refuse_mixed_kinds(name, values, keys, where)
        # a segment value without a positive is common and its row shows positives = 0
        # beside its NaN ratio (documented): not said once per value
        with one_class_said_once("calibration_by_segment", quiet=True):
            for code, value in enumerate(keys.categories):
                chosen = np.asarray(keys.codes) == code
                if chosen.any():
                    rows.append(_segment_row(name, str(value), y[chosen], p[chosen], n_bins))
            # predictions without a value (None, NaN) are a row of their own, so that a
            # segment's rows always add up to all the predictions
            missing = np.asarray(keys.codes) == -1
            if missing.any():
                rows.append(_segment_row(name, MISSING_SEGMENT, y[missing], p[missing],
                                         n_bins))
    return pd.DataFrame(rows)


def _refuse_names_read_alike(segments: dict[Any, Any], where: str) -> None:
    """Refuse a segment named as the overall row is (``"all"``), or two segments whose
    names read alike (``"device"`` and ``"Device "``): the table's rows are told apart by
    their ``segment`` column alone, so a segment ``"all"`` of value ``"all"`` was a second
    row identical in name to the overall one, with other counts, and two names read alike
    mixed their rows. Names are compared as :func:`_refuse_values_read_alike` compares
    values (case and surrounding spaces aside)."""
    seen: dict[str, Any] = {}
    for name in segments:
        if not isinstance(name, str):
            # the overall row's segment is the text "all": a name 1 put the int 1 beside
            # it in one column (mixed types a parquet writer refuses, and a filter on "1"
            # missed); refused, not converted, as a name 1 and a name "1" would be one
            raise CalibrationError(
                f"{where}segment names must be text (the table's 'segment' column holds "
                f"them beside 'all'); got {name!r} ({type(name).__name__}): name it "
                f"{str(name)!r} or by what it measures (e.g. 'user_activity')")
        read = str(name).strip().casefold()
        if read == "all":
            raise CalibrationError(
                f"{where}segment {name!r} is named as the table's overall row ('all', "
                "'all'), so its rows would read as that row's; give the segment another "
                "name (e.g. 'all_users')")
        if read in seen:
            raise CalibrationError(
                f"{where}segments {seen[read]!r} and {name!r} have names that read alike, "
                "so their rows could not be told apart in the table; name each segment "
                "one way")
        seen[read] = name


def _refuse_table_of_values(name: Any, values: Any, n: int, where: str) -> None:
    """Refuse a segment given as a table (2-D) of more than one value per prediction: its
    cells were read row after row as values, so a 2 x 2 table for 4 predictions was taken
    as 4 values, each paired with another prediction, silently. One column per prediction
    (shape ``(n, 1)``, a DataFrame of one column) is read as that column."""
    if isinstance(values, pd.Categorical):
        return
    try:
        shape = np.shape(np.asarray(values, dtype=object))
    except (TypeError, ValueError):
        return  # ragged rows: refused as values that are not single below
    if len(shape) == 1 or (shape[:1] == (n,) and math.prod(shape[1:]) == 1):
        return
    several = (" (a list of values per prediction, or a table of several columns: give "
               "one segment per column)" if len(shape) == 2 and shape[1] > 1 else "")
    raise CalibrationError(f"{where}segment {name!r} must be 1-D, one value per prediction "
                           f"({n}), got shape {shape}{several}")


def _refuse_values_read_alike(name: str, keys: pd.Categorical, where: str) -> None:
    """Refuse a segment whose values are shown alike but differ (1 and '1', 'a' and 'a ',
    'iOS' and 'ios'): each was a row of its own in the table, two rows of one value with
    different counts (a column put together from a CSV and from code). Values differing
    only in case are one value, as the online metrics' variants are: a segment names a
    group of users or items, never a token whose case carries meaning."""
    codes = np.asarray(keys.codes)
    for value in keys.categories:
        if isinstance(value, str) and not value.strip():
            # a blank cell of a joined or exported column: a missing value in another
            # form, which was a row of its own beside the '(missing)' row, as the online
            # metrics refuse it for a variant
            blank = int(np.argmax(codes == keys.categories.get_loc(value)))
            raise CalibrationError(
                f"{where}segment {name!r} holds the empty text {value!r} at position {blank}; "
                "give every prediction a name or a number (a missing value is None or NaN, "
                f"shown as {MISSING_SEGMENT!r})")
        if (str(value).strip().casefold() == MISSING_SEGMENT and (codes == -1).any()):
            # the text '(missing)' beside missing values: two rows of the table named alike
            text, missing = (int(np.argmax(codes == keys.categories.get_loc(value))),
                             int(np.argmax(codes == -1)))
            raise CalibrationError(
                f"{where}segment {name!r} holds the text {value!r} (position {text}) and "
                f"missing values (position {missing}), which are shown as {MISSING_SEGMENT!r} "
                "too and would be two rows named alike; rename the value or fill the missing "
                "ones with it")
    seen: dict[str, Any] = {}
    for value in keys.categories:
        shown = str(value).strip().casefold()
        if shown in seen:
            first = seen[shown]
            at = [int(np.argmax(np.asarray(keys.codes) == keys.categories.get_loc(v)))
                  for v in (first, value)]
            raise CalibrationError(
                f"{where}segment {name!r} holds {first!r} (position {at[0]}) and {value!r} "
                f"(position {at[1]}), which read alike but would be two rows of the table; "
                "write each value one way (all text or all numbers, without spaces around "
                "it, in one case)")
        seen[shown] = value


def _value_kind(value: Any) -> str | None:
    """What a segment value is, as :func:`_refuse_mixed_kinds` words it: ``"text"``,
    ``"numbers"``, ``"true/false values"``, the type's name for anything else, None for a
    missing value (None, NaN, ``pd.NA``, ``NaT``)."""
    if isinstance(value, bool | np.bool_):
        return "true/false values"
    if isinstance(value, str):
        return "text"
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, numbers.Number) and not isinstance(value, complex | np.complexfloating):
        return "numbers"
    return type(value).__name__


def _refuse_mixed_kinds(name: str, values: Any, keys: pd.Categorical, where: str) -> None:
    """Refuse a segment holding values of two kinds (text and numbers, numbers and
    true/false), naming a position of each: the text '1' and the number 1.0 were two rows
    of the table, one group split in two, and True was counted with the number 1 under
    whichever came first. One rule, as for case: a segment value is written one way.
    Whole and fractional numbers are one kind (1 and 1.0 are one value, one row)."""
    if isinstance(values, pd.Categorical):
        raw = np.asarray(keys.categories, dtype=object)[np.asarray(keys.codes)]
        raw[np.asarray(keys.codes) == -1] = None
    else:
        raw = np.asarray(values, dtype=object).ravel()
    first: dict[str, int] = {}
    for position, value in enumerate(raw.tolist()):
        kind = _value_kind(value)
        if kind is not None and kind not in first:
            first[kind] = position
            if len(first) == 2:
                (kind_a, at_a), (kind_b, at_b) = first.items()
                raise CalibrationError(
                    f"{where}segment {name!r} holds {kind_a} ({raw[at_a]!r} at position "
                    f"{at_a}) and {kind_b} ({raw[at_b]!r} at position {at_b}); a segment's "
                    "values are written one way, all text or all numbers (e.g. "
                    f"segments[{name!r}] = [str(v) for v in values]), or the two would be "
                    "split into rows of their own or counted as one")


def _segment_row(segment: str, value: str, y: np.ndarray, p: np.ndarray, n_bins: int
                 ) -> dict[str, Any]:
    return {"segment": segment, "value": value, "n": len(y), "positives": int(y.sum()),
            "mean_predicted": float(p.mean()), "observed_rate": float(y.mean()),
            "ece": expected_calibration_error(y, p, n_bins=n_bins),
            "calibration_ratio": calibration_ratio(y, p)}
