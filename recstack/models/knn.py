"""Item-based k-nearest-neighbour recommendation (Sarwar et al. 2001; Deshpande & Karypis 2004).

The model is a sparse item-item similarity matrix ``S`` in which row ``i`` keeps only the
``neighbors`` items most similar to item ``i``; a user's scores are their history times
``S``. It never holds the dense ``n_items x n_items`` matrix: the co-occurrence matrix
``XᵀX`` is computed a block of item rows at a time, each block is turned into similarities
and pruned to its top ``neighbors`` per row before the next block starts, so memory is
bounded by one block plus the pruned result (``n_items x neighbors`` entries).

This module also holds :func:`similar_items_from_rows`, the item-to-item lookup that
:class:`ItemKNN`, :class:`recstack.models.ease.EASE` and
:class:`recstack.models.content.ContentBased` share.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.models.base import Param, Recommender, history_weights
from recstack.models.persistence import sparse_from_state, sparse_state
from recstack.models.registry import register
from recstack.progress import Progress, resolve

SIMILARITIES = ("cosine", "jaccard", "lift")

# Working memory of one block of similarity rows. Per entry of a block: the sparse product
# (float32 value + int32 column, when the block comes out dense), its dense copy, the
# partition copy and boolean masks: about 24 bytes, so 256 MiB is ~400 rows of 27k items.
_BLOCK_BUDGET_BYTES = 256 * 2**20
_BYTES_PER_BLOCK_ENTRY = 24


@register
class ItemKNN(Recommender):
    r"""Item-based top-N recommendation from a pruned item-item similarity matrix.

    With :math:`X` the users x items training matrix (0/1 when ``binary``, else the
    interaction values), :math:`x_i` its column for item :math:`i`,
    :math:`c_i = |\{u : X_{ui} \ne 0\}|` the number of users of item :math:`i`,
    :math:`c_{ij}` the number of users of both :math:`i` and :math:`j`, :math:`n` the number
    of users with at least one training interaction and :math:`\lambda` = ``shrink``:

    ``cosine`` (Sarwar et al. 2001), with shrinkage towards zero for items with little
    support:

    .. math:: s_{ij} = \frac{x_i \cdot x_j}{\lVert x_i \rVert \lVert x_j \rVert + \lambda}

    ``jaccard``, the share of either item's users who have both:

    .. math:: s_{ij} = \frac{c_{ij}}{c_i + c_j - c_{ij} + \lambda}

    ``lift``, co-occurrence against what independence would give (1 = independent):

    .. math:: s_{ij} = \frac{n \, c_{ij}}{c_i \, c_j + \lambda}

    Jaccard and lift are set measures: they always read the 0/1 pattern of :math:`X`, and
    ``binary`` only changes how a history is weighted when scoring. Only positive
    similarities are kept, an item is never its own neighbour, and row :math:`i` of
    :math:`S` keeps the ``neighbors`` largest :math:`s_{ij}` (ties at the cut go to the
    lower item index). A user's scores are (Deshpande & Karypis 2004)

    .. math:: \hat r_{u} = x_u^\top S, \qquad \hat r_{uj} = \sum_{i \in I_u} X_{ui}\, S_{ij}

    that is, every item the user has sends its neighbours its similarity, weighted by the
    interaction (1 when ``binary``).

    Parameters
    ----------
    neighbors
        Neighbours kept per item (>= 1).
    similarity
        ``"cosine"``, ``"jaccard"`` or ``"lift"``.
    shrink
        :math:`\lambda >= 0`, added to each similarity's denominator; it shrinks the
        similarities of items with few users towards zero. 0 gives the plain measure.
    binary
        Treat every interaction as 1 (the default, as for implicit feedback) instead of
        using its value (e.g. a rating).

    Attributes
    ----------
    similarity_ : scipy.sparse.csr_matrix
        ``n_items x n_items`` float32, row ``i`` holding item ``i``'s neighbours.

    References
    ----------
    B. Sarwar, G. Karypis, J. Konstan, J. Riedl. "Item-based collaborative filtering
    recommendation algorithms". WWW 2001.

    M. Deshpande, G. Karypis. "Item-based top-N recommendation algorithms". ACM TOIS 22(1),
    2004.
    """

    name = "item_knn"
    params = {
        "neighbors": Param(int, low=1),
        "similarity": Param(str, choices=SIMILARITIES),
        "shrink": Param((int, float), low=0),
        "binary": Param(bool),
    }

    def __init__(self, *, neighbors: int = 100, similarity: str = "cosine",
                 shrink: float = 0.0, binary: bool = True) -> None:
        self.neighbors = neighbors
        self.similarity = similarity
        self.shrink = shrink
        self.binary = binary

    # ------------------------------------------------------------------ training
    def _fit(self, train: Interactions, progress: Progress | None) -> None:
        self.similarity_ = pruned_item_similarity(
            history_weights(self.seen_, binary=self.binary), self.similarity, self.neighbors,
            shrink=float(self.shrink), progress=progress)

    # ------------------------------------------------------------------ inference
    def _score_users(self, user_indices: np.ndarray) -> np.ndarray:
        return self._scores(self.seen_[user_indices])

    def score_histories(self, histories: Any) -> np.ndarray:
        """Scores for users known only by a history (``n x n_items``, sparse or dense,
        columns in this model's item order): ``history @ similarity_``, the same as for a
        trained user with that history, without refitting."""
        self._require_fitted()
        return self._scores(self._history_matrix(histories))

    def _scores(self, history: sp.csr_matrix) -> np.ndarray:
        weights = history_weights(history, binary=self.binary)
        return np.asarray((weights @ self.similarity_).toarray(), dtype=np.float32)

    def _similarity_rows(self, item_indices: np.ndarray) -> np.ndarray:
        """The pruned neighbour rows: ``similar_items`` is "people who liked this also
        liked", and only the ``neighbors`` kept at fit time can come back; other items are
        not "similar with 0" but no answer (``-inf``)."""
        block = self.similarity_[item_indices].tocoo()
        dense = np.full(block.shape, -np.inf, np.float32)
        dense[block.row, block.col] = block.data
        return dense

    # ------------------------------------------------------------------ persistence
    def _state(self) -> dict[str, np.ndarray]:
        return sparse_state("similarity", self.similarity_)

    def _load_state(self, arrays: dict[str, np.ndarray]) -> None:
        self.similarity_ = sparse_from_state("similarity", arrays)


# --------------------------------------------------------------------------- similarities
def pruned_item_similarity(matrix: sp.csr_matrix, similarity: str, neighbors: int, *,
                           shrink: float = 0.0, progress: Progress | None = None,
                           block_size: int | None = None) -> sp.csr_matrix:
    """The item-item similarity of the columns of ``matrix`` (users x items), each row
    pruned to its ``neighbors`` largest positive entries, diagonal excluded (see
    :class:`ItemKNN` for the formulas).

    ``XᵀX`` is computed ``block_size`` item rows at a time (by default as many as fit in
    256 MiB); only a block is ever dense, never the ``n_items x n_items`` matrix.
    """
    if similarity not in SIMILARITIES:
        raise ConfigError(f"similarity must be one of {SIMILARITIES}, got {similarity!r}")
    matrix = sp.csr_matrix(matrix, dtype=np.float32)
    if not matrix.has_canonical_format or not np.all(matrix.data != 0):
        # repeated or stored-zero entries would be counted as users of the item
        matrix = matrix.copy()
        matrix.sum_duplicates()
        matrix.eliminate_zeros()
    n_items = matrix.shape[1]
    if similarity == "cosine":
        operand = matrix
        # norms summed in float64: sums of many squares lose digits in float32
        squares = np.square(matrix.data, dtype=np.float64)
        column_scale = np.sqrt(np.bincount(matrix.indices, weights=squares, minlength=n_items))
        del squares
    else:
        operand = matrix
        if not np.all(matrix.data == 1.0):  # the set measures read the 0/1 pattern
            operand = matrix.copy()
            operand.data[:] = 1.0
        column_scale = np.bincount(operand.indices, minlength=n_items).astype(np.float64)
    # float32 like the blocks: the denominators are then one float32 array per block
    column_scale = column_scale.astype(np.float32)
    n_active_users = float(np.count_nonzero(np.diff(operand.indptr)))
    by_item = operand.T.tocsr()          # items x users: row slices are blocks of columns
    if block_size is None:
        block_size = max(1, _BLOCK_BUDGET_BYTES // (max(n_items, 1) * _BYTES_PER_BLOCK_ENTRY))

    indptr_parts, index_parts, value_parts = [np.zeros(1, np.int64)], [], []
    stored = 0
    with resolve(progress).task(f"item_knn: {similarity} similarities", total=n_items) as task:
        for start in range(0, n_items, block_size):
            stop = min(start + block_size, n_items)
            block = (by_item[start:stop] @ operand).toarray()
            _to_similarity(block, start, similarity, column_scale, shrink, n_active_users)
            rows, columns = np.nonzero(_top_k_mask(block, neighbors))
            index_parts.append(columns.astype(np.int32))
            value_parts.append(block[rows, columns])
            counts = np.bincount(rows, minlength=stop - start)
            indptr_parts.append(stored + np.cumsum(counts))
            stored += len(columns)
            task.advance(stop - start)
    return sp.csr_matrix(
        (np.concatenate(value_parts) if value_parts else np.empty(0, np.float32),
         np.concatenate(index_parts) if index_parts else np.empty(0, np.int32),
         np.concatenate(indptr_parts)), shape=(n_items, n_items))


def _to_similarity(block: np.ndarray, start: int, similarity: str, column_scale: np.ndarray,
                   shrink: float, n_active_users: float) -> None:
    """Turn rows ``start..`` of ``XᵀX`` (dense, float32) into similarities, in place, with a
    zero diagonal. ``column_scale`` holds the item norms (cosine) or user counts."""
    row_scale = column_scale[start:start + len(block), None]
    if similarity == "cosine":
        denominator = row_scale * column_scale[None, :]
        denominator += shrink
    elif similarity == "jaccard":
        denominator = row_scale + column_scale[None, :]
        denominator -= block
        denominator += shrink
    else:  # lift
        denominator = row_scale * column_scale[None, :]
        denominator += shrink
        block *= np.float32(n_active_users)
    # a zero denominator comes only with a zero co-occurrence (an item nobody has): 0
    np.divide(block, denominator, out=block, where=denominator > 0)
    block[np.arange(len(block)), start + np.arange(len(block))] = 0.0


def _top_k_mask(block: np.ndarray, k: int) -> np.ndarray:
    """Mask of the ``k`` largest positive entries of each row, ties at the cut going to the
    lower column index (so a row's neighbours do not depend on how rows were blocked)."""
    n_columns = block.shape[1]
    positive = block > 0
    if k >= n_columns:
        return positive
    # the k-th largest value of each row: everything above it is in, ties are shared out.
    # Selecting the k-th smallest of the negated row is much faster than the (n-k)-th
    # largest when most entries are 0: the many equal values then sit on the side the
    # selection does not have to order.
    negated = np.negative(block)
    negated.partition(k - 1, axis=1)
    threshold = -negated[:, k - 1:k]
    del negated
    keep = block > threshold
    # ties matter only for a positive threshold; zeros are never kept
    ties = (block == threshold) & (threshold > 0)
    room = k - keep.sum(axis=1)
    crowded = np.flatnonzero(ties.sum(axis=1) > room)
    if len(crowded):
        rank_among_ties = np.cumsum(ties[crowded], axis=1, dtype=np.int32)
        ties[crowded] &= rank_among_ties <= room[crowded, None]
    keep |= ties
    keep &= positive
    return keep

