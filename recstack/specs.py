"""Small declared objects for the named steps of a run (splits, filters, data sources), and
one registry per kind of step.

A spec is a frozen dataclass whose fields are declared with :func:`option`: a type (the
annotation), a default, a range or a set of choices, and one line of documentation. From
that one declaration come the checks (at construction, in Python), the validation of an
experiment file's table (with the file, the table and the key in every message), the CLI
flags and their help text. A registry maps the one spelling of each step's name to its
spec class, so that experiment files, the CLI and ``recstack tune`` accept the same names.

Example::

    @SPLITS.register("random")
    @dataclass(frozen=True)
    class RandomSplit(Spec):
        \"\"\"Per-user random holdout.\"\"\"

        test_fraction: float = option(0.2, "share of each user's rows held out",
                                      low=0.0, high=1.0, open_low=True, open_high=True)
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import difflib
import fractions
import functools
import inspect
import json
import math
import numbers
import operator
import re
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, ParamSpec, TypeVar

import numpy as np

from recstack.errors import (
    ConfigError,
    RecstackError,
    cut_long_values,
    cut_values_of,
    echoed,
    shown_as_written,
)
from recstack.errors import shown as shown_value

_OPTION = "recstack_option"

#: the largest seed: a seed is a whole number in ``[0, SEED_MAX]`` everywhere an experiment
#: or the command line takes one (the file's top seed, ``[split]`` and ``[tune]`` seeds,
#: ``--seed``), the range that numpy's generators, optuna's sampler, torch and every
#: model's ``seed`` accept (the two-tower model's is 32 bits)
SEED_MAX = 2**32 - 1
#: :data:`SEED_MAX`'s rule as messages say it
SEED_RULE = f"a whole number in [0, {SEED_MAX}] (32 bits, what every seeded part accepts)"
#: the most threads any thread count accepts (models' solvers take a C int; more threads
#: than this is a typo rather than a machine)
MAX_THREADS = 4096
#: the most users an evaluation scores at once (``[evaluation] batch_size``, ``--batch-size``)
BATCH_SIZE_MAX = 10_000_000
#: the largest cut-off K and the most cut-offs one evaluation takes (``[evaluation] ks``,
#: ``Evaluator(ks=...)``, a tuned ``metric = "ndcg@K"``): every list holds ``max(ks)``
#: items per user, so ``ks = [10**12]`` (or thousands of ks) is a typo, not a protocol
K_MAX = 10_000
MAX_CUTOFFS = 100
#: :data:`K_MAX` and :data:`MAX_CUTOFFS` as messages say them
CUTOFF_RULE = f"whole numbers in [1, {K_MAX}], at most {MAX_CUTOFFS} of them"


def cutoffs_problem(ks: Iterable[int]) -> str | None:
    """Why the cut-offs ``ks`` (whole numbers >= 1) are refused by :data:`K_MAX` and
    :data:`MAX_CUTOFFS`, or None; shared by ``[evaluation] ks`` and the evaluator."""
    ks = [int(k) for k in ks]
    if len(ks) > MAX_CUTOFFS:
        return f"{len(ks)} cut-offs, at most {MAX_CUTOFFS} are taken (ks are {CUTOFF_RULE})"
    above = [k for k in ks if k > K_MAX]
    if above:
        return (f"K = {shown_value(above[0])} is above {K_MAX}, the largest cut-off (ks are "
                f"{CUTOFF_RULE})")
    return None


def cutoffs_text(ks: Iterable[int]) -> str:
    """``ks`` as a list for a message, its middle left out when it is long."""
    ks = [int(k) for k in ks]
    if len(ks) <= 12:
        return f"[{', '.join(map(shown_value, ks))}]"
    return (f"[{', '.join(map(shown_value, ks[:3]))}, ..., "
            f"{', '.join(map(shown_value, ks[-2:]))}]")


@dataclass(frozen=True)
class Option:
    """What a spec field accepts beyond its type: a range, choices, and its documentation."""

    doc: str
    low: float | None = None
    high: float | None = None
    open_low: bool = False
    open_high: bool = False
    choices: tuple[Any, ...] | None = None
    #: the " (did you mean ...?)" of a value not among ``choices`` (default: the nearest)
    near: Callable[[Any], str] | None = None
    #: a time given as text (an ISO date): takes a TOML date written unquoted, as a field
    #: declared ``int | str`` does; every other text field refuses one (see :func:`convert`)
    dates: bool = False

    def range_text(self) -> str:
        if self.choices is not None:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        if self.low is not None and self.high is not None:
            return (f"in {'(' if self.open_low else '['}{_number(self.low)}, "
                    f"{_number(self.high)}{')' if self.open_high else ']'}")
        if self.low is not None:
            return f"{'>' if self.open_low else '>='} {_number(self.low)}"
        if self.high is not None:
            return f"{'<' if self.open_high else '<='} {_number(self.high)}"
        return ""

    def problem(self, value: Any) -> str | None:
        """Why ``value`` (already of the right type) is refused, or None."""
        if value is None:
            return None
        if self.choices is not None:
            if literal_choice(value, self.choices) is not _WRONG_TYPE:
                return None
            names = [c for c in self.choices if isinstance(c, str)]
            hint = (self.near(value) if self.near is not None else did_you_mean(
                value, names)) if isinstance(value, str) else ""
            return f"must be {self.range_text()}{hint}"
        numbers = [value] if isinstance(value, int | float) else (
            list(value) if isinstance(value, tuple | list) else [])
        for number in numbers:
            if not isinstance(number, int | float) or isinstance(number, bool):
                continue
            if isinstance(number, float) and not math.isfinite(number):
                return "must be a finite number"
            too_low = self.low is not None and (number < self.low
                                                or (self.open_low and number == self.low))
            too_high = self.high is not None and (number > self.high
                                                  or (self.open_high and number == self.high))
            if too_low or too_high:
                return f"must be {self.range_text()}{self._share_hint(number)}"
        return None

    def _share_hint(self, number: float) -> str:
        """For a share (a range of 0 to 1) given a whole number above 1, what it was
        likely meant as: a count (``test_users = 5`` for five users: the share is the count
        over the total, which only the data know) or a percentage (``20`` for 20%). Else
        nothing: "must be in (0, 1)" alone did not say why 5 was wrong."""
        if (self.low != 0 or self.high != 1 or not 1 < number < _COUNT_HINT_MAX
                or not float(number).is_integer()):
            return ""
        whole = int(number)
        doc = self.doc.strip()
        bare = doc[2:] if doc.startswith("a share") else doc
        percent = f"{whole}% is {_number(whole / 100)}" if whole <= 100 else ""
        if not bare.startswith(("share", "fraction")):
            return f"; {percent}" if percent else ""
        # the things counted, named in the doc: "share of each user's rows held out"
        counted = re.match(r"(?:share|fraction) of (?:(?:each|a|an|the) )?(?:[\w-]+ )?"
                           r"(?:[\w-]+'s )?(\w+s)\b", bare)
        things = counted.group(1) if counted else ""
        count = (f"{whole:,} {things} would be the share {whole:,} / the number of {things}"
                 if things else
                 f"a count of {whole:,} would be the share {whole:,} / the total")
        # after "; ": the command line says ", got 5" at the end of the refusal's first part
        return (f"; it is the {bare}, not a count{' or a percentage' * bool(percent)}: "
                f"{count} ({whole:,} of 1,000 is {_number(whole / 1000)})"
                f"{f', and {percent}' if percent else ''}")


#: counts above this given for a share are not spelt out as a share (a typo, not a count)
_COUNT_HINT_MAX = 10**9


def option(default: Any = dataclasses.MISSING, doc: str = "", *, low: float | None = None,
           high: float | None = None, open_low: bool = False, open_high: bool = False,
           choices: Iterable[Any] | None = None, near: Callable[[Any], str] | None = None,
           dates: bool = False) -> Any:
    """Declare a spec field: its default (omit it for a required field), its one line of
    documentation and the values it accepts (a closed or open range, or choices; ``near``
    gives the "did you mean" of a value that is not one of them; ``dates``: a text field
    that is a time, which takes a TOML date written unquoted)."""
    declared = Option(doc, low, high, open_low, open_high,
                      None if choices is None else tuple(choices), near, dates)
    return dataclasses.field(default=default, metadata={_OPTION: declared})


class _NamedArguments(type):
    """The type of :class:`Spec`: a spec's ``__init__`` (written by ``@dataclass`` after the
    class is made, so wrapped on the first call) refuses arguments that do not fit by
    :func:`arguments_named`: ``SyntheticSource(n_user=3)`` and ``DriftSpec(treshold=1)``
    were Python's TypeError naming ``__init__()`` and not the near field, for every spec
    built from Python, registered or not."""

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        # the class that defines the __init__ called (a subclass may inherit it)
        owner = next(c for c in cls.__mro__ if "__init__" in c.__dict__)
        init = owner.__dict__["__init__"]
        if owner is not object and not hasattr(init, "__wrapped__"):
            owner.__init__ = arguments_named(init)  # type: ignore[misc]
        return super().__call__(*args, **kwargs)


class Spec(metaclass=_NamedArguments):
    """Base of the declared steps: checks every field against its declaration on creation."""

    #: the registry name, set by :meth:`Registry.register`
    kind_name: ClassVar[str] = ""

    def __post_init__(self) -> None:
        for name, (hint, declared, _) in fields_of(type(self)).items():
            value = getattr(self, name)
            converted = convert(value, hint, dates=declared.dates)
            # (the value as written, shown(): repr said "seed = np.float64(3.0)", and of
            # an integer of thousands of digits was itself a ValueError)
            if converted is _WRONG_TYPE:
                if is_time(hint):
                    # in Python, one rule and one message for a time, as temporal_split()
                    # and TimeWindow say it (TemporalSplit(cutoff=5.0) was "expected a
                    # time", without "write 5 without the decimal point")
                    from recstack.data.dates import to_unix_seconds

                    try:
                        to_unix_seconds(value, name)
                    except RecstackError as error:
                        raise ConfigError(f"{self.kind_name or type(self).__name__}: "
                                          f"{error}") from None
                # k_core(user_min="2") and user_min=2.0 said only "expected an integer",
                # without the spelling an experiment file's user_min = "2" is told
                raise ConfigError(f"{self.kind_name or type(self).__name__}: {name} = "
                                  f"{shown_value(value)}: expected {type_text(hint)}"
                                  f"{spelling_said(value, hint, declared, name)}")
            if converted is not value:
                object.__setattr__(self, name, converted)
            problem = declared.problem(converted)
            if problem:
                raise ConfigError(f"{self.kind_name or type(self).__name__}: {name} = "
                                  f"{shown_value(value)}: {problem}")
        self.check()

    def check(self) -> None:
        """Checks across fields (e.g. "give cutoff or test_fraction, not both"); raise
        :class:`ConfigError` naming the fields."""

    def params(self) -> dict[str, Any]:
        """The fields as a plain dict (what an experiment file would hold)."""
        declared = dataclasses.fields(self)  # type: ignore[arg-type]
        return {f.name: getattr(self, f.name) for f in declared}


S = TypeVar("S", bound=Spec)


class Registry(Generic[S]):
    """Spec classes by their one name.

    Parameters
    ----------
    kind
        What the names name, for messages: ``"split method"``, ``"filter type"``.
    """

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._entries: dict[str, type[S]] = {}

    def register(self, name: str) -> Callable[[type[S]], type[S]]:
        """Class decorator: make the spec available as ``name``."""
        def decorate(cls: type[S]) -> type[S]:
            if name in self._entries and self._entries[name] is not cls:
                raise ValueError(f"two {self.kind}s registered as {name!r}")
            cls.kind_name = name
            self._entries[name] = cls
            return cls
        return decorate

    def unregister(self, name: str) -> None:
        """Remove ``name`` (for tests that register a toy spec)."""
        self._entries.pop(name, None)

    def names(self) -> list[str]:
        return list(self._entries)

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def get(self, name: Any, where: str = "") -> type[S]:
        """The spec class registered as ``name``; an unknown name is refused with a
        "did you mean" and the list of names."""
        if isinstance(name, str) and name in self._entries:
            return self._entries[name]
        if not isinstance(name, str):
            # method = 5 was "5 is not a known split method": the name's type comes first
            raise ConfigError(f"{where}expected a string, the name of a {self.kind} in "
                              f"quotes, got {shown_as_written(name)}; known: "
                              + ", ".join(self._entries))
        raise ConfigError(f"{where}{name!r} is not a known {self.kind}"
                          f"{did_you_mean(name, self._entries)}; known: "
                          + ", ".join(self._entries))

    def build(self, name: str, values: Mapping[str, Any], where: str = "", *,
              key_text: Callable[[str], str] = str) -> S:
        """The spec ``name`` from a table of values, every problem reported at ``where``
        with the key (see :func:`build_spec`)."""
        return build_spec(self.get(name, where), values, where, key_text=key_text)


def build_spec(cls: type[S], values: Mapping[str, Any], where: str = "", *,
               key_text: Callable[[str], str] = str) -> S:
    """Create ``cls`` from ``values`` (an experiment table or parsed flags).

    Unknown keys are refused with a "did you mean"; each value is checked against its
    declaration, so that the message names the key: ``x.toml: [split] test_fraction =
    1.5: must be in (0, 1)``. ``key_text`` spells a key in messages (the CLI gives
    ``--test-fraction`` for ``test_fraction``).
    """
    declared = fields_of(cls)
    what = f" for {cls.kind_name}" if cls.kind_name else ""
    if not isinstance(values, Mapping):
        # None was "'NoneType' object is not iterable", a text's letters were read as keys
        # ("unknown key 't'") and a list's pairs as one key each
        example = next(iter(declared), "key")
        raise ConfigError(f"{where}expected a table of the options{what} (key = value, in "
                          f"Python a dict such as {{{example!r}: ...}}), got "
                          f"{type(values).__name__} {_show(values)[:60]}")
    refuse_case_twins(values, declared, where, key_text=key_text)
    for key in values:
        if key not in declared:
            # as every other unknown name: a look-alike letter (a Cyrillic е in
            # 'n_thrеads') is named, where "did you mean 'n_threads'?" showed no difference
            hint = did_you_mean(key, declared, spelled=key_text)
            raise ConfigError(f"{where}unknown key {key_text(key)!r}{what}{hint}; "
                              f"known keys: {', '.join(map(key_text, declared)) or '(none)'}")
    converted: dict[str, Any] = {}
    for key, (hint, option_, required) in declared.items():
        if key not in values:
            if required:
                raise ConfigError(f"{where}missing key {key_text(key)!r}{what} ({option_.doc})")
            continue
        value = values[key]
        result = convert(value, hint, dates=option_.dates)
        if result is _WRONG_TYPE:
            wanted = option_.range_text() if option_.choices is not None else type_text(hint)
            quote = date_as_text_hint(value, hint, key_text(key), option_.dates
                                      or option_.choices is not None)
            if quote:
                # partitions = 1979-05-27: a TOML date, where only a time takes one (it was
                # read as the folder '1979-05-27', and a name or path as that text)
                raise UnquotedDateError(f"{where}{key_text(key)} = {_show(value)}: expected "
                                        f"{wanted}{quote}", key)
            if isinstance(value, datetime.time):
                # TOML's local time (cutoff = 07:32:00): a moment of no particular day
                wanted += (", not a time of day alone; give the date too, e.g. "
                           f"2020-01-31T{value.isoformat()}")
            said = spelling_said(value, hint, option_, key_text(key))
            raise ConfigError(f"{where}{key_text(key)} = {_show(value)}: expected {wanted}"
                              f"{said}")
        problem = option_.problem(result)
        if problem:
            raise ConfigError(f"{where}{key_text(key)} = {_show(value)}: {problem}")
        converted[key] = result
    try:
        return cls(**converted)
    except ConfigError as error:
        # a check across fields; its message starts with the spec name, which `where` holds
        message = str(error)
        prefix = f"{cls.kind_name}: "
        message = message[len(prefix):] if message.startswith(prefix) else message
        message = _values_as_given(message, values, converted)
        raise ConfigError(where + keys_as_given(message, declared, key_text)) from None


def spelling_said(value: Any, hint: Any, option_: Any, key: str) -> str:
    """:func:`number_spelling_hint` for a spec field ``key`` refused for its type, held to
    the field's own check (``option_``): a number spelt in quotes (``"2"``) or with a point
    where a whole number goes (``2.0``) is told how to write it where that spelling passes,
    and that it is refused too where it does not (``user_min = 0.0``: not "write
    user_min = 0", refused next). One rule for a spec built from a file, from flags
    (:func:`build_spec`) and from Python (:class:`Spec`): in Python, ``k_core(user_min="2")``
    said only "expected an integer"."""
    try:
        said = number_spelling_hint(value, hint, key)
    except Exception:  # an array or an odd object: no hint, the refusal stands
        return ""
    unquoted = None
    if said.startswith(" (a number in quotes") and isinstance(value, str):
        unquoted = _unquoted_problem(value, hint, option_)
        start = " (a number in quotes is text"
    elif (said.startswith(" (a whole number is written in digits alone")
          and isinstance(value, float | np.floating)):  # (not a list's item)
        number = convert(int(value), hint)
        problem = option_.problem(number) if number is not _WRONG_TYPE else None
        unquoted = (str(int(value)), problem) if problem else None
        start = " (a whole number is written in digits alone"
    if unquoted:
        # test_fraction = "inf" was told to write test_fraction = inf, refused next
        return (f"{start}, and {f'{key} = ' if key else ''}{unquoted[0]} "
                f"{'unquoted ' if isinstance(value, str) else ''}is refused too: "
                f"{unquoted[1]})")
    return said


def _unquoted_problem(value: Any, hint: Any, option_: Any) -> tuple[str, str] | None:
    """The number ``value`` (text) names, as TOML writes it, and what the option's own
    check says of it; None when it takes it (or ``value`` names no number)."""
    if not isinstance(value, str) or endless_integer_problem(value) is not None:
        return None  # (its hint names its length: "1000...0" is no inf)
    for cast in (int, float):
        try:
            number = number_from_text(value, cast)
        except ValueError:
            continue
        result = convert(number, hint)
        written = toml_number_text(value, number)
        if (result is _WRONG_TYPE and isinstance(number, float) and number.is_integer()):
            # user_min = "0e0": told to write user_min = 0, which its check refuses
            result, written = convert(int(number), hint), str(int(number))
        if result is not _WRONG_TYPE:
            problem = option_.problem(result)
            return (written, problem) if problem else None
    return None


def _values_as_given(message: str, values: Mapping[str, Any], converted: Mapping[str, Any]
                     ) -> str:
    """``message``, from a check across fields, with each ``key = value`` it shows of a
    converted value written as given: the check sees the spec's values, so it said
    ``rating_range = [5.0, 1.0]`` of ``[5, 1]`` in a file and of ``--rating-range 5,1``."""
    for key, result in converted.items():
        if isinstance(result, str | bool) or result is None:
            continue  # shown as given already
        shown = _show(values[key])
        renderings = {repr(result), str(result)}
        if isinstance(result, tuple | list):
            renderings |= {repr(list(result)), repr(tuple(result))}
        given = f"{key} = {shown}"
        for rendering in renderings - {shown}:
            # the replacement escaped: the text as it is ('\\' in it stays)
            message = re.sub(rf"(?<![\w.]){re.escape(key)} = {re.escape(rendering)}(?![\w.])",
                             given.replace("\\", "\\\\"), message)
    return message


def keys_as_given(message: str, keys: Iterable[str], key_text: Callable[[str], str] = str
                  ) -> str:
    """``message`` with each of ``keys`` standing as a name of its own written as
    ``key_text`` spells it: a check across fields names the fields (``give cutoff or
    test_fraction, not both``), which on the command line are the flags the user typed
    (``give --cutoff or --test-fraction, not both``)."""
    if key_text is str:
        return message
    for key in sorted(keys, key=len, reverse=True):
        # the replacement as a plain string, not a template ('\\' in it stays)
        spelt = key_text(key).replace("\\", "\\\\")
        message = re.sub(rf"(?<![\w.:=\-'\"]){re.escape(key)}(?![\w(=\-'\"])", spelt,
                         message)
    return message


def fields_of(cls: type) -> dict[str, tuple[Any, Option, bool]]:
    """Each declared field of a spec class: its type hint, its :class:`Option` and whether
    it is required."""
    hints = typing.get_type_hints(cls)
    result = {}
    for spec_field in dataclasses.fields(cls):
        declared = spec_field.metadata.get(_OPTION, Option(""))
        required = (spec_field.default is dataclasses.MISSING
                    and spec_field.default_factory is dataclasses.MISSING)
        result[spec_field.name] = (hints[spec_field.name], declared, required)
    return result


def closest(name: Any, known: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The one of ``known`` nearest to ``name`` (difflib's ratio at least ``cutoff``), or
    None."""
    if not isinstance(name, str):
        return None
    # only names can be near a name: a DataFrame's integer column labels, or None for no
    # names at all, were a TypeError raised while the message was being written
    known = [k for k in known or () if isinstance(k, str)]
    # a difference of case alone ('NDCG', 'Random') is the nearest of all, then one of case
    # and word separators ('Item-KNN', 'most popular' for item_knn, most_popular)
    for fold in (str.lower, _folded):
        same_letters = [k for k in known if fold(k) == fold(name)]
        if same_letters:
            return same_letters[0]
    # difflib's ratio alone is loose on short names ('notes' came out as 'n_items': 4 of
    # their 12 characters in common): a suggestion must also be a slip of the keys (a few
    # letters typed wrong, missed, doubled or swapped) or the name's start or end
    if not known:
        return None
    close = [k for k in difflib.get_close_matches(name, known, n=len(known), cutoff=cutoff)
             if _a_slip(name, k)][:1]
    if not close:
        # difflib compares characters as given: 'ITEM_KNNN' is far from 'item_knn'
        by_fold = {_folded(k): k for k in known}
        close = [by_fold[c] for c in difflib.get_close_matches(_folded(name), list(by_fold),
                                                                n=len(by_fold), cutoff=cutoff)
                 if _a_slip(_folded(name), c)][:1]
    return close[0] if close else None


def _a_slip(name: str, known: str) -> bool:
    """Whether ``name`` could be ``known`` mistyped: one holds the other whole (``popular``
    for ``most_popular``), one is the other shortened (its start and at least half of its
    letters, in order: ``iters`` for ``iterations``, ``lgbm`` for ``lightgbm``), or at most
    a third of the longer one's characters differ, by the edits of one typing slip each (a
    letter wrong, missed, added, or two swapped: ``treshold``, ``ndgc``)."""
    name, known = _folded(name), _folded(known)
    if name in known or known in name:
        return True
    short, long = sorted((name, known), key=len)
    if short[:1] == long[:1] and 2 * len(short) >= len(long):
        letters = iter(long)
        if all(letter in letters for letter in short):  # in order
            return True
    return _slips(name, known) <= max(1, len(max(name, known, key=len)) // 3)


def _slips(a: str, b: str) -> int:
    """The edit distance of ``a`` and ``b`` counting a swap of two neighbouring characters
    as one edit (optimal string alignment)."""
    before: list[int] = []
    row = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + cost)
            if (i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]):
                current[j] = min(current[j], before[j - 2] + 1)
        before, row = row, current
    return row[len(b)]


