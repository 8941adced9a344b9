"""Patterns in evaluation results that usually mean something is wrong, each with the
likely cause. They are hints for a person, not verdicts."""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Hashable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from recstack.errors import ConfigError, RecstackError, shown, shown_number
from recstack.evaluation.results import (
    EvaluationResult,
    refuse_other_protocols,
    users_apart,
)
from recstack.metrics._validation import how_to_write
from recstack.specs import arguments_named, finite_or_infinite


@dataclass(frozen=True)
class Diagnostic:
    kind: str
    message: str

    def __str__(self) -> str:
        return f"[{self.kind}] {self.message}"


@arguments_named
def diagnose(result: EvaluationResult, baseline: EvaluationResult | None = None, *,
             level_tolerance: float = 0.05, behind_margin: float = 0.10,
             high_precision: float = 0.3, low_recall: float = 0.05,
             lists: Any = None, same_lists: float = 0.4,
             short_lists: float = 0.1) -> list[Diagnostic]:
    """Check ``result`` (against ``baseline`` where one is given) for:

    - an **ordering problem**: recall and hit rate within ``level_tolerance`` (relative) of
      the baseline's, while nDCG and MAP are more than ``behind_margin`` (relative) lower —
      the model finds the right items but ranks them badly;
    - a **ground-truth problem**: precision@K >= ``high_precision`` with recall@K <=
      ``low_recall`` — users have far more relevant test items than K, so the test set is
      probably not what was meant (e.g. every rating counted as relevant);
    - **nDCG@K falling as K grows for a user whose test items all fit in the shorter list**
      (needs the per-user precision and recall at the smaller K, from which the user's
      number of relevant items follows: precision@K x K / recall@K). For such a user the
      ideal DCG is the same at both cut-offs and a longer list only adds gain, so a fall is
      a computation error (the ideal DCG, or seen items not excluded consistently). The
      *mean* nDCG falling is not a sign of one: a user with more than K relevant items
      has a larger ideal DCG at the larger K, and on data with long test histories the
      mean commonly falls (an EASE on 2M synthetic interactions: 0.353 at K=10, 0.330 at
      K=20);
    - **the same list for everyone** (only with ``lists``, the users' recommended lists, one
      row per user of ``result`` in its order, e.g. ``model.recommend(users, k)[0]``): the
      :func:`mean_list_overlap` of the lists is at least ``same_lists`` — a popularity
      model in disguise, or a personalised model that collapsed. On MovieLens-shaped data
      (:mod:`recstack.data.synthetic`) with seen items excluded, the most-popular baseline
      scores 0.46 to 0.64 at K = 10 and 20, a fitted ALS 0.10 to 0.13 and EASE 0.20 to
      0.31. A catalog (``result.meta["n_items"]``) of fewer than 2 K / ``same_lists``
      items (50 for K = 10) is not checked: random lists of K of n items share K / n of
      their items on average, so there an overlap above the bound says nothing of a model
      that does not personalise. Without ``lists``, the overlap the
      :class:`~recstack.evaluation.evaluator.Evaluator` stored
      (``result.meta["mean_list_overlap"]``: ``{"k": K, "overlap": share}`` of its top-K
      lists) is checked; a result without it (built by hand, sampled, or of a baseline
      that is not personalised by design, ``personalised = False``) is not;
    - **empty or short lists**: of the users, a share of at least ``short_lists`` got a
      list with no item, or fewer than K, although more items were left to them (read
      from ``result.meta["list_lengths"]``, which the evaluator stores for its largest K):
      the model gave every item, or nearly every item, ``-inf`` (a re-ranker's block list
      or filter that removes them, a model not fitted), and its metrics are 0 for those
      users. Users to whom fewer than K items were left (a catalog smaller than K, users
      who trained on nearly every item) are said apart, as the data's doing: their lists
      are short whatever the model. A healthy model on ordinary data has neither: an
      item-kNN that has nothing on a user with no neighbour leaves under one in ten users
      (1 of 1,863 on the Last.fm graph-CF split), the share from which the evaluator's
      :class:`~recstack.evaluation.evaluator.ConstantScoresWarning` speaks too.

    Each bound is a share from 0 to 1 (``0.05``, not ``5`` for 5%); one above 1 is refused.
    """
    for role, given in (("result", result), ("baseline", baseline)):
        if not isinstance(given, EvaluationResult) and not (role == "baseline" and given is None):
            raise ConfigError(f"diagnose: {role} must be an EvaluationResult, got "
                              f"{type(given).__name__}")
    bounds = {}
    for name, value in (("level_tolerance", level_tolerance), ("behind_margin", behind_margin),
                        ("high_precision", high_precision), ("low_recall", low_recall),
                        ("same_lists", same_lists), ("short_lists", short_lists)):
        # a Decimal or Fraction is a number too, read as its float (a Decimal NaN is
        # compared as NaN: Decimal's own comparison raised InvalidOperation)
        number = math.nan
        if not isinstance(value, bool | np.bool_) and isinstance(value,
                                                                 numbers.Real | Decimal):
            number = finite_or_infinite(value)
        if not 0 <= number < math.inf:
            raise ConfigError(f"diagnose: {name} must be a finite number >= 0, got "
                              f"{shown_number(value) if isinstance(value, int) else shown(value)}"
                              + how_to_write(value, float, name,
                                             lambda meant: 0 <= meant <= 1))
        if number > 1:
            # each bound is a share (of a metric, or of the baseline's value): one above 1
            # (a percentage, 5 for 5%) made its check never, or always, find a problem
            raise ConfigError(f"diagnose: {name} is {_BOUNDS[name]}, a share from 0 to 1, "
                              f"got {shown(value)}; write a percentage as a share, e.g. "
                              f"{number / 100:g} for {number:g}%")
        bounds[name] = number
    level_tolerance, behind_margin = bounds["level_tolerance"], bounds["behind_margin"]
    high_precision, low_recall = bounds["high_precision"], bounds["low_recall"]
    # read before the checks, so that lists of the wrong shape are refused up front
    rows, width = None, 0
    if lists is not None:
        rows = _read_lists(lists, len(result.per_user), result.model)
        width = max((sum(1 for _ in row) for row in lists), default=0)
    if baseline is not None:
        # a baseline evaluated under another threshold or catalog "fell behind" or "was
        # level" in numbers that do not compare, as compare() and comparison_table refuse
        refuse_other_protocols([result, baseline], "diagnose")
    means = result.means()
    if baseline is not None:
        _refuse_missing_cut_offs(result, means, baseline)
    _refuse_undefined_means(result, means, baseline)
    if baseline is not None:
        _refuse_other_users(result, baseline)
    found: list[Diagnostic] = []
    for k in _ks(means, "ndcg"):
        if baseline is None:
            break
        base = baseline.means()
        needed = [f"{m}@{k}" for m in _ORDERING]
        if not all(n in means and n in base for n in needed):
            continue
        level = all(_relative_gap(means[f"{m}@{k}"], base[f"{m}@{k}"]) >= -level_tolerance
                    for m in ("recall", "hit_rate"))
        behind = all(_relative_gap(means[f"{m}@{k}"], base[f"{m}@{k}"]) < -behind_margin
                     for m in ("ndcg", "map"))
        if level and behind:
            found.append(Diagnostic("ordering", (
                f"at K={k}, recall and hit rate are level with {baseline.model} but nDCG and MAP "
                f"fall behind it: the right items are found but ranked too low")))
    for k in _ks(means, "precision"):
        p, r = means.get(f"precision@{k}"), means.get(f"recall@{k}")
        if p is not None and r is not None and p >= high_precision and r <= low_recall:
            found.append(Diagnostic("ground truth", (
                f"precision@{k} is {p:.3f} but recall@{k} only {r:.3f}: users have far more "
                f"relevant test items than {k}; check the relevance threshold and the split")))
    ks = _ks(means, "ndcg")
    for k1, k2 in zip(ks, ks[1:], strict=False):
        found += _ndcg_falling(result, k1, k2)
    if rows is not None:
        found += _same_lists(result, rows, width, bounds["same_lists"])
    else:
        stored = _stored_overlap(result)
        if stored is not None:
            found += _same_lists(result, None, stored[1], bounds["same_lists"], stored[0])
    found += _short_lists(result, bounds["short_lists"])
    return found


