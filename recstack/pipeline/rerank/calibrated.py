r"""Calibrated recommendations (Steck, "Calibrated recommendations", RecSys 2018): re-order
each list so that its genre distribution matches the genre distribution of the user's
history.

The list :math:`I^*` of length :math:`N` maximises (the paper's eq. 4)

.. math:: I^* = \arg\max_{|I| = N} \; (1 - \lambda) \sum_{i \in I} \hat s_{ui}
          - \lambda\, C_{KL}(p, \tilde q(I))

built greedily as in the paper (sec. 3): position by position, the item added is the one
that maximises the objective of the list so far plus that item, i.e. (the sum over the
items already placed being the same for every candidate)

.. math:: \arg\max_{i \notin S} \; (1 - \lambda)\, \hat s_{ui}
          - \lambda\, C_{KL}\big(p(\cdot|u), \tilde q(\cdot|S \cup \{i\})\big)

with :math:`p(g|u)` the genre distribution of the user's training history
(:func:`recstack.metrics.lists.history_genre_distribution`, every item with a positive
value weighted 1: a stored 0 or a negative value, a dislike, is no part of it; the
paper's :math:`w_{u,i}`, e.g. recency weights, are all 1), :math:`p(g|i)` each item's genres
weighted alike (:func:`recstack.metrics.lists.item_genre_shares`; an item without a genre
counts in neither distribution's denominator),
:math:`q(g|S)` that of the items placed (each weighted 1, the paper's experiments), the
paper's smoothing :math:`\tilde q = (1 - \alpha) q + \alpha p` with :math:`\alpha = 0.01`
(:func:`recstack.metrics.lists.miscalibration_kl` is the metric), and :math:`\hat s_{ui}`
the incoming scores min-max scaled to [0, 1] within the list (Steck uses the model's
predicted scores; the scaling makes :math:`\lambda` comparable between models). A user
whose history has no genre is left as is (:math:`C_{KL}` counts 0).

*Order of the chosen items.* With :math:`q` weighting every placed item 1, the objective
depends only on the set of the first :math:`N` = ``depth`` items, not on their order. The
greedy's own order (``order = "greedy"``, the default and the paper's list) puts first the
item that best calibrates a one-item list; ``order = "relevance"`` shows the same set
sorted by the incoming scores instead, which leaves the objective and :math:`C_{KL}` of the
top :math:`N` exactly as they are and can only raise position-discounted accuracy (nDCG)
of the top :math:`N`.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, shown
from recstack.metrics.lists import STECK_ALPHA, item_genre_shares, kl_smoothed
from recstack.models.base import Param
from recstack.models.persistence import ArraySpec
from recstack.pipeline.rerank.base import (
    LABEL_SEPARATOR,
    SEPARATOR_DOC,
    RerankContext,
    Reranker,
    check_separator,
    greedy_lists,
    label_matrix,
    min_max_rows,
    refuse_all_alike,
    register_reranker,
    warn_of_featureless_items,
)

__all__ = ["CalibratedRerank"]


@register_reranker
class CalibratedRerank(Reranker):
    """Steck's calibrated re-ranking (see the module docstring).

    Attributes
    ----------
    shares_ : numpy.ndarray of float64, shape (n_items, n_genres)
        Each item's genre distribution :math:`p(g|i)`.
    genres_ : list of str
        The genres, in column order (not saved).
    """

    name = "calibrated"
    params: ClassVar[dict[str, Param]] = {
        "trade_off": Param((int, float), low=0, high=1, default=0.5,
                           doc="lambda: 0 keeps relevance only, 1 calibration only."),
        "column": Param(str, default="genres",
                        doc="The item-table genre column: text labels or lists of them "
                            "(numbers are refused)."),
        "alpha": Param((int, float), low=0, high=1, low_inclusive=False, default=STECK_ALPHA,
                       doc="The smoothing of q (Steck: 0.01)."),
        "depth": Param(int, low=1, optional=True, default=None,
                       doc="Positions built greedily (Steck's N); None: the whole list."),
        "order": Param(str, choices=("greedy", "relevance"), default="greedy",
                       doc="The first depth items in the greedy's order (the paper's), or "
                           "the same set by incoming score; 'relevance' needs depth."),
        "separator": Param(str, default=LABEL_SEPARATOR, doc=SEPARATOR_DOC),
    }

    def validate_params(self) -> None:
        super().validate_params()
        check_separator(self.name, self.separator)
        if isinstance(self.alpha, int | float) and float(self.alpha) == 1.0:
            # q~ = (1 - alpha) q + alpha p is then p itself whatever the list holds: every
            # list's C_KL was 0 and the step kept the incoming order, silently
            raise ConfigError(f"{self.name}: alpha = {self.alpha!r} smooths each list's genre "
                              "distribution into the user's own (q~ = (1 - alpha) q + alpha "
                              "p = p), so C_KL is 0 for every list and this step would "
                              "change no list; give a small alpha < 1 (Steck: 0.01, the "
                              "default)")
        if self.order == "relevance" and self.depth is None:
            raise ConfigError(f"{self.name}: order = 'relevance' sorts the first depth items "
                              "chosen; with depth = None the whole list is chosen and would "
                              "come back unchanged; set depth (e.g. 10, the list length "
                              "shown)")

    def _fit(self, train: Interactions, item_vectors: np.ndarray | None) -> None:
        matrix, self.genres_ = label_matrix(train, self.column, self.name,
                                            separator=self.separator)
        self.shares_ = item_genre_shares(matrix)
        # an item without a genre leaves the list's genre distribution as it is: it never
        # pulls the list away from the user's (as an item of a genre the user does not
        # watch does), so it rose above such items whatever their relevance, silently
        warn_of_featureless_items(
            self.name, ~matrix.any(axis=1), train, f"no label in column {self.column!r}",
            "neutral (it leaves a list's genre distribution as it is), so it escapes the "
            "miscalibration penalty",
            "give every item its labels (e.g. 'unknown')")
        # every list's genre distribution would be that one item's, whatever it holds
        refuse_all_alike(self.name, self.shares_, f"the set of labels in column "
                         f"{self.column!r}", "every list has the genre distribution of "
                         "any one item", "give a column whose labels tell items apart")

    def _without_effect(self) -> tuple[str, str] | None:
        if float(self.trade_off) != 0:
            return None
        return (f"trade_off = {shown(self.trade_off)} weighs relevance alone (0 keeps "
                "relevance only, 1 calibration only), keeping each list in the order of its "
                "incoming scores", "give a trade_off above 0 (0.5 is the default), or leave "
                "the step out")

    def target(self, users: np.ndarray, context: RerankContext) -> np.ndarray:
        """:math:`p(g|u)` of each user: the genre distribution of the training history,
        each item with a positive value weighted 1. A stored 0 is no interaction and a
        negative value (a dislike) is not the user's taste, as in
        :func:`~recstack.metrics.lists.history_genre_distribution`; both were counted as
        interactions, the disliked genres pulling the list towards them."""
        history = context.seen[users].astype(np.float64)  # a copy: seen stays as given
        history.sum_duplicates()
        history.data = (history.data > 0).astype(np.float64)  # NaN is not > 0 either
        history.eliminate_zeros()
        mass = np.asarray(history @ self.shares_)
        totals = mass.sum(axis=1, keepdims=True)
        return np.divide(mass, totals, out=np.zeros_like(mass), where=totals > 0)

    def _rerank(self, users: np.ndarray, items: np.ndarray, scores: np.ndarray,
                context: RerankContext) -> tuple[np.ndarray, np.ndarray]:
        p = self.target(users, context)[:, None, :]  # (users, 1, genres)
        candidates = self.shares_[np.maximum(items, 0)]  # (users, n, genres)
        placed = np.zeros((len(items), self.shares_.shape[1]))
        relevance = min_max_rows(scores)
        rows = np.arange(len(items))
        weight, alpha = float(self.trade_off), float(self.alpha)

        def objective(step: int, available: np.ndarray) -> np.ndarray:
            mass = placed[:, None, :] + candidates
            totals = mass.sum(axis=2, keepdims=True)
            q = np.divide(mass, totals, out=np.zeros_like(mass), where=totals > 0)
            divergence = np.nan_to_num(kl_smoothed(p, q, alpha), nan=0.0)
            return (1.0 - weight) * relevance - weight * divergence

        picks: list[np.ndarray] = []  # each step's incoming slot per row (-1: none)

        def update(picked: np.ndarray, has_pick: np.ndarray) -> None:
            placed[has_pick] += candidates[rows[has_pick], picked[has_pick]]
            picks.append(np.where(has_pick, picked, -1))

        lists, values = greedy_lists(items, scores, self.depth, objective, update)
        if self.order == "relevance" and picks:
            lists, values = _chosen_by_score(lists, values, np.stack(picks, axis=1), scores)
        return lists, values

    def state(self) -> dict[str, np.ndarray]:
        return {"shares": self.shares_}

    def _load_state(self, arrays: dict[str, np.ndarray]) -> None:
        self.shares_ = np.asarray(arrays["shares"], np.float64)
        self.genres_ = [str(g) for g in range(self.shares_.shape[1])]

    def state_spec(self) -> dict[str, Any]:
        return {"shares": ArraySpec("float64", ("n_items", "genres"), low=0.0, high=1.0)}


def _chosen_by_score(lists: np.ndarray, values: np.ndarray, slots: np.ndarray,
                     scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The greedy's picks (the first ``slots.shape[1]`` items of each list; ``slots`` their
    incoming positions, -1 for none) sorted by their incoming score, highest first, the
    earlier incoming slot among equal scores, and given those scores; the rest of each
    list untouched."""
    chosen = slots.shape[1]
    rows = np.arange(len(slots))[:, None]
    head_scores = np.where(slots >= 0, scores[rows, np.maximum(slots, 0)], -np.inf)
    order = np.lexsort((slots, -head_scores.astype(np.float64)))
    lists, values = lists.copy(), values.copy()
    lists[:, :chosen] = np.take_along_axis(lists[:, :chosen], order, axis=1)
    values[:, :chosen] = np.take_along_axis(head_scores, order, axis=1)
    return lists, values
