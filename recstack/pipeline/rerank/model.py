"""A model followed by a chain of re-rankers, itself a model behind the one contract (fit,
recommend, score_users for the evaluator, save/load), registered as ``reranked``::

    [[models]]
    type = "reranked"
    model = {type = "ease", regularization = 500.0}
    chain = [{type = "block_list", items = [50, 181]},
             {type = "calibrated", trade_off = 0.5, depth = 10}]
    n_candidates = 100
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models.base import Param, Recommender
from recstack.models.persistence import ArraySpec, SparseSpec, rebound_spec
from recstack.models.registry import create_declared, register
from recstack.pipeline.rerank.base import (
    RerankContext,
    Reranker,
    create_reranker,
    run_chain,
)
from recstack.progress import Progress
from recstack.topk import mask_rows, top_k, writable_scores

__all__ = ["Reranked"]

_MODEL = "m__"
_STEP = "c{}__"
# users re-ranked at once: the greedy re-rankers hold (users x candidates x features) arrays
_CHAIN_BATCH = 1024


@register
class Reranked(Recommender):
    """A wrapped model's candidates re-ranked by a chain of re-rankers.

    *Fitting*: the wrapped ``model`` (a registered model with its hyperparameters) is fitted
    on ``train``, then each re-ranker of ``chain`` computes what it needs from ``train``
    (genres, popularity, item ages, block lists; the wrapped model's item embeddings for
    ``mmr`` with ``features = "model"``).

    *Scoring*: for a batch of users, the wrapped model scores the catalog; the user's
    training items and the items any filter of the chain blocks are removed (score
    ``-inf``, so neither the list nor the rest of the catalog can hold them); the best
    ``n_candidates`` items left are the candidates, which pass through the chain in order.
    The final list gets the top scores, by position (position ``r`` of a list of ``n``:
    ``1 + n - r``); every other allowed item a score in [0, 1) below the list, ordered as
    the wrapped model orders them, so a full-catalog evaluation ranks the whole catalog and
    ``recommend(k)`` beyond the list's length continues with the wrapped model's order.
    A list shorter than ``n_candidates`` (filters removed items, a small catalog) keeps
    its empty slots: a re-ranker never invents items.

    *Saving*: the wrapped model's arrays under ``m__`` (checked against its own
    declaration), each re-ranker's under ``c<k>__``; the chain itself is the JSON of the
    hyperparameters.

    Attributes
    ----------
    model_ : Recommender
        The fitted wrapped model.
    chain_ : list of Reranker
        The fitted re-rankers.
    """

    name = "reranked"
    params: ClassVar[dict[str, Param]] = {
        "model": Param(dict, default={"type": "ease"},
                       doc="The wrapped model: a table with 'type' (a registered model) and "
                           "its hyperparameters."),
        "chain": Param((list, tuple), element=Param(dict), default=(),
                       doc="The re-rankers, applied in order: each a table with 'type' (a "
                           "re-ranker) and its hyperparameters."),
        "n_candidates": Param(int, low=1, high=10_000, default=100,
                              doc="Items of the wrapped model that the chain re-ranks."),
    }

    # ------------------------------------------------------------------ declarations
    def validate_params(self) -> None:
        super().validate_params()
        self._wrapped()
        self._steps()

    def _wrapped(self) -> Recommender:
        return create_declared(self.model, f"{self.name}: model", container=self.name,
                               nesting="a reranked model cannot wrap another; put all "
                                       "re-rankers in one chain")

    def _steps(self) -> list[Reranker]:
        return [create_reranker(entry, f"{self.name}: chain[{position}]")
                for position, entry in enumerate(self.chain)]

    # ------------------------------------------------------------------ training
    def _fit(self, train: Interactions, progress: Progress | None) -> None:
        wrapped = self._wrapped().fit(train, progress=progress)
        try:
            vectors: np.ndarray | None = wrapped.item_embeddings()
        except RecstackError:
            vectors = None
        steps = []
        for step in self._steps():
            steps.append(step.fit(train, item_vectors=vectors))
        self.model_, self.chain_ = wrapped, steps

    # ------------------------------------------------------------------ inference
    def rerank_lists(self, user_indices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The final lists of a batch of user indices: item indices ``(n_users, n)`` with
        ``n = min(n_candidates, n_items)`` (``-1`` for empty slots) and the chain's last
        scores (``-inf`` for empty slots)."""
        self._require_fitted()
        users = np.asarray(user_indices, dtype=np.int64)
        parts = [self._batch(users[start:start + _CHAIN_BATCH])[:2]
                 for start in range(0, len(users), _CHAIN_BATCH)]
        if not parts:
            width = min(self.n_candidates, len(self.items_))
            return np.empty((0, width), np.int64), np.empty((0, width))
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])

    def _batch(self, users: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The chain's lists (items, scores) of a batch of users, and the wrapped model's
        float64 scores with seen and filtered items at ``-inf``."""
        context = RerankContext(seen=self.seen_)
        raw = np.array(writable_scores(self.model_.score_users(users)), dtype=np.float64)
        mask_rows(raw, self.seen_[users])
        for step in self.chain_:
            allowed = step.catalog_mask(users, context)
            if allowed is not None:
                raw[~allowed] = -np.inf
        top, values = top_k(raw, self.n_candidates)
        empty = np.isneginf(values) | np.isnan(values)
        items = np.where(empty, -1, top)
        scores = np.where(empty, -np.inf, values)
        items, scores = run_chain(self.chain_, users, items, scores, context)
        return items, scores, raw

    def _score_users(self, user_indices: np.ndarray) -> np.ndarray:
        users = np.asarray(user_indices, dtype=np.int64)
        n_items = len(self.items_)
        out = np.empty((len(users), n_items))
        for start in range(0, len(users), _CHAIN_BATCH):
            batch = users[start:start + _CHAIN_BATCH]
            items, _, raw = self._batch(batch)
            # below the list: the wrapped model's order, as ranks scaled into [0, 1)
            order = np.argsort(-raw, axis=1, kind="stable")
            rank = np.empty_like(order)
            np.put_along_axis(rank, order, np.arange(n_items)[None, :], axis=1)
            rows_out = np.where(np.isneginf(raw), -np.inf, 1.0 - (rank + 1.0) / (n_items + 1.0))
            length = items.shape[1]
            rows, slots = np.nonzero(items >= 0)
            rows_out[rows, items[rows, slots]] = 1.0 + length - slots
            out[start:start + len(batch)] = rows_out
        return out

    def _similarity_rows(self, item_indices: np.ndarray) -> np.ndarray:
        return self.model_._similarity_rows(item_indices)

    def _item_embeddings(self) -> np.ndarray | None:
        return self.model_._item_embeddings()

    # ------------------------------------------------------------------ persistence
    def _state(self) -> dict[str, np.ndarray]:
        state = {_MODEL + key: value for key, value in self.model_._state().items()}
        for position, step in enumerate(self.chain_):
            prefix = _STEP.format(position)
            state.update({prefix + key: value for key, value in step.state().items()})
        return state

    def _load_state(self, arrays: dict[str, np.ndarray]) -> None:
        wrapped = self._wrapped()
        wrapped.users_, wrapped.items_, wrapped.seen_ = self.users_, self.items_, self.seen_
        wrapped._load_state(_unprefixed(arrays, _MODEL))
        steps = []
        for position, step in enumerate(self._steps()):
            step.load_state(_unprefixed(arrays, _STEP.format(position)), len(self.items_))
            steps.append(step)
        self.model_, self.chain_ = wrapped, steps

    def _state_spec(self) -> dict[str, ArraySpec | SparseSpec] | None:
        wrapped = self._wrapped()
        wrapped_spec = wrapped._state_spec()
        if wrapped_spec is None:
            return None  # a model that cannot be checked on load: neither can this
        symbols = {k: v for k, v in wrapped.get_params().items() if type(v) is int}
        spec: dict[str, ArraySpec | SparseSpec] = {
            _MODEL + name: rebound_spec(entry, symbols, _MODEL)
            for name, entry in wrapped_spec.items()}
        for position, step in enumerate(self._steps()):
            prefix = _STEP.format(position)
            for name, entry in step.state_spec().items():
                spec[prefix + name] = rebound_spec(entry, {}, prefix)
        return spec

    def _check_state(self, arrays: dict[str, np.ndarray]) -> str | None:
        part = _unprefixed(arrays, _MODEL)
        part.update({k: v for k, v in arrays.items() if k.startswith("base__")})
        problem = self._wrapped()._check_state(part)
        return f"model ({self.model['type']}): {problem}" if problem else None


def _unprefixed(arrays: dict[str, Any], prefix: str) -> dict[str, Any]:
    return {key[len(prefix):]: value for key, value in arrays.items()
            if key.startswith(prefix)}
