"""Evaluation of point predictions: ratings on held-out rows, and probabilities of labels."""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from recstack.data.interactions import (
    Interactions,
    caller_stacklevel,
    undeclared_rating_range_hint,
)
from recstack.errors import ConfigError, RecstackError, counted, shown
from recstack.evaluation.evaluator import (
    check_interactions,
    check_metric_names,
    listed_settings,
    of_total,
    pandas_as_list,
    refuse_model_class,
)
from recstack.metrics import classification, regression
from recstack.metrics._validation import (
    MetricInputError,
    as_float_array,
    refuse_reordered_rows,
)
from recstack.specs import arguments_named

RATING_METRICS = {
    "rmse": regression.rmse, "mse": regression.mse, "mae": regression.mae,
    "huber": regression.huber_loss, "mape": regression.mape, "smape": regression.smape,
    "msle": regression.msle,
}


@arguments_named
def evaluate_ratings(model: Any, test: Interactions,
                     metrics: tuple[str, ...] = ("rmse", "mae")) -> dict[str, float]:
    """Errors of ``model``'s predicted ratings on the held-out ``test`` rows.

    ``model.score(users, items)`` must return predicted ratings (explicit models such as
    ``mf``); lower is better for every metric here.

    Predictions are scored as the model gives them, as scikit-learn's and Surprise's
    accuracy functions score them: the error of a prediction of 7 for a 5-star rating is 2,
    since that is what the model would serve. Predictions outside the test's
    ``rating_range`` get an :class:`OutOfScaleRatingsWarning` naming how many and the
    furthest (a model that should clip to the scale, as recstack's ``mf`` and Surprise's
    ``predict(clip=True)`` do, or scores on another scale, such as 0 to 100, read as
    ratings). NaN and infinite predictions are refused, as are predictions of another
    count than the test rows (one per test pair, in order), a pandas Series indexed by
    (user, item) pairs other than the test pairs or in another order, or by the row numbers
    in another order (values are read by position, not by label), and a DataFrame.

    Example: ratings 1, 5, 3 predicted 0, 7, 4: errors 1, 2, 1, RMSE sqrt(6/3) = 1.414,
    MAE 4/3 (with the warning).
    """
    check_interactions(test=test)
    refuse_model_class(model)
    if not callable(getattr(model, "score", None)):
        # as Evaluator.evaluate says of score_users: an AttributeError named no argument
        raise ConfigError(f"model: expected a fitted recommender (with score(users, items)), "
                          f"got {type(model).__name__} {model!r:.60}")
    if getattr(model, "predicts_ratings", True) is False:
        # a ranking model's scores (popularity counts, similarities) are on no rating scale:
        # their RMSE was a number that measured nothing
        label = getattr(model, "name", type(model).__name__)
        raise RecstackError(f"{label} gives ranking scores, not predicted ratings, so rating "
                            "metrics of them mean nothing; evaluate it with Evaluator (ranking "
                            "metrics), or rate with a model that predicts ratings (mf, "
                            "neural_mf)")
    if not test.is_explicit:
        raise RecstackError("rating metrics need explicit ratings; these test interactions "
                            "are implicit (rating_range is None)"
                            + undeclared_rating_range_hint(test))
    fitted_range = getattr(model, "rating_range_", None)
    if isinstance(fitted_range, tuple) and len(fitted_range) == 2 and test.rating_range \
            is not None and tuple(map(float, fitted_range)) != tuple(map(float,
                                                                         test.rating_range)):
        # predictions are kept on the training scale: against ratings of another scale the
        # errors measured the gap between the scales, not the model
        label = getattr(model, "name", type(model).__name__)
        low, high = (float(v) for v in fitted_range)
        raise RecstackError(f"{label} predicts ratings on the scale it was trained on, "
                            f"{low:g} to {high:g}, but the test's rating_range is "
                            f"{test.rating_range}; evaluate it on test rows of the data it "
                            "was trained on (a split's test), whose ratings share that scale")
    # a generator, a set or a pandas Series of names as the list it holds, as the
    # Evaluator reads them (a set was refused as "no list", a generator by its address)
    metrics = listed_settings(pandas_as_list(metrics, "metrics"), "metrics")
    if metrics is None or (isinstance(metrics, Sequence | np.ndarray)
                           and not isinstance(metrics, str | bytes) and not len(metrics)):
        raise ConfigError(f"metrics must name at least one rating metric such as "
                          f"('rmse', 'mae'), got {shown(metrics)}; available: "
                          + ", ".join(RATING_METRICS))
    # the evaluator's rule for a list of metric names (a bare "rmse" was taken here while
    # Evaluator(metrics="ndcg") and ranking_metrics refused one): one rule for all
    check_metric_names(metrics, list(RATING_METRICS), "available: ", kind="rating ",
                       at_each_k=False)
    metrics = tuple(metrics)
    if len(test) == 0:
        raise RecstackError("no test rows to evaluate ratings on")
    users = test.users.to_external(test.user_index)
    items = test.items.to_external(test.item_index)
    label = getattr(model, "name", type(model).__name__)
    raw = model.score(users, items)
    # None, a single number or true/false values were read as numbers ("must be 1-D, got
    # an array of shape ()" for None; True as a rating of 1 without a word), where the
    # evaluator refuses each naming what the model returned
    if raw is None or (len(raw.shape) == 0 if hasattr(raw, "shape") else
                       isinstance(raw, numbers.Number | str | bytes)):
        raise RecstackError(f"{label}.score(users, items) returned "
                            f"{'None' if raw is None else f'the single value {shown(raw):.40}'} "
                            f"where predicted ratings belong; it must give one rating per "
                            f"(user, item) pair, {len(test):,} here")
    # numpy's bool, pandas' nullable "boolean" and pyarrow's bool alike (the last two were
    # read as the ratings 1 and 0 without a word)
    if _is_true_false(getattr(raw, "dtype", None)) or (
            isinstance(raw, list | tuple) and raw and all(isinstance(v, bool) for v in raw)):
        low, high = test.rating_range or (math.nan, math.nan)  # explicit: checked above
        raise RecstackError(f"{label}.score(users, items) returned true/false values where "
                            "predicted ratings belong; give numbers on the rating scale "
                            f"({low:g} to {high:g})")
    _refuse_misaligned(raw, label, users, items)
    _refuse_gaps_and_flags(raw, label, users, items, test)
    predicted = as_float_array(raw, f"{label}'s predicted ratings",
                               ndim=1, allow_nan=True, allow_inf=True)
    if predicted.shape != (len(test),):
        raise RecstackError(f"{label} returned "
                            f"{counted(predicted.shape[0], 'predicted rating')} for "
                            f"{counted(len(test), 'test row')}; score(users, items) must give "
                            "one per pair")
    bad = ~np.isfinite(predicted)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise RecstackError(
            f"{label} predicted {predicted[row]} for user {shown(users[row])} and item "
            f"{shown(items[row])} ({_rows_that(int(bad.sum()), len(test), 'is', 'are')} not "
            "finite); rating metrics need a number for every test pair")
    _warn_out_of_scale(predicted, test, label, users, items)
    actual = test.value.astype(np.float64)
    return {name: RATING_METRICS[name](actual, predicted) for name in metrics}


