"""RP3beta: item-item transition probabilities of a three-step random walk on the user-item
graph, re-weighted against popular items (Paudel, Christoffel, Newell & Bernstein 2017).

The definition follows the reproducibility studies (Dacrema, Cremonesi & Jannach, RecSys
2019; the BARS benchmark), whose code fixes what the paper leaves open: both transition
matrices are row-normalised before they are raised to ``alpha``; the popularity penalty
divides each *column* (the destination item) by its user count to the power ``beta``; the
diagonal is zeroed; each row keeps its ``neighbors`` largest entries; the kept rows are
optionally l1-normalised; then each column keeps its ``neighbors`` largest entries too (the
code's ``similarityMatrixTopK``, column-wise, after the normalisation). The item-item matrix
is computed a block of rows at a time and pruned before the next block, so only one
``block x n_items`` dense block ever exists.
"""

from __future__ import annotations

import warnings
from typing import Any, ClassVar

import numpy as np
import scipy.sparse as sp

from recstack.data.interactions import Interactions, caller_stacklevel
from recstack.errors import RecstackError
from recstack.models.base import (
    FLOAT32_TINY,
    NOT_GIVEN,
    Param,
    Recommender,
    check_call,
    history_weights,
    stored_or_no_answer,
)
from recstack.models.memory import require_memory, rows_that_fit
from recstack.models.persistence import SparseSpec, sparse_from_state, sparse_state
from recstack.models.registry import register
from recstack.progress import Progress, resolve
from recstack.topk import top_k

# Working memory of one dense block of item rows: the float64 block, its top-k selection
# and the sparse product that produced it (about 24 bytes per entry).
_BLOCK_BUDGET_BYTES = 256 * 2**20
_BYTES_PER_BLOCK_ENTRY = 24
# Bytes per kept neighbour in the pruned matrix (float32 value + int32 column, and the
# int64 row of the block's selection while it is assembled).
_BYTES_PER_NEIGHBOUR = 16


