"""The contract every recommender follows, and the machinery they share.

A model declares each hyperparameter once, in its ``params`` (a :class:`Param` each: type,
range or choices, default, one line of documentation, optional search range). From that
declaration come the keyword-only constructor (it stores the values as given; its signature
is generated, so ``inspect.signature`` and ``help`` show the parameters), ``validate_params``
(run by :meth:`Recommender.fit`, naming the bad parameter; models add only checks that
involve several parameters), ``get_params``, the "Parameters" section of the class
docstring (:meth:`Recommender.describe_params`) and the default ``search_space`` of
``recstack tune``. :meth:`Recommender.fit` validates the hyperparameters, then calls the
model's ``_fit``. Public methods speak external ids; the base class maps them to indices,
filters seen items, batches users and takes top-K, so each model writes only
``_fit`` and ``_score_users`` (full-catalog scores for a batch of user indices).

Users without training rows
---------------------------
Splits share their id vocabularies, so a model's user vocabulary can hold users with no
training row (e.g. the held-out users of :func:`recstack.data.splits.user_split`). Most
models learned nothing about them: their scores would come from untrained factors or an
empty history. The public methods that take external user ids (:meth:`Recommender.recommend`,
:meth:`Recommender.score`, and model methods built on ``_user_indices``) refuse such users
with a :class:`~recstack.errors.RecstackError` that names them and says what works instead
(``score_histories`` / ``fold_in`` where the model has them), unless the model's
:attr:`Recommender.serves_users_without_history` is True: non-personalised baselines, and
models that rank such users by a documented stand-in (:attr:`Recommender.history_fallback`,
announced with a :class:`PopularityFallbackWarning`). The index-level
:meth:`Recommender.score_users` does not refuse them: it is the evaluator's batch path, and
the evaluator decides which users to score. It scores such a user (in a model that does
not serve them) by item popularity (training users per item), as ``score_histories``
scores an empty history, with a :class:`PopularityFallbackWarning` naming them: the
model's own scores for them were all 0 or untrained, and the list the catalog in index
order or an arbitrary one. A model that serves them by its own popularity stand-in
(:attr:`Recommender.history_fallback`: two-tower, SASRec) keeps that stand-in, with the
same warning. A model with its own non-personalised answer for them says so
in :attr:`Recommender.own_ranking_without_history` (BPR: its learned item bias) and keeps
it, without a warning.
"""

from __future__ import annotations

import copy
import decimal
import fractions
import inspect
import math
import os
import re
import sys
import warnings
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, ClassVar, Self, cast

import numpy as np
import scipy.sparse as sp

from recstack.data._fast_csv import default_threads
from recstack.data.idmap import IdMap, sequence_array
from recstack.data.interactions import (
    ITEM_ID,
    USER_ID,
    Interactions,
    caller_stacklevel,
    refuse_ragged,
)
from recstack.errors import (
    ConfigError,
    RecstackError,
    TrainingFailedError,
    counted,
    digit_count,
    shown,
    shown_given,
    shown_ids,
    shown_number,
)
from recstack.progress import Progress, require_reporter
from recstack.specs import SEED_MAX, SEED_RULE, did_you_mean, number_spelling_hint, table_hint
from recstack.topk import pad_columns, top_k_batched, writable_scores

# Rows of scores computed at once: bounds memory at batch x n_items floats.
DEFAULT_MEMORY_BUDGET_BYTES = 256 * 2**20


class PopularityFallbackWarning(UserWarning):
    """Some users or sequences had no history, so their scores are item popularity (a
    stand-in the model documents), not the model's own."""


#: marks a hyperparameter without a default (the caller must give it)
REQUIRED: Any = inspect.Parameter.empty


class EmptyListWarning(UserWarning):
    """Some users' recommendation lists hold no item at all (e.g. they had interacted with
    every item and seen items were excluded): every slot is empty."""


class _NotGiven:
    """The type of :data:`NOT_GIVEN`."""

    def __repr__(self) -> str:
        return "<required>"


#: the default of a model method's required argument (``score(users, items)``): a call
#: without it reaches :func:`check_call`, which refuses it as a ConfigError naming the
#: model, the method and what it takes. Python's own TypeError ("Recommender.score()
#: missing 1 required positional argument") named the base class, and a wrapper that
#: bound the arguments first moved every warning's place (stacklevel) into the wrapper
NOT_GIVEN: Any = _NotGiven()
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
#: float32's largest value: factors, similarities and scores are float32, so a larger
#: setting overflows to infinity there (a shrink of 1e308 made every similarity 0)
_FLOAT32_MAX = 3.4028234663852886e38
#: float64's largest value: the bound of a setting declared ``computes_in="float64"``
_FLOAT64_MAX = sys.float_info.max
#: float32's smallest normal number (2**-126): a score below it keeps fewer bits, or is 0
FLOAT32_TINY = float(np.finfo(np.float32).tiny)
#: the largest interaction value a model that weights by the values accepts: a product of
#: two such values, summed over a history, stays finite in float32 (the bound saved
#: arrays have too, :data:`recstack.models.persistence._MAX_ABS`)
MAX_WEIGHT = 1e15
#: the largest value below which a model that multiplies interaction values together (a
#: Gram matrix, dot products of rows) refuses training data: products of two such values
#: stay far above float32's smallest normal number (1.2e-38)
MIN_WEIGHT = 1e-15
#: the most iterations, sweeps or epochs a model accepts (``iterations``, ``epochs``): ten
#: times the largest default; more is a typo (2**40 epochs never ends) rather than a fit
MAX_ITERATIONS = 10_000
#: the longest factor or embedding vector a model accepts (``factors``, ``dim``,
#: ``hidden``, NeuMF's ``layers``): wider vectors than this are a typo, and each extra one
#: costs time and memory in every user's and every item's vector. Every model declares its
#: widths with :func:`width_param`, so the bound is checked where every hyperparameter is
#: (:meth:`Configurable.validate_params`, first thing in ``fit``), naming the parameter
MAX_FACTORS = 65_536
#: hyperparameters that say only where a model runs (not what it learns): they may be set
#: to other values after ``fit`` (e.g. ``device="cpu"`` to serve a model trained on a GPU);
#: any other changed hyperparameter is refused by the fitted model's methods
RUNTIME_PARAMS = frozenset({"device", "num_threads", "checkpoint_dir"})


@dataclass(frozen=True)
class Param:
    """One hyperparameter, declared once: its type and allowed values, its default, one line
    of documentation and, optionally, its default search range for ``recstack tune``.

    A model's ``params`` (name -> Param) is the single source of its constructor (keyword-only,
    values stored as given), of :meth:`Recommender.validate_params`,
    :meth:`Recommender.get_params`, the "Parameters" section of its docstring
    (:meth:`Recommender.describe_params`) and its ``search_space``.

    Attributes
    ----------
    kind
        Accepted type(s); ``bool`` is accepted only where ``kind`` is ``bool``.
    low, high
        Range of a number; ``low_inclusive`` / ``high_inclusive`` say whether the bound
        itself is allowed. Floats must also be finite and within the range of the
        type they are computed in (:attr:`computes_in`).
    choices
        The allowed values, when they are a closed set.
    optional
        Whether None is allowed (it then means "not set").
    default
        The constructor's default (:data:`REQUIRED`: none, the caller must give it).
    doc
        One line saying what the parameter does, for the generated documentation.
    element
        For a tuple/list value: the constraint each element must meet.
    pattern, pattern_doc
        For a string: a regular expression it must match in full, and how to say it in an
        error ("'auto', 'cpu', 'cuda' or 'cuda:<n>'").
    search
        Its range in the model's default search space (``{"type": "int" | "float" |
        "categorical", ...}``, see :mod:`recstack.tuning`); None: not tuned by default.
    needs_timestamps
        The parameter acts only on timestamps, so searching it on data without them (e.g. a
        graph-CF split) is pointless; default search spaces leave it out there.
    unique
        For a tuple/list value: each element at most once (a repeated column name would
        count the same feature twice).
    typed_table
        For a dict value: a declaration ``{type = name, ...}``, so a bare name given instead
        is refused with the table to write.
    computes_in
        The float type the model computes this setting in: ``"float32"`` (the default: its
        factors, similarities and scores) bounds a float setting by float32's range;
        ``"float64"`` (a setting used only in float64 or as a Python float, e.g. a
        tolerance) by float64's, and the refusal names which, and why.
    path
        A file or folder path: text or any ``os.PathLike`` (``pathlib.Path``), stored as
        text (:func:`exact_as_declared`), so that the model's parameters stay plain JSON;
        ``~`` is the home folder where it is used (:func:`recstack.atomic.checked_path`).
    added_later
        The setting was added after models of this kind were first saved, and its default
        keeps the behaviour they were fitted under: a saved file without it loads with the
        default (:func:`recstack.models.persistence.load_model`), where any other missing
        setting marks the file as damaged.
    """

    kind: type | tuple[type, ...]
    low: float | None = None
    high: float | None = None
    low_inclusive: bool = True
    choices: tuple[Any, ...] | None = None
    optional: bool = False
    default: Any = REQUIRED
    doc: str = ""
    high_inclusive: bool = True
    element: Param | None = None
    pattern: str | None = None
    pattern_doc: str = ""
    search: dict[str, Any] | None = None
    needs_timestamps: bool = False
    unique: bool = False
    typed_table: bool = False
    path: bool = False
    computes_in: str = "float32"
    added_later: bool = False

    def __post_init__(self) -> None:
        # a declaration's typo ("float46") would have bounded the setting as float32 quietly
        if self.computes_in not in ("float32", "float64"):
            raise ValueError(f"Param: computes_in must be 'float32' or 'float64', got "
                             f"{self.computes_in!r}")

    def check(self, model: str, name: str, value: Any, written: Any = NOT_GIVEN) -> None:
        """Raise a :class:`~recstack.errors.ConfigError` naming ``model`` and ``name`` when
        ``value`` breaks this constraint. ``written``: the value as the user gave it, when
        ``value`` is what it was stored as (:func:`exact_as_declared`: ``10**30`` stored as
        the float ``1e30``, ``Decimal("1e40")`` as ``1e40``), so that the message shows what
        the user wrote, not the stored float ("got 1e+30")."""
        if written is NOT_GIVEN:
            written = value
        if value is None and self.optional:
            return
        if isinstance(value, bool) and self.kind is not bool:
            raise ConfigError(f"{model}: {name} must be {self._kind_name()}, got "
                              f"{shown_given(written)}")
        if isinstance(value, decimal.Decimal | fractions.Fraction) \
                and float in (self.kind if isinstance(self.kind, tuple) else (self.kind,)):
            # an exact number that names no finite float (exact_as_declared keeps it as
            # given): refused as written, for what it is, not as "got nan"
            if isinstance(value, decimal.Decimal) and not value.is_finite():
                raise ConfigError(f"{model}: {name} must be a finite number, got "
                                  f"{shown(written)}")
            raise self._range_error(model, name, shown(written))
        if not isinstance(value, self.kind):
            # a closed set or a pattern says what would be right (device=torch.device("cpu")
            # or dtype=np.float32: "must be str" alone did not say which text)
            allowed = ("" if self.choices is None and self.pattern is None
                       else f" ({self.pattern_doc or self.pattern})" if self.choices is None
                       else f" (one of {', '.join(repr(c) for c in self.choices)})")
            # a hint that writes the value out again only for a value short enough to be
            # repeated whole (a pasted text of thousands of characters was written three times)
            repeatable = shown_given(value) == shown(value)
            hint = table_hint(value) if self.typed_table and repeatable else ""
            if self.typed_table and isinstance(value, Configurable):
                # a constructed model where its declaration belongs (a blend's member)
                hint = (" (a model object: give its table instead, "
                        f"{{'type': {value.name!r}, **model.get_params()}})")
            if self.element is not None and self.element.typed_table:
                # one declaration where a list of them belongs: say the list to write
                # ("ease, als" is read as the names it lists)
                tables = [value] if isinstance(value, dict) else (
                    [{"type": part.strip()} for part in value.split(",") if part.strip()]
                    if isinstance(value, str) else [])
                if tables and repeatable:
                    hint = f" (a list of tables: write {tables!r})"
            elif self.element is not None and self.element.kind is str \
                    and isinstance(value, str) and value.strip() and repeatable:
                # user_features='age' or 'gender, age': a text where a list of them belongs
                # (a tuple of its characters would have been worse, so it is refused)
                names = [part.strip() for part in value.split(",") if part.strip()]
                hint = f" (a list of names: write {names!r})"
            raise ConfigError(f"{model}: {name} must be {self._kind_name()}{allowed}, "
                              f"got {shown_given(written)}{hint}")
        value = cast(Any, value)  # of an accepted kind; the checks below depend on which
        if isinstance(value, float) and not math.isfinite(value):
            raise ConfigError(f"{model}: {name} must be a finite number, got {shown(written)}")
        largest = _FLOAT64_MAX if self.computes_in == "float64" else _FLOAT32_MAX
        if isinstance(value, float) and abs(value) > largest:
            raise self._range_error(model, name, shown(written))
        takes_float = float in (self.kind if isinstance(self.kind, tuple) else (self.kind,))
        if isinstance(value, int) and takes_float and abs(value) > largest:
            # an integer given for a float setting is the float it names: one past float32
            # was refused as "must fit in a 64-bit integer", words for an integer setting
            raise self._range_error(model, name, _shown_setting(written))
        if name == "seed" and isinstance(value, int) and not 0 <= value <= SEED_MAX:
            # one seed rule everywhere (recstack.specs.SEED_MAX), whatever the declaration
            bound = ">= 0" if value < 0 else f"<= {SEED_MAX}"
            raise ConfigError(f"{model}: seed must be {bound}, got {_shown_setting(written)}; a "
                              f"seed is {SEED_RULE}")
        if self.choices is not None and value not in self.choices:
            raise choice_error(name, written, self.choices, model=model, value=value)
        if self.low is not None and (value < self.low or
                                     (value == self.low and not self.low_inclusive)):
            sign = ">=" if self.low_inclusive else ">"
            raise ConfigError(f"{model}: {name} must be {sign} {self.low}, got "
                              f"{_shown_setting(written)}")
        if self.high is not None and (value > self.high or
                                      (value == self.high and not self.high_inclusive)):
            sign = "<=" if self.high_inclusive else "<"
            raise ConfigError(f"{model}: {name} must be {sign} {self.high}, got "
                              f"{_shown_setting(written)}")
        if isinstance(value, float) and value != 0 and self.computes_in == "float32" \
                and np.float32(value) == 0:
            # interaction_weight=1e-300 was float32's 0: the text-only model, told as
            # "with interaction_weight = 0", the setting taken in another meaning
            raise self._too_small_error(model, name, _shown_setting(written))
        if isinstance(value, int) and not takes_float \
                and not _INT64_MIN <= value <= _INT64_MAX:
            # numpy, torch and the compiled solvers take 64-bit integers at most; asked
            # after the declared range, so that a setting with one is told its own bound
            # (factors = 10**30 was told "at most 9223372036854775807" first, where the most
            # is 65536), one message per mistake
            raise ConfigError(f"{model}: {name} must fit in a 64-bit integer (at most "
                              f"{_INT64_MAX}), got {_shown_setting(written)}; {name} is "
                              f"{self.describe()}")
        if self.pattern is not None and not re.fullmatch(self.pattern, value):
            raise ConfigError(f"{model}: {name} must be {self.pattern_doc or self.pattern}, "
                              f"got {shown_given(written)}")
        if self.element is not None:
            as_given = written if isinstance(written, list | tuple) \
                and len(written) == len(value) else value
            for position, item in enumerate(value):
                self.element.check(model, f"{name}[{position}]", item, as_given[position])
        if self.unique and len(set(value)) < len(value):
            repeated = sorted({item for item in value if list(value).count(item) > 1}, key=str)
            raise ConfigError(f"{model}: {name} must name each element once, got "
                              f"{shown_given(written)} "
                              f"(repeated: {', '.join(map(repr, repeated))})")

    def _range_error(self, model: str, name: str, written: str) -> ConfigError:
        """The refusal of a float setting past the range of the type it is computed in
        (:attr:`computes_in`), with that type as the reason: a float64 setting was told
        "recstack computes in float32", a reason that was not true of it."""
        if self.computes_in == "float64":
            return ConfigError(f"{model}: {name} must lie within float64's range (at most "
                               f"1.8e308 in size: {model} computes {name} in float64), got "
                               f"{written}")
        return ConfigError(f"{model}: {name} must lie within float32's range (at most "
                           f"3.4e38 in size: recstack computes in float32), got {written}")

    def _too_small_error(self, model: str, name: str, written: str) -> ConfigError:
        """The refusal of a float setting so near 0 that float32, the type it is computed
        in, holds it as 0 (below half of float32's smallest number, 1.4e-45)."""
        zero_allowed = self.low is None or self.low < 0 or (self.low == 0
                                                            and self.low_inclusive)
        return ConfigError(f"{model}: {name} must be {'0 or ' if zero_allowed else ''}at "
                           f"least 1.4e-45 in size (float32's smallest number: recstack "
                           f"computes in float32, where {written} is 0), got {written}")

    def describe(self) -> str:
        """The constraint in words, e.g. ``"float in [0, 0.5]"``, ``"int >= 1"``."""
        kinds = self.kind if isinstance(self.kind, tuple) else (self.kind,)
        if float in kinds:
            kinds = tuple(k for k in kinds if k is not int)  # an int is accepted as a float
        text = " or ".join(k.__name__ for k in kinds)
        if self.element is not None:
            text += f" of ({self.element.describe()})"
        if self.choices is not None:
            text = "one of " + ", ".join(repr(c) for c in self.choices)
        elif self.pattern is not None:
            text += f": {self.pattern_doc or self.pattern}"
        elif self.low is not None and self.high is not None:
            opening = "[" if self.low_inclusive else "("
            closing = "]" if self.high_inclusive else ")"
            text += f" in {opening}{_number(self.low)}, {_number(self.high)}{closing}"
        elif self.low is not None:
            text += f" {'>=' if self.low_inclusive else '>'} {_number(self.low)}"
        elif self.high is not None:
            text += f" {'<=' if self.high_inclusive else '<'} {_number(self.high)}"
        if self.optional:
            text += ", or None"
        return text

    @property
    def annotation(self) -> Any:
        """The type for the generated constructor's signature."""
        kinds = self.kind if isinstance(self.kind, tuple) else (self.kind,)
        if float in kinds:
            kinds = tuple(k for k in kinds if k is not int)  # int is accepted as a float
        annotation: Any = kinds[0]
        for other in kinds[1:]:
            annotation = annotation | other
        return annotation | None if self.optional else annotation

    def _kind_name(self) -> str:
        kinds = self.kind if isinstance(self.kind, tuple) else (self.kind,)
        return " or ".join(k.__name__ for k in kinds)


def width_param(*, default: Any = REQUIRED, doc: str = "", low: int = 1,
                search: dict[str, Any] | None = None) -> Param:
    """The declaration of a vector width (``factors``, ``dim``, ``hidden``): a whole number
    from ``low`` to :data:`MAX_FACTORS`, so that every model refuses a wider one in
    :meth:`Configurable.validate_params`, naming the parameter, before its data is read."""
    return Param(int, low=low, high=MAX_FACTORS, default=default, doc=doc, search=search)