def _folded(name: str) -> str:
    """``name`` in lower case with '-', ' ' and '.' read as '_'."""
    return name.lower().replace("-", "_").replace(" ", "_").replace(".", "_")


def refuse_case_twins(table: Any, known: Iterable[str], where: str = "", *,
                      key_text: Callable[[str], str] = str) -> None:
    """Refuse a table (a TOML table, a spec's values) holding two keys that differ only in
    case, one of them ``known`` (``method = "random"`` and ``Method = "temporal"``): keys
    are case-sensitive, so one was read and the other was "unknown key 'Method'", naming
    nothing of the key beside it (a key alone in another case is left to the caller's
    "did you mean", which names the key in its case)."""
    if not isinstance(table, Mapping):
        return
    known = [name for name in known if isinstance(name, str)]
    for key in table:
        if not isinstance(key, str) or key in known:
            continue
        twin = next((name for name in known if name.lower() == key.lower()), None)
        if twin is None:
            continue
        if twin in table:
            raise ConfigError(f"{where}{key_text(key)!r} and {key_text(twin)!r} are two keys "
                              f"that differ only in case: keys are case-sensitive, and only "
                              f"{key_text(twin)!r} is read; give it once, as "
                              f"{key_text(twin)!r}")


def did_you_mean(name: Any, known: Iterable[str], *,
                 spelled: Callable[[str], str] = str) -> str:
    """`` (did you mean 'x'?)`` for the nearest of ``known``, or nothing. A name holding a
    letter of another script where the nearest is plain ASCII (``most_pоpular`` with a
    Cyrillic о, a full-width ｍ) is told which character it is: the two names print alike,
    and "did you mean 'most_popular'?" alone showed no difference. ``spelled`` writes a
    name as the user typed it (``--test-fraction`` for ``test_fraction``)."""
    near = closest(name, known)
    if not near:
        return ""
    if isinstance(name, str) and near.isascii() and not name.isascii():
        import unicodedata

        shown = spelled(name)
        position, char = next((i, c) for i, c in enumerate(shown, 1) if not c.isascii())
        return (f" (did you mean {spelled(near)!r}? {shown!r} holds {char!r} at position "
                f"{position}, U+{ord(char):04X} {unicodedata.name(char, 'a character')}: "
                "retype it in ASCII)")
    return f" (did you mean {spelled(near)!r}?)"


