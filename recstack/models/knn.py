"""Neighbourhood recommenders: item-based kNN (Sarwar et al. 2001; Deshpande & Karypis
2004) and user-based kNN (Herlocker et al. 1999).

:class:`ItemKNN` is a sparse item-item similarity matrix ``S`` in which row ``i`` keeps only
the ``neighbors`` items most similar to item ``i``; a user's score for item ``j`` sums their
(optionally feature-weighted) history over ``j``'s neighbours, ``history @ Sᵀ``, as in the
ItemKNNCF of the reproducibility studies. :class:`UserKNN` is the same construction on
the other axis: a sparse user-user matrix ``W`` keeping each user's ``neighbors`` most
similar users, and a user's scores are ``W``'s row times the training matrix. Neither ever
holds a dense ``n x n`` matrix: the co-occurrence matrix (``XᵀX`` or ``XXᵀ``) is computed a
block of rows at a time, each block is turned into similarities and pruned to its top
``neighbors`` per row before the next block starts, so memory is bounded by one block plus
the pruned result."""

from __future__ import annotations

import warnings
from typing import Any, ClassVar

import numpy as np
import scipy.sparse as sp

from recstack.data.interactions import Interactions, caller_stacklevel
from recstack.errors import ConfigError, shown
from recstack.models.base import (
    FLOAT32_TINY,
    NOT_GIVEN,
    Param,
    Recommender,
    check_call,
    choice_error,
    history_weights,
    stored_or_no_answer,
)
from recstack.models.memory import require_memory, rows_that_fit
from recstack.models.persistence import SparseSpec, sparse_from_state, sparse_state
from recstack.models.registry import register
from recstack.progress import Progress, resolve

SIMILARITIES = ("cosine", "asymmetric", "jaccard", "lift")
FEATURE_WEIGHTINGS = ("none", "tf-idf", "bm25")

# Okapi BM25's constants, fixed at these values by Dacrema et al.'s code
_BM25_K1 = 1.2
_BM25_B = 0.75

# Working memory of one block of similarity rows. Per entry of a block: the sparse product
# (float32 value + int32 column, when the block comes out dense), its dense copy, the
# partition copy and boolean masks: about 24 bytes, so 256 MiB is ~400 rows of 27k items.
_BLOCK_BUDGET_BYTES = 256 * 2**20
_BYTES_PER_BLOCK_ENTRY = 24
# Bytes per kept neighbour in the pruned matrix (float32 value + int32 column, and the
# int64 row of the block's selection while it is assembled).
_BYTES_PER_NEIGHBOUR = 16


def _refuse_subnormal_similarities(model: str, similarity: sp.csr_matrix, shrink: float,
                                   kind: str) -> None:
    """Refuse a fit whose ``shrink`` pushed similarities below float32's smallest normal
    number (about 1.18e-38): there they keep fewer digits the smaller they are (3e-42 holds
    about 11 bits of float32's 24), so similarities that differ became equal or swapped
    and the lists followed rounding, without a word (``shrink`` near float32's largest
    value, 3e38, on counts or weights of a few units, or on weighted values below 1). No
    shrink large enough to do it changes the ranking from a smaller one that does not: once
    it dwarfs the denominators, every similarity is its co-occurrence / shrink."""
    if shrink <= 0 or not similarity.nnz:
        return
    smallest = float(similarity.data.min())
    if smallest >= FLOAT32_TINY:
        return
    largest = float(similarity.data.max())
    raise ConfigError(
        f"{model}: shrink = {shown(shrink)} makes the {kind} similarities as small as "
        f"{smallest:.3g} (the largest is {largest:.3g}), below float32's smallest normal "
        f"number ({FLOAT32_TINY:.3g}), where they lose their digits and the lists would follow "
        "rounding; lower shrink (e.g. 0 to 1000: any shrink much larger than the "
        "similarities' denominators ranks as co-occurrence / shrink alike)")


