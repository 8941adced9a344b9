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

__all__ = ["fit_candidate", "training_window"]


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
                  progress: Any = None, *, previous: Any = None,
                  warm_iterations: int | None = None) -> tuple[Any, bool]:
    """A new model of ``model_type`` with ``params``, fitted on ``train`` (compacted: the
    model's vocabulary is the window's users and items), and whether it was warm-started.

    With ``previous`` (the published model), a model that can start from another's factors
    (``fit_from``) of the same type and factor count starts from them, with
    ``warm_iterations`` iterations when given; any other model trains from scratch."""
    from recstack.models.registry import create_model

    model = create_model(model_type, **params)
    warm = (previous is not None and hasattr(model, "fit_from")
            and type(previous) is type(model)
            and getattr(previous, "factors", None) == getattr(model, "factors", None))
    if warm and warm_iterations is not None:
        model = create_model(model_type, **(params | {"iterations": warm_iterations}))
    model.validate_params()
    if warm:
        return model.fit_from(previous, train.compact(), progress=progress), True
    return model.fit(train.compact(), progress=progress), False
