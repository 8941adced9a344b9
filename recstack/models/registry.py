"""Models registered by name, so that experiment files can name them with parameters."""

from __future__ import annotations

from typing import Any

from recstack.errors import ConfigError
from recstack.models.base import Recommender

_REGISTRY: dict[str, type[Recommender]] = {}


def register(cls: type[Recommender]) -> type[Recommender]:
    """Class decorator: make ``cls`` available as ``cls.name``."""
    if cls.name in _REGISTRY and _REGISTRY[cls.name] is not cls:
        raise ValueError(f"two models registered as {cls.name!r}")
    _REGISTRY[cls.name] = cls
    return cls


def available_models() -> list[str]:
    _import_builtin_models()
    return sorted(_REGISTRY)


def model_class(name: str) -> type[Recommender]:
    """The class registered as ``name``."""
    _import_builtin_models()
    if name not in _REGISTRY:
        raise ConfigError(f"unknown model {name!r}; available: {', '.join(sorted(_REGISTRY))}")
    return _REGISTRY[name]


def create_model(name: str, **params: Any) -> Recommender:
    """An unfitted model by registry name; unknown names or parameters are refused with
    the list of what exists."""
    cls = model_class(name)
    unknown = set(params) - set(cls.params)
    if unknown:
        raise ConfigError(f"model {name!r} has no parameter(s) {sorted(unknown)}; its "
                          f"parameters are: {', '.join(cls.params) or '(none)'}")
    return cls(**params)


#: parameters that make each model quick enough for the conformance tests (tiny data)
_CONFORMANCE_PARAMS: dict[str, dict[str, Any]] = {
    "als": {"factors": 8, "iterations": 5, "num_threads": 1},
    "bpr": {"factors": 8, "epochs": 20},
    "item_knn": {"neighbors": 20},
    "ease": {"regularization": 10.0},
    # the conformance data has no item table: content runs on interaction features there
    "content": {"interaction_weight": 1.0},
    "mf": {"factors": 8, "epochs": 5, "batch_size": 128, "learning_rate": 0.02,
           "device": "cpu"},
    "neural_mf": {"factors": 8, "layers": (16,), "epochs": 5, "batch_size": 128,
                  "learning_rate": 0.02, "device": "cpu"},
    "sasrec": {"max_length": 10, "hidden": 16, "blocks": 1, "epochs": 10, "batch_size": 64,
               "learning_rate": 0.02, "validation": False, "device": "cpu"},
    "two_tower": {"dim": 8, "hidden": 16, "epochs": 8, "batch_size": 128,
                  "learning_rate": 0.02, "recent_items": 5, "device": "cpu"},
}


def conformance_params(name: str) -> dict[str, Any]:
    return dict(_CONFORMANCE_PARAMS.get(name, {}))


def _import_builtin_models() -> None:
    # importing the modules runs their @register decorators
    from recstack.models import (  # noqa: F401
        als,
        baselines,
        bpr,
        content,
        ease,
        knn,
        mf,
        sasrec,
        two_tower,
    )