def _require_similarity_memory(model: str, n_rows: int, neighbors: int, nnz: int,
                               kind: str) -> int:
    """Refuse, before computing it, a pruned ``n_rows x n_rows`` similarity that could not
    fit: at most ``neighbors`` entries a row, one dense block of rows, and copies of the
    training matrix (``nnz`` entries). Returns the rows of a block: as many as the block
    budget holds, fewer when less memory is left (:func:`rows_that_fit`)."""
    kept = min(int(neighbors), max(n_rows - 1, 1))
    pruned_and_copies = n_rows * kept * _BYTES_PER_NEIGHBOUR + 3 * 12 * nnz
    block_size = rows_that_fit(max(n_rows, 1) * _BYTES_PER_BLOCK_ENTRY, _BLOCK_BUDGET_BYTES,
                               pruned_and_copies)
    block = min(max(n_rows, 1), block_size)
    require_memory(model, pruned_and_copies + block * n_rows * _BYTES_PER_BLOCK_ENTRY,
                   f"the pruned {n_rows:,} x {n_rows:,} {kind} similarity ({kept} entries a "
                   "row) and one dense block of rows",
                   f"lower neighbors (now {neighbors}) or keep fewer {kind}s (e.g. drop "
                   "rarely seen ones)")
    return block_size


