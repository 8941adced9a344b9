"""Rankers registered by name, so that experiment files and the two-stage model can name
them with parameters."""

from __future__ import annotations

import difflib
from typing import Any

from recstack.errors import ConfigError
from recstack.pipeline.rankers.base import Ranker

_REGISTRY: dict[str, type[Ranker]] = {}


def register(cls: type[Ranker]) -> type[Ranker]:
    """Class decorator: make ``cls`` available as ``cls.name``."""
    if cls.name in _REGISTRY and _REGISTRY[cls.name] is not cls:
        raise ValueError(f"two rankers registered as {cls.name!r}")
    _REGISTRY[cls.name] = cls
    return cls


def available_rankers() -> list[str]:
    _import_builtin_rankers()
    return sorted(_REGISTRY)


def ranker_class(name: str) -> type[Ranker]:
    """The class registered as ``name``; an unknown name is refused with the list."""
    _import_builtin_rankers()
    if name not in _REGISTRY:
        close = difflib.get_close_matches(str(name), list(_REGISTRY), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ConfigError(f"unknown ranker {name!r}{hint}; available: "
                          f"{', '.join(sorted(_REGISTRY))}")
    return _REGISTRY[name]


def create_ranker(name: str, **params: Any) -> Ranker:
    """An unfitted ranker by registry name (parameters are stored; checked at fit)."""
    return ranker_class(name)(**params)


def _import_builtin_rankers() -> None:
    # importing the modules runs their @register decorators; none imports its heavy
    # library (lightgbm, scikit-learn, torch) before it is used
    from recstack.pipeline.rankers import dcn, gbdt, linear, multitask, wide_deep  # noqa: F401
