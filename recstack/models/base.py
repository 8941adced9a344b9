"""The contract every recommender follows, and the machinery they share.

A model's constructor takes keyword-only hyperparameters and stores them as given;
:meth:`Recommender.fit` validates them (naming the bad one), then calls the model's
``_fit``. Public methods speak external ids; the base class maps them to indices,
filters seen items, batches users and takes top-K, so each model writes only
``_fit`` and ``_score_users`` (full-catalog scores for a batch of user indices).

Users without training rows
---------------------------
Splits share their id vocabularies, so a model's user vocabulary can hold users with no
training row (e.g. the held-out users of :func:`recstack.data.splits.user_split`). Most
models learned nothing about them: their scores would come from untrained factors or an
empty history. The public methods that take external user ids (:meth:`Recommender.recommend`,
:meth:`Recommender.score`, and model methods built on ``_user_indices``) refuse such users
with a :class:`~recstack.errors.RecstackError` that names them and says what works instead
(``score_histories`` / ``fold_in`` where the model has them), unless the model's
:attr:`Recommender.serves_users_without_history` is True: non-personalised baselines, and
models that rank such users by a documented stand-in (:attr:`Recommender.history_fallback`,
announced with a :class:`PopularityFallbackWarning`). The index-level
:meth:`Recommender.score_users` is not checked: it is the evaluator's batch path, and the
evaluator decides which users to score.
"""

from __future__ import annotations

import math
import warnings
from abc import ABC, abstractmethod
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any, ClassVar, Self

import numpy as np
import scipy.sparse as sp

from recstack.data.idmap import IdMap
from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.progress import Progress

# Rows of scores computed at once: bounds memory at batch x n_items floats.
DEFAULT_MEMORY_BUDGET_BYTES = 256 * 2**20


class PopularityFallbackWarning(UserWarning):
    """Some users or sequences had no history, so their scores are item popularity (a
    stand-in the model documents), not the model's own."""


@dataclass(frozen=True)
class Param:
    """A hyperparameter's constraint: ``kind`` and an inclusive/exclusive range or choices."""

    kind: type | tuple[type, ...]
    low: float | None = None
    high: float | None = None
    low_inclusive: bool = True
    choices: tuple[Any, ...] | None = None
    optional: bool = False

    def check(self, model: str, name: str, value: Any) -> None:
        if value is None and self.optional:
            return
        if isinstance(value, bool) and self.kind is not bool:
            raise ConfigError(f"{model}: {name} must be {self._kind_name()}, got {value!r}")
        if not isinstance(value, self.kind):
            raise ConfigError(f"{model}: {name} must be {self._kind_name()}, got {value!r}")
        if isinstance(value, float) and not math.isfinite(value):
            raise ConfigError(f"{model}: {name} must be a finite number, got {value!r}")
        if self.choices is not None and value not in self.choices:
            raise ConfigError(f"{model}: {name} must be one of {self.choices}, got {value!r}")
        if self.low is not None and (value < self.low or
                                     (value == self.low and not self.low_inclusive)):
            sign = ">=" if self.low_inclusive else ">"
            raise ConfigError(f"{model}: {name} must be {sign} {self.low}, got {value!r}")
        if self.high is not None and value > self.high:
            raise ConfigError(f"{model}: {name} must be <= {self.high}, got {value!r}")

    def _kind_name(self) -> str:
        kinds = self.kind if isinstance(self.kind, tuple) else (self.kind,)
        return " or ".join(k.__name__ for k in kinds)


