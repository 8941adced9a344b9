"""Classes registered by name, so that experiment files, chains and saved artifacts can name
them: one registry each for models, rankers and re-rankers, all behaving alike."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from recstack.errors import ConfigError

T = TypeVar("T")


class Registry(Generic[T]):
    """Name -> class, filled by a class decorator (:meth:`register`, keyed by the class's
    ``name``); ``import_builtin`` imports the modules whose decorators register the built-in
    classes, on the first lookup (so importing the registry stays cheap)."""

    def __init__(self, kind: str, import_builtin: Callable[[], None]) -> None:
        self.kind = kind
        self._import_builtin = import_builtin
        self._classes: dict[str, type[T]] = {}

    def register(self, cls: type[T]) -> type[T]:
        """Class decorator: make ``cls`` available as ``cls.name``."""
        name: str = cls.name  # type: ignore[attr-defined]
        if name in self._classes and self._classes[name] is not cls:
            raise ValueError(f"two {self.kind}s registered as {name!r}")
        self._classes[name] = cls
        return cls

    def names(self) -> list[str]:
        """Every registered name, sorted."""
        self._import_builtin()
        return sorted(self._classes)

    def get(self, name: Any) -> type[T]:
        """The class registered as ``name``; an unknown name is refused with the closest
        match and the list of names."""
        self._import_builtin()
        if not isinstance(name, str):
            # a list or table here would fail the lookup itself (unhashable), not name it
            raise ConfigError(f"a {self.kind} is named by a string such as "
                              f"{min(self._classes, default='name')!r}; got "
                              f"{type(name).__name__} {name!r}; available: "
                              f"{', '.join(sorted(self._classes))}")
        if name not in self._classes:
            # the one nearest-name rule (a difference of case alone comes first: 'ALS' got
            # no suggestion from difflib's ratio)
            from recstack.specs import did_you_mean

            raise ConfigError(f"unknown {self.kind} {name!r}"
                              f"{did_you_mean(name, sorted(self._classes))}; available: "
                              f"{', '.join(sorted(self._classes))}")
        return self._classes[name]