@register
class ItemKNN(Recommender):
    r"""Item-based top-N recommendation from a pruned item-item similarity matrix, the
    neighbourhood model of the reproducibility studies (ItemKNNCF of Ferrari Dacrema,
    Cremonesi & Jannach 2019, which the BARS benchmark reuses).

    With :math:`X` the users x items training matrix (0/1 when ``binary``, else the
    interaction values):

    **1. Feature weighting** (``feature_weighting``; items are the documents and users the
    terms, as in Dacrema et al.'s ``IR_feature_weighting``). With :math:`n_I` the number of
    items, :math:`n_u` the number of items of user :math:`u` and the user's inverse
    frequency :math:`\mathrm{idf}_u = \ln\big(n_I / (1 + n_u)\big)`:

    - ``"tf-idf"``: :math:`X'_{ui} = \sqrt{X_{ui}}\;\mathrm{idf}_u`;
    - ``"bm25"`` (Okapi BM25, :math:`k_1 = 1.2`, :math:`b = 0.75`), with
      :math:`r_i = \sum_u X_{ui}` and :math:`\bar r` its mean over all items:
      :math:`X'_{ui} = X_{ui}\,(k_1 + 1) / \big(k_1 L_i + X_{ui}\big)\;\mathrm{idf}_u`,
      :math:`L_i = 1 - b + b\, r_i / \bar r`;
    - ``"none"``: :math:`X' = X`.

    **2. Similarity** of the columns :math:`x'_i` of :math:`X'`, with :math:`\lambda` =
    ``shrink``, :math:`c_i` the number of users of item :math:`i`, :math:`c_{ij}` of both
    and :math:`n` the number of users with a training interaction:

    ``cosine`` with shrinkage (Dacrema et al.'s ``Compute_Similarity``): with ``normalize``

    .. math:: s_{ij} = \frac{x'_i \cdot x'_j}{\lVert x'_i \rVert \lVert x'_j \rVert + \lambda}

    and without it the plain dot product, divided by :math:`\lambda` when
    :math:`\lambda > 0`. ``asymmetric`` is their asymmetric cosine (Aiolli 2013), with
    :math:`\alpha` = ``asymmetric_alpha`` (0.5: the cosine) and :math:`j` the item whose
    neighbours are sought:

    .. math:: s_{ji} = \frac{x'_j \cdot x'_i}
              {\lVert x'_j \rVert^{2\alpha} \lVert x'_i \rVert^{2(1-\alpha)} + \lambda}

    ``jaccard`` (their Tanimoto on the 0/1 pattern) and ``lift`` are
    set measures that always read the 0/1 pattern:

    .. math:: s_{ij} = \frac{c_{ij}}{c_i + c_j - c_{ij} + \lambda}, \qquad
              s_{ij} = \frac{n \, c_{ij}}{c_i \, c_j + \lambda}

    The diagonal is 0 (an item is never its own neighbour). Dacrema et al. add
    :math:`10^{-6}` to every denominator against a division by zero; here a zero
    denominator, which comes only with a zero numerator, gives 0 instead.

    **3. Pruning** after the similarity (and its shrinkage) is computed: each item
    :math:`j` keeps its ``neighbors`` (topK) largest positive similarities
    :math:`N_K(j)` (ties at the cut go to the lower item index); row :math:`j` of
    ``similarity_`` holds them.

    **4. Scores**, as in their code: an item's score sums the user's history over the
    item's own neighbourhood,

    .. math:: \hat r_{uj} = \sum_{i \in I_u \cap N_K(j)} p_{ui}\, W_{ij}, \qquad
              W = S_K^\top

    where :math:`p_u` is the user's profile, the feature-weighted row :math:`x'_u` (when
    ``weight_profiles``, as Dacrema et al.'s ItemKNNCF scores with the weighted matrix)
    or the plain :math:`x_u` (as re-implementations that weight only the similarity do).
    With ``normalize_similarity`` each row of :math:`W` (what one history item sends out)
    is scaled to sum to 1 after pruning (the ``normalize_similarity`` of the same code
    base's graph models).

    Notes
    -----
    On the MovieLens 1M graph-CF split (``lightgcn-splits/ml-1m``: tuned on the validation
    file with the training file only, about 130 configurations of topK 20-500, shrink
    0-500, the three weightings, ``normalize``, ``normalize_similarity`` and the
    asymmetric alpha; refit on training plus validation; test file, full catalog) the best
    configuration on validation, ``similarity="asymmetric"``, ``asymmetric_alpha=0.3``,
    ``feature_weighting="tf-idf"``, ``neighbors=100``, gives recall@20 0.2532 and nDCG@20
    0.3486, 10.2% below EASE (lambda 500: 0.2819 / 0.3858) in recall; the best plain cosine
    (TF-IDF, topK 200) gives 0.2480 / 0.3429, and the cosine without weighting 0.221 on
    validation against TF-IDF's 0.234. ``normalize_similarity`` lowered validation recall
    there (0.198 against 0.234).

    Only positive similarities are kept: with non-negative data a similarity is negative
    only through a negative :math:`\mathrm{idf}_u` (a user who has every item), which
    Dacrema et al. would keep when an item has fewer than topK positive neighbours.

    Attributes
    ----------
    similarity_ : scipy.sparse.csr_matrix
        ``n_items x n_items`` float32, row ``j`` holding item ``j``'s neighbours
        :math:`N_K(j)` and their similarities (before ``normalize_similarity``).

    References
    ----------
    M. Ferrari Dacrema, P. Cremonesi, D. Jannach. "Are we really making much progress? A
    worrying analysis of recent neural recommendation approaches". RecSys 2019.

    J. Zhu et al. "BARS: Towards open benchmarking for recommender systems". SIGIR 2022.

    F. Aiolli. "Efficient top-N recommendation for very large scale binary rated
    datasets". RecSys 2013.

    B. Sarwar, G. Karypis, J. Konstan, J. Riedl. "Item-based collaborative filtering
    recommendation algorithms". WWW 2001.

    M. Deshpande, G. Karypis. "Item-based top-N recommendation algorithms". ACM TOIS 22(1),
    2004.
    """

    name = "item_knn"
    params: ClassVar[dict[str, Param]] = {
        "neighbors": Param(int, low=1, default=100,
                           doc="topK: neighbours kept per item.",
                           search={"type": "int", "low": 5, "high": 1000, "log": True}),
        "similarity": Param(str, choices=SIMILARITIES, default="cosine",
                            doc="'cosine', 'asymmetric', 'jaccard' or 'lift' (formulas "
                                "above).",
                            search={"type": "categorical", "choices": list(SIMILARITIES)}),
        "normalize": Param(bool, default=True,
                           doc="cosine and asymmetric: divide by the norms (True) or only by "
                               "shrink.",
                           search={"type": "categorical", "choices": [True, False],
                                   "when": {"similarity": ["cosine", "asymmetric"]}}),
        "shrink": Param((int, float), low=0, default=0.0,
                        doc="lambda, added to each similarity's denominator; 0: the plain "
                            "measure.",
                        search={"type": "float", "low": 0.0, "high": 1000.0}),
        "asymmetric_alpha": Param((int, float), low=0, high=2, default=0.5,
                                  doc="alpha of the asymmetric cosine; 0.5: the cosine.",
                                  search={"type": "float", "low": 0.0, "high": 2.0,
                                          "when": {"similarity": ["asymmetric"],
                                                   "normalize": [True]}}),
        "feature_weighting": Param(str, choices=FEATURE_WEIGHTINGS, default="none",
                                   doc="'none', 'tf-idf' or 'bm25' weighting of X (above).",
                                   search={"type": "categorical",
                                           "choices": list(FEATURE_WEIGHTINGS)}),
        "weight_profiles": Param(bool, default=True,
                                 doc="Score with the feature-weighted history (True) or the "
                                     "plain one."),
        "normalize_similarity": Param(bool, default=False,
                                      doc="Scale what each history item sends out to sum 1.",
                                      search={"type": "categorical",
                                              "choices": [True, False]}),
        "binary": Param(bool, default=True,
                        doc="Treat every interaction as 1 instead of using its value."),
    }

    similarity_: sp.csr_matrix
    #: W: the pruned similarities transposed (row i: what history item i sends out)
    _scoring: sp.csr_matrix
    #: L_i of BM25, from the training matrix (None for other weightings)
    _length_norm: np.ndarray | None = None

    # ------------------------------------------------------------------ training
    def _weights_by_values(self) -> bool:
        return not self.binary  # binary: every recorded pair is 1, whatever its value

    def _values_role(self) -> str:
        return "with binary=False this model weights the interactions by their values"

    def _fit(self, train: Interactions, progress: Progress | None) -> None:
        matrix = _canonical(history_weights(self.seen_, binary=self.binary))
        self._length_norm = (bm25_length_norm(matrix) if self.feature_weighting == "bm25"
                             else None)
        weighted = weight_features(matrix, self.feature_weighting, self._length_norm)
        block_size = _require_similarity_memory(self.name, matrix.shape[1], self.neighbors,
                                                matrix.nnz, "item")
        self.similarity_ = pruned_item_similarity(
            weighted, self.similarity, self.neighbors, shrink=float(self.shrink),
            normalize=self.normalize, asymmetric_alpha=float(self.asymmetric_alpha),
            progress=progress, block_size=block_size)
        _refuse_subnormal_similarities(self.name, self.similarity_, float(self.shrink), "item")
        self._scoring = self._scoring_matrix()
        self._warn_weighting_left_no_neighbour(matrix)

    def _warn_weighting_left_no_neighbour(self, matrix: sp.csr_matrix) -> None:
        """Warn when items shared users but the feature weighting left no item a neighbour:
        on a small catalog :math:`\\mathrm{idf}_u = \\ln(n_I / (1 + n_u))` is 0 (or below)
        for every user with two or more items, every weighted similarity was 0, and the
        model fitted to score every item 0 for every user, without a word."""
        if self.similarity_.nnz or self.feature_weighting == "none":
            return
        per_user = np.diff(matrix.indptr)
        if not (per_user >= 2).any():
            return  # no two items ever shared a user: nothing to weigh
        n_items = matrix.shape[1]
        warnings.warn(
            f"{self.name}: feature_weighting={self.feature_weighting!r} left no item a "
            f"neighbour: its idf_u = ln(n_items / (1 + n_u)) is 0 or below for every user "
            f"with two or more of the {n_items:,} items (e.g. {int(per_user.max())} items: "
            f"ln({n_items:,} / {int(per_user.max()) + 1:,}) = "
            f"{np.log(n_items / (1.0 + per_user.max())):.3g}), so every similarity, and "
            "every score, is 0; use feature_weighting='none' on a catalog this small",
            stacklevel=caller_stacklevel())

    def _scoring_matrix(self) -> sp.csr_matrix:
        scoring = sp.csr_matrix(self.similarity_.T, dtype=np.float32)
        if self.normalize_similarity:
            sums = np.asarray(scoring.sum(axis=1), np.float64).ravel()
            scale = np.divide(1.0, sums, out=np.zeros_like(sums), where=sums > 0)
            scoring = sp.csr_matrix(sp.diags(scale.astype(np.float32)) @ scoring)
        return scoring

    # ------------------------------------------------------------------ inference
    def _score_users(self, user_indices: np.ndarray) -> np.ndarray:
        return self._scores(self.seen_[user_indices])

    def score_histories(self, histories: Any = NOT_GIVEN, *positional: Any,
                        **unexpected: Any) -> np.ndarray:
        """Scores for users known only by a history (``n x n_items``, sparse or dense,
        columns in this model's item order), weighted as a training user's profile is
        (the item lengths of BM25 are the training set's), without refitting."""
        check_call(self, ItemKNN.score_histories, positional, unexpected, (histories,))
        self._require_fitted()
        history = self._history_matrix(histories)
        return self._empty_histories_by_popularity(history, self._scores(history))

    def _scores(self, history: sp.csr_matrix) -> np.ndarray:
        profiles = _canonical(history_weights(history, binary=self.binary))
        if self.weight_profiles:
            profiles = weight_features(profiles, self.feature_weighting, self._length_norm)
        return np.asarray((profiles @ self._scoring).toarray(), dtype=np.float32)

    def _similarity_rows(self, item_indices: np.ndarray) -> np.ndarray:
        """The pruned neighbour rows: ``similar_items`` is "people who liked this also
        liked", and only the ``neighbors`` kept at fit time can come back; other items are
        not "similar with 0" but no answer (``-inf``)."""
        return stored_or_no_answer(self.similarity_[item_indices])

    # ------------------------------------------------------------------ persistence
    def _state(self) -> dict[str, np.ndarray]:
        return sparse_state("similarity", self.similarity_)

    def _load_state(self, arrays: dict[str, np.ndarray]) -> None:
        self.similarity_ = sparse_from_state("similarity", arrays)
        # derived from the saved training matrix, which is restored before this
        self._length_norm = None
        if self.feature_weighting == "bm25":
            matrix = _canonical(history_weights(self.seen_, binary=self.binary))
            self._length_norm = bm25_length_norm(matrix)
        self._scoring = self._scoring_matrix()

    def _state_spec(self) -> dict[str, SparseSpec]:
        # each row keeps at most ``neighbors`` similarities (_top_k_mask)
        return {"similarity": SparseSpec(("n_items", "n_items"), max_per_row="neighbors")}


