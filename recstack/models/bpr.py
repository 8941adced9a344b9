"""Bayesian personalised ranking (Rendle et al. 2009), trained by SGD in a numba kernel."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import ClassVar

import numpy as np

from recstack.data._fast_csv import default_threads
from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError, TrainingFailedError, shown
from recstack.models.base import (
    MAX_ITERATIONS,
    Param,
    Recommender,
    warn_more_threads_than_cores,
    width_param,
)
from recstack.models.factors import (
    FactorMixin,
    factor_limits,
    refuse_overshooting_decay,
    refuse_without_negatives,
    require_factor_memory,
    warn_excess_factors,
    warn_untrainable_users,
)
from recstack.models.persistence import ArraySpec
from recstack.models.registry import register
from recstack.models.torch_training import MAX_LIKELIHOOD_LOSS
from recstack.models.training import (
    TrainingHistory,
    ValidationSplitMixin,
    run_epochs,
    validation_ndcg,
)
from recstack.models.warm_start import WarmStartMixin, copy_known_rows
from recstack.progress import Progress, Task, resolve
from recstack.specs import MAX_THREADS

#: what to run when numba is missing
BPR_INSTALL_COMMAND = 'pip install "recstack[bpr]"'

# Rows of each side compared with the start after training (see BPR._fit).
_UNMOVED_SAMPLE = 256
#: training pairs the loss of the learned factors is measured on after a fit
_LOSS_SAMPLE = 100_000
# Standard deviation of the initial factors; small, so early scores are near the biases.
_INIT_SCALE = 0.1


@register
class BPR(WarmStartMixin, ValidationSplitMixin, FactorMixin, Recommender):
    r"""Matrix factorisation trained for pairwise ranking with sampled negatives
    (Bayesian personalised ranking, Rendle, Freudenthaler, Gantner & Schmidt-Thieme 2009).

    Every training interaction is a positive: for user :math:`u` with positives
    :math:`I_u^+`, the model scores :math:`\hat x_{ui} = p_u^\top q_i + b_i` and maximises

    .. math::

        \sum_{(u, i, j):\ i \in I_u^+,\ j \notin I_u^+} \Big[\ln \sigma(\hat x_{ui} - \hat x_{uj})
        - \tfrac{\lambda}{2} \left(\lVert p_u \rVert^2 + \lVert q_i \rVert^2
        + \lVert q_j \rVert^2 + b_i^2 + b_j^2\right)\Big]

    (BPR-OPT, section 4.1 of the paper, with :math:`\hat x_{uij} = \hat x_{ui} - \hat x_{uj}`)
    by stochastic gradient ascent: each epoch takes as many steps as there are positive
    pairs, each on one positive pair :math:`(u, i)` with one negative :math:`j` drawn
    uniformly from the items :math:`u` has not interacted with, a step of size
    ``learning_rate`` :math:`\alpha` on :math:`\theta \in \{p_u, q_i, q_j, b_i, b_j\}`,

    .. math:: \theta \leftarrow \theta + \alpha \Big(\sigma(-\hat x_{uij})
              \frac{\partial \hat x_{uij}}{\partial \theta} - \lambda\, \theta\Big),
              \qquad \frac{\partial \hat x_{uij}}{\partial p_u} = q_i - q_j,\;
              \frac{\partial \hat x_{uij}}{\partial q_i} = p_u = -\frac{\partial
              \hat x_{uij}}{\partial q_j},\;
              \frac{\partial \hat x_{uij}}{\partial b_i} = 1 = -\frac{\partial
              \hat x_{uij}}{\partial b_j}

    (LearnBPR, section 4.2 and Figure 4; the derivatives of section 4.3.1, each from the
    values before the step), so the :math:`\lambda` terms act as weight decay on the
    parameters each step touches. Figure 4 prints :math:`+\lambda_\Theta \Theta`; the
    gradient of the prior's :math:`-\lambda_\Theta \lVert\Theta\rVert^2` is the decay
    written here (as MyMediaLite and ``implicit`` apply it, a factor 2 folded into
    :math:`\lambda`). With ``sampling="positives"`` (the default) an epoch visits every
    positive pair once in a random order, as RecBole's BPR (whose figures the defaults were
    chosen against, see *Defaults*) and LightGCN's ``sampling="positives"`` do; with
    ``sampling="bootstrap"`` each step draws its positive pair uniformly *with
    replacement*, the paper's LearnBPR ("bootstrap sampling with replacement", section
    4.2), so within an epoch some pairs are visited more than once and others not at all.

    Two differences from the paper's BPR-MF remain by design: the learned item bias
    :math:`b_i` (the paper's MF has none; MyMediaLite's BPR-MF adds it) and one
    :math:`\lambda` for the user, positive-item and negative-item updates (the paper allows
    three, :math:`\lambda_W, \lambda_{H^+}, \lambda_{H^-}`).

    Notes
    -----
    *Against implicit's BayesianPersonalizedRanking.* One step is the same update, with the
    same meaning of ``learning_rate`` and ``regularization`` (a test checks one step of each
    against the other), and an epoch takes as many steps as there are distinct positive
    pairs in both. Three differences: implicit draws each step's positive pair with
    replacement (``sampling="bootstrap"`` here); it draws the negative from the items of
    the interactions, so in proportion to their popularity, and skips the step when the
    user has that item, where here the negative is uniform over the user's non-positives
    as in LearnBPR; and it starts from factors uniform in :math:`\pm 0.5 /` ``factors``
    (here normal, standard deviation 0.1, as MyMediaLite). On MovieLens 100K (80/20 random
    split, 64 factors (implicit: 63 and its bias column), ``learning_rate`` and
    ``regularization`` 0.01, full-catalog nDCG@10)
    recstack gives 0.383-0.391 after 50 epochs and 0.407-0.408 after 200 (the two
    samplings), implicit 0.332-0.339 after 50 and 0.204-0.209 after 200 (two seeds), most
    likely because its popular negatives push the popular items, which the test rows
    favour, down the lists (script: 6 December 2026, one thread each).

    *Negatives.* The negative is drawn exactly uniformly from the user's non-positives (the
    k-th missing index in the user's sorted positives, found by binary search) instead of
    by rejection, so no draw is wasted and heavy users are not under-sampled. A positive is
    skipped only when its user has interacted with every item (there is no negative); the
    share of skipped positives is reported each epoch as ``skipped``, beside ``auc``, the
    share of sampled triples already ranked right (:math:`\hat x_{ui} > \hat x_{uj}`)
    before their step, a running estimate of the training AUC.

    A positive pair drawn uniformly (as RecBole and ``implicit`` draw it; LightGCN's
    reference code draws the user first) and then a uniform negative is not quite
    LearnBPR's uniform draw from all triples :math:`D_S`, which would pick pair
    :math:`(u, i)` in proportion to its user's number of negatives, :math:`|I| - |I_u^+|`.
    The two differ only for users holding a sizeable share of the catalog (a user with
    half the items has their pairs drawn twice as often here as under the uniform draw
    over triples, relative to a user with few).

    *Stopping.* ``epochs`` is only an upper bound; every fit stops by itself once it has
    converged. Without validation (the default), an epoch counts as progress when its
    training AUC estimate (``auc`` above) beats the last progress epoch's by the relative
    ``tolerance``; after ``patience`` epochs without progress the run stops and keeps its
    last parameters. With validation, progress is a better validation nDCG@10 and the best
    epoch's parameters are restored. With ``validation_fraction`` > 0 a per-user random
    share of the training rows (:func:`recstack.data.splits.random_split`, seeded with
    ``seed``) is held out for this and the model trains on the rest;
    ``fit(train, validation=...)`` gives an explicit validation set instead.

    *Why these stopping defaults.* SGD at this step size converges slowly and noisily. On
    the MovieLens 1M graph-CF split (590,733 training interactions, 6,039 users x 3,628
    items; validation nDCG@10 on its 80,897 validation rows, averaged over ten epochs)
    the default model reaches 0.164 after 100 epochs, 0.170 after 200, 0.174 after 300,
    0.175 after 400 and levels off at 0.176 from about 500 to 700 epochs (a larger step,
    0.05, levels off lower, near 0.159). The former defaults (100 epochs, no stopping
    rule) ended 7% short, and a patience of 20 on validation stopped at epoch 203, 2.5%
    short, while the run was still improving. With the defaults now (at most 1,000 epochs,
    patience 50, tolerance 2e-4) the fit stops by itself after 515 epochs (102 s, one
    thread), at validation nDCG@10 0.176: the plateau. The training AUC estimate there is
    about 0.967 with a noise of about 2e-4 per epoch, so a rise of the tolerance is
    barely outside the noise and noise can only prolong a run; a smaller data set has a
    noisier estimate that soon sets a reference its noise no longer beats, so small runs
    stay short (the 1,200 positives of a test checkerboard stop after about 370 epochs
    in 0.3 s).

    *Threads.* ``num_threads=1`` (default) runs each epoch in one thread: the same seed
    gives bit-identical factors. More threads (0: every core) split each epoch between
    threads that update the shared factors without locks (Hogwild, Recht et al. 2011):
    faster on large data, but not bit-reproducible.

    *Warm start.* :meth:`fit_from` fits on new data starting from a previous model's
    factors and item biases (matched by external id; new users and items start from the
    seeded initialisation a fresh fit draws, see :mod:`recstack.models.warm_start`), for
    retraining with a smaller ``epochs``; the previous model needs the same ``factors``.
    The stopping rule starts afresh.

    *Users without training rows* (in the vocabulary, as a split's held-out users are)
    keep user factors of 0, so ``score_users`` ranks them by the learned item bias alone
    (:attr:`own_ranking_without_history`), not by item popularity as the other models do.

    *Values.* Interaction values are ignored (every recorded interaction is a positive);
    use ``Interactions.implicit(threshold)`` to keep only, e.g., high ratings.

    *Defaults.* Factors, step size and regularisation were chosen on MovieLens 100K under
    RecBole's quick-start protocol (Zhao et al. 2021: all ratings positive, seeded per-user
    random 80/10/10 split, full-catalog ranking with training and validation items
    masked), where RecBole publishes BPR at recall@10 0.237-0.252 and nDCG@10
    0.277-0.292. Early-stopping on the 10% validation part
    (``fit(train, validation=valid)``), five split seeds times three model seeds give
    recall@10 0.246 on average (0.235-0.255) and nDCG@10 0.302 (0.292-0.313); 64 factors
    and a patience of 10 gave 0.241 / 0.297 (five splits, model seed 0). Those figures
    were measured with the former stopping defaults (at most 100 epochs, patience 20).
    """

    name = "bpr"
    own_ranking_without_history = "its learned item bias (their user factors are 0)"
    params: ClassVar[dict[str, Param]] = {
        "factors": width_param(default=128,
                               doc="Length of the factor vectors (at most 65,536).",
                               search={"type": "int", "low": 16, "high": 256, "log": True}),
        "learning_rate": Param((int, float), low=0, low_inclusive=False, default=0.01,
                               doc="SGD step size.",
                               search={"type": "float", "low": 1e-3, "high": 0.2,
                                       "log": True}),
        "regularization": Param((int, float), low=0, default=0.01,
                                doc="lambda, weight decay on the parameters each step touches.",
                                search={"type": "float", "low": 1e-5, "high": 0.1,
                                        "log": True}),
        "epochs": Param(int, low=1, high=MAX_ITERATIONS, default=1000,
                        doc="Most passes over the positives; the stopping rule (Notes) ends a "
                            "run once it converges, usually long before."),
        "seed": Param(int, low=0, default=0,
                      doc="Seeds the initial factors, the visiting order and the negatives."),
        "patience": Param(int, low=1, default=50,
                          doc="Epochs without progress before stopping: without validation, "
                              "no relative training-AUC gain of tolerance; with it, no better "
                              "validation nDCG@10."),
        "tolerance": Param((int, float), low=0, default=2e-4, computes_in="float64",
                           doc="Without validation: least relative gain of the training AUC "
                               "estimate that counts as progress; 0: any gain."),
        "validation_fraction": Param((int, float), low=0, high=0.5, default=0.0,
                                     doc="Share of each user's rows held out to early-stop "
                                         "on; 0: none."),
        "sampling": Param(str, choices=("positives", "bootstrap"), default="positives",
                          doc="'positives': every positive pair once per epoch, in a random "
                              "order; 'bootstrap': as many pairs drawn uniformly with "
                              "replacement (Rendle et al.'s LearnBPR)."),
        "num_threads": Param(int, low=0, high=MAX_THREADS, default=1,
                             doc="Threads per epoch; 1 is reproducible, 0 uses every core."),
    }

    history_: TrainingHistory

    # ------------------------------------------------------------------ training
    def _reads_occurrences(self) -> bool:
        return True  # every recorded pair is a positive, whatever its value

    def _occurrences_role(self) -> str:
        return "it learns every recorded pair as a positive"

    def _refuse_unread_settings(self, validation: Interactions | None) -> None:
        super()._refuse_unread_settings(validation)
        validated = ("on the rows given to fit(train, validation=...)" if validation is not None
                     else f"on validation_fraction={shown(self.validation_fraction)} of train"
                     if self.validation_fraction > 0 else None)
        if validated is not None and self.tolerance != self.params["tolerance"].default:
            # read only by the stopping rule without validation (the training AUC's gain):
            # with validation, progress is a better validation nDCG@10, whatever the gain
            raise ConfigError(
                f"{self.name}: tolerance={shown(self.tolerance)} is read only without "
                "validation (the least relative gain of the training AUC that counts as "
                f"progress), and this fit validates {validated} (progress: a better "
                "validation nDCG@10), so it would be ignored; leave tolerance out, or "
                "train without validation to stop on the training AUC")

    @classmethod
    def data_limits(cls, n_users: int, n_items: int) -> dict[str, tuple[int, str]]:
        """``factors`` up to the rank of the scores, past which the fit warns."""
        return factor_limits("factors", n_users, n_items)

    def _fit(self, train: Interactions, progress: Progress | None) -> None:
        refuse_overshooting_decay(self, "learning_rate", "regularization",
                                  "the factors and biases it updates")
        sgd_block = _compiled_sgd_block()
        fit_part, validation = self._fit_and_validation_parts(train)
        positives = fit_part.to_csr()
        positives.sort_indices()
        indptr = positives.indptr.astype(np.int64)
        indices = positives.indices.astype(np.int32)
        pair_users = np.repeat(np.arange(positives.shape[0], dtype=np.int32),
                               np.diff(indptr)).astype(np.int32)
        n_pairs, n_items = len(indices), positives.shape[1]
        refuse_without_negatives(self.name, positives)
        warn_excess_factors(self.name, "factors", self.factors, positives.shape[0], n_items)
        # float64 draws cast to float32 factors
        require_factor_memory(self.name, "factors", self.factors, positives.shape[0], n_items,
                              bytes_per_value=12)

        rng = np.random.default_rng(self.seed)
        self.user_factors_ = (rng.standard_normal((positives.shape[0], self.factors))
                              * _INIT_SCALE).astype(np.float32)
        self.item_factors_ = (rng.standard_normal((n_items, self.factors))
                              * _INIT_SCALE).astype(np.float32)
        self.item_bias_ = np.zeros(n_items, np.float32)
        self._start_from_previous(fit_part)
        # users without training rows (a split's shared vocabulary has them) are never
        # updated: zero factors rank items by bias alone rather than by random noise
        self.user_factors_[np.diff(indptr) == 0] = 0.0
        # so are users who have interacted with every item: no negative can be drawn for
        # them, so each of their triples is skipped and their vectors stayed at the random
        # start, which ranked every item for them (exclude_seen=False, score) by noise
        complete = np.flatnonzero(np.diff(indptr) == n_items)
        if len(complete):
            self.user_factors_[complete] = 0.0
            warn_untrainable_users(self.name, train.users.external_ids[complete], n_items)
        # a sample of the start, to tell a run that never moved from it (see below)
        started = (self.user_factors_[:_UNMOVED_SAMPLE].copy(),
                   self.item_factors_[:_UNMOVED_SAMPLE].copy())
        n_blocks = self._thread_count()
        learning_rate, regularization = float(self.learning_rate), float(self.regularization)

        def run_block(order: np.ndarray, begin: int, end: int, seed: int) -> tuple[int, ...]:
            return sgd_block(indptr, indices, pair_users, order, begin, end, n_items,
                             self.user_factors_, self.item_factors_, self.item_bias_,
                             learning_rate, regularization, seed)

        pool = ThreadPoolExecutor(n_blocks) if n_blocks > 1 else None

        def train_epoch(epoch: int) -> dict[str, float]:
            sequence = np.random.SeedSequence([self.seed, epoch])
            order = epoch_pairs(n_pairs, np.random.default_rng(sequence), self.sampling)
            seeds = sequence.generate_state(n_blocks).tolist()
            bounds = np.linspace(0, n_pairs, n_blocks + 1).astype(np.int64).tolist()
            if pool is None:
                counts = [run_block(order, 0, n_pairs, seeds[0])]
            else:
                counts = list(pool.map(run_block, [order] * n_blocks, bounds[:-1],
                                       bounds[1:], seeds))
            correct, sampled, skipped = (sum(c[k] for c in counts) for k in range(3))
            return {"auc": correct / max(sampled, 1), "skipped": skipped / max(n_pairs, 1)}

        validate: Callable[[], float] | None = None
        snapshot: Callable[[], tuple[np.ndarray, ...]] | None = self._snapshot
        restore: Callable[[tuple[np.ndarray, ...]], None] | None = self._restore
        if validation is not None:
            def validate() -> float:
                return validation_ndcg(self._score_users, fit_part, validation)
        else:
            # Without held-out rows the run stops when the training AUC estimate stops
            # rising: an epoch counts as progress only when it beats the last progress
            # epoch by the relative tolerance (a rise within the estimate's noise is not
            # progress), and the last epoch's parameters are kept.
            last_auc: list[float] = []
            training_epoch = train_epoch
            tolerance = float(self.tolerance)
            reference = [-math.inf]

            def train_epoch(epoch: int) -> dict[str, float]:
                numbers = training_epoch(epoch)
                last_auc.append(numbers["auc"])
                return numbers

            def validate() -> float:
                first = reference[0] == -math.inf
                if first or last_auc[-1] > reference[0] + tolerance * abs(reference[0]):
                    reference[0] = last_auc[-1]
                return reference[0]

            snapshot = restore = None

        try:
            self.history_ = run_epochs(
                train_epoch, epochs=self.epochs, description=f"Fitting {self.name}",
                validate=validate, patience=self.patience, snapshot=snapshot,
                restore=restore,
                progress=progress if validation is not None else _WithoutScore(progress))
            if validation is None:
                self._drop_convergence_scores()
        finally:
            if pool is not None:
                pool.shutdown()
        if self.history_.epochs \
                and np.array_equal(self.user_factors_[:_UNMOVED_SAMPLE], started[0]) \
                and np.array_equal(self.item_factors_[:_UNMOVED_SAMPLE], started[1]):
            # learning_rate 1e-30: every step was below float32's resolution of the start
            # values (about 0.1), so the random start was served as the model (a random
            # ranking) without a word
            raise TrainingFailedError(
                f"{self.name}: training left the factors at their start: "
                f"{len(self.history_.epochs)} epoch(s) of steps with "
                f"learning_rate={self.learning_rate!r} changed no factor (each step is below "
                "float32's resolution of values near the start's 0.1), so every score would "
                "be the random start's; raise the learning rate (e.g. 0.001 to 0.1)")
        self._refuse_diverged_loss(pair_users, indices, n_items)

    def _refuse_diverged_loss(self, pair_users: np.ndarray, pair_items: np.ndarray,
                              n_items: int) -> None:
        """Refuse factors whose BPR loss, ``mean ln(1 + exp(-(x_ui - x_uj)))`` over (up to
        :data:`_LOSS_SAMPLE`) training pairs each with a uniformly drawn item ``j``, is beyond
        :data:`~recstack.models.torch_training.MAX_LIKELIHOOD_LOSS`: scores that far apart
        in the wrong order are no ranking. ``learning_rate=50`` for one epoch grew the
        scores to 1.8e+12 and kept them; only an overflow of float32 was refused (by
        :meth:`_check_diverged`, left to name it). Its own generator: the model's draws
        are those of a fit without it."""
        with np.errstate(all="ignore"):
            bound = (float(np.abs(self.user_factors_).max(initial=0.0))
                     * float(np.abs(self.item_factors_).max(initial=0.0)) * self.factors)
        if not bound <= np.finfo(np.float32).max:
            return  # scores that overflow float32: _check_diverged names the vectors
        rng = np.random.default_rng(np.random.SeedSequence([self.seed, _LOSS_SAMPLE]))
        chosen = (rng.choice(len(pair_users), _LOSS_SAMPLE, replace=False)
                  if len(pair_users) > _LOSS_SAMPLE else np.arange(len(pair_users)))
        if not len(chosen):
            return
        users, items = pair_users[chosen], pair_items[chosen]
        others = rng.integers(0, n_items, len(chosen))
        assert self.item_bias_ is not None  # drawn in _fit
        with np.errstate(all="ignore"):
            user_vectors = self.user_factors_[users].astype(np.float64)
            margins = (np.einsum("ij,ij->i", user_vectors,
                                 self.item_factors_[items].astype(np.float64)
                                 - self.item_factors_[others].astype(np.float64))
                       + self.item_bias_[items].astype(np.float64)
                       - self.item_bias_[others].astype(np.float64))
            loss = float(np.logaddexp(0.0, -margins).mean())
        if not math.isfinite(loss) or loss <= MAX_LIKELIHOOD_LOSS:
            return
        raise TrainingFailedError(
            f"{self.name}: training diverged: the learned factors' BPR loss on "
            f"{len(chosen):,} training pairs is {loss:.3g}, beyond "
            f"{MAX_LIKELIHOOD_LOSS:,.0f}, the most a training that learns reaches (scores "
            "that far apart in the wrong order), " + self._settings_at_fault(
                "lower the learning rate back to its usual range (0.001 to 0.2)"))

    def _start_from_previous(self, fit_part: Interactions) -> None:
        """In :meth:`fit_from`: the previous model's factors and biases for the users and
        items it knew (by external id), over the fresh initialisation just drawn."""
        previous = self._warm_previous()
        if previous is None:
            return
        copy_known_rows(self.user_factors_, fit_part.users, previous.users_,
                        previous.user_factors_)
        copy_known_rows(self.item_factors_, fit_part.items, previous.items_,
                        previous.item_factors_)
        assert self.item_bias_ is not None  # drawn just before
        copy_known_rows(self.item_bias_, fit_part.items, previous.items_,
                        previous.item_bias_)

    def _drop_convergence_scores(self) -> None:
        """The loop records the stopping rule's running score as ``val``; without
        validation there is none, so the history keeps only the epochs' own numbers."""
        for numbers in self.history_.epochs:
            numbers.pop("val", None)
        self.history_.best_epoch, self.history_.best_score = None, -math.inf

    def _thread_count(self) -> int:
        if self.num_threads == 0:
            return default_threads()
        warn_more_threads_than_cores(self.name, "num_threads", self.num_threads)
        return self.num_threads

    def _state_spec(self) -> dict[str, ArraySpec]:
        # users without training rows keep factors of 0, but a fitted model has users with
        # rows, whose factors start random and are never all 0: factors of zeros only
        # ranked every user's items by the item bias alone
        return {"user_factors": ArraySpec("float32", ("n_users", "factors"), nonzero=True),
                "item_factors": ArraySpec("float32", ("n_items", "factors"), nonzero=True),
                "item_bias": ArraySpec("float32", ("n_items",))}

    def _snapshot(self) -> tuple[np.ndarray, ...]:
        assert self.item_bias_ is not None
        return self.user_factors_.copy(), self.item_factors_.copy(), self.item_bias_.copy()

    def _restore(self, state: tuple[np.ndarray, ...]) -> None:
        self.user_factors_, self.item_factors_, self.item_bias_ = state