class OutOfScaleRatingsWarning(UserWarning):
    """:func:`evaluate_ratings` scored predictions that lie outside the test's rating scale
    (7 for a 5-star rating): the model should clip them itself, or its scores are on another
    scale."""


def _warn_out_of_scale(predicted: np.ndarray, test: Interactions, label: str,
                       users: np.ndarray, items: np.ndarray) -> None:
    """Warn when ``predicted`` leaves ``test.rating_range``, with how many and the furthest
    (they were scored without a word: an RMSE inflated by predictions on a 0-100 scale read
    as a poor model rather than a scale mistake)."""
    low, high = (float(v) for v in test.rating_range or (-math.inf, math.inf))
    outside = (predicted < low) | (predicted > high)
    if not outside.any():
        return
    distance = np.where(predicted < low, low - predicted, predicted - high)
    row = int(np.argmax(distance))
    warnings.warn(OutOfScaleRatingsWarning(
        f"{label} predicted {of_total(int(outside.sum()), len(predicted), 'rating')} outside "
        f"the test's rating scale ({low:g} to {high:g}), the furthest "
        f"{float(predicted[row])!r} for user {shown(users[row])} and item "
        f"{shown(items[row])}; {'it is' if outside.sum() == 1 else 'they are'} scored as "
        f"given: clip {'it' if outside.sum() == 1 else 'them'} to the scale in the model, or "
        "check that its scores are ratings on this scale"), stacklevel=caller_stacklevel())