class Recommender(ABC):
    """Base class of all recommenders (see the module docstring for the contract)."""

    #: registry name, used by experiment files
    name: ClassVar[str]
    #: hyperparameter constraints, checked in fit
    params: ClassVar[dict[str, Param]] = {}
    #: whether scores are predicted ratings (explicit models) rather than ranking scores
    predicts_ratings: ClassVar[bool] = False
    #: default search space for `recstack tune` (see recstack.tuning), empty when none
    search_space: ClassVar[dict[str, dict[str, Any]]] = {}
    #: whether the model's scores for a user of its vocabulary with no training rows are
    #: meaningful: True for non-personalised baselines (their scores never depended on the
    #: user's history) and for models with a documented stand-in for such users
    #: (:attr:`history_fallback`). When False, ``recommend``, ``score`` and the other
    #: methods taking external user ids refuse such users (see the module docstring).
    serves_users_without_history: ClassVar[bool] = False
    #: what users without training rows are scored by, for models that serve them with a
    #: stand-in (a :class:`PopularityFallbackWarning` names them when they are asked for);
    #: None when their scores are the model's own (e.g. the baselines)
    history_fallback: ClassVar[str | None] = None

    users_: IdMap
    items_: IdMap
    seen_: sp.csr_matrix

    # ------------------------------------------------------------------ training
    def fit(self, train: Interactions, *, progress: Progress | None = None) -> Self:
        """Learn from ``train``; returns ``self``."""
        self.validate_params()
        if len(train) == 0:
            raise RecstackError(f"{self.name}: cannot fit on empty interactions")
        self.users_, self.items_ = train.users, train.items
        self.seen_ = train.to_csr()
        try:
            self._fit(train, progress)
        except BaseException:
            # a failed fit leaves no half-fitted model behind
            for attribute in ("users_", "items_", "seen_"):
                self.__dict__.pop(attribute, None)
            raise
        return self

    def validate_params(self) -> None:
        for param, constraint in self.params.items():
            constraint.check(self.name, param, getattr(self, param))

    def get_params(self) -> dict[str, Any]:
        return {param: getattr(self, param) for param in self.params}

    @abstractmethod
    def _fit(self, train: Interactions, progress: Progress | None) -> None: ...

    @abstractmethod
    def _score_users(self, user_indices: np.ndarray) -> np.ndarray:
        """Scores of every catalog item for each user index: float32 (n_users, n_items).

        Return a new array (callers may modify it in place, e.g. to mask seen items) or a
        read-only view of the model's state; never a writable view of that state."""

    # ------------------------------------------------------------------ inference
    @property
    def is_fitted(self) -> bool:
        return hasattr(self, "seen_")

    def score_users(self, user_indices: np.ndarray) -> np.ndarray:
        """Full-catalog scores for a batch of user indices (what the evaluator calls)."""
        self._require_fitted()
        return self._score_users(np.asarray(user_indices, dtype=np.int64))

    def recommend(self, users: Any, k: int = 10, *, exclude_seen: bool = True,
                  batch_size: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` items for each external user id: ``(item_ids, scores)``, both
        ``(n_users, k)``. Seen items are excluded by default; when fewer than ``k`` items
        are left, the remaining slots have score ``-inf`` and item id ``-1`` (integer ids)
        or ``None`` (other ids)."""
        self._require_fitted()
        if not isinstance(k, int | np.integer) or k < 1:
            raise ConfigError(f"k must be a positive integer, got {k!r}")
        user_index = self._user_indices(users)
        top, scores = top_k_batched(self.score_users, user_index, k,
                                    exclude=self.seen_ if exclude_seen else None,
                                    batch_size=batch_size)
        top, scores = _pad_columns(top, scores, int(k))
        return self._external_items(top, scores), scores

    def similar_items(self, items: Any, k: int = 10) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` items most similar to each of ``items`` (external ids), the item itself
        excluded: ``(item_ids, similarities)``, most similar first, with the empty-slot
        conventions of :meth:`recommend`. Similarity is the model's own (cosine of item
        embeddings for factor models, the learned item-item weights for neighbourhood
        models); a model without one says so."""
        self._require_fitted()
        if not isinstance(k, int | np.integer) or isinstance(k, bool) or k < 1:
            raise ConfigError(f"k must be a positive integer, got {k!r}")
        item_index = self.items_.to_index(items).astype(np.int64)

        def rows_without_self(batch: np.ndarray) -> np.ndarray:
            values = np.array(self._similarity_rows(batch), dtype=np.float32, copy=True)
            values[np.arange(len(batch)), batch] = -np.inf
            return values

        top, values = top_k_batched(rows_without_self, item_index, int(k),
                                    n_items=len(self.items_))
        top, values = _pad_columns(top, values, int(k))
        return self._external_items(top, values), values

    def _similarity_rows(self, item_indices: np.ndarray) -> np.ndarray:
        """Similarity of each given item to every catalog item, ``(n, n_items)``. By default
        the cosine of :meth:`_item_embeddings`; neighbourhood models override this."""
        embeddings = self._item_embeddings()
        if embeddings is None:
            raise RecstackError(f"{self.name}: this model has no item similarity")
        embeddings = np.asarray(embeddings, dtype=np.float32)
        norms = np.linalg.norm(embeddings, axis=1, keepdims=True)
        unit = embeddings / np.where(norms > 0, norms, 1.0)
        return unit[item_indices] @ unit.T

    def _item_embeddings(self) -> np.ndarray | None:
        """Learned item vectors, when the model has them."""
        return None

    def _external_items(self, top: np.ndarray, scores: np.ndarray) -> np.ndarray:
        """External ids of a top-K index matrix; empty (``-inf``) slots become ``-1`` for
        integer ids and ``None`` otherwise."""
        empty = np.isneginf(scores)
        item_ids = self.items_.to_external(np.where(empty, 0, top))
        if empty.any():
            if item_ids.dtype.kind not in "iu":
                item_ids = item_ids.astype(object)
            item_ids[empty] = -1 if item_ids.dtype.kind in "iu" else None
        return item_ids

    def score(self, users: Any, items: Any) -> np.ndarray:
        """Scores of ``(users[j], items[j])`` pairs, by external ids (float32)."""
        self._require_fitted()
        user_index = self._user_indices(users)
        item_index = self.items_.to_index(items)
        if user_index.shape != item_index.shape:
            raise ConfigError(f"users and items must pair up: {user_index.shape} vs "
                              f"{item_index.shape}")
        return self._score_pairs(user_index.astype(np.int64), item_index.astype(np.int64))

    def _score_pairs(self, user_index: np.ndarray, item_index: np.ndarray) -> np.ndarray:
        """Pair scores from full rows, one batch of distinct users at a time (models with
        factors override this with a row-wise dot product)."""
        out = np.empty(len(user_index), np.float32)
        distinct, inverse = np.unique(user_index, return_inverse=True)
        n_items = len(self.items_)
        batch = max(1, DEFAULT_MEMORY_BUDGET_BYTES // (n_items * 4 * 2))
        for start in range(0, len(distinct), batch):
            rows = self.score_users(distinct[start:start + batch])
            chosen = (inverse >= start) & (inverse < start + batch)
            out[chosen] = rows[inverse[chosen] - start, item_index[chosen]]
        return out

    def save(self, path: Any, *, overwrite: bool = False) -> Any:
        """Write the fitted model to a folder (npz + JSON, never pickle)."""
        from recstack.models.persistence import save_model

        return save_model(self, path, overwrite=overwrite)

    def _state(self) -> dict[str, np.ndarray]:
        """Learned arrays to save (besides the vocabularies and training matrix)."""
        return {}

    def _load_state(self, arrays: dict[str, np.ndarray]) -> None:  # noqa: B027 (optional hook)
        """Restore what :meth:`_state` returned."""

    def _history_matrix(self, histories: Any) -> sp.csr_matrix:
        """Users' histories for ``score_histories`` (sparse or dense, ``n x n_items`` in this
        model's item order) as float32 CSR, with the width checked."""
        history = sp.csr_matrix(histories, dtype=np.float32)
        if history.shape[1] != len(self.items_):
            raise RecstackError(f"{self.name}: histories have {history.shape[1]} columns; "
                                f"this model has {len(self.items_)} items (columns must "
                                "follow its item order)")
        return history

    def _user_indices(self, users: Any, *, needs_history: bool | None = None,
                      hint: str | None = None) -> np.ndarray:
        """Indices of external user ids, for the public methods that take them.

        Ids outside the user vocabulary are refused. So are users with no training rows
        (:meth:`_users_without_history`), unless ``needs_history`` is False; by default it
        is ``not serves_users_without_history``. Users the model serves by a stand-in
        (:attr:`history_fallback`) are named in a :class:`PopularityFallbackWarning`.
        ``hint`` replaces :meth:`_no_history_hint` in the refusal (a method whose needs
        differ from ``recommend``'s)."""
        ids = np.atleast_1d(np.asarray(users))
        index = self.users_.to_index(users, missing="ignore")
        if (index < 0).any():
            unknown = ids[index < 0][:5].tolist()
            raise RecstackError(
                f"{self.name}: {int((index < 0).sum())} user(s) not seen in training, e.g. "
                f"{unknown}; this model cannot recommend for them")
        without = self._users_without_history()[index]
        if without.any():
            if needs_history is None:
                needs_history = not self.serves_users_without_history
            if needs_history:
                raise RecstackError(self._no_history_message(ids[without], hint))
            if self.history_fallback is not None:
                distinct = np.unique(index[without])
                examples = self.users_.to_external(distinct[:5]).tolist()
                warnings.warn(PopularityFallbackWarning(
                    f"{self.name}: {len(distinct)} user(s) have no training interactions, "
                    f"e.g. {examples}; their scores are {self.history_fallback}, not the "
                    "model's"), stacklevel=3)
        return index

    def _users_without_history(self) -> np.ndarray:
        """Per user of the vocabulary (bool, ``(n_users,)``): True where the model has no
        training rows of the user. Models that set rows aside while training (e.g. for
        validation) may say more precisely which users they could not learn."""
        return np.diff(self.seen_.indptr) == 0

    def _no_history_message(self, user_ids: np.ndarray, hint: str | None = None) -> str:
        """The refusal of users without training rows: the model, how many users, a few
        ids, why, and what works instead."""
        distinct = list(dict.fromkeys(user_ids.tolist()))
        return (f"{self.name}: {len(distinct)} user(s) have no training interactions, e.g. "
                f"{distinct[:5]}: they are in the model's user vocabulary (splits share "
                "vocabularies) but the model learned nothing about them, so its scores for "
                f"them would be meaningless; {hint or self._no_history_hint()}")

    def _no_history_hint(self) -> str:
        """What to do instead for users without training rows (models may override)."""
        histories = ("(their interactions as a users x items matrix in this model's item "
                     "order)")
        if callable(getattr(self, "fold_in", None)):
            return ("fold them in from their interactions without retraining: "
                    "fold_in(histories) gives their factors and score_histories(histories) "
                    f"their scores {histories}")
        if callable(getattr(self, "score_histories", None)):
            return ("score them from their interactions without retraining with "
                    f"score_histories(histories) {histories}")
        return ("this model cannot score users from their interactions without training; "
                "refit it on data that includes their interactions")

    def _require_fitted(self) -> None:
        if not self.is_fitted:
            raise RecstackError(f"{self.name}: call fit() before asking for recommendations")

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({params})"


