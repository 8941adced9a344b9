r"""Maximal marginal relevance (Carbonell & Goldstein, SIGIR 1998): a greedy re-ordering
that trades relevance against similarity to the items already in the list.

At each position the item picked is

.. math:: \arg\max_{i \notin S} \; \lambda\, \hat s_{ui} - (1 - \lambda)
          \max_{j \in S} \cos(v_i, v_j)

with :math:`S` the items already placed (the maximum is 0 while :math:`S` is empty),
:math:`\hat s_{ui}` the incoming scores min-max scaled to [0, 1] within the user's list, and
:math:`v_i` item vectors: a label column of the item table as multi-hot rows (e.g. MovieLens
``genres``; text labels, numbers are refused: see
:func:`~recstack.pipeline.rerank.base.multi_hot`) or the wrapped model's item embeddings.
:math:`\lambda = 1` keeps the list as it is; :math:`\lambda = 0` ignores relevance after the
first item. An item without features (a zero vector) is similar to nothing, so it escapes
the penalty: :meth:`MMR.fit` warns of such items among items with features.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError, shown
from recstack.models.base import Param
from recstack.models.persistence import ArraySpec
from recstack.pipeline.bandit_checks import as_float_array
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
from recstack.pipeline.settings import ReadOnlyWith

__all__ = ["MMR", "unit_rows"]


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero), float32; ``vectors`` a 2-D array
    of finite numbers (one row per item), refused otherwise with a :class:`ConfigError`."""
    # read raw, a 1-D array failed with numpy's AxisError, text with "could not convert
    # string to float", and a NaN or an infinity gave NaN rows without a word
    vectors = as_float_array("unit_rows", "vectors", vectors, ndim=2, error=ConfigError)
    # each row divided by its largest magnitude first: the norm of entries near 1e300
    # overflows (and a float32 cast of them is infinite), which made every similarity NaN
    largest = np.abs(vectors).max(axis=1, keepdims=True) if vectors.size else \
        np.zeros((len(vectors), 1))
    vectors = vectors / np.where(largest > 0, largest, 1.0)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.where(norms > 0, norms, 1.0)).astype(np.float32)