def _refuse_misaligned(raw: Any, label: str, users: np.ndarray, items: np.ndarray) -> None:
    """Refuse predictions that pandas holds in another order than the test pairs asked:
    predictions are read by position, one per test pair, so a Series indexed by (user,
    item) pairs in another order (or by other pairs), or by the row numbers in another
    order (a sorted copy), was scored against other pairs' ratings without a word. A
    DataFrame (user, item and score columns) is refused by what it is: its first text
    column was named as "text among the numbers", a frame of one column as "must be 1-D"."""
    if isinstance(raw, pd.DataFrame):
        columns = ", ".join(repr(column) for column in list(raw.columns)[:5]) or "none"
        raise RecstackError(
            f"{label}.score(users, items) returned a pandas DataFrame (columns {columns}) "
            "where predicted ratings belong; it must give one number per (user, item) "
            f"pair, {len(users):,} here, in the order the pairs were given (an array, a "
            "list or a Series)")
    if not isinstance(raw, pd.Series):
        return
    index = raw.index
    if isinstance(index, pd.MultiIndex) and index.nlevels == 2 and len(index) == len(users):
        if index.equals(pd.MultiIndex.from_arrays([users, items])):
            return
        labels = index.tolist()

        def same(given: Any, asked: Any) -> bool:
            # an id of another type spelt alike (the text "7" of the integer id 7) is
            # that id, as the loaders read it
            # (pd.NA's == is no truth value)
            try:
                return given is asked or bool(given == asked) or str(given) == str(asked)
            except (TypeError, ValueError):
                return False

        at = next((row for row, (user, item) in enumerate(labels)
                   if not (same(user, users[row]) and same(item, items[row]))), None)
        if at is None:
            return
        asked = set(zip(users.tolist(), items.tolist(), strict=True))
        user, item = labels[at]
        if set(labels) == asked:
            problem = "(user, item) pairs in another order than the test pairs"
        else:
            absent = sum(pair not in asked for pair in labels)
            problem = ("(user, item) pairs other than the test pairs "
                       f"({of_total(absent, len(labels), 'pair')} "
                       f"{'is' if absent == 1 else 'are'} not in the test)" if absent
                       else "(user, item) pairs other than the test pairs")
        raise RecstackError(
            f"{label}.score(users, items) returned a pandas Series indexed by {problem}: "
            f"position {at} holds user {shown(user)} and item {shown(item)}, where test "
            f"row {at} is user {shown(users[at])} and item {shown(items[at])}; predictions "
            "are read by position, one per test pair, so each would be scored against "
            "another pair's rating: give them in the order the pairs were given (e.g. "
            "predictions.reindex(pd.MultiIndex.from_arrays([users, items])))")
    refuse_reordered_rows(raw, f"{label}'s predicted ratings", RecstackError)


def _is_true_false(dtype: Any) -> bool:
    """Whether ``dtype`` (numpy's or pandas', or None) holds true/false values."""
    if dtype is None:
        return False
    try:
        return bool(pd.api.types.is_bool_dtype(dtype))
    except TypeError:
        return False


def nullable_gaps(values: Any) -> np.ndarray | None:
    """Where a pandas nullable column or array (``Float64``, ``Int64``, ``boolean``,
    ``double[pyarrow]``...) holds pd.NA, or None for any other value: numpy reads its gaps
    as NaN, which was then reported as a prediction or label of "nan"."""
    dtype = getattr(values, "dtype", None)
    if not isinstance(dtype, pd.api.extensions.ExtensionDtype) or dtype.na_value is not pd.NA:
        return None
    return np.asarray(pd.isna(values), dtype=bool).ravel()


