"""Models registered by name, so that experiment files can name them with parameters."""

from __future__ import annotations

import difflib
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
        close = difflib.get_close_matches(str(name), list(_REGISTRY), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ConfigError(f"unknown model {name!r}{hint}; available: "
                          f"{', '.join(sorted(_REGISTRY))}")
    return _REGISTRY[name]


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
