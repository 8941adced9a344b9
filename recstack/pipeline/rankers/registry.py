"""Rankers registered by name, so that experiment files and the two-stage model can name
them with parameters."""

from __future__ import annotations

from typing import Any

from recstack.errors import ConfigError
from recstack.models.base import refuse_positional
from recstack.pipeline.rankers.base import Ranker
from recstack.pipeline.settings import setting_of_another_step
from recstack.registry import Registry
from recstack.specs import closest


def create_ranker(name: str, *positional: Any, **params: Any) -> Ranker:
    """An unfitted ranker by registry name (parameters are stored; checked at fit);
    parameters given by position are refused, naming the ranker, as ``create_model``
    refuses them (they were Python's "takes 1 positional argument but 2 were given")."""
    if positional:
        cls = ranker_class(name)
        refuse_positional(cls.name, positional,
                          f"give the parameters by name (create_ranker({cls.name!r}, "
                          "name=value, ...))")
    if isinstance(name, dict) and isinstance(name.get("type"), str):
        # a two-stage model's ranker table given whole: the name and the parameters go apart
        settings = {key: value for key, value in name.items() if key != "type"}
        shown = ", ".join([repr(name["type"])] + [f"{k}={v!r}" for k, v in settings.items()])
        raise ConfigError(f"create_ranker takes the name and the parameters apart: "
                          f"create_ranker({shown}); got the table {name!r}")
    cls = ranker_class(name)
    for key in params:
        # a setting of the two-stage model, of its features or of another ranker, written
        # in this ranker's table, is told where it goes (a misspelling of the ranker's own
        # setting is left to the constructor, which names the nearest)
        if key in cls.params or closest(key, cls.params) is not None:
            continue
        elsewhere = setting_of_another_step(key, cls.name)
        if elsewhere:
            raise ConfigError(f"{cls.name}: no parameter {key!r}, which is {elsewhere}; its "
                              f"parameters: "
                              f"{', '.join(cls.params) or 'none'}")
    return cls(**params)


def _import_builtin_rankers() -> None:
    # importing the modules runs their @register decorators; none imports its heavy
    # library (lightgbm, scikit-learn, torch) before it is used
    from recstack.pipeline.rankers import dcn, gbdt, linear, multitask, wide_deep  # noqa: F401


RANKERS: Registry[Ranker] = Registry("ranker", _import_builtin_rankers)
#: class decorator: make a ranker available as its ``name``
register = RANKERS.register
available_rankers = RANKERS.names
ranker_class = RANKERS.get
