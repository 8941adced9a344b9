"""Patterns in evaluation results that usually mean something is wrong, each with the
likely cause. They are hints for a person, not verdicts."""

from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

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
             high_precision: float = 0.3, low_recall: float = 0.05) -> list[Diagnostic]:
    """Check ``result`` (against ``baseline`` where one is given) for:

    - an **ordering problem**: recall and hit rate within ``level_tolerance`` (relative) of
      the baseline's, while nDCG and MAP are more than ``behind_margin`` (relative) lower —
      the model finds the right items but ranks them badly;
    - a **ground-truth problem**: precision@K >= ``high_precision`` with recall@K <=
      ``low_recall`` — users have far more relevant test items than K, so the test set is
      probably not what was meant (e.g. every rating counted as relevant);
    - **nDCG@K falling as K grows**: with a fixed list that only extends, nDCG rarely falls
      on average; when it does, check the ideal DCG and the exclusion of seen items.

    Each bound is a share from 0 to 1 (``0.05``, not ``5`` for 5%); one above 1 is refused.
    """
    for role, given in (("result", result), ("baseline", baseline)):
        if not isinstance(given, EvaluationResult) and not (role == "baseline" and given is None):
            raise ConfigError(f"diagnose: {role} must be an EvaluationResult, got "
                              f"{type(given).__name__}")
    bounds = {}
    for name, value in (("level_tolerance", level_tolerance), ("behind_margin", behind_margin),
                        ("high_precision", high_precision), ("low_recall", low_recall)):
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
    ndcg = [(k, means[f"ndcg@{k}"]) for k in _ks(means, "ndcg")]
    for (k1, v1), (k2, v2) in zip(ndcg, ndcg[1:], strict=False):
        if v2 < v1 - 1e-12:
            found.append(Diagnostic("suspicious", (
                f"nDCG falls from {v1:.4f} at K={k1} to {v2:.4f} at K={k2}; extending a list "
                "should rarely lower it: check the ideal DCG and seen-item exclusion")))
    return found


#: what each of diagnose's bounds is a share of, as its refusal says it
_BOUNDS = {"level_tolerance": "the gap to the baseline's recall and hit rate, relative to "
                              "them, still counted as level",
           "behind_margin": "the gap to the baseline's nDCG and MAP, relative to them, "
                            "counted as falling behind",
           "high_precision": "the precision@K from which a low recall is suspicious",
           "low_recall": "the recall@K up to which a high precision is suspicious"}

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
