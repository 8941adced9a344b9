"""Retraining strategies: which partitions a model is retrained on, and how.

The training window, cut from the partitions before the evaluation partition (the
newest):

``expanding``
    every earlier partition: the model keeps all history (old tastes weigh as much as
    new ones);
``sliding``
    the last ``partitions`` of them: the model forgets what is older, following drift
    faster at the cost of less data.

How the model is made on that window (``[training]`` of the pipeline file):

periodic full retraining (the default)
    a fresh fit every run;
warm start (``warm_start = true``, ``warm_iterations``)
    a fit that starts from the published model's vectors, matched by id
    (:mod:`recstack.models.warm_start`; ALS, BPR and the torch models), with fewer
    iterations (:func:`fit_candidate`);
nearline fold-in (``fold_in_between = N``)
    between two retrains, the published model with the window's new users and items
    folded in, no training (:mod:`recstack.ops.fold_in`; ALS, iALS).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError, shown
from recstack.ops.pipeline_config import TrainingSpec
from recstack.specs import whole_exact_as_int

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
    # '5' and 5.0 were TypeErrors from the comparison, True one partition, a dict of the
    # [training] table an AttributeError
    given, n_partitions = n_partitions, whole_exact_as_int(n_partitions)  # Decimal(6) is 6
    if isinstance(n_partitions, bool) or not isinstance(n_partitions, int | np.integer):
        raise ConfigError(f"training_window: n_partitions must be the number of partitions "
                          f"(an int), got {given!r:.60}")
    if not isinstance(spec, TrainingSpec):
        raise ConfigError(f"training_window: spec must be a TrainingSpec (e.g. "
                          f"TrainingSpec(window='sliding', partitions=3)), got "
                          f"{type(spec).__name__}")
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

    With ``previous`` (the published model), a model that can start from another's vectors
    (:class:`~recstack.models.warm_start.WarmStartMixin`: ALS, BPR, the torch models) of
    the same type and architecture (its ``warm_start_params``) starts from them, with
    ``warm_iterations`` iterations when given: the hyperparameter that counts them is read
    from the model's declarations (``iterations`` for ALS, ``epochs`` for the others,
    :func:`~recstack.models.warm_start.iteration_param`). Any other model, or one whose
    architecture differs, trains from scratch."""
    from recstack.evaluation.evaluator import check_interactions
    from recstack.models.registry import create_model, model_class
    from recstack.models.warm_start import WarmStartMixin, iteration_param

    cls = model_class(model_type)
    if not isinstance(params, dict):
        raise ConfigError(f"fit_candidate: params must be a dict of {model_type}'s "
                          f"hyperparameters (empty for its defaults), got "
                          f"{type(params).__name__}")
    check_interactions(train=train)  # a DataFrame was an AttributeError on .compact
    given, warm_iterations = warm_iterations, whole_exact_as_int(warm_iterations)
    if warm_iterations is not None and (isinstance(warm_iterations, bool) or not isinstance(
            warm_iterations, int | np.integer) or warm_iterations < 1):
        raise ConfigError(f"fit_candidate: warm_iterations must be a whole number >= 1 or "
                          f"None, got {shown(given)}")
    warm = (previous is not None and issubclass(cls, WarmStartMixin)
            and cls.warm_compatible(previous, params))
    if warm and warm_iterations is not None:
        name = iteration_param(cls)
        if name is not None:
            params = params | {name: int(warm_iterations)}
    model = create_model(model_type, **params)
    model.validate_params()
    if warm:
        return model.fit_from(previous, train.compact(), progress=progress), True
    return model.fit(train.compact(), progress=progress), False