#: the counts of ``meta["list_lengths"]`` besides ``k``, as the evaluator stores them
_LIST_COUNTS = ("empty", "short", "fewer_left", "nothing_left")


def _short_lists(result: EvaluationResult, bound: float) -> list[Diagnostic]:
    """The "empty lists" and "short lists" findings of :func:`diagnose`, from the counts
    the evaluator stored in ``result.meta["list_lengths"]``; none for a result without
    them (built by hand, sampled, folds combined whose counts differ)."""
    meta = result.meta if isinstance(result.meta, dict) else {}
    stored = meta.get("list_lengths")
    if stored is None:
        return []
    n_users = meta.get("n_users")
    if n_users is None:
        # folds combined keep the counts only where every fold has the same (all 0 for a
        # healthy model), but not the users' number, which differs by fold: the counts
        # are then of one fold, not shares of the result's users
        return []
    where = f"diagnose: {result.model}'s meta['list_lengths']"
    if not isinstance(stored, dict) or set(stored) != {"k", *_LIST_COUNTS}:
        raise RecstackError(f"{where} is {shown(stored)}, but the evaluator stores "
                            "{'k': K, 'empty': users, 'short': users, 'fewer_left': users, "
                            "'nothing_left': users} there; evaluate the model again, or "
                            "remove the entry")
    if isinstance(n_users, bool | np.bool_) or not isinstance(n_users, int | np.integer) \
            or n_users < 1:
        # its counts are shares of the evaluated users: without their number, none is told
        raise RecstackError(f"{where} is given, but meta['n_users'] is {shown(n_users)}, "
                            "not the number (>= 1) of users evaluated, of whom its counts "
                            "are shares; evaluate the model again, or remove the entry")
    for name in ("k", *_LIST_COUNTS):
        value = stored[name]
        whole = not isinstance(value, bool | np.bool_) and isinstance(value, int | np.integer)
        if name == "k" and not (whole and value >= 1):
            raise RecstackError(f"{where}['k'] is {shown(value)}, but it is the length of "
                                "the lists counted, a whole number >= 1; evaluate the "
                                "model again, or remove the entry")
        if name != "k" and not (whole and 0 <= value <= n_users):
            raise RecstackError(f"{where}['{name}'] is {shown(value)}, but it is a number "
                                f"of users from 0 to meta['n_users'] ({int(n_users):,}); "
                                "evaluate the model again, or remove the entry")
    k, n = int(stored["k"]), int(n_users)
    empty, short = int(stored["empty"]), int(stored["short"])
    fewer_left, nothing_left = int(stored["fewer_left"]), int(stored["nothing_left"])
    found: list[Diagnostic] = []
    if empty + short and (empty + short) / n >= bound:
        parts = [f"empty for {empty:,} of the {n:,} users ({empty / n:.0%})"] if empty else []
        if short:
            parts.append(f"shorter than K={k} for {short:,}"
                         f"{'' if empty else f' of the {n:,} users'} ({short / n:.0%})")
        found.append(Diagnostic("empty lists", (
            f"{result.model}'s top-{k} lists were {' and '.join(parts)}, although more items "
            "were left to recommend them: the model gave those items -inf (a re-ranker's "
            "block list or filter that removes them, a model not fitted), so a missing item "
            "counts as a miss and an empty list scores 0 on every metric; check the model's "
            "filters and that score_users returns its scores")))
    if fewer_left and fewer_left / n >= bound:
        n_items = meta.get("n_items")
        if isinstance(n_items, int) and n_items < k:
            cause = (f"the catalog holds only {n_items:,} items, fewer than K={k}, so "
                     f"every list is shorter than K; evaluate at K <= {n_items:,}")
        else:
            cause = (f"they trained on all but fewer than {k} items of the catalog"
                     + (f" ({nothing_left:,} of them on every item: their lists are empty)"
                        if nothing_left else "")
                     + "; a split that leaves users more unseen items, or a smaller K, "
                       "measures the model on full lists")
        found.append(Diagnostic("short lists", (
            f"{fewer_left:,} of the {n:,} users ({fewer_left / n:.0%}) had fewer than "
            f"K={k} items left to recommend, so their lists are short whatever "
            f"{result.model} scores (the data's doing, not the model's): {cause}")))
    return found