def table_hint(entry: Any) -> str:
    """The fix for a bare name given where a table ``{type = name, ...}`` belongs (empty for
    anything else): the name alone was refused as having no 'type', with no word on how
    to write it."""
    if not isinstance(entry, str):
        return ""
    return (f" (a bare name: write the table {{type = {entry!r}}}, in Python "
            f"{{'type': {entry!r}}})")


# ------------------------------------------------------------------- types of field values
class WrittenDate(str):
    """The ISO text of a TOML date or date-time written unquoted where text goes (``cutoff
    = 2020-01-01``): text to every reader, shown as the file writes it (its ``repr`` has no
    quotes), so that a message about it does not say the date was written in quotes."""

    __slots__ = ()

    def __repr__(self) -> str:
        return str(self)


class _Wrong:
    def __repr__(self) -> str:
        return "<wrong type>"


_WRONG_TYPE: Any = _Wrong()


def convert(value: Any, hint: Any, *, dates: bool = False) -> Any:
    """``value`` as the type ``hint`` declares (an int where a float is declared becomes a
    float, a list where a tuple is declared a tuple), or ``_WRONG_TYPE``.

    A date (a TOML date or date-time written unquoted, numpy's ``datetime64``) is text, its
    ISO text, only where a time goes: a field declared ``int | str`` (:func:`is_time`) or
    one whose option says ``dates=True``. Any other text field refuses it: ``partitions =
    1979-05-27`` was read as a folder named ``1979-05-27``, a name or path as that text."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        members = typing.get_args(hint)
        dates = dates or is_time(hint)
        # an exact match first, so that 3 stays an int in `int | str`
        for member in members:
            if _exact(value, member):
                return convert(value, member, dates=dates)
        for member in members:
            result = convert(value, member, dates=dates)
            if result is not _WRONG_TYPE:
                return result
        return _WRONG_TYPE
    if hint is type(None):
        return None if value is None else _WRONG_TYPE
    if origin is typing.Literal:
        return literal_choice(value, typing.get_args(hint))
    if origin in (tuple, list):
        if isinstance(value, np.ndarray) and value.ndim == 1 \
                and value.dtype.kind not in "mM":
            # a 1-D array (cut-offs computed with numpy: EvaluationSpec(ks=np.array([5]))),
            # as the evaluator and the models take one; it was "expected a list"
            value = list(value)
        if not isinstance(value, list | tuple):
            return _WRONG_TYPE
        args = typing.get_args(hint)
        if origin is tuple and args and args[-1] is not Ellipsis:
            if len(value) != len(args):
                return _WRONG_TYPE
            items = [convert(v, a, dates=dates) for v, a in zip(value, args, strict=True)]
        else:
            item_hint = args[0] if args else Any
            items = [convert(v, item_hint, dates=dates) for v in value]
        if any(item is _WRONG_TYPE for item in items):
            return _WRONG_TYPE
        return tuple(items) if origin is tuple else list(items)
    if origin is dict:
        return value if isinstance(value, dict) else _WRONG_TYPE
    if hint is Any:
        return value
    if hint is bool:
        # numpy's bool (a flag computed with numpy, ``by_time=np.True_``) is true or false,
        # as the data layer's flags read it (``flag_values``); it was refused as "by_time =
        # True: expected true or false"
        return bool(value) if isinstance(value, bool | np.bool_) else _WRONG_TYPE
    # numbers.Integral / Real also take numpy's scalars (a seed or a cutoff computed with
    # numpy), which become plain Python numbers
    if hint is float:
        # a Decimal is a number too (not a numbers.Real): min_value(Decimal("3.5"))
        if isinstance(value, bool) or not isinstance(value, numbers.Real | decimal.Decimal):
            return _WRONG_TYPE
        if isinstance(value, np.floating) and value.dtype.itemsize < 8:
            # a float32 is the number it shows (0.2, not 0.20000000298023224), as the
            # models' hyperparameters and the data layer read one
            return float(str(value))
        return finite_or_infinite(value)
    if hint is int:
        # a whole exact number (Decimal(2), Fraction(4, 2)) is the int it names, as a
        # model's factors and the generator's n_users read it: leave_last_out(n=Decimal(2))
        # and KCore(Decimal(5)) were refused as "expected an integer" (a float, 2.0, stays
        # refused, as factors=64.0 is)
        value = whole_exact_as_int(value)
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            return _WRONG_TYPE
        return value if type(value) is int else int(value)
    if hint is str and isinstance(value, np.str_):
        return str(value)  # numpy's text (a name taken from an array) as Python's
    if hint is str and isinstance(value, datetime.date | np.datetime64) and not dates:
        return _WRONG_TYPE
    if hint is str and isinstance(value, datetime.date):
        # a TOML date or date-time written unquoted (cutoff = 2020-01-01): its ISO text,
        # which every time option reads, shown unquoted as the file writes it (a name
        # refused later said "metric = '1979-05-27'", as if it had been written in quotes)
        return WrittenDate(value.isoformat())
    if hint is str and isinstance(value, np.datetime64) and not np.isnat(value):
        # numpy's moment (a datetime64 column's max, say) as the ISO text of the same UTC
        # moment, as temporal_split reads it (a window's start was "expected an integer or
        # a string"); NaT, no moment, stays refused
        return f"{str(value.astype('datetime64[s]'))}+00:00"
    if isinstance(hint, type):
        return value if isinstance(value, hint) else _WRONG_TYPE
    return value


def _takes_text(hint: Any) -> bool:
    """Whether ``hint`` takes text somewhere: ``str``, ``str | None``, a list of strings."""
    if hint is str:
        return True
    if typing.get_origin(hint) in (dict, typing.Literal):
        return False  # a table, or named choices: quoting would not make it right
    return any(_takes_text(member) for member in typing.get_args(hint)
               if member is not Ellipsis)


def _holds_date(value: Any) -> Any:
    """The first TOML date, date-time or time of day in ``value`` (or one of its list's
    items), else None."""
    if isinstance(value, datetime.date | datetime.time):
        return value
    if isinstance(value, list | tuple):
        return next((item for item in value
                     if isinstance(item, datetime.date | datetime.time)), None)
    return None


class UnquotedDateError(ConfigError):
    """A TOML date, date-time or time of day written unquoted where text that is not a time
    goes; ``key`` lets the file's reader (:func:`recstack.config.dated_lines`) name its
    line, which the spec refusing it does not know."""

    def __init__(self, message: str, key: str) -> None:
        super().__init__(message)
        self.key = key


def date_as_text_hint(value: Any, hint: Any, key: str, dates: bool = False) -> str:
    """The end of the refusal of a TOML date, date-time or time of day written unquoted
    where text that is not a time goes (a name, a path: ``partitions = 1979-05-27``): what
    it is, and how to quote it if it is meant as text; empty for anything else and for a
    field that is a time (``int | str`` or ``dates=True``), whose own words apply."""
    date = _holds_date(value)
    if date is None or dates or is_time(hint) or not _takes_text(hint):
        return ""
    kind = ("time of day" if isinstance(date, datetime.time) else "date-time"
            if isinstance(date, datetime.datetime) else "date")
    written = f'"{date.isoformat()}"'
    fixed = (written if not isinstance(value, list | tuple) else
             "[" + ", ".join(f'"{item.isoformat()}"' if isinstance(
                                 item, datetime.date | datetime.time) else _show(item)
                             for item in value) + "]")
    return (f" ({date.isoformat()} unquoted is a TOML {kind}, which only a time setting "
            f"takes; if it is meant as text, quote it: {f'{key} = ' if key else ''}{fixed})")


def literal_choice(value: Any, choices: Iterable[Any]) -> Any:
    """The one of ``choices`` (a ``Literal``'s values, an option's choices) that ``value``
    names, or ``_WRONG_TYPE``. Only a single text, number, true/false or None is compared:
    ``value in choices`` was numpy's "truth value of an array ... is ambiguous" for an
    array of names, a traceback where the message names the choices. Text matches text
    and true/false matches true/false only (``True`` is not the choice ``1``, nor ``1.0``
    the choice ``1`` for an integer choice); numpy's text, numbers and bools become the
    plain choice they name."""
    if value is not None and not isinstance(
            value, str | bool | np.bool_ | numbers.Number | decimal.Decimal):
        return _WRONG_TYPE
    for choice in choices:
        if value is None or choice is None:
            if value is choice:
                return choice
            continue
        if isinstance(choice, str) != isinstance(value, str):
            continue
        if isinstance(choice, bool) != isinstance(value, bool | np.bool_):
            continue
        if (isinstance(choice, numbers.Integral) and not isinstance(choice, bool)
                and not isinstance(whole_exact_as_int(value), numbers.Integral)):
            continue  # 1.0 is not the integer choice 1, as factors=64.0 is not an int
        if choice == value:
            return choice
    return _WRONG_TYPE


def whole_exact_as_int(value: Any) -> Any:
    """A whole exact number (``Decimal("20")``, ``Fraction(20, 1)``) as the int it names,
    anything else as given (``Decimal("2.5")``, ``Decimal("NaN")``, a float), for the
    caller to refuse as given: the one rule by which recstack reads a count or seed given
    as an exact number (``Decimal("20")`` is 20 users, as every count reads it)."""
    if isinstance(value, decimal.Decimal) and value.is_finite() and \
            value == value.to_integral_value():
        return int(value)
    if isinstance(value, fractions.Fraction) and value.denominator == 1:
        return int(value)
    return value


def finite_or_infinite(number: Any) -> float:
    """``float(number)``, or an infinity of its sign for an integer (or fraction) beyond the
    float range, where ``float()`` raises OverflowError: TOML and JSON read integers of any
    length (``test_fraction = 1`` followed by 400 zeros was an OverflowError traceback), and
    an infinity is then refused as "must be a finite number", naming the key. A signalling
    ``Decimal("sNaN")``, which ``float()`` refuses, is NaN (refused as any NaN is)."""
    try:
        return float(number)
    except OverflowError:
        return math.inf if number > 0 else -math.inf
    except ValueError:
        if isinstance(number, decimal.Decimal) and number.is_nan():
            return math.nan
        raise


#: a number as a user writes one: ASCII digits with an optional sign, point and exponent
INTEGER_TEXT = re.compile(r"[+-]?[0-9]+", re.ASCII)
DECIMAL_TEXT = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?", re.ASCII)
_FLOAT_WORD = re.compile(r"[+-]?(nan|inf|infinity)", re.ASCII | re.IGNORECASE)

#: how a number given as text must be written, for messages
NUMBER_TEXT_RULE = "plain ASCII digits, without spaces, '_' separators or other scripts' digits"

#: dashes that a web page, a word processor or a typeset manual puts where a '-' was typed
#: (hyphen, non-breaking hyphen, figure dash, en dash, em dash, horizontal bar, minus
#: sign, small and full-width hyphen-minus): pasted into a command, they are no '-'
LOOKALIKE_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"


def lookalike_dash(text: Any) -> str | None:
    """The first of :data:`LOOKALIKE_DASHES` among the dashes that start ``text``
    (``'\u2014out'``, ``'\u2212' + '1'``, ``'-\u2013out'``), else None."""
    if not isinstance(text, str):
        return None
    lead = re.match(f"[-{LOOKALIKE_DASHES}]+", text)
    if lead is None:
        return None
    return next((c for c in lead[0] if c != "-"), None)


def dash_shown(dash: str) -> str:
    """``'\u2014' (an em dash, U+2014)``: a look-alike dash named so that a reader sees
    why it is not the '-' it looks like."""
    import unicodedata

    name = unicodedata.name(dash, "dash").lower()
    article = "an" if name[:1] in "aeiou" else "a"
    return f"{dash!r} ({article} {name}, U+{ord(dash):04X})"


def lookalike_minus_hint(text: Any, cast: type[int] | type[float] = float) -> str:
    """`` (its '\u2212' (a minus sign, U+2212) is not the ASCII '-': write -1)`` when
    ``text`` is a number but for a look-alike dash where its minus sign belongs (pasted
    from a web page: ``--tolerance \u22121``, ``threshold=\u20130.5``), else "". Such a
    number was refused as "expected a number", which the text seemed to be."""
    dash = lookalike_dash(text)
    if dash is None:
        return ""
    fixed = "-" + re.sub(f"^[-{LOOKALIKE_DASHES}]+", "", text)
    try:
        number_from_text(fixed, cast)
    except ValueError:
        return ""
    return f" (its {dash_shown(dash)} is not the ASCII '-' of a negative number: write {fixed})"


#: a URL scheme and its colon at the start of a location (``s3:``, ``gcs:``), without the
#: ``//`` a URL goes on with; one letter is a Windows drive (``C:/models``), not a scheme
_SCHEME_WITHOUT_SLASHES = re.compile(r"([A-Za-z][A-Za-z0-9+.-]+):(?!//)(/?)(.*)", re.DOTALL)


def home_problem(text: str) -> str | None:
    """Why the ``~`` that starts ``text`` names no home folder (``~nosuchuser/res``: no such
    user; ``~/res`` with HOME set empty, which Python expands to ``/res``), else None. The
    first was a raw RuntimeError from pathlib (or a folder named ``~nosuchuser`` made in
    the working folder), the second wrote the results under ``/``."""
    import os
    from pathlib import Path

    if not isinstance(text, str) or not text.startswith("~"):
        return None
    user = text[1:].split("/", 1)[0].split(os.sep, 1)[0]
    if not user:
        home = os.environ.get("HOME")
        if home is not None and not home.strip():
            return ("starts with ~, the home folder, but HOME is set empty; give the path "
                    "in full or set HOME")
        try:
            Path("~").expanduser()
        except RuntimeError:
            return ("starts with ~, the home folder, but this user has none (HOME is not "
                    "set); give the path in full")
        return None
    try:
        Path(f"~{user}").expanduser()
    except RuntimeError:
        return (f"starts with ~{user}, the home folder of the user {user!r}, but there is "
                f"no such user; give the path in full (or ./~{user}/... for a folder named "
                f"~{user})")
    return None


def mistyped_url(text: str) -> str | None:
    """None unless ``text``, a folder or an fsspec URL (a model registry), starts like a
    URL but lacks its ``//`` (``s3:/bucket/models``, ``s3:bucket``): read as a local
    path, it made a folder named ``s3:`` in the working folder and published there
    without a word. Else what is wrong and the URL meant, as the end of a message."""
    found = _SCHEME_WITHOUT_SLASHES.fullmatch(text)
    if found is None:
        return None
    scheme, _, rest = found.groups()
    return (f"starts like a URL ({scheme}:) but has no '//' after the colon, so it would be "
            f"a local folder named {scheme + ':'!r}; write {scheme}://{rest.lstrip('/')} "
            f"for the {scheme} location, or ./{text} for a local folder")


def number_from_text(text: str, cast: type[int] | type[float]) -> Any:
    """``cast(text)`` for a number written plainly (``5``, ``-0.5``, ``1e-3``; for a float
    also ``nan`` and ``inf``, which the checks after it name), else ValueError. Python's
    int() and float() also read ``'1_0'`` as 10, ``' 5'`` as 5 and the Arabic-Indic
    ``'\u0663'`` as 3, so that a mistyped value (``--variant a=als:0.5_0``) passed as another
    number without a word."""
    patterns = (INTEGER_TEXT,) if cast is int else (DECIMAL_TEXT, _FLOAT_WORD)
    if not isinstance(text, str) or not any(p.fullmatch(text) for p in patterns):
        raise ValueError(f"{text!r:.80} is not a number written as {NUMBER_TEXT_RULE}")
    endless = endless_integer_problem(text) if cast is int else None
    if endless is not None:
        raise ValueError(endless)
    return cast(text)


def endless_integer_problem(text: Any) -> str | None:
    """``a 5,001-digit integer is too long to be a number here (at most 4,300 digits)``
    when ``text`` is an integer written in digits too many for Python to read (its
    int() is a ValueError advising sys.set_int_max_str_digits()), else None: every place
    that reads a whole number from text (a command-line option, a name=value spec, a TOML
    file) names such a number by its length, in the words of
    :func:`recstack.strict_json.refuse_endless_integer`."""
    from recstack.strict_json import refuse_endless_integer

    if not isinstance(text, str) or not INTEGER_TEXT.fullmatch(text.replace("_", "")):
        return None
    digits = text.lstrip("+-").replace("_", "")
    if len(digits) <= 20:  # (no limit is below 640 digits)
        return None
    try:
        refuse_endless_integer(digits)
    except ValueError as error:
        return str(error)
    return None


#: the largest whole number a hint spells out in digits (64-bit integers' reach): 1e300
#: given for an integer setting was told to write it as its 301 digits, a value above
#: every integer setting's bound
_LARGEST_SPELT_WHOLE = 2.0**63


def number_spelling_hint(value: Any, hint: Any, key: str) -> str:
    """How to write ``value``, refused for the type ``hint``, when it is a number spelt as
    the file's other type: quoted (``seed = "3"``, which TOML reads as text) or, where a
    whole number is wanted, with a point (``n_threads = 2.0``); else "". ``key`` names the
    value in the spelling shown (none: the value alone, as for a list's item). Numbers in
    quotes follow the command line's rule (:data:`NUMBER_TEXT_RULE`): ``"1_000"`` and
    ``" 3"``, which Python would read, are told the rule, as ``--seed 1_000`` is; text
    that is no number (``"three"``) gets no hint. Where a list is wanted, a lone value is
    told to be one (``ks = 10``: ``ks = [10]``), and a list's first misspelt item is named
    (``ks = ["10"]``)."""
    items = _list_items_hint(hint)
    if items is not None:
        if isinstance(value, list | tuple):
            for item in value:
                said = number_spelling_hint(item, items, "")
                if said:
                    return said
            return ""
        if convert([value], hint) is not _WRONG_TYPE and not (
                isinstance(value, str) and ("," in value or not value.strip())):
            # (not of a text with a comma: "a,b" may mean two names, not the one in
            # ["a,b"]; metrics = "ndcg" is one name, and was told only "expected a list")
            return f" (a list, even of one value: {f'{key} = ' if key else ''}[{_show(value)}])"
        return ""
    if isinstance(value, bool | np.bool_):
        return boolean_number_hint(hint, key)
    if isinstance(value, str):
        if value.strip().lower() in ("true", "false") and convert(
                value.strip().lower() == "true", hint) is not _WRONG_TYPE:
            # graded = "true" was told only "expected true or false"
            return (f" (true and false are written without quotes, in lower case: "
                    f"{f'{key} = ' if key else ''}{value.strip().lower()})")
        grouped = _grouped_digits_hint(value, hint, key)
        if grouped:
            return grouped
        endless = endless_integer_problem(value)
        if endless is not None:
            # seed = "1000...0" (5,001 digits) was told to write seed = inf, or was
            # tomllib's "Exceeds the limit" traceback in the hint's own reading
            return f" (a number in quotes is text, and {endless})"
        for cast in (int, float):
            try:
                number = number_from_text(value, cast)
            except ValueError:
                try:  # Python's own reading: '1_0', ' 5', '\u0663' look like numbers
                    looks = convert(cast(value), hint) is not _WRONG_TYPE
                except (ValueError, OverflowError):
                    continue
                if looks:
                    return f" (a number is written in {NUMBER_TEXT_RULE})"
                continue
            if isinstance(number, float) and number != number:
                # 'nan' (threshold=nan on the command line) was told to drop quotes it
                # never had, and NaN is no setting's value
                return " (NaN is not a number any setting takes: give a number in digits)"
            if convert(number, hint) is not _WRONG_TYPE:
                return (f" (a number in quotes is text: write it without them, "
                        f"{f'{key} = ' if key else ''}{toml_number_text(value, number)})")
            if (isinstance(number, float) and number.is_integer()
                    and abs(number) <= _LARGEST_SPELT_WHOLE
                    and convert(int(number), hint) is not _WRONG_TYPE):
                # ks = ["1e3"]: no hint, where the number it names is wanted in digits
                return (f" (a number in quotes is text, and a whole number is written in "
                        f"digits alone: {f'{key} = ' if key else ''}{int(number)})")
        for cast in (int, float):
            # threshold=\u22121 (a minus sign pasted from a web page): "expected a number"
            said = lookalike_minus_hint(value, cast)
            fixed = "-" + re.sub(f"^[-{LOOKALIKE_DASHES}]+", "", value)
            if said and convert(number_from_text(fixed, cast), hint) is not _WRONG_TYPE:
                return said
    elif (isinstance(value, float) and value.is_integer()
          and abs(value) <= _LARGEST_SPELT_WHOLE
          and convert(int(value), hint) is not _WRONG_TYPE
          and convert(value, hint) is _WRONG_TYPE):
        return (f" (a whole number is written in digits alone, without a point or an "
                f"exponent: {f'{key} = ' if key else ''}{int(value)})")
    return ""


def boolean_number_hint(hint: Any, key: str) -> str:
    """The hint for true or false given where ``hint`` wants a number (``n_threads = true``,
    ``--workers true``); else "". Python counts a bool as 1 or 0, so a user who wrote
    ``true`` for "use the default" or "on" was told only "expected an integer", which
    reads as if true were some other kind of integer."""
    fraction = convert(1.5, hint) is not _WRONG_TYPE
    whole = not fraction and convert(1, hint) is not _WRONG_TYPE
    if not (whole or fraction):
        return ""  # (no number is wanted: the bare "expected ..." says what is)
    named = f"{key} " if key else "each value "
    return (f" (true and false are not numbers: write {named}as "
            f"{'a whole number in digits' if whole else 'a number in digits'})")


#: digits in groups of three after the first one to three, each group after one separator
#: (a comma, a space of any width, an apostrophe or a point): 20,000
#: ('_' is left to the rule of numbers in text, NUMBER_TEXT_RULE, which names it)
_GROUPED_DIGITS = re.compile(r"([+-]?)(\d{1,3})((?:[,\s'\u2019.]\d{3})+)")
_SEPARATOR_NAMES = {",": "commas", "'": "apostrophes", "\u2019": "apostrophes",
                    ".": "points"}
#: a decimal comma: 0,5 or 2,75 (digits, one comma, digits), where a point is meant
_DECIMAL_COMMA = re.compile(r"([+-]?\d+),(\d+)")


def _grouped_digits_hint(value: str, hint: Any, key: str) -> str:
    """The hint for a number in quotes whose digits are grouped (``n_users = "20,000"``,
    ``"20 000"``, ``"20'000"``, ``"20.000"`` where a whole number is wanted), which no
    reading of numbers takes, or written with a decimal comma (``"0,5"``); else "".
    ``"1,000"`` where a fraction would do may be either: both are named."""
    text = value.strip()
    if len(text) > 4000:
        # int() refuses more than 4,300 digits with a bare ValueError; the check of endless
        # numbers that follows names such text
        return ""
    shown_key = f"{key} = " if key else ""
    grouped = _GROUPED_DIGITS.fullmatch(text)
    separators = set(re.sub(r"[\d+-]", "", text)) if grouped else set()
    if grouped and len(separators) == 1 and not (separators == {"."} and convert(
            number_from_text(text, float), hint) is not _WRONG_TYPE):
        whole = int(grouped.group(1) + grouped.group(2) + re.sub(r"\D", "", grouped.group(3)))
        if convert(whole, hint) is not _WRONG_TYPE:
            separator = separators.pop()
            decimal = _DECIMAL_COMMA.fullmatch(text) if separator in ",." else None
            other = ""
            if decimal is not None:
                fraction = float(f"{decimal.group(1)}.{decimal.group(2)}")
                if convert(fraction, hint) is not _WRONG_TYPE and fraction != whole:
                    other = (f"; if the {'comma' if separator == ',' else 'point'} is a "
                             f"decimal one, {shown_key}{fraction!r}")
            if separator == "." and not other:
                # "20.000" read as a number is 20: the whole number it groups is named
                return (f" (a whole number is written in digits alone, without grouping "
                        f"points: {shown_key}{whole}; if the point is a decimal one, "
                        f"{shown_key}{int(number_from_text(text, float))})")
            return (f" (a number is written in digits alone, without quotes or grouping "
                    f"{_SEPARATOR_NAMES.get(separator, 'spaces')}: {shown_key}{whole}{other})")
    decimal = _DECIMAL_COMMA.fullmatch(text)
    if decimal is not None:
        fraction = float(f"{decimal.group(1)}.{decimal.group(2)}")
        if convert(fraction, hint) is not _WRONG_TYPE:
            return (f" (a number is written with a decimal point, not a comma, and without "
                    f"quotes: {shown_key}{fraction!r})")
    return ""


def toml_number_text(text: str, number: int | float) -> str:
    """``text`` (a number written plainly, read as ``number``) as TOML writes the number:
    ``text`` itself where TOML reads it as that number (``5``, ``+5``, ``1e3``, ``-inf``),
    else TOML's spelling (``05`` -> ``5``, ``.5`` -> ``0.5``, ``4.`` -> ``4.0``,
    ``Infinity`` -> ``inf``), which the bare text would not have been."""
    import tomllib

    try:
        read = tomllib.loads(f"v = {text}")["v"]
    except ValueError:  # not TOML (TOMLDecodeError), or an integer too long to read
        read = None
    if type(read) is type(number) and read == number:
        return text
    if isinstance(number, float) and math.isinf(number):
        return "-inf" if number < 0 else "inf"
    return repr(number)


def _list_items_hint(hint: Any) -> Any:
    """The type of each item, when ``hint`` declares a list (``list[int]``, ``tuple[float,
    float]``, ``tuple[str, ...]``, or one of them or None), else None."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        lists = [member for member in typing.get_args(hint)
                 if typing.get_origin(member) in (list, tuple)]
        return _list_items_hint(lists[0]) if len(lists) == 1 else None
    if origin not in (list, tuple):
        return None
    args = [arg for arg in typing.get_args(hint) if arg is not Ellipsis]
    return functools.reduce(operator.or_, set(args)) if args else None


