"""Settings that another setting's value switches off, checked in one place for the
two-stage model, the rankers and the re-rankers.

A class declares ``read_only_with = {name: (switch, values)}``: ``name`` is read only while
``switch`` holds one of ``values`` (``negative_rate`` only with ``negatives = "uniform"`` or
``"hard"``, a focal loss's ``focal_gamma`` only with ``loss = "focal"``). Given away from
its default under another value, it was ignored without a word; :func:`refuse_unread_settings`
refuses it at fit, naming the switch. It is not checked when a saved model is read: a model
fitted while such a setting was ignored stays readable, and means what it meant.
"""

from __future__ import annotations

from typing import Any

from recstack.errors import ConfigError

#: what a class declares: setting -> (the setting that decides, the values that read it)
ReadOnlyWith = dict[str, tuple[str, tuple[Any, ...]]]


def refuse_unread_settings(where: str, owner: Any, read_only_with: ReadOnlyWith, *,
                           tune_hint: bool = False) -> None:
    """Raise a :class:`~recstack.errors.ConfigError` for the first setting of ``owner``
    (whose ``params`` declare the defaults) that differs from its default while its switch
    holds none of the values that read it; ``tune_hint`` adds the ``[tune]`` space's
    ``when`` that draws it only where it is read."""
    for name, (switch, reading) in read_only_with.items():
        value, current = getattr(owner, name), getattr(owner, switch)
        if current in reading or value == owner.params[name].default:
            continue
        wanted = " or ".join(_shown(v) for v in reading)
        hint = (f" (in a [tune] space: when = {{{switch} = "
                f"[{', '.join(_shown(v) for v in reading)}]}})" if tune_hint else "")
        raise ConfigError(
            f"{where}: {name} = {value!r} is read only with {switch} = {wanted}, and {switch} "
            f"is {_shown(current)}, so it would be ignored; set {switch} = "
            f"{_shown(reading[0])} to use it, or leave {name} out{hint}")


def _shown(value: Any) -> str:
    """A value as a file would write it (None is no value)."""
    return "None (not set)" if value is None else repr(value)
