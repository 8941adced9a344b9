r"""Metrics for binary predictions (click / no click, relevant / not), one number per sample.

Inputs are 1-D: ``y_true`` holds labels 0 or 1 (booleans are fine), ``y_prob`` predicted
probabilities of label 1 in ``[0, 1]``, ``y_score`` any real-valued score.

Conventions
-----------
* An empty sample raises :class:`~recstack.metrics.MetricInputError` (a ``ValueError``), as do
  lengths that differ, labels other than 0/1, probabilities outside ``[0, 1]`` and NaN.
* A value whose formula is 0/0 on the given data (a single class for AUC, no predicted
  positives for precision, no positive labels for the calibration ratio) is ``NaN``, never a
  silent 0; each function says when. Labels of a single class that make a value NaN (ROC
  AUC, the normalised cross-entropy and the relative information gain; the calibration ratio,
  the recall at a threshold and F1 when no label is 1) are also said once per call with a
  :class:`OneClassWarning` naming the metric and the class present;
  :func:`one_class_said_once` gathers the notices of several metrics computed on the same
  labels into one. A precision that is NaN because no score reaches the threshold is said
  too, with the same warning naming the threshold and the highest score.
* Logarithms are natural logarithms (nats).
"""

from __future__ import annotations

import math
import numbers
import warnings
from contextvars import ContextVar, Token
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from recstack.data.interactions import caller_stacklevel, refuse_ragged
from recstack.errors import counted, shown_number
from recstack.metrics._auc import exactly_ordered, rowwise_auc, unrounded
from recstack.metrics._validation import (
    MetricInputError,
    as_binary_labels,
    as_float_1d,
    as_probabilities,
    check_aligned,
    check_choice,
    check_finite_float,
    check_k,
    check_positive_float,
    check_same_length,
    count_shown,
    refuse_predicted_classes,
)
from recstack.specs import arguments_named

__all__ = [
    "BinStrategy",
    "OneClassWarning",
    "ReliabilityCurve",
    "ThresholdScores",
    "brier_score",
    "calibration_ratio",
    "expected_calibration_error",
    "f1_at_threshold",
    "group_auc",
    "log_loss",
    "normalized_cross_entropy",
    "one_class_said_once",
    "precision_at_threshold",
    "precision_recall_f1",
    "recall_at_threshold",
    "relative_information_gain",
    "reliability_curve",
    "roc_auc",
]

BinStrategy = Literal["uniform", "quantile"]
_STRATEGIES: tuple[str, ...] = ("uniform", "quantile")
#: bins of a reliability curve at most: a finer curve means nothing and would only allocate
MAX_BINS = 100_000

#: Default clipping of probabilities in the log losses; keeps ``log(0)`` finite.
DEFAULT_EPS = 1e-15


class OneClassWarning(UserWarning):
    """The labels hold a single class, so a metric that needs both (ROC AUC, the normalised
    cross-entropy, the calibration ratio, recall and F1 at a threshold without a positive
    label) is undefined there and is ``NaN``; or the predictions at a threshold hold a single
    class, 0, so the precision (the share of predicted positives that are right) is. Said,
    since a NaN among figures reads as a gap, not as a fact about the labels."""


#: why each metric is undefined on labels of one class (the class that makes it so: None
#: for either)
_ONE_CLASS_REASONS: dict[str, tuple[int | None, str]] = {
    "roc_auc": (None, "it compares the scores of positives with those of negatives"),
    "normalized_cross_entropy": (None, "its denominator, the entropy of the labels, is 0"),
    "relative_information_gain": (None, "it is 1 - NE, and NE's denominator, the entropy of "
                                        "the labels, is 0"),
    "calibration_ratio": (0, "it divides by the number of positive labels, 0"),
    "recall_at_threshold": (0, "it divides by the number of positive labels, 0"),
    "recall": (0, "it divides by the number of positive labels, 0"),
    # F1 = 2TP / (2TP + FP + FN) is NaN only when, besides no positive label, no score
    # reaches the threshold: the notice says both
    "f1_at_threshold": (0, "its denominator 2TP + FP + FN is 0, as no score reaches the "
                           "threshold either"),
    "recall and f1": (0, "both divide by a count that is 0 here (recall by the positive "
                         "labels; F1 by 2TP + FP + FN, as no score reaches the threshold "
                         "either)"),
}

#: the one-class notices gathered by :func:`one_class_said_once` (None: say each at once)
_GATHERED: ContextVar[list[tuple[str, int, int]] | None] = ContextVar(
    "recstack_one_class_notices", default=None)


