"""Classes registered by name, so that experiment files, chains and saved artifacts can name
them: one registry each for models, rankers and re-rankers, all behaving alike."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from recstack.errors import ConfigError, described_value, shown_given

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
            # a table of rows or a long list here was repeated whole, burying the message
            given = shown_given(name)
            if given != described_value(name):
                given = f"{type(name).__name__} {given}"
            raise ConfigError(f"a {self.kind} is named by a string such as "
                              f"{min(self._classes, default='name')!r}; got {given}"
                              f"{declared_hint(name) if self.kind == 'model' else ''}"
                              "; available: "
                              f"{', '.join(sorted(self._classes))}")
        if name not in self._classes and (not name.strip() or name.strip() != name):
            # 'ease ' (a trailing space from a copied name, a line break of a file) was
            # "unknown model 'ease ' (did you mean 'ease'?)": the one difference not named
            stripped = name.strip()
            near = (f"; did you mean {stripped!r}?" if stripped in self._classes
                    else _nearest(stripped, self._classes))
            raise ConfigError(f"unknown {self.kind} {name!r} ({blank_around(name)}{near}); "
                              f"available: {', '.join(sorted(self._classes))}")
        if name not in self._classes and (written := _written_otherwise(name, self._classes)):
            raise ConfigError(f"unknown {self.kind} {name!r} ({written}); available: "
                              f"{', '.join(sorted(self._classes))}")
        if name not in self._classes:
            # the one nearest-name rule (a difference of case alone comes first: 'ALS' got
            # no suggestion from difflib's ratio)
            from recstack.specs import did_you_mean

            raise ConfigError(f"unknown {self.kind} {name!r}"
                              f"{did_you_mean(name, sorted(self._classes))}; available: "
                              f"{', '.join(sorted(self._classes))}")
        return self._classes[name]


def declared_hint(value: Any) -> str:
    """For a declaration table given where its name belongs (``{"type": "ease",
    "regularization": 10}``, as an experiment file writes a model): the call to write."""
    if not (isinstance(value, dict) and isinstance(value.get("type"), str)):
        return ""
    settings = "".join(f", {key}={shown_given(item)}" for key, item in value.items()
                       if key != "type")
    return (f", a declaration table: give its type as the name and the rest by keyword, "
            f"create_model({value['type']!r}{settings}) (or create_model(table['type'], "
            "**rest) for a table held in a variable)")


_BLANKS = {" ": "a space", "\t": "a tab", "\n": "a line break", "\r": "a carriage return"}


def _written_otherwise(name: str, known: Any) -> str:
    """``"did you mean 'als'? ..."`` when ``name`` is a registered name written in other
    forms of its letters (full-width ``ａｌｓ`` from an East Asian input method, a ligature,
    mathematical letters): Unicode's compatibility form (NFKC) gives the name, but they
    differ in every letter, so no nearest name was found and none was suggested."""
    import unicodedata

    plain = unicodedata.normalize("NFKC", name)
    if plain == name or plain not in known:
        return ""
    position, char = next((i, c) for i, c in enumerate(name, 1) if not c.isascii())
    return (f"did you mean {plain!r}? {name!r} holds {char!r} at position {position}, "
            f"U+{ord(char):04X} {unicodedata.name(char, 'a character')}: retype it in ASCII")


def blank_around(name: str) -> str:
    """What surrounds ``name``: ``"it ends with a space"``, ``"the name is empty"``."""
    if not isinstance(name, str):
        return f"it is {type(name).__name__} {name!r:.40}, not a name"
    if not name:
        return "the name is empty"
    if not name.strip():
        return "the name holds only spaces, tabs or line breaks"
    parts = []
    if name != name.lstrip():
        parts.append(f"starts with {_blank(name[0])}")
    if name != name.rstrip():
        parts.append(f"ends with {_blank(name[-1])}")
    return "it " + " and ".join(parts)


def describe_character(char: str) -> str:
    """A character as a message names it: ``a space``, ``a tab``, ``'/'``, ``the character
    U+00A0 NO-BREAK SPACE``."""
    if char in _BLANKS or (not char.isprintable() or char.isspace()):
        return _blank(char)
    return repr(char) if char.isascii() else f"{char!r} (U+{ord(char):04X})"


def _blank(char: str) -> str:
    import unicodedata

    if char in _BLANKS:
        return _BLANKS[char]
    name = unicodedata.name(char, "")
    return f"the character U+{ord(char):04X} " + (name or "(a control character)")


def _nearest(name: str, known: Any) -> str:
    """``"; did you mean 'x'?"`` for the nearest of ``known`` (the nearest-name rule of
    :func:`recstack.specs.did_you_mean`), or nothing."""
    from recstack.specs import did_you_mean

    near = did_you_mean(name, sorted(known)) if name else ""
    return "; " + near.strip()[1:-1] if near else ""