def _exact(value: Any, hint: Any) -> bool:
    if hint is type(None):
        return value is None
    if isinstance(hint, type) and typing.get_origin(hint) is None:
        # a number read from a flag is a subclass keeping its text (see _show)
        return type(value) is hint or (isinstance(getattr(value, "typed_text", None), str)
                                       and isinstance(value, hint))
    return False


#: what a time field takes, in words: a spec declares a time as ``int | str`` (Unix seconds
#: or an ISO date; the temporal split's cutoff, the time window's bounds), and its refusal
#: said "expected an integer or a string", naming neither seconds nor dates
TIME_TEXT = "a time: whole Unix seconds or an ISO date such as 2020-01-31 or 2020-01-31T12:00:00"


def is_time(hint: Any) -> bool:
    """Whether ``hint`` is how a spec declares a time, ``int | str`` (or with ``None``)."""
    return typing.get_origin(hint) in (typing.Union, types.UnionType) and {
        member for member in typing.get_args(hint) if member is not type(None)} == {int, str}


def type_text(hint: Any) -> str:
    """A type hint as words: ``float | None`` -> ``a number``; ``int | str`` (how a spec
    declares a time) -> :data:`TIME_TEXT`."""
    origin = typing.get_origin(hint)
    if is_time(hint):
        return TIME_TEXT
    if origin in (typing.Union, types.UnionType):
        parts = [type_text(member) for member in typing.get_args(hint)
                 if member is not type(None)]
        return " or ".join(parts)
    if origin is typing.Literal:
        return "one of " + ", ".join(repr(a) for a in typing.get_args(hint))
    if origin in (tuple, list):
        args = typing.get_args(hint)
        if origin is tuple and args and args[-1] is not Ellipsis:
            return f"a list of {len(args)} ({', '.join(type_text(a) for a in args)})"
        # "a list of strings" (it read "a list of a string")
        return f"a list of {_PLURALS.get(args[0], type_text(args[0])) if args else 'values'}"
    if origin is dict:
        return "a table"
    return {int: "an integer", float: "a number", bool: "true or false",
            str: "a string"}.get(hint, getattr(hint, "__name__", str(hint)))