class one_class_said_once:  # noqa: N801 - used as a function, ``with one_class_said_once(...)``
    """Gather the :class:`OneClassWarning` notices of the metrics computed inside into one,
    said when the block ends: ``"evaluate_probabilities: only class 0 in y_true (4 labels,
    none of class 1), so roc_auc and normalized_cross_entropy are undefined there and are
    NaN; ..."``. A report of several metrics on the same labels said it once per metric.
    ``labels`` names the labels' argument; ``quiet=True`` says nothing (a table whose rows
    show their own counts of positives). Nothing is said when the block raises.

    A class, not a generator: the warning points at the line of the ``with`` (through
    ``contextlib`` it pointed at ``contextlib.py``).
    """

    def __init__(self, function: str, *, labels: str = "y_true", quiet: bool = False) -> None:
        self.function, self.labels, self.quiet = function, labels, quiet
        self._notices: list[tuple[str, int, int]] = []
        self._token: Token[list[tuple[str, int, int]] | None] | None = None

    def __enter__(self) -> None:
        self._notices = []
        self._token = _GATHERED.set(self._notices)

    def __exit__(self, kind: type[BaseException] | None, *details: object) -> None:
        if self._token is not None:
            _GATHERED.reset(self._token)
            self._token = None
        if kind is not None or not self._notices or self.quiet:
            return
        metrics = list(dict.fromkeys(metric for metric, _, _ in self._notices))
        present, count = self._notices[0][1:]
        named = metrics[0] if len(metrics) == 1 else (
            f"{', '.join(metrics[:-1])} and {metrics[-1]}")
        verb = "is" if len(metrics) == 1 else "are"
        warnings.warn(
            f"{self.function}: {_only_class(present, count, self.labels)}, so {named} "
            f"{verb} undefined there and {verb} NaN; "
            f"{'it needs' if len(metrics) == 1 else 'they need'} labels of both classes "
            "(evaluate on a sample holding both)",
            OneClassWarning, stacklevel=caller_stacklevel())


def _only_class(present: int, count: int, labels: str) -> str:
    return (f"only class {present} in {labels} ({counted(count, 'label')}, none of class "
            f"{1 - present})")


def _say_one_class(metric: str, labels: NDArray[np.float64], *,
                   undefined: str | None = None) -> None:
    """Say that ``metric`` is NaN because ``labels`` hold one class, when they do (and the
    class is one that makes the metric undefined). ``undefined`` names the values that are
    NaN where they are not the metric itself (``"recall"`` of :func:`precision_recall_f1`)."""
    if labels.size == 0 or labels.min() != labels.max():
        return
    present = int(labels[0])
    undefined = undefined or metric
    needs, reason = _ONE_CLASS_REASONS[undefined]
    if needs is not None and present != needs:
        return
    gathered = _GATHERED.get()
    if gathered is not None:
        gathered.extend((name, present, int(labels.size)) for name in undefined.split(" and "))
        return
    verb = "are" if " and " in undefined else "is"
    warnings.warn(
        f"{metric}: {_only_class(present, int(labels.size), 'y_true')}, so {undefined} "
        f"{verb} undefined there and {verb} NaN: "
        f"{reason}; it needs labels of both classes (evaluate on a sample holding both)",
        OneClassWarning, stacklevel=caller_stacklevel())


def _threshold_shown(given: Any) -> str:
    """A threshold as written: ``0.9`` for ``Decimal("0.9")`` (its repr names the type)."""
    if isinstance(given, numbers.Number) and not isinstance(given, numbers.Integral | float):
        return str(given)
    return shown_number(given)


def _say_none_predicted(metric: str, scores: NDArray[np.float64], raw: ArrayLike,
                        given: Any, undefined: str | None = None) -> None:
    """Say that the precision ``undefined`` of ``metric`` is NaN because no score reaches
    the threshold ``given`` (nothing is predicted positive: 0 / 0)."""
    undefined = undefined or metric
    exact = unrounded(raw, scores)
    highest = max((exact if exact is not None else scores).ravel().tolist())
    warnings.warn(
        f"{metric}: no y_score reaches the threshold {_threshold_shown(given)} "
        f"({counted(int(scores.size), 'score')}, the highest {shown_number(highest)}), so "
        f"{undefined} is undefined there and is NaN: it divides by the number of scores "
        "predicted positive (y_score >= threshold), 0; lower the threshold to predict some "
        "positives, or read the NaN as no positive prediction",
        OneClassWarning, stacklevel=caller_stacklevel())


