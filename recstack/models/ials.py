"""iALS with frequency-scaled regularisation and an unobserved weight (Rendle, Krichene,
Zhang & Koren, RecSys 2022), solved exactly (alternating least squares with the Gramian
trick) or by iALS++ subspace (block coordinate) descent (Rendle, Krichene, Zhang & Koren,
"iALS++", 2021), both in numpy and LAPACK: each sweep solves every user (then every item)
over groups of rows of similar history length, never a Python loop per user in numpy.

The details the papers leave open follow the authors' code (google-research ``ials/``):
the initial factors are normal with standard deviation ``init_stddev / sqrt(factors)``; the
unobserved term runs over *all* user-item pairs, observed ones included; the iALS++ sweep
takes, for each block of factors in turn, a user step then an item step; every recorded
interaction is a positive of target 1 (its value is not used). The factors and systems are
float32, like ``implicit``'s ALS; the predictions of the recorded pairs that iALS++ keeps
current are float64, so their error does not build up over the blocks of a sweep.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from typing import Any, ClassVar

import numpy as np
import scipy.sparse as sp
from scipy.linalg import lapack

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, TrainingFailedError, counted
from recstack.models.base import (
    MAX_ITERATIONS,
    NOT_GIVEN,
    Param,
    Recommender,
    check_call,
    width_param,
)
from recstack.models.factors import (
    FactorMixin,
    FoldInScoringMixin,
    factor_limits,
    warn_excess_factors,
)
from recstack.models.memory import require_memory
from recstack.models.persistence import ArraySpec
from recstack.models.registry import register
from recstack.progress import Progress, resolve

# The padded per-group arrays of a batched solve (rows x longest history x block, and the
# rows x block x block systems) are kept within this many bytes: small enough to stay in
# cache between the product that builds a group's systems and their solve (16 MiB took
# 10.0-10.3 s an iteration at 256 factors on Gowalla-size data, 96 MiB 11.3-12.1 s).
_GROUP_BUDGET_BYTES = 16 * 2**20
# From this block size up, LAPACK's Cholesky solve (posv) one system at a time beats
# numpy's batched LU solve, which copies every matrix into Fortran order first (measured,
# 400 systems on one thread: 32: 1.3 against 2.1 ms; 128: 14 against 38 ms; 16: 0.7
# against 0.5 ms)
_CHOLESKY_FROM = 32


@register
class IALS(FoldInScoringMixin, FactorMixin, Recommender):
    r"""Implicit alternating least squares as revisited by Rendle et al. (2022).

    With :math:`S` the recorded (user, item) pairs, :math:`I_u` the items of user
    :math:`u`, :math:`U_i` the users of item :math:`i`, :math:`\alpha_0` =
    ``unobserved_weight``, :math:`\lambda` = ``regularization`` and :math:`\nu` =
    ``regularization_exp``, the user factors :math:`w_u` and item factors :math:`h_i`
    minimise the paper's loss with its frequency-based regularisation (the form its
    authors' code computes, ``RegularizationValue`` and ``ComputeLosses``)

    .. math::

        L(W, H) = \sum_{(u,i) \in S} (\langle w_u, h_i \rangle - 1)^2
        + \alpha_0 \sum_{u} \sum_{i} \langle w_u, h_i \rangle^2
        + \lambda \Big( \sum_u (|I_u| + \alpha_0 |I|)^{\nu} \lVert w_u \rVert^2
        + \sum_i (|U_i| + \alpha_0 |U|)^{\nu} \lVert h_i \rVert^2 \Big).

    The second sum runs over every pair; with the Gramian :math:`G = H^\top H` it costs
    :math:`\alpha_0\, w_u^\top G\, w_u` per user. With ``block_size`` None, each sweep
    solves every user exactly given the items, then every item given the users:

    .. math::

        \Big(\alpha_0 G + \sum_{i \in I_u} h_i h_i^\top + \lambda_u I\Big) w_u
        = \sum_{i \in I_u} h_i, \qquad \lambda_u = \lambda (|I_u| + \alpha_0 |I|)^{\nu}

    (cost :math:`O(|S| d^2 + (|U| + |I|) d^3)` a sweep). With ``block_size`` :math:`b`
    (iALS++), the factors are split into blocks of :math:`b` coordinates; for each block
    :math:`B` in turn, every user's block is set to its exact minimiser with the other
    coordinates fixed, then every item's: with :math:`e_{ui} = \langle w_u, h_i\rangle - 1`,

    .. math::

        w_{u,B} \leftarrow w_{u,B} - \Big(\alpha_0 H_B^\top H_B
        + \sum_{i \in I_u} h_{i,B} h_{i,B}^\top + \lambda_u I\Big)^{-1}
        \Big(\sum_{i \in I_u} e_{ui} h_{i,B} + \alpha_0 H_B^\top H w_u
        + \lambda_u w_{u,B}\Big),

    so a sweep costs :math:`O(|S| d b + (|U| + |I|) d b^2)`, which keeps 512 to 2048
    factors affordable. Either way the loss never increases from one sweep to the next.
    ``block_size >= factors`` is one block: the exact step written in residual form.

    Scores are :math:`\langle w_u, h_i \rangle`. Users and items without a recorded pair
    are solved too (their minimiser is 0, reached exactly by the exact solver).

    *Settings.* The defaults are the authors' MovieLens-20M settings (``factors`` aside:
    they use up to 2048; 128 here): :math:`\lambda = 0.003`, :math:`\nu = 1`,
    :math:`\alpha_0 = 0.1`, ``init_stddev`` 0.1, 16 sweeps, blocks of 128. For MovieLens-1M
    (NCF protocol) they report 192 factors, :math:`\lambda = 0.007`, :math:`\alpha_0 = 0.3`,
    12 sweeps, solved exactly (their ``ials_simple``; here ``block_size=None``: with the
    default blocks of 128, 192 factors are solved in two blocks, a loss about 0.1% higher
    after 12 sweeps on small data). :math:`\lambda` scales with the frequencies, so it is
    far smaller than the :math:`\lambda` of :class:`~recstack.models.als.ALS`.

    *Tuning.* The default search space holds :math:`\lambda` and :math:`\alpha_0`, with
    ``factors`` and :math:`\nu` as set. As in the paper, the dimension is set first (larger
    is better once the rest is tuned for it, and costs more): a search that also draws it
    within a time budget spends the budget on the largest trials and picks small ones (on
    the MovieLens 1M graph-CF split, 7 trials in 600 s over 32-1024 factors chose 34,
    recall@20 0.2736, where 256 hand-set factors give 0.2911). :math:`\nu` stays at the
    paper's 1 because the good :math:`\lambda` moves by orders of magnitude with it (the
    paper's Figure 1: :math:`(|I_u| + \alpha_0 |I|)^{\nu}` is in the thousands at
    :math:`\nu = 1`), which a search drawing both independently cannot follow (there, 12
    trials over :math:`\lambda`, :math:`\nu`, :math:`\alpha_0` at 128 factors never
    beat the defaults). Add either to a ``[tune.space]`` to search it anyway.

    *New users.* :meth:`fold_in` solves a history's user factors exactly with the item
    factors fixed; :meth:`score_histories` scores them.

    Attributes
    ----------
    user_factors_, item_factors_ : numpy.ndarray
        float32 ``(n_users, factors)`` and ``(n_items, factors)``.

    References
    ----------
    S. Rendle, W. Krichene, L. Zhang, Y. Koren. "Revisiting the Performance of iALS on Item
    Recommendation Benchmarks". RecSys 2022.

    S. Rendle, W. Krichene, L. Zhang, Y. Koren. "iALS++: Speeding up Matrix Factorization
    with Subspace Optimization". arXiv:2110.14044, 2021.
    """

    name = "ials"
    training_ranges: ClassVar[dict[str, tuple[float | None, float | None]]] = {
        "regularization": (None, 10.0), "unobserved_weight": (None, 10.0),
        "init_stddev": (1e-6, 10.0)}
    params: ClassVar[dict[str, Param]] = {
        "factors": width_param(default=128,
                               doc="Length of the factor vectors (d, at most 65,536); not "
                                   "searched by default (see Tuning)."),
        "regularization": Param(
            (int, float), low=0, default=0.003,
            doc="lambda, scaled per user by (|I_u| + unobserved_weight * n_items) ** "
                "regularization_exp (and likewise per item).",
            search={"type": "float", "low": 1e-4, "high": 0.1, "log": True}),
        "regularization_exp": Param(
            (int, float), low=0, high=4, default=1.0,
            doc="nu, the exponent of the frequency scaling (0: plain lambda); not searched "
                "by default (see Tuning)."),
        "unobserved_weight": Param(
            (int, float), low=0, default=0.1,
            doc="alpha0, the weight of the squared scores of all user-item pairs.",
            search={"type": "float", "low": 1e-3, "high": 1.0, "log": True}),
        "init_stddev": Param((int, float), low=0, low_inclusive=False, default=0.1,
                             doc="Initial factors are normal with this stddev / sqrt(factors); "
                                 "> 0, since all-zero factors are a fixed point (every "
                                 "solve returns 0 again)."),
        "iterations": Param(int, low=1, high=MAX_ITERATIONS, default=16,
                            doc="Sweeps; each updates every user and every item once."),
        "block_size": Param(int, low=1, optional=True, default=128,
                            doc="iALS++ block of factors solved at once; None (or any value "
                                "at or above factors): exact iALS (all factors in one solve)."),
        "seed": Param(int, low=0, default=0,
                      doc="Seeds the random initial factors: the same seed, the same model."),
    }

    def validate_params(self) -> None:
        super().validate_params()
        if float(self.regularization) == 0.0 and float(self.unobserved_weight) == 0.0:
            raise ConfigError(f"{self.name}: regularization and unobserved_weight are both "
                              "0, which leaves the solves singular; make either positive "
                              "(e.g. regularization=0.003, unobserved_weight=0.1)")

    # ------------------------------------------------------------------ training
    def _learns_from_values(self) -> bool:
        return True  # it learns the pattern of non-zero values

    def _values_role(self) -> str:
        return "iALS reads a value of 0 as no interaction"

    @classmethod
    def data_limits(cls, n_users: int, n_items: int) -> dict[str, tuple[int, str]]:
        """``factors`` up to the rank of the scores, past which the fit warns."""
        return factor_limits("factors", n_users, n_items)

    def _fit(self, train: Interactions, progress: Progress | None) -> None:
        n_users, n_items = self.seen_.shape
        dim = int(self.factors)
        warn_excess_factors(self.name, "factors", dim, n_users, n_items)
        block = dim if self.block_size is None else min(int(self.block_size), dim)
        by_user = _pattern(self.seen_)
        require_memory(self.name,
                       ials_memory_bytes(n_users, n_items, by_user.nnz, dim, block),
                       f"fitting {dim} factors for {n_users:,} users and {n_items:,} items",
                       f"lower factors (now {dim}) or block_size (now {block}), or use "
                       "less data")
        by_item, to_user_order = _transpose_with_order(by_user)
        rng = np.random.default_rng(self.seed)
        scale = float(self.init_stddev) / math.sqrt(dim)
        with np.errstate(over="ignore"):
            # init_stddev near float32's largest number: infinite factors, refused after
            # training naming init_stddev (numpy's overflow warning came first)
            users = rng.normal(0.0, scale, (n_users, dim)).astype(np.float32)
            items = rng.normal(0.0, scale, (n_items, dim)).astype(np.float32)
        user_reg = self._frequency_regularization(np.diff(by_user.indptr), n_items)
        item_reg = self._frequency_regularization(np.diff(by_item.indptr), n_users, "item")
        weight = float(self.unobserved_weight)
        user_groups = list(_length_groups(by_user.indptr, block))
        item_groups = list(_length_groups(by_item.indptr, block))
        # iALS++ keeps the predictions of the recorded pairs current through every block
        predictions = None if self.block_size is None else _pair_scores(by_user, users, items)
        # a run that overflows is refused below, naming its settings: numpy's overflow
        # warnings of every sweep came first and said nothing of which setting it was
        with resolve(progress).task(f"Fitting {self.name}", total=self.iterations) as task, \
                np.errstate(over="ignore", invalid="ignore"):
            for _ in range(self.iterations):
                if predictions is None:
                    _exact_step(by_user, users, items, user_reg, weight, user_groups)
                    _exact_step(by_item, items, users, item_reg, weight, item_groups)
                else:
                    for start in range(0, dim, block):
                        stop = min(start + block, dim)
                        _block_step(by_user, users, items, user_reg, weight, start, stop,
                                    predictions, None, user_groups)
                        _block_step(by_item, items, users, item_reg, weight, start, stop,
                                    predictions, to_user_order, item_groups)
                task.advance()
        if not (np.isfinite(users).all() and np.isfinite(items).all()):
            # "use a larger regularization" was the advice whatever the cause, also for
            # initial factors too large to square (init_stddev=1e20), which no
            # regularization mends
            raise TrainingFailedError(
                f"{self.name}: training diverged: the factors hold NaN or infinite values, "
                + self._settings_at_fault(
                    "lower init_stddev (the scale of the initial factors, default "
                    f"{self.params['init_stddev'].default}) or raise the regularization"))
        observed_pairs = float(by_user.nnz)
        if observed_pairs and users.any() and items.any() \
                and abs(self._objective(users, items) - observed_pairs) \
                <= observed_pairs * 2.0**-40:
            # regularization 1e10 with 2 iterations: the factors were rounding noise near
            # 1e-15 (the exact ones near 1e-35), 15% of the scores exactly 0, and the lists
            # noise's order; the objective said so: all-zero factors' (every recorded pair's
            # error 1) to 12 digits
            raise TrainingFailedError(
                f"{self.name}: training learned nothing: the fitted factors change the "
                f"objective by less than 1e-12 of its value at all-zero factors "
                f"({observed_pairs:,.0f}, one per recorded pair), so their scores (up to "
                f"{float(np.abs(users).max()) * float(np.abs(items).max()) * dim:.3g}) are "
                "rounding noise, " + self._settings_at_fault(
                    "lower the regularization (or the unobserved weight)"))
        self.user_factors_ = np.ascontiguousarray(users)
        self.item_factors_ = np.ascontiguousarray(items)

    def _frequency_regularization(self, counts: np.ndarray, n_other: int,
                                  rows: str = "user") -> np.ndarray:
        """:math:`\\lambda (|I_u| + \\alpha_0 |I|)^{\\nu}` for each row (float32).

        Refused (:class:`~recstack.errors.ConfigError`) when a row's value exceeds float32's
        range: it became infinite in the cast, every solve then gave NaN, and the fit was
        refused as "diverged ... raise the regularization", the one change that could not
        help."""
        base = counts.astype(np.float64) + float(self.unobserved_weight) * n_other
        with np.errstate(over="ignore"):
            scaled = float(self.regularization) * np.power(base,
                                                           float(self.regularization_exp))
        if len(scaled) and not float(scaled.max()) <= float(np.finfo(np.float32).max):
            row = int(np.argmax(np.where(np.isnan(scaled), np.inf, scaled)))
            other = "items" if rows == "user" else "users"
            raise ConfigError(
                f"{self.name}: the frequency-scaled regularization regularization x (count + "
                f"unobserved_weight x {n_other:,} {other}) ** regularization_exp reaches "
                f"{float(scaled[row]):.3g} for {'an' if rows == 'item' else 'a'} {rows} "
                f"of {counted(int(counts[row]), 'interaction')} "
                f"(regularization={self.regularization}, "
                f"regularization_exp={self.regularization_exp}, "
                f"unobserved_weight={self.unobserved_weight}), beyond float32's range (at "
                "most 3.4e38: the solves are float32); lower regularization, "
                "regularization_exp or unobserved_weight (defaults "
                f"{self.params['regularization'].default}, "
                f"{self.params['regularization_exp'].default}, "
                f"{self.params['unobserved_weight'].default})")
        return scaled.astype(np.float32)

    def loss(self) -> float:
        """The objective :math:`L(W, H)` (see the class docstring) at the fitted float32
        factors, on the training pairs."""
        self._require_fitted()
        return self._objective(self.user_factors_, self.item_factors_)

    def _objective(self, user_factors: np.ndarray, item_factors: np.ndarray) -> float:
        """:meth:`loss` at the factors given (float64 sums)."""
        by_user = _pattern(self.seen_)
        users = user_factors.astype(np.float64)
        items = item_factors.astype(np.float64)
        observed = float(np.sum((_pair_scores(by_user, users, items) - 1.0) ** 2))
        everything = float(np.sum((users.T @ users) * (items.T @ items)))
        user_reg = self._frequency_regularization(np.diff(by_user.indptr), len(items))
        item_reg = self._frequency_regularization(
            np.bincount(by_user.indices, minlength=len(items)), len(users))
        penalty = float(user_reg @ np.sum(users ** 2, axis=1)
                        + item_reg @ np.sum(items ** 2, axis=1))
        return observed + float(self.unobserved_weight) * everything + penalty

    # ------------------------------------------------------------------ new users
    def fold_in(self, histories: Any = NOT_GIVEN, *positional: Any,
                **unexpected: Any) -> np.ndarray:
        """Factors of users known only by their histories (sparse or dense ``n x n_items``,
        columns in the model's item order; every stored entry is a positive), the item
        factors held fixed: each row's exact minimiser of the loss, the user step of the
        exact solver with :math:`\\lambda_u = \\lambda (|I_u| + \\alpha_0 |I|)^{\\nu}`.

        Returns
        -------
        numpy.ndarray
            float32 ``(n, factors)``.
        """
        check_call(self, IALS.fold_in, positional, unexpected, (histories,))
        self._require_fitted()
        history = self._history_matrix(histories, method="fold_in", width=self.factors)
        self._warn_empty_fold_in(history)
        return self._fold_in(history)

    def _fold_in(self, history: sp.csr_matrix) -> np.ndarray:
        """:meth:`fold_in` of a checked history matrix (what ``score_histories`` calls)."""
        history = _pattern(history)
        items = self.item_factors_
        users = np.zeros((history.shape[0], items.shape[1]), np.float32)
        reg = self._frequency_regularization(np.diff(history.indptr), len(items))
        groups = _length_groups(history.indptr, items.shape[1])
        _exact_step(history, users, items, reg, float(self.unobserved_weight), groups)
        return users


    # ------------------------------------------------------------------ persistence
    def _state_spec(self) -> dict[str, ArraySpec]:
        return {"user_factors": ArraySpec("float32", ("n_users", "factors"), nonzero=True),
                "item_factors": ArraySpec("float32", ("n_items", "factors"), nonzero=True)}


# --------------------------------------------------------------------------- memory
def ials_memory_bytes(n_users: int, n_items: int, n_pairs: int, factors: int,
                      block: int) -> int:
    """Peak memory of :meth:`IALS.fit` beyond the training data, in bytes: the float32
    factors and right-hand sides or gradients (2 rows of ``factors`` and one of ``block``
    per user and item), the training pattern by user and by item with the pair predictions
    and one pass's errors (48 bytes a pair) and the padded group arrays of one batched
    solve with their temporaries (twice the largest group: the group budget, or less when
    every row of a side fits in less, or one row's arrays when a single row exceeds it).
    A fixed floor of twice the budget (32 MiB) refused tiny data on a machine with less
    free."""
    rows = n_users + n_items
    return (rows * (2 * factors + block) * 4 + 48 * n_pairs
            + 2 * max(_largest_group_bytes(n_users, min(n_pairs, n_items), block),
                      _largest_group_bytes(n_items, min(n_pairs, n_users), block)))


def _largest_group_bytes(n_rows: int, longest: int, block: int) -> int:
    """An upper bound on one group's padded arrays (:func:`_length_groups`) for ``n_rows``
    rows of at most ``longest`` pairs: per row 3 copies of ``longest x block`` factors and
    two ``block x block`` systems."""
    per_row = 3 * 4 * block * longest + 3 * 4 * block * block
    return min(n_rows * per_row, max(_GROUP_BUDGET_BYTES, per_row))


# --------------------------------------------------------------------------- solvers
def _pattern(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """The 0/1 pattern of ``matrix`` as float32 CSR, duplicates merged, zeros dropped."""
    pattern = sp.csr_matrix(matrix, dtype=np.float32, copy=True)
    pattern.sum_duplicates()
    pattern.eliminate_zeros()
    pattern.data[:] = 1.0
    return pattern


def _transpose_with_order(by_user: sp.csr_matrix) -> tuple[sp.csr_matrix, np.ndarray]:
    """The items x users pattern, and for each of its stored entries the position of the
    same pair in ``by_user``'s storage (to share one array of pair predictions)."""
    positions = sp.csr_matrix((np.arange(by_user.nnz, dtype=np.float64), by_user.indices,
                               by_user.indptr), shape=by_user.shape)
    transposed = positions.T.tocsr()
    transposed.sort_indices()
    order = transposed.data.astype(np.int64)
    transposed.data = np.ones(len(order), np.float32)
    return transposed, order


def _pair_scores(by_row: sp.csr_matrix, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """``<rows[u], columns[i]>`` for every stored pair, in storage order, in chunks
    (float64)."""
    out = np.empty(by_row.nnz)
    row_of = np.repeat(np.arange(by_row.shape[0]), np.diff(by_row.indptr))
    chunk = max(1, _GROUP_BUDGET_BYTES // (16 * max(rows.shape[1], 1)))
    for start in range(0, by_row.nnz, chunk):
        stop = min(start + chunk, by_row.nnz)
        out[start:stop] = np.einsum("ij,ij->i", rows[row_of[start:stop]],
                                    columns[by_row.indices[start:stop]], dtype=np.float64)
    return out


def _length_groups(indptr: np.ndarray, block: int) -> Iterator[np.ndarray]:
    """Rows grouped by history length (shortest first), each group small enough that its
    padded ``rows x longest x block`` factors and ``rows x block x block`` systems stay
    within the budget."""
    # int64: scipy's int32 row pointers made the byte costs below int32 too, which wrapped
    # negative (12 * 1024 * 200,000 pairs; every row then fitted one group, past the
    # budget) or raised numpy's OverflowError (block_size=None with 20,000 factors)
    lengths = np.diff(indptr).astype(np.int64)
    order = np.argsort(lengths, kind="stable")
    sorted_lengths = lengths[order]
    # per row of a group: its padded factors (3 copies) and two systems of block x block
    fixed = 3 * 4 * block * block
    start, n = 0, len(order)
    most_rows = _GROUP_BUDGET_BYTES // fixed + 1
    while start < n:
        window = sorted_lengths[start:start + most_rows]
        # a group [start, stop) costs (stop - start) * (3 * 4 * block * longest + fixed)
        cost = np.arange(1, len(window) + 1) * (3 * 4 * block * window + fixed)
        stop = start + max(1, int(np.searchsorted(cost, _GROUP_BUDGET_BYTES, side="right")))
        yield order[start:stop]
        start = stop


def _padded(by_row: sp.csr_matrix, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray,
                                                                np.ndarray]:
    """For a group of rows: the positions of their stored pairs in storage order padded to
    the longest row (padding points at pair 0), the padding mask, and the column ids."""
    starts = by_row.indptr[rows]
    lengths = by_row.indptr[rows + 1] - starts
    width = int(lengths.max()) if len(rows) else 0
    offsets = np.arange(width)
    mask = offsets[None, :] < lengths[:, None]
    positions = np.where(mask, starts[:, None] + offsets[None, :], 0)
    columns = by_row.indices[positions] if by_row.nnz else np.zeros_like(positions)
    return positions, mask, columns


def _one_blas_thread() -> AbstractContextManager[Any]:
    """BLAS limited to one thread (when threadpoolctl is installed) for the batched small
    products and solves: OpenBLAS threads on many ``block x block`` problems cost far more
    than they give (measured on 2 busy cores: 4.6 s against 0.03 s for 300 products of
    64 x 220 by 220 x 64). Spreading the groups over two threads of their own gained under
    10% an iteration on 2 idle cores (the groups' gathers and products ran up to 6x slower
    side by side), so they run in turn. The large Gramian products outside stay
    multithreaded."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def _solve(lhs: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """``lhs[g] x = rhs[g]`` for symmetric positive definite systems: a Cholesky solve each
    (batched LU below ``_CHOLESKY_FROM``). A singular system (possible only with a zero
    regularization) gets the minimum-norm least-squares solution."""
    if lhs.shape[-1] < _CHOLESKY_FROM:
        try:
            return np.linalg.solve(lhs, rhs[..., None])[..., 0]
        except np.linalg.LinAlgError:
            return np.matmul(np.linalg.pinv(lhs), rhs[..., None])[..., 0]
    posv = lapack.get_lapack_funcs("posv", (lhs,))
    out = np.empty_like(rhs)
    for k in range(len(lhs)):
        # the transpose is the same symmetric matrix, in the Fortran order LAPACK takes
        _, out[k], info = posv(lhs[k].T, rhs[k], lower=True)
        if info != 0:
            out[k] = np.linalg.lstsq(lhs[k], rhs[k], rcond=None)[0]
    return out


def _systems(factors: np.ndarray, gram: np.ndarray, reg: np.ndarray) -> np.ndarray:
    """``factors[g].T @ factors[g] + gram + reg[g] I`` for each row ``g`` of a group."""
    lhs = np.matmul(factors.transpose(0, 2, 1), factors)
    lhs += gram
    dim = lhs.shape[-1]
    lhs.reshape(len(lhs), dim * dim)[:, ::dim + 1] += reg[:, None]  # the diagonals
    return lhs


def _exact_step(by_row: sp.csr_matrix, solved: np.ndarray, fixed: np.ndarray,
                reg: np.ndarray, weight: float, groups: Any) -> None:
    """Set every row of ``solved`` to its exact minimiser given ``fixed`` (in place)."""
    gram = np.float32(weight) * (fixed.T @ fixed)
    rhs = np.asarray(by_row @ fixed)  # sum of the fixed factors of each row's pairs
    with _one_blas_thread():
        for rows in groups:
            _, mask, columns = _padded(by_row, rows)
            factors = fixed[columns] * mask[..., None]
            solved[rows] = _solve(_systems(factors, gram, reg[rows]), rhs[rows])


def _block_step(by_row: sp.csr_matrix, solved: np.ndarray, fixed: np.ndarray,
                reg: np.ndarray, weight: float, start: int, stop: int,
                predictions: np.ndarray, to_shared: np.ndarray | None, groups: Any) -> None:
    """iALS++: set coordinates ``start:stop`` of every row of ``solved`` to their exact
    minimiser, the other coordinates and ``fixed`` held (in place), and update the
    predictions of the recorded pairs (``to_shared`` maps this matrix's storage order to
    that of ``predictions``; None: the same order)."""
    local = np.ascontiguousarray(fixed[:, start:stop])
    local_gram = np.float32(weight) * (local.T @ local)
    local_global = local.T @ fixed
    shared = np.arange(by_row.nnz) if to_shared is None else to_shared
    errors = sp.csr_matrix(((predictions[shared] - 1.0).astype(np.float32), by_row.indices,
                            by_row.indptr), shape=by_row.shape)
    # the gradient's three terms: observed errors, all pairs (through the Gramian), penalty
    gradient = np.asarray(errors @ local)
    gradient += np.float32(weight) * (solved @ local_global.T)
    gradient += reg[:, None] * solved[:, start:stop]
    with _one_blas_thread():
        for rows in groups:
            positions, mask, columns = _padded(by_row, rows)
            factors = local[columns] * mask[..., None]
            delta = -_solve(_systems(factors, local_gram, reg[rows]), gradient[rows])
            solved[rows, start:stop] += delta
            change = np.matmul(factors, delta[..., None])[..., 0]
            predictions[shared[positions[mask]]] += change[mask]