@register
class RP3beta(Recommender):
    r"""Random walk of three steps with popularity penalisation (RP3beta).

    With :math:`X` the users x items training matrix (0/1 when ``binary``),
    :math:`P_{ui}` the user-to-item transition matrix (the rows of :math:`X` divided by
    their sums) and :math:`P_{iu}` the item-to-user one (the rows of :math:`X^\top`'s
    0/1 pattern divided by their sums, i.e. by each item's user count), both raised
    element-wise to :math:`\alpha` *after* normalisation (only the transitions that
    exist: a zero stays zero, also for :math:`\alpha = 0`), and :math:`d_j` the number of
    users of item :math:`j`:

    .. math::

        W_{ij} = \frac{\left(P_{iu}^{\alpha} P_{ui}^{\alpha}\right)_{ij}}{d_j^{\beta}}
        \quad (i \ne j), \qquad W_{ii} = 0

    (Paudel et al. 2017: the three-step transition probability of :math:`P^3_\alpha`,
    re-ranked by :math:`d_j^{-\beta}`; items nobody has get weight 0). Each row of
    :math:`W` keeps its ``neighbors`` largest entries (ties to the lower item index), and,
    with ``normalize``, is then divided by its sum; last, each column :math:`j` keeps its
    ``neighbors`` largest entries (ties to the lower row index), as Dacrema et al.'s
    ``RP3betaRecommender`` does with ``similarityMatrixTopK`` after its row normalisation
    (a normalised row can then sum to less than 1). A user's scores are
    :math:`\hat r_u = x_u^\top W`; a history not seen in training is scored the same way
    (:meth:`score_histories`).

    ``alpha = 1, beta = 0`` is P3alpha's plain three-step walk; the reproducibility
    studies tune ``alpha`` in [0, 2], ``beta`` in [0, 2] and ``neighbors`` in [5, 1000]
    (their defaults: 1.0, 0.6 and 100, as here; ``normalize`` is their code's
    ``normalize_similarity``, True by default there as here and tuned over True and False).
    Without it the column pruning keeps, for each item, the sources with the fewest users
    (their walk probabilities are the largest), and popular history items lose most of
    their edges: on the built-in synthetic data (6,000 users, 3,000 items, 20% held out)
    recall@20 is 0.327 with ``normalize`` and 0.134 without it (with the rows pruned
    alone it would be 0.333 and 0.331).

    The default search space stops ``beta`` at 1: the number of walks that reach item
    :math:`j` grows about in proportion to :math:`d_j`, so :math:`W_{ij}` scales like
    :math:`d_j^{1-\beta}`; at ``beta = 1`` the penalty cancels popularity and above it the
    ranking favours the *least* popular items. On the LightGCN++ splits with ``alpha = 1``
    (measured with the rows pruned alone and ``normalize=False``),
    recall@20 falls from 0.232 at ``beta = 0.6`` to 0.041 at 0.9 and 0.0009 at 1.2 on
    MovieLens 1M (200 neighbours), and from 0.25 at 0.2 to about 0.01 from 0.9 up on Last.fm
    (100 to 557 neighbours), whose long tail makes even the default 0.6 poor there (0.079
    with 100 neighbours, below most-popular's 0.108): a search over [0, 2] spends most of
    its trials where every setting is useless. Passing ``beta > 1`` explicitly is still
    allowed.

    Attributes
    ----------
    similarity_ : scipy.sparse.csr_matrix
        :math:`W`, ``n_items x n_items`` float32 with at most ``neighbors`` entries a row.
        When its weights would fall near or below float32's smallest normal number (large
        ``alpha`` and ``beta``: 1e-44 on a few hundred users), :math:`W` is stored times one
        power of two that brings its largest weight to [0.5, 1), which changes no order; the
        weights are computed in float64.

    References
    ----------
    B. Paudel, F. Christoffel, C. Newell, A. Bernstein. "Updatable, Accurate, Diverse, and
    Scalable Recommendations for Interactive Applications". ACM TiiS 7(1), 2017.

    M. Ferrari Dacrema, P. Cremonesi, D. Jannach. "Are We Really Making Much Progress? A
    Worrying Analysis of Recent Neural Recommendation Approaches". RecSys 2019.
    """

    name = "rp3beta"
    similarity_: sp.csr_matrix
    params: ClassVar[dict[str, Param]] = {
        "alpha": Param((int, float), low=0, high=10, default=1.0,
                       doc="Exponent of the transition probabilities (after normalisation).",
                       search={"type": "float", "low": 0.0, "high": 2.0}),
        "beta": Param((int, float), low=0, high=10, default=0.6,
                      doc="Popularity penalty: column j is divided by its user count ** beta.",
                      # above 1 the ranking inverts popularity (see the class docstring)
                      search={"type": "float", "low": 0.0, "high": 1.0}),
        "neighbors": Param(int, low=1, default=100, doc="Entries kept per row of W.",
                           search={"type": "int", "low": 5, "high": 1000, "log": True}),
        "normalize": Param(bool, default=True,
                           doc="Divide each pruned row of W by its sum (l1), before the "
                               "columns are pruned (the reference code's "
                               "normalize_similarity, default True).",
                           search={"type": "categorical", "choices": [True, False]}),
        "binary": Param(bool, default=True,
                        doc="Walk and score on the 0/1 pattern of the interactions instead of "
                            "their values (the user-to-item step then weights by value)."),
    }

    # ------------------------------------------------------------------ training
    def _learns_from_values(self) -> bool:
        # binary: every recorded pair is 1, whatever its value; the walk's probabilities
        # are the values over their row's sum, so large values need no bound
        return not self.binary

    def _values_role(self) -> str:
        return "with binary=False this model weights the interactions by their values"

    def _refuses_negative_values(self) -> bool:
        # binary: a dislike would count as an interaction; weighted: the walk's first step
        # takes each user's values over their sum as probabilities (fit refused negative
        # values there; a history's were scored as a negative walk)
        return True

    def _negative_values_reason(self) -> str:
        if self.binary:
            return super()._negative_values_reason()
        return ("with binary=False each user's values over their sum are the walk's "
                "probabilities, which cannot be negative; give values >= 0")

    def _fit(self, train: Interactions, progress: Progress | None) -> None:
        if hasattr(self, "similarity_"):
            del self.similarity_  # a refit must not hold the old matrix next to the new one
        n_items = self.seen_.shape[1]
        neighbors = min(int(self.neighbors), max(n_items - 1, 1))
        pruned_and_copies = n_items * neighbors * _BYTES_PER_NEIGHBOUR + 3 * 12 * self.seen_.nnz
        # the block of rows is narrowed to the memory left (the same W, a block at a time)
        block_size = rows_that_fit(max(n_items, 1) * _BYTES_PER_BLOCK_ENTRY,
                                   _BLOCK_BUDGET_BYTES, pruned_and_copies)
        require_memory(self.name, pruned_and_copies
                       # the last (or only) block holds at most every item's row
                       + min(block_size, n_items) * n_items * _BYTES_PER_BLOCK_ENTRY,
                       f"the pruned {n_items:,} x {n_items:,} walk matrix ({neighbors} "
                       "entries a row) and one dense block of rows",
                       f"lower neighbors (now {self.neighbors}) or keep fewer items (e.g. drop "
                       "rarely seen ones)")
        self.similarity_ = rp3beta_similarity(
            history_weights(self.seen_, binary=self.binary), alpha=float(self.alpha),
            beta=float(self.beta), neighbors=neighbors, normalize=self.normalize,
            block_size=block_size, progress=progress)

    # ------------------------------------------------------------------ inference
    def _score_users(self, user_indices: np.ndarray) -> np.ndarray:
        return self._scores(self.seen_[user_indices])

    def score_histories(self, histories: Any = NOT_GIVEN, *positional: Any,
                        **unexpected: Any) -> np.ndarray:
        """Scores for users known only by a history (``n x n_items``, sparse or dense, in
        this model's item order): ``history @ similarity_``, without refitting."""
        check_call(self, RP3beta.score_histories, positional, unexpected, (histories,))
        self._require_fitted()
        history = self._history_matrix(histories)
        return self._empty_histories_by_popularity(history, self._scores(history))

    def _scores(self, history: sp.csr_matrix) -> np.ndarray:
        weights = history_weights(history, binary=self.binary)
        return np.asarray((weights @ self.similarity_).toarray(), dtype=np.float32)

    def _similarity_rows(self, item_indices: np.ndarray) -> np.ndarray:
        """Rows of :math:`W`: the walk's (penalised) probability of reaching each item. As
        in item-kNN, only the ``neighbors`` kept at fit time can come back: an item the
        walk does not reach is no answer (``-inf``), not "similar with 0" (the slots after
        the real neighbours were filled with the first items by index)."""
        return stored_or_no_answer(self.similarity_[item_indices])

    # ------------------------------------------------------------------ persistence
    def _state(self) -> dict[str, np.ndarray]:
        return sparse_state("similarity", self.similarity_)

    def _load_state(self, arrays: dict[str, np.ndarray]) -> None:
        self.similarity_ = sparse_from_state("similarity", arrays)

    def _state_spec(self) -> dict[str, SparseSpec]:
        return {"similarity": SparseSpec(("n_items", "n_items"), max_per_row="neighbors")}