#: the words of a list's members
_PLURALS: dict[Any, str] = {int: "integers", float: "numbers", bool: "true/false values",
                            str: "strings"}


def _number(value: float) -> str:
    # whole numbers in full: 4294967295, not 4.29497e+09
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def toml_shown(value: Any) -> str:
    """A value read from a TOML file, for a message that quotes the file: as TOML writes
    it (:func:`~recstack.errors.shown_as_written`), and text in TOML's double quotes too,
    in lists and tables as well (``ks = ["4"]``, ``metrics = ["ndcg", "ndcg"]``, ``{ a =
    "x" }``): Python's ``['4']`` is a spelling the file refuses, so a user copying the
    message back wrote invalid TOML."""
    if isinstance(value, str):
        # a TOML basic string: JSON's escapes (\", \\, \n, \uXXXX) are TOML's
        return json.dumps(value, ensure_ascii=False)
    if type(value) in (list, tuple) and len(value) <= _TOML_SHOWN_MOST:
        return f"[{', '.join(toml_shown(item) for item in value)}]"
    if type(value) is dict and len(value) <= _TOML_SHOWN_MOST:
        items = ", ".join(f"{_toml_key_shown(key)} = {toml_shown(item)}"
                          for key, item in value.items())
        return f"{{ {items} }}" if items else "{}"
    if type(value) in (list, tuple, dict):
        # past _TOML_SHOWN_MOST items: a block list of 10,000 ids filled the screen
        return echoed(shown_as_written(value))
    return shown_as_written(value)


