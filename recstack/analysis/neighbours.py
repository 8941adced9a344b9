"""Nearest neighbours by cosine, and how coherent the neighbourhoods are.

:func:`nearest_neighbours` lists the closest items of chosen items (with titles);
:func:`neighbourhood_coherence` asks whether neighbours share a label (a genre) more often
than random items do, the check that an embedding grouped like with like.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from recstack.analysis import _checks as checks
from recstack.data.interactions import caller_stacklevel
from recstack.errors import RecstackError, counted, shown
from recstack.metrics._validation import refuse_reordered_rows
from recstack.specs import arguments_named

#: cells (query rows x rows) of float64 cosines scored at once: 32 MiB. Each block holds a
#: few arrays of its size at once (the cosines, their negation, the masks): at 256 MiB a
#: coherence check of 100,000 items peaked at 1.2 GB, and the matrix product is no slower
#: in blocks of a few dozen rows
_BLOCK_CELLS = 2 ** 22
#: cosines are compared rounded to this many decimals: vectors pointing the same way (copies
#: of one vector at other lengths) have cosines that differ in the last bits of a float, and
#: those bits, not the row numbers, decided which of the tied items were listed
_COSINE_DECIMALS = 9


@arguments_named
def cosine_top_k(vectors: Any, rows: Any, k: int) -> tuple[np.ndarray, np.ndarray]:
    r"""The ``k`` rows most similar to each of ``rows`` by cosine
    :math:`\cos(a, b) = a \cdot b / (\lVert a\rVert \lVert b\rVert)`, the row itself left out.

    Returns ``(indices, similarities)``, both ``(len(rows), k)``, best first; cosines are
    compared rounded to 9 decimals, and ties (equal to that precision) go to the lower
    index. Zero vectors have cosine 0 with everything.
    """
    indices, sims, _ = _top_k_and_ties(vectors, rows, k)
    return indices, sims


def _top_k_and_ties(vectors: Any, rows: Any, k: int
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`cosine_top_k`, and per query how many rows that were not listed tie with the
    last one listed (0 where the list ends at a strictly lower cosine)."""
    unit = checks.unit_rows(checks.vectors(vectors, "embeddings"), np.float64)
    n = unit.shape[0]
    rows = checks.row_indices(rows, "query rows", n)
    k = checks.whole_number(k, "k")
    if k >= n:
        raise RecstackError(f"k must be between 1 and {n - 1} (the other rows), got {shown(k)}")
    indices = np.empty((len(rows), k), np.int64)
    sims = np.empty((len(rows), k), np.float32)
    left_out = np.zeros(len(rows), np.int64)
    block_rows = max(1, _BLOCK_CELLS // n)
    for start in range(0, len(rows), block_rows):
        block = rows[start:start + block_rows]
        scores = unit[block] @ unit.T
        np.round(scores, _COSINE_DECIMALS, out=scores)
        scores[np.arange(len(block)), block] = -np.inf
        part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        chosen = np.take_along_axis(scores, part, axis=1)
        # best first, lower index first among equal scores: argpartition picks any of the
        # rows tied at the k-th cosine, so the tied ones are chosen again by row number
        last = chosen.min(axis=1, keepdims=True)
        above = scores > last
        tied = scores == last
        n_tied = tied.sum(axis=1)
        need = k - above.sum(axis=1)  # how many of the tied rows the list holds
        left_out[start:start + len(block)] = n_tied - need
        for row in range(len(block)):
            kept = np.concatenate([np.flatnonzero(above[row]),
                                   np.flatnonzero(tied[row])[:need[row]]])
            part[row] = kept
        chosen = np.take_along_axis(scores, part, axis=1)
        order = np.lexsort((part, -chosen), axis=1)
        indices[start:start + len(block)] = np.take_along_axis(part, order, axis=1)
        sims[start:start + len(block)] = np.take_along_axis(chosen, order, axis=1)
    return indices, sims, left_out


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


def _warn_ties(call: str, queries: np.ndarray, k: int, sims: np.ndarray,
               left_out: np.ndarray, zero: np.ndarray | None = None) -> None:
    """Warn where neighbour lists end inside a tie (``left_out``: rows not listed that tie
    with the last one listed, per query): which of the tied rows were listed is the tie
    rule's choice (the lower row), not the model's. ``zero`` marks the queries whose own
    vector is zero: every cosine of theirs is 0, and the warning says so (its reason,
    "tied rows point the same way", sent the user looking at the wrong rows)."""
    cut = np.flatnonzero(left_out > 0)
    if not len(cut):
        return
    zero = np.zeros(len(queries), bool) if zero is None else zero
    zero_cut = cut[zero[cut]]
    if len(zero_cut):
        # said first: a zero query lists the lowest rows, none of them a neighbour
        warnings.warn(
            f"{call}: {counted(len(zero_cut), 'query', 'queries')} of "
            f"{len(queries):,} (e.g. row {int(queries[zero_cut[0]])}) "
            f"{'is a zero vector' if len(zero_cut) == 1 else 'are zero vectors'}: cosine 0 "
            "with every row, so the neighbour list ends inside a tie of every row and lists "
            "the lowest-numbered rows, none nearer than another (the model learned nothing "
            "for such an item: no training rows, or a dead vector)",
            UserWarning, stacklevel=caller_stacklevel())
        cut = cut[~zero[cut]]
        if not len(cut):
            return
    first = int(cut[0])
    more = int(left_out[first])
    warnings.warn(
        f"{call}: the neighbour list of {len(cut):,} of "
        f"{counted(len(queries), 'query', 'queries')} ends inside a tie (e.g. row "
        f"{int(queries[first])}: its neighbour {k} has cosine {float(sims[first, -1]):.6g}, "
        f"as {counted(more, 'more row')} not listed {'has' if more == 1 else 'have'}); the "
        "rows listed are the lowest-numbered of the tied, not nearer than the others (tied "
        "rows point the same way: items with the same training data, such as one rating by "
        "one user, or a collapsed model)",
        UserWarning, stacklevel=caller_stacklevel())


@arguments_named
def nearest_neighbours(vectors: Any, queries: Any, k: int = 10, *, titles: Any = None,
                       model: str = "") -> NeighbourTable:
    """Cosine nearest neighbours of the rows ``queries`` (indices), titled by ``titles``
    (one per row) when given.

    Ties (cosines equal to 9 decimals) go to the lower row. Where a list ends inside a tie
    (its last neighbour has the same cosine as rows not listed, as many copies of one
    vector have), a warning says for how many queries and how many rows tie: the rows
    listed are then the lowest-numbered of the tied, not nearer than the others. Vectors
    that all point one way (or are all zero) are refused: every neighbour would be a tie.
    """
    checks.kind_and_model("item", model, "nearest_neighbours")  # b'als' titled the table
    neighbours, sims, left_out = _top_k_and_ties(vectors, queries, k)  # checks the arguments
    x = checks.vectors(vectors, "embeddings")
    n_rows = x.shape[0]
    checks.refuse_one_direction(x, "embeddings", "no item has nearer neighbours than another")
    queries = checks.row_indices(queries, "query rows", n_rows)
    named = None
    if titles is not None:
        # a Series of titles indexed by the row numbers in another order named each
        # neighbour by another item's title
        refuse_reordered_rows(titles, "titles", RecstackError)
        named = np.asarray(titles, dtype=object) if not isinstance(titles, str) else None
        if named is None or named.ndim != 1 or len(named) != n_rows:
            # a dict or a set is one object to numpy: "shape ()" named no mistake
            shape = ("a string" if named is None else f"a {type(titles).__name__}"
                     if named.ndim == 0 else f"shape {named.shape}")
            raise RecstackError(f"titles must hold one title per row ({n_rows:,}), got "
                                f"{shape}")
        named = checks.untitled_as_rows(
            checks.printable_titles(checks.decoded_text(named, "titles"), "titles"))
    _warn_ties("nearest_neighbours", queries, k, sims, left_out,
               zero=~np.any(x[queries] != 0, axis=1))
    return NeighbourTable(queries, neighbours, sims, named, model)


def _label_text(value: bytes, row: int) -> str:
    """A label given as bytes, as its UTF-8 text (refused, naming the entry, when it is
    not UTF-8)."""
    return checks.utf8_text(value, f"labels entry {row}")


#: whole floats below this are their integer (2**53: every integer below it is a float)
_WHOLE_LIMIT = 2**53


def _label_name(label: Any, row: int) -> str:
    """A label as the text it is known by. A number is a genre code: a whole one is its
    integer, whatever its type (a column of codes holding a missing value is read as floats,
    so ``2.0`` was the label "2.0" beside the label "2" of another row, and items sharing
    code 2 were counted as sharing nothing); other real numbers are their float. True/false,
    complex numbers and infinities are no label: refused, naming the entry."""
    if isinstance(label, str):
        return label
    if isinstance(label, bool | np.bool_):
        raise RecstackError(f"labels entry {row} holds {bool(label)}, a true/false value, "
                            "not a label: give the label's name (e.g. 'Drama'), or a list "
                            "of the labels the row has")
    if isinstance(label, numbers.Number):
        number: Any = label  # int, float, numpy's numbers, Decimal, Fraction
        # a Decimal is no numbers.Real, but a real number
        if isinstance(number, complex | np.complexfloating) or not math.isfinite(
                float(number)):
            raise RecstackError(f"labels entry {row} holds {shown(number)}, not a label: a "
                                "number is read as a label code only when it is a finite "
                                "real number")
        if isinstance(number, numbers.Integral) or (
                float(number).is_integer() and abs(float(number)) < _WHOLE_LIMIT):
            return str(int(number))
        # a float32 as numpy writes it (0.1, not 0.10000000149011612)
        return str(number) if isinstance(number, np.floating) else repr(float(number))
    return str(label)


def _flags(entry: Any) -> int | None:
    """The length of ``entry`` when it is a sequence of 0/1 flags (numbers or true/false,
    nothing else), else None."""
    if not isinstance(entry, list | tuple | np.ndarray):
        return None
    values = list(np.asarray(entry, dtype=object).ravel()) if isinstance(entry, np.ndarray) \
        else list(entry)
    for value in values:
        if isinstance(value, bool | np.bool_):
            continue
        if not isinstance(value, numbers.Real) or value not in (0, 1):
            return None
    return len(values)


def _refuse_flag_table(labels: Any) -> None:
    """Refuse a table of 0/1 flags with one column per label (a multi-hot genre table, as a
    2-d array, a list of equal rows or a column of such vectors): each row was read as the
    label codes 0 and 1, so every item shared the label "0" with every other, and
    neighbourhood coherence read 100% against 100% for random items."""
    entries = labels.tolist() if isinstance(labels, pd.Series | np.ndarray) else labels
    if isinstance(labels, np.ndarray) and labels.ndim == 2:
        entries = list(labels)
    if not len(entries):
        return
    lengths = {_flags(entry) for entry in entries}
    if len(lengths) != 1 or None in lengths:
        return
    (width,) = lengths
    if width is None or width < 2:
        return
    raise RecstackError(f"labels is a table of 0/1 flags ({len(entries):,} rows x {width} "
                        "columns, one column per label), not each row's labels: read as "
                        "label codes, the flags themselves became the labels '0' and '1', "
                        "which the rows share whatever their labels; give each row's "
                        "labels, e.g. [np.flatnonzero(row) for row in table] (codes) or "
                        "[names[np.flatnonzero(row)] for row in table] (names)")


@arguments_named
def label_matrix(labels: Sequence[Any]) -> tuple[sp.csr_matrix, list[str]]:
    """Rows x distinct labels, 1 where the row has the label. Each entry of ``labels`` is
    one label, a list of labels, a ``"A|B"`` string, or empty/None for none.

    Labels are trimmed (``"Drama | War"`` holds ``"Drama"`` and ``"War"``, as the re-rankers
    and the content model read it), and a missing value in any of pandas' or numpy's forms
    (None, NaN of any float type, ``pd.NA``, ``pd.NaT``), as an entry or inside a list, is
    no label: ``pd.NA`` failed with a TypeError and a float32 NaN became the label "nan".
    A number is a label code, known by its value: ``2``, ``2.0`` and ``np.float32(2)`` are
    the one label ``"2"`` (as is the text ``"2"``); true/false, complex numbers and
    infinities are refused, naming the entry."""
    if isinstance(labels, str) or not isinstance(labels, Sequence | np.ndarray | pd.Series):
        raise RecstackError(f"labels must be a list with one entry per row (a label, a list "
                            f"of labels or an 'A|B' string), got {type(labels).__name__}")
    # read by position: a Series indexed by the row numbers in another order gave each
    # row another's labels
    refuse_reordered_rows(labels, "labels", RecstackError)
    _refuse_flag_table(labels)
    rows: list[int] = []
    names: list[str] = []
    position: dict[str, int] = {}
    cols: list[int] = []
    for row, entry in enumerate(labels):
        items: list[Any]  # labels as given: strings, or numbers made text below
        if checks.is_missing(entry):
            continue
        if isinstance(entry, bytes):
            # UTF-8 text, by the one rule of text recstack reads (checks.decoded_text):
            # b"Drama|War" was refused while [b"Drama"] became the label "b'Drama'"
            entry = _label_text(entry, row)
        if isinstance(entry, str):
            items = entry.split("|")
        elif isinstance(entry, set | frozenset):
            # a set's order of text varies from run to run (hash seeds): the label names
            # (the matrix's columns) came out in another order each run
            items = sorted(entry, key=repr)
        elif isinstance(entry, list | tuple | np.ndarray):
            items = list(entry)
        elif isinstance(entry, numbers.Number):
            items = [entry]  # a numeric genre code is one label
        else:
            raise RecstackError(f"labels entry {row} is a {type(entry).__name__}; expected a "
                                "label, a list of labels, an 'A|B' string or None")
        for label in items:
            if checks.is_missing(label):
                continue
            label = (_label_text(label, row) if isinstance(label, bytes)
                     else _label_name(label, row)).strip()
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
    n_labelled
        The items with a label, of which ``n_queries`` were queried (0: not known).
    """

    score: float
    chance: float
    k: int
    n_queries: int
    seed: int
    model: str = ""
    n_labelled: int = 0

    @property
    def lift(self) -> float:
        return self.score / self.chance if self.chance > 0 else math.nan

    def reading(self) -> str:
        # k=1 read "of the 1 nearest neighbours"
        head = (f"the nearest neighbour shares a genre with the item for {self.score:.0%} of "
                "the items" if self.k == 1 else
                f"{self.score:.0%} of the {self.k:,} nearest neighbours share a genre with "
                "the item")
        checked = counted(self.n_queries, "item")
        if 0 < self.n_labelled and self.n_queries < self.n_labelled:
            checked += f" of {self.n_labelled:,} labelled"
        if math.isnan(self.lift):
            sample = counted(self.n_queries * self.k, "random item")
            if 0 < self.n_labelled and self.n_queries < self.n_labelled:
                # a few queries draw a few random items: none sharing a label says little
                # of how rare the labels are
                why = (f"too few to read a chance level from; raise max_queries (up to "
                       f"{self.n_labelled:,}, the labelled items) to draw more")
            else:
                why = "with labels this rare there is no chance level to compare with"
            return (f"{head[0].upper()}{head[1:]}, and none of the {sample} drawn does "
                    f"({checked} checked, seed {self.seed}): {why}.")
        verdict = ("neighbours group like with like" if self.lift >= 1.5
                   else "neighbours are barely more alike than random items"
                   if self.lift > 1.1 else "neighbours are no more alike than random items")
        return (f"{head[0].upper()}{head[1:]}, against {self.chance:.0%} for random items "
                f"({self.lift:.1f}x, {checked} checked, seed {self.seed}): {verdict}.")


def _share_sharing(labels: sp.csr_matrix, queries: np.ndarray, others: np.ndarray
                   ) -> np.ndarray:
    """For each query, the share of its ``others`` row sharing at least one label."""
    k = others.shape[1]
    pairs = labels[np.repeat(queries, k)].multiply(labels[others.ravel()])
    shared = np.asarray(pairs.sum(axis=1)).ravel().reshape(-1, k) > 0
    return shared.mean(axis=1)


@arguments_named
def neighbourhood_coherence(vectors: Any, labels: Sequence[Any], *, k: int = 10,
                            max_queries: int = 2000, seed: int = 0,
                            model: str = "") -> Coherence:
    r"""How often an item's cosine neighbours share a label (genre) with it, against random.

    .. math:: C = \frac{1}{|Q|} \sum_{q \in Q} \frac{|\{j \in N_k(q) :
              G_q \cap G_j \neq \emptyset\}|}{k}

    with :math:`N_k(q)` the ``k`` nearest neighbours of ``q`` and :math:`G` its label set;
    the chance level replaces :math:`N_k(q)` with ``k`` random other items. Only items with
    at least one label are queried or counted; above ``max_queries`` of them, a random
    subset (``seed``) is queried. Neighbours are those of :func:`nearest_neighbours`, with
    its warning where a list ends inside a tie.
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
        raise RecstackError(f"neighbourhood coherence needs more than k={shown(k)} labelled items, "
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
    neighbours, sims, left_out = _top_k_and_ties(x[labelled], position[queries], k)
    _warn_ties("neighbourhood_coherence", queries, k, sims, left_out,
               zero=~np.any(x[queries] != 0, axis=1))
    score = float(_share_sharing(sub, position[queries], neighbours).mean())
    # random others, never the query itself: k distinct positions per query, or (above
    # 4,096 labelled items) k drawn with replacement, whose expected share is the same
    draws = rng.random((len(queries), len(labelled) - 1)).argsort(axis=1)[:, :k] \
        if len(labelled) <= 4096 else rng.integers(0, len(labelled) - 1, (len(queries), k))
    draws = draws + (draws >= position[queries][:, None])
    chance = float(_share_sharing(sub, position[queries], draws).mean())
    return Coherence(score, chance, k, len(queries), seed, model, len(labelled))
