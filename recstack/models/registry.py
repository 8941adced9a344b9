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


def create_model(name: str, **params: Any) -> Recommender:
    """An unfitted model by registry name; unknown names or parameters are refused with
    the list of what exists."""
    _import_builtin_models()
    if name not in _REGISTRY:
        raise ConfigError(f"unknown model {name!r}; available: {', '.join(sorted(_REGISTRY))}")
    cls = _REGISTRY[name]
    unknown = set(params) - set(cls.params)
    if unknown:
        raise ConfigError(f"model {name!r} has no parameter(s) {sorted(unknown)}; its "
                          f"parameters are: {', '.join(cls.params) or '(none)'}")
    return cls(**params)


#: parameters that make each model quick enough for the conformance tests (tiny data)
_CONFORMANCE_PARAMS: dict[str, dict[str, Any]] = {}


def conformance_params(name: str) -> dict[str, Any]:
    return dict(_CONFORMANCE_PARAMS.get(name, {}))


def _import_builtin_models() -> None:
    # importing the modules runs their @register decorators
    from recstack.models import baselines  # noqa: F401
