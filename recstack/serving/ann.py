"""Nearest-neighbour search over item embeddings: an HNSW graph (hnswlib) or exact search.

:class:`ItemIndex` answers "the ``k`` items whose vectors score highest against each query
vector", by inner product :math:`s(q, i) = q^\\top v_i` or by cosine
:math:`s(q, i) = q^\\top v_i / (\\lVert q\\rVert \\lVert v_i\\rVert)`. For factor models the
query is the user's embedding and inner product reproduces the model's own scores
(``user_embeddings() @ item_embeddings().T``). A zero vector (query or item) has cosine 0
with everything, as in :mod:`recstack.analysis.neighbours`; a zero query thus ties every
item at 0 and gets the lowest item indices on both backends. That list is the catalogue's
order, not a recommendation, so it is answered (a batch holding one zero row still gets
its other rows) with a :class:`ZeroQueryWarning` naming the zero rows, by
:meth:`ItemIndex.search`, :meth:`ItemIndex.search_one` and :func:`exact_search` alike;
the service does not search with a zero user vector and serves the most popular items
instead, naming the user (:meth:`recstack.serving.service.Service.recommend_user`).

Two backends, one result:

- ``"exact"``: a batched matrix product and :func:`recstack.topk.top_k_batched`, so ties
  follow recstack's one rule (the lower item index first). Products are taken in float64
  and rounded to float32, so copies of one vector score exactly alike in every form of
  search (in float32 their scores depended on their place in the product). Used for catalogs below
  ``exact_below`` items, and whenever hnswlib is not installed (with a note).
- ``"hnsw"``: hnswlib's graph (Malkov & Yashunin, 2018, "Efficient and robust approximate
  nearest neighbor search using Hierarchical Navigable Small World graphs", TPAMI 42(4)).
  Built single-threaded from a seed, so the same vectors and seed give the same graph and
  the same answers. The graph's candidates are re-scored from the vectors as exact search
  scores them and sorted with the same tie rule; when the ``k``-th score ties the next
  candidate's, the graph is asked for more (the tied items it did not return may have lower
  indices), so a query whose true top ``k`` the graph finds gets exact search's list.

At build time the index is checked against exact search: :attr:`ItemIndex.recall_at_10` is
the mean over sample queries of :math:`|A_{10}(q) \\cap E_{10}(q)| / 10` (``A``: the
index's top 10, ``E``: exact search's), which the model registry writes into the version's
manifest.

Filters (each query's seen items, a block list for everyone) never cost results: the graph
is asked for more than ``k`` neighbours (``k`` plus the query's excluded count, capped), the
excluded ones are dropped, and queries left with fewer than ``k`` are asked again with twice
as many (hnswlib searches with ``max(ef, k)``, so asking for more also searches wider) until
``k`` remain; a query whose request reaches the catalog's size is answered by exact search,
which returns every item that is left. Only then can a list be shorter than ``k``: its empty
slots hold item index ``-1`` and score ``-inf``.

Saved form (a folder, never pickle): ``index.json`` (format, metric, backend, sizes,
parameters, recall, the SHA-256 and byte size of the other files, and ``meta_sha256``, the
SHA-256 of the fields that decide the answers; required from format version 2, so a hand
edit that also removes it is refused), ``items.npy`` (the float32 vectors, for
exact search and checks) and, for HNSW, ``hnsw.bin`` in hnswlib's own format.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import struct
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp

from recstack.atomic import (
    atomic_directory,
    checked_path,
    folder_place_problem,
    folder_problem,
)
from recstack.data.idmap import integer_indices, sequence_array
from recstack.errors import ConfigError, RecstackError, counted, echoed, shown
from recstack.models.base import check_list_length
from recstack.serving._files import unreadable_file
from recstack.specs import (
    arguments_named,
    closest,
    number_spelling_hint,
    whole_exact_as_int,
)

__all__ = ["ItemIndex", "SERVING_INSTALL", "ZeroQueryWarning", "exact_search", "recall_at"]

logger = logging.getLogger(__name__)

Metric = Literal["ip", "cosine"]
Backend = Literal["auto", "hnsw", "exact"]
#: the command that installs what the HNSW backend needs
SERVING_INSTALL = 'pip install "recstack[serving]"'
FORMAT = "recstack-item-index"
#: 2: ``index.json`` carries ``meta_sha256`` and ``bytes`` (version 1 indexes were written
#: without them, and still load); a version 2 file without them was edited by hand
FORMAT_VERSION = 2
#: the format versions :meth:`ItemIndex.load` reads
_READ_VERSIONS = (1, 2)
INDEX_META = "index.json"
ITEMS_FILE = "items.npy"
HNSW_FILE = "hnsw.bin"
#: the graph degrees hnswlib builds sensibly (below 2 it fails, from 10,000 on it warns)
MIN_M, MAX_M = 2, 10_000
#: the longest candidate list (``ef``, ``ef_construction``): hnswlib takes at most 2**64 - 1
#: (a larger one was its TypeError "incompatible function arguments"), and a list longer
#: than any catalog only makes the graph an exact search done slowly
MAX_EF = 100_000_000
#: catalogs smaller than this are searched exactly by default: a matrix product over a few
#: thousand items costs less than a graph walk, and is exact
DEFAULT_EXACT_BELOW = 10_000


class ZeroQueryWarning(UserWarning):
    """A query vector handed to :meth:`ItemIndex.search`, :meth:`ItemIndex.search_one` or
    :func:`exact_search` is all zeros: it scores 0 against every item (cosine and inner
    product alike), so its list is the lowest item indices, the catalogue's order, not
    items near it. The message names the query rows."""


def _warn_zero_queries(queries: np.ndarray, where: str, stacklevel: int = 4) -> None:
    """One :class:`ZeroQueryWarning` naming the rows of ``queries`` that are all zeros
    (the first 8 and how many more), when any is; ``stacklevel`` 4 points at the caller of
    the public method (past this function, the method and :func:`arguments_named`)."""
    if not queries.size:
        return
    zero = np.flatnonzero(~queries.any(axis=1))
    if not len(zero):
        return
    shown_rows = ", ".join(map(str, zero[:8].tolist())) + (
        f" (and {len(zero) - 8:,} more)" if len(zero) > 8 else "")
    which = "the query is" if queries.shape[0] == 1 else (
        f"{len(zero):,} of {queries.shape[0]:,} query rows are all zeros (row"
        f"{'s' if len(zero) > 1 else ''} {shown_rows}):")
    if queries.shape[0] == 1:
        which += " all zeros:"
    warnings.warn(f"{where}: {which} a zero vector scores 0 against every item, so its "
                  "list is the lowest item indices (the catalogue's order), not items near "
                  "it; give it a vector the model learned (a user or item with no training "
                  "interactions has none), or serve it something else (e.g. the most "
                  "popular items)", ZeroQueryWarning, stacklevel=stacklevel)


def _import_hnswlib() -> Any:
    try:
        import hnswlib
    except ImportError:
        return None
    return hnswlib


class ItemIndex:
    """Top-``k`` search over item vectors; build with :meth:`build`, or :meth:`load` a saved
    one. See the module docstring for the backends, filters and the recall check.

    Attributes
    ----------
    metric : {"ip", "cosine"}
    backend : {"hnsw", "exact"}
        What answers queries (``"auto"`` is resolved at build time).
    n_items, dim : int
    recall_at_10 : float or None
        Agreement with exact search measured at build time (1.0 for exact search).
    params : dict
        ``M``, ``ef_construction``, ``ef`` and ``seed`` of the graph (empty for exact).
    """

    def __init__(self, vectors: np.ndarray, *, metric: Metric, backend: str,
                 graph: Any = None, params: dict[str, Any] | None = None,
                 recall_at_10: float | None = None) -> None:
        self.vectors = vectors
        self.metric = metric
        self.backend = backend
        self._graph = graph
        self.params = dict(params or {})
        self.recall_at_10 = recall_at_10
        self._item_norm: float | None = None
        # cosine compares directions: keep unit vectors for exact search
        self._searchable = _unit_rows(vectors) if metric == "cosine" else vectors
        self._searchable64: np.ndarray | None = None

    @property
    def n_items(self) -> int:
        return int(self.vectors.shape[0])

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    # ------------------------------------------------------------------ building
    @classmethod
    @arguments_named
    def build(cls, vectors: Any, *, metric: Metric = "ip", backend: Backend = "auto",
              exact_below: int = DEFAULT_EXACT_BELOW, M: int = 16,
              ef_construction: int = 200, ef: int = 200, seed: int = 0,
              check_queries: Any = None, n_check: int = 1000) -> ItemIndex:
        """Index ``vectors`` (``(n_items, dim)``; row ``i`` is item index ``i``).

        Parameters
        ----------
        vectors : array-like of float
            Item embeddings, finite.
        metric : {"ip", "cosine"}
            Inner product or cosine similarity.
        backend : {"auto", "hnsw", "exact"}
            ``"auto"``: HNSW from ``exact_below`` items on when hnswlib is installed, exact
            search otherwise. ``"hnsw"`` without hnswlib is refused with the install command.
        exact_below : int
            The catalog size from which ``"auto"`` builds a graph.
        M, ef_construction, ef : int
            hnswlib's graph degree, build-time and query-time candidate list lengths. On
            50,000 random 64-dimensional vectors (a hard case: no structure), M=16 gives
            recall@10 0.75 at ef=100, 0.90 at ef=200 (the default) and 0.97 at ef=400;
            the manifest's recall says how a real catalog fares (on 20,000 such vectors
            the defaults give about 0.96, on 20,000 clustered ones 0.99 and above).
            hnswlib's own defaults are the same ``M`` and ``ef_construction`` but ``ef=10``
            (recall@10 0.24 on the 50,000 vectors above), hence 200 here; the paper
            (Malkov & Yashunin 2018, section 4) suggests ``M`` from 5 to 48, and its level
            multiplier :math:`m_L = 1/\\ln M` is hnswlib's. At query time the graph is
            searched with ``max(ef, k + 1)`` candidates (hnswlib needs ``ef >= k``), so a
            small ``ef`` never shortens a list. ``M`` is 2 to 10,000; ``ef`` and
            ``ef_construction`` are 1 to :data:`MAX_EF` (100,000,000).
        seed : int
            Seeds the graph's random levels and the choice of check queries.
        check_queries : array-like, optional
            Query vectors for the recall check (e.g. user embeddings); default: item
            vectors. At most ``n_check`` of them, drawn with ``seed``, are used. They are
            checked (finite, as many dimensions as the items) whichever backend is chosen;
            exact search does not use them (its recall@10 is 1.0 by definition).
        """
        from recstack.metrics._validation import refuse_reordered_rows

        # row i is item index i: a DataFrame of vectors sorted by a column (its index the
        # item indices in another order) gave each item another item's vector
        refuse_reordered_rows(vectors, "item vectors", ConfigError)
        vectors = _check_vectors(vectors, "item vectors")
        _check_choice("metric", metric, {"ip": "inner product", "cosine": "cosine"})
        _check_choice("backend", backend, {"auto": "", "hnsw": "", "exact": ""})
        counts = {}
        for name, value in (("exact_below", exact_below), ("M", M),
                            ("ef_construction", ef_construction), ("ef", ef),
                            ("n_check", n_check)):
            # a whole exact number (Decimal("16")) is the int it names, as every count
            number = whole_exact_as_int(value)
            if isinstance(number, bool) or not isinstance(number, int | np.integer) \
                    or number < 1:
                # 16.0 and "16" were refused without the spelling that is taken
                raise ConfigError(f"{name} must be a positive integer, got {shown(value):.80}"
                                  f"{number_spelling_hint(value, int, name)}")
            counts[name] = int(number)
        exact_below, M, ef_construction, ef, n_check = (
            counts["exact_below"], counts["M"], counts["ef_construction"], counts["ef"],
            counts["n_check"])
        given_seed, seed = seed, whole_exact_as_int(seed)
        if not MIN_M <= M <= MAX_M:
            # hnswlib cannot link a graph of degree 1 ("Not enough memory: addPoint failed"),
            # and warns from 10,000 on (each item then reserves megabytes of links)
            raise ConfigError(f"M must be between {MIN_M} and {MAX_M:,} (hnswlib's graph "
                              f"degree; 16 is typical), got {shown(M)}")
        for name, value in (("ef_construction", ef_construction), ("ef", ef)):
            if value > MAX_EF:
                raise ConfigError(f"{name} must be at most {MAX_EF:,} (hnswlib's candidate "
                                  f"list; 200 is typical, and a list as long as the catalog "
                                  f"is exact search: backend='exact'), got {shown(value):.40}")
        if (isinstance(seed, bool) or not isinstance(seed, int | np.integer)
                or not 0 <= seed < 2**64):
            raise ConfigError(f"seed must be an integer from 0 to 2**64 - 1, got "
                              f"{shown(given_seed):.80}"
                              f"{number_spelling_hint(given_seed, int, 'seed')}")
        # checked whichever backend is chosen: exact search ignored them, so queries of the
        # wrong width or holding NaN passed while the catalog was small and were refused
        # only once it grew past exact_below (or hnswlib was installed)
        queries = vectors if check_queries is None else _check_vectors(check_queries,
                                                                       "check queries")
        if queries.shape[1] != vectors.shape[1]:
            raise ConfigError(f"check queries have {queries.shape[1]} dimensions, the items "
                              f"{vectors.shape[1]}")
        hnswlib = _import_hnswlib()
        if backend == "hnsw" and hnswlib is None:
            raise RecstackError(f"the hnsw index needs hnswlib: {SERVING_INSTALL}")
        use_graph = backend == "hnsw" or (backend == "auto" and hnswlib is not None
                                          and len(vectors) >= exact_below)
        if backend == "auto" and hnswlib is None and len(vectors) >= exact_below:
            logger.info("hnswlib is not installed: %d items will be searched exactly "
                        "(for approximate search: %s)", len(vectors), SERVING_INSTALL)
        if not use_graph:
            return cls(vectors, metric=metric, backend="exact", recall_at_10=1.0)
        graph = hnswlib.Index(space=metric, dim=vectors.shape[1])
        graph.init_index(max_elements=len(vectors), ef_construction=int(ef_construction),
                         M=int(M), random_seed=int(seed))
        # one thread: insertion order decides the graph, so this keeps builds repeatable
        # cosine: unit vectors made here, with norms in float64 (hnswlib normalises in
        # float32, where the squared norm of a vector of tiny values is 0: it became a zero
        # vector, cosine 0 with everything, where exact search found its direction)
        graph.add_items(_prepare(vectors, metric), np.arange(len(vectors)), num_threads=1)
        graph.set_ef(int(ef))
        params = {"M": int(M), "ef_construction": int(ef_construction), "ef": int(ef),
                  "seed": int(seed)}
        index = cls(vectors, metric=metric, backend="hnsw", graph=graph, params=params)
        rng = np.random.default_rng(seed)
        chosen = rng.choice(len(queries), size=min(n_check, len(queries)), replace=False)
        index.recall_at_10 = recall_at(index, queries[np.sort(chosen)], 10)
        return index

    # ------------------------------------------------------------------ searching
    @arguments_named
    def search(self, queries: Any, k: int, *, exclude: sp.spmatrix | None = None,
               blocked: Any = None) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` best items for each query vector, best first.

        Parameters
        ----------
        queries : array-like of float, shape (n, dim)
        k : int
        exclude : scipy.sparse matrix, shape (n, n_items), optional
            Items not to return per query (stored entries; e.g. each user's seen items).
        blocked : list, tuple, set or 1-d ndarray of int, optional
            Item indices not to return to anyone (a block list), checked as
            :meth:`search_one` checks its ``exclude``.

        Returns
        -------
        indices : ndarray of int64, shape (n, k)
            Item indices; ``-1`` in slots left empty because fewer than ``k`` items remain
            after the filters.
        scores : ndarray of float32, shape (n, k)
            ``-inf`` in empty slots.
        """
        queries = _check_vectors(queries, "queries", allow_empty=True)
        if queries.shape[1] != self.dim:
            raise ConfigError(f"queries have {queries.shape[1]} dimensions; the index has "
                              f"{self.dim}")
        k = check_list_length(k, len(queries), self.n_items, "ItemIndex.search")
        self._check_score_range(queries)
        _warn_zero_queries(queries, "ItemIndex.search")
        mask = self._exclusions(len(queries), exclude, blocked)
        if self.backend == "exact" or len(queries) == 0:
            return self._exact(queries, k, mask)
        zero = ~queries.any(axis=1)
        if not zero.any():
            return self._graph_search(queries, k, mask)
        # a zero query scores 0 against every item (its cosine is defined as 0): the answer
        # is the tie rule's, the lowest item indices left, which only exact search gives (the
        # graph returned whichever items its walk reached)
        out_index = np.empty((len(queries), k), np.int64)
        out_scores = np.empty((len(queries), k), np.float32)
        for rows, search in ((np.flatnonzero(zero), self._exact),
                             (np.flatnonzero(~zero), self._graph_search)):
            if len(rows):
                out_index[rows], out_scores[rows] = search(
                    queries[rows], k, mask[rows] if mask is not None else None)
        return out_index, out_scores

    def _check_score_range(self, queries: np.ndarray) -> None:
        """Refuse queries whose inner products with the items could pass float32's range:
        such scores are infinite, and an infinite score reads as an excluded slot (the list
        came back empty). Bounded by the product of the largest norms (Cauchy-Schwarz)."""
        if self.metric != "ip" or not len(queries):
            return
        largest = float(np.sqrt(np.max(np.einsum("ij,ij->i", queries, queries,
                                                  dtype=np.float64))))
        if largest * self._largest_item_norm() > _SCORE_LIMIT:
            raise ConfigError(
                f"queries of norm up to {largest:.3g} against items of norm up to "
                f"{self._largest_item_norm():.3g} give inner products beyond float32's "
                f"range ({_SCORE_LIMIT:.3g}); scale the vectors down")

    def _largest_item_norm(self) -> float:
        if self._item_norm is None:
            self._item_norm = float(np.sqrt(np.max(np.einsum(
                "ij,ij->i", self.vectors, self.vectors, dtype=np.float64), initial=0.0)))
        return self._item_norm

    @arguments_named
    def search_one(self, query: np.ndarray, k: int, exclude: np.ndarray | None = None
                   ) -> tuple[np.ndarray, np.ndarray]:
        """One query's ``k`` best items, as :meth:`search` answers them (same widening,
        same tie rule), without sparse masks: the service's request path. ``k`` and the
        exclusions are checked as :meth:`search` checks them (the graph path returned an
        empty list for ``k=0`` and the exact path refused it)

        Parameters
        ----------
        query : ndarray of float32, shape (dim,)
        k : int
            At least 1.
        exclude : list, tuple, set or 1-d ndarray of int, optional
            Item indices not to return (any order, repeats allowed), each in
            ``[0, n_items)``: an index outside the catalog is refused, not ignored, as are a
            single index (pass ``[3]``), nested lists (not flattened), floats and booleans.

        Returns
        -------
        indices : ndarray of int64, shape (k,)
        scores : ndarray of float32, shape (k,)
            ``-1`` / ``-inf`` in slots left empty.
        """
        k = check_list_length(k, 1, self.n_items, "ItemIndex.search_one")
        # a boolean mask over the items was cast to the indices 0 and 1, and 2.7 to 2; a
        # nested list ([[1]]) was flattened without a word, and a single index (3), a
        # sparse row or a ragged list failed with numpy's or Python's TypeError
        excluded = _item_index_list(exclude, "exclude", self.n_items,
                                    "ItemIndex.search_one")
        if (isinstance(query, np.ndarray) and query.dtype.kind == "f"
                and query.shape == (self.dim,) and not np.isfinite(query).all()):
            raise ConfigError(f"the query must be {self.dim} finite numbers (the index's "
                              f"dimensions), got shape {query.shape} with NaN or inf")
        # text, booleans and complex numbers refused by name (text was numpy's "could not
        # convert string to float"), NaN and inf by position
        query = float32_rows(query, "the query")
        if query.shape != (self.dim,):
            raise ConfigError(f"the query must be {self.dim} finite numbers (the index's "
                              f"dimensions), got shape {query.shape}")
        self._check_score_range(query[None, :])
        query = query[None, :]
        _warn_zero_queries(query, "ItemIndex.search_one")
        if self.backend == "exact" or not query.any():
            # a zero query ties every item at 0: the lowest indices, as search answers it
            return self._exact_one(query, k, excluded)
        n_items = self.n_items
        walked = _prepare(query, self.metric)  # as the graph holds the items
        # one candidate beyond k, to see whether the k-th score's tie goes on (_rank)
        fetch = min(n_items, k + 1 + min(len(excluded), 4 * k))
        while fetch < n_items:
            self._graph.set_ef(max(int(self.params.get("ef", fetch)), fetch))
            try:
                labels, _ = self._graph.knn_query(walked, k=fetch, num_threads=1)
            except RuntimeError:
                fetch = min(n_items, fetch * 2)
                continue
            labels = labels.astype(np.int64)
            scores = self._rescore(walked, labels)
            if len(excluded):
                at = np.minimum(np.searchsorted(excluded, labels), len(excluded) - 1)
                scores[excluded[at] == labels] = -np.inf
            top, values, settled = _rank(labels, scores, k)
            if settled[0]:
                return top[0], values[0]
            fetch = min(n_items, fetch * 2)
        return self._exact_one(query, k, excluded)

    def _rescore(self, walked: np.ndarray, labels: np.ndarray) -> np.ndarray:
        """The scores of the graph's candidates ``labels`` (one row per query) computed from
        the vectors as exact search computes them: hnswlib's ``1 - distance`` came back a
        float32 step away, so items of equal score (duplicates) ranked apart."""
        scores = np.empty(labels.shape, np.float32)
        # the candidates' vectors are gathered (rows x fetch x dim): a few queries at a time,
        # so a batch of many users with long lists stays within about 64 MB
        step = max(1, _RESCORE_FLOATS // max(1, labels.shape[1] * self.dim))
        for start in range(0, len(labels), step):
            rows = slice(start, start + step)
            candidates = self._searchable[labels[rows]].astype(np.float64)
            scores[rows] = np.matmul(candidates, walked[rows, :, None].astype(np.float64)
                                     )[:, :, 0]
        return scores

    def _scored_items(self) -> np.ndarray:
        """The searchable vectors as :func:`_scores` takes them: a float64 copy kept for an
        exact index of at most :data:`_WIDE_COPY_BYTES` (a single query then costs no
        conversion), else the float32 vectors, widened a block at a time per call (a
        float64 copy of a large catalog doubled the index's memory; a graph falls back to
        exact search only now and then)."""
        if self.backend != "exact" or self._searchable.size * 8 > _WIDE_COPY_BYTES:
            return self._searchable
        if self._searchable64 is None:
            self._searchable64 = self._searchable.astype(np.float64)
        return self._searchable64

    def _exact_one(self, query: np.ndarray, k: int, excluded: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray]:
        from recstack.topk import top_k

        # the same product as exact_search, so the same float32 scores
        row = _scores(_prepare(query, self.metric), self._scored_items())
        row[0, excluded] = -np.inf
        top, scores = top_k(row, min(k, self.n_items))
        top, scores = _finish(top, scores, k)
        return top[0], scores[0]

    def _exclusions(self, n: int, exclude: Any, blocked: Any) -> sp.csr_matrix | None:
        """One ``(n, n_items)`` boolean CSR of what each query must not get."""
        parts = []
        if exclude is not None:
            if not sp.issparse(exclude) or exclude.shape != (n, self.n_items):
                got = (f"a {type(exclude).__name__} of shape {exclude.shape}"
                       if hasattr(exclude, "shape") else type(exclude).__name__)
                raise ConfigError(f"exclude must be a scipy sparse matrix of shape "
                                  f"({n}, {self.n_items}) (queries x items), got {got}"
                                  + ("" if sp.issparse(exclude) else
                                     "; wrap it in scipy.sparse.csr_matrix(...)"))
            parts.append(sp.csr_matrix(exclude, dtype=bool))
        if blocked is not None:
            blocked = _item_index_list(blocked, "blocked", self.n_items, "ItemIndex.search")
            # the same row for every query, built directly in CSR form
            parts.append(sp.csr_matrix(
                (np.ones(n * len(blocked), bool), np.tile(blocked, n),
                 np.arange(n + 1, dtype=np.int64) * len(blocked)), shape=(n, self.n_items)))
        if not parts:
            return None
        mask = parts[0]
        for other in parts[1:]:
            mask = mask + other
        mask = sp.csr_matrix(mask, dtype=bool)
        mask.sum_duplicates()
        return mask

    def _exact(self, queries: np.ndarray, k: int, mask: sp.csr_matrix | None
               ) -> tuple[np.ndarray, np.ndarray]:
        top, scores = _exact_search(self._scored_items(), _prepare(queries, self.metric), k,
                                    exclude=mask)
        return _finish(top, scores, k)

    def _graph_search(self, queries: np.ndarray, k: int, mask: sp.csr_matrix | None
                      ) -> tuple[np.ndarray, np.ndarray]:
        n, n_items = len(queries), self.n_items
        out_index = np.full((n, k), -1, np.int64)
        out_scores = np.full((n, k), -np.inf, np.float32)
        excluded = (np.diff(mask.indptr) if mask is not None else np.zeros(n, np.int64))
        # ask for k plus what the filters may remove (capped, so one user with a long
        # history does not make every query of the batch expensive); retries widen it
        # and one more, to see whether the k-th score's tie goes on (_rank)
        fetch = min(n_items, k + 1 + int(min(excluded.max(initial=0), 4 * k)))
        walked = _prepare(queries, self.metric)  # as the graph holds the items
        pending = np.arange(n)
        while len(pending):
            if fetch >= n_items:
                top, scores = self._exact(queries[pending], k,
                                          mask[pending] if mask is not None else None)
                out_index[pending], out_scores[pending] = top, scores
                break
            # the search keeps ef candidates: fewer than the k asked for makes hnswlib
            # fail outright on graphs of weakly structured vectors
            self._graph.set_ef(max(int(self.params.get("ef", fetch)), fetch))
            try:
                labels, _ = self._graph.knn_query(walked[pending], k=fetch, num_threads=1)
            except RuntimeError:
                # hnswlib could not find ``fetch`` neighbours (a sparse graph): widen
                fetch = min(n_items, fetch * 2)
                continue
            labels = labels.astype(np.int64)
            scores = self._rescore(walked[pending], labels)
            if mask is not None:
                scores[_excluded(mask[pending], labels)] = -np.inf
            top, values, enough = _rank(labels, scores, k)
            done = pending[enough]
            out_index[done], out_scores[done] = top[enough], values[enough]
            pending = pending[~enough]
            fetch = min(n_items, fetch * 2)
        return out_index, out_scores

    # ------------------------------------------------------------------ persistence
    @arguments_named
    def save(self, folder: str | Path, *, overwrite: bool = False) -> Path:
        """Write the index into ``folder`` as a whole: it appears complete or not at all
        (:func:`recstack.atomic.atomic_directory`); an existing folder is replaced only with
        ``overwrite=True``."""
        given = folder
        folder = checked_path(folder, "item index folder")
        if folder_place_problem(os.fsdecode(os.fspath(given)), "index") is None:
            # '.' or '~' is refused as such by atomic_directory, not as a folder of files
            _refuse_foreign_folder(folder, overwrite)
        # the name as given: atomic_directory judges '.', 'sub/..' or '~' as typed
        with atomic_directory(given, overwrite=overwrite) as staging:
            np.save(staging / ITEMS_FILE, self.vectors, allow_pickle=False)
            files = [ITEMS_FILE]
            if self.backend == "hnsw":
                self._graph.save_index(str(staging / HNSW_FILE))
                files.append(HNSW_FILE)
            meta = {"format": FORMAT, "format_version": FORMAT_VERSION,
                    "metric": self.metric, "backend": self.backend, "n_items": self.n_items,
                    "dim": self.dim, "params": self.params,
                    "recall_at_10": self.recall_at_10,
                    "sha256": {name: _sha256(staging / name) for name in files},
                    "bytes": {name: (staging / name).stat().st_size for name in files}}
            meta["meta_sha256"] = _meta_digest(meta)
            (staging / INDEX_META).write_text(json.dumps(meta, indent=2) + "\n",
                                              encoding="utf-8")
        return folder

    @classmethod
    @arguments_named
    def load(cls, folder: str | Path) -> ItemIndex:
        """Read an index written by :meth:`save`, checking its format and checksums; a
        damaged index is a :class:`~recstack.errors.RecstackError` naming the file."""
        folder = checked_path(folder, "item index folder")
        meta_path = folder / INDEX_META
        state = folder_problem(folder)
        if state not in (None, "no such folder"):
            # a link that loops or leads nowhere was "not a saved item index", a named
            # pipe "a file"
            state = "a file" if state == "is a file" else state
            raise RecstackError(f"{folder}: {state}; an item index is a folder written by "
                                "ItemIndex.save")
        if os.path.lexists(meta_path) and (meta_path.is_symlink() or not meta_path.is_file()):
            problem = unreadable_file(meta_path)
            if not problem.startswith("cannot read it"):
                # a folder was "cannot be read (Is a directory)", a dangling link "not a
                # saved item index (no index.json)", and a named pipe hung the load
                raise RecstackError(f"{meta_path}: {problem}; the index is damaged (save "
                                    "it again with ItemIndex.save, or copy the whole folder "
                                    "again)")
        try:
            from recstack.strict_json import loads

            # strict: NaN or Infinity (no JSON, never written here) named as such
            meta = loads(meta_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise RecstackError(f"{folder}: not a saved item index (no {INDEX_META})") from None
        except json.JSONDecodeError as error:
            how = (f"is empty ({meta_path.stat().st_size} bytes): a save or a copy cut short"
                   if not error.doc.strip() else f"not valid JSON ({error})")
            raise RecstackError(f"{meta_path}: {how}; the index is corrupted") from None
        except (ValueError, UnicodeDecodeError) as error:
            raise RecstackError(f"{meta_path}: not valid JSON ({error}); the index is "
                                "corrupted") from None
        except OSError as error:
            raise RecstackError(f"{meta_path}: cannot be read ({error.strerror or error})"
                                ) from None
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise RecstackError(f"{meta_path}: not a recstack item index (expected format "
                                f"{FORMAT!r})")
        version = meta.get("format_version")
        if isinstance(version, bool) or version not in _READ_VERSIONS:
            raise RecstackError(f"{meta_path}: index format version "
                                f"{meta.get('format_version')!r}; this recstack reads "
                                f"{' and '.join(map(str, _READ_VERSIONS))}")
        if version >= 2:
            # removing the checksum with the edit loaded the edited index silently
            missing = [key for key in ("meta_sha256", "bytes") if meta.get(key) is None]
            if missing:
                raise RecstackError(
                    f"{meta_path}: has no {' or '.join(missing)}, which format version "
                    f"{FORMAT_VERSION} always writes: the file was edited or is corrupted; "
                    "restore it, or rebuild the index (ItemIndex.build) and save it again")
        for field, known in (("backend", ("hnsw", "exact")), ("metric", ("ip", "cosine"))):
            if meta.get(field) not in known:
                # one of the two was wrong, and both were named (the sound one as unknown)
                raise RecstackError(
                    f"{meta_path}: unknown {field} {shown(meta.get(field))}; an item index "
                    f"has {' or '.join(map(repr, known))}: the file was edited or is "
                    "corrupted; restore it, or rebuild the index (ItemIndex.build) and save "
                    "it again")
        backend: str = meta["backend"]
        expected = [ITEMS_FILE] + ([HNSW_FILE] if backend == "hnsw" else [])
        checksums = meta.get("sha256")
        if not isinstance(checksums, dict) or sorted(checksums) != sorted(expected):
            raise RecstackError(f"{meta_path}: sha256 must list {expected}; the index is "
                                "corrupted")
        sizes = [meta.get("n_items"), meta.get("dim")]
        if any(isinstance(v, bool) or not isinstance(v, int) or v < 1 for v in sizes):
            raise RecstackError(f"{meta_path}: n_items and dim must be positive integers, "
                                f"got {sizes[0]!r} and {sizes[1]!r}; the index is corrupted")
        params = meta.get("params")
        limits = {"M": (MIN_M, MAX_M), "ef_construction": (1, MAX_EF), "ef": (1, MAX_EF)}
        if backend == "hnsw" and not (isinstance(params, dict) and all(
                not isinstance(params.get(key), bool) and isinstance(params.get(key), int)
                and low <= params[key] <= high for key, (low, high) in limits.items())):
            # the bounds build applies: an ef of 10**30 (edited, its checksum recomputed)
            # was hnswlib's TypeError traceback from set_ef
            raise RecstackError(f"{meta_path}: params must give the graph's M, "
                                f"ef_construction and ef as whole numbers (M from {MIN_M} to "
                                f"{MAX_M:,}, the others from 1 to {MAX_EF:,}), got "
                                f"{echoed(shown(params))}; the index is corrupted: restore "
                                "it, or rebuild the index (ItemIndex.build) and save it again")
        sizes_written = meta.get("bytes")
        if sizes_written is not None and (not isinstance(sizes_written, dict)
                                          or sorted(sizes_written) != sorted(expected)):
            raise RecstackError(f"{meta_path}: bytes must list {expected}; the index is "
                                "corrupted")
        for name in expected:
            if not (folder / name).is_file():
                # a folder, a pipe or a dangling link there was said to be "missing"
                problem = unreadable_file(folder / name)
                what = "missing" if problem.startswith("no such file") else problem
                raise RecstackError(f"{folder / name}: {what}; the index is incomplete")
            if _sha256(folder / name) != checksums[name]:
                # the size says which: a copy cut short (or a file of another index) reads
                # as such, not only as "corrupted"
                size = (folder / name).stat().st_size
                written = sizes_written.get(name) if sizes_written is not None else None
                how = (f" ({size:,} bytes, {INDEX_META} says {written:,}: cut short or "
                       f"replaced by another file; copy the whole folder again)"
                       if isinstance(written, int) and not isinstance(written, bool)
                       and written != size else "")
                raise RecstackError(f"{folder / name}: checksum mismatch{how}; the index is "
                                    "corrupted or was modified")
        vectors = _read_items(folder / ITEMS_FILE, (meta["n_items"], meta["dim"]))
        if not np.isfinite(vectors).all():
            raise RecstackError(f"{folder / ITEMS_FILE}: holds NaN or infinite vectors; the "
                                "index is damaged")
        recall = meta.get("recall_at_10")
        if recall is not None and (isinstance(recall, bool) or not isinstance(recall, int | float)
                                   or not 0 <= recall <= 1):
            # the registry copies it into the manifest and the service reports it
            raise RecstackError(f"{meta_path}: recall_at_10 must be a number from 0 to 1 (or "
                                f"null), got {recall!r}; the index is corrupted")
        params = meta.get("params") or {}
        seed = params.get("seed") if isinstance(params, dict) else None
        if not isinstance(params, dict) or (seed is not None and (
                isinstance(seed, bool) or not isinstance(seed, int) or seed < 0)):
            raise RecstackError(f"{meta_path}: params must be an object whose seed is a whole "
                                f"number >= 0, got {params!r:.80}; the index is corrupted")
        graph = None
        if backend == "hnsw":
            hnswlib = _import_hnswlib()
            if hnswlib is None:
                # the exact answer is always available from the vectors
                logger.info("%s: hnswlib is not installed; searching exactly (%s)", folder,
                            SERVING_INSTALL)
                backend = "exact"
            else:
                graph_problem = _graph_file_problem(folder / HNSW_FILE, int(meta["n_items"]),
                                                    int(meta["dim"]), meta["params"])
                if graph_problem is not None:
                    # said as hnswlib's own refusal below is
                    raise RecstackError(
                        f"{folder / HNSW_FILE}: hnswlib cannot read this graph (not the one "
                        f"{INDEX_META} describes: {graph_problem}): it is damaged or was "
                        "written by another hnswlib version; rebuild the index "
                        "(ItemIndex.build) and save it again, or restore the folder")
                graph = hnswlib.Index(space=meta["metric"], dim=int(meta["dim"]))
                try:
                    graph.load_index(str(folder / HNSW_FILE),
                                     max_elements=int(meta["n_items"]))
                except (RuntimeError, ValueError, OSError) as error:
                    raise RecstackError(
                        f"{folder / HNSW_FILE}: hnswlib cannot read this graph ({error}): "
                        f"it is damaged or was written by another hnswlib version; rebuild "
                        f"the index (ItemIndex.build) or search exactly") from None
                if graph.get_current_count() != int(meta["n_items"]):
                    raise RecstackError(
                        f"{folder / HNSW_FILE}: holds "
                        f"{counted(graph.get_current_count(), 'item')}, "
                        f"{INDEX_META} says {meta['n_items']}; the index is damaged")
                _check_graph_vectors(graph, vectors, meta["metric"], folder)
                graph.set_ef(int(meta["params"]["ef"]))
        digest = meta.get("meta_sha256")
        if digest is not None and digest != _meta_digest(meta):
            # the sha256 above covers the other files, not this one: a metric edited by
            # hand loaded an exact index, whose every search then ranked by the other
            # measure (a graph's own vectors tell the metric; exact search has no graph)
            raise RecstackError(f"{meta_path}: its checksum (meta_sha256) does not match its "
                                f"fields {', '.join(_DIGESTED)}: the file was edited or is "
                                "corrupted; restore it, or rebuild the index "
                                "(ItemIndex.build) and save it again")
        return cls(vectors, metric=meta["metric"], backend=backend, graph=graph,
                   params=params, recall_at_10=recall)

    def describe(self) -> dict[str, Any]:
        """What the registry's manifest records about the index."""
        return {"backend": self.backend, "metric": self.metric, "n_items": self.n_items,
                "dim": self.dim, "params": self.params, "recall_at_10": self.recall_at_10}


# --------------------------------------------------------------------------- functions
def _refuse_foreign_folder(folder: Path, overwrite: bool) -> None:
    """Refuse to save over an existing folder that holds other files than a saved index:
    ``overwrite=True`` replaced it whole (``save("results", overwrite=True)`` deleted a
    results folder), and without it the advice was to pass ``overwrite=True``. A saved
    index (its ``index.json`` present, even damaged) or an empty folder is left to the
    atomic writer."""
    if not folder.is_dir() or folder.is_symlink():
        return  # nothing there, or refused as what it is by the atomic writer
    try:
        with os.scandir(folder) as entries:
            names = sorted(entry.name for entry in entries)
    except OSError:
        return  # the writer names what the system refuses
    if not names or INDEX_META in names:
        return
    listed = ", ".join(map(repr, names[:3])) + (f" and {len(names) - 3} more"
                                                if len(names) > 3 else "")
    would = "would have deleted them" if overwrite is True else "would delete them"
    raise RecstackError(
        f"{folder}: holds {listed} and no {INDEX_META}, so it is not a saved item index; "
        f"overwrite=True replaces only a saved index or an empty folder, and {would}: "
        f"choose another folder, e.g. {folder / 'index'}")


@arguments_named
def exact_search(items: np.ndarray, queries: np.ndarray, k: int, *,
                 exclude: sp.csr_matrix | None = None, batch_size: int | None = None
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Exact top-``k`` by inner product ``queries @ items.T``, ``batch_size`` queries at a
    time (default: as many as fit in :mod:`recstack.topk`'s memory budget), with its tie
    rule; excluded entries score ``-inf``. Returns ``(indices, scores)`` of shape
    ``(n, min(k, n_items))``.

    ``items`` and ``queries`` are checked as :meth:`ItemIndex.build` and
    :meth:`ItemIndex.search` check them (2-d, finite real numbers, the same dimensions):
    lists were a TypeError from an index, NaN queries scored NaN, and mismatched
    dimensions were numpy's matmul error. ``exclude`` (a sparse matrix, or a dense one
    whose nonzero entries are the items to mask) must have one row per query and one column
    per item."""
    items = _check_vectors(items, "items")
    queries = _check_vectors(queries, "queries", allow_empty=True)
    if queries.shape[1] != items.shape[1]:
        raise ConfigError(f"exact_search: queries have {queries.shape[1]} dimensions; the "
                          f"items {items.shape[1]}")
    shape = getattr(exclude, "shape", None)
    if shape is not None and len(shape) == 2 and shape[0] != len(queries):
        # row r of exclude masks query r: a mask of more rows (every user's, for a few
        # users' queries) was taken without a word, its extra rows ignored and its first
        # rows applied to queries they were not written for
        raise ConfigError(f"exact_search: exclude must have one row per query ({len(queries)} "
                          f"x {len(items)}, queries x items), got {shape[0]} x {shape[1]}; "
                          "take the queries' rows of a larger mask (mask[rows])")
    # the rule of ItemIndex.search and every model's recommend: k=2.0 was told only
    # "must be a positive integer", without what a float is or which call refused it
    k = check_list_length(k, len(queries), len(items), "exact_search")
    _warn_zero_queries(queries, "exact_search")
    return _exact_search(items, queries, k, exclude=exclude, batch_size=batch_size)


def _exact_search(items: np.ndarray, queries: np.ndarray, k: int, *,
                  exclude: sp.csr_matrix | None = None, batch_size: int | None = None
                  ) -> tuple[np.ndarray, np.ndarray]:
    """:func:`exact_search` over arrays already checked (the index's own, per request;
    float32 ``items``, see :func:`_scores`)."""
    from recstack.topk import top_k_batched

    return top_k_batched(lambda rows: _scores(queries[rows], items), np.arange(len(queries)),
                         k,
                         exclude=exclude, batch_size=batch_size, n_items=len(items),
                         n_threads=1)


def _scores(queries: np.ndarray, items: np.ndarray) -> np.ndarray:
    """Inner products of float32 ``queries`` with ``items`` (float32, or their float64
    copy), taken in float64 and rounded to float32.

    Equal vectors get equal scores, so the tie rule (the lower index first) decides their
    order: a float32 matrix product gave two copies of one vector scores a float32 step
    apart, depending on their columns' place in BLAS's blocks and on the product's shape (a
    batch, one query, the graph's candidates), so exact search, its one-query form and the
    graph ordered duplicates differently. In float64 the difference is far below float32's
    step and vanishes in the rounding. float32 items are widened a block at a time (a
    float64 copy of a whole large catalog doubled the index's memory)."""
    wide = queries.astype(np.float64)
    out = np.empty((len(wide), len(items)), np.float32)
    step = max(1, _WIDEN_FLOATS // max(1, items.shape[1]))
    for start in range(0, len(items), step):
        block = items[start:start + step].astype(np.float64, copy=False)
        out[:, start:start + step] = wide @ block.T
    return out


@arguments_named
def recall_at(index: ItemIndex, queries: np.ndarray, k: int = 10) -> float:
    """Mean over ``queries`` of ``|index top-k ∩ exact top-k| / min(k, n_items)``."""
    if not isinstance(index, ItemIndex):
        raise ConfigError(f"recall_at: index must be an ItemIndex (ItemIndex.build or "
                          f"ItemIndex.load), got {type(index).__name__}")
    queries = _check_vectors(queries, "queries", allow_empty=True)
    # named as recall_at's own (it was "ItemIndex.search: k must be ...")
    k = check_list_length(k, max(1, len(queries)), index.n_items, "recall_at")
    if queries.shape[1] != index.dim:
        raise ConfigError(f"recall_at: queries have {queries.shape[1]} dimensions; the index "
                          f"has {index.dim}")
    if len(queries) == 0:
        # it was 1.0, read as an index that finds every true neighbour when none was looked
        # for (a sample of check queries that came out empty)
        raise ConfigError(f"recall_at: queries hold no rows (shape {queries.shape}): recall "
                          "over no queries is undefined; give at least one query vector of "
                          f"{index.dim} dimensions")
    with warnings.catch_warnings():
        # a zero check query has a well-defined answer on both sides (the tie rule's):
        # recall counts it like any other, without the warning meant for serving it
        warnings.simplefilter("ignore", ZeroQueryWarning)
        found, _ = index.search(queries, k)
    truth, _ = index._exact(queries, k, None)
    depth = min(k, index.n_items)
    hits = (found[:, :, None] == truth[:, None, :]).any(axis=2) & (found >= 0)
    return float(hits.sum(axis=1).mean() / depth)


def _excluded(mask: sp.csr_matrix, labels: np.ndarray) -> np.ndarray:
    """Which ``labels[r, j]`` are stored entries of row ``r`` of ``mask``: both as keys
    ``row * n_items + item``, looked up with one sorted search."""
    n_items = mask.shape[1]
    rows = np.repeat(np.arange(mask.shape[0], dtype=np.int64), np.diff(mask.indptr))
    keys = np.sort(rows * n_items + mask.indices)
    wanted = np.arange(len(labels), dtype=np.int64)[:, None] * n_items + labels
    if len(keys) == 0:
        return np.zeros(labels.shape, bool)
    position = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
    return keys[position] == wanted


def _rank(labels: np.ndarray, scores: np.ndarray, k: int
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ``k`` best of each row of candidates by score, the lower index first on ties, and
    which rows are settled: ``k + 1`` allowed candidates, the last scoring strictly lower
    than the ``k``-th. When it ties the ``k``-th (or is excluded, so nothing says), items
    beyond the candidates may tie too, and the tie rule wants the lowest indices among all
    of them (the graph returned whichever tied items its walk reached first): such rows are
    asked again, wider."""
    order = np.lexsort((labels, -scores), axis=1)
    ranked = np.take_along_axis(scores, order, axis=1)
    top = order[:, :k]
    if ranked.shape[1] > k:
        # excluded candidates score -inf and sort last: a finite (k+1)-th is an allowed one
        settled = np.isfinite(ranked[:, k]) & (ranked[:, k] < ranked[:, k - 1])
    else:
        settled = np.zeros(len(ranked), bool)
    return np.take_along_axis(labels, top, axis=1), ranked[:, :k], settled


def _finish(top: np.ndarray, scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """``k`` columns, empty slots (excluded, or beyond the catalog) as ``-1`` / ``-inf``."""
    top = top.astype(np.int64)
    scores = scores.astype(np.float32)
    missing = k - top.shape[1]
    if missing > 0:
        top = np.pad(top, ((0, 0), (0, missing)), constant_values=-1)
        scores = np.pad(scores, ((0, 0), (0, missing)), constant_values=-np.inf)
    top[~np.isfinite(scores)] = -1
    scores[~np.isfinite(scores)] = -np.inf
    return top, scores


def _read_items(path: Path, shape: tuple[int, int]) -> np.ndarray:
    """The item vectors of ``items.npy``, which must be one float32 array of ``shape``
    (from ``index.json``); anything else is a RecstackError naming the file.

    numpy's reader fails in many ways on a damaged header (a flipped byte there was a
    ``tokenize.TokenError`` traceback), and a zip archive (an ``.npz`` saved under the
    name) loads as an ``NpzFile``, not an array: both were tracebacks, not refusals."""
    try:
        loaded = np.load(path, allow_pickle=False)
    except Exception as error:  # noqa: BLE001 (a damaged header fails in many ways)
        raise RecstackError(f"{path}: not a readable .npy array of float32 vectors "
                            f"({type(error).__name__}: {echoed(error)}); the index is "
                            "damaged: restore it, or rebuild the index (ItemIndex.build) and "
                            "save it again") from None
    if not isinstance(loaded, np.ndarray):
        loaded.close()  # an NpzFile holds its file open
        raise RecstackError(f"{path}: holds a zip archive of arrays (.npz), not one .npy "
                            f"array of float32 vectors {shape}; the index is damaged: "
                            "restore it, or rebuild the index and save it again")
    if loaded.dtype != np.float32 or loaded.shape != shape:
        raise RecstackError(f"{path}: expected float32 {shape} (as {INDEX_META} says), got "
                            f"{loaded.dtype} {loaded.shape}; the index is damaged: restore "
                            "it, or rebuild the index and save it again")
    return loaded


#: hnswlib's file header: offsetLevel0, max_elements, cur_element_count,
#: size_data_per_element, label_offset, offsetData (size_t), maxlevel (int),
#: enterpoint_node (uint32), maxM, maxM0, M (size_t), mult (double), ef_construction
_GRAPH_HEADER = "<QQQQQQiIQQQdQ"
#: the most levels a graph of any real size reaches (a level is drawn with probability
#: M**-level; 64 levels would need more items than any catalog holds)
_GRAPH_MOST_LEVELS = 64


def _graph_file_problem(path: Path, n_items: int, dim: int, params: dict[str, Any]
                        ) -> str | None:
    """What keeps ``hnsw.bin`` from being the graph hnswlib wrote for ``n_items`` vectors
    of ``dim`` with ``params`` (its header, every neighbour list and every label), or None.

    hnswlib reads its file without checking it: a flipped byte in the header or in a
    neighbour list (the file's checksum recomputed) crashed the whole process with a
    segmentation fault, in the load or in the first search, where no error can be caught.
    The layout read here is hnswlib's ``saveIndex``: the header, then per item its
    level-0 record (neighbour count, ``maxM0`` neighbour ids, the vector, the label), then
    per item the size and neighbour lists of its upper levels."""
    raw = path.read_bytes()
    head = struct.calcsize(_GRAPH_HEADER)
    if len(raw) < head:
        return f"{len(raw)} bytes, shorter than hnswlib's {head}-byte header"
    (offset_level0, max_elements, count, record, label_offset, data_offset, max_level,
     entry, max_m, max_m0, m, mult, ef_construction) = struct.unpack_from(_GRAPH_HEADER, raw)
    expected = {"offsetLevel0": (offset_level0, 0), "cur_element_count": (count, n_items),
                "maxM": (max_m, params["M"]), "maxM0": (max_m0, 2 * params["M"]),
                # hnswlib keeps max(ef_construction, M) (its constructor's std::max)
                "M": (m, params["M"]), "ef_construction": (
                    ef_construction, max(params["ef_construction"], params["M"])),
                "offsetData": (data_offset, 4 + 4 * 2 * params["M"]),
                "label_offset": (label_offset, 4 + 4 * 2 * params["M"] + 4 * dim),
                "size_data_per_element": (record, 4 + 4 * 2 * params["M"] + 4 * dim + 8)}
    for field, (found, wanted) in expected.items():
        if found != wanted:
            return f"its header gives {field} = {found}, expected {wanted}"
    if max_elements < count or not 0 <= max_level < _GRAPH_MOST_LEVELS or entry >= count \
            or not (math.isfinite(mult) and mult > 0):
        return (f"its header gives max_elements = {max_elements}, maxlevel = {max_level}, "
                f"enterpoint = {entry}, mult = {mult} for {counted(count, 'item')}")
    level0_end = head + count * record
    if len(raw) < level0_end:
        return f"cut short: {len(raw):,} bytes, its items alone take {level0_end:,}"
    level0 = np.frombuffer(raw, np.uint8, count * record, head).reshape(count, record)
    sizes = level0[:, :2].copy().view("<u2")[:, 0]
    neighbours = level0[:, 4:data_offset].copy().view("<u4")
    if (sizes > max_m0).any():
        return f"item {int(np.argmax(sizes > max_m0))} lists more than {max_m0} neighbours"
    listed = np.arange(max_m0) < sizes[:, None]
    if (neighbours[listed] >= count).any():
        return "a neighbour list names an item beyond the graph's"
    labels = level0[:, label_offset:label_offset + 8].copy().view("<u8")[:, 0]
    if not np.array_equal(np.sort(labels), np.arange(count, dtype=np.uint64)):
        return f"its labels are not the item indices 0 to {count - 1}, each once"
    levels = np.zeros(count, np.int64)
    upper: list[tuple[int, bytes]] = []
    link_size = 4 + 4 * max_m
    position = level0_end
    item = 0
    while item < count:
        # an item on level 0 alone stores a size of 0 and nothing after it (most items: a
        # level is drawn with probability 1/M), so each run of them is skipped at once; a
        # loop over every item in Python took three times hnswlib's own load
        window = min(count - item, 4096, (len(raw) - position) // 4)
        if window <= 0:
            return f"cut short in the upper levels of item {item}"
        words = np.frombuffer(raw, "<u4", window, position)
        upper_levelled = np.flatnonzero(words)
        run = int(upper_levelled[0]) if upper_levelled.size else window
        item += run
        position += 4 * run
        if not upper_levelled.size:
            continue
        size = int(words[run])
        position += 4
        if size % link_size or size // link_size > max_level or position + size > len(raw):
            return f"item {item} has upper levels of {size} bytes"
        levels[item] = size // link_size
        upper.append((item, raw[position:position + size]))
        position += size
        item += 1
    if position != len(raw):
        return f"{len(raw) - position:,} bytes after the last item"
    if levels[entry] != max_level:
        return f"its entry point, item {entry}, is not on its top level {max_level}"
    for item, lists in upper:
        table = np.frombuffer(lists, "<u4").reshape(-1, max_m + 1)
        for level, row in enumerate(table, start=1):
            size = int(row[0]) & 0xFFFF
            linked = row[1:1 + size]
            if size > max_m or (linked >= count).any() or (levels[linked] < level).any():
                return f"item {item}'s neighbours on level {level} are not items of that level"
    return None


def _check_graph_vectors(graph: Any, vectors: np.ndarray, metric: str, folder: Path
                         ) -> None:
    """Refuse a graph whose stored vectors are not the items as ``metric`` prepares them
    (unit vectors for cosine, as given for inner product): a metric changed by hand in
    index.json (which no checksum covers) loaded, and every search then ranked by the other
    measure. A few items are compared, in their stored float32."""
    sample = np.unique(np.linspace(0, len(vectors) - 1, num=min(8, len(vectors)),
                                   dtype=np.int64))
    try:
        held = np.asarray(graph.get_items(sample.tolist()), dtype=np.float32)
    except (RuntimeError, ValueError, TypeError):
        return  # an hnswlib without get_items: nothing to compare
    expected = _prepare(vectors[sample], metric)
    if held.shape != expected.shape or not np.allclose(held, expected, rtol=1e-4,
                                                       atol=1e-6):
        other = "cosine" if metric == "ip" else "ip"
        hint = ("" if not np.allclose(held, _prepare(vectors[sample], other), rtol=1e-4,
                                      atol=1e-6)
                else f" (they are those of metric {other!r}: was {INDEX_META} edited?)")
        raise RecstackError(f"{folder / HNSW_FILE}: the graph's vectors are not the items of "
                            f"{ITEMS_FILE} for metric {metric!r}{hint}; the index is "
                            "inconsistent: rebuild it (ItemIndex.build)")


def _prepare(queries: np.ndarray, metric: str) -> np.ndarray:
    return _unit_rows(queries) if metric == "cosine" else queries


def _unit_rows(vectors: np.ndarray) -> np.ndarray:
    # norms in float64: squares of float32 components beyond 1.8e19 overflow float32, and
    # an infinite norm turned the row into zeros (every cosine 0)
    norms = np.sqrt(np.einsum("ij,ij->i", vectors, vectors, dtype=np.float64))[:, None]
    return (vectors / np.where(norms > 0, norms, 1.0)).astype(np.float32)


def _check_vectors(vectors: Any, what: str, *, allow_empty: bool = False) -> np.ndarray:
    array = float32_rows(vectors, what)
    if array.ndim != 2 or (array.shape[0] == 0 and not allow_empty) or array.shape[1] == 0:
        raise ConfigError(f"{what} must be a non-empty 2-d array (rows x dimensions), got "
                          f"shape {array.shape}")
    return array


#: how many float32 candidate components the graph's re-scoring gathers at once
_RESCORE_FLOATS = 1 << 24
#: how many item components exact search widens to float64 at once (8 MB)
_WIDEN_FLOATS = 1 << 20
#: the largest float64 copy of its items an exact index keeps (16 MB: 32,768 items of 64
#: dimensions); a larger catalog is widened per call, a block at a time
_WIDE_COPY_BYTES = 16 << 20
#: the largest float32
_SCORE_LIMIT = float(np.finfo(np.float32).max)


def float32_rows(vectors: Any, what: str) -> np.ndarray:
    """``vectors`` as a contiguous float32 array, refusing what would not be the numbers
    given: text (numpy would parse ``"1"``), booleans, complex numbers (numpy would drop the
    imaginary part), NaN, infinities and finite values beyond float32's range (they would
    become infinite), each named with its row. The shape is left to the caller, but None
    is refused here (numpy reads it as NaN)."""
    if vectors is None:
        raise ConfigError(f"{what} must be an array of numbers, got None")
    try:
        raw = np.asarray(vectors)
        if raw.dtype.kind == "O":
            raw = raw.astype(np.float64)
    except (TypeError, ValueError) as error:
        raise ConfigError(f"{what} must be an array of numbers ({error})") from None
    if raw.dtype.kind not in "iuf":
        kinds = {"b": "booleans", "c": "complex numbers", "U": "text", "S": "bytes"}
        raise ConfigError(f"{what} must be real numbers (float32), got "
                          f"{kinds.get(raw.dtype.kind, str(raw.dtype))}")
    if raw.dtype.kind == "f" and raw.size:
        finite = np.isfinite(raw)
        beyond = finite & (np.abs(raw) > _SCORE_LIMIT) if raw.dtype.itemsize > 4 else None
        bad = ~finite if beyond is None else ~finite | beyond
        if bad.any():
            at = np.unravel_index(int(np.argmax(bad)), raw.shape)
            value = raw[at].item()
            if raw.ndim == 0:  # no position to name: it was an IndexError from at[0]
                raise ConfigError(f"{what} must be an array of finite numbers, got the "
                                  f"single value {value!r}")
            row = f"row {at[0]}" if raw.ndim > 1 else f"position {at[0]}"
            problem = ("NaN or infinite" if not np.isfinite(value)
                       else f"beyond float32's range (±{_SCORE_LIMIT:.3g})")
            raise ConfigError(f"{what} hold values {problem}: {int(bad.sum())} in all, "
                              f"first {value!r} at {row}")
    return np.ascontiguousarray(raw, dtype=np.float32)


def _item_index_list(values: Any, what: str, n_items: int, where: str) -> np.ndarray:
    """A flat list of item indices (``exclude`` of :meth:`ItemIndex.search_one`, ``blocked``
    of :meth:`ItemIndex.search`) as sorted unique int64 in ``[0, n_items)``. None and an
    empty list are no items; a list, tuple, range, set or 1-d array of integers is taken
    (any order, repeats allowed). Refused, naming ``where`` and ``what``: a single index
    (``3``: pass ``[3]``), text, a mapping, a sparse matrix (``.indices`` of its one row is
    the list), nested or 2-d lists (``[[1]]`` was flattened to ``[1]``, so one query's
    list and a per-query mask read alike), ragged lists, fractions, booleans (a mask over
    the items read as the indices 0 and 1) and indices outside the catalog (an unsigned
    2**64-1 was reported as -1)."""
    if values is None:
        return np.empty(0, np.int64)
    head = (f"{where}: {what} must be item indices (integers) in one flat list, each in "
            f"[0, {n_items})")
    if sp.issparse(values):
        raise ConfigError(f"{head}, got a scipy sparse matrix of shape {values.shape}; pass "
                          "the indices of its stored entries (e.g. matrix.indices of a "
                          "one-row CSR matrix)")
    if isinstance(values, np.ndarray) and values.ndim == 0:
        values = values.item()  # a 0-d array is its one value
    if isinstance(values, str | bytes | Mapping) or not isinstance(values, Iterable):
        kind = "a mapping" if isinstance(values, Mapping) else type(values).__name__
        single = (f"; for one item pass a list, e.g. [{shown(values)}]" if isinstance(
            values, int | np.integer) and not isinstance(values, bool | np.bool_) else "")
        raise ConfigError(f"{head}, got {kind} {shown(values)[:60]}{single}")
    if isinstance(values, set | frozenset):
        values = sorted(values, key=repr)
    elif not isinstance(values, np.ndarray | list | tuple | range):
        values = list(values)  # a generator, a pandas Series or Index
    try:
        # sequence_array: a boolean among integers ([3, True]) stays a boolean to refuse
        array = integer_indices(sequence_array(values))
    except (TypeError, ValueError) as error:  # ragged nesting
        raise ConfigError(f"{head}, got a nested list of uneven lengths ("
                          f"{str(error).split('. ')[0]})") from None
    if array.ndim != 1:
        raise ConfigError(f"{head}, got {array.ndim}-d values of shape {array.shape}; "
                          "nested lists are not flattened")
    whole = array.dtype.kind in "iu" or array.dtype.kind == "O" and all(
        isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)
        for value in array)  # integers beyond int64 are outside any catalog
    if not whole:
        raise ConfigError(f"{head}, got {array[:3].tolist()} ({array.dtype})")
    if not len(array):
        return np.empty(0, np.int64)
    if array.dtype.kind == "O":
        lowest, highest = int(min(array.tolist())), int(max(array.tolist()))
    else:
        lowest, highest = int(array.min()), int(array.max())
    if lowest < 0 or highest >= n_items:
        noun = "excluded" if what == "exclude" else what
        raise ConfigError(f"{where}: {noun} item indices must be in [0, {n_items}), got "
                          f"{lowest if lowest < 0 else highest}")
    return np.unique(array.astype(np.int64))


def _check_choice(name: str, value: Any, choices: dict[str, str]) -> None:
    """Refuse ``value`` unless it is one of ``choices``, suggesting the nearest."""
    if isinstance(value, str) and value in choices:
        return
    shown = ", ".join(f"{c!r}" + (f" ({meaning})" if meaning and meaning != c else "")
                      for c, meaning in choices.items())
    near = closest(value, choices)
    hint = f"; did you mean {near!r}?" if near else ""
    raise ConfigError(f"{name} must be one of {shown}, got {value!r}{hint}")


#: the fields of index.json that decide the answers, covered by its ``meta_sha256`` (the
#: recall is a report, checked for its range alone; the files have their own sha256)
_DIGESTED = ("format", "format_version", "metric", "backend", "n_items", "dim", "params")


def _meta_digest(meta: dict[str, Any]) -> str:
    """SHA-256 of ``index.json``'s :data:`_DIGESTED` fields, in canonical JSON."""
    body = {k: meta.get(k) for k in _DIGESTED}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
