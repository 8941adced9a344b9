"""Models registered by name, so that experiment files can name them with parameters."""

from __future__ import annotations

from typing import Any

from recstack.models.base import Recommender
from recstack.registry import Registry


def create_model(name: str, **params: Any) -> Recommender:
    """An unfitted model by registry name; unknown names or parameters are refused with
    the list of what exists."""
    cls = model_class(name)
    return cls(**params)


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
        rp3beta,
        sasrec,
        two_tower,
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