def choice_error(name: str, given: Any, choices: Sequence[Any], *, model: str | None = None,
                 value: Any = NOT_GIVEN) -> ConfigError:
    """The one refusal of a setting outside its ``choices``, for the Param check and every
    function that takes a choice itself: ``[model: ]name must be one of (...), got X``,
    with the nearest choice where one is near ('NDCG' or 'tfidf' for 'ndcg' or 'tf-idf':
    the spelling that is accepted). ``value`` is ``given`` as read, when it differs."""
    value = given if value is NOT_GIVEN else value
    hint = did_you_mean(value, [c for c in choices if isinstance(c, str)]) \
        if isinstance(value, str) else ""
    return ConfigError(f"{f'{model}: ' if model else ''}{name} must be one of "
                       f"{tuple(choices)}, got {shown_given(given)}{hint}")


def _number(value: float) -> str:
    # a bound such as float32's largest value reads better as 3.4e+38 than as 39 digits
    if abs(value) >= 1e15:
        return f"{value:.2g}"
    return str(int(value)) if float(value).is_integer() else repr(value)


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python scalar it equals; a 0-d array as its scalar and a 1-D
    array as the list of its values (blend weights from an optimiser: "must be list or
    tuple, got array([...])"); lists and tuples element by element; anything else as it
    is. A float32 or float16 is the number it shows (``np.float32(0.7)`` is 0.7, not
    0.699999988...), as the data layer and the metrics' options read one."""
    if isinstance(value, np.floating) and value.dtype.itemsize < 8:
        return float(str(value))
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray) and value.ndim <= 1:
        if value.dtype.kind == "f" and value.dtype.itemsize < 8:
            return [float(str(v)) for v in value.reshape(-1)] if value.ndim else \
                float(str(value[()]))
        return value.tolist()  # Python scalars, as item() gives
    if isinstance(value, list | tuple):
        return type(value)(_plain(v) for v in value)
    return value


def _shown_setting(value: Any) -> str:
    """A refused setting as the user wrote it (:func:`~recstack.errors.shown`), a long
    integer by its digit count and sign (:func:`~recstack.errors.shown_number`): ``factors =
    10**30`` is "a 31-digit integer", ``-10**30`` "a negative 31-digit integer"."""
    if isinstance(value, int) and not isinstance(value, bool):
        written = shown_number(value)
        if value < 0 and not written.startswith("-"):
            written = written.replace("a ", "a negative ", 1)
        return written
    return shown_given(value)


def exact_as_declared(value: Any, param: Param) -> Any:
    """An exact number (``Decimal``, ``Fraction``) given for ``param`` as the plain number
    it names, by the rule the rest of recstack reads them by
    (:func:`~recstack.metrics._validation.exact_as_float` /
    :func:`~recstack.metrics._validation.exact_as_int`): the float where the declaration
    takes a float (``regularization=Decimal("0.05")`` is 0.05), the int where it takes
    whole numbers only (``factors=Decimal("64")`` is 64); a list's elements by the
    element's declaration. They were refused as "must be int or float"; stored converted,
    ``model.json`` stays plain JSON and the changed-after-fit check compares like with
    like. A fraction where a whole number is wanted (``Decimal("2.5")``) stays as given,
    and is refused by the check, shown as written."""
    from recstack.metrics._validation import exact_as_float, exact_as_int

    if isinstance(value, list | tuple) and param.element is not None:
        return type(value)(exact_as_declared(item, param.element) for item in value)
    if param.path and isinstance(value, os.PathLike):
        # checkpoint_dir=Path("runs/ck") was refused as "must be str", where save(path)
        # takes both: one rule for paths, stored as the text they name
        text = os.fspath(value)
        return os.fsdecode(text) if isinstance(text, bytes) else text
    kinds = param.kind if isinstance(param.kind, tuple) else (param.kind,)
    largest = _FLOAT64_MAX if param.computes_in == "float64" else _FLOAT32_MAX
    if isinstance(value, int) and not isinstance(value, bool) and float in kinds \
            and not _INT64_MIN <= value <= _INT64_MAX and abs(value) <= largest:
        # an integer beyond int64 given for a float setting (regularization=10**30) is the
        # float it names: as an int, numpy could not take it (one past the range the
        # setting is computed in is refused by the check, as written)
        return float(value)
    if not isinstance(value, decimal.Decimal | fractions.Fraction):
        return value
    if float in kinds:
        number = exact_as_float(value)
        # Decimal("NaN") or one past the float range stays as written, so that the check
        # refuses it as given ("got Decimal('NaN')", not "got nan")
        return number if math.isfinite(number) else value
    if int in kinds:
        return exact_as_int(value)
    return value


def _holds_exact_number(value: Any) -> bool:
    """Whether ``value`` (or an element of it, at any depth) is a number that
    :func:`exact_as_declared` may store as another one: a ``Decimal``, a ``Fraction`` or an
    integer beyond 64 bits."""
    if isinstance(value, list | tuple):
        return any(_holds_exact_number(item) for item in value)
    if isinstance(value, dict):  # a member's declaration
        return any(_holds_exact_number(item) for item in value.values())
    if isinstance(value, decimal.Decimal | fractions.Fraction):
        return True
    return isinstance(value, int) and not isinstance(value, bool) \
        and not _INT64_MIN <= value <= _INT64_MAX


def canonical_value(value: Any) -> Any:
    """A hyperparameter's value in the one form it is stored in, the form JSON reads back:
    numpy numbers as Python numbers (:func:`_plain`), and every sequence, at any depth
    (inside tables too), as a new list. A model re-created from its saved parameters
    (``model.json``, an experiment file) held ``[16]`` where the original held ``(16,)``,
    the declared default included: the two compared unequal and printed differently though
    they were the same model."""
    return _canonical(value, in_table=False)


def _canonical(value: Any, *, in_table: bool) -> Any:
    """:func:`canonical_value`; inside a table (a member's declaration, whose parameters
    are declared by the model it names) an exact number is the int it names when whole,
    else the float (every float hyperparameter also takes an int), so that the table saves
    to JSON (``{"type": "ease", "regularization": Decimal("10")}`` was "cannot be written
    as JSON"); the model built from the table reads it by its own declaration."""
    value = _plain(value)
    if isinstance(value, list | tuple):
        return [_canonical(item, in_table=in_table) for item in value]
    if isinstance(value, dict):
        return {key: _canonical(item, in_table=True) for key, item in value.items()}
    if in_table and isinstance(value, decimal.Decimal | fractions.Fraction):
        from recstack.metrics._validation import exact_as_float, exact_as_int

        whole = exact_as_int(value)
        if isinstance(whole, int):
            return whole
        number = exact_as_float(value)
        # Decimal("NaN") stays as written, for the member's own check to refuse as given
        return number if math.isfinite(number) else value
    return value


def _constructor(cls: type[Configurable]) -> Callable[..., None]:
    """A keyword-only ``__init__`` for ``cls`` whose signature lists its ``params`` with
    their defaults (so ``inspect.signature``, ``help`` and IDEs show them); it calls
    :meth:`Configurable.__init__`, which stores the values as given."""

    def __init__(self: Configurable, *positional: Any, **params: Any) -> None:
        refuse_positional(getattr(self, "name", type(self).__name__), positional,
                          f"its hyperparameters are given by name ({type(self).__name__}("
                          f"{next(iter(self.params), 'name')}=...)); they are: "
                          f"{', '.join(self.params) or '(none)'}")
        Configurable.__init__(self, **params)

    parameters = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    parameters += [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY,
                                     default=param.default, annotation=param.annotation)
                   for name, param in cls.params.items()]
    __init__.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        parameters, return_annotation=None)
    __init__.__qualname__ = f"{cls.__qualname__}.__init__"
    __init__.__module__ = cls.__module__
    __init__.__doc__ = Configurable.__init__.__doc__
    __init__._from_params = True  # type: ignore[attr-defined]
    return __init__


class Configurable:
    """What every named, parameterised part shares (models, rankers, re-rankers): the
    hyperparameters are declared once in ``params`` (see :class:`Param`), and the
    keyword-only constructor (with a signature generated from them), ``get_params``,
    ``validate_params`` and ``repr`` follow from that one declaration."""

    #: registry name, used by experiment files
    name: ClassVar[str]
    #: the hyperparameters, each declared once
    params: ClassVar[dict[str, Param]] = {}

    if TYPE_CHECKING:
        # The hyperparameters become attributes at run time, from ``params``; declaring
        # each a second time for the type checker would defeat declaring it once.
        def __getattr__(self, name: str) -> Any: ...

    def __init__(self, **params: Any) -> None:
        """Store the hyperparameters as given (keyword-only; validated in :meth:`fit`), numpy
        numbers as the Python numbers they equal (``np.int64(5)`` from an array or a grid
        is the int 5, and saves to JSON as one; a 1-D array is the list of its values); a
        model also stores every tuple, at any depth, as a list, defaults included
        (:func:`canonical_value`), so a model re-created from its parameters read back from JSON
        equals the original and prints the same.
        Every subclass's constructor is this one, with a signature generated from
        ``params``."""
        unknown = [name for name in params if name not in self.params]
        if unknown:
            raise ConfigError(_unknown_params_message(self.name, unknown, self.params,
                                                      type(self)._setting_elsewhere))
        missing = [name for name, param in self.params.items()
                   if param.default is REQUIRED and name not in params]
        if missing:
            raise ConfigError(f"{self.name}: missing hyperparameter(s) {missing}")
        for name, param in self.params.items():
            # a given value is stored by __setattr__ (which keeps it as written where it is
            # stored as another number, for the messages)
            setattr(self, name, params[name] if name in params
                    else self._stored_default(param.default))

    @classmethod
    def _setting_elsewhere(cls, key: str) -> str:
        """What ``key``, no setting of this class, is a setting of and what to do
        (``"a setting of the models als and mf: ..."``), for the refusal of an unknown
        setting; ``""`` when it is no one's. Models name the other models that take it
        (:meth:`Recommender._setting_elsewhere`); other parts tell their own."""
        return ""

    def __setattr__(self, name: str, value: Any) -> None:
        # one rule however a hyperparameter is set: ``model.neighbors = np.int64(5)`` after
        # construction is stored as the constructor stores it (the int 5), where it was
        # refused by fit as "must be int" though create_model(..., neighbors=np.int64(5))
        # was accepted
        if name in type(self).params:
            given = value
            value = self._stored(exact_as_declared(value, type(self).params[name]))
            # the value as written, where it was stored as another number (10**30 as 1e30,
            # Decimal("1e40") as 1e40), for validate_params' messages to show
            written = self.__dict__.setdefault("_written_params", {})
            if _holds_exact_number(given):
                written[name] = given
            else:
                written.pop(name, None)
        elif _new_public_name(self, name):
            # ``model.factorz = 3`` or ``model.regularisation = 0.1`` was stored beside the
            # hyperparameters and silently ignored (the model trained with its default);
            # learned state ends in "_", private state starts with it, and a name near no
            # hyperparameter is the user's own (a subclass's attributes)
            raise ConfigError(_unknown_attribute_message(self, name))
        super().__setattr__(name, value)

    @staticmethod
    def _stored(value: Any) -> Any:
        """A given hyperparameter as the constructor stores it: numpy numbers as Python
        numbers (:func:`_plain`). Models store every sequence as a list too."""
        return _plain(value)

    @staticmethod
    def _stored_default(value: Any) -> Any:
        """A declared default as the constructor stores it: as declared."""
        return value

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # classes that write their own constructor (and their subclasses) keep it
        if "__init__" not in cls.__dict__ and getattr(cls.__init__, "_from_params", False):
            cls.__init__ = _constructor(cls)  # type: ignore[method-assign]

    def validate_params(self) -> None:
        """Check every hyperparameter against its declaration (subclasses add only checks
        that involve several parameters); raises :class:`~recstack.errors.ConfigError`."""
        written = self.__dict__.get("_written_params", {})
        for param, constraint in self.params.items():
            value = getattr(self, param)
            try:
                constraint.check(self.name, param, value, written.get(param, NOT_GIVEN))
            except ConfigError as error:
                # factors=64.0 (a JSON file writes every number with a point) or "64" (text
                # from a command line or a form): say the spelling that is accepted, as an
                # experiment file's settings do (which check each value themselves, and
                # say it in the file's terms)
                hint = number_spelling_hint(value, constraint.annotation, param)
                if not hint:
                    raise
                raise ConfigError(f"{error}{hint}") from None

    def _as_written(self, name: str, position: int | None = None) -> Any:
        """Hyperparameter ``name`` (its element ``position`` when given) as the user wrote
        it, where it was stored as another number (``10**30`` as ``1e30``; a member's
        ``Decimal("1e40")`` as the integer it names), else as stored: for the messages of
        a model built from a declaration (:func:`~recstack.models.registry.create_declared`)
        to show what the user wrote."""
        value = self.__dict__.get("_written_params", {}).get(name, getattr(self, name))
        if position is None:
            return value
        stored = getattr(self, name)
        if not isinstance(value, list | tuple) or len(value) != len(stored):
            return stored[position]
        return value[position]

    def _remember_written(self, given: dict[str, Any]) -> None:
        """Keep the values of ``given`` (a declaration as the user wrote it) that were
        stored as other numbers, for :meth:`validate_params`' messages."""
        written = self.__dict__.setdefault("_written_params", {})
        written.update({name: value for name, value in given.items()
                        if name in self.params and _holds_exact_number(value)})

    @classmethod
    def data_limits(cls, n_users: int, n_items: int) -> dict[str, tuple[int, str]]:
        """Hyperparameters whose valid values depend on the training data's size: name ->
        (the exclusive upper bound for ``n_users x n_items``, the bound in words), so that
        a search space can be kept to them. None here; models with one override this."""
        return {}

    def get_params(self) -> dict[str, Any]:
        """The hyperparameters as stored: ``type(self)(**obj.get_params())`` is the same
        object, unfitted."""
        return {param: getattr(self, param) for param in self.params}

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({params})"


# the constructors generated from ``params`` (this one included) may be regenerated
Configurable.__init__._from_params = True  # type: ignore[attr-defined]


class MissingMethodError(RecstackError, AttributeError):
    """A method of the contract that only some models have (``score_histories``,
    ``fold_in``...) asked of a model without it. An :class:`AttributeError` as well, so
    ``hasattr(model, "fold_in")`` and ``getattr(model, "fold_in", None)`` keep saying no."""


#: methods that only some models have, with what to do instead on a model without one
_OPTIONAL_METHODS: dict[str, str] = {
    "score_histories": "to score users from their interactions, refit the model on data "
                       "that includes them, or use a model that has score_histories",
    "fold_in": "score_histories(histories) scores such users where the model has it; "
               "otherwise refit the model on data that includes them",
    "fit_from": "fit(train) trains it from scratch",
    "warm_compatible": "fit(train) trains it from scratch",
    "item_vectors": "item_embeddings() gives the learned item vectors of the models that "
                    "have them",
    "score_new_items": "refit the model on data that includes the new items",
    "embed_items": "item_embeddings() gives the learned item vectors of the models that "
                   "have them",
    "loss": "the fit's progress reports what a model logs while training",
    "candidates": "recommend(users, k) gives each user's list",
    "rerank_lists": "recommend(users, k) gives each user's list",
    "recommend_sequences": "recommend(users, k) gives each user's list",
    "score_sequences": "score_users / recommend score the users the model trained on",
    "from_fitted": "Blend.from_fitted(models, train, validation=valid) blends models fitted "
                   "already",
    # scikit-learn's names: a model is re-created from its parameters instead, which
    # checks every name (a misspelt one gets a "did you mean")
    "set_params": "hyperparameters are given to the constructor: create_model(model.name, "
                  "**{**model.get_params(), 'name': value}) makes the model with new ones "
                  "(unfitted)",
    "clone": "create_model(model.name, **model.get_params()) makes an unfitted copy with the "
             "same hyperparameters",
}