@register
class UserKNN(Recommender):
    r"""User-based top-N recommendation from each user's most similar users.

    With :math:`X` the users x items training matrix (0/1 when ``binary``, else the
    interaction values), :math:`x_u` its row for user :math:`u` and :math:`\lambda` =
    ``shrink``, the similarity of two users is the cosine of their rows, shrunk towards
    zero for users with little in common:

    .. math:: s_{uv} = \frac{x_u \cdot x_v}{\lVert x_u \rVert \lVert x_v \rVert + \lambda}

    Each user keeps their ``neighbors`` most similar other users :math:`N_k(u)` (positive
    similarities only; ties at the cut go to the lower user index), and an item's score is
    the similarity-weighted sum of those neighbours' rows:

    .. math:: \hat r_{uj} = \sum_{v \in N_k(u)} s_{uv}\, X_{vj}

    (Herlocker et al.'s steps: weight every user by their similarity to the active user,
    keep the active user's best ``k`` as predictors, combine their rows weighted by that
    similarity. The sum is not divided by :math:`\sum_v |s_{uv}|`, as Herlocker et al.'s
    rating prediction is: this is the top-N form, as in the reproducibility studies'
    UserKNNCF.)

    *Against the reproducibility studies' UserKNNCF* (Ferrari Dacrema et al. 2019, the
    same cosine with shrinkage on the user-user matrix): their code keeps the top-K of each
    *column* of the pruned matrix (the neighbours of each user) and then scores user
    :math:`u` from its *row*, ``W_sparse[u] @ URM``, so their sum runs over the users who
    count :math:`u` among *their* K nearest, :math:`\{v : u \in N_k(v)\}`, and a user
    nobody picks scores 0 for every item. recstack keeps the definition above, each
    user's own ``k`` nearest, which Herlocker et al. define and which their ItemKNNCF
    applies on the other axis (an item scored from its own neighbourhood, as in
    :class:`ItemKNN`); the two readings agree when ``neighbors`` keeps every user, and a
    test pins the difference. Their other differences: :math:`10^{-6}` added to every
    denominator (here a zero denominator, which comes only with a zero numerator, gives
    0), a default shrink of 100 (0 here; both are tuned), and options this model does not
    offer (``normalize=False``, other similarities, TF-IDF or BM25 weighting).

    The user-user matrix is built a block of users at a time and pruned per block
    (:func:`pruned_item_similarity` applied to :math:`X^\top`), so it is never dense: it
    holds at most ``neighbors`` entries per user. :meth:`score_histories` scores users
    known only by a history the same way, their neighbours found among the training users
    (a training user's own row, given as a history, finds that user among its neighbours).
    Users without training rows have no neighbours and are refused by ``recommend``.

    Under the protocol of ``benchmarks/accuracy.py`` (80/20 per-user random holdout, every
    rating a positive, full catalog) the defaults give nDCG@10 0.399 on MovieLens 100K and
    0.317 on latest-small (``item_knn`` with its defaults 0.354 / 0.262, most popular
    0.226 / 0.184); 100 neighbours give 0.403 / 0.314.

    Attributes
    ----------
    similarity_ : scipy.sparse.csr_matrix
        ``n_users x n_users`` float32, row ``u`` holding user ``u``'s neighbours.

    References
    ----------
    J. Herlocker, J. Konstan, A. Borchers, J. Riedl. "An algorithmic framework for performing
    collaborative filtering". SIGIR 1999.

    M. Ferrari Dacrema, P. Cremonesi, D. Jannach. "Are we really making much progress? A
    worrying analysis of recent neural recommendation approaches". RecSys 2019.
    """

    name = "user_knn"
    params: ClassVar[dict[str, Param]] = {
        "neighbors": Param(int, low=1, default=50, doc="Neighbours kept per user.",
                           search={"type": "int", "low": 5, "high": 1000, "log": True}),
        "shrink": Param((int, float), low=0, default=0.0,
                        doc="lambda, added to the cosine's denominator; 0: the plain cosine.",
                        search={"type": "float", "low": 0.0, "high": 200.0}),
        "binary": Param(bool, default=True,
                        doc="Treat every interaction as 1 instead of using its value."),
    }

    similarity_: sp.csr_matrix
    #: X, the training rows the neighbours' scores are summed from
    _weights: sp.csr_matrix

    # ------------------------------------------------------------------ training
    def _learns_from_values(self) -> bool:
        return True  # zero values are dropped before the cosine

    def _weights_by_values(self) -> bool:
        return not self.binary

    def _values_role(self) -> str:
        return "user-kNN reads a value of 0 as no interaction"

    def _fit(self, train: Interactions, progress: Progress | None) -> None:
        self._weights = self._training_matrix()
        by_item = self._weights.T.tocsr()
        block_size = _require_similarity_memory(self.name, by_item.shape[1], self.neighbors,
                                                by_item.nnz, "user")
        # the columns of X^T are the users: the item-item routine gives user-user cosines
        self.similarity_ = pruned_item_similarity(by_item, "cosine", self.neighbors,
                                                  shrink=float(self.shrink),
                                                  progress=progress, block_size=block_size)
        _refuse_subnormal_similarities(self.name, self.similarity_, float(self.shrink), "user")

    def _training_matrix(self) -> sp.csr_matrix:
        """:math:`X`: the training matrix as scoring weights, duplicates summed."""
        matrix = history_weights(self.seen_, binary=False)
        matrix.sum_duplicates()
        matrix.eliminate_zeros()
        if self.binary:
            matrix.data[:] = 1.0
        return matrix

    # ------------------------------------------------------------------ inference
    def _score_users(self, user_indices: np.ndarray) -> np.ndarray:
        return np.asarray((self.similarity_[user_indices] @ self._weights).toarray(),
                          dtype=np.float32)

    def score_histories(self, histories: Any = NOT_GIVEN, *positional: Any,
                        **unexpected: Any) -> np.ndarray:
        """Scores for users known only by a history (``n x n_items``, sparse or dense,
        columns in this model's item order), without refitting: their ``neighbors`` most
        similar training users (the cosine with shrinkage above) and those users' rows.

        A training user's own history is not scored as that user is: the history finds
        the user among the training users (their cosine is the largest), and the user's
        own row joins the scores, where the trained similarity leaves a user out of their
        own neighbours."""
        check_call(self, UserKNN.score_histories, positional, unexpected, (histories,))
        self._require_fitted()
        history = self._history_matrix(histories)
        history.sum_duplicates()
        history.eliminate_zeros()
        if self.binary:
            history.data[:] = 1.0
        training = self._weights
        # the cosine in float64: squared in float32, history values below about 1e-19
        # vanished, the history's norm became 0, and its neighbours were picked by raw dot
        # products, not cosines (other lists than the same history at any other scale)
        history = sp.csr_matrix(history, dtype=np.float64)
        user_norms = np.sqrt(np.asarray(
            training.multiply(training).sum(axis=1, dtype=np.float64)).ravel())
        history_norms = np.sqrt(np.asarray(history.multiply(history).sum(axis=1)).ravel())
        n_users = training.shape[0]
        block_size = max(1, _BLOCK_BUDGET_BYTES // (max(n_users, 1) * _BYTES_PER_BLOCK_ENTRY))
        by_user = sp.csr_matrix(training.T, dtype=np.float64)
        out = np.empty((history.shape[0], training.shape[1]), np.float32)
        for start in range(0, history.shape[0], block_size):
            stop = min(start + block_size, history.shape[0])
            products = np.asarray((history[start:stop] @ by_user).toarray(), np.float64)
            denominator = history_norms[start:stop, None] * user_norms[None, :]
            denominator += float(self.shrink)
            np.divide(products, denominator, out=products, where=denominator > 0)
            block = products.astype(np.float32)
            del products, denominator
            block[~_top_k_mask(block, self.neighbors)] = 0.0
            out[start:stop] = (sp.csr_matrix(block) @ training).toarray()
        return self._empty_histories_by_popularity(history, out)

    # ------------------------------------------------------------------ persistence
    def _state(self) -> dict[str, np.ndarray]:
        return sparse_state("similarity", self.similarity_)

    def _load_state(self, arrays: dict[str, np.ndarray]) -> None:
        self.similarity_ = sparse_from_state("similarity", arrays)
        # derived from the saved training matrix, which is restored before this
        self._weights = self._training_matrix()

    def _state_spec(self) -> dict[str, SparseSpec]:
        return {"similarity": SparseSpec(("n_users", "n_users"), max_per_row="neighbors")}


# --------------------------------------------------------------------------- similarities
def pruned_item_similarity(matrix: sp.csr_matrix, similarity: str, neighbors: int, *,
                           shrink: float = 0.0, normalize: bool = True,
                           asymmetric_alpha: float = 0.5, progress: Progress | None = None,
                           block_size: int | None = None) -> sp.csr_matrix:
    """The item-item similarity of the columns of ``matrix`` (users x items), each row
    pruned to its ``neighbors`` largest positive entries, diagonal excluded (see
    :class:`ItemKNN` for the formulas; ``normalize`` applies to the cosines only). Row
    ``j`` is the target item: for the asymmetric cosine its norm carries ``2 alpha``.

    ``XᵀX`` is computed ``block_size`` item rows at a time (by default as many as fit in
    256 MiB); only a block is ever dense, never the ``n_items x n_items`` matrix.
    """
    if similarity not in SIMILARITIES:
        raise choice_error("similarity", similarity, SIMILARITIES)
    matrix = sp.csr_matrix(matrix, dtype=np.float32)
    if not matrix.has_canonical_format or not np.all(matrix.data != 0):
        # repeated or stored-zero entries would be counted as users of the item
        matrix = matrix.copy()
        matrix.sum_duplicates()
        matrix.eliminate_zeros()
    n_items = matrix.shape[1]
    if similarity in ("cosine", "asymmetric"):
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
            _to_similarity(block, start, similarity, column_scale, shrink, n_active_users,
                           normalize, asymmetric_alpha)
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
                   shrink: float, n_active_users: float, normalize: bool = True,
                   asymmetric_alpha: float = 0.5) -> None:
    """Turn rows ``start..`` of ``XᵀX`` (dense, float32) into similarities, in place, with a
    zero diagonal. ``column_scale`` holds the item norms (cosine) or user counts."""
    row_scale = column_scale[start:start + len(block), None]
    if similarity in ("cosine", "asymmetric") and not normalize:
        # the unnormalised dot product, scaled by the shrink term alone (as Dacrema et al.)
        if shrink > 0:
            block /= np.float32(shrink)
        block[np.arange(len(block)), start + np.arange(len(block))] = 0.0
        return
    if similarity == "cosine":
        denominator = row_scale * column_scale[None, :]
        denominator += shrink
    elif similarity == "asymmetric":
        # an item nobody has (norm 0) raised to a negative power (alpha outside [0, 1]) is
        # inf, and 0 * inf NaN: both fail the test below and leave its zero co-occurrence
        with np.errstate(divide="ignore", invalid="ignore"):
            denominator = (np.power(row_scale, np.float32(2 * asymmetric_alpha))
                           * np.power(column_scale,
                                      np.float32(2 * (1 - asymmetric_alpha)))[None, :])
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