@arguments_named
def log_loss(y_true: ArrayLike, y_prob: ArrayLike, *, eps: float = DEFAULT_EPS) -> float:
    r"""Mean binary cross-entropy (log loss), in nats.

    .. math:: \mathrm{LL} = -\frac{1}{n} \sum_{i=1}^{n}
              \left[y_i \ln \hat p_i + (1 - y_i) \ln(1 - \hat p_i)\right],
              \qquad \hat p_i = \operatorname{clip}(p_i, \varepsilon, 1 - \varepsilon)

    Parameters
    ----------
    y_true : array_like of {0, 1}, shape (n,)
    y_prob : array_like of float in [0, 1], shape (n,)
        Predicted probability of label 1.
    eps : float, default 1e-15
        Probabilities are clipped to ``[eps, 1 - eps]`` so that a confident mistake costs
        ``-ln(eps)`` (about 34.5 nats) instead of infinity. Must lie in ``(0, 0.5)``. The
        definition itself has no clipping (a probability of 0 for a label 1 costs infinity);
        ``1e-15`` is scikit-learn's former default, while recent versions of
        :func:`sklearn.metrics.log_loss` clip at float64's machine epsilon (2.2e-16, a
        confident mistake costing 36.04 nats): the two agree wherever no probability lies
        within ``1e-15`` of 0 or 1 (pass ``eps=np.finfo(float).eps`` to match it there too).

    Returns
    -------
    float
        ``>= 0``; lower is better.
    """
    labels, probs = _labels_and_probabilities(y_true, y_prob)
    return _log_loss(labels, probs, _check_eps(eps))


@arguments_named
def normalized_cross_entropy(
    y_true: ArrayLike, y_prob: ArrayLike, *, eps: float = DEFAULT_EPS
) -> float:
    r"""Normalised cross-entropy: log loss relative to always predicting the base rate.

    .. math:: \mathrm{NE} = \frac{\mathrm{LL}(y, \hat p)}
              {-\left[\bar y \ln \bar y + (1 - \bar y) \ln(1 - \bar y)\right]},
              \qquad \bar y = \frac{1}{n}\sum_i y_i

    as defined by He et al. (2014, "Practical lessons from predicting clicks on ads at
    Facebook"). The denominator is the log loss of the constant prediction :math:`\bar y` (the
    entropy of the labels). Lower is better; 1 means no better than the base rate. The
    numerator is :func:`log_loss` with the same clipping; the denominator is not clipped.

    Parameters
    ----------
    y_true, y_prob, eps
        As in :func:`log_loss`.

    Returns
    -------
    float
        ``>= 0``; ``NaN`` when all labels are equal (the base-rate log loss is 0), with a
        :class:`OneClassWarning`.

    See Also
    --------
    relative_information_gain : ``1 - NE``, where higher is better.
    """
    labels, probs = _labels_and_probabilities(y_true, y_prob)
    value = _normalized_cross_entropy(labels, probs, eps)
    _say_one_class("normalized_cross_entropy", labels)
    return value


def _normalized_cross_entropy(labels: NDArray[np.float64], probs: NDArray[np.float64],
                              eps: float) -> float:
    model = _log_loss(labels, probs, _check_eps(eps))
    base_rate = float(labels.mean())
    if base_rate in (0.0, 1.0):
        return float("nan")
    baseline = -(base_rate * np.log(base_rate) + (1.0 - base_rate) * np.log1p(-base_rate))
    return float(model / baseline)


@arguments_named
def relative_information_gain(
    y_true: ArrayLike, y_prob: ArrayLike, *, eps: float = DEFAULT_EPS
) -> float:
    r"""Relative information gain, :math:`\mathrm{RIG} = 1 - \mathrm{NE}`.

    The share of the label entropy that the model's predictions explain: 0 for the constant
    base-rate prediction, 1 for perfect confident predictions, negative when worse than the base
    rate. Higher is better. See :func:`normalized_cross_entropy` for NE.

    Returns
    -------
    float
        ``<= 1``; ``NaN`` when all labels are equal, with a :class:`OneClassWarning`.
    """
    labels, probs = _labels_and_probabilities(y_true, y_prob)
    value = 1.0 - _normalized_cross_entropy(labels, probs, eps)
    # said as this metric, once: through normalized_cross_entropy it was said as NE
    _say_one_class("relative_information_gain", labels)
    return value


@arguments_named
def roc_auc(y_true: ArrayLike, y_score: ArrayLike) -> float:
    r"""Area under the ROC curve, ties counted as one half.

    .. math:: \mathrm{AUC} = \frac{1}{|P|\,|N|} \sum_{i \in P} \sum_{j \in N}
              \left([s_i > s_j] + \tfrac{1}{2}[s_i = s_j]\right)

    computed from average ranks (Mann-Whitney U), in ``O(n log n)``.

    Parameters
    ----------
    y_true : array_like of {0, 1}, shape (n,)
    y_score : array_like of float, shape (n,)
        Higher means more likely positive; ``±inf`` allowed, NaN not.

    Returns
    -------
    float
        In ``[0, 1]``; ``NaN`` if ``y_true`` holds a single class, with a
        :class:`OneClassWarning`.
    """
    check_aligned(("y_true", y_true), ("y_score", y_score))
    labels = as_binary_labels(y_true, "y_true", paired=("y_score", y_score))
    # predicted classes give the AUC of one threshold, not of the model's ranking
    refuse_predicted_classes(y_score, "y_score", "scores", "every positive tied at 1 and "
                             "every negative at 0, the AUC of one threshold")
    rounded = as_float_1d(y_score, "y_score", finite=False)
    check_same_length(("y_true", labels), ("y_score", rounded))
    # integer scores past 2**53 ranked by their own values, not by their merged floats
    scores = exactly_ordered(y_score, rounded)
    positive = labels[None, :] == 1
    value = float(rowwise_auc(scores[None, :], positive, np.ones_like(positive))[0])
    _say_one_class("roc_auc", labels)
    return value