class _WithoutScore:
    """Passes progress on without the epoch loop's ``val`` entry: without validation that
    number is the stopping rule's running reference, not a validation score."""

    def __init__(self, progress: Progress | None) -> None:
        self._progress = resolve(progress)

    @contextmanager
    def task(self, description: str, total: int | None = None) -> Iterator[_ScorelessTask]:
        with self._progress.task(description, total=total) as task:
            yield _ScorelessTask(task)


class _ScorelessTask:
    def __init__(self, task: Task) -> None:
        self._task = task

    def advance(self, n: int = 1) -> None:
        self._task.advance(n)

    def report(self, **values: float | int | str) -> None:
        values.pop("val", None)
        self._task.report(**values)


def epoch_pairs(n_pairs: int, rng: np.random.Generator, sampling: str) -> np.ndarray:
    """The positive pairs (indices into the training pairs) one epoch steps on, in order:
    a permutation of all of them (``"positives"``), or ``n_pairs`` draws uniform with
    replacement (``"bootstrap"``, LearnBPR's bootstrap sampling)."""
    if sampling == "bootstrap":
        return rng.integers(0, n_pairs, size=n_pairs)
    return rng.permutation(n_pairs)


# ---------------------------------------------------------------------------- the kernel
def _kth_non_positive(indices: np.ndarray, start: int, degree: int, k: int) -> int:
    """The ``k``-th (0-based) item index absent from the sorted, distinct
    ``indices[start:start + degree]``.

    Before ``indices[start + m]`` there are ``indices[start + m] - m`` absent indices, a
    non-decreasing count, so a binary search finds how many positives precede the answer.
    """
    low, high = 0, degree
    while low < high:
        middle = (low + high) // 2
        if indices[start + middle] - middle <= k:
            low = middle + 1
        else:
            high = middle
    return k + low