#: the most items of a list or table written out as TOML (beyond: Python's repr, cut)
_TOML_SHOWN_MOST = 1_000


def _toml_key_shown(key: Any) -> str:
    """A table's key as TOML writes it: bare when it may be, else quoted."""
    if isinstance(key, str) and key and all(c.isascii() and (c.isalnum() or c in "-_")
                                            for c in key):
        return key
    return toml_shown(str(key))


def _show(value: Any) -> str:
    typed = getattr(value, "typed_text", None)
    if isinstance(typed, str) and isinstance(value, int | float | tuple):
        # a number or a list read from a command-line flag: said as typed (1e400, not inf;
        # 5,1, not (5.0, 1.0))
        return typed
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date | datetime.time):
        # as the TOML file writes it, not datetime.time(7, 32)
        return value.isoformat()
    # text, and a list holding text or a TOML date, as the file writes it ("a\"b", not
    # "a"b"; ["x"], not ['x'])
    return toml_shown(value)


# --------------------------------------------------------------- call arguments
_P = ParamSpec("_P")
_R = TypeVar("_R")


def arguments_named(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """``function`` refusing, as a :class:`ConfigError` naming the function and what it
    takes, a call whose arguments do not fit its signature: a misspelt keyword
    (``random_split(data, sed=1)``, with the near name), too many positional arguments, a
    missing or doubly given one (Python's TypeError named none of what would be right).
    Used by the single-machine and the Spark splits, the data loaders and (for a method or
    a dataclass's ``__init__``, whose ``self``/``cls`` is left out of the message, named
    ``Class.method()`` or ``Class()``) the evaluator and ``Interactions.from_arrays``."""
    signature = inspect.signature(function)
    # a static method or a local function named as Python's help names it (``Class.method``),
    # without the ``outer.<locals>.`` of a function made inside another
    name = getattr(function, "__qualname__", function.__name__).rsplit("<locals>.", 1)[-1]
    parameters = list(signature.parameters.values())
    bound = bool(parameters) and parameters[0].name in ("self", "cls")
    if bound:
        name = function.__qualname__.removesuffix(".__init__")
        shown = signature.replace(parameters=parameters[1:])

    @functools.wraps(function)
    def checked(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            signature.bind(*args, **kwargs)
        except TypeError as error:
            if bound:
                raise ConfigError(cut_long_values(_arguments_mistake(
                    _called_name(function, name, args), shown, args[1:], kwargs,
                    str(error)))) from None
            raise ConfigError(cut_long_values(_arguments_mistake(
                name, signature, args, kwargs, str(error)))) from None
        try:
            return function(*args, **kwargs)
        except RecstackError as error:
            cut_values_of(error)  # a value of thousands of characters, cut (ECHO_MOST)
            raise

    return checked


def _called_name(function: Callable[..., Any], name: str, args: tuple[Any, ...]) -> str:
    """``name`` (``Class`` or ``Class.method``) with the class the user called in place of
    the one defining ``function``: a subclass inheriting its parent's ``__init__``
    (``class MySplit(RandomSplit)``) was named as the parent (``RandomSplit() has no
    argument ...``), a class the user never wrote."""
    defining = function.__qualname__.rsplit(".", 1)[0]
    if not args or not name.startswith(defining):
        return name
    called = args[0] if isinstance(args[0], type) else type(args[0])
    return called.__qualname__.rsplit("<locals>.", 1)[-1] + name[len(defining):]


def _arguments_mistake(name: str, signature: inspect.Signature, args: tuple[Any, ...],
                       kwargs: dict[str, Any], problem: str) -> str:
    """The message for a call of ``name`` that ``signature`` cannot bind."""
    parameters = list(signature.parameters.values())
    positional = [p.name for p in parameters
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    keyword_only = [p.name for p in parameters if p.kind == p.KEYWORD_ONLY]
    varying = {p.kind: p.name for p in parameters
               if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}
    usage = _usage(name, parameters)
    # the names a caller can give as name=...: not a *parts or **options, not one taken
    # by position only (union(prts=...) was told "did you mean 'parts'?", which cannot
    # be given so)
    by_keyword = [p.name for p in parameters
                  if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    unknown = [key for key in kwargs if key not in by_keyword]
    star = varying.get(inspect.Parameter.VAR_POSITIONAL)
    if unknown and star is not None and (unknown[0] == star
                                         or did_you_mean(unknown[0], [star])):
        return (f"{name}() takes its {star} as separate positional arguments (*{star}), "
                f"not as {unknown[0]}=...; write {name}(a, b, ...), or {name}(*{star}) "
                f"for a list of them; it takes {usage}")
    if unknown and unknown[0] in positional:
        return (f"{name}() takes {unknown[0]} by position only, not as {unknown[0]}=...; "
                f"it takes {usage}")
    if unknown and inspect.Parameter.VAR_KEYWORD not in varying:
        takes = usage if parameters else f"no arguments: {usage}"
        return (f"{name}() has no argument {unknown[0]!r}"
                f"{_near_argument(unknown[0], by_keyword)}; it takes {takes}")
    if len(args) > len(positional) and star is None:
        # what else the call may give, said only where there is something: "give nothing
        # more by keyword" was said of functions taking no keyword at all
        options = varying.get(inspect.Parameter.VAR_KEYWORD)
        rest = (f"give {', '.join(keyword_only)} by keyword: {usage}" if keyword_only
                else f"give any other value by name (**{options}): {usage}" if options
                else f"call it as {usage}")
        if not positional:
            what = "no arguments" if not (keyword_only or options) else "no positional arguments"
            return f"{name}() takes {what}, got {len(args)}; {rest}"
        return (f"{name}() takes at most {len(positional)} positional argument(s) "
                f"({', '.join(positional)}), got {len(args)}; {rest}")
    doubled = [key for key in kwargs if key in positional[:len(args)]]
    if doubled:
        return (f"{name}() got {doubled[0]} twice, by position and as {doubled[0]}=; give "
                f"it once: {usage}")
    missing = problem.rsplit(":", 1)[-1].strip() if "missing" in problem else ""
    return f"{name}(): missing {missing or 'an argument'}; it takes {usage}"


def _usage(name: str, parameters: list[inspect.Parameter]) -> str:
    """How ``name`` is called, in Python's words: ``split(data, fraction, *, seed=...)``,
    ``union(*parts)``, ``read(path, **options)`` (a ``*parts`` was left out, written
    ``union(, *, caller=...)``)."""
    words: list[str] = []
    for parameter in parameters:
        if parameter.kind == parameter.VAR_POSITIONAL:
            words.append(f"*{parameter.name}")
        elif parameter.kind == parameter.VAR_KEYWORD:
            words.append(f"**{parameter.name}")
        elif parameter.kind == parameter.KEYWORD_ONLY:
            if not any(p.kind in (p.VAR_POSITIONAL, p.KEYWORD_ONLY) for p in
                       parameters[:parameters.index(parameter)]):
                words.append("*")
            words.append(f"{parameter.name}=...")
        else:
            words.append(parameter.name)
    return f"{name}({', '.join(words)})"


#: other libraries' names of the split arguments (scikit-learn's random_state, n_splits)
_ARGUMENT_NAMES_ELSEWHERE = {"random_state": "seed", "rng": "seed", "n_splits": "k",
                             "n_folds": "k", "folds": "k", "test_size": "test_fraction"}


def _near_argument(given: str, taken: list[str]) -> str:
    """`` (did you mean 'x'?)`` for a misspelt argument: the nearest name, one that holds
    ``given`` as a part ('frac' of test_fraction), or the one other libraries call so."""
    near = did_you_mean(given, taken)
    if near or not isinstance(given, str) or len(given) < 3:
        return near
    holding = [name for name in taken if given.lower() in name]
    if len(holding) == 1:
        return f" (did you mean {holding[0]!r}?)"
    elsewhere = _ARGUMENT_NAMES_ELSEWHERE.get(given.lower())
    return f" (did you mean {elsewhere!r}?)" if elsewhere in taken else ""
