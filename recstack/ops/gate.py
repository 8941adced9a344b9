"""The publishing gate: a new model against the published one on the most recent window.

Both models rank the full catalog they know for every user of the evaluation window who
has a relevant row there; the items each user had in the training window, and those the
model itself was trained on, are left out of the lists. Lists and the window are matched
by external ids, so two models with different vocabularies (trained on different windows)
are compared on the same relevant items: an item a model has never seen counts as one it
failed to recommend. The comparison is paired, on the users both models know
(:meth:`recstack.evaluation.results.EvaluationResult.compare`: Student's paired t-test
and the Wilcoxon signed-rank test), and the new model passes when

.. math::

    \\bar m_{\\mathrm{new}} - \\bar m_{\\mathrm{published}} \\ge -\\mathrm{margin}

over those users: a non-inferiority rule on the point estimate, the mean of the paired
per-user differences, with ``margin`` the largest loss accepted (0 by default: no loss).
A tie (a candidate as good as the published model) passes: only a loss is refused, and
the candidate is the model of the latest window. The comparison allows for rounding (a
relative 1e-9), so that an exact tie summed in floats (-1.4e-17) is not a loss.
The tests' p-values (both two-sided) and the 95% Student-t interval of the mean difference
are reported beside the decision, never part of it: with few users a real loss is
"not significant" and would pass any test-based rule.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError, counted, shown
from recstack.evaluation.results import EvaluationResult
from recstack.metrics._validation import as_float_array, exact_as_float
from recstack.metrics.ranking import RANKING_METRICS, ranking_metrics
from recstack.specs import arguments_named, did_you_mean, whole_exact_as_int
from recstack.topk import top_k_batched

__all__ = ["GateDecision", "decide", "holdout_metric"]


@arguments_named
def holdout_metric(model: Any, train: Interactions, holdout: Interactions, *, metric: str,
                   k: int, relevance_threshold: float | None = None) -> pd.Series:
    """``metric@k`` of ``model`` for each user of ``holdout`` it can rank, by external id.

    ``train`` and ``holdout`` share vocabularies (one pipeline read); ``train`` holds the
    training window, whose items are excluded from each user's list with those
    ``model`` was fitted on. Users without a relevant holdout row, or unknown to the model
    (or without history in it, for models that need one), are left out.
    """
    from recstack.evaluation.evaluator import check_interactions, check_one_split

    check_interactions(train=train, holdout=holdout)
    # the training window's rows are picked by the holdout's user indices: with other id
    # maps they were other users, and every value silently 0
    check_one_split(train, holdout=holdout)
    _check_metric(metric)
    given, k = k, whole_exact_as_int(k)  # Decimal(10) is 10, as every count
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        # checked only when some user was ranked: a window without one took k=0 silently
        raise ConfigError(f"gate: k must be a whole number >= 1 (the list length the metric "
                          f"reads), got {shown(given)}")
    if not getattr(model, "is_fitted", False):
        raise RecstackError(f"gate: the model ({type(model).__name__}) is not fitted; fit it "
                            "(or load a saved one) before evaluating it")
    if relevance_threshold is not None:
        relevance_threshold = _check_number("relevance_threshold", relevance_threshold)
    relevant = holdout.value >= relevance_threshold if relevance_threshold is not None \
        else np.ones(len(holdout), bool)
    users = np.unique(holdout.user_index[relevant])
    external_users = holdout.users.to_external(users)
    model_users = model.users_.to_index(external_users, missing="ignore")
    known = model_users >= 0
    if not model.serves_users_without_history:
        known &= _has_history(model, model_users)
    users, external_users, model_users = users[known], external_users[known], model_users[known]
    if not len(users):
        return pd.Series(dtype=np.float64, name=f"{metric}@{k}")
    # training-window history in the model's item space, added to what it was fitted on
    window = train.for_users(np.isin(np.arange(train.n_users), users))
    item_in_model = model.items_.to_index(train.items.external_ids, missing="ignore")
    user_in_model = model.users_.to_index(train.users.external_ids, missing="ignore")
    rows = user_in_model[window.user_index]
    cols = item_in_model[window.item_index]
    keep = (rows >= 0) & (cols >= 0)
    history = sp.csr_matrix((np.ones(int(keep.sum()), np.float32), (rows[keep], cols[keep])),
                            shape=model.seen_.shape)
    # every stored pair is seen, whatever its value: cast to bool, a pair of value 0 was a
    # stored False, which the sum dropped, so the gate listed it where recommend does not
    seen = model.seen_.tocsr(copy=True)
    seen.data = np.ones(seen.nnz, np.float32)
    exclude = (seen + history).tocsr()
    top, scores = top_k_batched(model.score_users, model_users.astype(np.int64), k,
                                exclude=exclude)
    external_items = model.items_.to_external(np.where(top >= 0, top, 0))
    listed = holdout.items.to_index(external_items.ravel(), missing="ignore").reshape(top.shape)
    listed = np.where((top >= 0) & np.isfinite(scores), listed, -1)
    # rows of the truth matrix: the evaluated users in order
    row_of = np.full(holdout.n_users, -1, np.int64)
    row_of[users] = np.arange(len(users))
    mask = relevant & (row_of[holdout.user_index] >= 0)
    truth = sp.csr_matrix((np.ones(int(mask.sum()), np.float32),
                           (row_of[holdout.user_index[mask]], holdout.item_index[mask])),
                          shape=(len(users), holdout.n_items))
    truth.data[:] = 1.0  # a pair repeated in the window is one relevant item
    values = ranking_metrics(listed, truth, ks=[k], metrics=[metric])[f"{metric}@{k}"]
    return pd.Series(values, index=pd.Index(external_users, name="user_id"),
                     name=f"{metric}@{k}")


def _has_history(model: Any, model_users: np.ndarray) -> np.ndarray:
    counts = np.diff(model.seen_.indptr)
    return counts[np.maximum(model_users, 0)] > 0


@dataclass
class GateDecision:
    """What the gate decided and why.

    ``candidate_mean`` is the new model's mean over every user it was evaluated for
    (``candidate_users``) and ``published_mean`` the published model's over its own; the
    decision reads ``difference``, the mean of the per-user differences over the
    ``shared_users`` both were evaluated for (with ``ci_low``/``ci_high``, its 95%
    Student-t interval, and the two-sided p-values of the paired t-test and of the
    Wilcoxon signed-rank test; ``ci_clipped``: whether that interval was cut at the
    bounds of a difference; ``ci_alike``: whether every shared user's difference was the
    same, so that the interval is the one exact within those bounds), which differs from
    ``candidate_mean - published_mean`` when either model was evaluated for users the
    other was not.
    """

    publish: bool
    reason: str
    metric: str
    margin: float
    candidate_mean: float | None
    published_mean: float | None = None
    published_version: int | None = None
    difference: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    #: whether the t interval reached past the bounds of a difference ([-1, 1] for the
    #: gate's metrics) and was cut at them
    #: (:attr:`recstack.evaluation.results.PairedTest.clipped`): the pipeline's page marks
    #: the cut end, as the experiment report marks a metric's; False when ``ci_alike``
    #: (that interval was not cut but replaced)
    ci_clipped: bool = False
    #: whether every shared user's difference was the same
    #: (:attr:`recstack.evaluation.results.PairedTest.alike`): the interval is then not a
    #: t interval (of zero width) but the one exact within the bounds of a difference,
    #: marked ``=`` as the results table marks a metric's values alike
    ci_alike: bool = False
    t_p_value: float | None = None
    wilcoxon_p_value: float | None = None
    shared_users: int = 0
    candidate_users: int = 0

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@arguments_named
def decide(candidate: pd.Series, published: pd.Series | None, *, metric: str, margin: float,
           min_users: int, published_version: int | None = None) -> GateDecision:
    """The gate's decision from the two models' per-user values (see the module
    docstring); ``published`` None means nothing is published yet.

    ``candidate`` and ``published`` are per-user values indexed by user id (NaN: the user
    was not evaluated); ``margin`` is a finite number >= 0 and ``min_users`` an integer
    >= 2 (a paired test needs two users). Anything else is refused with a
    :class:`~recstack.errors.ConfigError` naming the argument."""
    if not isinstance(metric, str) or not metric.strip():
        # it labels the values and the reason: 5 gave "candidate has no per-user metric 5"
        raise ConfigError(f"gate: metric must be the compared metric's name as text, such as "
                          f"'ndcg@10', got {metric!r}")
    if published_version is not None and (isinstance(published_version, bool) or
                                          not isinstance(published_version, int | np.integer)):
        raise ConfigError(f"gate: published_version must be the registry version number of "
                          f"the published model (an int) or None, got {published_version!r}")
    if published_version is not None and published_version < 1:
        # registry versions count from 1; the run's report refuses any other
        raise ConfigError(f"gate: published_version must be >= 1 (registry versions count "
                          f"from 1), got {published_version!r}")
    if published is None and published_version is not None:
        # a version without its values was ignored: "no model is published yet:
        # publishing the first", although version N was said to be published
        raise ConfigError(f"gate: published_version = {published_version!r} but published "
                          "is None; give the published model's per-user values with its "
                          "version, or leave both None when nothing is published yet")
    margin = _check_number("margin", margin, low=0.0)
    if published_version is not None:
        published_version = int(published_version)  # np.int64(3) was kept, not JSON's
    bounded = _bounded_metric(metric)
    if bounded and margin > 1:
        # as [evaluation] margin in a pipeline file: every value lies in [0, 1], so a
        # margin above 1 (a percentage, 5 for five points) let every model through
        raise ConfigError(f"gate: margin must be <= 1 for {metric} (its values lie in "
                          f"[0, 1]; the margin is an absolute difference, e.g. 0.05 for "
                          f"five points), got {shown(margin)}")
    given, min_users = min_users, whole_exact_as_int(min_users)
    if isinstance(min_users, bool) or not isinstance(min_users, int | np.integer) \
            or min_users < 2:
        raise ConfigError(f"gate: min_users must be an integer >= 2 (a paired test needs "
                          f"two users), got {shown(given)}")
    candidate = _per_user(candidate, "candidate", metric if bounded else None)
    if published is not None:
        published = _per_user(published, "published", metric if bounded else None)
        _refuse_other_id_kinds(candidate, published)
    evaluated = int(candidate.notna().sum())
    candidate_mean = float(candidate.mean()) if evaluated else None
    base: dict[str, Any] = {"metric": metric, "margin": margin, "candidate_mean": candidate_mean,
            "candidate_users": evaluated}
    if published is None:
        if not evaluated:
            return GateDecision(False, "the new model could be evaluated for no user of the "
                                "evaluation window", **base)
        return GateDecision(True, "no model is published yet: publishing the first", **base)
    a = EvaluationResult("candidate", candidate.to_frame(metric))
    b = EvaluationResult("published", published.to_frame(metric))
    shared = candidate.index.intersection(published.index)
    shared = shared[candidate[shared].notna().to_numpy() & published[shared].notna().to_numpy()]
    base |= {"published_version": published_version,
             # None when the published model was evaluated for no user: NaN before
             "published_mean": (float(published.mean()) if published.notna().any()
                                else None),
             "shared_users": int(len(shared))}
    if len(shared) < min_users:
        # "only 1 users ... are known": the noun and verb agree with the count
        return GateDecision(False, f"only {counted(len(shared), 'user')} of the evaluation "
                            f"window {'is' if len(shared) == 1 else 'are'} known to both "
                            f"models (min_users = {min_users}): no fair comparison, not "
                            "publishing", **base)
    # the users both models know, on purpose: min_users above guards the pairing
    test = a.compare(b, metric, unshared="ignore")
    # without a version the reason read "against version None"
    against = ("the published model" if published_version is None
               else f"version {published_version}")
    base |= {"difference": test.mean_difference, "ci_low": test.ci_low,
             "ci_high": test.ci_high,
             # an interval of differences all alike is exact within the bounds, not a t
             # interval cut at them: recorded as cut, the page and report.txt marked its
             # ends with the dagger and explained "the t interval reached past them"
             "ci_clipped": bool(test.clipped),
             "ci_alike": bool(test.alike),
             "t_p_value": test.t_p_value,
             "wilcoxon_p_value": test.wilcoxon_p_value}
    # the per-user values are rounded floats, so an exact tie (one user up 0.1, another
    # down 0.1) came out as a mean difference of -1.4e-17 and was refused as "-0.0000,
    # worse than the margin 0 allows"; a difference within rounding of the bound is on it
    rounding = _TIE_TOLERANCE * max(1.0, float(np.abs(candidate[shared]).max()),
                                    float(np.abs(published[shared]).max()))
    if abs(test.mean_difference) <= rounding:
        reason = (f"{metric} +0.0000 against {against}, a tie (mean difference "
                  f"{test.mean_difference:+.2g} over {counted(len(shared), 'user')}, "
                  f"within rounding; margin {margin:g}): publishing, since the gate "
                  "refuses only a loss beyond the margin and a tie is none, and the new "
                  "model is the one trained on the latest window")
        return GateDecision(True, reason, **base)
    if test.mean_difference >= -margin - rounding:
        reason = (f"{metric} {test.mean_difference:+.4f} against {against} "
                  f"(margin {margin:g}; paired t p={test.t_p_value:.3g}): publishing")
        return GateDecision(True, reason, **base)
    reason = (f"{metric} {test.mean_difference:+.4f} against {against}, "
              f"worse than the margin {margin:g} allows (paired t p={test.t_p_value:.3g}, "
              f"Wilcoxon p={test.wilcoxon_p_value:.3g}): not publishing")
    return GateDecision(False, reason, **base)


def _check_metric(metric: Any) -> None:
    """A ranking metric's name without its cut-off (that is ``k``): 'ndcg@10' was refused
    from inside the metrics with advice about ``ks``, an argument the gate does not have."""
    if isinstance(metric, str) and metric in RANKING_METRICS:
        return
    name, at, cut = str(metric).partition("@")
    hint = (f" (the cut-off goes in k: metric={name!r}, k={cut})"
            if isinstance(metric, str) and at and name in RANKING_METRICS
            else did_you_mean(name, RANKING_METRICS))
    raise ConfigError(f"gate: metric must be the name of a ranking metric, one of "
                      f"{', '.join(RANKING_METRICS)}, got {metric!r}{hint}")


def _check_number(name: str, value: Any, *, low: float | None = None) -> float:
    """A gate setting that must be a finite real number (``>= low`` when given), as a
    float; an exact number (``Decimal("0.05")``, ``Fraction(1, 20)``) or a 0-d array is
    the number it names, as every setting of recstack reads it (they were refused as "not
    a finite number")."""
    given, value = value, exact_as_float(value)
    if isinstance(value, bool) or not isinstance(value, int | float | np.number) \
            or not math.isfinite(value) or (low is not None and value < low):
        bound = f" >= {low:g}" if low is not None else ""
        raise ConfigError(f"gate: {name} must be a finite number{bound}, got {shown(given)}")
    return float(value)


#: how far past [0, 1] a bounded metric's value may lie by rounding
_SLACK = 1e-9

#: relative width (of the largest compared value, at least 1) within which a mean
#: difference counts as rounding: far below any real difference of a mean over users
_TIE_TOLERANCE = 1e-9


#: metrics whose per-user values all lie in [0, 1] besides the ranking metrics: AUC (a share
#: of relevant-irrelevant pairs ordered right); a margin of 5 let every model through
_BOUNDED_BESIDES = ("auc",)


def _bounded_metric(metric: str) -> bool:
    """Whether ``metric`` (``NAME@K`` or ``NAME``) is a ranking metric or AUC, whose per-user
    values all lie in [0, 1]."""
    name = metric.strip().partition("@")[0]
    return name in RANKING_METRICS or name in _BOUNDED_BESIDES


def _id_kind(index: pd.Index) -> str | None:
    """Whether the user ids of ``index`` are numbers or text (None: empty, or mixed)."""
    kind = index.inferred_type
    if kind in ("integer", "floating", "mixed-integer-float", "decimal"):
        return "numbers"
    if kind in ("string", "bytes"):
        return "text"
    return None


def _refuse_other_id_kinds(candidate: pd.Series, published: pd.Series) -> None:
    """Users indexed by ids of two kinds (``'7'`` and ``7``) never pair: the gate held the
    model back as "only 0 users ... are known to both models", as if the windows shared no
    user."""
    kinds = _id_kind(candidate.index), _id_kind(published.index)
    if None in kinds or kinds[0] == kinds[1]:
        return
    raise RecstackError(f"gate: the candidate model's values are indexed by user ids that are "
                        f"{kinds[0]} (e.g. {shown(candidate.index[0])}), the published "
                        f"model's by {kinds[1]} (e.g. {shown(published.index[0])}), so no "
                        "user could pair; index both by the same ids (as the evaluation "
                        "window's user ids are written)")


def _per_user(values: Any, which: str, bounded: str | None = None) -> pd.Series:
    """Per-user metric values as the gate compares them: a Series with one row per user;
    with ``bounded`` (the metric's name), values in [0, 1]."""
    if not isinstance(values, pd.Series):
        raise RecstackError(f"gate: the {which} model's values must be a pandas Series of "
                            f"per-user values indexed by user id, got {type(values).__name__}")
    if values.index.has_duplicates:
        repeated = values.index[values.index.duplicated()].unique()[:5].tolist()
        raise RecstackError(f"gate: the {which} model's values repeat user(s) {repeated}; "
                            "give one value per user")
    name = f"gate: the {which} model's per-user values"
    if values.dtype == bool:
        raise RecstackError(f"{name} must be numbers, got true/false")
    # text was a TypeError inside the mean, and an infinite value gave NaN tests that
    # decided nothing; NaN stays: a user who was not evaluated
    numbers = as_float_array(values.to_numpy(dtype=object) if values.dtype == object
                             else values.to_numpy(), name, ndim=1, allow_nan=True,
                             allow_inf=True)
    infinite = np.flatnonzero(np.isinf(numbers))
    if len(infinite):
        raise RecstackError(f"{name} must be finite numbers, or NaN for a user not "
                            f"evaluated; user {shown(values.index[infinite[0]])} has "
                            f"{numbers[infinite[0]]}")
    if bounded is not None:
        # 5 (a percentage) or -1 (a sentinel) for a metric in [0, 1] moved the means and
        # the paired test, and the gate published (or held back) on them without a word
        # (a rounding error's width of slack: an NDCG of 1 computed as 1 + 2e-16)
        outside = np.flatnonzero((numbers < -_SLACK) | (numbers > 1 + _SLACK))
        if len(outside):
            raise RecstackError(f"{name} must lie in [0, 1] for {bounded} (or be NaN for a "
                                f"user not evaluated); user "
                                f"{shown(values.index[outside[0]])} has "
                                f"{numbers[outside[0]]:g} ({len(outside)} value(s) outside)")
    missing = values.index.isna()
    if missing.any():
        # a value of no user: it counted in the candidate's mean and never paired
        raise RecstackError(f"{name} are indexed by user id; {int(missing.sum())} value(s) "
                            "have an empty (NaN/None) user id; drop them or give their ids")
    return pd.Series(numbers, index=values.index, name=values.name)