def _ndcg_falling(result: EvaluationResult, k1: int, k2: int) -> list[Diagnostic]:
    """The users whose nDCG falls from ``k1`` to ``k2`` although all their relevant items
    fit in the top ``k1`` (see :func:`diagnose`), as one diagnostic, or none."""
    needed = [f"precision@{k1}", f"recall@{k1}", f"ndcg@{k1}", f"ndcg@{k2}"]
    if not all(name in result.per_user.columns for name in needed):
        return []
    precision, recall, short, long = (
        pd.to_numeric(result.per_user[name], errors="coerce").to_numpy(dtype=float)
        for name in needed)
    with np.errstate(divide="ignore", invalid="ignore"):
        # R = k P / R@k for a user with a hit in the top k1; without one, nDCG@k1 is 0
        # and cannot fall
        n_relevant = np.where(recall > 0, k1 * precision / recall, np.inf)
    fits = n_relevant <= k1 + 1e-6
    falls = fits & (long < short - 1e-9)
    if not falls.any():
        return []
    first = int(np.flatnonzero(falls)[0])
    return [Diagnostic("suspicious", (
        f"nDCG falls from K={k1} to K={k2} for {int(falls.sum()):,} user(s) whose relevant "
        f"items all fit in the top {k1} (user {shown(result.per_user.index[first])}: "
        f"{short[first]:.4f} to {long[first]:.4f}), where a longer list can only add gain: "
        "check the ideal DCG and the exclusion of seen items"))]


