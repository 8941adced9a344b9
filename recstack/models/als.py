"""Implicit-feedback alternating least squares (Hu, Koren & Volinsky 2008).

Training runs the conjugate-gradient solver of the `implicit` library (CPU); recstack owns
the contract around it: the confidence weighting, the checks, progress, safe persistence,
the exact fold-in of users unseen in training and item-item similarities. Scoring is
the factor models' shared :class:`~recstack.models.factors.FactorMixin`.
"""

from __future__ import annotations

import warnings
from typing import Any, ClassVar

import numpy as np
import scipy.sparse as sp

from recstack.data.interactions import Interactions, caller_stacklevel
from recstack.errors import RecstackError, TrainingFailedError
from recstack.models.base import (
    MAX_ITERATIONS,
    NOT_GIVEN,
    Param,
    Recommender,
    check_call,
    warn_more_threads_than_cores,
    width_param,
)
from recstack.models.factors import (
    FactorMixin,
    FoldInScoringMixin,
    factor_limits,
    require_factor_memory,
    warn_excess_factors,
)
from recstack.models.persistence import ArraySpec
from recstack.models.registry import register
from recstack.models.warm_start import WarmStartMixin, copy_known_rows
from recstack.progress import Progress, resolve
from recstack.specs import MAX_THREADS

#: what to run when the optional ALS dependencies are missing
ALS_INSTALL_COMMAND = 'pip install "recstack[als]"'

# A largest possible score below this (the target of a recorded interaction is 1) means
# the regularization pulled the factors to zero: healthy fits score their best items near 1.
_COLLAPSED_SCORE = 1e-3


class CollapsedFactorsWarning(UserWarning):
    """ALS ended with factors shrunk to nothing: ``regularization`` is at or above the
    largest singular value of the confidence matrix (few interactions per user and item),
    where zero factors are the only fixed point of the alternating steps, so every score is
    near 0 and the ranking follows rounding, not the data."""


# Fold-in works on padded (users x history x factors) float64 blocks; this bounds them.
_FOLD_IN_BUDGET_BYTES = 64 * 2**20