class Recommender(Configurable, ABC):
    """Base class of all recommenders (see the module docstring for the contract)."""

    #: the hyperparameters, each declared once (see :class:`Param`): the constructor,
    #: validation, ``get_params``, the docstring's "Parameters" and ``search_space`` follow
    params: ClassVar[dict[str, Param]] = {}
    #: whether scores are predicted ratings (explicit models) rather than ranking scores
    predicts_ratings: ClassVar[bool] = False
    #: what to do instead of an optional method (``_OPTIONAL_METHODS``) this model lacks,
    #: where its reason is its own: the method stays absent, so every check of the
    #: capability (``callable(getattr(model, "score_histories", None))``) says no
    missing_method_advice: ClassVar[dict[str, str]] = {}

    @classmethod
    def _setting_elsewhere(cls, key: str) -> str:
        # ``create_model("ease", factors=64)`` or an experiment file's [[models]] entry with
        # another model type's setting was "no parameter 'factors'", which left the reader to
        # find that the type (or the table) was the mistake
        owners = models_taking(key, but=cls.name)
        return (f"a setting of {_the_models(owners)}: check the model's type, or leave it out"
                if owners else "")
    #: the hyperparameters that scale the training, each with the range it trains in
    #: (``{"learning_rate": (None, 0.1)}``, None: no bound on that side): a fit refused as
    #: diverged, collapsed or learning nothing names those set beyond their range as the
    #: cause, with the way back, rather than every setting (:meth:`_settings_at_fault`)
    training_ranges: ClassVar[dict[str, tuple[float | None, float | None]]] = {}
    #: default search space for `recstack tune` (see recstack.tuning), empty when none;
    #: gathered from the ``search`` of each :class:`Param`
    search_space: ClassVar[dict[str, dict[str, Any]]] = {}
    #: whether the model's scores for a user of its vocabulary with no training rows are
    #: meaningful: True for non-personalised baselines (their scores never depended on the
    #: user's history) and for models with a documented stand-in for such users
    #: (:attr:`history_fallback`). When False, ``recommend``, ``score`` and the other
    #: methods taking external user ids refuse such users (see the module docstring).
    serves_users_without_history: ClassVar[bool] = False
    #: whether the model's lists are meant to differ from user to user: False for the
    #: non-personalised baselines, whose alike lists the evaluator's same-list diagnostic
    #: (:func:`recstack.evaluation.diagnostics.diagnose`) does not flag
    personalised: ClassVar[bool] = True
    #: what users without training rows are scored by, for models that serve them with a
    #: stand-in (a :class:`PopularityFallbackWarning` names them when they are asked for);
    #: None when their scores are the model's own (e.g. the baselines)
    history_fallback: ClassVar[str | None] = None
    #: how the index-level :meth:`score_users` ranks a user without training rows when the
    #: model has its own non-personalised answer (BPR: "its learned item bias"); None:
    #: :meth:`score_users` gives them item popularity with a :class:`PopularityFallbackWarning`
    own_ranking_without_history: ClassVar[str | None] = None
    #: whether items are placed by their content (item-table text, genres...) as well as by
    #: interactions, so that an item without training rows still has a meaningful vector
    #: and item similarity (:meth:`similar_items`)
    places_items_by_content: ClassVar[bool] = False

    users_: IdMap
    items_: IdMap
    seen_: sp.csr_matrix

    if not TYPE_CHECKING:
        def __getattr__(self, name: str) -> Any:
            """Only reached when ``name`` is not found: a method of the contract that this
            model does not have is refused naming the model, the models that have it and
            what to use instead (a plain AttributeError said only "'Reranked' object has
            no attribute 'score_histories'")."""
            if name in _OPTIONAL_METHODS:
                raise MissingMethodError(_missing_method_message(type(self), name))
            raise AttributeError(f"{type(self).__name__!r} object has no attribute "
                                 f"{name!r}", name=name, obj=self)

    # ------------------------------------------------------------------ hyperparameters
    #: a model stores every sequence-valued hyperparameter as a list, at any depth and
    #: defaults included (:func:`canonical_value`, the form JSON reads back), each model its own
    #: copy: a model re-created from its saved parameters equals the original
    _stored = staticmethod(canonical_value)
    _stored_default = staticmethod(canonical_value)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # declared defaults in the stored form, before the constructor's signature and the
        # docstring are generated from them (``layers=(64, 32)`` is stored as [64, 32])
        if any(isinstance(param.default, list | tuple | dict) for param in cls.params.values()):
            cls.params = {name: replace(param, default=canonical_value(param.default))
                          if isinstance(param.default, list | tuple | dict) else param
                          for name, param in cls.params.items()}
        super().__init_subclass__(**kwargs)
        if "search_space" not in cls.__dict__:
            cls.search_space = {name: dict(param.search)
                                for name, param in cls.params.items() if param.search}
        if cls.__doc__ and cls.params and "name" in cls.__dict__:
            cls.__doc__ = _with_parameters_section(inspect.cleandoc(cls.__doc__),
                                                   cls.describe_params())

    @classmethod
    def describe_params(cls) -> str:
        """The hyperparameters in numpydoc form (what the docstring's "Parameters" section
        shows): name, constraint, default and the one-line documentation of each."""
        lines = []
        for name, param in cls.params.items():
            default = "" if param.default is REQUIRED else f", default {param.default!r}"
            lines.append(f"{name} : {param.describe()}{default}")
            if param.doc:
                lines.append(f"    {param.doc}")
        return "\n".join(lines)

    # ------------------------------------------------------------------ training
    def fit(self, train: Interactions = NOT_GIVEN, *positional: Any,
            progress: Progress | None = None, **unexpected: Any) -> Self:
        """Learn from ``train``; returns ``self``. Any other keyword is refused naming it:
        a hyperparameter belongs to the constructor, and ``validation`` only to the models
        that use validation rows (a TypeError named neither); so is any other value given
        by position (``fit(train, valid)``)."""
        refuse_unbound(self, Recommender.fit)  # ALS.fit(train): the data took self's place
        refuse_positional(f"{self.name}: fit()", positional, self._fit_keywords_hint(positional))
        if unexpected:
            raise ConfigError(self._unexpected_fit_arguments(unexpected))
        check_call(self, type(self).fit, (), {}, (train,))  # fit() without the training data
        self.validate_params()
        check_interactions(train, f"{self.name}: fit(train)")
        require_reporter(progress, f"{self.name}: fit")
        if len(train) == 0:
            raise RecstackError(f"{self.name}: cannot fit on empty interactions")
        self._check_weights(train.value, "the interactions")
        self._check_tiny_weights(train.value)
        if self._learns_from_values() and not np.any(train.value):
            raise RecstackError(
                f"{self.name}: every interaction value is 0 ({counted(len(train), 'row')}), and "
                f"{self._values_role()}, so it would learn nothing (every score 0); check "
                "the value column (value_col), or count every row as 1 with "
                "train.implicit()" + (" or binary=True" if "binary" in self.params else ""))
        self._refuse_negative_occurrences(train)
        self.users_, self.items_ = train.users, train.items
        self.seen_ = train.to_csr()
        # a refit with other hyperparameters: the last fit's values say nothing while _fit
        # runs (it may call the public methods on itself)
        self.__dict__.pop("fitted_params_", None)
        try:
            self._fit(train, progress)
            self._check_diverged()
        except BaseException as error:
            self._forget_learned_state()
            if _out_of_memory(error):
                raise RecstackError(
                    f"{self.name}: not enough memory to fit {train.n_users:,} users x "
                    f"{train.n_items:,} items with {self._params_text()} ({error}); lower "
                    "the sizes (factors, neighbours, batch size...) or use less data"
                ) from None
            raise
        self._record_fitted_params()
        return self

    def _forget_learned_state(self) -> None:
        """Leave no half-fitted model behind a failed fit (an error, a diverged result, an
        interrupt): neither the learned state (``item_factors_``, ``history_``...) ``_fit``
        had set before it failed, nor that of an earlier fit, which no longer matches the
        hyperparameters or the data; the model is unfitted, as before its first fit."""
        for attribute in [name for name in self.__dict__ if _is_learned_state(name)]:
            del self.__dict__[attribute]

    def _record_fitted_params(self) -> None:
        """Remember the hyperparameters the learned arrays follow (``fitted_params_``), in
        the canonical form :meth:`_refuse_changed_params` compares them in: a tuple set
        before fit (``model.members = (...)``) or a numpy number was otherwise refused as
        changed by the first call after fit."""
        self.__dict__["fitted_params_"] = {name: copy.deepcopy(canonical_value(value))
                                           for name, value in self.get_params().items()}

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _CLASS_CONTRACT:
            # ``model.name = "als"`` on an EASE model was stored on the instance: save wrote
            # "als" into model.json (its load then failed, naming ALS's hyperparameters), and
            # the registry and the results keyed on it; the others changed how the base
            # class serves the model, without the model having changed
            raise ConfigError(_class_contract_message(self, name))
        # however a model comes to hold learned state (fit, load_model, a fold-in or a
        # blend's member assembled from arrays), it carries the values it holds it with:
        # those assembled from arrays skipped the changed-hyperparameter check altogether
        super().__setattr__(name, value)
        if name == "seen_" and "fitted_params_" not in self.__dict__:
            self._record_fitted_params()

    def _fit_keywords(self) -> list[str]:
        """The keywords this model's ``fit`` takes (``progress``, ``validation``...)."""
        return [key for key in inspect.signature(type(self).fit).parameters
                if key not in ("self", "train", "positional", "unexpected")]

    def _fit_keywords_hint(self, positional: tuple[Any, ...]) -> str:
        """What to write instead of values given to ``fit`` by position after ``train``."""
        taken = self._fit_keywords()
        hint = f"it takes train by position and {', '.join(taken)} by name"
        if positional and isinstance(positional[0], Interactions):
            hint += (", e.g. fit(train, validation=valid)" if "validation" in taken else
                     f"; and this model takes no validation rows ({self._no_validation_why()})")
        return hint

    def _no_validation_why(self) -> str:
        """Why this model's ``fit`` takes no validation rows: it neither early-stops nor
        learns weights on them, or (a model declaring ``validation_fraction``: MF, neural
        MF, two-tower) it early-stops only on a share it carves out of the training rows,
        which "it neither early-stops" denied."""
        if "validation_fraction" in self.params:
            return ("it early-stops only on the validation_fraction of the training rows it "
                    f"carves out of train: set that instead, create_model('{self.name}', "
                    "validation_fraction=0.1)")
        return "it neither early-stops nor learns weights on them"

    def _unexpected_fit_arguments(self, unexpected: dict[str, Any]) -> str:
        """The refusal of keywords ``fit`` does not take: what each is and where it goes."""
        name = next(iter(unexpected))
        taken = self._fit_keywords()
        arguments = " and ".join([", ".join(["train", *taken[:-1]]), *taken[-1:]])
        if name in self.params and _holds_rows(unexpected[name]):
            # SASRec's validation = True/False given rows: "give it when creating the
            # model" sent the rows to the constructor, which refuses them as not a bool
            declared = self.params[name]
            others = ""
            if name == "validation":
                from recstack.models.registry import available_models, model_class

                others = "; the models that take validation rows in fit: " + ", ".join(
                    model for model in available_models() if "validation" in
                    inspect.signature(model_class(model).fit).parameters)
            return (f"{self.name}: fit() takes no {name} rows: {name} is a setting of this "
                    f"model, not interaction rows ({declared.doc.rstrip('.')}; default "
                    f"{declared.default!r}), given when creating it{others}")
        if name in self.params:
            return (f"{self.name}: fit() takes no {name}={shown_given(unexpected[name])}: "
                    f"{name} is a "
                    f"hyperparameter; give it when creating the model (create_model("
                    f"'{self.name}', {name}=...)); fit takes {arguments}")
        if name == "validation":
            from recstack.models.registry import available_models, model_class

            takers = [model for model in available_models() if "validation" in
                      inspect.signature(model_class(model).fit).parameters]
            # "the models that do" read as "that early-stop" after a model that does
            takers_are = ("the models that take them" if "validation_fraction" in self.params
                          else "the models that do")
            return (f"{self.name}: fit() takes no validation rows ({self._no_validation_why()}"
                    f"); {takers_are}: " + ", ".join(takers))
        # the shared rule (recstack.specs.did_you_mean), as every other misspelt name of a
        # model: difflib's ratio alone suggested 'neighbors' for 'weights'
        hint = did_you_mean(name, [*taken, *self.params])
        return f"{self.name}: fit() got an unexpected argument {name!r}{hint}; it takes {arguments}"

    def _learns_from_values(self) -> bool:
        """Whether this model, with its hyperparameters, learns from the interaction values
        (weights them, or reads a 0 as no interaction) rather than from which pairs occur:
        then training data whose every value is 0 is refused by :meth:`fit` (it taught the
        model nothing and every score was 0, or the solver failed), and a user whose every
        value is 0 counts as a user without history. By default, whether it weights by the
        values (:meth:`_weights_by_values`); models that read a 0 as no interaction
        override this (False: the model binarises every recorded pair)."""
        return self._weights_by_values()

    def _reads_occurrences(self) -> bool:
        """Whether this model, with its hyperparameters, reads only which (user, item) pairs
        occur, not how much: every recorded pair is 1 (``binary=True``), or every non-zero
        value is an interaction (the models that read a 0 as no interaction and do not
        weight by the values). Then a negative value (a dislike, -1) counted as an
        interaction like any other, and :meth:`fit` refuses it. Models that count rows
        (popularity) override this."""
        if "binary" in self.params:
            return bool(self.binary)
        return self._learns_from_values() and not self._weights_by_values()

    def _occurrences_role(self) -> str:
        """How this model reads the pairs, for the refusal of negative values."""
        if "binary" in self.params:
            return "with binary=True it counts every recorded pair as 1"
        return "it reads every non-zero value as an interaction"

    def _refuses_negative_values(self) -> bool:
        """Whether negative interaction values (training rows and histories) are refused:
        by default when :meth:`_reads_occurrences` (a dislike would count as an
        interaction); a model that weights by the values where a negative weight has no
        meaning (a weighted mean, probabilities) overrides this and
        :meth:`_negative_values_reason`. Models that weight by signed values (EASE, kNN
        with ``binary=False``) take negative values as ratings."""
        return self._reads_occurrences()

    def _negative_values_reason(self) -> str:
        """Why a negative value is refused, and what else to do (after the remedy)."""
        return (f"{self._occurrences_role()}, so a negative value (a dislike) would count "
                "as an interaction")

    def _refuse_negative_occurrences(self, train: Interactions) -> None:
        """Refuse negative values in ``train`` when :meth:`_refuses_negative_values`."""
        if not self._refuses_negative_values():
            return
        negative = np.flatnonzero(train.value < 0)
        if not negative.size:
            return
        first = int(negative[0])
        user = _external_id(train.users, train.user_index[first])
        item = _external_id(train.items, train.item_index[first])
        raise self._negative_values_error(
            f"{negative.size:,} of {len(train):,} interaction values are negative (e.g. "
            f"{float(train.value[first]):g} for user {user!r}, item {item!r})",
            "keep the rows that are interactions (a min_value filter, or "
            "train.implicit(threshold=...))")

    def _negative_values_error(self, found: str, remedy: str) -> RecstackError:
        """The refusal of negative values ``found`` by a model that :meth:`_reads_occurrences`."""
        return RecstackError(
            f"{self.name}: {found}; {self._negative_values_reason()}; {remedy}"
            + (", or weight by the values with binary=False"
               if "binary" in self.params and self.binary
               and not type(self)(**{**self.get_params(), "binary": False}
                                  )._refuses_negative_values() else ""))

    def _weights_by_values(self) -> bool:
        """Whether this model, with its hyperparameters, multiplies the interaction values
        into float32 sums and products (e.g. with ``binary=False``): then values (training
        or histories) beyond :data:`MAX_WEIGHT` are refused, since their products overflow
        (every score became 0, NaN or an empty slot). Models that do override this."""
        return False

    def _check_weights(self, values: np.ndarray, what: str) -> None:
        """Refuse ``values`` beyond :data:`MAX_WEIGHT` when the model weights by them."""
        if not self._weights_by_values() or not values.size:
            return
        largest = float(np.max(np.abs(values)))
        if largest > MAX_WEIGHT:
            raise RecstackError(
                f"{self.name}: {what} hold values up to {largest:.3g}; this model"
                + (" (binary=False)" if "binary" in self.params else "")
                + " weights the interactions by their values in float32, where products of "
                f"values beyond {MAX_WEIGHT:.0e} overflow (every score became 0, NaN or an "
                "empty slot): rescale the values (e.g. divide by their largest or take log1p)"
                + (", or use binary=True" if "binary" in self.params else ""))

    def _multiplies_values_together(self) -> bool:
        """Whether training multiplies interaction values with each other (Gram matrices,
        dot products of rows: EASE, item- and user-kNN with ``binary=False``), so that data
        whose every value is tiny underflows float32. Models that only weight by the values
        (ALS's confidences ``1 + alpha * r``) or normalise them away (RP3beta) do not."""
        return self._weights_by_values()

    def _check_tiny_weights(self, values: np.ndarray) -> None:
        """Refuse training values whose every non-zero one is below :data:`MIN_WEIGHT` in
        size when training multiplies them together: their products fell below float32's
        smallest normal number, every similarity became 0, and every list was the catalog
        in index order, without a word (item-kNN on values near 1e-25)."""
        if not self._multiplies_values_together() or not values.size:
            return
        with np.errstate(invalid="ignore"):
            largest = float(np.max(np.abs(values)))
        if 0 < largest < MIN_WEIGHT:
            raise RecstackError(
                f"{self.name}: the interactions hold values only up to {largest:.3g}; this "
                "model" + (" (binary=False)" if "binary" in self.params else "")
                + " multiplies the interaction values with each other in float32, where "
                f"products of values below {MIN_WEIGHT:.0e} fall below its smallest normal "
                f"number ({FLOAT32_TINY:.3g}: every similarity and score became 0, each "
                "list the catalog in index order): rescale the values (e.g. divide by their "
                "largest)" + (", or use binary=True" if "binary" in self.params else ""))

    def _values_role(self) -> str:
        """What the values are to this model, for the refusal of all-zero values."""
        return "this model reads a value of 0 as no interaction (or weights by the values)"

    def _check_diverged(self) -> None:
        """Refuse learned vectors that are not finite (training diverged, e.g. with a huge
        learning rate): every score would be NaN and every list empty."""
        for kind, vectors in (("item", self._item_embeddings()),
                              ("user", self._user_embeddings())):
            if vectors is None:
                continue
            vectors = np.asarray(vectors)
            if vectors.dtype.kind == "f" and not np.isfinite(vectors).all():
                raise TrainingFailedError(
                    f"{self.name}: training diverged: the learned {kind} vectors hold NaN "
                    "or infinite values, " + self._settings_at_fault(
                        "lower the learning rate or the regularization (or other weights), "
                        "or standardise the interaction values"))
            if vectors.dtype.kind == "f" and vectors.size and not vectors.any():
                # e.g. iALS with regularization 1e10: every factor exactly 0, every score 0,
                # every list the first k items by index
                raise TrainingFailedError(
                    f"{self.name}: training learned nothing: every learned {kind} vector is "
                    "0 (every score would be 0), " + self._settings_at_fault(
                        "lower the regularization (or the other weights that shrink the "
                        "vectors)"))
            if kind == "item" and vectors.dtype.kind == "f" and len(vectors) > 1 \
                    and np.ptp(vectors, axis=0).max() <= 1e-6 * np.abs(vectors).max() \
                    and self._items_told_apart():
                # e.g. two_tower with temperature 1e-30: every item got one vector, so each
                # user's scores all tied and every list was the catalog in index order,
                # though the training data tell the items apart
                raise TrainingFailedError(
                    f"{self.name}: training collapsed: every learned item vector is the same "
                    "(each user's scores would all tie, and every list would be the catalog "
                    "in index order), although the training data tell the items apart, "
                    + self._settings_at_fault(
                        "move the settings that scale the training back to their usual "
                        "range (temperature, learning rate, regularization)"))
        self._check_score_overflow()

    def _check_score_overflow(self) -> None:
        """Refuse learned vectors so large that their scores overflow float32: with a huge
        learning rate (``mf`` or ``neural_mf`` at 1e30) every learned value was finite, so
        the fit passed, but a user's scores (sums of products of values near 1e30) were
        infinite or NaN, and every list was empty slots or the clipped extreme rating,
        without a word. The bound is the largest score the vectors allow: the largest user
        value x the largest item value x the width."""
        users, items = self._user_embeddings(), self._item_embeddings()
        if users is None or items is None:
            return
        users, items = np.asarray(users), np.asarray(items)
        if users.dtype.kind != "f" or items.dtype.kind != "f" or not users.size \
                or not items.size or users.ndim != 2 or items.ndim != 2 \
                or users.shape[1] != items.shape[1]:
            return
        largest_user = float(np.abs(users).max())
        largest_item = float(np.abs(items).max())
        if 0 < largest_user * largest_item < FLOAT32_TINY and self._scores_all_tiny():
            # e.g. ials with init_stddev 1e-30 (vectors near 1e-23): every product of a user
            # and an item value fell below float32's smallest normal number, so every score
            # was 0 (or a subnormal of a few bits) and every list the catalog in index order
            raise TrainingFailedError(
                f"{self.name}: training learned nothing usable: the learned vectors reach "
                f"only {largest_user:.3g} (users) and {largest_item:.3g} (items), so every "
                f"score lies below float32's smallest normal number ({FLOAT32_TINY:.3g}) "
                "and rounds to 0 (each user's list would be the catalog in index order), "
                + self._settings_at_fault(
                    "move the settings that shrink the vectors (initial scale, "
                    "regularization, other weights) back to their usual range"))
        if largest_user * largest_item * users.shape[1] <= _FLOAT32_MAX:
            return
        raise TrainingFailedError(
            f"{self.name}: training diverged: the learned vectors reach {largest_user:.3g} "
            f"(users) and {largest_item:.3g} (items), so their scores overflow float32 "
            f"(beyond {_FLOAT32_MAX:.3g}: infinite or NaN), " + self._settings_at_fault(
                "lower the learning rate (or the other settings that scale the training) "
                "back to its usual range"))

    def _scores_all_tiny(self) -> bool:
        """Whether the scores of the first (up to 256) users all lie below float32's
        smallest normal number in size: a model whose scores add more than the vectors'
        products (biases, a network) can rank with tiny vectors."""
        sample = np.arange(min(len(self.users_), 256))
        with np.errstate(all="ignore"):
            scores = np.asarray(self._score_users(sample), dtype=np.float64)
        return bool(scores.size) and bool((np.abs(scores) < FLOAT32_TINY).all())

    def _items_told_apart(self) -> bool:
        """Whether two items of the training matrix have different users (so that a model
        giving every item one vector learned less than the data hold)."""
        pattern = (self.seen_ != 0).tocsc()
        pattern.sort_indices()
        counts = np.diff(pattern.indptr)
        if (counts != counts[0]).any():
            return True
        rows = pattern.indices.reshape(len(counts), int(counts[0]))
        return bool((rows != rows[0]).any())

    def _params_text(self) -> str:
        """The hyperparameters as ``name=value, ...``, for messages."""
        return ", ".join(f"{k}={v!r}" for k, v in self.get_params().items()) or "defaults"

    def _settings_at_fault(self, remedy: str) -> str:
        """The end of a refusal of a fit that diverged, collapsed or learned nothing:
        ``with SETTING=VALUE, beyond the range it trains in (...); lower ... (default ...)``
        naming only the settings of :attr:`training_ranges` set beyond their range, the
        known cause (``learning_rate=1e+30`` was told among all twelve of mf's settings,
        and iALS's ``unobserved_weight=1e30`` to lower the regularization); where none is,
        the cause cannot be known: ``with <every setting>; <remedy>``."""
        return self._beyond_ranges() or f"with {self._params_text()}; {remedy}"

    def _beyond_ranges(self, but: Collection[str] = ()) -> str | None:
        """``with SETTING=VALUE, beyond the range it trains in (...); lower ...`` for the
        settings of :attr:`training_ranges` set beyond their range, or None where none is
        (see :meth:`_settings_at_fault`); ``but``: settings left out (those a message names
        already in its own words)."""
        params = self.get_params()
        named: list[tuple[str, str]] = []
        fixes: list[str] = []
        for name, (low, high) in self.training_ranges.items():
            if name in but:
                continue
            value = params.get(name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                continue
            if high is not None and value > high:
                verb, bound = "lower", f"at most {high:g}"
            elif low is not None and value < low:
                verb, bound = "raise", f"at least {low:g}"
            else:
                continue
            span = (f"{low:g} to {high:g}" if low is not None and high is not None else
                    f"up to {high:g}" if high is not None else f"from {low:g}")
            named.append((f"{name}={value!r}", span))
            default = self.params[name].default if name in self.params else None
            fixes.append(f"{verb} the {name.replace('_', ' ')} to {bound}"
                         + (f" (default {default!r})" if isinstance(default, int | float)
                            and not isinstance(default, bool) else ""))
        if not named:
            return None
        if len(named) == 1:
            setting, span = named[0]
            return f"with {setting}, beyond the range it trains in ({span}); {fixes[0]}"
        settings = " and ".join(f"{setting} ({span})" for setting, span in named)
        return f"with {settings}, beyond the ranges they train in; " + ", and ".join(fixes)

    def _unmoved_hint(self, rate: str | None = None) -> str:
        """What to change when training left every weight at its start: the settings beyond
        the range they train in where any is (two-tower's ``temperature=1e30`` shrank every
        step below float32's resolution and was told to raise the learning rate), else
        the learning rate, named with its value (``rate``: ``NAME=VALUE`` of the rate the
        optimizer stepped at, when it is not ``learning_rate``)."""
        rate = rate or f"learning_rate={shown(self.learning_rate)}"
        return self._beyond_ranges() or f"raise the learning rate ({rate}; e.g. 0.001 to 0.1)"

    @abstractmethod
    def _fit(self, train: Interactions, progress: Progress | None) -> None: ...

    @abstractmethod
    def _score_users(self, user_indices: np.ndarray) -> np.ndarray:
        """Scores of every catalog item for each user index, ``(n_users, n_items)``: float32,
        or float64 where the model computes in float64 (the dtype is kept through top-K).

        Return a new array (callers may modify it in place, e.g. to mask seen items) or a
        read-only view of the model's state; never a writable view of that state."""

    # ------------------------------------------------------------------ inference
    @property
    def is_fitted(self) -> bool:
        return hasattr(self, "seen_")

    def score_users(self, user_indices: np.ndarray = NOT_GIVEN, *positional: Any,
                    **unexpected: Any) -> np.ndarray:
        """Full-catalog scores for a batch of user indices (what the evaluator calls):
        integers in ``[0, n_users)``, the positions in ``users_`` (external ids go through
        :meth:`recommend` or :meth:`score`). Others are refused: ``-1`` would score the
        last user and ``0.5`` the first."""
        check_call(self, Recommender.score_users, positional, unexpected, (user_indices,))
        self._require_fitted()
        refuse_ragged(user_indices, name="user_indices",
                      wanted=f"a flat array of user indices in [0, {len(self.users_)}) "
                             "(positions in users_)",
                      error=RecstackError, where=f"{self.name}: score_users: ")
        indices = np.asarray(integer_objects(refuse_masked_indices(
            user_indices, f"{self.name}: score_users: user_indices", "user index")))
        n_users = len(self.users_)
        problem = (f"got {shown_given(user_indices)}" if indices.ndim != 1
                   else index_problem(indices, n_users))
        problem = problem if problem is None or indices.ndim != 1 else f"but {problem}"
        if problem is not None:
            raise RecstackError(
                f"{self.name}: score_users takes a flat array of user indices in [0, "
                f"{n_users}) (positions in users_), {problem}; map "
                "external ids with users_.to_index")
        indices = indices.astype(np.int64, copy=False)
        self._require_score_memory(len(indices), "score_users", "users")
        scores = self._score_users(indices)
        if self.own_ranking_without_history or not indices.size \
                or (self.serves_users_without_history and self.history_fallback is None):
            # the baselines' scores are their own, BPR's its learned item bias
            return scores
        return self._users_without_history_by_popularity(indices, scores)

    def _users_without_history_by_popularity(self, user_indices: np.ndarray,
                                             scores: np.ndarray) -> np.ndarray:
        """``scores`` (one row per user of ``user_indices``) with the row of each user
        without training rows (:meth:`_users_without_history`) replaced by item
        popularity (training users per item), as :meth:`_empty_histories_by_popularity`
        does for an empty history, with a :class:`PopularityFallbackWarning` naming them:
        the model's own scores for such a user are all 0 or its untrained initialisation,
        so the list was the catalog in index order or an arbitrary one. A model with its
        own stand-in (:attr:`history_fallback`: two-tower, SASRec) put it in the rows
        itself; the same warning names the users and that stand-in."""
        without = self._users_without_history()[user_indices]
        if not without.any():
            return scores
        if self.history_fallback is not None:
            self._warn_users_without_history(user_indices[without], self.history_fallback)
            return scores
        scores = writable_scores(scores)
        scores[without] = np.asarray(self._item_row_counts(), dtype=scores.dtype)
        self._warn_users_without_history(user_indices[without],
                                         "item popularity (training users per item)")
        return scores

    def _warn_users_without_history(self, user_indices: np.ndarray, described: str) -> None:
        """A :class:`PopularityFallbackWarning` naming the users ``user_indices`` (without
        training rows), whose scores are ``described``; said where the public method was
        called."""
        distinct = np.unique(user_indices)
        examples = self.users_.to_external(distinct[:5]).tolist()
        warnings.warn(PopularityFallbackWarning(
            f"{self.name}: {len(distinct)} user(s) {self._without_history_said(distinct)}, "
            f"e.g. {examples}; their scores are {described}, not the model's"),
            stacklevel=caller_stacklevel())

    def _without_history_said(self, user_indices: np.ndarray) -> str:
        """What the warnings say of the users ``user_indices`` (distinct, without training
        rows by :meth:`_users_without_history`). Models that set rows aside while training
        say which users lost theirs there (they have rows in ``train``, so "no training
        interactions" would send the user looking for rows that are there)."""
        return "have no training interactions"

    def recommend(self, users: Any = NOT_GIVEN, k: int = 10, *positional: Any,
                  exclude_seen: bool = True, batch_size: int | None = None, **unexpected: Any
                  ) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` items for each external user id: ``(item_ids, scores)``, both
        ``(n_users, k)``. Seen items are excluded by default; when fewer than ``k`` items
        are left, the remaining slots have score ``-inf`` and item id ``-1`` (signed integer
        ids) or ``None`` (other ids, uint64 among them); users whose whole list is such
        slots are named by an :class:`EmptyListWarning`. Equal scores rank the lower item
        index first, as everywhere (:mod:`recstack.topk`); scores keep the model's dtype."""
        check_call(self, Recommender.recommend, positional, unexpected, (users,))
        self._require_fitted()
        if not isinstance(exclude_seen, bool | np.bool_):
            raise ConfigError(f"{self.name}: recommend: exclude_seen must be True or False, "
                              f"got {shown(exclude_seen)}")
        batch_size = check_batch_size(batch_size, f"{self.name}: recommend")
        user_index = self._user_indices(users)
        k = check_list_length(k, len(user_index), len(self.items_),
                              f"{self.name}: recommend")
        # the users were checked, and those served by a stand-in named, by _user_indices:
        # the model's rows as they are (score_users would name them once more per batch)
        top, scores = top_k_batched(self._score_users, user_index, k,
                                    exclude=self.seen_ if exclude_seen else None,
                                    batch_size=batch_size)
        top, scores = pad_columns(top, scores, int(k))
        self._warn_empty_lists(user_index, scores, exclude_seen=bool(exclude_seen))
        return self._external_items(top, scores), scores

    def _warn_empty_lists(self, user_index: np.ndarray, scores: np.ndarray, *,
                          exclude_seen: bool) -> None:
        """Name the users whose list came out with no item at all (every slot empty: id
        -1 or None, score -inf), with each reason and how many users it holds for: a user
        who had interacted with every item, a user without training rows (cold) whom the
        model could not rank for, and a user whose unseen items the model scored -inf
        (:meth:`_empty_list_reason`: no candidates, or items it cannot rank). One warning
        gave a single reason for all of them, so in a mixed batch the cold users and
        those without candidates were said to have seen every item, or the reverse."""
        if not scores.size:
            return
        empty = np.flatnonzero(np.all(np.isneginf(scores) | np.isnan(scores), axis=1))
        if not empty.size:
            return
        rows = user_index[empty]
        n_items = len(self.items_)
        seen_everything = (n_items - np.diff(self.seen_.indptr)[rows] <= 0 if exclude_seen
                           else np.zeros(len(rows), bool))
        cold = ~seen_everything & np.asarray(self._users_without_history())[rows]
        other = ~seen_everything & ~cold
        catalog = (f"interacted with every one of the {counted(n_items, 'item')} of the "
                   "catalog, and seen items are excluded (exclude_seen=False ranks them too)")
        said = [(users, subject, clause) for users, subject, clause in (
            (seen_everything, ("it has", "they have"), catalog),
            (cold, ("it has", "they have"), "no training rows (cold), and the model had no "
                                            "item to rank for such a user"),
            (other, ("the model", "the model"), self._empty_list_reason())) if users.any()]
        if len(said) == 1:
            users, subject, clause = said[0]
            why = f"{subject[int(users.sum()) != 1]} {clause}"
        else:
            # each reason with the users it holds for: they differ from user to user
            why = "; ".join(
                f"{counted(int(users.sum()), 'user')} "
                f"({shown_ids(self.users_.to_external(rows[users][:3]).tolist())[:-1]}"
                f"{', ...' if users.sum() > 3 else ''}]): {subject[int(users.sum()) != 1]} "
                f"{clause}" for users, subject, clause in said)
        warnings.warn(
            f"{self.name}: recommend: {counted(len(rows), 'user')} "
            f"({shown_ids(self.users_.to_external(rows[:5]).tolist())[:-1]}"
            f"{', ...' if len(rows) > 5 else ''}]) got an empty list (every slot id "
            f"{'-1' if self.items_.external_ids.dtype.kind == 'i' else 'None'}, score -inf): "
            f"{why}", EmptyListWarning, stacklevel=caller_stacklevel())

    def _empty_list_reason(self) -> str:
        """Why a user with unseen items and training rows got an empty list, after "the
        model" (a clause): models whose lists come from candidates (a two-stage model,
        a re-ranking chain with filters) may say that none was left."""
        return "scored every unseen item -inf (items it cannot rank)"

    def similar_items(self, items: Any = NOT_GIVEN, k: int = 10, *positional: Any, **unexpected: Any
                      ) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` items most similar to each of ``items`` (external ids), the item itself
        excluded: ``(item_ids, similarities)``, most similar first, with the empty-slot
        conventions of :meth:`recommend`. Similarity is the model's own (cosine of item
        embeddings for factor models, the learned item-item weights for neighbourhood
        models); a model without one says so.

        An item without training interactions has learned nothing in a collaborative model
        (its vector is its random initialisation, or zero): it gets no neighbours (its row
        is all empty slots) and is nobody's neighbour. Models that place items by their
        content (:attr:`places_items_by_content`) keep such items when they have content,
        and treat an item with neither content nor interactions the same way (its cosine
        is 0, or the same as every other such item's, with everything: the first items by
        index were returned as its neighbours)."""
        check_call(self, Recommender.similar_items, positional, unexpected, (items,))
        self._require_fitted()
        item_index = _lookup(self.items_, _as_ids(items, f"{self.name}: items"),
                             f"{self.name}: items", users=self.users_).astype(np.int64)
        k = check_list_length(k, len(item_index), len(self.items_),
                              f"{self.name}: similar_items")
        # said why and what has one (it was "this model has no item similarity"), before
        # a blend asked its members (which named the member as the model called)
        self._refuse_without_item_similarity()
        untrained = self._items_without_similarity()

        def rows_without_self(batch: np.ndarray) -> np.ndarray:
            values = writable_scores(self._similarity_rows(batch), copy=True)
            values[np.arange(len(batch)), batch] = -np.inf
            if untrained is not None and untrained.any():
                values[:, untrained] = -np.inf
                values[untrained[batch]] = -np.inf
            return values

        top, values = top_k_batched(rows_without_self, item_index, int(k),
                                    n_items=len(self.items_))
        top, values = pad_columns(top, values, int(k))
        return self._external_items(top, values), values

    def _item_similarity_missing(self) -> str | None:
        """Why :meth:`similar_items` has no similarity to rank items by (a clause), or
        ``None`` when it has one: the model's own item-item weights (an override of
        :meth:`_similarity_rows`) or item vectors (of :meth:`_item_embeddings`)."""
        # looked up on the instance: a hook set on the model itself counts as well
        if any(getattr(getattr(self, hook), "__func__", None) is not getattr(Recommender, hook)
               for hook in ("_similarity_rows", "_item_embeddings")):
            return None
        return "it compares no two items: it has neither item-item weights nor item vectors"

    def _refuse_without_item_similarity(self) -> None:
        """Refuse :meth:`similar_items` on a model without an item similarity (see
        :meth:`_no_item_similarity`)."""
        reason = self._item_similarity_missing()
        if reason is not None:
            raise self._no_item_similarity(reason)

    def _no_item_similarity(self, reason: str) -> RecstackError:
        """The refusal of :meth:`similar_items` on a model without an item similarity, with
        why (``reason``) and which models have one: it was "this model has no item
        similarity", with nothing to do instead, and a blend named its member as the model
        called."""
        return RecstackError(
            f"{self.name}: this model has no item similarity, so similar_items has nothing "
            f"to rank items by ({reason}); models that have one: "
            f"{', '.join(_models_with_item_similarity())}")

    def _items_without_similarity(self) -> np.ndarray:
        """Which items (a boolean mask) hold nothing a similarity can be taken from: no
        training rows, in a collaborative model. Models that place items by their content
        override this with the items that have neither content nor rows."""
        return self._items_without_rows()

    def _items_without_rows(self) -> np.ndarray:
        """Which items have no training row (a boolean mask). None of them for a model
        holding no training row at all (its vectors assembled from arrays, as fold-in's
        model of the transposed problem is): it was not trained on rows, so their absence
        says nothing of what it knows (a fit refuses data without rows)."""
        counts = self._item_row_counts()
        if not self.seen_.nnz:
            return np.zeros(len(counts), bool)
        return counts == 0

    def _item_row_counts(self) -> np.ndarray:
        """Training users per item (int64, ``(n_items,)``: the training matrix's entries in
        each column; a value of 0 is no interaction to a model
        that :meth:`_learns_from_values`), computed once per training matrix:
        :meth:`similar_items` serves single requests and must not redo it."""
        cached = self.__dict__.get("_item_row_counts_of")
        if cached is None or cached[0] is not self.seen_:
            indices = self.seen_.indices
            if self._learns_from_values():  # a value of 0 is no interaction to such models
                indices = indices[self.seen_.data != 0]
            counts = np.bincount(indices, minlength=self.seen_.shape[1])
            cached = (self.seen_, counts)
            self.__dict__["_item_row_counts_of"] = cached
        return cached[1]

    def _empty_histories_by_popularity(
            self, history: sp.csr_matrix, scores: np.ndarray, popularity: np.ndarray | None = None,
            described: str = "item popularity (training users per item)") -> np.ndarray:
        """``scores`` (one row per row of ``history``) with each row whose history holds no
        interaction (no stored entry; no non-zero value for a model that
        :meth:`_learns_from_values`) replaced by item popularity (``popularity``, by
        default the number of training users of each item; ``described`` says what it
        is), with a :class:`PopularityFallbackWarning` naming those rows. The model's own
        scores for such a row say nothing (all 0, or the same for every item), so a list
        from them was the catalog in index order."""
        rows = self._empty_history_rows(history)
        if not rows.size:
            return scores
        scores = writable_scores(scores)
        scores[rows] = np.asarray(self._item_row_counts() if popularity is None
                                  else popularity, dtype=scores.dtype)
        zeros = (", or only values of 0, which this model reads as none"
                 if self._learns_from_values() else "")
        warnings.warn(PopularityFallbackWarning(
            f"{self.name}: {len(rows)} of {history.shape[0]} histories are empty (no "
            f"interaction{zeros}{self._untrained_said()}: rows {rows[:10].tolist()}"
            f"{'...' if len(rows) > 10 else ''}); their scores "
            f"are {described}, not the model's"),
            stacklevel=caller_stacklevel())
        return scores

    def _empty_history_rows(self, history: sp.csr_matrix) -> np.ndarray:
        """Positions of the rows of ``history`` that hold no interaction (no stored entry;
        no non-zero value for a model that :meth:`_learns_from_values`) with an item the
        model learned something of: an entry on an item of
        :meth:`_items_without_similarity` (no training rows, in a collaborative model)
        tells the model nothing, and a history of only such items was scored all 0 (the
        catalog in index order) or from untrained vectors (an arbitrary list)."""
        rows = np.repeat(np.arange(history.shape[0]), np.diff(history.indptr))
        counted = np.ones(len(rows), bool)
        if self._learns_from_values():
            counted &= history.data != 0
        unknown = self._items_without_similarity()
        if unknown is not None and unknown.any():
            counted &= ~unknown[history.indices]
        lengths = np.bincount(rows[counted], minlength=history.shape[0])
        return np.flatnonzero(lengths == 0)

    def _untrained_said(self) -> str:
        """What the empty-history warnings add when entries on items the model learned
        nothing of count as none."""
        unknown = self._items_without_similarity()
        if unknown is None or not unknown.any():
            return ""
        return (", or only items it learned nothing of (no training rows"
                + (" and no content" if self.places_items_by_content else "") + ")")

    def _warn_empty_fold_in(self, history: sp.csr_matrix) -> None:
        """Warn, where ``fold_in`` was called, about the rows of ``history`` that hold no
        interaction (a new user whose items were all unknown to the model, so every
        column was left empty): their folded-in factors are exactly 0, so every score from
        them is 0 and a list ranked by them is the catalog in index order, which was
        returned without a word (``score_histories`` gives such rows item popularity)."""
        rows = self._empty_history_rows(history)
        if not rows.size:
            return
        warnings.warn(
            f"{self.name}: fold_in: {len(rows)} of {history.shape[0]} histories are empty "
            f"(no interaction{self._untrained_said()}: rows {rows[:10].tolist()}"
            f"{'...' if len(rows) > 10 else ''}); "
            "their factors are 0, so every score from them is 0 (a list ranked by them is "
            "the catalog in index order); score_histories gives such rows item popularity",
            UserWarning, stacklevel=caller_stacklevel())

    def _similarity_rows(self, item_indices: np.ndarray) -> np.ndarray:
        """Similarity of each given item to every catalog item, ``(n, n_items)``. By default
        the cosine of :meth:`_item_embeddings`; neighbourhood models override this."""
        embeddings = self._item_embeddings()
        if embeddings is None:
            raise self._no_item_similarity("it has no item vectors")
        embeddings = np.asarray(embeddings, dtype=np.float32)
        norms = np.linalg.norm(embeddings, axis=1, keepdims=True)
        unit = embeddings / np.where(norms > 0, norms, 1.0)
        return unit[item_indices] @ unit.T

    def _item_embeddings(self) -> np.ndarray | None:
        """Learned item vectors, when the model has them (what :meth:`similar_items` takes
        the cosine of)."""
        return None

    def _user_embeddings(self) -> np.ndarray | None:
        """Learned user vectors, when the model has them."""
        return None

    def item_embeddings(self, *positional: Any, **unexpected: Any) -> np.ndarray:
        """The model's item vectors: float ``(n_items, dim)``, row ``i`` for item index
        ``i`` (the order of ``items_``), a copy. What they are, and how they combine with
        :meth:`user_embeddings` into scores, is in each model's documentation (for factor
        models ``user_embeddings() @ item_embeddings().T`` are the scores). A model
        without item vectors (neighbourhood models, baselines) raises a
        :class:`~recstack.errors.RecstackError` saying so."""
        check_call(self, Recommender.item_embeddings, positional, unexpected)
        self._require_fitted("item_embeddings")
        return self._embeddings_or_refuse(self._public_item_embeddings(), "item")

    def user_embeddings(self, *positional: Any, **unexpected: Any) -> np.ndarray:
        """The model's user vectors: float ``(n_users, dim)``, row ``u`` for user index
        ``u`` (the order of ``users_``), a copy; see :meth:`item_embeddings`. Models without
        user vectors raise a :class:`~recstack.errors.RecstackError` saying so."""
        check_call(self, Recommender.user_embeddings, positional, unexpected)
        self._require_fitted("user_embeddings")
        return self._embeddings_or_refuse(self._public_user_embeddings(), "user")

    def _public_item_embeddings(self) -> np.ndarray | None:
        """What :meth:`item_embeddings` returns; by default :meth:`_item_embeddings`."""
        return self._item_embeddings()

    def _public_user_embeddings(self) -> np.ndarray | None:
        """What :meth:`user_embeddings` returns; by default :meth:`_user_embeddings`."""
        return self._user_embeddings()

    def _embeddings_or_refuse(self, embeddings: np.ndarray | None, kind: str) -> np.ndarray:
        if embeddings is None:
            raise RecstackError(
                f"{self.name}: this model has no {kind} embeddings (it does not represent "
                f"{kind}s as vectors); models that do: {', '.join(_models_with_vectors(kind))}")
        return np.array(embeddings, copy=True)

    def _external_items(self, top: np.ndarray, scores: np.ndarray) -> np.ndarray:
        """External ids of a top-K index matrix; empty slots (score ``-inf``, or ``NaN``,
        which :mod:`recstack.topk` ranks last) become ``-1`` for signed integer ids and
        ``None`` otherwise (unsigned ids among them: -1 is no uint64, and numpy refused it
        with an OverflowError when a list of ids such as 2**63 + 5 came out short)."""
        empty = np.isneginf(scores) | np.isnan(scores)
        item_ids = self.items_.to_external(np.where(empty, 0, top))
        if empty.any():
            if item_ids.dtype.kind != "i":
                item_ids = item_ids.astype(object)
            item_ids[empty] = -1 if item_ids.dtype.kind == "i" else None
        return item_ids

    def score(self, users: Any = NOT_GIVEN, items: Any = NOT_GIVEN, *positional: Any,
              **unexpected: Any) -> np.ndarray:
        """Scores of ``(users[j], items[j])`` pairs, by external ids (float32)."""
        check_call(self, Recommender.score, positional, unexpected, (users, items))
        self._require_fitted()
        user_index = self._user_indices(users)
        item_index = _lookup(self.items_, _as_ids(items, f"{self.name}: items"),
                             f"{self.name}: items", users=self.users_)
        if user_index.shape != item_index.shape:
            # "users and items must pair up: (1,) vs (2,)" named neither the model nor what
            # to give instead
            raise ConfigError(
                f"{self.name}: score(users, items): users and items must pair up (the score "
                f"of users[j] for items[j]), got {len(user_index)} user id(s) and "
                f"{len(item_index)} item id(s); to score several items for one user, repeat "
                "the user id ([user] * len(items)), or use recommend for a user's ranking")
        return self._score_pairs(user_index.astype(np.int64), item_index.astype(np.int64))

    def _score_pairs(self, user_index: np.ndarray, item_index: np.ndarray) -> np.ndarray:
        """Pair scores from full rows, one batch of distinct users at a time (models with
        factors override this with a row-wise dot product)."""
        out = np.empty(len(user_index), np.float32)
        distinct, inverse = np.unique(user_index, return_inverse=True)
        n_items = len(self.items_)
        batch = max(1, DEFAULT_MEMORY_BUDGET_BYTES // (n_items * 4 * 2))
        for start in range(0, len(distinct), batch):
            # checked and named by score's _user_indices (see recommend)
            rows = self._score_users(distinct[start:start + batch])
            chosen = (inverse >= start) & (inverse < start + batch)
            out[chosen] = rows[inverse[chosen] - start, item_index[chosen]]
        return out

    def save(self, path: Any = NOT_GIVEN, *positional: Any, overwrite: bool = False,
             **unexpected: Any) -> Any:
        """Write the fitted model to a folder (npz + JSON, never pickle)."""
        from recstack.models.persistence import save_model

        # save(path, True) and save(path, overwirte=True) were Python's TypeError naming
        # Recommender.save, not the model, nor the keyword to write
        check_call(self, Recommender.save, positional, unexpected, (path,))
        if not isinstance(overwrite, bool | np.bool_):
            # said by the folder writer without the model or the method
            raise ConfigError(f"{self.name}: save: overwrite must be True or False, got "
                              f"{shown(overwrite)}")
        return save_model(self, path, overwrite=bool(overwrite))

    def _state(self) -> dict[str, np.ndarray]:
        """Learned arrays to save (besides the vocabularies and training matrix)."""
        return {}

    def _load_state(self, arrays: dict[str, np.ndarray]) -> None:  # noqa: B027 (optional hook)
        """Restore what :meth:`_state` returned."""

    def _state_spec(self) -> dict[str, Any] | None:
        """What each array of :meth:`_state` must be when loaded: ``{name: ArraySpec}`` (or
        ``SparseSpec`` under a :func:`~recstack.models.persistence.sparse_state` prefix),
        with shapes in symbols (``"n_items"``, a hyperparameter's name, a free name), checked
        by :func:`~recstack.models.persistence.load_model` before :meth:`_load_state` runs.
        Called on an unfitted model built from the saved hyperparameters. None (the default)
        means undeclared: such a model can be saved but not loaded."""
        return None

    def _declared_models(self) -> list[tuple[str, Recommender]]:
        """The models this model is built from (a blend's members, a two-stage model's
        generators and scorers, a re-ranked model's inner model), unfitted, as its
        hyperparameters declare them, each with the prefix its saved arrays carry (``"m0__"``):
        :func:`~recstack.models.persistence.save_model` records which model wrote which
        arrays, and ``load_model`` refuses a ``model.json`` that names other models for
        them. None (an empty list) for a model of its own, the default."""
        return []

    def _saved_array_label(self, name: str) -> str:
        """How load and save errors name the saved array ``name`` (a model built from other
        models names the one whose array it is, e.g. a blend's member)."""
        return f"array {name!r} of model {self.name!r}"

    def _check_state(self, arrays: dict[str, np.ndarray]) -> str | None:
        """What is inconsistent between loaded arrays beyond :meth:`_state_spec` (e.g. a
        layer's width against a vocabulary's length), or None; run after the spec checks.
        ``arrays`` holds every array of the artifact: those of :meth:`_state` under their
        names, the id lists as ``base__user_ids`` and ``base__item_ids``."""
        return None

    def _history_matrix(self, histories: Any, *, method: str = "score_histories",
                        width: int | None = None) -> sp.csr_matrix:
        """Users' histories for ``score_histories`` and ``fold_in`` as float32 CSR: see
        :func:`history_matrix` for what is accepted. Refused up front when the answer, a
        row of ``width`` float32 values per history (the catalog by default; ``fold_in``
        gives its factors), would not fit in memory."""
        self._require_fitted()
        self._refuse_repeated_history_labels(histories)
        self._refuse_columns_in_another_order(histories)
        try:
            matrix = history_matrix(histories, len(self.items_), self.name)
        except RecstackError as error:
            hint = self._item_ids_history_hint(histories)
            if not hint:
                raise
            raise RecstackError(f"{error}; {hint}") from None
        self._require_score_memory(matrix.shape[0], method, "histories", width)
        self._check_weights(matrix.data, "histories")
        self._refuse_negative_history_values(matrix, histories)
        return self._without_untrained_entries(matrix)

    def _require_score_memory(self, n_rows: int, method: str, rows: str,
                              width: int | None = None) -> None:
        """Refuse, before scoring, an answer of ``n_rows`` rows of ``width`` float32 values
        (the catalog by default) that the process cannot hold: 10**8 user indices given to
        ``score_users``, or as many histories (an empty sparse matrix of that many rows costs
        nothing to make), failed with numpy's MemoryError traceback, or got the process
        killed, after the scoring had begun. The estimate is the answer alone, so nothing
        that fits is refused."""
        from recstack.models.memory import available_memory_bytes, require_memory

        width = len(self.items_) if width is None else int(width)
        needed = int(n_rows) * width * 4
        if not needed:
            return
        fits = max(1, available_memory_bytes()[0] // 4 // (width * 4))
        require_memory(self.name, needed,
                       f"{method}: the answer for {int(n_rows):,} {rows} ({int(n_rows):,} x "
                       f"{width:,} float32 values)",
                       f"give fewer {rows} at a time (batches of at most {fits:,} keep each "
                       "answer within a quarter of that)")

    def _without_untrained_entries(self, history: sp.csr_matrix) -> sp.csr_matrix:
        """``history`` without its entries on items of :meth:`_items_without_similarity`
        (a new matrix; the caller's is never changed): such an item taught the model
        nothing, and a history that mixed it with trained items was scored otherwise than
        the trained items alone (two-tower averaged in the one embedding every such item
        has, iALS and user-kNN counted it in the history's length and norm). A row of only
        such items is then empty, as :meth:`_empty_history_rows` counts it."""
        unknown = self._items_without_similarity()
        if unknown is None or not unknown.any() or not history.nnz:
            return history
        keep = ~unknown[history.indices]
        if keep.all():
            return history
        rows = np.repeat(np.arange(history.shape[0]), np.diff(history.indptr))
        indptr = np.concatenate([[0], np.cumsum(np.bincount(rows[keep],
                                                            minlength=history.shape[0]))])
        return sp.csr_matrix((history.data[keep], history.indices[keep], indptr),
                             shape=history.shape)

    def _item_ids_history_hint(self, histories: Any) -> str:
        """What to write instead, when refused ``histories`` are one user's history given
        by item ids rather than as a row of the catalog: a Series or DataFrame labelled with
        some of the model's item ids (``value_counts`` of a log, item -> value), a dict of
        item -> value, or a set or flat list of distinct item ids. Their width was refused as
        "2 columns; this model has 40 items" (or as no matrix at all), which did not say how
        to build the row. Empty when ``histories`` are none of these."""
        import pandas as pd  # deferred: the hint is for a refused input only

        n_items = len(self.items_)

        def all_known(values: Any) -> bool:
            try:
                index = self.items_.to_index(_as_ids(np.asarray(values, dtype=object),
                                                     "items"), missing="ignore")
            except (RecstackError, TypeError, ValueError, OverflowError):
                return False
            return bool(len(index)) and bool((index >= 0).all())

        def unlabelled(labels: Any) -> bool:  # a default index: positions, not ids
            return isinstance(labels, pd.RangeIndex) and labels.start == 0 \
                and labels.step == 1

        labelled = None
        if isinstance(histories, pd.Series) and not unlabelled(histories.index):
            labelled = ("its index holds", histories.index,
                        "histories.reindex(model.items_.external_ids, fill_value=0)")
        elif isinstance(histories, pd.DataFrame):
            if unlabelled(histories.columns):
                return ""
            labelled = ("its columns hold", histories.columns,
                        "histories.reindex(columns=model.items_.external_ids, fill_value=0)")
        elif isinstance(histories, dict):
            labelled = ("its keys hold", list(histories),
                        "pd.Series(histories).reindex(model.items_.external_ids, "
                        "fill_value=0).to_numpy()")
        if labelled is not None:
            part, labels, fix = labelled
            if len(labels) == n_items or not all_known(labels):
                return ""
            return (f"{part} {len(labels):,} of the model's item ids (one user's items, "
                    f"item -> value): align it to the model's {counted(n_items, 'item')} "
                    f"first, {fix}")
        if isinstance(histories, set | frozenset):
            values, what = list(histories), "a set"
        elif isinstance(histories, pd.Series):
            values, what = histories.to_list(), "a Series"
        elif isinstance(histories, list | tuple) and histories and all(
                isinstance(pair, tuple) and len(pair) == 2 for pair in histories) \
                and all_known([pair[0] for pair in histories]) \
                and _all_numbers([pair[1] for pair in histories]):
            # one user's (item, value) pairs: read as a matrix of two columns (text, when
            # the ids are), refused for its width or its text, with no word on the row
            items = [pair[0] for pair in histories]
            if len(set(map(str, items))) != len(items):
                return ""
            return (f"its (item, value) pairs hold {len(items):,} of the model's item ids "
                    f"(one user's items): align them to the model's "
                    f"{counted(n_items, 'item')} first, "
                    "pd.Series(dict(histories)).reindex(model.items_.external_ids, "
                    "fill_value=0).to_numpy()")
        elif isinstance(histories, list | tuple) and histories and all(
                isinstance(row, dict) for row in histories):
            # one dict of item -> value per user: numpy made it one object per row
            keys = [key for row in histories for key in row]
            if not all_known(keys) or not _all_numbers(
                    [value for row in histories for value in row.values()]):
                return ""
            return ("its dicts are keyed by the model's item ids (one user's items per dict, "
                    f"item -> value): align them to the model's {counted(n_items, 'item')} first, "
                    "pd.DataFrame(list(histories)).reindex(columns=model.items_.external_ids)"
                    ".fillna(0).to_numpy()")
        elif isinstance(histories, list | tuple) and histories and all(
                isinstance(row, list | tuple | set | frozenset | np.ndarray)
                for row in histories):
            # one list of item ids per user ([[10, 20], [30]]): refused by its width, or
            # as no matrix when the lists differ in length, with no word on the rows to build
            rows = [list(np.asarray(list(row), dtype=object).ravel()) for row in histories]
            flat = [value for row in rows for value in row]
            if any(isinstance(value, float | np.floating | list | tuple) for value in flat) \
                    or all(len(row) == n_items for row in rows) \
                    or any(len(set(map(str, row))) != len(row) for row in rows) \
                    or not all_known(flat):
                return ""
            return ("if lists of item ids were meant (one list per user), build the users' "
                    "rows first: rows = np.zeros((len(histories), len(model.items_))); then "
                    "for each user r, rows[r, model.items_.to_index(list(histories[r]))] = 1")
        elif isinstance(histories, list | tuple | np.ndarray):
            array = np.asarray(histories, dtype=object) if isinstance(histories, list | tuple) \
                else histories
            if array.ndim != 1:
                return ""
            values, what = array.tolist(), "a flat list"
        else:
            return ""
        if any(isinstance(value, float | np.floating) for value in values):
            return ""  # values (weights of a row), not ids
        if len(values) == n_items or len(set(map(str, values))) != len(values) \
                or not all_known(values):
            return ""
        return (f"if {what} of item ids was meant (one user's items), build the user's row "
                "first: row = np.zeros(len(model.items_)); "
                "row[model.items_.to_index(list(histories))] = 1")

    def _refuse_negative_history_values(self, matrix: sp.csr_matrix, histories: Any = None,
                                        counts_stored_zeros: bool | None = None) -> None:
        """Refuse negative history values when :meth:`_reads_occurrences`, as :meth:`fit`
        refuses negative training values: a dislike (-1) was scored as an interaction.
        The remedy is written for ``histories`` as given (:meth:`_negative_history_remedy`;
        ``counts_stored_zeros`` as there)."""
        if not self._refuses_negative_values():
            return
        negative = np.flatnonzero(matrix.data < 0)
        if not negative.size:
            return
        first = int(negative[0])
        row = int(np.searchsorted(matrix.indptr, first, side="right") - 1)
        item = _external_id(self.items_, matrix.indices[first])
        raise self._negative_values_error(
            f"histories hold {negative.size:,} negative value(s) (e.g. "
            f"{float(matrix.data[first]):g} in row {row}, column {int(matrix.indices[first])}"
            f" = item {item!r})", self._negative_history_remedy(histories, counts_stored_zeros))

    def _negative_history_remedy(self, histories: Any,
                                 counts_stored_zeros: bool | None = None) -> str:
        """How to keep only the interactions of ``histories``, for their type: "set the
        others to 0" was wrong for a sparse matrix given to a model that counts a stored 0
        as an interaction (ALS, and the models with ``binary=True`` that count every
        recorded pair): the 0 written in place of -1 still counted. ``counts_stored_zeros``
        (by default, whether this model does: not :meth:`_learns_from_values`) is for a
        model that hands the histories on (a blend: whether any member counts them)."""
        if counts_stored_zeros is None:
            counts_stored_zeros = not self._learns_from_values()
        if sp.issparse(histories):
            if counts_stored_zeros:
                return ("to keep only the interactions, drop those entries from the sparse "
                        "matrix: setting them to 0 is not enough, since this model counts "
                        "a stored 0 as an interaction (histories.data[histories.data < 0] "
                        "= 0 and then histories.eliminate_zeros(), which drops every "
                        "stored 0)")
            return ("to keep only the interactions, set those entries to 0 "
                    "(histories.data[histories.data < 0] = 0; a stored 0 is no interaction "
                    "to this model)")
        import pandas as pd  # deferred: only for a refused input

        if isinstance(histories, pd.DataFrame | pd.Series):
            return ("to keep only the interactions, set those values to 0 "
                    "(histories.clip(lower=0))")
        return ("to keep only the interactions, set those values to 0 "
                "(histories = np.clip(histories, 0, None))")

    def _refuse_repeated_history_labels(self, histories: Any) -> None:
        """Refuse pandas histories whose labels (a DataFrame's columns, the index of one
        user's Series) name one of the model's items more than once. Such labels are no
        reordering of the catalog, and every remedy said for labelled histories failed on
        them: a DataFrame labelled with all of the model's items but one, and one of them
        twice, was told its columns were "in another order" and to select them in the
        model's order (pandas' KeyError for the missing item), and a Series labelled ``[3,
        3]`` to ``reindex`` it (pandas' "cannot reindex on an axis with duplicate labels").
        The refusal names the repeated item and where, and says to add up its entries, as
        the repeated cells of a sparse matrix are read (:func:`history_matrix`), before
        aligning them to the model's items. Repeated labels that are none of the model's
        items are left to the other checks, as before."""
        import pandas as pd  # deferred: only pandas inputs reach it

        if isinstance(histories, pd.DataFrame):
            labels = histories.columns
            if not labels.has_duplicates:  # (before a walk over every column)
                return
            if {USER_ID, ITEM_ID} <= {str(label) for label in labels}:
                return  # a table of interaction rows: history_matrix says to pivot it
            part, place = "a DataFrame whose columns name", "columns"
            fix = ("histories.T.groupby(level=0).sum().T.reindex("
                   "columns=model.items_.external_ids, fill_value=0)")
        elif isinstance(histories, pd.Series):
            labels = histories.index
            part, place = "a Series (one user's history) whose index names", "positions"
            fix = ("histories.groupby(level=0).sum().reindex(model.items_.external_ids, "
                   "fill_value=0)")
        else:
            return
        if not labels.has_duplicates:
            return
        repeated = labels[labels.duplicated(keep=False)].unique()
        try:
            index = self.items_.to_index(_as_ids(np.asarray(repeated, dtype=object),
                                                 "columns"), missing="ignore")
        except (RecstackError, TypeError, ValueError, OverflowError):
            return  # labels that are no ids: read by position
        items = [label for label, at in zip(repeated, np.asarray(index), strict=True)
                 if at >= 0]
        if not items:
            return
        first = items[0]
        positions = np.flatnonzero(np.asarray(labels == first, dtype=bool)).tolist()
        others = (f"; {len(items) - 1:,} other item(s) of the model's are named more than once "
                  "too" if len(items) > 1 else "")
        raise RecstackError(
            f"{self.name}: histories is {part} item {shown(first)} more than once "
            f"({place} {', '.join(map(str, positions[:5]))}{', ...' if len(positions) > 5 else ''}"
            f"){others}; each item takes one value per user: add up the repeated ones (as "
            "the repeated cells of a sparse matrix are read) and align them to the model's "
            f"{counted(len(self.items_), 'item')} first, {fix}")

    def _refuse_columns_in_another_order(self, histories: Any) -> None:
        """Refuse a DataFrame of histories whose column labels are this model's item ids
        in another order (a ``pivot_table`` of a log sorts them by id, the model keeps them
        in its own order): its columns are read by position, in the model's item order, so
        each value went to another item without a word. The same for one user's history as
        a Series whose index is the model's item ids in another order. Unlabelled columns
        (a RangeIndex from 0, or the positions 0..n-1) and labels that are no ids at all are read
        by position, as before; labels of which some, or all, are ids the model does not
        know (a history pivoted from another catalog or id space, with as many columns by
        chance) are refused: read by position, each value went to another item."""
        import pandas as pd  # deferred: only pandas inputs reach it

        # one user's history as a Series is labelled by its index, as a frame's rows are by
        # its columns (value_counts or a groupby of a log orders it by count or by id)
        if isinstance(histories, pd.DataFrame):
            labels = histories.columns
        elif isinstance(histories, pd.Series):
            labels = histories.index
        else:
            return
        if isinstance(labels, pd.RangeIndex) and labels.start == 0 and labels.step == 1:
            # unlabelled (a default index): positions. Any other range (range(1, n + 1),
            # 1-based item ids; a slice's range(10, n + 10)) is labels, checked below: read
            # by position, each value went to the item one or more places away
            return
        n_items = len(self.items_)
        if len(labels) != n_items:
            return  # refused by history_matrix, naming the widths
        try:
            index = self.items_.to_index(_as_ids(labels.to_numpy(), "columns"),
                                         missing="ignore")
        except (RecstackError, TypeError, ValueError, OverflowError):
            return  # labels that are no ids: read by position
        if (index < 0).any():
            self._refuse_unknown_history_labels(histories, labels, index)
            return
        if np.array_equal(index, np.arange(n_items)):
            return
        at = int(np.flatnonzero(index != np.arange(n_items))[0])
        expected = self.items_.to_external(np.array([at]))[0]
        if isinstance(histories, pd.Series):
            raise RecstackError(
                f"{self.name}: histories is a Series (one user's history) whose index is the "
                f"model's item ids in another order (position {at} is item "
                f"{shown(labels[at])}, but the model's item {at} is {shown(expected)}); "
                "it is read by position, in the model's item order, so each value would go "
                "to another item: reorder it first, "
                "histories.loc[model.items_.to_external(np.arange(len(model.items_)))]")
        raise RecstackError(
            f"{self.name}: histories is a DataFrame whose columns are the model's item ids in "
            f"another order (column {at} is item {shown(labels[at])}, but the "
            f"model's item {at} is {shown(expected)}); its columns are read by position, in "
            "the model's item order, so each value would go to another item: reorder them "
            "first, histories[model.items_.to_external(np.arange(len(model.items_)))]")

    def _refuse_unknown_history_labels(self, histories: Any, labels: Any,
                                       index: np.ndarray) -> None:
        """Refuse pandas histories labelled (columns of a DataFrame, index of a Series) with
        ids of which some or all are not the model's items (``index`` -1 there), unless the
        labels are the positions 0..n-1: the values are read by position, so each went to
        the model's item at that position, whatever the label said."""
        import pandas as pd  # deferred: only pandas inputs reach it

        n_items = len(index)
        raw = np.asarray(integer_objects(labels.to_numpy()))
        if raw.dtype.kind in "iu" and np.array_equal(raw, np.arange(n_items)):
            return  # positions, as an unlabelled frame's
        if isinstance(histories, pd.DataFrame) and \
                {USER_ID, ITEM_ID} <= {str(label) for label in labels}:
            return  # a table of interaction rows: history_matrix says to pivot it
        unknown = np.flatnonzero(index < 0)
        at = int(unknown[0])
        part, axis, fix = (("a Series (one user's history) whose index is", "index",
                            "histories.reindex(model.items_.external_ids, fill_value=0)")
                           if isinstance(histories, pd.Series) else
                           ("a DataFrame whose columns are", "column",
                            "histories.reindex(columns=model.items_.external_ids, "
                            "fill_value=0)"))
        share = ("none of them is" if len(unknown) == n_items
                 else f"{len(unknown):,} of the {n_items:,} labels are not")
        raise RecstackError(
            f"{self.name}: histories is {part} labelled with ids that are not this "
            f"model's items ({share} one, e.g. {axis} {at} = "
            f"{shown(labels[at])}); it is read by position, in the model's item order, so "
            "each value would go to whichever item stands at its position: label it with "
            f"the model's item ids ({fix}, which drops the unknown ones), or give "
            "histories.to_numpy() if its values already follow the model's item order")

    def _user_indices(self, users: Any, *, needs_history: bool | None = None,
                      hint: str | None = None) -> np.ndarray:
        """Indices of external user ids, for the public methods that take them.

        Ids outside the user vocabulary are refused. So are users with no training rows
        (:meth:`_users_without_history`), unless ``needs_history`` is False; by default it
        is ``not serves_users_without_history``. Users the model serves by a stand-in
        (:attr:`history_fallback`) are named in a :class:`PopularityFallbackWarning`.
        ``hint`` replaces :meth:`_no_history_hint` in the refusal (a method whose needs
        differ from ``recommend``'s)."""
        ids = _as_ids(users, f"{self.name}: users")
        index = _lookup(self.users_, ids, f"{self.name}: users", missing="ignore")
        if (index < 0).any():
            # distinct ids: a test part's rows repeat each user, and "343 user(s)" were
            # the rows of at most 30 users, with one id shown five times as the examples
            unknown = list(dict.fromkeys(ids[index < 0].tolist()))
            # among known users, say where the first one stands and that the call is
            # refused whole (the known users' answers are not given without them)
            first = int(np.flatnonzero(index < 0)[0])
            among = ("" if len(ids) == 1 else
                     f"; the first is at position {first} of the {len(ids):,} users asked "
                     "for, and a call with any such user is refused whole: leave them out "
                     "(model.users_.external_ids lists the trained ones)")
            raise RecstackError(
                f"{self.name}: {len(unknown):,} user(s) not seen in training, e.g. "
                f"{shown_ids(unknown[:5])}; this model cannot recommend for them"
                f"{_other_kind_of_ids(self.users_, unknown)}"
                f"{_swapped_ids_note(self.users_, self.items_, unknown, 'item', 'user')}"
                f"{_internal_index_note(self.users_, unknown, 'user')}"
                f"{among}")
        without = self._users_without_history()[index]
        if without.any():
            if needs_history is None:
                needs_history = not self.serves_users_without_history
            if needs_history:
                raise RecstackError(self._no_history_message(ids[without], hint))
            if self.history_fallback is not None:
                self._warn_users_without_history(index[without], self.history_fallback)
        return index

    def _users_without_history(self) -> np.ndarray:
        """Per user of the vocabulary (bool, ``(n_users,)``): True where the model has no
        training rows of the user. Models that set rows aside while training (e.g. for
        validation) may say more precisely which users they could not learn.

        A model that reads a value of 0 as no interaction (:meth:`_learns_from_values`)
        learned nothing from a user whose every value is 0 either: such users count too
        (worked out once per training matrix, since single requests ask for it)."""
        if not self._learns_from_values():
            return np.diff(self.seen_.indptr) == 0
        cached = self.__dict__.get("_users_without_values_of")
        if cached is None or cached[0] is not self.seen_:
            nonzero = (self.seen_ != 0).getnnz(axis=1)
            cached = (self.seen_, np.asarray(nonzero).ravel() == 0)
            self.__dict__["_users_without_values_of"] = cached
        return cached[1]

    def _no_history_message(self, user_ids: np.ndarray, hint: str | None = None) -> str:
        """The refusal of users without training rows: the model, how many users, a few
        ids, why, and what works instead."""
        distinct = list(dict.fromkeys(user_ids.tolist()))
        zeros = (" (no rows, or only values of 0, which this model reads as no interaction)"
                 if self._learns_from_values() else "")
        return (f"{self.name}: {len(distinct)} user(s) have no training interactions, e.g. "
                f"{distinct[:5]}{zeros}: they are in the model's user vocabulary (splits share "
                "vocabularies) but the model learned nothing about them, so its scores for "
                f"them would be meaningless; {hint or self._no_history_hint()}")

    def _no_history_hint(self) -> str:
        """What to do instead for users without training rows (models may override)."""
        histories = ("(their interactions as a users x items matrix in this model's item "
                     "order)")
        if callable(getattr(self, "fold_in", None)):
            return ("fold them in from their interactions without retraining: "
                    "fold_in(histories) gives their factors and score_histories(histories) "
                    f"their scores {histories}")
        if callable(getattr(self, "score_histories", None)):
            return ("score them from their interactions without retraining with "
                    f"score_histories(histories) {histories}")
        return ("this model cannot score users from their interactions without training; "
                "refit it on data that includes their interactions")

    def _require_fitted(self, method: str | None = None) -> None:
        """Refuse a call on an unfitted model, naming ``method`` (e.g. ``"save"``) where it
        is not one that asks for recommendations. Without ``method``, the call is the
        outermost public method of this model on the stack (:meth:`_call_in_words`)."""
        if not self.is_fitted:
            doing = self._call_in_words(method, sys._getframe(1), "asking for recommendations")
            raise RecstackError(f"{self.name}: call fit() before {doing}")
        self._refuse_changed_params(method, sys._getframe(1))

    def _call_in_words(self, method: str | None, frame: Any, recommending: str) -> str:
        """The call a refusal names: ``method()`` when given; else the outermost public
        method (or property) of this model from ``frame`` up, so that ``loss()``,
        ``fold_in()``, ``score_histories()`` or ``candidates()`` of an unfitted model are not
        refused "before asking for recommendations", a call the user did not make (private
        helpers and the public methods that a public method of the same model calls are
        passed over); ``recommending`` for ``recommend`` and when none is found."""
        if method is None:
            while frame is not None and frame.f_locals.get("self") is self:
                if not frame.f_code.co_name.startswith("_"):
                    method = frame.f_code.co_name
                frame = frame.f_back
        if method is None or method in _RECOMMENDING_CALLS:
            return recommending
        # a learned attribute read as a property (sasrec's sequence_length_)
        return f"reading {method}" if method.endswith("_") else f"{method}()"

    def _refuse_changed_params(self, method: str | None = None, frame: Any = None) -> None:
        """Refuse hyperparameters set to other values since :meth:`fit` (or
        :func:`~recstack.models.persistence.load_model`), as the rankers and re-rankers do:
        the learned arrays follow the values of fit, so ``recommend`` silently ignored the
        new ones (or mixed them with the old: a blend's ``normalization``), and ``save``
        wrote them beside arrays they do not describe. The parameters that only say where
        the model runs (:data:`RUNTIME_PARAMS`) may change; they are checked as fit checks
        them. Raises :class:`~recstack.errors.ConfigError` naming each changed parameter;
        ``frame``: where to look for the call it names (:meth:`_call_in_words`)."""
        fitted = self.__dict__.get("fitted_params_")
        if fitted is None:
            return  # only while fit runs (_fit may call the public methods on itself)
        now = self.get_params()
        changed = [f"{name}={fitted[name]!r} at fit, now {now[name]!r}"
                   for name in self.params
                   if name not in RUNTIME_PARAMS and name in fitted
                   and canonical_value(now[name]) != fitted[name]]
        if changed:
            doing = self._call_in_words(method, frame or sys._getframe(1), "recommendations")
            raise ConfigError(
                f"{self.name}: {'; '.join(changed)}; the learned arrays were fitted with the "
                f"values of fit, so {doing} cannot use the new ones (a saved model.json "
                "would describe another model): call fit() again to train with them, or set "
                "them back")
        for name in RUNTIME_PARAMS.intersection(self.params):
            self.params[name].check(self.name, name, now[name])


#: the calls that an unfitted model's refusal names as "asking for recommendations"
_RECOMMENDING_CALLS = frozenset({"recommend", "recommend_sequences"})


def _as_ids(ids: Any, what: str) -> np.ndarray:
    """External ids as given to the public methods (one id, or a flat sequence or array of
    them) as a 1-D array; anything else (a table, a set, nested lists) is refused with a
    :class:`~recstack.errors.RecstackError` rather than a numpy or pandas error."""
    if isinstance(ids, dict | set | frozenset):
        raise RecstackError(f"{what}: expected one id or a list of ids, got a "
                            f"{type(ids).__name__} (its order is not the order of the "
                            "results); pass a list")
    if hasattr(ids, "columns") and hasattr(ids, "shape"):
        # a table (e.g. item rows given where the users go): its repr spread over lines
        raise RecstackError(f"{what}: expected one id or a flat list of ids, got a "
                            f"{type(ids).__name__} of shape {tuple(ids.shape)} (columns "
                            f"{shown_given(list(ids.columns))}); pass its column of ids, "
                            "frame[column].to_numpy()")
    if not isinstance(ids, str | bytes | np.ndarray) and not np.isscalar(ids) \
            and hasattr(ids, "__iter__") and not hasattr(ids, "__len__"):
        ids = list(ids)  # a generator or other one-pass iterable
    try:
        array = np.atleast_1d(ids if isinstance(ids, np.ndarray) else sequence_array(ids))
    except ValueError:  # ragged nesting
        array = None
    if isinstance(ids, list | tuple) and array is not None and array.ndim == 1 and (
            array.dtype.kind in "US"):
        # numpy's reading of a list as text loses what each value was (["2", 2.0] became
        # the text "2" and "2.0"): as objects, each value is read by the id rule (2.0 the
        # integer 2), as the loaders read them
        kept = np.empty(len(ids), dtype=object)
        kept[:] = list(ids)
        array = kept
    if array is not None and array.dtype.kind == "c":
        # numpy would look 1+0j up as 1 (and 1+2j too): complex numbers are not ids
        raise RecstackError(f"{what}: ids are numbers or strings, got complex numbers "
                            f"{shown_given(ids)}")
    if array is None or array.ndim != 1:
        raise RecstackError(f"{what}: expected one id or a flat list of ids, got "
                            f"{shown_given(ids)}; flatten it first (nested lists and 2-D arrays "
                            "are not ids)")
    return array


def check_interactions(data: Any, what: str) -> Interactions:
    """``data`` when it is :class:`~recstack.data.interactions.Interactions`; anything else
    (a DataFrame, a path, None) is refused saying how to make one, rather than failing on
    a missing attribute inside the model."""
    if not isinstance(data, Interactions):
        raise RecstackError(f"{what} takes Interactions (from recstack.data.sources."
                            "load_source, Interactions.from_frame, or a split's train), got "
                            f"{type(data).__name__}")
    return data


def check_list_length(k: Any, n_rows: int, n_items: int, who: str = "") -> int:
    """``k`` as an int: a positive integer, and, beyond the catalog (the extra slots are
    empty padding), not so large that the padding alone would not fit the memory budget.
    ``who`` (e.g. ``"ease: recommend"``) starts the refusal: a bare "k must be a positive
    integer" from a script calling several models did not say whose call it was.

    One rule for every model's ``recommend`` and ``similar_items``: a Python or numpy
    integer, or a whole exact number (``Decimal("10")``), is the k it names; a 0-d numpy
    array is the one value it holds (as the models' hyperparameters read it); a float, even
    a whole one (``3.0``), and true/false are refused, saying what they are."""
    from recstack.metrics._validation import exact_as_int

    where = f"{who}: " if who else ""
    # a whole exact number (Decimal("10"), from a config or a grid) is the k it names, as
    # the metrics' k and every whole-number hyperparameter read it; it was refused
    given, k = k, exact_as_int(k)
    if isinstance(k, np.ndarray) and k.ndim == 0:
        # np.array(3) (a reduction's result) was refused as "got array(3)"; it is the value
        # it holds, refused below as that value when it is not a whole number
        k = exact_as_int(k[()].item() if isinstance(k[()], np.generic) else k[()])
    if isinstance(k, bool | np.bool_) or not isinstance(k, int | np.integer) or k < 1:
        raise ConfigError(f"{where}k must be a positive integer, got {shown_given(given)}"
                          f"{_not_a_count(k)}")
    k = int(k)
    # the padding is refused by the size of one list too: with no users (or items) asked
    # for, k = 10**40 reached numpy's padding and failed there ("`pad_width` must be of
    # integral type")
    if k > n_items and max(int(n_rows), 1) * k * 16 > DEFAULT_MEMORY_BUDGET_BYTES:
        stated = f"k = {k}" if digit_count(k) <= 20 else \
            f"k, a {digit_count(k):,}-digit integer,"
        raise ConfigError(f"{where}{stated} is larger than the catalog "
                          f"({counted(n_items, 'item')}): "
                          f"each list would be padded with {_slots(k - n_items)}; use "
                          f"k <= {n_items:,}")
    return k


def _not_a_count(k: Any) -> str:
    """What a refused ``k`` is, when its value alone does not say why it is no count: a
    whole float (``3.0``) reads as the count it names, and ``True`` as 1."""
    if isinstance(k, bool | np.bool_):
        return ", a boolean (true/false), not a number"
    if isinstance(k, float | np.floating) and math.isfinite(k) and float(k).is_integer() \
            and k >= 1:
        return f", a float; write the whole number {int(k)} (int(k))"
    if isinstance(k, np.ndarray):
        return f", an array of shape {k.shape}; give one integer"
    return ""


def _slots(count: int) -> str:
    """``count`` empty slots in words, a count of more than 20 digits by its digit count:
    "a 40-digit integer empty slots" did not read as a sentence."""
    if digit_count(count) <= 20:
        return f"{count:,} empty slots"
    return f"a {digit_count(count):,}-digit number of empty slots"


def masked_entries(value: Any) -> tuple[tuple[int, ...], int] | None:
    """Where a numpy masked array (or a list or tuple of them: one row each) hides its first
    masked entry, and how many it hides; None when ``value`` has none. ``np.asarray`` reads
    the number stored under each mask as though it had been given, so a masked history
    value was scored as an interaction, and a masked user or item index as that index,
    where the loaders and the id-taking methods refuse a masked entry as a missing value."""
    if np.ma.isMaskedArray(value):
        hidden = np.ma.getmaskarray(value)
        if not hidden.any():
            return None
        return tuple(int(i) for i in np.argwhere(hidden)[0]), int(hidden.sum())
    if isinstance(value, list | tuple):
        first, total = None, 0
        for row, part in enumerate(value):
            found = masked_entries(part) if np.ma.isMaskedArray(part) else None
            if found is not None:
                first = first or (row, *found[0])
                total += found[1]
        return (first, total) if first is not None else None
    return None


def without_masks(value: Any) -> Any:
    """``value`` with any numpy masked array (or masked row of a list or tuple) as its plain
    data: for a value :func:`masked_entries` found no masked entry in."""
    if np.ma.isMaskedArray(value):
        return np.ma.getdata(value)
    if isinstance(value, list | tuple) and any(np.ma.isMaskedArray(part) for part in value):
        return type(value)(np.ma.getdata(part) if np.ma.isMaskedArray(part) else part
                           for part in value)
    return value


def refuse_masked_indices(value: Any, what: str, noun: str) -> Any:
    """``value`` without its mask, or a :class:`~recstack.errors.RecstackError` naming the
    first masked entry of a masked array of ``noun`` (e.g. "user index") given as ``what``;
    see :func:`masked_entries`."""
    found = masked_entries(value)
    if found is None:
        return without_masks(value)
    at, count = found
    where = at[0] if len(at) == 1 else at
    others = f" ({count:,} such values in all)" if count > 1 else ""
    raise RecstackError(
        f"{what}: the value at position {where} is a masked entry (a missing {noun}){others}, "
        "whose hidden value would be read as an index; drop the masked entries first "
        "(e.g. values.compressed())")


def integer_objects(value: Any) -> Any:
    """``value`` as an int64 array when numpy holds it as objects that are all integers
    (Python ints or numpy integers; not true/false), else ``value`` unchanged, for every
    method that takes indices: the values decide, not the container. An object array of
    ints (a pandas object column's ``to_numpy()``) was refused while the same values in a
    list of numpy integers were taken. Objects that are not all integers (a float, None,
    text, a bool, an integer past int64) are left for the caller's own refusal."""
    if isinstance(value, np.ndarray) and value.dtype != object:
        return value
    try:
        array = np.asarray(value)
    except (TypeError, ValueError):
        return value
    if array.dtype != object or not array.size:
        return value
    elements = array.ravel().tolist()
    if all(isinstance(v, int | np.integer) and not isinstance(v, bool | np.bool_)
           and -2**63 <= int(v) < 2**63 for v in elements):
        return np.array(elements, dtype=np.int64).reshape(array.shape)
    return value


def index_problem(indices: np.ndarray, n: int) -> str | None:
    """None when the flat array ``indices`` (after :func:`integer_objects`) holds only
    integers in ``[0, n)``; else the first value that is not one, with its position and
    why, for a refusal ("position 7 holds 12, which is n or more"). The refusals of
    ``score_users`` and SASRec's ``score_sequences`` showed the first five values of the
    input, which for a long one were all valid while the bad value further on went unnamed,
    and did not say that a float (``1.0`` too) is not an index."""
    if not indices.size:
        return None
    if indices.dtype.kind in "iu":
        wrong = np.flatnonzero((indices < 0) | (indices >= n))
        if not wrong.size:
            return None
        at = int(wrong[0])
        return f"position {at} holds {int(indices[at])}, {_out_of_range(int(indices[at]), n)}"
    for at, value in enumerate(indices.tolist()):
        if isinstance(value, bool | np.bool_):
            why = "true/false, not an index"
        elif isinstance(value, int | np.integer):
            if 0 <= value < n:
                continue
            why = _out_of_range(int(value), n)
        elif isinstance(value, float | np.floating):
            why = "a float, not an index (an index is a whole number: 1, not 1.0)"
        elif value is None:
            why = "a missing value"
        elif isinstance(value, str | bytes):
            why = "text, not an index"
        else:
            why = f"a {type(value).__name__}, not an integer"
        return f"position {at} holds {shown(value)}, {why}"
    return None


def _out_of_range(value: int, n: int) -> str:
    return "which is below 0" if value < 0 else f"which is not below {n:,}"


def check_batch_size(batch_size: Any, who: str) -> int | None:
    """``batch_size`` (users scored at a time) as an int, or None; refuse one that is neither
    None nor a positive integer, naming ``who`` (e.g. ``"ease: recommend"``): the bare
    "batch_size must be a positive integer" from deep in the top-K loop named neither the
    model nor the call. A whole exact number (``Decimal("256")``) is the int it names, as
    ``k`` is."""
    from recstack.metrics._validation import exact_as_int

    if batch_size is None:
        return None
    given, batch_size = batch_size, exact_as_int(batch_size)
    if isinstance(batch_size, bool) or not isinstance(batch_size, int | np.integer) \
            or batch_size < 1:
        raise ConfigError(f"{who}: batch_size must be a positive integer (users scored at a "
                          "time) or None (sized to the memory budget), got "
                          f"{shown_given(given)}")
    return int(batch_size)


def warn_more_threads_than_cores(model: str, name: str, threads: int) -> None:
    """Warn when a thread-count hyperparameter asks for more threads than the process has
    cores: the threads then take turns (4096 threads on 2 cores made a BPR fit 400 times
    slower), which no one asking for speed wants; the fit still runs as asked."""
    cores = default_threads()
    if threads > cores:
        warnings.warn(f"{model}: {name}={threads} is more threads than the {cores} core(s) "
                      f"this process may use, so they take turns and fitting is slower, not "
                      f"faster; use {name}=0 (every core) or at most {cores}",
                      RuntimeWarning, stacklevel=caller_stacklevel())


def _lookup(ids: IdMap, external: np.ndarray, what: str, *, missing: str = "raise",
            users: IdMap | None = None) -> np.ndarray:
    """``ids.to_index`` that reports an id that cannot be looked up (a list or a table
    inside the list) as a user's mistake, and with ``missing="raise"`` refuses ids the
    vocabulary lacks naming ``what`` (e.g. ``"ease: items"``); ``"ignore"`` gives -1.
    ``users``: the model's user vocabulary, for item ids (:func:`_swapped_ids_note`)."""
    try:
        try:
            # ``what`` names the argument in a refusal of a value that is no id (None, NaN,
            # True): it said "ids: the value at position 1 is None", naming no argument
            index = ids.to_index(external, missing="ignore", what=what)
        except OverflowError:
            # an integer beyond int64 can only be an id held as text (ids that do not fit
            # int64 are kept as text): look it up as its digits
            index = ids.to_index(_huge_integers_as_text(external), missing="ignore",
                                 what=what)
    except TypeError as error:
        raise RecstackError(f"{what}: each id must be a number or a string, got "
                            f"{shown_given(external)} ({error})") from None
    if missing == "raise" and (index < 0).any():
        unknown = list(dict.fromkeys(np.asarray(external)[index < 0].tolist()))
        # ``users`` is given for item ids only
        positions = _internal_index_note(ids, unknown, "item") if users is not None else ""
        raise RecstackError(f"{what}: {len(unknown)} id(s) the model was not trained on, "
                            f"e.g. {shown_ids(unknown[:5])} (it knows {len(ids):,}); give "
                            f"ids of its training data{_other_kind_of_ids(ids, unknown)}"
                            f"{_swapped_ids_note(ids, users, unknown, 'user', 'item')}"
                            f"{positions}")
    return index


def _swapped_ids_note(own: IdMap, other: IdMap | None, unknown: list[Any], kind: str,
                      asked: str) -> str:
    """When every id in ``unknown`` (asked for as ``asked`` ids, of the vocabulary ``own``)
    is an id of the model's other vocabulary ``other`` (its ``kind`` ids), and the two
    vocabularies share no id (so that belonging to one says which kind an id is: integer
    user and item ids counted from 1 overlap), a note saying so: user ids given for items
    (``score(items, users)``, ``similar_items(users)``) were refused as ids "not seen in
    training", which sent the caller looking for missing users, not swapped arguments."""
    if other is None or not unknown or len(other) == 0:
        return ""
    try:
        found = other.to_index(np.array(unknown, dtype=object), missing="ignore")
        if (np.asarray(found) < 0).any():
            return ""
        shared = own.to_index(other.external_ids, missing="ignore")
    except (TypeError, ValueError, OverflowError, RecstackError):
        return ""
    if (np.asarray(shared) >= 0).any():
        return ""
    every = "it is an id" if len(unknown) == 1 else "all of them are ids"
    return (f" ({every} of the model's {kind}s, not of its {asked}s: were {kind}s given "
            f"where {asked}s are asked for, or the arguments swapped?)")


def _internal_index_note(ids: IdMap, unknown: list[Any], kind: str) -> str:
    """When every unknown id is a whole number in ``[0, len(ids))`` (the positions the
    model keeps its ``kind`` s at, as ``score_users`` takes them) and the vocabulary holds
    integer ids, a note saying so: ``recommend([0, 1])`` on a model whose ids start at 100
    was refused as users "not seen in training", which did not say that the public methods
    take external ids, nor how to turn positions into them."""
    if ids.id_kind != "integers" or not unknown or len(ids) == 0:
        return ""
    if not all(isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)
               and 0 <= int(value) < len(ids) for value in unknown):
        return ""
    vocabulary = "users_" if kind == "user" else "items_"
    every = "it is" if len(unknown) == 1 else "all are"
    used = "as score_users takes them" if kind == "user" else \
        "the columns of score_users' rows"
    return (f" ({every} below {len(ids):,}, the number of {kind}s: if these are positions in "
            f"the model's {kind} list ({used}), give {kind} ids instead; "
            f"model.{vocabulary}.external_ids[positions] gives them)")


def _other_kind_of_ids(ids: IdMap, unknown: list[Any]) -> str:
    """When every unknown id is of another kind than the vocabulary's (numbers asked of a
    model whose ids are text such as ``'u7'``, or words asked of one whose ids are
    integers), a note saying so with a few of its ids; "not seen in training" alone left
    the caller looking for a missing user rather than a wrong id column."""
    def is_text(value: Any) -> bool:
        # "99" asked of integer ids is looked up as 99: of the same kind
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        return isinstance(value, str) and not value.strip().lstrip("+-").isdigit()

    kind = ids.id_kind
    if not unknown or kind not in ("text", "integers") or len(ids) == 0:
        return ""
    if kind == "text" and any(isinstance(value, str | bytes) for value in unknown):
        return ""
    if kind == "integers" and not all(is_text(value) for value in unknown):
        return ""
    given = "text" if kind == "integers" else "numbers"
    examples = ids.external_ids[:3].tolist()
    return (f" (these ids are {given}, but the model's ids are {kind}, e.g. {examples}: "
            "is this the right id column?)")


def _huge_integers_as_text(external: np.ndarray) -> np.ndarray:
    """``external`` with each integer outside int64 written as its digits (object array)."""
    values = np.asarray(external, dtype=object).ravel().tolist()
    return np.array([str(v) if isinstance(v, int) and not isinstance(v, bool)
                     and not _INT64_MIN <= v <= _INT64_MAX else v for v in values],
                    dtype=object)


def refuse_positional(who: str, positional: tuple[Any, ...], remedy: str, *,
                      taken: str = "only keywords are taken") -> None:
    """Refuse values given by position where only keywords are taken (a model's
    hyperparameters, ``fit``'s options), naming ``who`` and saying ``remedy``: Python's
    TypeError ("takes 1 positional argument but 2 were given") named neither the model nor
    the keywords, and for a mixed-in ``fit`` named the mixin. ``taken`` says what the
    place takes instead (for a method without keywords: the arguments it takes)."""
    if not positional:
        return
    values = ", ".join(_shown_value(value) for value in positional[:3]) \
        + (", ..." if len(positional) > 3 else "")
    raise ConfigError(f"{who}: got {len(positional)} value(s) by position ({values}) where "
                      f"{taken}; {remedy}")


def _shown_value(value: Any) -> str:
    """A value as an argument list shows it: scalars as written, anything else by type."""
    if value is None or isinstance(value, bool | int | float | str | np.generic):
        return shown_given(value.item() if isinstance(value, np.generic) else value)
    return f"<{type(value).__name__}>"


def refuse_unbound(model: Any, method: Callable[..., Any]) -> None:
    """Refuse a model method called on the class rather than on a model (``model = ALS``
    without the parentheses, then ``model.fit(train)``): the first argument became
    ``self``, and the call failed deep inside with an AttributeError ("'Interactions' object
    has no attribute 'name'") or said an argument was missing."""
    if isinstance(model, Recommender):
        return
    title = method.__name__
    raise ConfigError(
        f"{title}() was called on a model class, not on a model (its first argument, "
        f"a {type(model).__name__}, took the model's place); create the model first and call "
        f"{title} on it: model = create_model(name, ...) (or the class with its "
        f"hyperparameters, ALS(factors=64)); model.{title}(...)")


def check_call(model: Any, method: Callable[..., Any], positional: tuple[Any, ...],
               unexpected: dict[str, Any], given: tuple[Any, ...] = ()) -> None:
    """Refuse a call of ``model``'s public ``method`` (the function, as defined) with values
    its signature does not take: ``positional`` (what its ``*positional`` caught) is a value
    given by position where only keywords are taken (``recommend(users, 10, False)`` for
    ``exclude_seen=False``), ``unexpected`` (its ``**unexpected``) a keyword it does not
    take (a misspelt ``exlude_seen``). A :class:`~recstack.errors.ConfigError` names the
    model, the method and what it takes: Python's TypeError ("Recommender.recommend() takes
    from 2 to 3 positional arguments but 4 were given") named the base class or a mixin,
    and neither the model nor the keyword to use. Each public method of a model (and each
    override) takes ``*positional, ..., **unexpected`` and calls this first.

    ``given`` holds the values of the method's required arguments, in order, each with the
    default :data:`NOT_GIVEN`: one left out (``score(users)``, ``fold_in()``) is refused
    the same way, naming it."""
    if given:
        refuse_unbound(model, method)
    missing = [i for i, value in enumerate(given) if value is NOT_GIVEN]
    if not positional and not unexpected and not missing:
        return
    kinds = inspect.Parameter
    parameters = list(inspect.signature(method).parameters.values())[1:]
    by_position = [p.name for p in parameters
                   if p.kind in (kinds.POSITIONAL_ONLY, kinds.POSITIONAL_OR_KEYWORD)]
    flags = [p.name for p in parameters
             if p.kind is kinds.KEYWORD_ONLY and "bool" in str(p.annotation)]
    by_name = [p.name for p in parameters if p.kind is kinds.KEYWORD_ONLY]
    title = method.__name__
    who = f"{getattr(model, 'name', type(model).__name__)}: {title}()"
    names = by_position + by_name
    taken = (" and ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1
             else names[0] if names else "no arguments")
    required = [p.name for p in parameters if p.name in by_position
                and (p.default is kinds.empty or p.default is NOT_GIVEN)]
    if missing and not positional and not unexpected:
        left_out = [required[i] for i in missing if i < len(required)] or ["an argument"]
        raise ConfigError(
            f"{who} is missing {' and '.join(left_out)}; call it as "
            f"{title}({', '.join(required)}" + (", ..." if len(names) > len(required) else "")
            + f") (it takes {taken})")
    if positional and not by_name:
        refuse_positional(who, positional, f"call it as {title}({', '.join(required)})",
                          taken=f"it takes only {taken}" if names else "it takes no arguments")
    if positional:
        # a True/False is the flag among the keywords (exclude_seen): shown with its value
        first = positional[0]
        keyword = (f"{flags[0]}={bool(first)!r}" if flags and isinstance(first, bool | np.bool_)
                   else f"{by_name[0]}=...")
        refuse_positional(who, positional,
                          f"it takes {', '.join(by_position)} by position and "
                          f"{', '.join(by_name)} by name, e.g. "
                          f"{title}({', '.join([*by_position, keyword])})")
    name = next(iter(unexpected))
    raise ConfigError(f"{who} got an unexpected argument {name!r}"
                      f"{did_you_mean(name, names)}; it takes {taken}")


def _external_id(ids: IdMap, index: Any) -> Any:
    """The external id at position ``index`` of ``ids`` as a plain Python value, for
    messages: an int for integer ids, a str for text ids (``.item()`` on the element of a
    text vocabulary, a str already, raised AttributeError in place of the message)."""
    return ids.to_external(np.array([int(index)])).tolist()[0]


#: the earlier name, which other modules import
_preview = shown_given


def _holds_rows(value: Any) -> bool:
    """Whether ``value`` is meant as interaction rows (Interactions, a DataFrame, an array
    or a sparse matrix) rather than a setting's value."""
    return isinstance(value, Interactions) or sp.issparse(value) or (
        isinstance(getattr(value, "shape", None), tuple) and not isinstance(value, np.generic))


#: what numpy and torch say when an array cannot be allocated (besides MemoryError): its
#: size does not fit in an address, or the allocator refused it
_NO_MEMORY_MESSAGES = ("array is too big", "Maximum allowed dimension exceeded",
                       "Storage size calculation overflowed", "can't allocate memory",
                       "out of memory")


def _out_of_memory(error: BaseException) -> bool:
    """Whether ``error`` says an array would not fit in memory."""
    return isinstance(error, MemoryError) or (
        isinstance(error, ValueError | RuntimeError)
        and any(message in str(error) for message in _NO_MEMORY_MESSAGES))


#: what a model class declares of itself (the contract's class attributes): set on a model
#: they are refused (:func:`_class_contract_message`)
_CLASS_CONTRACT = frozenset({
    "name", "params", "predicts_ratings", "search_space", "serves_users_without_history",
    "history_fallback", "own_ranking_without_history", "places_items_by_content"})


def _class_contract_message(model: Recommender, name: str) -> str:
    """The refusal of ``model.<name> = value`` for a class attribute of the contract."""
    own = type(model).name
    if name == "name":
        return (f"{own}: name is the model's registered type, fixed by its class: save "
                "writes it into model.json, and load_model, the model registry and "
                "experiment files find the model by it; it cannot be set on a model (to "
                "tell models apart in results, give each [[models]] entry a label; for "
                "another model, create_model('<type>', ...))")
    return (f"{own}: {name} is declared by the model's class (what the model is and how "
            "it is served), not a setting of one model; it cannot be set on a model "
            f"(its hyperparameters: {', '.join(type(model).params) or '(none)'})")


def _new_public_name(obj: Any, name: str, declared: Collection[str] | None = None
                     ) -> bool:
    """Whether setting ``name`` on ``obj`` would add a public attribute near a declared
    hyperparameter (``factorz``, ``Factors``, ``regularisation``): a misspelling, since it
    is neither a hyperparameter, learned state (``item_factors_``), private state
    (``_cache``), nor one the object or its class already has. A name near none is an
    attribute of the user's own (a subclass's ``self.scores`` in its ``__init__``) and is
    set as any Python attribute is. ``declared``: the names declared, where they are not
    ``params`` (a calibrator's ``options``)."""
    declared = type(obj).params if declared is None else declared
    return (isinstance(name, str) and not name.startswith("_") and not name.endswith("_")
            and name not in obj.__dict__ and not hasattr(type(obj), name)
            and bool(did_you_mean(name, declared)))


def _is_learned_state(name: str) -> bool:
    """Whether an instance attribute is learned state, which exists only after a fit:
    public and ending in one underscore (``item_factors_``; not ``_cache`` or ``__x__``)."""
    return not name.startswith("_") and name.endswith("_") and not name.endswith("__")


def _unknown_attribute_message(obj: Any, name: str,
                               declared: Collection[str] | None = None) -> str:
    """The refusal of ``model.factorz = 3``: the name is no hyperparameter, the nearest one,
    and how hyperparameters are set."""
    params = type(obj).params if declared is None else declared
    model = getattr(obj, "name", type(obj).__name__)
    return (f"{model}: no hyperparameter {name!r}{did_you_mean(name, params)}; its "
            f"hyperparameters: {', '.join(params) or '(none)'} (set one as an attribute, "
            f"model.<name> = value, or give it to the constructor; a new attribute this near "
            f"a hyperparameter is refused so that a misspelling is not silently ignored)")


def models_taking(key: Any, *, but: str | None = None) -> list[str]:
    """The registered models (sorted, ``but`` left out) that declare a setting ``key``:
    for the refusal of a setting given to a model that does not take it, wherever it is
    refused (the constructor, a [tune] space, a search's ``base_params``)."""
    if not isinstance(key, str):
        return []
    from recstack.models.registry import available_models, model_class

    return [name for name in available_models()
            if name != but and key in model_class(name).params]


def setting_of_another_model(cls: type[Configurable], key: Any) -> str:
    """What ``key``, no setting of the model class ``cls``, is a setting of instead and
    where it goes (``"a setting of the models als and mf: check the model's type, or leave
    it out"``; for the two-stage model, a feature option, a ranker's or a generator's
    setting), ``""`` when it is no one's: the hint of the constructor's refusal, for other
    refusals of an unknown setting to tell as well."""
    return cls._setting_elsewhere(key) if isinstance(key, str) else ""


def _the_models(names: list[str]) -> str:
    """``"the als model"``, ``"the models als, bpr and mf"``."""
    if len(names) == 1:
        return f"the {names[0]} model"
    return f"the models {', '.join(names[:-1])} and {names[-1]}"


def _unknown_params_message(model: str, unknown: list[str], params: dict[str, Param],
                            elsewhere: Callable[[str], str] | None = None) -> str:
    """``model has no parameter 'factor' (did you mean 'factors'?); its parameters: ...``;
    ``elsewhere(name)``: what an unknown name is a setting of instead, and what to do
    (``"a setting of the models als and mf: check the model's type, ..."``), told after the
    nearest of the model's own where there is one."""
    hints = []
    for name in unknown:
        # the shared rule (recstack.specs.did_you_mean), as the attribute and argument
        # refusals: difflib's ratio alone suggested 'neighbors' for 'weights' and
        # 'scorers' for 'users'
        near = did_you_mean(name, list(params))
        other = elsewhere(name) if elsewhere is not None and isinstance(name, str) else ""
        if not other:
            hints.append(f"{name!r}{near}")
        elif near:
            # the near-miss of the model's own first ('block_size' given to mf: did you mean
            # 'batch_size'?), then whose it is exactly (ials's)
            hints.append(f"{name!r}{near} (if not, it is {other})")
        else:
            hints.append(f"{name!r} ({other})")
    return (f"{model}: no parameter {', '.join(hints)}; its parameters: "
            f"{', '.join(params) or '(none)'}")


# numpydoc sections that come after "Parameters"
_LATER_SECTIONS = ("Returns", "Yields", "Raises", "Warns", "See Also", "Notes", "References",
                   "Examples", "Attributes", "Methods")


def _with_parameters_section(doc: str, parameters: str) -> str:
    """``doc`` with a "Parameters" section (``parameters``) put before its first later
    numpydoc section (Attributes, Notes...), or at its end."""
    lines = doc.splitlines()
    section = ["Parameters", "----------", *parameters.splitlines(), ""]
    for position in range(len(lines) - 1):
        if (lines[position].strip() in _LATER_SECTIONS
                and set(lines[position + 1].strip()) == {"-"}):
            return "\n".join(lines[:position] + section + lines[position:])
    return "\n".join([*lines, "", *section]).rstrip() + "\n"


def _missing_method_message(cls: type[Recommender], method: str) -> str:
    """``reranked: this model has no score_histories(); models that have it: ...; ...``."""
    from recstack.models.registry import available_models, model_class

    having = [name for name in available_models()
              if callable(getattr(model_class(name), method, None))]
    who = getattr(cls, "name", cls.__name__)
    advice = getattr(cls, "missing_method_advice", {}).get(method, _OPTIONAL_METHODS[method])
    return (f"{who}: this model has no {method}(); models that have it: "
            f"{', '.join(having) or '(none)'}; {advice}")


def _models_with_vectors(kind: str) -> list[str]:
    """Registered models that expose ``kind`` ("item" or "user") embeddings: those whose
    class overrides the hook behind the public method."""
    from recstack.models.registry import available_models, model_class

    hooks = (f"_{kind}_embeddings", f"_public_{kind}_embeddings")
    return [name for name in available_models()
            if any(getattr(model_class(name), hook) is not getattr(Recommender, hook)
                   for hook in hooks)]


def _models_with_item_similarity() -> list[str]:
    """Registered models that :meth:`Recommender.similar_items` can answer for (a
    container, such as a blend, when what it holds can)."""
    from recstack.models.registry import available_models, model_class

    return [name for name in available_models()
            if model_class(name)._item_similarity_missing is not
            Recommender._item_similarity_missing
            or any(getattr(model_class(name), hook) is not getattr(Recommender, hook)
                   for hook in ("_similarity_rows", "_item_embeddings"))]


def _all_numbers(values: list[Any]) -> bool:
    """Whether every one of ``values`` is a real number (bools aside): the values of
    (item, value) pairs or of item -> value dicts, told from ids."""
    return all(isinstance(value, int | float | np.integer | np.floating)
               and not isinstance(value, bool | np.bool_) for value in values)


def history_matrix(histories: Any, n_items: int, model: str) -> sp.csr_matrix:
    """Users' histories as float32 CSR, checked: a 2-D matrix (scipy sparse, or dense: an
    array or nested lists; one 1-D row is one user) of finite numbers with ``n_items``
    columns in the model's item order. Anything else (text, a 3-D array, NaN or infinite
    values, another width) is refused with a :class:`~recstack.errors.RecstackError` that
    says what was given; a NaN would otherwise become NaN scores, or be binarised into an
    interaction that never happened. A sparse cell stored more than once is one entry
    holding the sum of its values, as scipy reads it; a value that float32 holds only as 0
    (1e-300) is refused. The matrix returned shares no memory
    with ``histories`` (models may change it in place; the caller's matrix is left as
    given)."""
    what = f"{model}: histories"
    masked = masked_entries(histories)
    if masked is not None:
        # np.asarray read the number under each mask as an interaction value (a masked
        # 5 scored as a rating of 5), where a missing value is refused (NaN, pd.NA)
        at, count = masked
        at = (0, at[0]) if len(at) == 1 else at  # one 1-D row is row 0
        place = (f"1 masked entry (a missing value) at (row, column) {at}, whose hidden "
                 "value" if count == 1 else f"{count:,} masked entries (missing values), "
                 f"the first at (row, column) {at}, whose hidden values")
        raise RecstackError(f"{what} hold {place} would be read as interaction values; fill "
                            "them first, e.g. histories.filled(0) (0: no interaction)")
    histories = without_masks(histories)
    given = histories
    if isinstance(histories, Interactions):
        raise RecstackError(
            f"{what} must be a users x items matrix of numbers, got {shown_given(histories)}; "
            "for interactions that share the model's item vocabulary (a part of the split "
            "it was trained on), pass interactions.to_csr()")
    if hasattr(histories, "columns") and {USER_ID, ITEM_ID} <= {
            str(column) for column in histories.columns}:
        # interaction rows (user, item[, value]): read as a matrix, its id columns became
        # item columns (refused for their number, or, with a catalog that wide, scored)
        raise RecstackError(
            f"{what} must be a users x items matrix in the model's item order, got a table "
            f"of interaction rows (columns {shown_given([str(c) for c in histories.columns])}); "
            "pivot it first, e.g. scipy.sparse.csr_matrix((values, (rows, "
            f"model.items_.to_index(frame[{ITEM_ID!r}]))), shape=(n_users, n_items))")
    if isinstance(histories, Iterator):
        # numpy made a generator one object, refused as "got <generator object ...>",
        # which did not say what to give instead
        raise RecstackError(
            f"{what} must be a users x items matrix of numbers, got a "
            f"{type(histories).__name__} (a one-pass iterator, not a matrix); build the matrix "
            "first, e.g. np.array(list(rows)) or scipy.sparse.vstack(list(rows))")
    if sp.issparse(histories):
        shape, kind = histories.shape, histories.dtype.kind
    else:
        try:
            array = np.asarray(histories)
            if array.dtype.kind == "O":  # numbers held as Python objects
                import pandas as pd  # deferred: only object arrays need its missing test

                text = np.frompyfunc(lambda v: isinstance(v, str | bytes), 1, 1)(array)
                if np.asarray(text, dtype=bool).any():
                    # numpy read "1" as 1.0 (and refused "abc"): a matrix of text, as read
                    # from a CSV without types, was taken for numbers
                    at = tuple(int(i) for i in np.argwhere(np.asarray(text, dtype=bool))[0])
                    raise RecstackError(
                        f"{what} must be a users x items matrix of numbers (interaction "
                        f"values), got text "
                        f"{array[at]!r} at {'(row, column) ' if len(at) == 2 else 'position '}"
                        f"{at if len(at) != 1 else at[0]}; convert the values to numbers "
                        "first (e.g. pd.to_numeric, or astype(float) on the frame)")

                # a missing value (pd.NA of a nullable "Float64"/"Int64" frame, as None
                # already was) becomes NaN, refused below naming where it is: pd.NA stopped
                # the conversion, and "must be a matrix of numbers" was said of one
                array = np.where(pd.isna(array), np.nan, array)
                try:
                    array = array.astype(np.float64)
                except OverflowError:
                    # an integer past float64's range failed with Python's "int too large
                    # to convert to float": named where it is, as a value past float32's
                    raise RecstackError(_not_finite_message(
                        what, 1, [_first_too_large(array)], [])) from None
        except (TypeError, ValueError):
            raise RecstackError(f"{what} must be a users x items matrix of numbers, got "
                                f"{shown_given(histories)}") from None
        shape, kind = array.shape, array.dtype.kind
        histories = array[None, :] if array.ndim == 1 else array
    if kind not in "biuf":
        remedy = ""
        if kind in "US" and not sp.issparse(histories) and len(shape) in (1, 2) \
                and shape[-1] == n_items:
            # a numpy array of text, as np.loadtxt(dtype=str) or a CSV read without types
            # gives: said as a dtype alone, with no word that the text was numbers, as the
            # same text in a frame is told (convert first); a row of another width (item
            # ids as text) gets the item-id hint instead
            try:
                np.asarray(histories).astype(np.float64)
                remedy = ("; they are numbers written as text: convert them first, e.g. "
                          "np.asarray(histories, dtype=float)")
            except (ValueError, OverflowError):
                pass
        raise RecstackError(f"{what} must hold numbers (interaction values), got dtype "
                            f"{np.dtype(histories.dtype)} ({shown_given(histories)}){remedy}")
    if not len(shape):
        # None, or one number: "got shape ()" said nothing of what was given
        raise RecstackError(f"{what} must be a 2-D users x items matrix (a row per user), got "
                            f"the single value {shown_given(given)}")
    if len(shape) not in (1, 2) or (len(shape) == 1 and sp.issparse(histories)):
        raise RecstackError(f"{what} must be a 2-D users x items matrix, got shape "
                            f"{tuple(shape)}")
    _refuse_vanishing_values(what, histories)
    with np.errstate(over="ignore"):  # values beyond float32 become inf, refused below
        # always a matrix of the model's own: a float32 CSR given was shared, not copied, and
        # user_knn binarised it in place (the caller's values all became 1 after one call)
        matrix = sp.csr_matrix(histories, dtype=np.float32, copy=sp.issparse(histories))
        if not matrix.has_canonical_format:
            # a CSR (or COO) holding one (user, item) cell twice means their sum, as scipy
            # reads it everywhere; the binary models set every stored entry to 1 and would
            # count such an item twice
            matrix.sum_duplicates()
    if matrix.shape[1] != n_items:
        raise RecstackError(f"{what} have {counted(matrix.shape[1], 'column')}; this model "
                            f"has {counted(n_items, 'item')} (columns must follow its "
                            "item order)")
    if not np.isfinite(matrix.data).all():
        bad = np.flatnonzero(~np.isfinite(matrix.data))
        # each named by the value given (NaN, inf, 1e+39), and what to do told by the kinds
        # found: "NaN or infinite value(s) (or values beyond float32's range)" left the
        # reader to find which of the three it was (the first 1,000 are looked at)
        rows = np.searchsorted(matrix.indptr, bad[:1000], side="right") - 1
        places = list(zip(rows.tolist(), matrix.indices[bad[:1000]].tolist(), strict=True))
        source = sp.csr_matrix(histories, dtype=np.float64, copy=True) \
            if sp.issparse(histories) else None
        if source is not None and not source.has_canonical_format:
            source.sum_duplicates()
        given_values = [float(source[row, column]) if source is not None else
                        float(histories[row, column]) for row, column in places]
        raise RecstackError(_not_finite_message(what, len(bad), places, given_values))
    return matrix


def _refuse_vanishing_values(what: str, histories: Any) -> None:
    """Refuse history values that are not 0 but become 0 in float32 (below about 7e-46 in
    size, e.g. float64 probabilities of 1e-300): such an entry was read as a 0, so a dense
    row of them was scored as an empty history (the popularity list) with a warning that
    called it empty, where the values given said otherwise."""
    def vanishing_in(values: np.ndarray) -> np.ndarray:
        with np.errstate(under="ignore", over="ignore"):
            return (values != 0) & (values.astype(np.float32) == 0)

    if sp.issparse(histories):
        if histories.dtype.kind != "f" or histories.dtype.itemsize <= 4:
            return
        # the stored values alone first: the (row, column) pairs are built for a refusal only
        if histories.format in ("csr", "csc", "coo") and not vanishing_in(histories.data).any():
            return
        entries = histories.tocoo()
        values = entries.data
    else:
        values = np.asarray(histories)
        if values.dtype.kind != "f" or values.dtype.itemsize <= 4:
            return
    vanishing = vanishing_in(values)
    if not vanishing.any():
        return
    first = int(np.flatnonzero(vanishing.ravel())[0])
    if sp.issparse(histories):
        at: tuple[int, ...] = (int(entries.row[first]), int(entries.col[first]))
    else:
        at = tuple(int(i) for i in np.unravel_index(first, values.shape))
        at = (0, at[0]) if len(at) == 1 else at  # one 1-D row is row 0
    count = int(vanishing.sum())
    raise RecstackError(
        f"{what} hold {count:,} value(s) too small for float32, the precision models score "
        f"in (e.g. {float(values.ravel()[first]):.3g} at (row, column) {at}): each would "
        "be read as 0, not as the value given; rescale the values (e.g. divide each row by "
        "its largest), or give 1 for each interaction")


def _first_too_large(array: np.ndarray) -> tuple[tuple[int, ...], Any]:
    """The first place of an object array holding an integer past float64's range, and
    that integer (for :func:`history_matrix`'s refusal)."""
    for at, value in np.ndenumerate(array):
        try:
            float(value)
        except OverflowError:
            return at, value
    raise AssertionError("no value too large for a float")  # pragma: no cover


def _not_finite_message(what: str, count: int, places: list[Any], values: list[Any]
                        ) -> str:
    """The refusal of ``count`` history values that are no finite float32 number: the
    first three named by value and (row, column), then what to do for each kind found.
    ``places`` holds (row, column) pairs with ``values`` the values given there, or, with
    ``values`` empty, one ``((row, column), int)`` for an integer too large for a float."""
    named = []
    for index, place in enumerate(places[:3]):
        if not values:
            at, value = place
            at = tuple(at) if len(at) == 2 else (0, at[-1])
            text = f"{shown_number(value)}, past even float64's range,"
        else:
            at, value = tuple(place), values[index]
            text = "NaN (a missing value)" if math.isnan(value) else \
                ("inf" if value > 0 else "-inf") if math.isinf(value) else f"{value:.3g}"
        named.append(f"{text} at (row, column) {at}")
    todo = []
    if any(math.isnan(v) for v in values):
        todo.append("fill or drop the missing values (0: no interaction)")
    if any(math.isinf(v) for v in values):
        todo.append("replace the infinite values")
    if not values or any(math.isfinite(v) for v in values):
        todo.append("rescale the values beyond float32's range (at most 3.4e+38 in size; "
                    "e.g. np.log1p)")
    more = f"; and {count - len(named):,} more" if count > len(named) else ""
    return (f"{what} hold {count:,} value(s) that are not finite float32 numbers: "
            f"{'; '.join(named)}{more}; give finite interaction values: {', '.join(todo)}")


def stored_or_no_answer(rows: Any) -> np.ndarray:
    """Sparse similarity rows as dense float32 rows for :meth:`Recommender.similar_items`:
    the stored entries as they are, every other item ``-inf`` (no answer). For the models
    whose similarity is sparse by construction (item-kNN's pruned neighbours, RP3beta's
    pruned walk), an item left out is not "similar with 0": as 0 it filled the slots after
    the real neighbours with the first items by index."""
    block = sp.coo_matrix(rows)
    dense = np.full(block.shape, -np.inf, np.float32)
    dense[block.row, block.col] = block.data
    return dense


def history_weights(history: Any, *, binary: bool, dtype: Any = np.float32) -> sp.csr_matrix:
    """A copy of a users x items history as CSR scoring weights: every stored entry 1 when
    ``binary``, else its value."""
    weights = sp.csr_matrix(history, dtype=dtype, copy=True)
    if binary:
        weights.data[:] = 1.0
    return weights

