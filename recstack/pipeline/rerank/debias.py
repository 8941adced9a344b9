r"""Popularity debiasing: a score penalty on popular items, and a re-ranker that gives a
share of each list to the long tail.

Popularity :math:`c_i` is the number of training users who interacted with item :math:`i`
(:func:`recstack.metrics.item_user_counts`). The *head* is the ``head_items`` share of the
catalog with the highest :math:`c_i` (ties to the lower index); the *long tail* :math:`T`
is every other item.
"""

from __future__ import annotations

import warnings
from typing import Any, ClassVar

import numpy as np

from recstack.data.interactions import Interactions, caller_stacklevel
from recstack.errors import ConfigError, shown, shown_number
from recstack.metrics.beyond_accuracy import item_user_counts
from recstack.models.base import Param
from recstack.models.persistence import ArraySpec
from recstack.pipeline.bandit_checks import (
    BanditInputError,
    as_float_array,
    check_number,
    refuse_booleans,
)
from recstack.pipeline.imbalance import ceil_share
from recstack.pipeline.rerank.base import (
    RerankContext,
    Reranker,
    StepWithoutEffectWarning,
    greedy_lists,
    min_max_rows,
    register_reranker,
    sort_lists,
)

__all__ = ["LongTailShare", "PopularityPenalty", "long_tail_items"]


def long_tail_items(item_counts: np.ndarray, head_items: float) -> np.ndarray:
    """True for the items outside the head: the ``ceil(head_items * n_items)`` items with
    the most users (ties to the lower index), the share read exactly as written
    (:func:`~recstack.pipeline.imbalance.ceil_share`: 0.07 of 100 items is 7, where the
    float product 7.000000000000001 made 8). ``item_counts``: one count >= 0 per item (1-D);
    ``head_items``: a share in [0, 1]; anything else is refused with a :class:`ConfigError`."""
    # read raw, a negative or NaN count was ranked as given, a 2-D array failed in numpy's
    # lexsort, true/false counts in "numpy boolean negative", and a share of NaN in
    # Fraction's "Invalid literal", a share of 2 or True made every item the head silently
    refuse_booleans("long_tail_items: item_counts", item_counts, ConfigError,
                    wanted="one count of users >= 0 per item")
    counts = as_float_array("long_tail_items", "item_counts", item_counts, ndim=1,
                            error=ConfigError)
    if (counts < 0).any():
        index = int(np.argmax(counts < 0))
        raise ConfigError(f"long_tail_items: item_counts must be counts >= 0 (users per "
                          f"item), item {index} is {shown_number(float(counts[index]))}")
    try:
        check_number("long_tail_items", "head_items", head_items, low=0.0, high=1.0)
    except BanditInputError as problem:
        raise ConfigError(str(problem)) from None
    n_head = ceil_share(head_items, len(counts))
    # whole counts ranked as given (in float64 those past 2**53 merge with their neighbours)
    given = np.asarray(item_counts)
    whole = given.dtype.kind in "iu" and (not given.size
                                          or int(given.max()) <= np.iinfo(np.int64).max)
    key = -given.astype(np.int64) if whole else -counts
    order = np.lexsort((np.arange(len(counts)), key))
    tail = np.ones(len(counts), bool)
    tail[order[:n_head]] = False
    return tail


def check_head_and_tail(tail: np.ndarray, step: str, head_items: float,
                        counts: np.ndarray | None = None) -> None:
    """Refuse a ``head_items`` share that leaves the head or the long tail empty (0 or 1, or
    a share below one item of the catalog...): every item is then in one group, and the
    step that promotes the tail changes no list, silently. With the items' user ``counts``,
    warn when no head item has more users than the most popular long-tail item: the head
    was then picked by item index among equally popular items (every item equally popular,
    in tiny or synthetic data), not by popularity."""
    if len(tail) < 2 or 0 < int(tail.sum()) < len(tail):
        if counts is not None and len(tail) >= 2:
            _warn_of_a_head_picked_by_index(np.asarray(counts), tail, step, head_items)
        return
    empty, full = ("head", "long tail") if tail.all() else ("long tail", "head")
    raise ConfigError(f"{step}: head_items = {head_items!r} puts all {len(tail):,} items in the "
                      f"{full} and none in the {empty}, so this step would change no list; "
                      "give a share strictly between 0 and 1 that leaves items on both "
                      "sides (0.2 is typical)")


