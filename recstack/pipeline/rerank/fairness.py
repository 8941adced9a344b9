r"""Exposure fairness: bound or equalise the position-discounted exposure that groups of
items receive in each list.

Position :math:`r` gives exposure :math:`d_r = 1/\log_2(r + 1)` (the metric is
:func:`recstack.metrics.lists.group_exposure`). With target shares :math:`t_g` (equal,
:math:`1/G`, or given: ``target``, divided by its sum) and ``strength``
:math:`\gamma \in [0, 1]`, each group must hold at least :math:`\gamma\, t_g` of the
exposure of every prefix of the list:

.. math:: E_g(r) \ge \gamma\, t_g \sum_{s \le r} d_s

Greedily, position by position, all users at once: the group with the largest deficit
:math:`\gamma t_g \sum_{s \le r} d_s - E_g(r - 1)` (if positive, and if the group still
has a candidate) gets position :math:`r`, filled by its best remaining item (among groups
of equal deficit, the one whose best remaining item is the most relevant); otherwise the
best remaining item overall. :math:`\gamma = 0` keeps the list; :math:`\gamma = 1` with
equal targets equalises exposure as far as the candidates allow. Since every list meets
the bound, so does the total over users.

Groups are the values of an item-table column, or (``group_column = None``) popularity:
group 0 the head (the ``head_items`` most popular share of the catalog), group 1 the long
tail (see :mod:`recstack.pipeline.rerank.debias`).
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError, shown, shown_given
from recstack.metrics.beyond_accuracy import item_user_counts
from recstack.metrics.lists import position_discount
from recstack.models.base import Param
from recstack.models.persistence import ArraySpec
from recstack.pipeline.rerank.base import (
    RerankContext,
    Reranker,
    greedy_lists,
    item_column,
    joined_value,
    min_max_rows,
    register_reranker,
    value_keys,
)
from recstack.pipeline.rerank.debias import check_head_and_tail, long_tail_items
from recstack.pipeline.settings import ReadOnlyWith

__all__ = ["ExposureFairness"]


@register_reranker
class ExposureFairness(Reranker):
    """Bounds each item group's share of position-discounted exposure from below (see the
    module docstring).

    Attributes
    ----------
    groups_ : numpy.ndarray of int64, shape (n_items,)
        Each item's group.
    labels_ : list of str
        The group names, in group order (the column's sorted values; "head", "tail").
    target_ : numpy.ndarray of float64, shape (n_groups,)
        :math:`t_g`.
    """

    name = "exposure_fairness"
    #: the head's share is read only when popularity makes the groups
    read_only_with: ClassVar[ReadOnlyWith] = {"head_items": ("group_column", (None,))}
    params: ClassVar[dict[str, Param]] = {
        "strength": Param((int, float), low=0, high=1, default=1.0,
                          doc="gamma: the share of its target each group is guaranteed."),
        "group_column": Param(str, optional=True, default=None,
                              doc="Item-table column of groups; None: head / long tail."),
        "target": Param((list, tuple), element=Param((int, float), low=0), optional=True,
                        default=None,
                        doc="Target share per group (sorted group order: numbers by "
                            "value, text alphabetically), read as weights divided by their "
                            "sum ([1, 3] is [0.25, 0.75]); None: equal."),
        "head_items": Param((int, float), low=0, high=1, default=0.2,
                            doc="With group_column = None: the head's share of the catalog."),
        "depth": Param(int, low=1, optional=True, default=None,
                       doc="Positions re-ordered greedily; None: the whole list."),
    }

    def validate_params(self) -> None:
        if isinstance(self.target, dict):
            # a table of shares by group name was "target must be list or tuple, got {...}",
            # which did not say in what order the shares go
            order = sorted(self.target, key=_group_order)
            # the shares rewritten in order, for a table short enough to read back (one of
            # thousands of groups was written out twice, as given and as the fix)
            rewritten = (
                f": [{', '.join(shown_given(self.target[name]) for name in order)}] for "
                f"groups {', '.join(shown_given(name) for name in order)}"
                if len(order) <= 20 else f" ({len(order):,} shares)")
            raise ConfigError(f"{self.name}: target must be a list of shares, one per group "
                              "in sorted group order (numbers by value, text "
                              "alphabetically; 'head', 'tail' without group_column), got a "
                              f"table by group name {shown_given(self.target)}; write the "
                              f"shares in that order{rewritten}")
        super().validate_params()

    def _fit(self, train: Interactions, item_vectors: np.ndarray | None) -> None:
        if self.group_column is None:
            counts = item_user_counts(train.to_csr())
            tail = long_tail_items(counts, self.head_items)
            check_head_and_tail(tail, self.name, self.head_items, counts)
            self.groups_, self.labels_ = tail.astype(np.int64), ["head", "tail"]
        else:
            column = item_column(train, self.group_column, self.name)
            _check_one_group_each(column, self.name, self.group_column,
                                  train.items.to_external)
            codes, labels = _sorted_groups(column)
            self.groups_, self.labels_ = codes.astype(np.int64), [str(v) for v in labels]
            if len(self.labels_) == 1 and train.n_items > 1:
                # exposure shared out within one group changed no list, silently
                raise ConfigError(f"{self.name}: group_column {self.group_column!r} holds one "
                                  f"group ({shown(labels[0])}) for all {train.n_items:,} items, so "
                                  "this step would change no list; give a column that splits "
                                  "the items into groups")
        n_groups = len(self.labels_)
        if self.target is None:
            self.target_ = np.full(n_groups, 1.0 / n_groups)
        else:
            if len(self.target) != n_groups:
                raise ConfigError(f"{self.name}: target has {len(self.target)} shares for "
                                  f"{n_groups} groups {self.labels_}; give one per group")
            total = float(sum(self.target))
            if not total > 0:
                raise ConfigError(f"{self.name}: target shares must not all be 0")
            self.target_ = np.asarray(self.target, np.float64) / total

    def _without_effect(self) -> tuple[str, str] | None:
        if float(self.strength) != 0:
            if self.depth is not None and int(self.depth) == 1 and np.ptp(self.target_) == 0:
                # at the first position every group's deficit is gamma t_g d_1, the same for
                # equal targets, and the tie goes to the group of the most relevant item:
                # the top item stays, and the positions after depth keep their order
                return (f"depth = {shown(self.depth)} re-orders the first position alone, "
                        "where every group has the same deficit under equal targets, so it "
                        "goes to the highest incoming score", "give a depth of 2 or more "
                        "(the length of the lists shown, e.g. 10), or None for the whole "
                        "list")
            return None
        return (f"strength = {shown(self.strength)} guarantees no group any of its target "
                "exposure, keeping each list in the order of its incoming scores",
                "give a strength above 0 (1, the default, guarantees each group its "
                "target), or leave the step out")

    def _rerank(self, users: np.ndarray, items: np.ndarray, scores: np.ndarray,
                context: RerankContext) -> tuple[np.ndarray, np.ndarray]:
        n_groups = len(self.target_)
        discount = position_discount(items.shape[1])
        group = np.where(items >= 0, self.groups_[np.maximum(items, 0)], -1)
        members = group[:, :, None] == np.arange(n_groups)  # (users, n, groups)
        exposure = np.zeros((len(items), n_groups))
        relevance = min_max_rows(scores)
        rows = np.arange(len(items))
        bound = float(self.strength) * self.target_

        def objective(step: int, available: np.ndarray) -> np.ndarray:
            deficit = bound * discount[:step + 1].sum() - exposure  # (users, groups)
            left = members & available[:, :, None]  # (users, n, groups)
            has_left = left.any(axis=1)
            deficit = np.where(has_left, deficit, -np.inf)
            # among groups of equal deficit, the one whose best remaining item is the most
            # relevant: the first group in sorted order took the position, so with equal
            # targets the top slot went to group 0 whatever the scores, and a catalog of
            # one item per group came back sorted by group name instead of by relevance
            best = np.where(left, relevance[:, :, None], -np.inf).max(axis=1)
            tied = deficit >= deficit.max(axis=1, keepdims=True) - 1e-12
            neediest = np.argmax(np.where(tied & has_left, best, -np.inf), axis=1)
            force = deficit[rows, neediest] > 1e-12
            favoured = force[:, None] & (group == neediest[:, None])
            return np.where(favoured, relevance + 2.0, relevance)

        position = [0]

        def update(picked: np.ndarray, has_pick: np.ndarray) -> None:
            chosen = group[rows, picked]
            placed = has_pick & (chosen >= 0)
            exposure[rows[placed], chosen[placed]] += discount[position[0]]
            position[0] += 1

        return greedy_lists(items, scores, self.depth, objective, update)

    def state(self) -> dict[str, np.ndarray]:
        return {"groups": self.groups_, "target": self.target_}

    def _load_state(self, arrays: dict[str, np.ndarray]) -> None:
        self.groups_ = np.asarray(arrays["groups"], np.int64)
        self.target_ = np.asarray(arrays["target"], np.float64)
        self.labels_ = [str(g) for g in range(len(self.target_))]
        total = float(self.target_.sum())
        if len(self.target_) and abs(total - 1.0) > 1e-6:
            # fit divides the target by its sum: shares summing to another total changed
            # every bound gamma t_g, silently
            raise RecstackError(f"{self.name}: saved target shares sum to {total:g}, and fit "
                                "saves them divided by their sum (1); the artifact is "
                                "damaged")
        if len(self.groups_) and self.groups_.max() >= len(self.target_):
            raise RecstackError(f"{self.name}: saved item groups reach "
                                f"{int(self.groups_.max())} but there are "
                                f"{len(self.target_)} target shares; the artifact is damaged")

    def state_spec(self) -> dict[str, Any]:
        # the target first: its length defines the symbol that bounds the groups
        return {"target": ArraySpec("float64", ("groups",), low=0.0, high=1.0),
                "groups": ArraySpec("int64", ("n_items",), low=0, high="groups")}


def _sorted_groups(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Each item's group code and the groups in sorted order, the order ``target`` is
    read in: numbers sort as numbers (tiers 1, 2, 10; as text 10 came before 2, and the
    share meant for tier 2 went to tier 10), text as text; in a column of text or of
    mixed kinds, a group is known as a categorical feature's level is (its text trimmed of
    surrounding whitespace, as labels are; a whole number by its digits, so that ``2``,
    ``2.0`` and the text ``"2.0"`` are the one group ``"2"``: they were groups ``"2"``
    and ``"2.0"``, each taking a share of its own), and the groups sort as a table of
    target shares by group does: numbers by value, then text alphabetically."""
    numeric = pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
    if numeric or pd.api.types.infer_dtype(column, skipna=True) in ("integer", "floating",
                                                                     "mixed-integer-float"):
        try:
            return column.factorize(sort=True)
        except TypeError:
            pass
    keys = value_keys(column.to_numpy(dtype=object))
    distinct = sorted(set(keys), key=_group_order)
    position = {key: code for code, key in enumerate(distinct)}
    return (np.array([position[key] for key in keys], np.int64),
            pd.Index(distinct, dtype=object))


def _check_one_group_each(column: pd.Series, where: str, name: str, item_ids: Any) -> None:
    """Exposure is shared out among groups that split the catalog: an item with no group
    (a missing value, which would become a group "nan") or with several (a list, which
    would become a group of its own text) is refused, naming the item."""
    def refuse(row: int, problem: str) -> None:
        item = item_ids([row]).tolist()[0]
        raise RecstackError(f"{where}: group_column {name!r} must give each item one group; "
                            f"item {item!r} {problem}")

    # blank text is no group either (labels skip it): it was a group '' (or ' ') of its own
    blank = np.array([isinstance(value, str) and not value.strip()
                      for value in column.to_numpy(dtype=object)], bool)
    missing = column.isna().to_numpy(bool) | blank
    if missing.any():
        row = int(np.argmax(missing))
        refuse(row, ("has none (a blank text)" if blank[row] else
                     "has none (a missing value)") + "; fill the column, e.g. with 'unknown'")
    # groups joined in one text ("x|y" beside "x" and "y", a multi-label column such as
    # genres): the text was a group of its own, with a share of its own, silently
    texts = [value.strip() for value in column.to_numpy(dtype=object) if isinstance(value, str)]
    joined = joined_value(texts)
    if joined is not None:
        text, joiner, parts = joined
        row = int(np.argmax(np.array([isinstance(value, str) and value.strip() == text
                                      for value in column.to_numpy(dtype=object)], bool)))
        refuse(row, f"has several ({column.iloc[row]!r}: the groups "
                    f"{', '.join(map(repr, parts))} of other items, joined by {joiner!r}); use "
                    "a column of one group per item (a multi-label column such as genres is "
                    "for mmr or calibrated)")
    if pd.api.types.infer_dtype(column, skipna=True) not in ("string", "integer", "floating",
                                                              "boolean", "mixed-integer-float"):
        listed = column.map(lambda value: isinstance(value, list | tuple | np.ndarray | set)
                            ).to_numpy(bool)
        if listed.any():
            row = int(np.argmax(listed))
            value = column.iloc[row]
            # a list of one was said to be "several"
            count = len(value) if hasattr(value, "__len__") else 2
            problem = ("has several" if count > 1 else
                       "has none (an empty list)" if count == 0 else "has a list of one")
            refuse(row, f"{problem} ({value!r}); use a column of one group per item, the "
                        "group itself rather than a list (a multi-label column such as genres "
                        "is for mmr or calibrated)")


def _group_order(name: Any) -> tuple[int, float, str]:
    """Where a group named in a table of target shares comes in the sorted group order:
    numbers (a TOML table's keys are text: "10" too) by value, then text alphabetically."""
    try:
        number = float(name)
    except (TypeError, ValueError, OverflowError):
        return 1, 0.0, str(name)
    # a group named "nan" sorted as the number NaN, which compares with nothing
    return (0, number, "") if math.isfinite(number) else (1, 0.0, str(name))