#: what :func:`group_auc` weights each group's AUC by
_GROUP_WEIGHTS: tuple[str, ...] = ("impressions", "clicks")


def _group_id_kind(kind: type) -> str:
    """What a group id of type ``kind`` is, as :func:`_refuse_mixed_group_ids` words it."""
    if issubclass(kind, bool | np.bool_):
        return "true/false values"
    if issubclass(kind, str):
        return "text"
    if issubclass(kind, bytes):
        return "bytes"
    if issubclass(kind, numbers.Number):
        return "numbers"
    return kind.__name__


def _refuse_mixed_group_ids(ids: Any) -> None:
    """Refuse group ids of two kinds (text and numbers, numbers and true/false, bytes and
    text), naming a position of each: the text ``"1"`` and the number 1 were two groups,
    one user's samples split in two, and True was merged with the number 1 into one."""
    if getattr(ids, "dtype", None) != np.dtype(object):
        return  # one dtype, one kind
    raw = pd.Series(np.asarray(ids, dtype=object), copy=False)
    codes, types = pd.factorize(raw.map(type))
    first: dict[str, int] = {}
    for code, kind in enumerate(types):
        first.setdefault(_group_id_kind(kind), int(np.argmax(codes == code)))
    if len(first) < 2:
        return
    (kind_a, at_a), (kind_b, at_b) = sorted(first.items(), key=lambda pair: pair[1])[:2]
    raise MetricInputError(
        f"groups holds {kind_a} ({raw.iloc[at_a]!r} at position {at_a}) and {kind_b} "
        f"({raw.iloc[at_b]!r} at position {at_b}); a group id is written one way (all text "
        "or all numbers), or one user's samples are split into two groups or merged with "
        "another's")


def _refuse_ragged_group_ids(groups: Any) -> None:
    """Refuse ``groups`` given as lists of different lengths. Looked for only once the
    ids fail to read (pandas cannot hash a list; numpy makes nested lists 2-D): a Python
    loop over every sample cost 0.6 s of every call on 3M impressions given as a list."""
    refuse_ragged(groups, name="groups", wanted="one group id (user id) per sample",
                  error=MetricInputError)


def _refuse_unhashable_group_ids(ids: Any) -> None:
    """Refuse group ids held as objects that are collections (an object array of lists,
    a list of sets), naming the first: pandas' "unhashable type: 'list'" named no argument
    (a list of lists is refused earlier, by :func:`refuse_ragged`). Looked for only once
    pandas has failed, so that the common ids are hashed once."""
    for position, group in enumerate(np.asarray(ids, dtype=object).tolist()):
        try:
            hash(group)
        except TypeError:
            raise MetricInputError(
                f"groups must hold one group id (user id) per sample, but position "
                f"{position} holds a {type(group).__name__}; give each sample's id as one "
                "number or text") from None