def _stored_overlap(result: EvaluationResult) -> tuple[float, int] | None:
    """The overlap and K the evaluator stored in ``result.meta``, or None when it holds
    none (or a null overlap: fewer than two users had a list, which a check the user did
    not ask for passes over). An entry edited into something else is refused, naming the
    field."""
    meta = result.meta if isinstance(result.meta, dict) else {}
    stored = meta.get("mean_list_overlap")
    if stored is None:
        return None
    where = f"diagnose: {result.model}'s meta['mean_list_overlap']"
    if not isinstance(stored, dict) or set(stored) != {"k", "overlap"}:
        raise RecstackError(f"{where} is {shown(stored)}, but the evaluator stores "
                            "{'k': K, 'overlap': share} there; evaluate the model again, "
                            "or remove the entry")
    overlap, k = stored["overlap"], stored["k"]
    if overlap is None:
        return None
    if isinstance(overlap, bool | np.bool_) or not isinstance(overlap, numbers.Real) \
            or not (math.isnan(float(overlap)) or 0 <= float(overlap) <= 1):
        raise RecstackError(f"{where}['overlap'] is {shown(overlap)}, but the mean overlap "
                            "of lists is a share from 0 to 1 (or null when fewer than two "
                            "users had a list); evaluate the model again, or remove the "
                            "entry")
    if isinstance(k, bool | np.bool_) or not isinstance(k, int | np.integer) or k < 1:
        raise RecstackError(f"{where}['k'] is {shown(k)}, but the length of the lists "
                            "whose overlap it holds is a whole number >= 1; evaluate the "
                            "model again, or remove the entry")
    return None if math.isnan(float(overlap)) else (float(overlap), int(k))


def mean_list_overlap(lists: Any, *, max_users: int = 2000, seed: int = 0) -> float:
    r"""How alike the users' recommended lists are: the mean, over pairs of users
    :math:`u \neq v` whose lists hold at least one item,

    .. math:: \frac{|L_u \cap L_v|}{\min(|L_u|, |L_v|)}

    where :math:`L_u` is the set of items in user :math:`u`'s list (order and repeats
    ignored; ``None``, NaN and the ``-1`` that marks an empty slot of an integer list are
    no item). 1 means every user gets the same items (a list shorter than another counts
    as the same when it is contained in it), 0 that no two users share an item. With more
    than ``max_users`` such users, the mean is over the pairs of ``max_users`` of them
    drawn without replacement by ``seed``: its cost is bounded and its value repeatable.
    NaN when fewer than two users have an item.

    ``lists``: one row per user, each a sequence of item ids (a 2-D array such as the
    item ids of :meth:`Recommender.recommend`, or a list of lists of any lengths).
    """
    for name, value, lowest in (("max_users", max_users, 2), ("seed", seed, 0)):
        # fewer than two users drawn leave no pair: the mean was NaN without a word
        if isinstance(value, bool | np.bool_) or not isinstance(value, int | np.integer) \
                or value < lowest:
            raise ConfigError(f"mean_list_overlap: {name} must be a whole number >= "
                              f"{lowest}, got {shown(value)}")
    rows = _read_lists(lists, None, "mean_list_overlap")
    return _overlap(rows, int(max_users), int(seed))