@register
class ALS(WarmStartMixin, FoldInScoringMixin, FactorMixin, Recommender):
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

    Notes
    -----
    *Values.* A recorded interaction of value ``r`` has confidence ``1 + alpha * r``, so
    values must be >= 0; for binary data use ``Interactions.implicit()`` first (every
    interaction then has ``r = 1``), but not ``implicit(alpha=...)``, whose values are
    already confidences. The result does not depend on ``num_threads``.

    *alpha and the implicit library.* implicit 0.7 multiplies the matrix it is given by its
    own ``alpha`` (when that is not 1) and uses the product directly as the confidence, so
    its confidence is ``alpha * r``, not ``1 + alpha * r``. This class computes
    ``1 + alpha * r`` itself and hands implicit that matrix with implicit's ``alpha=1``.
    On binary data, implicit's ``alpha=a`` therefore equals this class's ``alpha=a - 1``.

    *Threads.* While fitting, BLAS is limited to one thread (``threadpoolctl``), as implicit
    recommends: its solver runs its own threads, and BLAS threads inside them oversubscribe
    the cores. That limit makes implicit's oversubscription warning moot, so it is not
    raised; the limit is process-wide for the duration of ``fit``.

    *Defaults.* They are set for MovieLens-sized data (10^5 to 10^6 interactions): 64
    factors, :math:`\lambda = 30`, :math:`\alpha = 3`, 15 iterations. Under the protocol of
    ``benchmarks/accuracy.py`` (80/20 per-user random holdout, full catalog, every rating or
    ratings >= 4 as positives) they give test nDCG@10 0.4530 / 0.3235 on MovieLens 100K and
    0.3467 / 0.2589 on latest-small, within 0.006 of ALS tuned with 10 optuna trials
    (0.4538 / 0.3203 / 0.3518 / 0.2565), where implicit's defaults (:math:`\lambda = 0.01`,
    :math:`\alpha = 1`) give 0.3581 / 0.2324 / 0.3036 / 0.2155. They were chosen on the
    validation split of the training part (nDCG@10 averaged over the four settings, 0.2188
    against 0.1774), not on the test split. What matters most is the ratio
    :math:`\lambda / (1 + \alpha)` (7.5 here): :math:`\lambda` is not scaled by the data, so
    its best value grows with the number of interactions per user and item. The default
    search space (``search_space``, used by ``recstack tune``) contains these values. On
    small data (a few interactions per user and item) :math:`\lambda = 30` can reach the
    largest singular value of the confidence matrix, at and above which zero factors are
    the only fixed point: every factor shrinks towards 0 and the ranking is left to
    rounding. The fit then warns (:class:`CollapsedFactorsWarning`) and names a value that
    fits.

    *Warm start.* :meth:`fit_from` (from :class:`~recstack.models.warm_start.WarmStartMixin`)
    fits on new data from a previous model's factors, matched by external id, with fewer
    ``iterations``; the previous model needs the same ``factors``.

    *New users.* ``recommend`` refuses users not seen in training; :meth:`fold_in` and
    :meth:`score_histories` compute factors for them from their histories without
    retraining.
    """

    name = "als"
    training_ranges: ClassVar[dict[str, tuple[float | None, float | None]]] = {
        "regularization": (None, 1000.0), "alpha": (None, 100.0)}
    params: ClassVar[dict[str, Param]] = {
        "factors": width_param(default=64,
                               doc="Length of the factor vectors (at most 65,536).",
                               search={"type": "int", "low": 16, "high": 256, "log": True}),
        "regularization": Param(
            (int, float), low=0, default=30.0,
            doc="lambda, the L2 penalty on user and item factors (not scaled by the data).",
            search={"type": "float", "low": 1e-2, "high": 100.0, "log": True}),
        "alpha": Param((int, float), low=0, default=3.0,
                       doc="Confidence slope: a recorded value r has confidence 1 + alpha * r.",
                       search={"type": "float", "low": 0.0, "high": 20.0}),
        "iterations": Param(int, low=1, high=MAX_ITERATIONS, default=15,
                            doc="ALS sweeps; each solves all users, then all items."),
        "num_threads": Param(int, low=0, high=MAX_THREADS, default=0,
                             doc="Threads of implicit's solver; 0 uses every core."),
        "seed": Param(int, low=0, default=0,
                      doc="Seeds the random initial factors: the same seed, the same model."),
    }

    # ------------------------------------------------------------------ training
    def _state_spec(self) -> dict[str, ArraySpec]:
        return {"user_factors": ArraySpec("float32", ("n_users", "factors"), nonzero=True),
                "item_factors": ArraySpec("float32", ("n_items", "factors"), nonzero=True)}

    def _weights_by_values(self) -> bool:
        # the confidences 1 + alpha * r enter the solver's float32 sums of products: values
        # beyond MAX_WEIGHT (1e20, say) diverged to NaN blaming alpha and regularization,
        # or fitted factors near 0 without a word, and folded-in histories took any value
        return True

    def _multiplies_values_together(self) -> bool:
        return False  # confidences 1 + alpha * r: tiny values are confidence 1, not 0

    def _learns_from_values(self) -> bool:
        return False  # a recorded value of 0 is an interaction of confidence 1

    def _refuses_negative_values(self) -> bool:
        # a negative value makes a confidence 1 + alpha * value below 1 (or negative): the
        # solver's refusal ("interaction values must be >= 0") named neither the histories
        # nor the row, column and item, as the shared refusal of the other models does
        return True

    def _negative_values_reason(self) -> str:
        return ("ALS reads a value as the confidence 1 + alpha * value of an interaction, so "
                "values must be >= 0 (a negative one, a dislike, would turn it below 1)")

    @classmethod
    def data_limits(cls, n_users: int, n_items: int) -> dict[str, tuple[int, str]]:
        """``factors`` up to the rank of the scores, past which the fit warns."""
        return factor_limits("factors", n_users, n_items)

    def _fit(self, train: Interactions, progress: Progress | None) -> None:
        als_module, threadpool_limits = _import_implicit_als()
        warn_more_threads_than_cores(self.name, "num_threads", self.num_threads)
        warn_excess_factors(self.name, "factors", self.factors, *self.seen_.shape)
        # the solver keeps a factors x factors Gram matrix beside the factors
        n_users, n_items = self.seen_.shape
        require_factor_memory(self.name, "factors", self.factors, n_users, n_items,
                              bytes_per_value=8, extra=2 * 4 * self.factors ** 2)
        self._prepare_warm_start(train)
        confidence = self._confidence(self.seen_)
        with threadpool_limits(limits=1, user_api="blas"):
            solver = als_module.AlternatingLeastSquares(
                factors=self.factors, regularization=float(self.regularization), alpha=1.0,
                dtype=np.float32, use_cg=True, iterations=self.iterations,
                calculate_training_loss=False, num_threads=self.num_threads,
                random_state=self.seed)
            start = self.__dict__.pop("_warm_start", None)
            random_start = start is None
            if random_start:
                # implicit's own start, drawn here (the same draws: uniform [0, 0.01) from
                # default_rng(seed), users first) so that a solver that never moved from
                # it can be told apart below
                rng = np.random.default_rng(self.seed)
                start = tuple(rng.random((rows, self.factors), dtype=np.float32) * 0.01
                              for rows in (n_users, n_items))
            sample = min(n_users, _UNMOVED_SAMPLE), min(n_items, _UNMOVED_SAMPLE)
            started = start[0][:sample[0]].copy(), start[1][:sample[1]].copy()
            solver.user_factors, solver.item_factors = start
            with resolve(progress).task(f"Fitting {self.name}", total=self.iterations) as task:
                try:
                    solver.fit(confidence, show_progress=False,
                               callback=lambda *_: task.advance())
                except Exception as error:
                    # implicit's ModelFitError: extreme regularization or alpha overflow
                    # float32 and the factors become NaN
                    if type(error).__name__ != "ModelFitError":
                        raise
                    largest = float(np.max(self.seen_.data, initial=0.0))
                    general = (
                        f"regularization={self.regularization!r}, alpha={self.alpha!r} and "
                        f"interaction values up to {largest:.3g} (confidences 1 + alpha * "
                        f"value up to {1.0 + float(self.alpha) * largest:.3g}); use values "
                        "within float32 range, e.g. regularization 0.01 to 1000 and alpha "
                        "0.1 to 100, and rescale large values (e.g. take log1p)")
                    # a setting beyond its range is the cause: name it alone (both were
                    # named, and the values, when only alpha=1e30 was at fault)
                    raise TrainingFailedError(
                        f"{self.name}: the factors diverged to NaN ({error}) "
                        + (self._beyond_ranges() or f"with {general}")) from None
        if random_start and np.array_equal(solver.user_factors[:sample[0]], started[0]) \
                and np.array_equal(solver.item_factors[:sample[1]], started[1]):
            # regularization 1e15 to 1e20: the conjugate-gradient sums of lambda x factor
            # overflowed float32, the solver made no step, and the random start was served
            # as the model (a random ranking) without a word
            if self._beyond_ranges(but=("regularization",)) is not None:
                # alpha=2**62: the confidences overflow the same sums; it was told to lower
                # the regularization (at its default). Every setting beyond its range is
                # named, the regularization too where it is one of them
                beyond = self._beyond_ranges()
                raise TrainingFailedError(
                    f"{self.name}: training left the factors at their random start: the "
                    f"conjugate-gradient solver made no step in {self.iterations} "
                    "iteration(s) (its float32 sums overflow), so every score would be "
                    f"random, {beyond}")
            raise TrainingFailedError(
                f"{self.name}: training left the factors at their random start: the "
                f"conjugate-gradient solver made no step in {self.iterations} iteration(s) "
                f"with regularization={self.regularization!r} (its float32 sums of "
                "regularization x factors overflow), so every score would be random; lower "
                "the regularization (e.g. 0.01 to 1000)")
        self.user_factors_ = np.ascontiguousarray(solver.user_factors, dtype=np.float32)
        self.item_factors_ = np.ascontiguousarray(solver.item_factors, dtype=np.float32)
        self._warn_of_collapsed_factors(confidence)

    def _warn_of_collapsed_factors(self, confidence: sp.csr_matrix) -> None:
        """A :class:`CollapsedFactorsWarning` when no score can reach
        :data:`_COLLAPSED_SCORE` and the regularization is at or above the largest singular
        value of the confidence matrix: the alternating steps, linearised at zero, shrink
        the factors by at least that ratio each time, so more iterations only shrink them
        further; below it they amplify them instead."""
        largest_score = (float(np.linalg.norm(self.user_factors_, axis=1).max(initial=0.0))
                         * float(np.linalg.norm(self.item_factors_, axis=1).max(initial=0.0)))
        if largest_score >= _COLLAPSED_SCORE or confidence.nnz == 0:
            return
        threshold = _largest_singular_value(confidence)
        if self.regularization < threshold:
            # small scores below the threshold are a start not yet grown (a warm start or
            # iterations=1 from implicit's [0, 0.01) draws): more iterations lift them
            return
        warnings.warn(CollapsedFactorsWarning(
            f"{self.name}: the factors shrank to nothing (no score can exceed "
            f"{largest_score:.2g}, where a recorded interaction's target is 1), so what "
            "ranks the items is at best one direction of the data, blurred by rounding: "
            f"regularization={self.regularization!r} is at or above "
            f"{threshold:.3g}, the largest singular value of the confidence matrix "
            f"(1 + alpha x value on each of the {confidence.nnz:,} recorded pairs), which "
            "few interactions per user and "
            "item keep small; use a regularization well below it (e.g. "
            f"regularization = {threshold / 4:.3g}) or a larger alpha"),
            stacklevel=caller_stacklevel())

    def _prepare_warm_start(self, train: Interactions) -> None:
        """The solver's starting factors for :meth:`fit_from` (set before ``_fit``):
        implicit's uniform ``[0, 0.01)`` initialisation, seeded by ``seed``, with the rows
        of users and items the previous model knew replaced by its factors
        (:mod:`recstack.models.warm_start`)."""
        previous = self._warm_previous()
        if previous is None:
            return
        rng = np.random.default_rng(self.seed)
        starts = []
        for ids, old_ids, old_factors in ((train.users, previous.users_,
                                           previous.user_factors_),
                                          (train.items, previous.items_,
                                           previous.item_factors_)):
            factors = (rng.random((len(ids), self.factors), dtype=np.float32) * 0.01)
            starts.append(copy_known_rows(factors, ids, old_ids, old_factors))
        self._warm_start = tuple(starts)

    def _confidence(self, values: sp.csr_matrix) -> sp.csr_matrix:
        """``1 + alpha * r`` on the recorded entries of ``values`` (float32 CSR)."""
        matrix = sp.csr_matrix(values, dtype=np.float32, copy=True)
        matrix.sum_duplicates()
        if matrix.nnz and matrix.data.min() < 0:
            raise RecstackError(
                f"{self.name}: interaction values must be >= 0 (they set the confidence "
                f"1 + alpha * value), got {float(matrix.data.min())}; use "
                "Interactions.implicit() to turn them into positives first")
        with np.errstate(over="ignore"):
            # alpha near float32's largest number: infinite confidences make the solver's
            # factors NaN, refused after it naming alpha (numpy's own overflow warning came
            # first, naming nothing)
            matrix.data = (1.0 + float(self.alpha) * matrix.data).astype(np.float32)
        return matrix

    # ------------------------------------------------------------------ new users
    def fold_in(self, histories: Any = NOT_GIVEN, *positional: Any,
                **unexpected: Any) -> np.ndarray:
        r"""Factors of users known only by their histories, item factors held fixed.

        For each row :math:`u` of ``histories`` (an ``n x n_items`` matrix of values, sparse
        or dense, columns in the model's item index order), the exact minimiser of the ALS
        objective over :math:`x_u`:

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
        check_call(self, ALS.fold_in, positional, unexpected, (histories,))
        self._require_fitted()
        history = self._history_matrix(histories, method="fold_in", width=self.factors)
        self._warn_empty_fold_in(history)
        return self._fold_in(history)

    def _fold_in(self, history: sp.csr_matrix) -> np.ndarray:
        """:meth:`fold_in` of a checked history matrix (what ``score_histories`` calls)."""
        matrix = self._confidence(history)
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




#: rows of each side compared with the random start after training (see ALS._fit)
_UNMOVED_SAMPLE = 256


def _largest_singular_value(matrix: sp.csr_matrix, steps: int = 100) -> float:
    """The largest singular value of ``matrix`` by power iteration on its Gram matrix from
    a ones vector (deterministic, and enough digits for advice)."""
    vector = np.ones(matrix.shape[1])
    value = 0.0
    for _ in range(steps):
        product = matrix.T @ (matrix @ vector)
        value = float(np.linalg.norm(product))
        if value == 0.0:
            return 0.0
        vector = product / value
    return float(np.sqrt(value))


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