def _sgd_block(indptr: np.ndarray, indices: np.ndarray, pair_users: np.ndarray,
               order: np.ndarray, begin: int, end: int, n_items: int,
               user_factors: np.ndarray, item_factors: np.ndarray, item_bias: np.ndarray,
               learning_rate: float, regularization: float, seed: int
               ) -> tuple[int, int, int]:
    """LearnBPR steps for the positive pairs ``order[begin:end]`` (pair ``p`` is user
    ``pair_users[p]`` and item ``indices[p]``), updating the factors and biases in place:
    a uniform negative among the user's non-positives, then the update of Figure 4 of
    Rendle et al. (see :class:`BPR`), every parameter moved from the values before the step.

    Returns ``(correctly ordered, sampled, skipped)`` counts. Compiled by numba; seeding
    numba's generator here makes the negatives depend on ``seed`` only.
    """
    # numba supports only the legacy global-state API; its state is per thread
    np.random.seed(seed)  # noqa: NPY002
    n_factors = user_factors.shape[1]
    correct = 0
    sampled = 0
    skipped = 0
    for position in range(begin, end):
        pair = order[position]
        user = pair_users[pair]
        positive = indices[pair]
        start = indptr[user]
        degree = indptr[user + 1] - start
        if degree >= n_items:
            skipped += 1  # this user has every item: no negative exists
            continue
        negative = _kth_non_positive(indices, start, degree,
                                     np.random.randint(0, n_items - degree))  # noqa: NPY002
        difference = item_bias[positive] - item_bias[negative]
        for f in range(n_factors):
            difference += user_factors[user, f] * (item_factors[positive, f]
                                                   - item_factors[negative, f])
        sampled += 1
        if difference > 0:
            correct += 1
        # d/dx ln sigmoid(x) = sigmoid(-x); written with exp(-|x|) so it cannot overflow
        if difference >= 0:
            decay = math.exp(-difference)
            gradient = decay / (1.0 + decay)
        else:
            gradient = 1.0 / (1.0 + math.exp(difference))
        for f in range(n_factors):
            user_value = user_factors[user, f]
            positive_value = item_factors[positive, f]
            negative_value = item_factors[negative, f]
            user_factors[user, f] += learning_rate * (
                gradient * (positive_value - negative_value) - regularization * user_value)
            item_factors[positive, f] += learning_rate * (
                gradient * user_value - regularization * positive_value)
            item_factors[negative, f] += learning_rate * (
                -gradient * user_value - regularization * negative_value)
        item_bias[positive] += learning_rate * (gradient - regularization * item_bias[positive])
        item_bias[negative] += learning_rate * (-gradient
                                                - regularization * item_bias[negative])
    return correct, sampled, skipped


@functools.cache
def _compiled_sgd_block() -> Callable[..., tuple[int, int, int]]:
    """The numba-compiled :func:`_sgd_block` (numba is imported here, not at import time;
    ``cache=True`` keeps the machine code between processes)."""
    try:
        import numba
    except ImportError:
        raise RecstackError(f"the bpr model needs numba; install it with: "
                            f"{BPR_INSTALL_COMMAND}") from None
    _register_sampler()
    return numba.njit(cache=True, nogil=True)(_sgd_block)


@functools.cache
def _register_sampler() -> None:
    """Make :func:`_kth_non_positive` callable from compiled code (once per process); it
    stays a plain Python function too."""
    from numba.extending import register_jitable

    register_jitable(_kth_non_positive)