def _read_lists(lists: Any, n_users: int | None, owner: str) -> list[frozenset[Any]]:
    """``lists`` as one set of items per user, refusing what is not one list per user
    (and, with ``n_users``, not one per user of the result)."""
    where = f"diagnose: lists of {owner}" if n_users is not None else owner
    if isinstance(lists, pd.DataFrame):
        lists = lists.to_numpy()
    if isinstance(lists, str | bytes | dict | set | frozenset) or not hasattr(lists, "__len__") \
            or not hasattr(lists, "__iter__"):
        raise ConfigError(f"{where}: lists must hold one list of recommended items per user "
                          f"(a 2-D array or a list of lists), got {type(lists).__name__}")
    if isinstance(lists, np.ndarray) and lists.ndim != 2:
        raise ConfigError(f"{where}: lists must be a 2-D array (one row per user, one column "
                          f"per rank), got an array of {lists.ndim} dimension(s), shape "
                          f"{lists.shape}")
    rows: list[frozenset[Any]] = []
    for position, row in enumerate(lists):
        if isinstance(row, str | bytes | dict) or not hasattr(row, "__iter__"):
            raise ConfigError(f"{where}: row {position + 1} is {shown(row)}, not a list of "
                              "items; give each user a list, e.g. [[3, 7], [5, 7]], not "
                              "[3, 7]")
        items = [item for item in row if not _no_item(item)]
        unhashable = next((item for item in items if not isinstance(item, Hashable)), None)
        if unhashable is not None:
            raise ConfigError(f"{where}: row {position + 1} holds {shown(unhashable)}, not "
                              "an item id; each row is a flat list of item ids, e.g. [3, 7]")
        rows.append(frozenset(items))
    if n_users is not None and len(rows) != n_users:
        raise ConfigError(f"{where}: lists has {len(rows):,} row(s) but the result holds "
                          f"{n_users:,} user(s); give one list per user of result.per_user, "
                          "in its order")
    return rows


def _no_item(item: Any) -> bool:
    """Whether ``item`` marks an empty slot (recommend's -1 or None) rather than an item."""
    if item is None:
        return True
    if isinstance(item, float | np.floating):
        return bool(np.isnan(item))
    return isinstance(item, int | np.integer) and not isinstance(item, bool) and item == -1


def _overlap(rows: list[frozenset[Any]], max_users: int, seed: int) -> float:
    filled = [row for row in rows if row]
    if len(filled) < 2:
        return math.nan
    if len(filled) > max_users:
        filled = [filled[i] for i in _drawn(len(filled), max_users, seed)]
    lengths = np.array([len(row) for row in filled])
    codes, _ = pd.factorize(pd.Series([item for row in filled for item in row],
                                      dtype=object))
    membership = sp.csr_matrix((np.ones(len(codes)), (np.repeat(np.arange(len(filled)),
                                                                lengths), codes)),
                               shape=(len(filled), int(codes.max()) + 1))
    return _mean_pairwise_overlap(membership, lengths)


def index_list_overlap(top_lists: np.ndarray, max_users: int = 2000, seed: int = 0) -> float:
    """:func:`mean_list_overlap` of top-K lists of item indices (int64, one row per user,
    each item at most once in a row, ``-1`` for an empty slot), as the evaluator holds
    them: the same value, without making a set of every user's list. The evaluator stores
    it in ``meta["mean_list_overlap"]`` for :func:`diagnose`."""
    filled = np.flatnonzero((top_lists >= 0).any(axis=1))
    if len(filled) < 2:
        return math.nan
    if len(filled) > max_users:
        filled = filled[_drawn(len(filled), max_users, seed)]
    chosen = top_lists[filled]
    present = chosen >= 0
    lengths = present.sum(axis=1)
    membership = sp.csr_matrix((np.ones(int(lengths.sum())),
                                (np.repeat(np.arange(len(filled)), lengths), chosen[present])),
                               shape=(len(filled), int(chosen.max()) + 1))
    return _mean_pairwise_overlap(membership, lengths)