@register_reranker
class MMR(Reranker):
    """Maximal marginal relevance over item genres or item vectors (see the module
    docstring).

    Attributes
    ----------
    vectors_ : numpy.ndarray of float32, shape (n_items, n_features)
        Unit item vectors.
    """

    name = "mmr"
    #: the label column is read only when the vectors come from it
    read_only_with: ClassVar[ReadOnlyWith] = {"column": ("features", ("column",)),
                                              "separator": ("features", ("column",))}
    params: ClassVar[dict[str, Param]] = {
        "trade_off": Param((int, float), low=0, high=1, default=0.7,
                           doc="lambda: 1 keeps relevance only, 0 diversity only."),
        "features": Param(str, choices=("column", "model"), default="column",
                          doc="Item vectors: an item-table label column, or the wrapped "
                              "model's item embeddings."),
        "column": Param(str, default="genres",
                        doc="The label column (text labels or lists of them; numbers are "
                            "refused) when features = 'column'."),
        "depth": Param(int, low=1, optional=True, default=None,
                       doc="Positions re-ordered greedily; None: the whole list."),
        "separator": Param(str, default=LABEL_SEPARATOR,
                           doc="features = 'column': " + SEPARATOR_DOC),
    }

    def validate_params(self) -> None:
        super().validate_params()
        check_separator(self.name, self.separator)

    def reads_item_vectors(self) -> bool:
        return self.features == "model"

    def _item_vectors_unused(self) -> str:
        return (f"features = {self.features!r} reads the item-table column "
                f"{self.column!r}; set features = 'model' to use the vectors, or leave them "
                "out")

    def _fit(self, train: Interactions, item_vectors: np.ndarray | None) -> None:
        if self.features == "column":
            vectors, _ = label_matrix(train, self.column, self.name,
                                      separator=self.separator)
        else:
            if item_vectors is None:
                raise RecstackError(f"{self.name}: features = 'model' needs the wrapped "
                                    "model's item embeddings, and it has none; use "
                                    "features = 'column'")
            # the reranker's refusal (ConfigError, a ValueError as before), not the
            # bandits' BanditInputError
            vectors = as_float_array(self.name, "the model's item vectors", item_vectors,
                                     ndim=2, error=ConfigError)
            if len(vectors) != train.n_items:
                raise RecstackError(f"{self.name}: the model's item vectors have "
                                    f"{len(vectors)} rows, the training data "
                                    f"{train.n_items} items; give one vector per item (the "
                                    "wrapped model's item embeddings)")
        self.vectors_ = unit_rows(vectors)
        # similar to nothing, such an item escaped every similarity penalty and rose above
        # the items whose labels (or vectors) are known, without a word (every item without
        # features is refused below as all alike)
        source, fix = ((f"no label in column {self.column!r}",
                        "give every item its labels (e.g. 'unknown')")
                       if self.features == "column" else
                       ("a zero vector among the model's item vectors",
                        "check the model's vectors, or use features = 'column'"))
        warn_of_featureless_items(self.name, ~self.vectors_.any(axis=1), train, source,
                                  "unlike every other, so it escapes the similarity penalty",
                                  fix)
        if self.features == "column":
            refuse_all_alike(self.name, self.vectors_, f"the set of labels in column "
                             f"{self.column!r}", "every pair of items is equally alike",
                             "give a column whose labels tell items "
                             "apart, or features = 'model'")
        else:
            refuse_all_alike(self.name, self.vectors_, "the direction of the model's item "
                             "vectors (they all point one way, or are all zero: did "
                             "training collapse?)", "every pair of items is equally alike",
                             "use features = 'column'")

    def _without_effect(self) -> tuple[str, str] | None:
        if float(self.trade_off) == 1:
            return (f"trade_off = {shown(self.trade_off)} weighs relevance alone (1 keeps "
                    "relevance only, 0 diversity only), keeping each list in the order of its "
                    "incoming scores", "give a trade_off below 1 (0.7 is the default), or "
                    "leave the step out")
        if self.depth is not None and int(self.depth) == 1:
            # nothing is placed before the first position, so nothing can be alike: it
            # goes to the best score, and the positions after depth keep their order
            return (f"depth = {shown(self.depth)} re-orders the first position alone, which "
                    "goes to the highest incoming score (no item is placed before it to be "
                    "unlike)", "give a depth of 2 or more (the length of the lists shown, "
                    "e.g. 10), or None for the whole list")
        return None

    def _rerank(self, users: np.ndarray, items: np.ndarray, scores: np.ndarray,
                context: RerankContext) -> tuple[np.ndarray, np.ndarray]:
        relevance = min_max_rows(scores)
        candidates = self.vectors_[np.maximum(items, 0)]  # (users, n, features)
        # -inf while nothing is placed (the maximum over an empty S counts 0); a start at 0
        # cut every later maximum at 0, so an item pointing away from all the placed ones
        # (a negative cosine, as the model's embeddings give) lost its bonus, silently
        closest = np.full(items.shape, -np.inf)
        rows = np.arange(len(items))
        weight = float(self.trade_off)

        def objective(step: int, available: np.ndarray) -> np.ndarray:
            return weight * relevance - (1.0 - weight) * np.where(np.isneginf(closest), 0.0,
                                                                  closest)

        def update(picked: np.ndarray, has_pick: np.ndarray) -> None:
            chosen = candidates[rows, picked]  # (users, features)
            similarity = np.einsum("bnf,bf->bn", candidates, chosen)
            np.maximum(closest, np.where(has_pick[:, None], similarity, -np.inf),
                       out=closest)

        return greedy_lists(items, scores, self.depth, objective, update)

    def state(self) -> dict[str, np.ndarray]:
        return {"vectors": self.vectors_}

    def _load_state(self, arrays: dict[str, np.ndarray]) -> None:
        self.vectors_ = np.asarray(arrays["vectors"], np.float32)

    def state_spec(self) -> dict[str, Any]:
        return {"vectors": ArraySpec("float32", ("n_items", "features"), low=-1.0001,
                                     high=1.0001)}