def _warn_of_a_head_picked_by_index(counts: np.ndarray, tail: np.ndarray, step: str,
                                    head_items: float) -> None:
    head_most, tail_most = counts[~tail].max(), counts[tail].max()
    if head_most > tail_most:
        return
    n_head = int((~tail).sum())
    alike = (f"every one of the {len(counts):,} items has {int(head_most):,} training "
             "user(s)" if counts.min() == counts.max() else
             f"the {n_head:,} head item(s) (head_items = {head_items!r}) have no more "
             f"training users ({int(head_most):,}) than the most popular long-tail item")
    warnings.warn(f"{step}: {alike}, so the head is picked by item index among equally "
                  "popular items, not by popularity; this step acts on data where items "
                  "differ in popularity", UserWarning, stacklevel=caller_stacklevel())


@register_reranker
class PopularityPenalty(Reranker):
    r"""Subtracts a penalty that grows with popularity:

    .. math:: s'_{ui} = \hat s_{ui} - \beta\, \frac{\log(1 + c_i)}{\log(1 + c_{\max})}

    with :math:`\hat s_{ui}` the incoming scores min-max scaled to [0, 1] within the user's
    list and :math:`c_{\max}` the largest count, so both terms lie in [0, 1] and
    :math:`\beta` (``strength``) is the most relevance the most popular item can lose. The
    logarithm spreads the penalty over the long tail instead of concentrating it on the
    few blockbusters. The list is re-sorted by :math:`s'`.

    Attributes
    ----------
    penalty_ : numpy.ndarray of float64, shape (n_items,)
        :math:`\log(1 + c_i)/\log(1 + c_{\max})`.
    """

    name = "popularity_penalty"
    params: ClassVar[dict[str, Param]] = {
        "strength": Param((int, float), low=0, default=0.3,
                          doc="beta: the penalty of the most popular item (scores in [0, 1])."),
    }

    def _fit(self, train: Interactions, item_vectors: np.ndarray | None) -> None:
        counts = item_user_counts(train.to_csr()).astype(np.float64)
        top = np.log1p(counts.max()) if counts.max() > 0 else 1.0
        self.penalty_ = np.log1p(counts) / top
        if len(counts) > 1 and counts.min() == counts.max() and float(self.strength) != 0:
            # the same penalty for every item moves none: every list came back as it went
            # in, without a word (refused, tiny test data could not be re-ranked at all)
            # (StepWithoutEffectWarning: a plain UserWarning passed a filter of that class)
            warnings.warn(f"{self.name}: every one of the {len(counts):,} items has "
                          f"{int(counts[0]):,} training user(s), so the penalty is the same "
                          "for every item and this step changes no list; it acts on data "
                          "where items differ in popularity", StepWithoutEffectWarning,
                          stacklevel=caller_stacklevel())

    def _without_effect(self) -> tuple[str, str] | None:
        if float(self.strength) != 0:
            return None
        return (f"strength = {shown(self.strength)} takes no penalty from any item's score, "
                "keeping each list in the order of its incoming scores",
                "give a strength above 0 (0.3 is the default), or leave the step out")

    def _rerank(self, users: np.ndarray, items: np.ndarray, scores: np.ndarray,
                context: RerankContext) -> tuple[np.ndarray, np.ndarray]:
        adjusted = min_max_rows(scores) - self.strength * self.penalty_[np.maximum(items, 0)]
        return sort_lists(items, np.where(items >= 0, adjusted, -np.inf))

    def state(self) -> dict[str, np.ndarray]:
        return {"penalty": self.penalty_}

    def _load_state(self, arrays: dict[str, np.ndarray]) -> None:
        self.penalty_ = np.asarray(arrays["penalty"], np.float64)

    def state_spec(self) -> dict[str, Any]:
        return {"penalty": ArraySpec("float64", ("n_items",), low=0.0, high=1.0)}