def _pad_columns(top: np.ndarray, scores: np.ndarray, k: int
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Widen a top-K result to ``k`` columns (a catalog can be smaller than ``k``); the added
    slots are empty: index 0 with score ``-inf``."""
    missing = k - top.shape[1]
    if missing <= 0:
        return top, scores
    return (np.pad(top, ((0, 0), (0, missing))),
            np.pad(scores, ((0, 0), (0, missing)), constant_values=-np.inf))


def top_k(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices and values of the ``k`` largest scores per row, best first.

    A partial sort (``argpartition``, O(n)) picks the top ``k`` before sorting only those.
    The result is deterministic for a given input. numpy's selection slows down badly on
    rows full of equal values (the zeros of sparse models such as item-kNN), so rows that
    are mostly zeros are ranked on unique integer keys instead (the score's bits, then the
    item index), which also breaks ties at the cut-off towards the lower item index.
    """
    n_items = scores.shape[1]
    k = min(k, n_items)
    if k == n_items:
        part = np.broadcast_to(np.arange(n_items), scores.shape).copy()
    elif n_items - np.count_nonzero(scores, axis=1).min(initial=n_items) > n_items // 2:
        part = _argpartition_unique(scores, k)
    else:
        # partition around position n - k: the k largest end up in the last k columns
        part = np.argpartition(scores, n_items - k, axis=1)[:, n_items - k:]
    part_scores = np.take_along_axis(scores, part, axis=1)
    order = np.lexsort((part, -part_scores), axis=1)
    top = np.take_along_axis(part, order, axis=1)
    return top, np.take_along_axis(part_scores, order, axis=1)


def top_k_threaded(scores: np.ndarray, k: int, executor: Executor | None, workers: int
                   ) -> tuple[np.ndarray, np.ndarray]:
    """:func:`top_k` with the rows split in ``workers`` parts run on ``executor`` (numpy
    releases the GIL while it partitions, so the cores work at once)."""
    if executor is None or workers < 2 or scores.shape[0] < 2 * workers:
        return top_k(scores, k)
    chunks = np.array_split(scores, workers)
    parts = list(executor.map(lambda chunk: top_k(chunk, k), chunks))
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def _argpartition_unique(scores: np.ndarray, k: int) -> np.ndarray:
    """The top-``k`` columns per row, selected on keys that are unique within a row: the
    float32 score's bits mapped to an order-preserving integer, then the item index."""
    n_items = scores.shape[1]
    bits = np.ascontiguousarray(scores, dtype=np.float32).view(np.int32)
    ordered = (bits ^ ((bits >> 31) & 0x7FFFFFFF)).astype(np.int64)
    keys = (ordered << 32) | (n_items - 1 - np.arange(n_items, dtype=np.int64))
    return np.argpartition(keys, n_items - k, axis=1)[:, n_items - k:]


def history_weights(history: Any, *, binary: bool, dtype: Any = np.float32) -> sp.csr_matrix:
    """A copy of a users x items history as CSR scoring weights: every stored entry 1 when
    ``binary``, else its value."""
    weights = sp.csr_matrix(history, dtype=dtype, copy=True)
    if binary:
        weights.data[:] = 1.0
    return weights


def writable_scores(scores: np.ndarray) -> np.ndarray:
    """``scores`` as a float32 array the caller may modify: models return either a fresh
    array (used as it is) or a read-only view of their state (copied here)."""
    out = np.asarray(scores, dtype=np.float32)
    return out if out.flags.writeable else out.copy()


def top_k_batched(score_batch: Callable[[np.ndarray], np.ndarray], user_index: np.ndarray,
                  k: int, *, exclude: sp.csr_matrix | None = None,
                  batch_size: int | None = None, n_items: int | None = None
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Top-``k`` over the full catalog for many users, scoring ``batch_size`` users at a
    time and masking ``exclude`` (e.g. training items) with ``-inf``."""
    results_items, results_scores = [], []
    n_items = n_items or (exclude.shape[1] if exclude is not None else None)
    if batch_size is None:
        width = n_items or 100_000
        batch_size = max(1, DEFAULT_MEMORY_BUDGET_BYTES // (width * 4 * 3))
    for start in range(0, len(user_index), batch_size):
        batch = user_index[start:start + batch_size]
        scores = writable_scores(score_batch(batch))
        if exclude is not None:
            mask_rows(scores, exclude[batch])
        items, values = top_k(scores, k)
        results_items.append(items)
        results_scores.append(values)
    if not results_items:
        return np.empty((0, k), np.int64), np.empty((0, k), np.float32)
    return np.concatenate(results_items), np.concatenate(results_scores)


def mask_rows(scores: np.ndarray, exclude: sp.csr_matrix) -> None:
    """Set ``scores[r, j] = -inf`` for every stored entry (r, j) of ``exclude``, in place."""
    rows = np.repeat(np.arange(exclude.shape[0]), np.diff(exclude.indptr))
    scores[rows, exclude.indices] = -np.inf