@arguments_named
def group_auc(y_true: ArrayLike, y_score: ArrayLike, groups: ArrayLike, *,
              weight: str = "impressions") -> float:
    r"""Group AUC (GAUC): the ROC AUC of each group (user) among its own samples, averaged
    with weights (Zhou et al., "Deep Interest Network for Click-Through Rate Prediction",
    KDD 2018, section "Metrics"; after Zhu et al. 2017):

    .. math:: \mathrm{GAUC} = \frac{\sum_{u} w_u\, \mathrm{AUC}_u}{\sum_u w_u}

    with :math:`\mathrm{AUC}_u` the :func:`roc_auc` of user :math:`u`'s samples (ties one
    half) and :math:`w_u` their impressions, the user's number of samples (``"impressions"``,
    the paper's weight), or their clicks, the user's positive labels (``"clicks"``, a common
    variant). A group whose labels are all of one class has no AUC and is left out of both
    sums (its weight is not spread over the others' AUCs as a 0 or a 1/2), as common
    implementations leave it out.

    Parameters
    ----------
    y_true : array_like of {0, 1}, shape (n,)
    y_score : array_like of float, shape (n,)
        Higher means more likely positive; ``±inf`` allowed, NaN not.
    groups : array_like, shape (n,)
        The group (user id) of each sample: any ids of one kind (all text or all numbers;
        ``1`` and ``"1"``, or ``1`` and ``True``, are refused), no missing one.
    weight : {"impressions", "clicks"}, default "impressions"

    Returns
    -------
    float
        In ``[0, 1]``; ``NaN`` when no group holds both classes, with a
        :class:`OneClassWarning`.
    """
    check_aligned(("y_true", y_true), ("y_score", y_score), ("groups", groups))
    labels = as_binary_labels(y_true, "y_true", paired=("y_score", y_score))
    refuse_predicted_classes(y_score, "y_score", "scores", "every positive tied at 1 and "
                             "every negative at 0, the AUC of one threshold")
    rounded = as_float_1d(y_score, "y_score", finite=False)
    check_same_length(("y_true", labels), ("y_score", rounded))
    weight = check_choice(weight, "weight", _GROUP_WEIGHTS)
    # a list is read as the objects it holds: numpy would turn [1, "1"] into two texts "1"
    # and [1, True] into two numbers 1, one group where the ids are of two kinds
    ids = (groups if isinstance(groups, pd.Series | pd.Index | np.ndarray)
           else np.asarray(groups, dtype=object))
    if getattr(ids, "ndim", 1) != 1:
        _refuse_ragged_group_ids(groups)  # lists of different lengths named as such
        raise MetricInputError(f"groups must be 1-D, one group id per sample; got shape "
                               f"{np.shape(ids)}")
    try:
        codes, _ = pd.factorize(pd.Series(ids, copy=False) if not isinstance(ids, pd.Series)
                                else ids, use_na_sentinel=True)
    except TypeError:
        _refuse_ragged_group_ids(groups)
        _refuse_unhashable_group_ids(ids)
        raise
    check_same_length(("y_true", labels), ("groups", codes))
    if (codes < 0).any():
        missing = int(np.flatnonzero(codes < 0)[0])
        raise MetricInputError(f"groups: position {missing} holds a missing value; every "
                               "sample needs its group (user id)")
    _refuse_mixed_group_ids(ids)
    scores = exactly_ordered(y_score, rounded)
    # samples sorted by group, then score: average ranks within each group, ties one half
    order = np.lexsort((scores, codes))
    group, ordered, positive = codes[order], scores[order], labels[order]
    n = group.size
    position = np.arange(n, dtype=np.int64)
    starts_group = np.ones(n, dtype=bool)
    starts_group[1:] = group[1:] != group[:-1]
    starts_tie = starts_group.copy()
    starts_tie[1:] |= ordered[1:] != ordered[:-1]
    group_first = np.maximum.accumulate(np.where(starts_group, position, 0))
    tie_first = np.maximum.accumulate(np.where(starts_tie, position, 0))
    ends_tie = np.ones(n, dtype=bool)
    ends_tie[:-1] = starts_tie[1:]
    tie_last = np.minimum.accumulate(np.where(ends_tie, position, n)[::-1])[::-1]
    rank = (tie_first + tie_last) / 2.0 - group_first + 1.0  # 1-based, within the group
    size = np.bincount(group).astype(np.float64)
    n_pos = np.bincount(group, weights=positive)
    n_neg = size - n_pos
    rank_sum = np.bincount(group, weights=rank * positive)
    defined = (n_pos > 0) & (n_neg > 0)
    if not defined.any():
        warnings.warn(
            f"group_auc: none of the {counted(int(size.size), 'group')} holds labels of both "
            "classes, so no group has an AUC and the group AUC is undefined and is NaN; it "
            "needs groups (users) with both clicked and unclicked samples",
            OneClassWarning, stacklevel=caller_stacklevel())
        return float("nan")
    auc = ((rank_sum[defined] - n_pos[defined] * (n_pos[defined] + 1) / 2.0)
           / (n_pos[defined] * n_neg[defined]))
    weights = size[defined] if weight == "impressions" else n_pos[defined]
    return float(np.clip(np.sum(weights * auc) / np.sum(weights), 0.0, 1.0))


@arguments_named
def brier_score(y_true: ArrayLike, y_prob: ArrayLike) -> float:
    r"""Brier score (Brier 1950), the mean squared error of the probabilities:

    .. math:: \mathrm{BS} = \frac{1}{n} \sum_{i=1}^{n} (p_i - y_i)^2

    the binary form (one probability per sample, of label 1), as
    :func:`sklearn.metrics.brier_score_loss` computes it. Defined for labels of one class too.

    Returns
    -------
    float
        In ``[0, 1]``; lower is better.
    """
    labels, probs = _labels_and_probabilities(y_true, y_prob)
    return float(np.mean((probs - labels) ** 2))


@dataclass(frozen=True)
class ThresholdScores:
    """Confusion counts and derived scores of the rule "predict 1 if score >= threshold".

    ``precision`` is ``NaN`` when nothing is predicted positive, ``recall`` when there is no
    positive label, ``f1`` when both (``tp + fp + fn == 0``).
    """

    threshold: float
    true_positives: int
    false_positives: int
    false_negatives: int
    true_negatives: int
    precision: float
    recall: float
    f1: float