def _canonical(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """``matrix`` with duplicates summed and stored zeros dropped (in place when needed):
    the weightings count a user's items as stored entries."""
    if not matrix.has_canonical_format or not np.all(matrix.data != 0):
        matrix.sum_duplicates()
        matrix.eliminate_zeros()
    return matrix


def bm25_length_norm(matrix: sp.csr_matrix) -> np.ndarray:
    r"""BM25's per-item length normalisation :math:`L_i = 1 - b + b\, r_i / \bar r`, with
    :math:`r_i` the column sums of the users x items ``matrix`` and :math:`\bar r` their
    mean over all items (:math:`b` = 0.75)."""
    totals = np.asarray(matrix.sum(axis=0), np.float64).ravel()
    mean = totals.mean() if len(totals) else 0.0
    if mean <= 0:
        return np.full(len(totals), 1.0 - _BM25_B)
    return (1.0 - _BM25_B) + _BM25_B * totals / mean


def weight_features(matrix: sp.csr_matrix, weighting: str,
                    length_norm: np.ndarray | None = None) -> sp.csr_matrix:
    r"""A copy of the users x items ``matrix`` (canonical CSR) with each entry weighted by
    ``weighting`` (``"none"``, ``"tf-idf"`` or ``"bm25"``; formulas in :class:`ItemKNN`).

    The user's inverse frequency :math:`\ln(n_I / (1 + n_u))` needs only the row itself,
    so a new user's history is weighted exactly as a training row; BM25 also needs the
    training items' ``length_norm`` (:func:`bm25_length_norm`).
    """
    if weighting == "none":
        return matrix
    if weighting not in FEATURE_WEIGHTINGS:
        raise choice_error("feature_weighting", weighting, FEATURE_WEIGHTINGS)
    n_items = matrix.shape[1]
    per_user = np.diff(matrix.indptr)
    idf = np.log(n_items / (1.0 + per_user))
    entry_idf = np.repeat(idf, per_user)
    values = matrix.data.astype(np.float64)
    if weighting == "tf-idf":
        weighted = np.sqrt(values) * entry_idf
    else:
        if length_norm is None:
            length_norm = bm25_length_norm(matrix)
        weighted = (values * (_BM25_K1 + 1.0) / (_BM25_K1 * length_norm[matrix.indices] + values)
                    * entry_idf)
    out = matrix.copy()
    out.data = weighted.astype(np.float32)
    return out


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