def _block_rows(n_items: int) -> int:
    return max(1, _BLOCK_BUDGET_BYTES // (max(n_items, 1) * _BYTES_PER_BLOCK_ENTRY))


def rp3beta_similarity(matrix: sp.csr_matrix, *, alpha: float, beta: float, neighbors: int,
                       normalize: bool = False, block_size: int | None = None,
                       progress: Progress | None = None) -> sp.csr_matrix:
    """The pruned RP3beta matrix :math:`W` of a users x items ``matrix`` (see
    :class:`RP3beta` for the formula), computed ``block_size`` item rows at a time.

    Returns
    -------
    scipy.sparse.csr_matrix
        float32 ``n_items x n_items``, at most ``neighbors`` positive entries a row.
    """
    matrix = sp.csr_matrix(matrix, dtype=np.float64, copy=True)
    matrix.sum_duplicates()
    matrix.eliminate_zeros()
    if matrix.nnz and matrix.data.min() < 0:
        raise RecstackError(f"rp3beta: interaction values must be >= 0 to be walk "
                            f"probabilities, got {float(matrix.data.min())}; use binary=True "
                            "or Interactions.implicit() first")
    n_items = matrix.shape[1]
    # P_ui: each user's row over its sum (the values, or 1s when binary)
    user_to_item = _row_normalised(matrix)
    # P_iu: each item's row of users over its user count (always the 0/1 pattern)
    pattern = matrix.T.tocsr()
    pattern.data[:] = 1.0
    popularity = np.diff(pattern.indptr).astype(np.float64)
    item_to_user = _row_normalised(pattern)
    del pattern
    if alpha != 1.0:
        user_to_item.data **= alpha
        item_to_user.data **= alpha
    penalty = np.zeros(n_items)
    used = popularity > 0
    penalty[used] = popularity[used] ** -beta
    if block_size is None:
        block_size = _block_rows(n_items)
    k = min(neighbors, n_items)
    indptr_parts, index_parts, value_parts = [np.zeros(1, np.int64)], [], []
    stored = 0
    with resolve(progress).task("rp3beta: walk probabilities", total=n_items) as task:
        for start in range(0, n_items, block_size):
            stop = min(start + block_size, n_items)
            block = (item_to_user[start:stop] @ user_to_item).toarray()
            block *= penalty[None, :]
            block[np.arange(stop - start), np.arange(start, stop)] = 0.0
            columns, values = top_k(block, k)
            keep = values > 0
            counts = keep.sum(axis=1)
            index_parts.append(columns[keep].astype(np.int32))
            value_parts.append(values[keep])
            indptr_parts.append(stored + np.cumsum(counts))
            stored += int(counts.sum())
            task.advance(stop - start)
    similarity = sp.csr_matrix(
        (np.concatenate(value_parts) if value_parts else np.empty(0),
         np.concatenate(index_parts) if index_parts else np.empty(0, np.int32),
         np.concatenate(indptr_parts)), shape=(n_items, n_items))
    similarity.sort_indices()
    if normalize:
        similarity = _row_normalised(similarity)
    # the reference code then prunes each column too (its similarityMatrixTopK, applied
    # after the row normalisation): a destination item keeps its k strongest sources
    similarity = _columns_top_k(similarity, k)
    return _in_float32(similarity, alpha=alpha, beta=beta)


def _columns_top_k(matrix: sp.csr_matrix, k: int) -> sp.csr_matrix:
    """``matrix`` (CSR, entries > 0) with each column pruned to its ``k`` largest entries,
    ties at the cut going to the lower row index."""
    counts = np.bincount(matrix.indices, minlength=matrix.shape[1])
    if not len(counts) or counts.max() <= k:
        return matrix
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    columns = matrix.indices
    # by column, then value descending, then row ascending
    order = np.lexsort((rows, -matrix.data, columns))
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    rank = np.empty(len(order), np.int64)
    rank[order] = np.arange(len(order)) - starts[columns[order]]
    keep = rank < k
    pruned = sp.csr_matrix((matrix.data[keep], (rows[keep], columns[keep])),
                           shape=matrix.shape)
    pruned.sort_indices()
    return pruned


# the weights are scaled up (by a power of two, which changes no ranking) when the smallest
# would come within 2**26 of float32's smallest normal number: sums of a few such weights
# still hold their bits
_SCALE_BELOW = FLOAT32_TINY * 2.0**26


def _in_float32(similarity: sp.csr_matrix, *, alpha: float, beta: float) -> sp.csr_matrix:
    """The float64 walk matrix as float32 without losing its order. With large ``alpha``
    and ``beta`` every weight can be far below 1 (products of probabilities raised to
    ``alpha`` and counts raised to ``-beta``: 1e-40 on a few hundred users), where float32
    holds them as subnormals or 0: distinct weights became equal and the ranking fell back
    to item index order. The matrix is then multiplied by one power of two that brings its
    largest weight to [0.5, 1): exact, and the same factor for every entry, so every user's
    and item's order is the formula's. Weights spanning more than float32's range even so
    are named in a warning (they are dropped: no answer rather than a wrong one)."""
    if not similarity.nnz:
        return sp.csr_matrix(similarity, dtype=np.float32)
    smallest, largest = float(similarity.data.min()), float(similarity.data.max())
    if smallest < _SCALE_BELOW and largest < 0.5:
        similarity = similarity.copy()
        similarity.data = np.ldexp(similarity.data, -int(np.frexp(largest)[1]))
    lost = similarity.data < FLOAT32_TINY
    if lost.any():
        warnings.warn(
            f"rp3beta: with alpha={alpha:g} and beta={beta:g} the walk weights span "
            f"{smallest:.3g} to {largest:.3g}, more than float32 (about 1e-38 to 3e38) can "
            f"hold in one matrix: the {int(lost.sum()):,} smallest of "
            f"{similarity.nnz:,} were dropped, so those items rank as ones the walk does "
            "not reach; lower alpha or beta (the studies tune both in [0, 2])",
            RuntimeWarning, stacklevel=caller_stacklevel())
        similarity = similarity.copy()
        similarity.data[lost] = 0.0
        similarity.eliminate_zeros()
    return sp.csr_matrix(similarity, dtype=np.float32)


def _row_normalised(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """``matrix`` (float64 CSR, entries >= 0) with each row divided by its sum (empty rows
    stay empty)."""
    sums = np.asarray(matrix.sum(axis=1), dtype=np.float64).ravel()
    scale = np.divide(1.0, sums, out=np.zeros_like(sums), where=sums > 0)
    result = matrix.copy()
    result.data *= np.repeat(scale, np.diff(result.indptr))
    return result