def _refuse_gaps_and_flags(raw: Any, label: str, users: np.ndarray, items: np.ndarray,
                           test: Interactions) -> None:
    """Refuse, naming the first by its user and item, a missing prediction (None, pandas'
    NA) and a true/false value among numbers in predictions held as Python objects (a
    list, an object array or column): None was reported as "predicted nan", and ``True``
    beside numbers was read as the rating 1 without a word."""
    gaps = nullable_gaps(raw)
    if gaps is not None:
        if gaps.any() and len(gaps) == len(test):
            row = int(np.argmax(gaps))
            raise RecstackError(
                f"{label} predicted pd.NA (a missing value of the nullable type {raw.dtype}) "
                f"for user {shown(users[row])} and item {shown(items[row])} "
                f"({_rows_that(int(gaps.sum()), len(test), 'has', 'have')} no prediction); "
                "rating metrics need a number for every test pair")
        return
    if isinstance(raw, list | tuple):
        values = list(raw)
    elif isinstance(raw, np.ndarray | pd.Series) and raw.dtype == object and raw.ndim == 1:
        values = raw.tolist()
    else:
        return  # numbers (or what as_float_array refuses by name)
    missing = [v is None or v is pd.NA for v in values]
    flags = [isinstance(v, bool | np.bool_) for v in values]
    if any(missing) and len(values) == len(test):
        row = missing.index(True)
        raise RecstackError(
            f"{label} predicted {values[row]} for user {shown(users[row])} and item "
            f"{shown(items[row])} ({_rows_that(sum(missing), len(test), 'has', 'have')} no "
            "prediction); rating metrics need a number for every test pair")
    if any(flags) and len(values) == len(test):
        row = flags.index(True)
        low, high = test.rating_range or (math.nan, math.nan)  # explicit: checked before
        raise RecstackError(
            f"{label} predicted {values[row]} for user {shown(users[row])} and item "
            f"{shown(items[row])} ({_rows_that(sum(flags), len(test), 'is a', 'are')} "
            f"true/false {'value' if sum(flags) == 1 else 'values'}); give numbers on the "
            f"rating scale ({low:g} to {high:g})")


@dataclass(frozen=True)
class ProbabilityReport:
    """How good and how calibrated predicted probabilities are."""

    log_loss: float
    normalized_cross_entropy: float
    relative_information_gain: float
    roc_auc: float
    calibration_ratio: float
    expected_calibration_error: float
    reliability: classification.ReliabilityCurve

    def to_dict(self) -> dict[str, float | None]:
        """The numbers as JSON takes them: an undefined one (NaN: ROC AUC and the
        normalised entropies of labels of one class) is None, as in
        :meth:`EvaluationResult.to_dict`; json.dumps wrote it as NaN, which is not JSON."""
        return {k: None if math.isnan(v) else float(v) for k, v in self.__dict__.items()
                if k != "reliability"}


@arguments_named
def evaluate_probabilities(y_true: Any, y_prob: Any, *, n_bins: int = 10,
                           strategy: classification.BinStrategy = "uniform"
                           ) -> ProbabilityReport:
    """Log loss, normalised cross entropy (and 1 - NE), ROC AUC, the calibration ratio
    (sum of predictions over sum of labels), expected calibration error and the reliability
    curve of probabilities ``y_prob`` for binary labels ``y_true``."""
    for name, given in (("y_true", y_true), ("y_prob", y_prob)):
        gaps = nullable_gaps(given)
        if gaps is not None and gaps.any():
            # numpy read pandas' NA as NaN: "must be finite; position 1 holds nan"
            position = int(np.argmax(gaps))
            raise MetricInputError(
                f"{name}: position {position} holds pd.NA, a missing value of the nullable "
                f"type {given.dtype} ({int(gaps.sum()):,} in all); every position needs "
                f"{'a label, 0 or 1' if name == 'y_true' else 'a probability'}: drop the "
                "rows without one first, or fill them")
    # labels of one class: one OneClassWarning for the report, not one per figure
    with classification.one_class_said_once("evaluate_probabilities"):
        return _probability_report(y_true, y_prob, n_bins, strategy)


def _probability_report(y_true: Any, y_prob: Any, n_bins: int,
                        strategy: classification.BinStrategy) -> ProbabilityReport:
    return ProbabilityReport(
        log_loss=classification.log_loss(y_true, y_prob),
        normalized_cross_entropy=classification.normalized_cross_entropy(y_true, y_prob),
        relative_information_gain=classification.relative_information_gain(y_true, y_prob),
        roc_auc=classification.roc_auc(y_true, y_prob),
        calibration_ratio=classification.calibration_ratio(y_true, y_prob),
        expected_calibration_error=classification.expected_calibration_error(
            y_true, y_prob, n_bins=n_bins, strategy=strategy),
        reliability=classification.reliability_curve(y_true, y_prob, n_bins=n_bins,
                                                     strategy=strategy),
    )


def _rows_that(part: int, total: int, one: str, many: str) -> str:
    """``2 of 5 test rows are``, ``the one test row is``, ``1 of 3 test rows is``:
    a part of the test rows and its verb in agreement (it was "1 of 1 test rows are")."""
    return f"{of_total(part, total, 'test row')} {one if part == 1 else many}"
