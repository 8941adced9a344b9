"""Models registered by name, so that experiment files can name them with parameters."""

from __future__ import annotations

from typing import Any

from recstack.errors import ConfigError
from recstack.models.base import Recommender, refuse_positional
from recstack.registry import Registry
from recstack.specs import table_hint


def create_model(name: str, *positional: Any, **params: Any) -> Recommender:
    """An unfitted model by registry name; unknown names or parameters are refused with
    the list of what exists, and so are hyperparameters given by position."""
    cls = model_class(name)
    refuse_positional(cls.name, positional,
                      f"give the hyperparameters by name (create_model({cls.name!r}, "
                      f"{next(iter(cls.params), 'name')}=...)); they are: "
                      f"{', '.join(cls.params) or '(none)'}")
    return cls(**params)


def refuse_refitted_checkpoints(owner: str, declared: list[tuple[str, Recommender]],
                                fits: str, remedy: str) -> None:
    """Refuse, before any training, a nested model with a ``checkpoint_dir`` that its
    container fits more than once (``fits`` says how): a checkpoint folder holds one run, so
    the second fit was refused as another run's ("the training rows differ") only after the
    first had trained. ``declared``: ``(where, unfitted model)`` pairs, e.g.
    ``("generators[0]", model)``; ``remedy``: what to do instead."""
    for where, model in declared:
        folder = getattr(model, "checkpoint_dir", None)
        if folder is not None:
            raise ConfigError(
                f"{owner}: {where} ({model.name}) has checkpoint_dir = {folder!r}, but {fits}, "
                "and a checkpoint folder holds one run: the second fit would be refused as "
                f"another run's after the first had trained; {remedy}")


def create_declared(entry: Any, where: str, *, container: str, nesting: str,
                    written: Any = None) -> Recommender:
    """An unfitted model from its declaration inside another model (a blend's member, a
    two-stage model's generator, a re-ranked model's inner model): ``{"type": name,
    **hyperparameters}``, checked like a model of its own; errors start with ``where``.

    A declaration of the ``container`` type itself is refused with ``nesting`` (what to do
    instead), since such models do not nest. ``written``: the declaration as the user wrote
    it, where the container stored its exact numbers as plain ones (``Decimal("1e40")`` as
    the integer it names), so that the model's messages show what was written."""
    kind = entry.get("type") if isinstance(entry, dict) else None
    if not isinstance(kind, str):
        raise ConfigError(f"{where} needs a 'type' naming a registered model, e.g. "
                          "{type = 'ease'}; got " + repr(entry) + table_hint(entry))
    if kind == container:
        raise ConfigError(f"{where}: {nesting}")
    params = {key: value for key, value in entry.items() if key != "type"}
    try:
        model = create_model(kind, **params)
        if isinstance(written, dict):
            model._remember_written(written)
        model.validate_params()
    except ConfigError as error:
        raise ConfigError(f"{where} ({kind}): {error}") from None
    return model


def refuse_repeated_models(models: list[Any], who: str, where: str,
                           consequence: str, *, what: str = "model") -> None:
    """Refuse the same model declared twice in a list of ``models`` of model ``who`` (built
    by :func:`create_declared` from ``where[0]``, ``where[1]``...): the same class with the
    same hyperparameters, a default written out or not. ``consequence`` says what the
    repeat does (in a blend it only doubles a weight; in a two-stage model it proposes the
    same candidates twice). A ConfigError names both places and the model. ``what`` names
    the kind of thing listed (the re-rankers of a chain are checked alike)."""
    first_of: dict[tuple[str, str], int] = {}
    for position, model in enumerate(models):
        key = (type(model).__qualname__, repr(sorted(model.get_params().items())))
        if key in first_of:
            raise ConfigError(
                f"{who}: {where}[{first_of[key]}] and {where}[{position}] are the same "
                f"{what} ({model!r}); {consequence}; remove one, or make them differ in a "
                "hyperparameter")
        first_of[key] = position


def _import_builtin_models() -> None:
    # importing the modules runs their @register decorators
    from recstack.models import (  # noqa: F401
        als,
        baselines,
        blend,
        bpr,
        content,
        ease,
        graph_filters,
        ials,
        knn,
        lightgcn,
        mf,
        neumf,
        rp3beta,
        sasrec,
        two_tower,
        vae,
    )

    # models built from other models in the pipeline package, above this one: the registry
    # knows them by name so experiment files and load_model find them
    from recstack.pipeline import two_stage  # noqa: F401
    from recstack.pipeline.rerank import model as _reranked  # noqa: F401


MODELS: Registry[Recommender] = Registry("model", _import_builtin_models)
#: class decorator: make a model available as its ``name``
register = MODELS.register
available_models = MODELS.names
model_class = MODELS.get