@arguments_named
def precision_recall_f1(
    y_true: ArrayLike, y_score: ArrayLike, *, threshold: float = 0.5
) -> ThresholdScores:
    r"""Precision, recall and F1 of the prediction ``y_score >= threshold``.

    .. math:: \mathrm{P} = \frac{TP}{TP + FP}, \quad \mathrm{R} = \frac{TP}{TP + FN}, \quad
              \mathrm{F1} = \frac{2\,TP}{2\,TP + FP + FN}

    F1 written with counts equals :math:`2PR/(P+R)` wherever that is defined, and is 0 (not
    NaN) when there is no true positive but some error.

    Parameters
    ----------
    y_true : array_like of {0, 1}, shape (n,)
    y_score : array_like of float, shape (n,)
        Probabilities or any scores; a score equal to the threshold predicts 1.
    threshold : float, default 0.5

    Returns
    -------
    ThresholdScores
        A NaN among its values is said with a :class:`OneClassWarning`: recall (and F1)
        when no label is 1, precision when no score reaches the threshold.
    """
    result, labels, scores, given = _confusion(y_true, y_score, threshold)
    if math.isnan(result.recall):
        _say_one_class("precision_recall_f1", labels,
                       undefined="recall and f1" if math.isnan(result.f1) else "recall")
    if math.isnan(result.precision):
        _say_none_predicted("precision_recall_f1", scores, y_score, given, "precision")
    return result


def _confusion(y_true: ArrayLike, y_score: ArrayLike, threshold: Any
               ) -> tuple[ThresholdScores, NDArray[np.float64], NDArray[np.float64], Any]:
    """The :class:`ThresholdScores` of ``y_score >= threshold``, said nothing, with the
    labels, the scores as floats and the threshold as given (for the notices)."""
    check_aligned(("y_true", y_true), ("y_score", y_score))
    labels = as_binary_labels(y_true, "y_true", paired=("y_score", y_score))
    scores = as_float_1d(y_score, "y_score", finite=False)
    check_same_length(("y_true", labels), ("y_score", scores))
    given, threshold = threshold, check_finite_float(threshold, "threshold")
    predicted = _at_least(y_score, scores, given, threshold)
    actual = labels == 1
    tp = int(np.count_nonzero(predicted & actual))
    fp = int(np.count_nonzero(predicted & ~actual))
    fn = int(np.count_nonzero(~predicted & actual))
    tn = int(labels.size - tp - fp - fn)
    return ThresholdScores(
        threshold=float(threshold),
        true_positives=tp,
        false_positives=fp,
        false_negatives=fn,
        true_negatives=tn,
        precision=_ratio(tp, tp + fp),
        recall=_ratio(tp, tp + fn),
        f1=_ratio(2 * tp, 2 * tp + fp + fn),
    ), labels, scores, given


@arguments_named
def precision_at_threshold(
    y_true: ArrayLike, y_score: ArrayLike, *, threshold: float = 0.5
) -> float:
    """Precision of ``y_score >= threshold``; see :func:`precision_recall_f1`. ``NaN`` when
    no score reaches the threshold, with a :class:`OneClassWarning`."""
    result, _, scores, given = _confusion(y_true, y_score, threshold)
    if math.isnan(result.precision):
        _say_none_predicted("precision_at_threshold", scores, y_score, given)
    return result.precision


@arguments_named
def recall_at_threshold(y_true: ArrayLike, y_score: ArrayLike, *, threshold: float = 0.5) -> float:
    """Recall of ``y_score >= threshold``; see :func:`precision_recall_f1`. ``NaN`` when no
    label is 1, with a :class:`OneClassWarning`."""
    result, labels, _, _ = _confusion(y_true, y_score, threshold)
    if math.isnan(result.recall):
        _say_one_class("recall_at_threshold", labels)
    return result.recall


@arguments_named
def f1_at_threshold(y_true: ArrayLike, y_score: ArrayLike, *, threshold: float = 0.5) -> float:
    """F1 of ``y_score >= threshold``; see :func:`precision_recall_f1`. ``NaN`` when no
    label is 1 and no score reaches the threshold, with a :class:`OneClassWarning`."""
    result, labels, _, _ = _confusion(y_true, y_score, threshold)
    if math.isnan(result.f1):
        _say_one_class("f1_at_threshold", labels)
    return result.f1


@arguments_named
def calibration_ratio(y_true: ArrayLike, y_prob: ArrayLike) -> float:
    r"""Sum of predicted probabilities over the number of positive labels.

    .. math:: \frac{\sum_i p_i}{\sum_i y_i}

    1 for a model calibrated on average; above 1 it over-predicts, below 1 it under-predicts.

    Returns
    -------
    float
        ``NaN`` when there is no positive label, with a :class:`OneClassWarning`.
    """
    labels, probs = _labels_and_probabilities(y_true, y_prob)
    value = _ratio(float(probs.sum()), float(labels.sum()))
    _say_one_class("calibration_ratio", labels)
    return value


