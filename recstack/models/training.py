"""The one epoch loop of recstack's iterative models: progress, validation, early stopping,
restoring the best epoch, and hooks for checkpoints.

A model writes one function that trains an epoch and returns its numbers (loss, train
AUC...); :func:`run_epochs` owns the loop, reports those numbers through the progress
mechanism, validates, stops when validation has not improved for ``patience`` epochs,
and restores the best epoch's state. BPR and the rating models hand it their epoch directly;
the PyTorch models go through :class:`~recstack.models.torch_training.TorchTrainer`, which
supplies the minibatch epoch, its seeding, and the checkpoint hooks (``resume_from`` and
``after_epoch``) to this same loop.

Validation is a callable the model is handed or builds: :func:`validation_ndcg` scores it
with the shared top-K selection and the metric functions, never with the evaluator (models
sit below evaluation in the package layers).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

import numpy as np
import scipy.sparse as sp

from recstack.data.interactions import Interactions, concat
from recstack.data.splits import share_count
from recstack.errors import ConfigError, EmptyResultError, RecstackError, counted, shown
from recstack.models.base import NOT_GIVEN, check_interactions, choice_error, refuse_unbound
from recstack.progress import Progress, resolve


@dataclass
class TrainingHistory:
    """Per-epoch numbers, the best validation score and the epoch it came from."""

    epochs: list[dict[str, float]] = field(default_factory=list)
    best_epoch: int | None = None
    best_score: float = -math.inf
    stopped_early: bool = False


@dataclass
class ResumePoint:
    """Where an interrupted run stands: the history of its finished epochs and the state
    of its best epoch so far (what ``snapshot`` returned), e.g. read from a checkpoint."""

    history: TrainingHistory
    best_state: Any = None


def run_epochs(
    train_epoch: Callable[[int], dict[str, float]],
    *,
    epochs: int,
    description: str,
    validate: Callable[[], float] | None = None,
    patience: int = 5,
    snapshot: Callable[[], Any] | None = None,
    restore: Callable[[Any], None] | None = None,
    progress: Progress | None = None,
    resume_from: ResumePoint | None = None,
    after_epoch: Callable[[int, TrainingHistory, Any], None] | None = None,
) -> TrainingHistory:
    """Run up to ``epochs`` epochs of ``train_epoch(epoch)``.

    Parameters
    ----------
    train_epoch
        Trains one epoch (0-based number) and returns its numbers, which go to the
        progress reporter and :attr:`TrainingHistory.epochs`.
    epochs
        Upper bound on the number of epochs (finished ones included when resuming).
    description
        What the progress reporter shows.
    validate
        Higher is better (e.g. validation nDCG@10; hand it ``-RMSE`` for an error). With
        it, the loop stops after ``patience`` epochs without improvement and, given
        ``snapshot``/``restore``, puts back the parameters of the best epoch.
    patience
        Epochs without improvement before stopping.
    snapshot, restore
        Copy the model's parameters, and put a copy back.
    progress
        The progress mechanism (see :mod:`recstack.progress`).
    resume_from
        The finished epochs of an interrupted run: the loop continues after them (and
        stops at once if that run had stopped early).
    after_epoch
        Called after every epoch with the number of finished epochs, the history and the
        best state so far (e.g. to write a checkpoint).

    Returns
    -------
    TrainingHistory
    """
    history = resume_from.history if resume_from is not None else TrainingHistory()
    best_state = resume_from.best_state if resume_from is not None else None
    start = len(history.epochs)
    with resolve(progress).task(description, total=epochs) as task:
        if start:
            task.advance(start)
        for epoch in range(start, epochs):
            if history.stopped_early:
                break
            numbers = dict(train_epoch(epoch))
            if validate is not None:
                score = float(validate())
                numbers["val"] = score
                if score > history.best_score:
                    history.best_score, history.best_epoch = score, epoch
                    best_state = snapshot() if snapshot is not None else None
                # an epoch that never validated (NaN) counts as no improvement
                last_improvement = -1 if history.best_epoch is None else history.best_epoch
                if epoch - last_improvement >= patience:
                    history.stopped_early = True
            history.epochs.append(numbers)
            task.report(**numbers)
            task.advance()
            if after_epoch is not None:
                after_epoch(epoch + 1, history, best_state)
    if best_state is not None and restore is not None:
        restore(best_state)
    return history


#: what :func:`validation_metric` computes
VALIDATION_METRICS = ("ndcg", "recall")


def validation_ndcg(score_users: Callable[[np.ndarray], np.ndarray], train: Interactions,
                    validation: Interactions, *, k: int = 10) -> float:
    """Mean nDCG@k over the users with a validation row (:func:`validation_metric`)."""
    return validation_metric(score_users, train, validation, metric="ndcg", k=k)


def validation_metric(score_users: Callable[[np.ndarray], np.ndarray], train: Interactions,
                      validation: Interactions, *, metric: str = "ndcg", k: int = 10) -> float:
    """Mean nDCG@k or recall@k (hits over all of the user's validation items) over the
    users with a validation row: every validation item relevant (grade 1), the full
    catalog ranked with the user's ``train`` items excluded, ties broken by the shared
    top-K rule. The evaluator computes the same numbers; this needs only the top-K
    selection and the metric functions, so models can early-stop without importing
    :mod:`recstack.evaluation`."""
    from recstack.metrics.ranking import ideal_grades, ndcg_at_k, recall_at_k, relevance_at_ranks
    from recstack.topk import top_k_batched

    if metric not in VALIDATION_METRICS:
        raise choice_error("metric", metric, VALIDATION_METRICS)

    truth = sp.csr_matrix(validation.to_csr(), dtype=np.float64, copy=True)
    truth.sum_duplicates()
    truth.eliminate_zeros()
    truth.data[:] = 1.0
    users = np.flatnonzero(np.diff(truth.indptr) > 0)
    if not len(users):
        return math.nan
    top, scores = top_k_batched(score_users, users, k, exclude=train.to_csr(),
                                n_items=truth.shape[1])
    recommended = np.where(np.isneginf(scores), -1, top)
    user_truth = truth[users]
    grades = relevance_at_ranks(recommended, user_truth)
    if metric == "recall":
        values = recall_at_k(grades, np.diff(user_truth.indptr), k)
    else:
        values = ndcg_at_k(grades, ideal_grades(user_truth, k), k)
    return float(np.mean(values))


def seed_everything(seed: int) -> np.random.Generator:
    """Seed Python's random, numpy's legacy global state and torch (when installed), and
    return a fresh numpy Generator for the caller's own draws.

    For bit-exact torch runs, fit inside
    :func:`recstack.models.torch_training.deterministic_torch`.
    """
    import random
    import sys

    random.seed(seed)
    np.random.seed(seed % 2**32)  # noqa: NPY002 (seeds code that uses the legacy global state)
    if "torch" in sys.modules:
        import torch

        torch.manual_seed(seed)
    return np.random.default_rng(seed)


def hold_out_rows(train: Interactions, fraction: float, rng: np.random.Generator, *,
                  model: str) -> tuple[Interactions, Interactions | None]:
    """A random ``fraction`` of training rows set aside for early stopping (none when the
    fraction is 0); refuses a fraction that leaves either part empty.

    How many: :func:`~recstack.data.splits.share_count`, the rule of every split's share
    (``fraction x rows`` to the nearest whole number, a half up, the fraction read as
    written): 0.5 of 5 rows is 3 rows (Python's ``round`` gave 2), 0.7 of 15 rows is 11
    (the float product 10.499999999999998 rounded down)."""
    if not fraction:
        return train, None
    n_validation = share_count(fraction, len(train))
    if not 0 < n_validation < len(train):
        raise ConfigError(
            f"{model}: validation_fraction={shown(fraction)} of "
            f"{counted(len(train), 'row')} leaves {counted(n_validation, 'validation row')} "
            f"and {counted(len(train) - n_validation, 'training row')} (validation_fraction "
            "x rows, rounded to the nearest whole number, a half up); it must leave at "
            "least one validation row and one training row")
    held = np.zeros(len(train), bool)
    held[rng.choice(len(train), size=n_validation, replace=False)] = True
    return train.select(~held), train.select(held)


def refuse_unvalidated_patience(owner: Any, validates: bool, *,
                                rows_given_to_fit: bool = False) -> None:
    """Refuse ``patience`` away from its default on a fit that validates nothing: it is read
    only to stop after that many epochs without a better validation number, so it was
    ignored without a word. ``validates``: this fit holds out or was given validation rows;
    ``rows_given_to_fit``: the model also takes them as ``fit(train, validation=...)``.
    Worded as :func:`~recstack.pipeline.settings.refuse_unread_settings` (its switch here
    is a range, ``validation_fraction > 0``, not a list of values)."""
    value = owner.patience
    if validates or value == owner.params["patience"].default:
        return
    fraction = owner.validation_fraction
    given = (" or validation rows given to fit(train, validation=...)" if rows_given_to_fit
             else "")
    none_given = " and fit was given none" if rows_given_to_fit else ""
    remedy = (" (or give the rows to fit(train, validation=...))" if rows_given_to_fit
              else "")
    raise ConfigError(
        f"{owner.name}: patience = {shown(value)} is read only with validation_fraction > 0"
        f"{given} (it stops training after that many epochs without a better validation "
        f"score), and validation_fraction is {shown(fraction)}{none_given}, so it would be "
        f"ignored; set validation_fraction = 0.1{remedy} to use it, or leave patience out")


class ValidationSplitMixin:
    """``fit(train, validation=...)`` for models that early-stop: validation rows given by
    the caller (e.g. an adjacency split's ``valid``), or else ``validation_fraction`` of
    each user's rows carved out of ``train`` (seeded by ``seed``), or none.

    Mix in before :class:`~recstack.models.base.Recommender`; ``_fit`` calls
    :meth:`_fit_and_validation_parts`."""

    validation_fraction: float
    seed: int
    name: ClassVar[str]
    params: ClassVar[dict[str, Any]]
    #: the validation rows given to fit(), for the duration of the fit only
    _explicit_validation: Interactions | None = None

    def fit(self, train: Interactions = NOT_GIVEN, *positional: Any,
            progress: Progress | None = None, validation: Interactions | None = None,
            **unexpected: Any) -> Self:
        """Learn from ``train``; with ``validation`` (rows of the same split, sharing its
        vocabularies), early-stop on it instead of carving ``validation_fraction`` out of
        ``train``. Returns ``self``; the per-epoch numbers are in ``history_``."""
        refuse_unbound(self, ValidationSplitMixin.fit)  # on the class: super() failed
        if unexpected or positional or train is NOT_GIVEN:
            # refused by Recommender.fit, naming the argument and where it belongs
            # (fit(train, valid) by position: validation=valid)
            return super().fit(train, *positional, progress=progress,  # type: ignore[misc]
                               **unexpected)
        # the hyperparameters first, as Recommender.fit checks them: a width beyond its
        # bound was named only after train and validation had been read and compared
        self.validate_params()  # type: ignore[attr-defined]
        check_interactions(train, f"{self.name}: fit(train)")
        if validation is not None:
            check_interactions(validation, f"{self.name}: fit(validation=...)")
            if len(validation) == 0:
                # nothing to stop or weigh on: every epoch's metric would be undefined
                raise RecstackError(f"{self.name}: fit(validation=...) got no rows; give "
                                    "the validation rows, or None to carve "
                                    "validation_fraction of train")
        # a setting this fit would not read, before the rows are compared and anything trains
        self._refuse_unread_settings(validation)
        if validation is not None and (validation.users != train.users
                                       or validation.items != train.items):
            # "must come from the same split as train (shared id maps)" said neither which
            # vocabulary differed nor how to build rows that share them
            differ = [f"{kind} ({counted(len(getattr(validation, kind)), 'id')}; train's has "
                      f"{len(getattr(train, kind)):,})" for kind in ("users", "items")
                      if getattr(validation, kind) != getattr(train, kind)]
            raise RecstackError(
                f"{self.name}: fit(validation=...) must come from the same split as train, "
                "sharing its id vocabularies (an index is a position in them), but its "
                f"vocabular{'ies' if len(differ) > 1 else 'y'} of {' and '.join(differ)} "
                f"differ{'' if len(differ) > 1 else 's'} (built on its own); take both parts "
                "of one split (e.g. random_split(data)), or put all rows in one Interactions "
                "and mark the validation rows with recstack.data.splits.given_split(all_rows, "
                "is_validation)")
        if validation is not None and _all_in_train(validation, train):
            # validation ranks the catalog without each user's training items, so none of
            # these rows could ever be hit: every epoch scored 0 and training stopped (or
            # weights were chosen) on nothing
            raise RecstackError(
                f"{self.name}: every (user, item) pair of fit(validation=...) is also in train "
                f"({len(validation):,} rows), and validation ranks items without each user's "
                "training items, so none could be found; give held-out rows (e.g. a split's "
                "test or valid part), or None to carve validation_fraction of train")
        if validation is not None:
            validation = _rankable_validation(validation, train, self.name)
        self._explicit_validation = validation
        try:
            return super().fit(train, progress=progress)  # type: ignore[misc]
        finally:
            self._explicit_validation = None

    def _refuse_unread_settings(self, validation: Interactions | None) -> None:
        """Refuse a setting this fit would not read, given ``validation`` (the rows given to
        fit, or None): ``validation_fraction`` away from its default beside validation rows,
        which are used instead (the fraction was ignored without a word). Models extend it
        with their own settings; checked at fit, not at load, as
        :func:`~recstack.pipeline.settings.refuse_unread_settings` is."""
        default = self.params["validation_fraction"].default
        if validation is not None and self.validation_fraction != default:
            raise ConfigError(
                f"{self.name}: validation_fraction={shown(self.validation_fraction)} carves "
                "validation rows out of train, but fit was given its validation rows "
                "(fit(train, validation=...)), which are used instead, so it would be "
                "ignored; leave validation_fraction out when giving the rows, or give none "
                "to carve that share of train")

    def _fit_and_validation_parts(self, train: Interactions
                                  ) -> tuple[Interactions, Interactions | None]:
        if self._explicit_validation is not None:
            return train, self._explicit_validation
        if self.validation_fraction <= 0:
            return train, None
        from recstack.data.splits import random_split

        fraction = float(self.validation_fraction)
        _refuse_empty_validation(train, fraction, self.name)
        try:
            split = random_split(train, fraction, seed=self.seed)
        except EmptyResultError:
            # the split's refusal spoke of a test_fraction and a split the user never made
            raise ConfigError(
                f"{self.name}: validation_fraction={fraction} holds out no usable validation "
                "row: every row it would hold out is of an item (or user) that would then "
                "have no training row left, which validation cannot rank; give the rows "
                "with fit(train, validation=...), or set validation_fraction=0 to train "
                "without early stopping") from None
        # rows the split could not validate on (e.g. items only in the holdout) still train
        return concat([split.train, split.set_apart]), split.test


def _refuse_empty_validation(train: Interactions, fraction: float, model: str) -> None:
    """Refuse a ``validation_fraction`` that carves no row out of ``train``, naming it: the
    per-user split's own refusal spoke of its ``test_fraction`` and said to raise it, which
    the user never wrote. Each user keeps a training row and gives
    ``round(fraction x their rows)`` to validation (as :func:`random_split` does, by
    :func:`~recstack.data.splits.share_count`: a half up, the fraction read as written)."""
    rows = np.bincount(train.user_index, minlength=train.n_users)
    rows = rows[rows > 0]
    held = np.minimum(share_count(fraction, rows), rows - 1)
    if held.any():
        return
    most = int(rows.max())
    others = ("give the rows with fit(train, validation=...), or set validation_fraction=0 "
              "to train without early stopping")
    if most <= 1:
        reason = "but every user has a single training row, which must stay in training"
        remedy = others
    else:
        reason = (f"but the most rows any user has is {most:,}: round({fraction} x {most:,}) "
                  f"= {share_count(fraction, most)}")
        remedy = f"raise validation_fraction (at most 0.5), {others}"
    raise ConfigError(
        f"{model}: validation_fraction={fraction} holds out no validation row: each user "
        "keeps a training row and gives round(validation_fraction x their rows) to "
        f"validation, {reason}; {remedy}")


def _all_in_train(validation: Interactions, train: Interactions) -> bool:
    """Whether every (user, item) pair of ``validation`` is a pair of ``train`` (the two
    share their id maps)."""
    width = np.int64(max(train.n_items, 1))
    pairs = train.user_index.astype(np.int64) * width + train.item_index
    held = validation.user_index.astype(np.int64) * width + validation.item_index
    return bool(np.isin(held, pairs).all())


def _rankable_validation(validation: Interactions, train: Interactions,
                         model: str) -> Interactions:
    """The rows of ``validation`` a model can be judged on, as every split keeps them: a
    row of a user without training rows (nothing learned about them: the metric measured
    the untrained start, and early stopping or the blend's weights followed it), a row of
    an item without training rows (its vector is its random start: the metric measured
    where that happened to rank it; a split sets such test rows apart too) and a row
    repeating a training pair (excluded from the ranking, never found) are set apart.
    Refused with a :class:`RecstackError` when none is left."""
    has_rows = np.bincount(train.user_index, minlength=train.n_users) > 0
    cold = ~has_rows[validation.user_index]
    item_has_rows = np.bincount(train.item_index, minlength=train.n_items) > 0
    cold_item = ~item_has_rows[validation.item_index] & ~cold
    width = np.int64(max(train.n_items, 1))
    pairs = train.user_index.astype(np.int64) * width + train.item_index
    repeated = np.isin(validation.user_index.astype(np.int64) * width
                       + validation.item_index, pairs) & ~cold & ~cold_item
    keep = ~(cold | cold_item | repeated)
    if keep.all():
        return validation
    if not keep.any():
        reasons = [f"{int(count):,} {said}" for count, said in (
            (cold.sum(), "are of users with no rows in train (nothing was learned about "
                         "them, so the metric would measure the untrained start)"),
            (cold_item.sum(), "are of items with no rows in train (their vectors are their "
                              "random start, so the metric would measure where that ranks "
                              "them)"),
            (repeated.sum(), "repeat a (user, item) pair of train (each user's training "
                             "items are not ranked)")) if count]
        raise RecstackError(
            f"{model}: none of the {len(validation):,} rows of fit(validation=...) can be "
            f"ranked: {', '.join(reasons[:-1]) + ' and ' if len(reasons) > 1 else ''}"
            f"{reasons[-1]}; give held-out rows of the training users and items (e.g. a "
            "split's test or valid part), or None to carve validation_fraction of train")
    return validation.select(keep)