def _drawn(n_users: int, max_users: int, seed: int) -> np.ndarray:
    """The positions of the ``max_users`` users (of ``n_users`` with an item) whose pairs
    are averaged, in their order: one rule for lists of ids and of indices."""
    return np.sort(np.random.default_rng(seed).choice(n_users, max_users, replace=False))


#: users of one block of the pairwise overlap: a 2,000 x 2,000 matrix of shared counts
#: with its pair indices took 150 MiB at once, a block of 256 rows takes 4 MiB
_OVERLAP_BLOCK = 256


def _mean_pairwise_overlap(membership: sp.csr_matrix, lengths: np.ndarray) -> float:
    """The mean over pairs :math:`u < v` of shared items over the shorter list's length,
    block by block of users."""
    n = membership.shape[0]
    transposed = membership.T.tocsc()
    total = 0.0
    for start in range(0, n - 1, _OVERLAP_BLOCK):
        stop = min(start + _OVERLAP_BLOCK, n)
        shared = (membership[start:stop] @ transposed).toarray()
        rows, cols = np.triu_indices(stop - start, 1, n - start)
        total += float(np.sum(shared[rows, cols + start]
                              / np.minimum(lengths[rows + start], lengths[cols + start])))
    return total / (n * (n - 1) / 2)


def _same_lists(result: EvaluationResult, rows: list[frozenset[Any]] | None, width: int,
                bound: float, overlap: float | None = None) -> list[Diagnostic]:
    """The "same lists" finding of :func:`diagnose`; ``width`` is the lists' length with
    their empty slots (their K). ``overlap``, when given, is the one the evaluator stored,
    and ``rows`` is None."""
    n_items = result.meta.get("n_items")
    if isinstance(n_items, int) and n_items <= width:
        # the lists' K holds the whole catalog: every user gets the same items (less the
        # seen ones) whatever the model, which is not a sign of a model that does not
        # personalise
        return []
    if isinstance(n_items, int) and 2 * width / n_items > bound:
        # lists drawn at random share width / n_items of their items on average: where the
        # bound is not twice that, overlap above it tells nothing of personalisation (10 of
        # 20 items share half)
        return []
    if overlap is None:
        assert rows is not None  # a private call gives the lists or their overlap
        overlap = _overlap(rows, 2000, 0)
    if math.isnan(overlap) and rows is not None:
        users = sum(1 for row in rows if row)
        raise RecstackError(
            f"diagnose: only {users} of the {len(rows):,} lists of {result.model} hold an "
            "item, so whether users get the same list cannot be told (it needs two users "
            "with recommendations); give the lists the model recommended to the result's "
            "users, or leave lists out")
    if overlap < bound:
        return []
    return [Diagnostic("same lists", (
        f"the users' lists share {overlap:.0%} of their items on average (mean pairwise "
        f"overlap {overlap:.3f} >= {bound:g}, top {width}): the model gives nearly "
        "everyone the same list; check that it personalises (a popularity fallback, "
        "collapsed factors, user ids not reaching it)"))]


#: what each of diagnose's bounds is a share of, as its refusal says it
_BOUNDS = {"level_tolerance": "the gap to the baseline's recall and hit rate, relative to "
                              "them, still counted as level",
           "behind_margin": "the gap to the baseline's nDCG and MAP, relative to them, "
                            "counted as falling behind",
           "high_precision": "the precision@K from which a low recall is suspicious",
           "low_recall": "the recall@K up to which a high precision is suspicious",
           "same_lists": "the mean overlap of the users' lists from which they count as "
                         "the same list",
           "short_lists": "the share of users whose lists were empty or short from which "
                          "it is a finding"}

#: the metrics the ordering check compares with the baseline at one K
_ORDERING = ("recall", "hit_rate", "ndcg", "map")


