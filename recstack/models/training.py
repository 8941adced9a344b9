"""The epoch loop iterative models share: progress, validation, early stopping.

A model writes one function that trains an epoch and returns its numbers (loss, train
AUC...); :func:`run_epochs` owns the loop, reports those numbers through the progress
mechanism, validates, stops when validation has not improved for ``patience`` epochs,
and restores the best epoch's state.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.progress import Progress, resolve


@dataclass
class TrainingHistory:
    """Per-epoch numbers, the best validation score and the epoch it came from."""

    epochs: list[dict[str, float]] = field(default_factory=list)
    best_epoch: int | None = None
    best_score: float = -math.inf
    stopped_early: bool = False


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
) -> TrainingHistory:
    """Run up to ``epochs`` epochs of ``train_epoch(epoch)``.

    With ``validate`` (higher is better, e.g. validation nDCG@10), the loop stops after
    ``patience`` epochs without improvement and, given ``snapshot``/``restore``, puts back
    the parameters of the best epoch.
    """
    history = TrainingHistory()
    best_state = None
    with resolve(progress).task(description, total=epochs) as task:
        for epoch in range(epochs):
            numbers = dict(train_epoch(epoch))
            if validate is not None:
                score = float(validate())
                numbers["val"] = score
                if score > history.best_score:
                    history.best_score, history.best_epoch = score, epoch
                    best_state = snapshot() if snapshot is not None else None
            history.epochs.append(numbers)
            task.report(**numbers)
            task.advance()
            if (validate is not None and history.best_epoch is not None
                    and epoch - history.best_epoch >= patience):
                history.stopped_early = True
                break
    if best_state is not None and restore is not None:
        restore(best_state)
    return history


def validation_ndcg(score_users: Callable[[np.ndarray], np.ndarray], train: Interactions,
                    validation: Interactions, *, k: int = 10) -> float:
    """Mean nDCG@k on ``validation`` (full catalog, training items excluded)."""
    from recstack.evaluation.evaluator import Evaluator

    class _Scorer:
        def __init__(self) -> None:
            self.score_users = score_users

    result = Evaluator(metrics=("ndcg",), ks=(k,)).evaluate(_Scorer(), train, validation,
                                                            name="validation")
    return result.means()[f"ndcg@{k}"]


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
    fraction is 0); refuses a fraction that leaves either part empty."""
    if not fraction:
        return train, None
    n_validation = int(round(fraction * len(train)))
    if not 0 < n_validation < len(train):
        raise ConfigError(
            f"{model}: validation_fraction={fraction} of {len(train)} rows leaves "
            f"{n_validation} validation rows; it must leave at least one validation row and "
            "one training row")
    held = np.zeros(len(train), bool)
    held[rng.choice(len(train), size=n_validation, replace=False)] = True
    return train.select(~held), train.select(held)