@register_reranker
class LongTailShare(Reranker):
    r"""Gives the long tail a target share of every prefix of each list.

    Position by position (greedily, all users at once), the item placed at position
    :math:`r` is the best remaining long-tail item when the list so far holds fewer than
    :math:`\lceil \tau r \rceil` long-tail items (:math:`\tau` = ``share``) and a long-tail
    candidate remains; otherwise the best remaining item. So every prefix of length
    :math:`r` holds at least :math:`\lceil \tau r \rceil` long-tail items when the
    candidates allow, and otherwise as many as there are; relevance decides everything
    else. ``share = 0`` keeps the list.

    A quota, not a probabilistic trade-off: it is not the xQuAD re-ranking of
    Abdollahpouri et al. (2019, "Managing Popularity Bias in Recommender Systems with
    Personalized Re-ranking"), which scores each item by :math:`(1 - \lambda)\,P(v|u) +
    \lambda \sum_{c} P(c|u) P(v|c) \prod_{j \in S} (1 - P(v_j|c, S))` over the head and
    tail categories :math:`c`. :func:`recstack.metrics.lists.long_tail_share` (their APLT)
    measures the result.

    Attributes
    ----------
    long_tail_ : numpy.ndarray of bool, shape (n_items,)
    """

    name = "long_tail_share"
    params: ClassVar[dict[str, Param]] = {
        "share": Param((int, float), low=0, high=1, default=0.3,
                       doc="tau: the least share of long-tail items in every list prefix."),
        "head_items": Param((int, float), low=0, high=1, default=0.2,
                            doc="Share of the catalog, most popular first, that is the head."),
        "depth": Param(int, low=1, optional=True, default=None,
                       doc="Positions re-ordered greedily; None: the whole list."),
    }

    def _fit(self, train: Interactions, item_vectors: np.ndarray | None) -> None:
        counts = item_user_counts(train.to_csr())
        self.long_tail_ = long_tail_items(counts, self.head_items)
        check_head_and_tail(self.long_tail_, self.name, self.head_items, counts)

    def _without_effect(self) -> tuple[str, str] | None:
        if float(self.share) != 0:
            return None
        return (f"share = {shown(self.share)} asks no list for a long-tail item, keeping each "
                "list in the order of its incoming scores", "give a share above 0 (0.3 is "
                "the default), or leave the step out")

    def _rerank(self, users: np.ndarray, items: np.ndarray, scores: np.ndarray,
                context: RerankContext) -> tuple[np.ndarray, np.ndarray]:
        relevance = min_max_rows(scores)
        tail = self.long_tail_[np.maximum(items, 0)] & (items >= 0)
        placed_tail = np.zeros(len(items))
        rows = np.arange(len(items))
        share = self.share

        def objective(step: int, available: np.ndarray) -> np.ndarray:
            # ceil(tau r) in integers, tau read as written (the float product less 1e-12
            # asked no long-tail item of a share below 1e-12)
            need = ceil_share(share, step + 1) - placed_tail > 0
            tail_left = (available & tail).any(axis=1)
            force = need & tail_left
            # forced rows: the tail items (relevance + 2) rank above every other item (<= 1)
            return np.where(force[:, None] & tail, relevance + 2.0, relevance)

        def update(picked: np.ndarray, has_pick: np.ndarray) -> None:
            placed_tail[:] += has_pick & tail[rows, picked]

        return greedy_lists(items, scores, self.depth, objective, update)

    def state(self) -> dict[str, np.ndarray]:
        return {"long_tail": self.long_tail_}

    def _load_state(self, arrays: dict[str, np.ndarray]) -> None:
        self.long_tail_ = np.asarray(arrays["long_tail"], bool)

    def state_spec(self) -> dict[str, Any]:
        return {"long_tail": ArraySpec("bool", ("n_items",))}
