"""A published ``two_stage`` model on the service's request path: retrieval by each of its
candidate generators, then its ranker over the merged candidates.

:class:`TwoStageServing` is built when a version loads. For one user it

1. **retrieves** each generator's top ``n_candidates`` unseen items: through an item
   index over the generator's item vectors (``ann`` when the index is a graph, ``exact``
   otherwise) when ``user_vectors @ item_vectors.T`` reproduces the generator's own scores
   (:func:`reproducing_vectors`, checked on a few users), else by the generator's own
   scoring of the catalog (``model``); each generator is timed as
   ``stage="retrieval", name=<source>:<how>``. The indexes are built when the version is
   published and saved with it (:class:`~recstack.serving.registry.ModelRegistry`,
   ``generator_indexes`` in the manifest, with their recall@10); a version published
   without them gets them built when it loads;
2. **merges** the proposals as :func:`recstack.pipeline.candidates.generate_candidates`
   does (a union; a source that did not propose a pair gives it score NaN and rank
   ``n + 1``), scores them with the model's scorers, and builds their features with the
   model's own fitted :class:`~recstack.pipeline.features.FeatureBuilder` and serving
   statistics (``builder_.build(candidates, state_, context=...)``: the code and the
   numbers the model scores with offline, so training and serving cannot compute features
   differently), the request's context (a dict column -> value, ``timestamp`` for the time
   features) repeated on every candidate as ``TwoStage.recommend(..., context=)`` repeats
   it; timed as ``stage="ranking", name="features"``;
3. **ranks** them with the model's ranker (``stage="ranking", name=<ranker>``), best
   first, equal scores to the lower item index (the tie rule of ``recommend``).

The features of the returned items travel with the list (:class:`RankerFeatures`) and
are written to the request log as JSON (``{"retrieval": {source: how}, "columns": [...],
"items": [...], "values": [[...]]}``, NaN as null), where
:func:`recstack.serving.skew.check_skew` recomputes them offline.

With exact retrieval the service's list equals the model's ``recommend``; with an
approximate index a generator may miss a few of its exact top items (the manifest of
the version's index, and the skew check, say how often).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from recstack.errors import ConfigError, RecstackError, counted, shown
from recstack.serving._arguments import is_whole

#: the largest number a numeric context column takes: the ranker's features are float32
#: (a larger finite number, 1e308, would be infinity there)
MAX_CONTEXT_NUMBER = float(np.finfo(np.float32).max)


def context_number_problem(key: str, value: float, model: str) -> str | None:
    """Why ``value`` cannot be the numeric context column ``key`` of ``model``, or None:
    the one check of the service and ``recstack recommend --context``."""
    if abs(float(value)) > MAX_CONTEXT_NUMBER:
        return (f"context key {key!r}: {value:g} is beyond the range of {model}'s float32 "
                f"features (at most {MAX_CONTEXT_NUMBER:.3g} in size)")
    return None

if TYPE_CHECKING:
    from recstack.pipeline.candidates import Candidates as PipelineCandidates
    from recstack.pipeline.two_stage import TwoStage
    from recstack.serving.ann import ItemIndex

__all__ = ["RankerFeatures", "TwoStageServing", "candidate_context", "frame_values",
           "merge_proposals", "reproducing_vectors"]

#: users checked at load for ``user_vectors @ item_vectors.T == score_users``
_CHECK_USERS = 4


@dataclass(frozen=True)
class RankerFeatures:
    """The ranker's input for a request's candidates (rows in ``items`` order) and how
    each source retrieved; :meth:`to_json` keeps the rows of the items finally served."""

    columns: tuple[str, ...]
    items: np.ndarray
    values: np.ndarray
    retrieval: dict[str, str]

    def to_json(self, served: np.ndarray) -> str:
        row = {item: r for r, item in enumerate(self.items.tolist())}
        rows = self.values[[row[i] for i in served.tolist() if i in row]]
        kept = [i for i in served.tolist() if i in row]
        values = [[None if not np.isfinite(v) else float(v) for v in line]
                  for line in rows.tolist()]
        return json.dumps({"retrieval": self.retrieval, "columns": list(self.columns),
                           "items": kept, "values": values})


@dataclass
class _Retriever:
    source: str
    how: str  # "ann", "exact" or "model"
    generator: Any
    index: ItemIndex | None = None
    user_vectors: np.ndarray | None = None


class TwoStageServing:
    """Retrieval, features and ranking of a fitted ``two_stage`` model for one user at a
    time (see the module docstring).

    Parameters
    ----------
    model : TwoStage
        The loaded, fitted model.
    index : {"auto", "hnsw", "exact"}
        How generators with vectors are searched (:meth:`ItemIndex.build`'s backend:
        ``"auto"`` builds a graph from its ``exact_below`` items on when hnswlib is
        installed).
    index_options : dict, optional
        More arguments of :meth:`ItemIndex.build` (``M``, ``ef_construction``, ``ef``).
    saved : dict of int to ItemIndex, optional
        Indexes built when the version was published (by generator position; see
        :class:`~recstack.serving.registry.ModelVersion`): used instead of building one
        here, with ``ef`` from ``index_options`` when given.
    """

    def __init__(self, model: TwoStage, *, index: str = "auto",
                 index_options: dict[str, Any] | None = None,
                 saved: dict[int, ItemIndex] | None = None) -> None:
        from recstack.serving.ann import ItemIndex

        self.model = model
        self.n = int(model.n_candidates)
        self.n_items = len(model.items_)
        self.sources = tuple(model.builder_.sources_)
        self.ranker_name = str(model.ranker.get("type", "ranker"))
        seen = sp.csr_matrix(model.seen_)
        self.seen_indptr, self.seen_indices = seen.indptr, seen.indices
        self.retrievers: list[_Retriever] = []
        options = _index_options(index_options)
        for position, (source, generator) in enumerate(zip(self.sources, model.generators_,
                                                           strict=True)):
            vectors = reproducing_vectors(generator)
            if vectors is None:
                self.retrievers.append(_Retriever(source, "model", generator))
                continue
            users, items = vectors
            built = (saved or {}).get(position)
            if built is None or built.n_items != len(items) or built.dim != items.shape[1]:
                # a version published without it: built now (slower to load)
                built = ItemIndex.build(items, backend=index,  # type: ignore[arg-type]
                                        check_queries=users, **options)
            elif "ef" in options and built.backend == "hnsw":
                built.params["ef"] = int(options["ef"])
            how = "ann" if built.backend == "hnsw" else "exact"
            self.retrievers.append(_Retriever(source, how, generator, built, users))
        self.retrieval = {r.source: r.how for r in self.retrievers}
        lacking = [m.name for m in (*model.generators_, *model.scorers_)
                   if not callable(getattr(m, "score_histories", None))]
        #: why a new visitor cannot be ranked (a generator or scorer without fold-in), or
        #: None: then ``model.score_histories`` ranks them
        self.cannot_fold_in = (None if not lacking else
                               f"two_stage: its {', '.join(lacking)} cannot score a new "
                               "visitor from their items")

    def describe(self) -> str:
        return ", ".join(f"{source}: {how}" for source, how in self.retrieval.items())

    def rank(self, user: int, timer: Callable[[str, str, float], None], *,
             context: Mapping[str, Any] | None = None, exclude_seen: bool = True,
             blocked: np.ndarray | None = None
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray, RankerFeatures]:
        """The ranked candidates of user index ``user``: item indices, the ranker's
        scores, each item's proposing sources (``"als+item_knn"``) and the features.
        ``timer(stage, name, seconds)`` is told each step's time. ``context``: the
        request's (column -> value; ``timestamp`` for time features), None for the
        unknown level (:mod:`recstack.pipeline.features`). Without ``exclude_seen`` the
        generators may propose the user's seen items, as ``TwoStage.recommend`` does.
        ``blocked``: items that no generator may propose (the filters of the re-ranking
        chains, :func:`recstack.serving.rerank.chain_exclusions`)."""
        seen = (self.seen_indices[self.seen_indptr[user]:self.seen_indptr[user + 1]]
                if exclude_seen else np.empty(0, np.int32))
        if blocked is not None and len(blocked):
            # excluded at retrieval, as for every other model: a block list of the
            # generators' top items took all their candidates, and the chain then removed
            # them, so a user was served an empty list while unblocked items were left
            seen = np.union1d(seen, blocked).astype(np.int64)
        proposals = []
        for retriever in self.retrievers:
            started = time.perf_counter()
            proposals.append(self._retrieve(retriever, user, seen))
            timer("retrieval", f"{retriever.source}:{retriever.how}",
                  time.perf_counter() - started)
        started = time.perf_counter()
        candidates = merge_proposals(user, proposals, self.n, self.n_items, self.sources)
        model = self.model
        if model.candidates_per_user is not None:
            from recstack.pipeline.candidates import limit_per_user

            candidates = limit_per_user(candidates, model.candidates_per_user)
        if model.scorers_:
            from recstack.pipeline.candidates import score_candidates

            candidates = score_candidates(candidates, model.scorers_, model.builder_.scorers_)
        frame = model.builder_.build(candidates, model.state_,
                                     context=candidate_context(model, context,
                                                               len(candidates)))
        timer("ranking", "features", time.perf_counter() - started)
        started = time.perf_counter()
        scores = np.asarray(model.ranker_.score(frame), dtype=np.float64).ravel()
        timer("ranking", self.ranker_name, time.perf_counter() - started)
        if scores.shape != (len(candidates),) or not np.isfinite(scores).all():
            raise RecstackError(f"two_stage: the ranker gave {scores.shape[0]} scores for "
                                f"{len(candidates)} candidates, not all finite")
        # best first; equal scores: the lower item index first, as recommend() orders them
        order = np.lexsort((candidates.items, -scores))
        proposed = np.isfinite(candidates.scores)
        names = np.array(self.sources, dtype=object)
        sources = np.array(["+".join(names[row].tolist()) for row in proposed[order]],
                           dtype=object)
        features = RankerFeatures(tuple(f.name for f in frame.schema.features),
                                  candidates.items, frame_values(frame), self.retrieval)
        return candidates.items[order], scores[order], sources, features

    def _retrieve(self, retriever: _Retriever, user: int, seen: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:
        if retriever.index is not None and retriever.user_vectors is not None:
            return retriever.index.search_one(retriever.user_vectors[user],
                                              min(self.n, self.n_items), seen)
        from recstack.topk import top_k, writable_scores

        row = writable_scores(retriever.generator.score_users(np.array([user])), copy=True)
        row[0, seen] = -np.inf
        top, scores = top_k(row, min(self.n, self.n_items))
        return top[0], scores[0]


def _index_options(index_options: Any) -> dict[str, Any]:
    """``index_options`` checked against :meth:`ItemIndex.build`'s arguments: a misspelt
    name was a TypeError inside the build, and ``ef`` (applied to saved graphs without a
    build) was taken without its check."""
    import inspect

    from recstack.errors import ConfigError
    from recstack.serving.ann import ItemIndex
    from recstack.specs import closest, whole_exact_as_int

    if index_options is None:
        return {}
    if not isinstance(index_options, Mapping):
        raise ConfigError(f"index_options must be a table of ItemIndex.build arguments "
                          f"(M, ef_construction, ef...), got {index_options!r:.80}")
    accepted = [name for name in inspect.signature(ItemIndex.build).parameters
                if name not in ("cls", "vectors", "backend", "check_queries")]
    for name in index_options:
        if name not in accepted:
            near = closest(str(name), accepted)
            hint = f"; did you mean {near!r}?" if near else ""
            raise ConfigError(f"index_options: unknown option {name!r}; the options are "
                              f"{', '.join(accepted)}{hint}")
    given = index_options.get("ef")
    ef = whole_exact_as_int(given)  # Decimal("50") is 50, as every count
    if "ef" in index_options and (ef is None or not is_whole(ef) or ef < 1):
        raise ConfigError(f"index_options: ef must be a positive integer, got "
                          f"{shown(given):.80}")
    # numpy's integers are integers (np.int64(64) was refused as "must be a positive
    # integer"), given on as Python's
    return {**index_options, **({"ef": int(ef)} if ef is not None else {})}


def candidate_context(model: TwoStage, context: Mapping[str, Any] | None, n: int
                      ) -> pd.DataFrame | None:
    """One request's ``context`` as the feature builder takes it, one row per candidate
    (None without a context, or for a model without context features), as
    ``TwoStage.recommend(..., context=)`` builds it offline."""
    if not context or not model.builder_.uses_context:
        return None
    from recstack.pipeline.features import request_context

    return request_context(dict(context), 1).iloc[np.zeros(n, np.int64)]


def merge_proposals(user: int, proposals: list[tuple[np.ndarray, np.ndarray]], n: int,
                    n_items: int, sources: tuple[str, ...]) -> PipelineCandidates:
    """One user's proposals (each source's top items and scores, best first, empty slots
    ``-1``/``-inf``) merged as :func:`~recstack.pipeline.candidates.generate_candidates`
    merges them: sorted by item, one score and one rank column per source, NaN and
    ``n + 1`` where a source did not propose the item."""
    from recstack.pipeline.candidates import Candidates as PipelineCandidates

    given = (counted(len(proposals), "proposal") if isinstance(proposals, list | tuple)
             else type(proposals).__name__)
    if not isinstance(proposals, list | tuple) or not proposals \
            or len(proposals) != len(sources):
        # none was numpy's "need at least one array to concatenate"; a count unlike the
        # sources' was the Candidates' shape error, naming neither
        raise ConfigError(f"merge_proposals: give one (items, scores) proposal per source "
                          f"({counted(len(sources), 'source')}: "
                          f"{', '.join(map(str, sources)) or 'none'}), got {given}")
    items, values, ranks, origin = [], [], [], []
    for column, (top, scores) in enumerate(proposals):
        proposed = np.isfinite(scores) & (top >= 0)
        items.append(np.asarray(top, np.int64)[proposed])
        values.append(np.asarray(scores, np.float32)[proposed])
        ranks.append(np.arange(1, len(top) + 1, dtype=np.float32)[proposed])
        origin.append(np.full(int(proposed.sum()), column, np.int64))
    distinct, row = np.unique(np.concatenate(items), return_inverse=True)
    source = np.concatenate(origin)
    merged_scores = np.full((len(distinct), len(proposals)), np.nan, np.float32)
    merged_ranks = np.full((len(distinct), len(proposals)), n + 1, np.float32)
    merged_scores[row, source] = np.concatenate(values)
    merged_ranks[row, source] = np.concatenate(ranks)
    return PipelineCandidates(np.full(len(distinct), user, np.int64), distinct,
                              merged_scores, merged_ranks, sources, int(n))


def frame_values(frame: Any) -> np.ndarray:
    """The frame's columns in schema order as one float64 matrix (categorical codes as
    numbers), for the log."""
    numeric = iter(np.asarray(frame.numeric, np.float64).T)
    categorical = iter(np.asarray(frame.categorical, np.float64).T)
    columns = [next(categorical) if f.kind == "categorical" else next(numeric)
               for f in frame.schema.features]
    if not columns:
        return np.zeros((len(frame.items), 0))
    return np.column_stack(columns)


def reproducing_vectors(generator: Any) -> tuple[np.ndarray, np.ndarray] | None:
    """``(user_vectors, item_vectors)`` of a generator whose scores they reproduce
    (checked on a few users with history), else None: it is searched by its own
    scoring."""
    try:
        users = np.asarray(generator.user_embeddings(), np.float32)
        items = np.asarray(generator.item_embeddings(), np.float32)
    except RecstackError:
        return None
    if users.ndim != 2 or items.ndim != 2 or users.shape[1] != items.shape[1] \
            or users.shape[0] != len(generator.users_):
        return None
    active = np.flatnonzero(np.diff(sp.csr_matrix(generator.seen_).indptr) > 0)[:_CHECK_USERS]
    if not len(active):
        return None
    own = np.asarray(generator.score_users(active), np.float64)
    dot = users[active].astype(np.float64) @ items.T.astype(np.float64)
    if own.shape != dot.shape or not np.allclose(own, dot, rtol=1e-4, atol=1e-5):
        return None
    return users, items
