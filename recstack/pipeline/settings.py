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


def setting_of_another_step(key: Any, step: str) -> str:
    """``"a feature option: write it ..."`` when ``key``, unknown to ``step``, is a setting
    of another part of the two-stage model (what it is and where to write it), else ``""``.
    ``step`` is ``"features"`` (the model's ``features`` table) or a ranker's name (its
    ``ranker`` table).

    The parts' settings sit in three places: the model's own table (``n_candidates``,
    ``negatives``...), its ``features`` table (``half_life_days``...) and its ``ranker``
    table (``learning_rate``...). One written in the wrong table was "unknown feature
    option(s) ['n_candidates']" or "no parameter 'half_life_days'", which left the reader
    to find where it goes. The caller has checked that ``key`` is no misspelling of one of
    ``step``'s own settings (told with the nearest instead)."""
    if not isinstance(key, str):
        return ""
    from recstack.pipeline.features import _OPTIONS
    from recstack.pipeline.rankers.registry import available_rankers, ranker_class
    from recstack.pipeline.two_stage import TwoStage

    places = []
    if key in TwoStage.params and key not in ("features", "ranker"):
        places.append((f"a setting of the {TwoStage.name} model itself",
                       f"write it in the model's own table, beside ranker and features "
                       f"({key} = ...)"))
    if key in _OPTIONS and step != "features":
        places.append(("a feature option",
                       f"write it in the model's features table (features = {{{key} = ...}})"))
    owners = [name for name in available_rankers()
              if name != step and key in ranker_class(name).params]
    if owners:
        which = (f"the {owners[0]} ranker" if len(owners) == 1 else
                 f"the rankers {', '.join(owners[:-1])} and {owners[-1]}")
        where = (f"write it in the model's ranker table (ranker = {{type = {owners[0]!r}, "
                 f"{key} = ...}})" if step == "features" else
                 "check the ranker's type, or leave it out")
        places.append((f"a setting of {which}", where))
    if not places:
        return ""
    return "; it is also ".join(f"{what}: {fix}" for what, fix in places)