def _refuse_missing_cut_offs(result: EvaluationResult, means: dict[str, float],
                             baseline: EvaluationResult) -> None:
    """Refuse a baseline that lacks a metric the ordering check needs at a K where
    ``result`` has them all (a baseline evaluated with other ``ks`` or ``metrics``): the
    check was skipped without a word and ``diagnose`` returned no finding, which reads as
    "nothing wrong"."""
    base = baseline.means()
    for k in _ks(means, "ndcg"):
        needed = [f"{m}@{k}" for m in _ORDERING]
        missing = [n for n in needed if n not in base]
        if all(n in means for n in needed) and missing:
            theirs = ", ".join(f"@{c}" for c in _ks(base, "ndcg")) or "none"
            raise RecstackError(
                f"diagnose: {result.model} has {', '.join(needed)} but the baseline "
                f"{baseline.model} lacks {', '.join(missing)} (its nDCG cut-offs: {theirs}), "
                f"so the two cannot be compared at K={k}; evaluate both with one Evaluator "
                "(the same metrics and ks)")


def _refuse_other_users(result: EvaluationResult, baseline: EvaluationResult) -> None:
    """Refuse a baseline evaluated on other users than ``result`` (another split's test
    users, a result read from another file): the ordering check compares the two means,
    each over its own users, and found a model "level" or "behind" in numbers that do not
    compare, without a word. Two results of one Evaluator on one test hold the same
    users."""
    apart = users_apart(result, baseline, other_role="the baseline ")
    if apart is not None:
        raise RecstackError(
            f"diagnose: {apart}, so their means are over different users and do not "
            "compare; evaluate both on one split's test users (one Evaluator)")


def _read_metrics(means: dict[str, float], ordering: bool, own: bool) -> list[str]:
    """The names in ``means`` (the result's) whose means the checks of :func:`diagnose`
    compare: with ``ordering`` (a baseline is given) those of the ordering check, and with
    ``own`` (the result's, not the baseline's) those of the other checks."""
    names = [f"{m}@{k}" for k in _ks(means, "ndcg") for m in _ORDERING] if ordering else []
    if own:
        names += [f"ndcg@{k}" for k in _ks(means, "ndcg")]
        names += [f"{m}@{k}" for k in _ks(means, "precision") for m in ("precision", "recall")]
    return list(dict.fromkeys(name for name in names if name in means))


def _refuse_undefined_means(result: EvaluationResult, means: dict[str, float],
                            baseline: EvaluationResult | None) -> None:
    """Refuse a mean a check reads that is undefined (NaN: a result of no users, or whose
    every value of that metric is missing): every comparison with NaN is false, so each
    check passed it by and ``diagnose`` returned no finding, which reads as "nothing
    wrong"."""
    pairs = [(result, means, _read_metrics(means, baseline is not None, True))]
    if baseline is not None:
        pairs.append((baseline, baseline.means(), _read_metrics(means, True, False)))
    for owner, values, wanted in pairs:
        for name in wanted:
            value = values.get(name)
            if value is not None and math.isnan(value):
                users = len(owner.per_user)
                held = ("it holds no users" if not users
                        else f"none of its {users:,} user(s) has a value of it")
                raise RecstackError(
                    f"diagnose: {owner.model}'s {name} is undefined (NaN: {held}), so the "
                    "checks that read it cannot be made and would find nothing; evaluate "
                    "it on test users with relevant items (Evaluator.evaluate), or drop "
                    "that metric from the result")


def _ks(means: dict[str, float], metric: str) -> list[int]:
    """The cut-offs of ``metric`` in ``means``, from the names the evaluator writes
    (``ndcg@10``); a hand-made name whose K is not written so (``ndcg@05``, ``ndcg@0``) is
    not one of them: its K was read as 5 and ``means['ndcg@5']`` failed with a KeyError."""
    pattern = re.compile(rf"^{metric}@([1-9][0-9]*)$")
    return sorted(int(m.group(1)) for name in means if (m := pattern.match(name)))


def _relative_gap(value: float, reference: float) -> float:
    if reference == 0:
        return 0.0 if value == 0 else float("inf")
    return (value - reference) / abs(reference)
