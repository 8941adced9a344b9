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

from contextvars import ContextVar
from typing import Any, ClassVar

import numpy as np

from recstack.data.idmap import IdMap
from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError, counted, shown_given, shown_ids
from recstack.models.base import (
    NOT_GIVEN,
    Param,
    Recommender,
    _models_with_vectors,
    check_batch_size,
    check_call,
    check_list_length,
)
from recstack.models.persistence import ArraySpec, SparseSpec, rebound_spec
from recstack.models.registry import create_declared, register, settings_key
from recstack.pipeline.bandit_checks import as_index_array
from recstack.pipeline.rerank.base import (
    RerankContext,
    Reranker,
    create_reranker,
    refuse_bare_names,
    run_chain,
)
from recstack.pipeline.settings import refuse_unread_settings
from recstack.progress import Progress
from recstack.topk import mask_rows, pad_columns, top_k, top_k_batched, writable_scores

__all__ = ["Reranked"]

_MODEL = "m__"
_STEP = "c{}__"
# users re-ranked at once: the greedy re-rankers hold (users x candidates x features) arrays
_CHAIN_BATCH = 1024
# why the users of the EmptyListWarning being written got nothing (a clause after "the
# model"): the base class asks _empty_list_reason() without the users, and a context
# variable keeps two threads' recommend calls from reading each other's reasons
_EMPTY_LIST_REASON: ContextVar[str | None] = ContextVar("reranked_empty_list_reason",
                                                        default=None)


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
    its empty slots: a re-ranker never invents items. With a chain, items the wrapped
    model learned nothing of (no training rows; for a model that places items by their
    content, neither rows nor content) are never candidates: every re-ranker reads the
    training data, where such an item has no popularity, and a popularity penalty or a
    long-tail quota lifted it above the trained items; they stay below the lists.
    An empty ``chain`` (the default) is
    the identity: every list is the wrapped model's own, in its order (``repr`` shows
    ``chain=[]``), which serves as the baseline of the same model re-ranked.

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
    # a user without training rows gets the inner models' stand-in, which
    # the steps after it then work on: popularity put in afterwards would undo them
    own_ranking_without_history = "the wrapped model's answer (its own stand-in), re-ranked"
    params: ClassVar[dict[str, Param]] = {
        "model": Param(dict, typed_table=True, default={"type": "ease"},
                       doc="The wrapped model: a table with 'type' (a registered model) and "
                           "its hyperparameters."),
        "chain": Param((list, tuple), element=Param(dict, typed_table=True), default=(),
                       doc="The re-rankers, applied in order: each a table with 'type' (a "
                           "re-ranker) and its hyperparameters; empty (the default): the "
                           "identity, the wrapped model's own lists unchanged (a baseline "
                           "beside the same model re-ranked)."),
        "n_candidates": Param(int, low=1, high=10_000, default=100,
                              doc="Items of the wrapped model that the chain re-ranks."),
    }

    # ------------------------------------------------------------------ declarations
    def validate_params(self) -> None:
        refuse_bare_names(self.name, {"model": self.model, "chain": self.chain})
        super().validate_params()
        self._wrapped()
        steps = self._steps()
        # the same step twice (defaults written out or not), as a blend's or a two-stage
        # model's repeated member: a filter's second pass removes nothing, a boost's or
        # a penalty's doubles it, a re-ordering reorders its own output. Compared by
        # settings_key: strength = 1 and 1.0 are one step, but a flag true and a number 1
        # are not (Python's True == 1 refused a predicate on value = true beside one on
        # value = 1 as a repeat)
        # Keyed as refuse_repeated_models keys a blend's members, but not delegated to it:
        # it shows a model by its repr (a block list of 10,000 items written whole) and
        # takes one consequence for the list, where a filter's repeat and a boost's differ
        first_of: dict[tuple[type, Any], int] = {}
        for position, step in enumerate(steps):
            key = (type(step), settings_key(step.get_params()))
            earlier = first_of.setdefault(key, position)
            if earlier != position:
                raise ConfigError(
                    f"{self.name}: chain[{earlier}] and chain[{position}] are the same step "
                    f"({_step_shown(step)}); {_repeat_consequence(step)}; remove one, or "
                    "make them differ in a hyperparameter")

    def _wrapped(self) -> Recommender:
        return create_declared(self.model, f"{self.name}: model", container=self.name,
                               written=self._as_written("model"),
                               nesting="a reranked model cannot wrap another; put all "
                                       "re-rankers in one chain")

    def _declared_models(self) -> list[tuple[str, Recommender]]:
        return [(_MODEL, self._wrapped())]

    def _steps(self) -> list[Reranker]:
        return [create_reranker(entry, f"{self.name}: chain[{position}]")
                for position, entry in enumerate(self.chain)]

    # ------------------------------------------------------------------ training
    def _fit(self, train: Interactions, progress: Progress | None) -> None:
        for position, step in enumerate(self._steps()):
            # checked again by the step's own fit: here before the wrapped model's, which
            # may take long
            refuse_unread_settings(f"{self.name}: chain[{position}] ({step.name})", step,
                                   step.read_only_with)
        wrapped = self._wrapped()
        try:
            wrapped.fit(train, progress=progress)
        except RecstackError as error:
            # "mf predicts explicit ratings, ..." named neither this model nor its part; the
            # error keeps its type and fields
            if not str(error).startswith(f"{self.name}:"):
                error.args = (f"{self.name}: model ({wrapped.name}) could not be fitted: "
                              f"{error}", *error.args[1:])
            raise
        try:
            vectors: np.ndarray | None = wrapped.item_embeddings()
        except RecstackError:
            vectors = None
        steps = []
        for position, step in enumerate(self._steps()):
            try:
                steps.append(step.fit(train, item_vectors=vectors
                                      if step.reads_item_vectors() else None))
            except RecstackError as error:
                # "mmr: the training data has no item table" named neither this model nor
                # which step of its chain, as the wrapped model's refusals and the steps'
                # settings do; the error keeps its type and fields
                if not str(error).startswith(f"{self.name}:"):
                    error.args = (f"{self.name}: chain[{position}] ({step.name}) could not "
                                  f"be fitted: {error}", *error.args[1:])
                raise
        self._check_filters_keep_items(steps, train.n_items)
        self.model_, self.chain_ = wrapped, steps

    def _check_filters_keep_items(self, steps: list[Reranker], n_items: int) -> None:
        """Refuse a chain whose filters each keep some items but together none (each alone
        was checked when fitted): every list would be empty."""
        kept = np.ones(n_items, bool)
        filters = []
        for position, step in enumerate(steps):
            mask = step.items_kept()
            if mask is not None:
                kept &= mask
                filters.append(f"chain[{position}] ({step.name}) keeps {int(mask.sum()):,}")
        if n_items and filters and not kept.any():
            raise ConfigError(f"{self.name}: the chain's filters together remove every item "
                              f"of the catalog ({'; '.join(filters)} of {n_items:,} items, "
                              "but no item passes them all), so every list would be empty")

    # ------------------------------------------------------------------ inference
    def rerank_lists(self, user_indices: np.ndarray = NOT_GIVEN, *positional: Any,
                     exclude_seen: bool = True, **unexpected: Any
                     ) -> tuple[np.ndarray, np.ndarray]:
        """The final lists of a batch of user indices: item indices ``(n_users, n)`` with
        ``n = min(n_candidates, n_items)`` (``-1`` for empty slots) and the chain's last
        scores (``-inf`` for empty slots). The users' seen items are candidates only with
        ``exclude_seen=False`` (a ``seen`` filter in the chain still removes them)."""
        check_call(self, Reranked.rerank_lists, positional, unexpected, (user_indices,))
        self._require_fitted()
        check_exclude_seen(exclude_seen, f"{self.name}: rerank_lists")
        users = self._checked_users(user_indices, "rerank_lists")
        parts = [self._batch(users[start:start + _CHAIN_BATCH], exclude_seen)[:2]
                 for start in range(0, len(users), _CHAIN_BATCH)]
        if not parts:
            width = min(self.n_candidates, len(self.items_))
            return np.empty((0, width), np.int64), np.empty((0, width))
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])

    def score_users(self, user_indices: np.ndarray = NOT_GIVEN, *positional: Any,
                    exclude_seen: bool = True, **unexpected: Any
                    ) -> np.ndarray:
        """Full-catalog scores of user indices, as every model's
        :meth:`~recstack.models.base.Recommender.score_users`; the users' seen items are
        at ``-inf`` unless ``exclude_seen=False`` (then they are candidates as any item)."""
        check_call(self, Reranked.score_users, positional, unexpected, (user_indices,))
        check_exclude_seen(exclude_seen, f"{self.name}: score_users")
        if exclude_seen:
            return super().score_users(user_indices)
        self._require_fitted()
        users = self._checked_users(user_indices, "score_users")
        self._require_score_memory(len(users), "score_users", "users")
        return self._score_users(users, exclude_seen=False)

    def recommend(self, users: Any = NOT_GIVEN, k: int = 10, *positional: Any,
                  exclude_seen: bool = True, batch_size: int | None = None, **unexpected: Any
                  ) -> tuple[np.ndarray, np.ndarray]:
        """As every model's :meth:`~recstack.models.base.Recommender.recommend`; with
        ``exclude_seen=False`` the users' seen items are candidates of the chain as any
        other item (a ``seen`` filter in the chain still removes them)."""
        check_call(self, Reranked.recommend, positional, unexpected, (users,))
        check_exclude_seen(exclude_seen, f"{self.name}: recommend")
        if exclude_seen:
            return super().recommend(users, k, batch_size=batch_size)
        self._require_fitted()
        batch_size = check_batch_size(batch_size, f"{self.name}: recommend")
        user_index = np.asarray(self._user_indices(users), np.int64)
        k = check_list_length(k, len(user_index), len(self.items_), f"{self.name}: recommend")
        top, scores = top_k_batched(
            lambda batch: self._score_users(batch, exclude_seen=False), user_index, k,
            batch_size=batch_size, n_items=len(self.items_))
        top, scores = pad_columns(top, scores, int(k))
        # a user whose filters blocked every item got empty slots without a word here,
        # where exclude_seen=True (the base's recommend) named them
        self._warn_empty_lists(user_index, scores, exclude_seen=False)
        return self._external_items(top, scores), scores

    def _warn_empty_lists(self, user_index: np.ndarray, scores: np.ndarray, *,
                          exclude_seen: bool) -> None:
        empty = np.flatnonzero(np.all(np.isneginf(scores) | np.isnan(scores), axis=1)) \
            if scores.size else np.empty(0, np.int64)
        reason = self._why_nothing_left(np.unique(user_index[empty]), exclude_seen) \
            if empty.size else None
        token = _EMPTY_LIST_REASON.set(reason)
        try:
            super()._warn_empty_lists(user_index, scores, exclude_seen=exclude_seen)
        finally:
            _EMPTY_LIST_REASON.reset(token)

    def _empty_list_reason(self) -> str:
        reason = _EMPTY_LIST_REASON.get()
        if reason is not None:
            return reason
        filters = [f"chain[{position}] ({step.name})" for position, step
                   in enumerate(self.chain_) if type(step).catalog_mask
                   is not Reranker.catalog_mask]
        return (f"had no item left after its chain's filters ({', '.join(filters)}) or "
                f"from its wrapped model ({self.model_.name})" if filters else
                f"had no item from its wrapped model ({self.model_.name}), which "
                f"{self.model_._empty_list_reason()}")

    def _why_nothing_left(self, users: np.ndarray, exclude_seen: bool) -> str | None:
        """Why these users (with an empty list) got nothing, as a clause after "the
        model": the wrapped model's own scores left none of their unseen items (its
        reason), or which filter of the chain removed the last of them. The base class
        said "scored every unseen item -inf (items it cannot rank)" of a user whose
        every unseen item a block list removed. None when none of them has an unseen
        item and training rows (the base names those reasons itself)."""
        if exclude_seen:
            users = users[np.diff(self.seen_.indptr)[users] < len(self.items_)]
        users = users[~np.asarray(self._users_without_history(), bool)[users]]
        if not users.size:
            return None
        context = RerankContext(seen=self.seen_)
        remaining = np.array(writable_scores(_wrapped_scores(self.model_, users, exclude_seen)),
                             dtype=np.float64)
        if exclude_seen:
            mask_rows(remaining, self.seen_[users])
        left = ~np.all(np.isneginf(remaining) | np.isnan(remaining), axis=1)
        causes: list[tuple[str, np.ndarray]] = []
        if not left.all():
            causes.append((f"its wrapped model ({self.model_.name}) "
                           f"{self.model_._empty_list_reason()}", users[~left]))
        for position, step in enumerate(self.chain_):
            allowed = step.catalog_mask(users, context)
            if allowed is None:
                continue
            remaining[~allowed] = -np.inf
            still = ~np.all(np.isneginf(remaining) | np.isnan(remaining), axis=1)
            if (left & ~still).any():
                causes.append((f"its chain's filter chain[{position}] ({step.name}) "
                               "removed the last items it had", users[left & ~still]))
            left = still
        if not causes:
            return None
        if len(causes) == 1:
            return f"had no item left: {causes[0][0]}"
        return "had no item left: " + "; ".join(
            f"{cause} for {counted(len(whose), 'user')} "
            f"({shown_ids(self.users_.to_external(whose[:3]).tolist())[:-1]}"
            f"{', ...' if len(whose) > 3 else ''}])" for cause, whose in causes)

    def _checked_users(self, user_indices: Any, method: str) -> np.ndarray:
        # a model's refusal (RecstackError, as Recommender.score_users gives), naming the
        # method: the shared check's default class is the bandits' BanditInputError
        return as_index_array(f"{self.name}: {method}", "user_indices", user_indices,
                              ndim=1, size=len(self.users_), what="user",
                              error=RecstackError)

    def _batch(self, users: np.ndarray, exclude_seen: bool = True
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The chain's lists (items, scores) of a batch of users, and the wrapped model's
        float64 scores with filtered items (and seen ones, with ``exclude_seen``) at
        ``-inf``."""
        context = RerankContext(seen=self.seen_)
        raw = np.array(writable_scores(_wrapped_scores(self.model_, users, exclude_seen)),
                       dtype=np.float64)
        if exclude_seen:
            mask_rows(raw, self.seen_[users])
        for step in self.chain_:
            allowed = step.catalog_mask(users, context)
            if allowed is not None:
                raw[~allowed] = -np.inf
        unknown = self._items_unknown_to_model()
        if unknown is None:
            top, values = top_k(raw, self.n_candidates)
        else:
            # the chain's steps read popularity, genres, ages... of the training data, of
            # which an item without training rows has none: a popularity penalty (log(1 +
            # 0) = 0), a long-tail share or an exposure quota lifted such items, scored 0 or
            # at random by a collaborative model, above the trained items it penalised.
            # Masked in place, their columns set aside and put back (raw orders them below
            # the lists): a copy of the whole batch doubled its memory
            columns = np.flatnonzero(unknown)
            kept = raw[:, columns]
            raw[:, columns] = -np.inf
            try:
                top, values = top_k(raw, self.n_candidates)
            finally:
                raw[:, columns] = kept
            del kept
        empty = np.isneginf(values) | np.isnan(values)
        items = np.where(empty, -1, top)
        scores = np.where(empty, -np.inf, values)
        items, scores = run_chain(self.chain_, users, items, scores, context)
        return items, scores, raw

    def _items_unknown_to_model(self) -> np.ndarray | None:
        """The items (a boolean mask) that are never candidates of a non-empty chain: those
        the wrapped model learned nothing of (no training rows, in a collaborative model;
        neither rows nor content, in one that places items by their content). They stay
        below the lists, in the wrapped model's order. None when there are none, or when
        the chain is empty (the identity: the wrapped model's lists as they are)."""
        if not self.chain_:
            return None
        unknown = self.model_._items_without_similarity()
        return unknown if unknown is not None and unknown.any() else None

    def _score_users(self, user_indices: np.ndarray, *, exclude_seen: bool = True
                     ) -> np.ndarray:
        users = np.asarray(user_indices, dtype=np.int64)
        n_items = len(self.items_)
        out = np.empty((len(users), n_items))
        for start in range(0, len(users), _CHAIN_BATCH):
            batch = users[start:start + _CHAIN_BATCH]
            items, _, raw = self._batch(batch, exclude_seen)
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

    def _item_similarity_missing(self) -> str | None:
        # the wrapped model's answer, said as this model's (a wrapped user_knn was refused
        # in user_knn's own name, from inside the wrapper)
        reason = self.model_._item_similarity_missing()
        return None if reason is None else (f"it ranks by its wrapped model's similarity, "
                                            f"and {self.model_.name} has none: {reason}")

    def _items_without_similarity(self) -> np.ndarray:
        # the wrapped model's: a content model places items without training rows
        return self.model_._items_without_similarity()

    def _item_embeddings(self) -> np.ndarray | None:
        return self.model_._item_embeddings()

    def _embeddings_or_refuse(self, embeddings: np.ndarray | None, kind: str) -> np.ndarray:
        if embeddings is None and kind == "item":
            # the generic refusal listed "reranked" among the models that have them
            raise RecstackError(
                f"{self.name}: this model has no item embeddings: its wrapped model "
                f"({self.model_.name}) has none; wrap a model that has them: "
                f"{', '.join(m for m in _models_with_vectors('item') if m != self.name)}")
        return super()._embeddings_or_refuse(embeddings, kind)

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

    def _saved_array_label(self, name: str) -> str:
        """The wrapped model's array is named by it, as a blend names its members':
        ``array 'similarity' of the wrapped model (item_knn) of model 'reranked' (saved as
        'm__similarity')``."""
        if name.startswith(_MODEL):
            kind = self.model.get("type") if isinstance(self.model, dict) else None
            return (f"array {name[len(_MODEL):]!r} of the wrapped model ({kind}) of model "
                    f"{self.name!r} (saved as {name!r})")
        return super()._saved_array_label(name)

    def _check_state(self, arrays: dict[str, np.ndarray]) -> str | None:
        part = _unprefixed(arrays, _MODEL)
        part.update({k: v for k, v in arrays.items() if k.startswith("base__")})
        problem = self._wrapped()._check_state(part)
        if problem:
            return f"model ({self.model['type']}): {problem}"
        # a step whose settings and saved arrays disagree (a block list's items edited in
        # model.json after saving) loaded and used the arrays, silently
        item_ids = IdMap.restore(np.asarray(arrays["base__item_ids"]))
        user_ids = IdMap.restore(np.asarray(arrays["base__user_ids"]))
        for position, step in enumerate(self._steps()):
            problem = step.check_state(_unprefixed(arrays, _STEP.format(position)), item_ids,
                                       user_ids)
            if problem:
                return f"chain[{position}] ({step.name}): {problem}"
        return None


def _step_shown(step: Reranker) -> str:
    """A step as a message names it: its type and settings, each as :func:`shown_given`
    shows it (a block list of thousands of items, in the step's repr, was written whole)."""
    settings = ", ".join(f"{name}={shown_given(value)}"
                         for name, value in step.get_params().items())
    return f"{type(step).__name__}({settings})"


def _repeat_consequence(step: Reranker) -> str:
    """What a step given twice in a chain does, in words."""
    if type(step).catalog_mask is not Reranker.catalog_mask:
        return "a filter given twice removes nothing the first did not"
    return ("a step given twice applies its change twice (a boost or a penalty doubles, a "
            "re-ordering reorders its own output)")


def check_exclude_seen(exclude_seen: Any, where: str = "") -> None:
    """The two-stage model's check of the flag (one wording for both)."""
    _two_stage().check_exclude_seen(exclude_seen, where)


def _two_stage() -> Any:
    # imported when used: the two-stage module imports the feature builder, which reads
    # label columns with this package's helpers
    from recstack.pipeline import two_stage

    return two_stage


def _wrapped_scores(model: Recommender, users: np.ndarray, exclude_seen: bool
                    ) -> np.ndarray:
    """The wrapped model's full-catalog scores. Every model scores seen items as any
    other, except a two-stage model, whose candidates leave them out unless told."""
    if not exclude_seen and isinstance(model, _two_stage().TwoStage):
        return model.score_users(users, exclude_seen=False)
    return model.score_users(users)


def _unprefixed(arrays: dict[str, Any], prefix: str) -> dict[str, Any]:
    return {key[len(prefix):]: value for key, value in arrays.items()
            if key.startswith(prefix)}
