"""Nearest neighbours by cosine, and how coherent the neighbourhoods are.

:func:`nearest_neighbours` lists the closest items of chosen items (with titles);
:func:`neighbourhood_coherence` asks whether neighbours share a label (a genre) more often
than random items do, the check that an embedding grouped like with like.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from recstack.analysis import _checks as checks
from recstack.errors import RecstackError

#: query rows scored against the whole set at once: bounds memory at block x n_rows floats
_BLOCK_ROWS = 1024


def _unit(vectors: Any) -> np.ndarray:
    return checks.unit_rows(checks.vectors(vectors, "embeddings"))


def cosine_top_k(vectors: Any, rows: Any, k: int) -> tuple[np.ndarray, np.ndarray]:
    r"""The ``k`` rows most similar to each of ``rows`` by cosine
    :math:`\cos(a, b) = a \cdot b / (\lVert a\rVert \lVert b\rVert)`, the row itself left out.

    Returns ``(indices, similarities)``, both ``(len(rows), k)``, best first; ties go to the
    lower index. Zero vectors have cosine 0 with everything.
    """
    unit = _unit(vectors)
    n = unit.shape[0]
    rows = checks.row_indices(rows, "query rows", n)
    k = checks.whole_number(k, "k")
    if k >= n:
        raise RecstackError(f"k must be between 1 and {n - 1} (the other rows), got {k}")
    indices = np.empty((len(rows), k), np.int64)
    sims = np.empty((len(rows), k), np.float32)
    for start in range(0, len(rows), _BLOCK_ROWS):
        block = rows[start:start + _BLOCK_ROWS]
        scores = unit[block] @ unit.T
        scores[np.arange(len(block)), block] = -np.inf
        part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        chosen = np.take_along_axis(scores, part, axis=1)
        # best first, lower index first among equal scores
        order = np.lexsort((part, -chosen), axis=1)
        indices[start:start + len(block)] = np.take_along_axis(part, order, axis=1)
        sims[start:start + len(block)] = np.take_along_axis(chosen, order, axis=1)
    return indices, sims


@dataclass(frozen=True)
class NeighbourTable:
    """The nearest neighbours of chosen items: row ``q`` holds those of ``queries[q]``."""

    queries: np.ndarray
    neighbours: np.ndarray
    similarities: np.ndarray
    titles: np.ndarray | None = None
    model: str = ""

    def _name(self, index: Any) -> Any:
        return self.titles[index] if self.titles is not None else index

    def to_frame(self) -> pd.DataFrame:
        """One row per (query, rank): query, rank, neighbour, cosine."""
        q = np.repeat(self.queries, self.neighbours.shape[1])
        return pd.DataFrame({
            "query": self._name(q),
            "rank": np.tile(np.arange(1, self.neighbours.shape[1] + 1), len(self.queries)),
            "neighbour": self._name(self.neighbours.ravel()),
            "cosine": self.similarities.ravel(),
        })


def nearest_neighbours(vectors: Any, queries: Any, k: int = 10, *, titles: Any = None,
                       model: str = "") -> NeighbourTable:
    """Cosine nearest neighbours of the rows ``queries`` (indices), titled by ``titles``
    (one per row) when given."""
    neighbours, sims = cosine_top_k(vectors, queries, k)  # checks vectors, queries and k
    n_rows = np.shape(vectors)[0]
    queries = checks.row_indices(queries, "query rows", n_rows)
    named = None
    if titles is not None:
        named = np.asarray(titles, dtype=object) if not isinstance(titles, str) else None
        if named is None or named.ndim != 1 or len(named) != n_rows:
            shape = "a string" if named is None else f"shape {named.shape}"
            raise RecstackError(f"titles must hold one title per row ({n_rows:,}), got "
                                f"{shape}")
    return NeighbourTable(queries, neighbours, sims, named, model)


def label_matrix(labels: Sequence[Any]) -> tuple[sp.csr_matrix, list[str]]:
    """Rows x distinct labels, 1 where the row has the label. Each entry of ``labels`` is
    one label, a list of labels, a ``"A|B"`` string, or empty/None for none.

    Labels are trimmed (``"Drama | War"`` holds ``"Drama"`` and ``"War"``, as the re-rankers
    and the content model read it), and a missing value in any of pandas' or numpy's forms
    (None, NaN of any float type, ``pd.NA``, ``pd.NaT``), as an entry or inside a list, is
    no label: ``pd.NA`` failed with a TypeError and a float32 NaN became the label "nan"."""
    if isinstance(labels, str) or not isinstance(labels, Sequence | np.ndarray | pd.Series):
        raise RecstackError(f"labels must be a list with one entry per row (a label, a list "
                            f"of labels or an 'A|B' string), got {type(labels).__name__}")
    rows: list[int] = []
    names: list[str] = []
    position: dict[str, int] = {}
    cols: list[int] = []
    for row, entry in enumerate(labels):
        items: list[Any]  # labels as given: strings, or numbers made text below
        if checks.is_missing(entry):
            continue
        if isinstance(entry, str):
            items = entry.split("|")
        elif isinstance(entry, list | tuple | set | np.ndarray):
            items = list(entry)
        elif isinstance(entry, numbers.Number):
            items = [entry]  # a numeric genre code is one label
        else:
            raise RecstackError(f"labels entry {row} is a {type(entry).__name__}; expected a "
                                "label, a list of labels, an 'A|B' string or None")
        for label in items:
            if checks.is_missing(label):
                continue
            label = str(label).strip()
            if not label:
                continue
            if label not in position:
                position[label] = len(names)
                names.append(label)
            rows.append(row)
            cols.append(position[label])
    matrix = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)),
                           shape=(len(labels), len(names)))
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    return matrix, names


@dataclass(frozen=True)
class Coherence:
    """Share of (query, neighbour) pairs that share a label, against random pairs.

    Attributes
    ----------
    score
        Mean over queries of the share of their ``k`` neighbours sharing at least one label.
    chance
        The same share for ``k`` items drawn at random (without the query) per query.
    """

    score: float
    chance: float
    k: int
    n_queries: int
    seed: int
    model: str = ""

    @property
    def lift(self) -> float:
        return self.score / self.chance if self.chance > 0 else math.nan

    def reading(self) -> str:
        if math.isnan(self.lift):
            return (f"{self.score:.0%} of the {self.k} nearest neighbours share a genre with "
                    f"the item, and no random item does ({self.n_queries:,} items checked, "
                    f"seed {self.seed}): with labels this rare there is no chance level to "
                    "compare with.")
        verdict = ("neighbours group like with like" if self.lift >= 1.5
                   else "neighbours are barely more alike than random items"
                   if self.lift > 1.1 else "neighbours are no more alike than random items")
        return (f"{self.score:.0%} of the {self.k} nearest neighbours share a genre with the "
                f"item, against {self.chance:.0%} for random items ({self.lift:.1f}x, "
                f"{self.n_queries:,} items checked, seed {self.seed}): {verdict}.")


def _share_sharing(labels: sp.csr_matrix, queries: np.ndarray, others: np.ndarray
                   ) -> np.ndarray:
    """For each query, the share of its ``others`` row sharing at least one label."""
    k = others.shape[1]
    pairs = labels[np.repeat(queries, k)].multiply(labels[others.ravel()])
    shared = np.asarray(pairs.sum(axis=1)).ravel().reshape(-1, k) > 0
    return shared.mean(axis=1)


def neighbourhood_coherence(vectors: Any, labels: Sequence[Any], *, k: int = 10,
                            max_queries: int = 2000, seed: int = 0,
                            model: str = "") -> Coherence:
    r"""How often an item's cosine neighbours share a label (genre) with it, against random.

    .. math:: C = \frac{1}{|Q|} \sum_{q \in Q} \frac{|\{j \in N_k(q) :
              G_q \cap G_j \neq \emptyset\}|}{k}

    with :math:`N_k(q)` the ``k`` nearest neighbours of ``q`` and :math:`G` its label set;
    the chance level replaces :math:`N_k(q)` with ``k`` random other items. Only items with
    at least one label are queried or counted; above ``max_queries`` of them, a random
    subset (``seed``) is queried.
    """
    matrix, _ = label_matrix(labels)
    x = checks.vectors(vectors, "embeddings")
    k = checks.whole_number(k, "k")
    max_queries = checks.whole_number(max_queries, "max_queries")
    seed = checks.whole_number(seed, "seed", minimum=0)
    if matrix.shape[0] != x.shape[0]:
        raise RecstackError(f"labels has {matrix.shape[0]:,} entries for {x.shape[0]:,} "
                            "embedding rows")
    labelled = np.flatnonzero(np.diff(matrix.indptr) > 0)
    if len(labelled) <= k:
        raise RecstackError(f"neighbourhood coherence needs more than k={k} labelled items, "
                            f"got {len(labelled)}")
    # all cosines tie: the "neighbours" were the lowest rows, and all-zero vectors read as
    # "neighbours are barely more alike than random items"
    checks.refuse_one_direction(x[labelled], "embeddings (of the labelled items)",
                                "no item has nearer neighbours than another")
    rng = np.random.default_rng(seed)
    queries = (labelled if len(labelled) <= max_queries
               else np.sort(rng.choice(labelled, max_queries, replace=False)))
    sub = matrix[labelled]
    position = np.full(x.shape[0], -1)
    position[labelled] = np.arange(len(labelled))
    neighbours, _ = cosine_top_k(x[labelled], position[queries], k)
    score = float(_share_sharing(sub, position[queries], neighbours).mean())
    # random others: k distinct positions per query, never the query itself
    draws = rng.random((len(queries), len(labelled) - 1)).argsort(axis=1)[:, :k] \
        if len(labelled) <= 4096 else rng.integers(0, len(labelled) - 1, (len(queries), k))
    draws = draws + (draws >= position[queries][:, None])
    chance = float(_share_sharing(sub, position[queries], draws).mean())
    return Coherence(score, chance, k, len(queries), seed, model)
