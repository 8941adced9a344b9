"""Implicit-feedback alternating least squares (Hu, Koren & Volinsky 2008).

Training runs the conjugate-gradient solver of the `implicit` library (CPU); recstack owns
the contract around it: the confidence weighting, the checks, progress, safe persistence,
the exact fold-in of users unseen in training and item-item similarities.

Also home of :class:`FactorMixin`, the scoring shared by the factor models (ALS, BPR).
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np
import scipy.sparse as sp

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.models.base import Param, Recommender
from recstack.models.registry import register
from recstack.progress import Progress, resolve

#: what to run when the optional ALS dependencies are missing
ALS_INSTALL_COMMAND = 'pip install "recstack[als]"'

# Fold-in works on padded (users x history x factors) float64 blocks; this bounds them.
_FOLD_IN_BUDGET_BYTES = 64 * 2**20


class FactorMixin:
    """Scoring for models whose score is a dot product of user and item factors.

    ``score(u, i) = user_factors_[u] · item_factors_[i] (+ item_bias_[i])``. Mix it in before
    :class:`Recommender`; the model sets ``user_factors_`` and ``item_factors_`` (float32,
    C-contiguous) and, if it has one, ``item_bias_``. It supplies ``_score_users``,
    ``_score_pairs`` (a row-wise dot product instead of full rows), ``similar_items`` and
    the ``_state``/``_load_state`` pair.
    """

    user_factors_: np.ndarray
    item_factors_: np.ndarray
    #: models without an item bias leave this None
    item_bias_: np.ndarray | None = None

    # the attributes below come from Recommender, which this class is mixed into
    items_: Any
    _require_fitted: Any

    def _score_users(self, user_indices: np.ndarray) -> np.ndarray:
        scores = self.user_factors_[user_indices] @ self.item_factors_.T
        if self.item_bias_ is not None:
            scores += self.item_bias_
        return scores

    def _score_pairs(self, user_index: np.ndarray, item_index: np.ndarray) -> np.ndarray:
        scores = np.einsum("ij,ij->i", self.user_factors_[user_index],
                           self.item_factors_[item_index])
        if self.item_bias_ is not None:
            scores += self.item_bias_[item_index]
        return scores.astype(np.float32, copy=False)

    def _item_embeddings(self) -> np.ndarray:
        return self.item_factors_

    def _state(self) -> dict[str, np.ndarray]:
        state = {"user_factors": self.user_factors_, "item_factors": self.item_factors_}
        if self.item_bias_ is not None:
            state["item_bias"] = self.item_bias_
        return state

    def _load_state(self, arrays: dict[str, np.ndarray]) -> None:
        self.user_factors_ = np.ascontiguousarray(arrays["user_factors"], dtype=np.float32)
        self.item_factors_ = np.ascontiguousarray(arrays["item_factors"], dtype=np.float32)
        if "item_bias" in arrays:
            self.item_bias_ = np.ascontiguousarray(arrays["item_bias"], dtype=np.float32)


@register
class ALS(FactorMixin, Recommender):
    r"""Weighted matrix factorisation for implicit feedback, fitted by alternating least
    squares with a conjugate-gradient solver (Hu, Koren & Volinsky 2008; Takács, Pilászy &
    Tikk 2011).

    With :math:`r_{ui}` the training value of (user, item) (summed over repeated rows),
    preference :math:`p_{ui} = 1` where an interaction is recorded and 0 elsewhere, and
    confidence :math:`c_{ui} = 1 + \alpha\, r_{ui}` where recorded and 1 elsewhere, ALS
    minimises

    .. math::

        \sum_{u, i} c_{ui} \left(p_{ui} - x_u^\top y_i\right)^2
        + \lambda \left(\sum_u \lVert x_u \rVert^2 + \sum_i \lVert y_i \rVert^2\right)

    over user factors :math:`x_u` and item factors :math:`y_i`, alternately solving every
    user given the items and every item given the users. Scores are :math:`x_u^\top y_i`.
    :math:`\lambda` is not scaled by the number of interactions.

    Parameters
    ----------
    factors
        Length of the factor vectors (>= 1).
    regularization
        :math:`\lambda` (>= 0).
    alpha
        Confidence slope :math:`\alpha` (>= 0): a recorded interaction of value ``r`` has
        confidence ``1 + alpha * r``. Values must be >= 0; for binary data use
        ``Interactions.implicit()`` first (every interaction then has ``r = 1``), but not
        ``implicit(alpha=...)``, whose values are already confidences.
    iterations
        ALS sweeps (>= 1); each solves all users, then all items.
    num_threads
        Threads of implicit's solver; 0 uses every core. The result does not depend on it.
    seed
        Seeds the random initial factors: the same seed gives the same model.

    Notes
    -----
    *alpha and the implicit library.* implicit 0.7 multiplies the matrix it is given by its
    own ``alpha`` (when that is not 1) and uses the product directly as the confidence, so
    its confidence is ``alpha * r``, not ``1 + alpha * r``. This class computes
    ``1 + alpha * r`` itself and hands implicit that matrix with implicit's ``alpha=1``.
    On binary data, implicit's ``alpha=a`` therefore equals this class's ``alpha=a - 1``.

    *Threads.* While fitting, BLAS is limited to one thread (``threadpoolctl``), as implicit
    recommends: its solver runs its own threads, and BLAS threads inside them oversubscribe
    the cores. That limit makes implicit's oversubscription warning moot, so it is not
    raised; the limit is process-wide for the duration of ``fit``.

    *Tuning.* The defaults are implicit's and are weakly regularised for small data: on
    MovieLens 100K under RecBole's protocol (all ratings positive, per-user random
    80/10/10 split) they give nDCG@10 0.25, while ``regularization=20, alpha=2,
    iterations=30`` give 0.31-0.32 (three split seeds). :math:`\lambda` is not scaled by
    the data, so its best value grows with the number of interactions per user and item.

    *New users.* ``recommend`` refuses users not seen in training; :meth:`fold_in` and
    :meth:`score_histories` compute factors for them from their histories without
    retraining.
    """

    name = "als"
    params: ClassVar[dict[str, Param]] = {
        "factors": Param(int, low=1),
        "regularization": Param((int, float), low=0),
        "alpha": Param((int, float), low=0),
        "iterations": Param(int, low=1),
        "num_threads": Param(int, low=0),
        "seed": Param(int, low=0),
    }

    def __init__(self, *, factors: int = 64, regularization: float = 0.01, alpha: float = 1.0,
                 iterations: int = 15, num_threads: int = 0, seed: int = 0) -> None:
        self.factors = factors
        self.regularization = regularization
        self.alpha = alpha
        self.iterations = iterations
        self.num_threads = num_threads
        self.seed = seed

    def validate_params(self) -> None:
        super().validate_params()
        for param in ("regularization", "alpha"):
            if not math.isfinite(getattr(self, param)):
                raise ConfigError(f"{self.name}: {param} must be finite, "
                                  f"got {getattr(self, param)!r}")

    # ------------------------------------------------------------------ training
    def _fit(self, train: Interactions, progress: Progress | None) -> None:
        als_module, threadpool_limits = _import_implicit_als()
        confidence = self._confidence(self.seen_)
        with threadpool_limits(limits=1, user_api="blas"):
            solver = als_module.AlternatingLeastSquares(
                factors=self.factors, regularization=float(self.regularization), alpha=1.0,
                dtype=np.float32, use_cg=True, iterations=self.iterations,
                calculate_training_loss=False, num_threads=self.num_threads,
                random_state=self.seed)
            with resolve(progress).task(f"Fitting {self.name}", total=self.iterations) as task:
                solver.fit(confidence, show_progress=False,
                           callback=lambda *_: task.advance())
        self.user_factors_ = np.ascontiguousarray(solver.user_factors, dtype=np.float32)
        self.item_factors_ = np.ascontiguousarray(solver.item_factors, dtype=np.float32)

    def _confidence(self, values: sp.csr_matrix) -> sp.csr_matrix:
        """``1 + alpha * r`` on the recorded entries of ``values`` (float32 CSR)."""
        matrix = sp.csr_matrix(values, dtype=np.float32, copy=True)
        matrix.sum_duplicates()
        if matrix.nnz and matrix.data.min() < 0:
            raise RecstackError(
                f"{self.name}: interaction values must be >= 0 (they set the confidence "
                f"1 + alpha * value), got {float(matrix.data.min())}; use "
                "Interactions.implicit() to turn them into positives first")
        matrix.data = (1.0 + float(self.alpha) * matrix.data).astype(np.float32)
        return matrix

    # ------------------------------------------------------------------ new users
    def fold_in(self, histories: Any) -> np.ndarray:
        r"""Factors of users known only by their histories, item factors held fixed.

        For each row :math:`u` of ``histories`` (a sparse ``n x n_items`` matrix of values,
        columns in the model's item index order), the exact minimiser of the ALS objective
        over :math:`x_u`:

        .. math::

            \left(Y^\top Y + Y^\top (C_u - I) Y + \lambda I\right) x_u = Y^\top C_u\, p_u

        with :math:`C_u` the diagonal of confidences ``1 + alpha * r`` (1 off the history)
        and :math:`p_u` the 0/1 history indicator. This is the user step of ALS solved
        exactly (training uses a few conjugate-gradient steps instead), so folding in a
        training user's own row gives factors close to, not equal to, the trained ones.

        Returns
        -------
        numpy.ndarray
            float32 ``(n, factors)``.
        """
        self._require_fitted()
        matrix = self._confidence(self._check_histories(histories))
        item_factors = self.item_factors_.astype(np.float64)
        n_factors = item_factors.shape[1]
        gram = item_factors.T @ item_factors + float(self.regularization) * np.eye(n_factors)
        lengths = np.diff(matrix.indptr)
        # users sorted by history length, so each block pads little
        order = np.argsort(lengths, kind="stable")
        result = np.zeros((matrix.shape[0], n_factors), np.float32)
        for block in _length_blocks(lengths[order], n_factors):
            rows = order[block]
            result[rows] = _solve_users(matrix[rows], item_factors, gram)
        return result

    def score_histories(self, histories: Any) -> np.ndarray:
        """Full-catalog scores (float32 ``(n, n_items)``) for users known only by their
        histories, from their :meth:`fold_in` factors."""
        return self.fold_in(histories) @ self.item_factors_.T

    def _check_histories(self, histories: Any) -> sp.csr_matrix:
        if not sp.issparse(histories):
            raise RecstackError(f"{self.name}: histories must be a scipy sparse matrix "
                                f"(users x items), got {type(histories).__name__}")
        n_items = self.item_factors_.shape[0]
        if histories.ndim != 2 or histories.shape[1] != n_items:
            raise RecstackError(f"{self.name}: histories must have {n_items} columns (the "
                                f"model's items), got shape {histories.shape}")
        return sp.csr_matrix(histories)


def _length_blocks(sorted_lengths: np.ndarray, n_factors: int) -> list[slice]:
    """Consecutive slices of users (sorted by history length) whose padded blocks
    ``(users x longest history x factors)`` and normal matrices fit the budget."""
    blocks: list[slice] = []
    start, n = 0, len(sorted_lengths)
    per_user_fixed = n_factors * n_factors * 8 * 2
    while start < n:
        stop = start + 1
        while stop < n:
            width = int(sorted_lengths[stop])
            cost = (stop + 1 - start) * (width * n_factors * 8 * 2 + per_user_fixed)
            if cost > _FOLD_IN_BUDGET_BYTES:
                break
            stop += 1
        blocks.append(slice(start, stop))
        start = stop
    return blocks


def _solve_users(confidence: sp.csr_matrix, item_factors: np.ndarray,
                 gram: np.ndarray) -> np.ndarray:
    """Exact ALS user step for a block of users: a batched dense solve of the normal
    equations (see :meth:`ALS.fold_in`)."""
    n_users, n_factors = confidence.shape[0], item_factors.shape[1]
    lengths = np.diff(confidence.indptr)
    width = int(lengths.max()) if n_users else 0
    row = np.repeat(np.arange(n_users), lengths)
    column = np.arange(confidence.nnz) - np.repeat(confidence.indptr[:-1], lengths)
    # padding points at item 0 with weight 0, so it adds nothing to either side
    items = np.zeros((n_users, width), np.int64)
    weight = np.zeros((n_users, width))  # c_ui on the history
    excess = np.zeros((n_users, width))  # c_ui - 1 on the history
    items[row, column] = confidence.indices
    weight[row, column] = confidence.data
    excess[row, column] = confidence.data - 1.0
    factors = item_factors[items]  # (users, width, factors)
    lhs = gram + np.matmul(factors.transpose(0, 2, 1), factors * excess[..., None])
    rhs = np.matmul(weight[:, None, :], factors)[:, 0, :]  # Y^T C_u p_u
    try:
        solution = np.linalg.solve(lhs, rhs[..., None])[..., 0]
    except np.linalg.LinAlgError:
        # singular only when regularization is 0 and the item factors are rank-deficient:
        # take the minimum-norm least-squares solution instead
        solution = np.matmul(np.linalg.pinv(lhs), rhs[..., None])[..., 0]
    return solution.reshape(n_users, n_factors).astype(np.float32)


def _import_implicit_als() -> tuple[Any, Any]:
    try:
        import implicit.cpu.als as als_module
        from threadpoolctl import threadpool_limits
    except ImportError as error:
        raise RecstackError(f"the als model needs the implicit library ({error.name} is "
                            f"missing); install it with: {ALS_INSTALL_COMMAND}") from None
    return als_module, threadpool_limits
