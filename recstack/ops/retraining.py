"""Retraining strategies: which partitions a model is retrained on, and the retrain.

Every pipeline run retrains from scratch (periodic full retraining) on a window of
partitions before the evaluation partition (the newest):

``expanding``
    every earlier partition: the model keeps all history (old tastes weigh as much as
    new ones);
``sliding``
    the last ``partitions`` of them: the model forgets what is older, following drift
    faster at the cost of less data.
"""

from __future__ import annotations

from typing import Any

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.ops.pipeline_config import TrainingSpec

__all__ = ["carry_factors", "fit_candidate", "training_window"]


def training_window(n_partitions: int, spec: TrainingSpec) -> list[int]:
    """Positions of the training partitions among ``n_partitions`` (oldest first), the
    last being the evaluation partition.

    Examples
    --------
    >>> training_window(6, TrainingSpec(window="sliding", partitions=2))
    [3, 4]
    >>> training_window(6, TrainingSpec(window="expanding"))
    [0, 1, 2, 3, 4]
    """
    if n_partitions < 2:
        raise RecstackError(f"a pipeline run needs at least 2 partitions (one to train on, "
                            f"the newest to evaluate on); found {n_partitions}")
    before = list(range(n_partitions - 1))
    if spec.window == "sliding":
        return before[-spec.partitions:]
    return before


def fit_candidate(model_type: str, params: dict[str, Any], train: Interactions,
                  progress: Any = None) -> Any:
    """A new model of ``model_type`` with ``params``, fitted on ``train`` (compacted: the
    model's vocabulary is the window's users and items)."""
    from recstack.models.registry import create_model

    model = create_model(model_type, **params)
    model.validate_params()
    return model.fit(train.compact(), progress=progress)


def carry_factors(previous_ids: Any, previous_factors: Any, new_ids: Any, *, seed: int = 0,
                  scale: float = 0.01) -> Any:
    """Initial factors for a warm start: the previous model's row for every id it knew,
    a fresh random row (uniform on ``[0, scale)``, as implicit's ALS initialises) for the
    others.

    Parameters
    ----------
    previous_ids
        The previous model's external ids (``model.users_.external_ids`` or items).
    previous_factors
        Its factors, one row per id.
    new_ids
        The external ids of the model to train.
    seed
        Seeds the rows of new ids.

    Returns
    -------
    numpy.ndarray
        float32 ``(len(new_ids), factors)``.
    """
    import numpy as np
    import pandas as pd

    previous_factors = np.asarray(previous_factors, dtype=np.float32)
    rng = np.random.default_rng(seed)
    out = (rng.random((len(new_ids), previous_factors.shape[1])) * scale).astype(np.float32)
    position = pd.Index(np.asarray(previous_ids)).get_indexer(np.asarray(new_ids))
    known = position >= 0
    out[known] = previous_factors[position[known]]
    return out