@dataclass(frozen=True)
class ReliabilityCurve:
    """Per-bin calibration statistics (a reliability diagram's data).

    All arrays have one entry per bin, empty bins included (count 0, NaN means).

    Attributes
    ----------
    bin_lower, bin_upper : ndarray of float64
        Bin edges. A prediction ``p`` falls in bin ``b`` when ``bin_lower[b] < p <=
        bin_upper[b]``; the first bin also takes ``p == bin_lower[0]``.
    mean_predicted : ndarray of float64
        Mean predicted probability in the bin.
    observed_rate : ndarray of float64
        Share of positive labels in the bin.
    count : ndarray of int64
        Predictions in the bin.
    """

    bin_lower: NDArray[np.float64]
    bin_upper: NDArray[np.float64]
    mean_predicted: NDArray[np.float64]
    observed_rate: NDArray[np.float64]
    count: NDArray[np.int64]

    def to_frame(self) -> pd.DataFrame:
        """The curve as a DataFrame with one row per bin and one column per attribute."""
        return pd.DataFrame(
            {
                "bin_lower": self.bin_lower,
                "bin_upper": self.bin_upper,
                "mean_predicted": self.mean_predicted,
                "observed_rate": self.observed_rate,
                "count": self.count,
            }
        )


@arguments_named
def reliability_curve(
    y_true: ArrayLike,
    y_prob: ArrayLike,
    *,
    n_bins: int = 10,
    strategy: BinStrategy = "uniform",
) -> ReliabilityCurve:
    """Bin predictions and compare the mean prediction with the observed rate in each bin.

    Parameters
    ----------
    y_true : array_like of {0, 1}, shape (n,)
    y_prob : array_like of float in [0, 1], shape (n,)
    n_bins : int, default 10
    strategy : {"uniform", "quantile"}, default "uniform"
        ``"uniform"``: edges ``0, 1/n_bins, ..., 1``. ``"quantile"``: edges at the
        ``0, 1/n_bins, ..., 1`` quantiles of ``y_prob`` (linear interpolation), so bins hold
        about equal counts; repeated predictions can make edges coincide and bins empty.
        Bins are right-closed, ``(lower, upper]``, the first also closed on the left; this
        matches :func:`sklearn.calibration.calibration_curve`, edges included: they are
        computed as it computes them (see :func:`quantile_edges`), so a prediction repeated
        at an edge lands in the same bin.

    Returns
    -------
    ReliabilityCurve
    """
    labels, probs = _labels_and_probabilities(y_true, y_prob)
    n_bins = _check_n_bins(n_bins)
    strategy = check_choice(strategy, "strategy", _STRATEGIES)  # type: ignore[assignment]
    if strategy == "uniform":
        edges = np.linspace(0.0, 1.0, n_bins + 1)
    else:
        edges = quantile_edges(probs, n_bins)
    bin_index = np.searchsorted(edges[1:-1], probs, side="left")
    count = np.bincount(bin_index, minlength=n_bins)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_predicted = np.bincount(bin_index, weights=probs, minlength=n_bins) / count
        observed_rate = np.bincount(bin_index, weights=labels, minlength=n_bins) / count
    return ReliabilityCurve(
        bin_lower=edges[:-1].copy(),
        bin_upper=edges[1:].copy(),
        mean_predicted=mean_predicted,
        observed_rate=observed_rate,
        count=count.astype(np.int64),
    )


@arguments_named
def expected_calibration_error(
    y_true: ArrayLike,
    y_prob: ArrayLike,
    *,
    n_bins: int = 10,
    strategy: BinStrategy = "uniform",
) -> float:
    r"""Expected calibration error: count-weighted mean gap between prediction and outcome.

    .. math:: \mathrm{ECE} = \sum_{b} \frac{n_b}{n}\,\left|\bar p_b - \bar y_b\right|

    over the non-empty bins of :func:`reliability_curve` (Naeini et al. 2015; Guo et al. 2017,
    eq. 3), where :math:`n_b` is the bin's count, :math:`\bar p_b` its mean prediction and
    :math:`\bar y_b` its share of positives. Each bin is weighted by its share of the
    predictions, so empty bins do not count. With ``strategy="uniform"`` the bins are Guo et
    al.'s :math:`M` equal-width intervals :math:`((m-1)/M, m/M]`. This is the binary form:
    predictions are binned by the probability of label 1, as Naeini et al. and
    :func:`sklearn.calibration.calibration_curve` bin them, not by the confidence of the
    predicted class, :math:`\max(p, 1 - p)`, as Guo et al.'s multi-class "top-label" ECE
    does (the two differ on the same predictions).

    Parameters
    ----------
    y_true, y_prob, n_bins, strategy
        As in :func:`reliability_curve`.

    Returns
    -------
    float
        In ``[0, 1]``; lower is better.
    """
    curve = reliability_curve(y_true, y_prob, n_bins=n_bins, strategy=strategy)
    filled = curve.count > 0
    weights = curve.count[filled] / curve.count.sum()
    gaps = np.abs(curve.mean_predicted[filled] - curve.observed_rate[filled])
    return float(np.sum(weights * gaps))


