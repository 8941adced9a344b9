"""Rankers registered by name, so that experiment files and the two-stage model can name
them with parameters."""

from __future__ import annotations

from typing import Any

from recstack.pipeline.rankers.base import Ranker
from recstack.registry import Registry


def create_ranker(name: str, **params: Any) -> Ranker:
    """An unfitted ranker by registry name (parameters are stored; checked at fit)."""
    return ranker_class(name)(**params)


def _import_builtin_rankers() -> None:
    # importing the modules runs their @register decorators; none imports its heavy
    # library (lightgbm, scikit-learn, torch) before it is used
    from recstack.pipeline.rankers import dcn, gbdt, linear, multitask, wide_deep  # noqa: F401


RANKERS: Registry[Ranker] = Registry("ranker", _import_builtin_rankers)
#: class decorator: make a ranker available as its ``name``
register = RANKERS.register
available_rankers = RANKERS.names
ranker_class = RANKERS.get