def _check_n_bins(n_bins: Any) -> int:
    """``n_bins`` as a Python int: a whole number from 1 to :data:`MAX_BINS`."""
    n_bins = check_k(n_bins, name="n_bins")
    if n_bins > MAX_BINS:
        raise MetricInputError(f"n_bins must be at most {MAX_BINS:,} (each bin is an array "
                               f"entry), got {count_shown(n_bins)}")
    return n_bins


def quantile_edges(values: ArrayLike, n_bins: int) -> NDArray[np.float64]:
    """The ``n_bins + 1`` edges of equal-count bins of ``values``, computed as
    :func:`sklearn.calibration.calibration_curve` computes them:
    ``np.percentile(values, np.linspace(0, 1, n_bins + 1) * 100)``.

    ``values`` must be a non-empty 1-D array of finite numbers and ``n_bins`` a whole number
    from 1 to 100,000, as in :func:`reliability_curve`; anything else raises
    :class:`~recstack.metrics.MetricInputError` naming the argument (an empty array was
    numpy's ``IndexError``, NaN or infinity gave NaN edges, and ``n_bins`` of 0 or -1 one
    edge or none, without a word).

    The percentages are written as scikit-learn writes them on purpose: ``np.linspace(0, 100,
    n_bins + 1)`` holds the same numbers to the eye, but not always to the bit (the 0.3
    quantile is the percentage 30.0 there and 30.000000000000004 here), and the edge between
    two repeated predictions moved by one float step, onto one of them: that prediction's
    rows fell in the other bin than scikit-learn's, and the curve and the expected
    calibration error differed from scikit-learn's on the same data.
    """
    array = as_float_1d(values, "values", allow_empty=True)
    if array.size == 0:
        raise MetricInputError("values is empty; quantile edges need at least one value")
    n_bins = _check_n_bins(n_bins)
    return np.asarray(np.percentile(array, np.linspace(0.0, 1.0, n_bins + 1) * 100),
                      dtype=np.float64)


def _labels_and_probabilities(
    y_true: ArrayLike, y_prob: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    check_aligned(("y_true", y_true), ("y_prob", y_prob))
    labels = as_binary_labels(y_true, "y_true", paired=("y_prob", y_prob))
    probs = as_probabilities(y_prob, "y_prob")
    check_same_length(("y_true", labels), ("y_prob", probs))
    return labels, probs


def _check_eps(eps: float) -> float:
    value = check_positive_float(eps, "eps")
    if value >= 0.5:
        raise MetricInputError(f"eps must lie in (0, 0.5), got {value}")
    return value


def _log_loss(labels: NDArray[np.float64], probs: NDArray[np.float64], eps: float) -> float:
    upper = 1.0 - eps
    clipped = np.clip(probs, eps, upper)
    with np.errstate(divide="ignore"):
        negative = np.log1p(-clipped)
    if upper == 1.0:
        # an eps below 2**-53 (1.1e-16) leaves 1 - eps == 1: a probability of 1 was not
        # clipped, and the loss was infinite, or NaN (0 * log(0)) for a label 1 predicted
        # with certainty, the right answer; a label 0's log(1 - p) is at least log(eps),
        # which is what the clip means
        negative = np.maximum(negative, np.log(eps))
    # each row's term on its own label (a product with the other label's 0 was NaN)
    losses = -np.where(labels > 0, np.log(clipped), negative)
    return float(losses.mean())


def _at_least(values: ArrayLike, scores: NDArray[np.float64], given: Any,
              threshold: float) -> NDArray[np.bool_]:
    """``values >= given``, compared exactly: in float64 an integer score or threshold past
    2**53 merged with its neighbours (the score 2**53 met the threshold 2**53 + 1)."""
    raw = unrounded(values, scores)
    exact_threshold = isinstance(given, float | np.floating) or given == threshold
    if raw is None and exact_threshold:
        return scores >= threshold
    # Python compares ints, floats, Decimals and Fractions exactly with one another
    held = (raw if raw is not None else scores).ravel().tolist()
    bound = given.item() if isinstance(given, np.generic) else given
    return np.fromiter((value >= bound for value in held), dtype=np.bool_, count=len(held))


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator / denominator) if denominator != 0 else float("nan")
