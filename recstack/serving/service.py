"""The model holder behind the HTTP service: variants, hot swap, the request path, logs.

A :class:`Service` holds one :class:`LoadedModel` per A/B variant. A request reads its
variant's ``loaded`` attribute once and works on that object to the end, so swapping in a
new version (:meth:`Service.reload`, one attribute assignment, made after the new version
is fully loaded and verified) never disturbs a request in flight and never fails one: old
requests finish on the old model, new ones start on the new. A version that fails to load
(:class:`~recstack.serving.registry.CorruptVersionError`, any :class:`RecstackError`)
changes nothing; the failure is kept for ``/health`` and the ``recstack_reload_failing``
gauge until a reload succeeds.

The request path
----------------
1. **Retrieval.** A known user's vector (from the embedding store when one is configured,
   else the model's) searched in the version's item index (``ann`` or ``exact``), seen
   items excluded; a model without vectors scores the full catalog itself (``model``). A
   new visitor is scored by the model's ``score_histories`` from the posted items (fold-in
   for ALS and iALS). Unknown users get a 404 naming ``POST /recommendations/new-user``,
   or, with ``unknown_user = "popular"``, the most popular items with the reason.
   A published ``two_stage`` model retrieves with each of its candidate generators and
   ranks the merged candidates with its ranker over features from its own feature builder
   (:mod:`recstack.serving.two_stage`; each generator, the features and the ranker timed);
   a new visitor through its ``score_histories`` when every generator and scorer can
   score a history, else popularity with the reason.
2. **Stages**, when configured: each :class:`Stage` takes the retrieved
   :class:`Candidates` (``candidates`` of them; a ``reranked`` model's own
   ``n_candidates``) and returns a reordered, possibly shorter list; each is timed
   separately (``recstack_stage_seconds``). In order: the chain of a published
   ``reranked`` model, the settings' ``rerank`` chain (both
   :mod:`recstack.serving.rerank`: the pipeline's re-rankers; their filters are also
   excluded at retrieval, so ``k`` items survive), then the settings' ``stages``.
3. The first ``k`` are returned with titles, scores and their source, and logged.

The request's context
---------------------
A two-stage model trained with context features (``features.context_columns``,
``context_time``) is given the request's context, as offline
``TwoStage.recommend(users, k, context=...)`` is: ``context`` maps its columns to values and
``timestamp`` is the request time for the hour and weekday features (the server's clock
when the request gives none). A column the request leaves out, or a text value the model
never saw, is the feature's unknown level, as offline. The checks (:meth:`Service.
context_for`): a key must be a context column of a served model, and ``timestamp`` needs
a served model with time features (else :class:`InvalidContextError`, HTTP 422, naming the
key and the accepted ones; a service whose models use no context therefore refuses any
context rather than ignore what the client believes matters); a numeric column takes a
number or a boolean. "Served" is every variant's current model: with A/B variants a client
cannot know its arm, so a key that one arm's model uses is accepted by all and ignored by
the arms that do not use it. The context used (with the ``timestamp`` the clock gave) is in
the response, the request log and :class:`StageRequest`, so that the skew check recomputes
the request with it. Only the ``POST`` form of the endpoints carries a context; nothing is
cached between requests.

When the embedding store cannot be reached, the model's own vectors are served (nearline
updates since the fit are missing), ``recstack_store_fallback_total`` counts it and the
store is not tried again for ``store_retry_seconds``, so an outage costs neither errors nor
a timeout per request. A store filled for another model (its user vectors of another
dimension, or its item vectors not the version's own for the same ids: the version before
a reload) is not searched either: the model's own vectors are served, the fallback counted
and ``/health`` degraded, until the store holds the version's vectors (``put_model``).
Whether the store fits is judged per variant (each arm's version against the store, when
the version is installed and at its requests; :attr:`LoadedModel.store_problem`), whether
it can be reached for the whole service: ``/health`` lists each variant's ``store`` and
``store_error``, the same answer whichever arm served last, and the mismatch is logged once
per variant and version.
"""

from __future__ import annotations

import functools
import importlib
import json
import logging
import math
import numbers
import re
import sys
import threading
import time
import unicodedata
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, ParamSpec, Protocol, TypeVar, cast

import numpy as np
import pandas as pd
import scipy.sparse as sp

from recstack.data.idmap import PLAIN_INTEGER
from recstack.errors import ConfigError, RecstackError, digit_count, echoed, shown
from recstack.serving.two_stage import context_number_problem
from recstack.serving.variants import VariantAssigner

if TYPE_CHECKING:
    from recstack.models.base import Recommender
    from recstack.pipeline.two_stage import TwoStage
    from recstack.serving.embedding_store import EmbeddingStore
    from recstack.serving.registry import ModelRegistry, ModelVersion
    from recstack.serving.request_log import ParquetLog
    from recstack.serving.settings import ServiceSettings
    from recstack.serving.telemetry import ServiceMetrics
    from recstack.serving.two_stage import TwoStageServing

__all__ = ["Candidates", "InvalidContextError", "LoadInProgressError", "LoadedModel",
           "NotLoggingError",
           "NotReadyError", "ReloadFailedError", "RequestLimitError", "Service",
           "Stage", "StageRequest", "UnknownItemError", "UnknownUserError"]

logger = logging.getLogger(__name__)

NEW_USER_PATH = "POST /recommendations/new-user"
_PLAIN_INTEGER = re.compile(PLAIN_INTEGER)
#: how long a store whose item vectors match a version's is trusted before they are compared
#: again (:meth:`Service._store_of_another_model`)
_STORE_CHECK_SECONDS = 5.0
#: the most either bound may be (a day): a larger one is a mistaken unit, not a load
_MOST_LOAD_SECONDS = 86_400.0


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _arguments_named(method: Callable[_P, _R]) -> Callable[_P, _R]:
    """A public method of :class:`Service` refusing a call whose arguments do not fit it as
    :func:`recstack.specs.arguments_named` words it (a :class:`ConfigError` naming the
    method, the nearest name and what it takes): ``recommend_user(user, 10, items=[...])``,
    a new visitor's items given with a user's request, or ``recommend_new(items, 10,
    exclude_seen=False)`` was Python's bare TypeError. Only the call is checked: messages
    raised inside are left as the HTTP answers give them."""
    import inspect

    from recstack.specs import arguments_named

    signature = inspect.signature(method)
    worded = arguments_named(method)

    @functools.wraps(method)
    def checked(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            signature.bind(*args, **kwargs)
        except TypeError:
            try:
                worded(*args, **kwargs)  # raises the ConfigError (the call does not bind)
            except ConfigError as error:
                history = [key for key in kwargs if key not in signature.parameters
                           and any(word in key.lower() for word in ("item", "histor"))]
                if history and method.__name__ == "recommend_user":
                    # as the HTTP answer says it for a body of a user's request
                    raise ConfigError(f"{error}; a visitor's items (a history the model "
                                      "has not seen) go to Service.recommend_new(items, "
                                      "k)") from None
                raise
            raise
        return method(*args, **kwargs)

    return checked


def integer_spelling(text: str) -> str:
    """The integer's own text for text that spells one plainly
    (:data:`recstack.data.idmap.PLAIN_INTEGER`: ``"-0"`` is ``"0"``), else ``text``. Only
    int64 ids exist, so longer text is never converted (nor handed to ``int``)."""
    if len(text) <= 20 and _PLAIN_INTEGER.fullmatch(text):
        return str(int(text))
    return text


def control_character(text: str) -> str | None:
    """Where ``text`` holds a control character (NUL, a tab or line break inside it, DEL,
    U+2028...), said for a message, else None: no id or search text of a request holds
    one (a NUL or a line break is a client's bug), and such an id was logged as given."""
    for position, character in enumerate(text, start=1):
        if unicodedata.category(character) in ("Cc", "Zl", "Zp"):
            name = _CONTROL_NAMES.get(character, f"U+{ord(character):04X}")
            return f"it holds a control character ({name}) at character {position}"
    return None


def title_problem(title: str) -> str | None:
    """Why ``title`` is no title, said for a message, else None: the one rule of titles,
    the service's items file and the analysis tables, maps and reports alike. A title is
    printable text: a control character (a NUL, an escape, DEL) is refused; tabs and line
    breaks (a quoted CSV cell) are whitespace."""
    return control_character(title.translate(_TITLE_WHITESPACE))


#: characters that show as nothing (zero-width space, word joiner, byte order mark) or
#: only reorder the text around them (bidirectional marks, embeddings and isolates): an id
#: copied from a web page or a right-to-left document carries them unseen. Zero-width
#: (non-)joiners are left alone: they belong to some scripts' spelling and to emoji.
INVISIBLE_CHARACTERS = {
    "\u00ad": "a soft hyphen, U+00AD", "\u061c": "an Arabic letter mark, U+061C",
    "\u180e": "a Mongolian vowel separator, U+180E",
    "\u200b": "a zero-width space, U+200B", "\u200e": "a left-to-right mark, U+200E",
    "\u200f": "a right-to-left mark, U+200F",
    **{chr(c): f"a bidirectional embedding or override, U+{c:04X}"
       for c in range(0x202A, 0x202F)},
    **{chr(c): f"an invisible operator or word joiner, U+{c:04X}"
       for c in range(0x2060, 0x2065)},
    **{chr(c): f"a bidirectional isolate, U+{c:04X}" for c in range(0x2066, 0x206A)},
    "\ufeff": "a byte order mark (zero-width no-break space), U+FEFF",
}


def invisible_character(text: str) -> str | None:
    """Where ``text`` holds a character of :data:`INVISIBLE_CHARACTERS`, said for a
    message, else None."""
    if text.isascii():  # the request path's usual case, in one C call
        return None
    for position, character in enumerate(text, start=1):
        if character in INVISIBLE_CHARACTERS:
            return (f"it holds an invisible character ({INVISIBLE_CHARACTERS[character]}) "
                    f"at character {position}")
    return None


#: names of the control characters a client most often sends by mistake
_CONTROL_NAMES = {"\x00": "NUL", "\t": "a tab", "\n": "a line feed",
                  "\r": "a carriage return", "\x7f": "DEL",
                  "\u2028": "a line separator, U+2028", "\u2029": "a paragraph separator, U+2029"}


class UnknownUserError(RecstackError):
    """The user is neither in the model nor in the embedding store (HTTP 404)."""


class UnknownItemError(RecstackError):
    """The item is not in the model's catalog (HTTP 404)."""


def _whose(field: str) -> str:
    """Whose id ``field`` holds, for a message: ``user_id`` -> "user's"."""
    name = field.rsplit(".", 1)[-1]
    return ("user's" if name.startswith("user") else "session's" if name.startswith("session")
            else "item's")


class _Located(RecstackError):
    """A refusal of one value of a request, carrying the ``field`` it names (``k``,
    ``events[3].item_id``, ``context.city``): the service answers it with that place in
    the 422's ``errors[].loc`` as FastAPI's own validation does (the 422 of ``k`` above
    ``max_k`` named ``k`` in its words but gave ``loc: []``)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class RequestLimitError(_Located):
    """A request exceeds a limit of the settings (HTTP 422)."""


def request_text(value: Any, field: str, *, what: str = "id") -> str:
    """``value``, an id or a search text given to the service from Python, as text: the
    one rule of every id recstack reads (:func:`recstack.data.idmap.id_values`, the
    embedding store's keys too): bytes are UTF-8 text, and an id may be an integer
    (``recommend_user(42, 10)`` is user 42, as the store's ``get("user", [42])``). Bytes
    were shown as ``b'42'`` (or failed inside a character check with a TypeError), an
    integer 0 was "the id is empty" and a list failed with an AttributeError.

    Raises
    ------
    RequestLimitError
        Naming ``field``: bytes that are not UTF-8, or a value of another type.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError as error:
            raise RequestLimitError(f"{field}: the {what} is bytes that are not UTF-8 text "
                                    f"({shown(value[:40])}: byte {error.start + 1} cannot "
                                    "be read); give it as text", field=field) from None
    if what == "id" and isinstance(value, int | np.integer) \
            and not isinstance(value, bool | np.bool_):
        if digit_count(int(value)) > sys.get_int_max_str_digits() > 0:
            # str() of it was Python's raw "Exceeds the limit (4300 digits)" ValueError
            raise RequestLimitError(f"{field}: the {what} is {shown(int(value))}, too long to "
                                    "be an id", field=field)
        return str(int(value))
    kind = "text (a str) or an integer" if what == "id" else "text (a str)"
    raise RequestLimitError(f"{field}: the {what} must be {kind}, got "
                            f"{type(value).__name__} {shown(value)[:60]}", field=field)


def request_count(value: Any, field: str, *, most: int, setting: str = "") -> int:
    """A count a caller gave (``k``, ``limit``): a whole number from 1 to ``most`` (a numpy
    integer too), never a boolean, a float or text, refused in the words of the HTTP layer
    (:func:`recstack.serving.schemas.whole_number_message`: the range, and ``setting``
    that sets its top). From Python, ``k=0`` failed inside the item index naming
    ``ItemIndex.search_one``, ``limit=-1`` silently dropped the last item of the list (a
    slice) and ``limit=True`` answered one; later ``k=51`` said "k=51 exceeds this
    service's max_k (50)" and ``k=0`` "must be a whole number from 1", where the same
    request over HTTP stated the range both times."""
    from recstack.serving._arguments import as_whole
    from recstack.serving.schemas import _kind_of, whole_number_message

    number = as_whole(value)  # Decimal("10") is 10, as every count in recstack
    if number is not None and 1 <= number <= most:
        return number
    if number is not None:
        given, meant = _kind_of(number), None
    else:
        text = shown(value)[:60]
        # Decimal('5.5') names its type itself
        given = (text if text.startswith(f"{type(value).__name__}(")
                 else f"{type(value).__name__} {text}")
        meant = (int(value) if isinstance(value, float | np.floating) and math.isfinite(value)
                 and float(value).is_integer() else None)
    raise RequestLimitError(f"{field}: " + whole_number_message(
        1, most, given, meant=meant, setting=setting), field=field)


class InvalidContextError(_Located):
    """A request's context names a column no served model uses, or gives a value of the
    wrong kind (HTTP 422)."""


def context_place(key: Any) -> str:
    """Where a request's context key is, as every refusal from Python names a place
    (``events[0].item_id``, ``items[1]``) and the refusal's ``field`` is: ``context.city``.
    It read ``context['city']`` from Python where HTTP said ``body field context.city``."""
    return f"context.{key}"


@functools.cache
def _context_adapters() -> tuple[Any, Any]:
    """Validators of a request's ``context`` and ``timestamp`` by the body's own schema
    (built once: a TypeAdapter compiles its schema)."""
    from pydantic import TypeAdapter

    from recstack.serving.schemas import Context, RequestTime

    return TypeAdapter(Context | None), TypeAdapter(RequestTime | None)


#: a body schema's JSON words, as a caller from Python writes the same thing
_PYTHON_PHRASES = (("(a JSON string such as \"42\")", "(a str such as '42')"),
                   ("(a JSON string)", "(a str)"), ("a JSON string", "a str"),
                   ("true or false (a JSON boolean)", "True or False (a bool)"),
                   ("a JSON object of", "a dict of"), ("a JSON object", "a dict"))


def python_words(problem: Mapping[str, Any]) -> str:
    """A body schema's refusal (one of pydantic's ``errors()``) in the words of a caller
    from Python: ``recommend_user(u, 5, context={"city": None})`` was told "not null" and
    a Python event's ``item_id=None`` "a JSON string such as "42", not null", the words of
    an HTTP body (the value is named as Python shows it: ``not None``, ``not str 'x'``)."""
    from recstack.serving.schemas import _kind_of

    message = str(problem["msg"])
    value = problem.get("input")
    # the value as the schema's message names it (its ``kind``; text as "the text "x"")
    said = (problem.get("ctx") or {}).get("kind") or (
        _kind_of(value) if isinstance(value, str) else None)
    if said is not None:
        json_kind = f"not {said}"
        if json_kind in message:
            kind = (f"a {type(value).__name__}" if isinstance(value, Mapping | list | tuple)
                    else "None" if value is None
                    else f"{type(value).__name__} {echoed(shown(value), 40)}")
            message = message.replace(json_kind, f"not {kind}", 1)
    for json_phrase, python_phrase in _PYTHON_PHRASES:
        message = message.replace(json_phrase, python_phrase)
    return message


def _request_context(context: Any, timestamp: Any) -> tuple[Any, Any]:
    """``context`` and ``timestamp`` checked by the rules of a request's body
    (:mod:`recstack.serving.schemas`), for a caller from Python: a string context was read
    key by key as its characters ("context key 'd'"), a list passed as no context, and a
    ``timestamp`` of text, NaN or True became a time (1.0 for True).

    Raises
    ------
    InvalidContextError
        Naming the key or ``timestamp``, with the body's message.
    """
    from pydantic import ValidationError

    if context is None and timestamp is None:
        return None, None
    context_rule, time_rule = _context_adapters()
    for value, rule, name in ((context, context_rule, "context"),
                              (timestamp, time_rule, "timestamp")):
        try:
            checked = rule.validate_python(value)
        except ValidationError as error:
            problem = error.errors()[0]
            where = (context_place(problem["loc"][0]) if name == "context" and problem["loc"]
                     else name)
            message = python_words(problem)
            given = problem.get("input")
            if problem["type"] == "finite_number" and isinstance(given, float | np.floating) \
                    and ", not " not in message:
                # a NaN value was "Input should be a finite number" alone: a missing value
                # of a table read into the dict is the usual cause, so say it was NaN
                from recstack.serving.schemas import non_finite_word

                message = (f"{message} (a context value), not {non_finite_word(float(given))}"
                           + (" (a missing value?)" if math.isnan(given) else ""))
            raise InvalidContextError(f"{where}: {message}", field=where) from None
        if name == "context" and context is not None:
            # the values as the body's rules read them: numpy's numbers as Python's (a
            # np.int64 went on to the model's features as given)
            context = dict(checked)
    return context, timestamp


@functools.cache
def _events_adapter() -> Any:
    from pydantic import TypeAdapter

    from recstack.serving.schemas import EventList

    return TypeAdapter(EventList)


def _request_events(events: Any, most: int) -> list[Any]:
    """``events`` checked by the rules of ``POST /events``'s body, for a caller from Python:
    each a :class:`~recstack.serving.schemas.Event` or a mapping of its fields. One event
    where the list belongs, a dict or text, failed with "'str' object has no attribute
    'request_id'", and None with "object of type 'NoneType' has no len()".

    Raises
    ------
    RequestLimitError
        Naming the event and field (``events[1].timestamp``), with the body's message.
    """
    from pydantic import ValidationError

    from recstack.serving.schemas import list_length_message, shortened_key

    if isinstance(events, list | tuple) and not 1 <= len(events) <= most:
        # before each event is read: a million events were each checked, then refused; and
        # in the words of POST /events (an empty list was "the list is empty" here)
        raise RequestLimitError("events: " + list_length_message(
            "events", most, len(events), setting="max_events"), field="events")
    if isinstance(events, list | tuple):
        events = [_python_event_ids(event, position) for position, event in enumerate(events)]
    try:
        checked = list(_events_adapter().validate_python(events))
    except ValidationError as error:
        problems = error.errors()
        problem = problems[0]
        # a misspelt field ("itemid") makes its field missing too: the misspelling, of
        # the same event, says what to write ("item_id: Field required" did not)
        problem = next((p for p in problems if p["type"] == "extra_forbidden"
                        and p["loc"][:-1] == problem["loc"][:-1]), problem)
        # a misspelt field of 300 characters was repeated whole (twice: the field named
        # too): cut as the HTTP answer's place cuts it
        where = "events" + "".join(f"[{key}]" if isinstance(key, int)
                                   else f".{shortened_key(str(key))}" for key in problem["loc"])
        message = python_words(problem)
        if problem["type"] == "string_type" and not isinstance(problem.get("input"), str):
            # request_id=5 was pydantic's "Input should be a valid string", where POST
            # /events says what was given and how to write it
            from recstack.serving.schemas import _kind_of, not_text_message

            message = python_words({**problem, "msg": not_text_message(problem["input"]),
                                    "ctx": {"kind": _kind_of(problem["input"])}})
        if problem["type"] == "extra_forbidden":
            # a misspelt field ("itemid") was pydantic's "Extra inputs are not permitted"
            # alone from Python, where POST /events names the field to write instead
            from recstack.serving.schemas import Event
            from recstack.specs import did_you_mean

            fields = list(Event.model_fields)
            message = (f"unknown field of an event{did_you_mean(problem['loc'][-1], fields)}"
                       f"; it takes: {', '.join(fields)}")
        raise RequestLimitError(f"{where}: {message}", field=where) from None
    return checked


#: the fields of an event that are ids
_EVENT_ID_FIELDS = ("user_id", "item_id", "session_id")


def _python_event_ids(event: Any, position: int) -> Any:
    """An event's ids from Python by the one id rule of every other ``Service`` method
    (:func:`request_text`): an integer id (a numpy one too) is that id's text and bytes are
    UTF-8 text, where ``record_events([{"item_id": 3, ...}])`` was refused ("not int 3")
    while ``recommend_user(3, 10)`` and ``similar(3, 10)`` took the integer. Other values
    (None, booleans, lists) are left to the body's schema, which names them."""
    if not isinstance(event, Mapping):
        return event
    ids = {name: request_text(event[name], f"events[{position}].{name}")
           for name in _EVENT_ID_FIELDS
           if isinstance(event.get(name), bytes | int | np.integer)
           and not isinstance(event.get(name), bool | np.bool_)}
    return {**event, **ids} if ids else event


class ReloadFailedError(RecstackError):
    """A version could not be loaded; the previous one is still served (HTTP 409)."""


class LoadInProgressError(RecstackError):
    """A reload's bounded wait passed while a load was still running (HTTP 202 where the
    load running is the one the request asked for, which goes on; 409 where another load
    stands in its way). ``loading`` is that load's state, as ``/health`` lists it, and
    ``models`` the references served meanwhile."""

    def __init__(self, message: str, *, own: bool, loading: dict[str, Any],
                 models: list[str]) -> None:
        super().__init__(message)
        self.own = own
        self.loading = loading
        self.models = models


class NotReadyError(RecstackError):
    """No model is loaded yet (HTTP 503)."""


class NotLoggingError(RecstackError):
    """Events were posted to a service started without a log folder (HTTP 409)."""


# --------------------------------------------------------------------------- stages seam
@dataclass(frozen=True)
class Candidates:
    """A list being built: item indices in the model's item order, best first, with their
    scores and what produced each (``sources``); ``features``: what a ranking stage used,
    logged with the request: a JSON-serialisable dict, or an object whose
    ``to_json(served_items)`` gives the JSON text (a two-stage ranker's
    :class:`~recstack.serving.two_stage.RankerFeatures`)."""

    items: np.ndarray
    scores: np.ndarray
    sources: np.ndarray
    features: Any = None


@dataclass(frozen=True)
class StageRequest:
    """What a stage knows about the request: the user (None for a new visitor), the item
    indices of their history (training row or posted items), ``k``, the model, the
    user's row in the model (``-1`` for a new visitor or one known only to the store) and
    the context the model was given (None when it uses none; see the module docstring)."""

    user_id: str | None
    history: np.ndarray
    k: int
    loaded: LoadedModel
    user: int = -1
    context: Mapping[str, Any] | None = None


class Stage(Protocol):
    """A ranking or re-ranking step after retrieval (see the module docstring)."""

    name: str
    kind: Literal["ranking", "re-ranking"]

    def __call__(self, request: StageRequest, candidates: Candidates) -> Candidates: ...


def load_stage(path: str, settings: ServiceSettings) -> Stage:
    """``"package.module:factory"`` -> ``factory(settings)``, checked to be a stage."""
    module_name, _, attribute = path.partition(":")
    try:
        factory = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as error:
        raise ConfigError(f"stage {path!r}: cannot import it ({error})") from None
    try:
        stage = factory(settings)
    except TypeError as error:
        # not a function of the settings (os:system, a class wanting other arguments)
        raise ConfigError(f"stage {path!r}: is not a factory taking the settings "
                          f"(calling it raised TypeError: {error})") from None
    if getattr(stage, "kind", None) not in ("ranking", "re-ranking") or not callable(stage) \
            or not isinstance(getattr(stage, "name", None), str):
        raise ConfigError(f"stage {path!r}: the factory must return a callable with a str "
                          "name and kind 'ranking' or 're-ranking'")
    return stage


# --------------------------------------------------------------------------- one version
def searchable(text: str) -> str:
    """``text`` as the search box compares it: composed (NFC), without invisible format
    characters (Unicode category Cf: direction marks, zero-width spaces, a byte order mark)
    and case-folded (``Straße`` is found by ``STRASSE``)."""
    composed = unicodedata.normalize("NFC", text)
    visible = "".join(ch for ch in composed if unicodedata.category(ch) != "Cf")
    return unicodedata.normalize("NFC", visible.casefold())


class LoadedModel:
    """A verified registry version made ready to serve: id lookups by text, titles,
    user vectors, the popularity order and the version's own stages, all computed once
    at load time.

    ``base`` is the model that retrieves: the model itself, or the wrapped model of a
    ``reranked`` one (whose fitted chain becomes the first :attr:`stages`). A ``two_stage``
    model retrieves and ranks through :attr:`two_stage`. ``stages`` then holds the
    settings' re-ranking chain fitted for this version (:mod:`recstack.serving.rerank`).
    """

    def __init__(self, version: ModelVersion, titles: dict[str, str] | None,
                 settings: ServiceSettings | None = None,
                 item_table: pd.DataFrame | None = None) -> None:
        from recstack.serving.rerank import RerankerStage, fit_chain

        model = version.model
        self.version = version
        self.model: Recommender = model
        self.base: Recommender = model
        self.stages: list[Stage] = []
        self.two_stage: TwoStageServing | None = None
        self.n_candidates = settings.candidates if settings is not None else 200
        if model.name == "reranked":
            self.base = model.model_
            self.stages = [RerankerStage(step, origin="model") for step in model.chain_]
            self.n_candidates = int(model.n_candidates)
        elif model.name == "two_stage":
            from recstack.serving.two_stage import TwoStageServing

            options = {"ef": settings.ann_ef} if settings is not None and settings.ann_ef \
                else {}
            self.two_stage = TwoStageServing(
                cast("TwoStage", model),
                index=settings.two_stage_index if settings is not None else "auto",
                index_options=options, saved=version.generator_indexes)
        # the request context this version uses: column -> "numeric" or "categorical",
        # and whether it has time features (only a two-stage ranker is given a context)
        builder = getattr(model, "builder_", None) if self.two_stage is not None else None
        self.context_columns: dict[str, str] = (
            {c.column: c.role for c in builder.context_} if builder is not None else {})
        self.context_time = bool(builder is not None and builder.context_time)
        self.reference = version.reference
        self.index = version.index
        self.loaded_at = datetime.now(UTC).isoformat(timespec="seconds")
        self.item_ids = np.array([str(i) for i in model.items_.external_ids.tolist()],
                                 dtype=object)
        self.item_lookup = {text: i for i, text in enumerate(self.item_ids.tolist())}
        self.user_ids = np.array([str(u) for u in model.users_.external_ids.tolist()],
                                 dtype=object)
        self.user_lookup = {text: i for i, text in enumerate(self.user_ids.tolist())}
        self.integer_users = model.users_.external_ids.dtype.kind in "iu"
        self.integer_items = model.items_.external_ids.dtype.kind in "iu"
        seen = sp.csr_matrix(model.seen_)
        self.seen_matrix = seen
        self.seen_indptr, self.seen_indices = seen.indptr, seen.indices
        # by the retrieving model's own rule: one that reads a value of 0 as no
        # interaction (iALS, a graph filter) learned nothing from a user whose every value
        # is 0, and served them a list of scores near 0 (1e-41) as if it knew them, where
        # the model's recommend refuses them; nor do such rows make an item popular
        self.has_history = ~np.asarray(self.base._users_without_history(), dtype=bool)
        self.n_items = len(self.item_ids)
        counted = (seen.indices[seen.data != 0] if self.base._learns_from_values()
                   else seen.indices)
        counts = np.bincount(counted, minlength=self.n_items)
        # most interactions first; equal counts keep the lower item index first. Only items
        # with training interactions: one nobody interacted with is not popular, and was
        # served as "popularity" (with a score of 0) to fill a list longer than the catalog
        # anyone used (the list is shorter then, and the fallback's reason says why)
        ranked = np.argsort(-counts, kind="stable")
        self.popular = ranked[counts[ranked] > 0]
        self.popular_scores = counts[self.popular].astype(np.float32)
        if titles:
            where = (str(settings.items_file) if settings is not None and settings.items_file
                     else "the items file")
            _refuse_titles_of_another_catalog(titles, self.item_ids, version.reference, where)
            _note_titles_of_unknown_items(titles, self.item_lookup, version.reference, where)
        self.titles = (np.array([titles.get(i) for i in self.item_ids.tolist()], dtype=object)
                       if titles else np.full(self.n_items, None, dtype=object))
        # what the search box matches: each title (or the id of an item without one) as
        # :func:`searchable` writes it, once here rather than on every search
        self.search_text = pd.Series(
            [searchable(t if isinstance(t, str) and t else str(i))
             for t, i in zip(self.titles.tolist(), self.item_ids.tolist(), strict=True)],
            dtype=object)
        self.user_vectors: np.ndarray | None = None
        if self.index is not None:
            try:
                vectors = np.asarray(self.base.user_embeddings(), dtype=np.float32)
            except RecstackError:
                vectors = None
            if vectors is not None and vectors.shape[1] == self.index.dim:
                self.user_vectors = vectors
            if settings is not None and settings.ann_ef and self.index.backend == "hnsw":
                self.index.params["ef"] = int(settings.ann_ef)
        # a few of the model's item vectors, by id, to tell a store filled for this model
        # from one filled for another of the same dimension (an earlier version, another
        # catalog): the store's user vectors are searched in this version's items only when
        # its item vectors are this model's (:meth:`Service._store_of_another_model`)
        self.store_sample: tuple[list[Any], np.ndarray] | None = None
        #: (when, problem) of the last comparison with the store's item vectors
        self.store_check: tuple[float, str | None] | None = None
        #: (kind, why) the store does not fit this version, as its last request or its
        #: install found it ("dimensions", "id kind", "another model"), or None: kept per
        #: loaded version, so the variants of a service each have their own (it was one
        #: field for the service, which flipped with whichever variant served last), and a
        #: reload of one variant starts its own afresh
        self.store_problem: tuple[str, str] | None = None
        #: the kinds of store problem already logged for this version (once each)
        self.store_warned: set[str] = set()
        if self.user_vectors is not None:
            from recstack.serving.embedding_store import item_sample

            self.store_sample = item_sample(self.base)
        self.retrieval = ("two_stage" if self.two_stage is not None else
                          "model" if self.user_vectors is None else
                          "ann" if self.index is not None and self.index.backend == "hnsw"
                          else "exact")
        if settings is not None and settings.rerank:
            self.stages += fit_chain(settings.rerank, self.base, item_table,
                                     version=self.reference)

    def seen(self, user: int) -> np.ndarray:
        return self.seen_indices[self.seen_indptr[user]:self.seen_indptr[user + 1]]

    def id_hint(self, kind: Literal["user", "item"], text: str) -> str:
        """Why ``text`` cannot be a ``kind`` id of this model when its ids are integers and
        the text spells none plainly (``"007"``, ``"7.0"``, a name), else nothing."""
        integers = self.integer_users if kind == "user" else self.integer_items
        if integers and not _PLAIN_INTEGER.fullmatch(text):
            return (f" (its {kind} ids are integers, written plainly: 7, not 007, +7 or "
                    "7.0)")
        # the same letters in another Unicode form ("é" as one character, or as "e" and
        # a combining accent) are another id to every reader; say which one it knows
        lookup = self.user_lookup if kind == "user" else self.item_lookup
        for form in ("NFC", "NFD"):
            known = unicodedata.normalize(form, text)
            if known != text and known in lookup:
                return (f" (it knows {known!r}, the same text in Unicode form {form}: "
                        f"send the id as the model's data spells it)")
        return ""

    def vocabulary_id(self, kind: Literal["user", "item"], text: str) -> str:
        """``text`` (a trimmed request id) as this version's vocabulary spells it: for
        integer ids, the integer it plainly spells (``"-0"`` is user 0, as every reader of
        ids has it), so that the lookup, the response and the logs (which the skew check
        looks up again) agree with the offline rule; any other text as given."""
        integers = self.integer_users if kind == "user" else self.integer_items
        return integer_spelling(text) if integers else text

    def user_position(self, text: str) -> int:
        """The index of user ``text`` (a :meth:`vocabulary_id`), -1 when unknown."""
        return self.user_lookup.get(text, -1)

    def item_position(self, text: str) -> int:
        """The index of item ``text`` (a :meth:`vocabulary_id`), -1 when unknown."""
        return self.item_lookup.get(text, -1)

    def typed_user_id(self, text: str) -> Any:
        """The id as the model's vocabulary types it: for integer ids, text that spells an
        integer plainly (:data:`recstack.data.idmap.PLAIN_INTEGER`, within int64) is that
        integer; any other text stays text, as every reader of ids has it. (``"007"``,
        ``"٣"`` or ``"--5"`` are not integers: they were read as 7 and 3, another user's
        vector in the store, or raised ValueError.)"""
        if self.integer_users and _PLAIN_INTEGER.fullmatch(text) \
                and -2**63 <= (number := int(text)) < 2**63:
            return number
        return text


def _other_spelling(typed: Any) -> Any:
    """The same id in the store's other key kind (``0`` for ``"0"``, ``"0"`` for ``0``),
    or None when text does not spell an integer plainly."""
    if isinstance(typed, int):
        return str(typed)
    if _PLAIN_INTEGER.fullmatch(typed) and -2**63 <= (number := int(typed)) < 2**63:
        return number
    return None


@dataclass
class VariantSlot:
    """One A/B arm: its configured reference and the version it serves now."""

    name: str
    share: float
    model_name: str
    reference: str
    pinned: bool
    loaded: LoadedModel | None = None


@dataclass(frozen=True)
class _ReloadOutcome:
    """What a finished reload did, for a reload asked for while it loaded to share."""

    #: its place in the count of finished reloads
    finished: int
    #: the variants it reloaded, and the version asked for (None: their current ones)
    scope: tuple[tuple[str, ...], int | None]
    #: what the variants' aliases named when it began (None: the registry unreadable)
    aliases: dict[str, int | None] | None
    models: list[str]
    #: why it failed (ReloadFailedError's text), or None
    error: str | None


@dataclass
class _LoadJob:
    """One load running in a thread of its own (at most one at a time): the reload of
    ``scope``'s variants asked for when ``asked_after`` reloads had finished."""

    scope: tuple[tuple[str, ...], int | None]
    asked_after: int
    #: the load in words, for the answers and log lines that name it
    what: str
    #: on the clock the waits read (looked up at each start, as they look it up)
    started: float = field(default_factory=lambda: time.monotonic())
    started_at: str = field(
        default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    done: threading.Event = field(default_factory=threading.Event)
    models: list[str] = field(default_factory=list)
    error: RecstackError | None = None
    #: given up after the load timeout; its thread may still be reading
    timed_out: bool = False
    #: given up by :meth:`Service.close`; what its thread reads later is dropped
    closed: bool = False
    #: gives it up at the load timeout; cancelled when it ends first (a timer per
    #: reload otherwise slept out the whole timeout)
    timer: threading.Timer | None = None

    def state(self) -> dict[str, Any]:
        """What ``/health`` says of it."""
        return {"variants": list(self.scope[0]), "version": self.scope[1],
                "since": self.started_at,
                "seconds": round(time.monotonic() - self.started, 3),
                "timed_out": self.timed_out}


@dataclass
class _Listing:
    """The registry's model names, listed in a thread of its own (a listing that stalls
    cannot be interrupted, only left behind): ``names``, or the ``error`` it raised, once
    ``done`` is set."""

    started: float
    started_at: str
    done: threading.Event = field(default_factory=threading.Event)
    names: list[str] | None = None
    error: BaseException | None = None

    @classmethod
    def begin(cls, registry: ModelRegistry) -> _Listing:
        listing = cls(time.monotonic(), datetime.now(UTC).isoformat(timespec="seconds"))

        def run() -> None:
            try:
                listing.names = registry.names()
            except BaseException as error:  # raised where the names are needed
                listing.error = error
            listing.done.set()

        threading.Thread(target=run, name="recstack-list-models", daemon=True).start()
        return listing


def _conflicting(scope: tuple[tuple[str, ...], int | None],
                 other: tuple[tuple[str, ...], int | None]) -> bool:
    """Whether a load of ``scope`` could read what a load of ``other`` reads (a variant
    in common, and the same version or a current alias on either side)."""
    if not set(scope[0]) & set(other[0]):
        return False
    return scope[1] is None or other[1] is None or scope[1] == other[1]


def _load_bound(value: Any, name: str) -> float:
    """A load timeout or reload wait, in seconds, refused unless a positive finite number
    of at most a day."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) \
            or not math.isfinite(value) or not 0 < float(value) <= _MOST_LOAD_SECONDS:
        raise ConfigError(f"Service: {name} must be a number of seconds above 0 and at most "
                          f"{_MOST_LOAD_SECONDS:g} (a day), e.g. 300, got "
                          f"{type(value).__name__} {shown(value)[:40]}")
    return float(value)


@dataclass
class Served:
    """The outcome of one request, before rendering: what the response and log need."""

    request_id: str
    endpoint: str
    user_id: str | None
    variant: str
    model: str
    k: int
    items: np.ndarray
    scores: np.ndarray
    sources: np.ndarray
    titles: np.ndarray
    item_ids: np.ndarray
    fallback: str | None = None
    unknown_items: list[str] = field(default_factory=list)
    input_items: list[str] = field(default_factory=list)
    vector_source: str | None = None
    features: Any = None
    context: dict[str, Any] | None = None
    #: whether the user's seen items were excluded (True where the request cannot choose)
    exclude_seen: bool = True
    #: why the list holds fewer than ``k`` items (None when it holds ``k``): see
    #: :func:`shortfall`
    shortfall: str | None = None


def _items(count: int) -> str:
    return f"{count:,} item" + ("" if count == 1 else "s")


def shortfall(served: Served, n_items: int, left_out: Sequence[tuple[int, str]], *,
              other: str = "had no score (-inf or NaN) or were dropped by a stage") -> str | None:
    """Why ``served`` holds fewer than the ``k`` items asked for, or None when it holds
    ``k``: ``"30 items for k=40: als@1 has 40 items, less the user's 10 seen items"``. The
    catalog's ``n_items`` less what the request left out (``left_out``: disjoint counts and
    what they are), and whatever else did not reach the list (an item scored -inf or
    NaN, one a stage dropped). ``GET /items/{id}/similar?k=40`` of a 40-item catalog
    answered 39 items, and ``k`` above a user's unseen items answered as many as there
    were, without a word; the popularity fallback says it in its reason, in these words."""
    n, k = len(served.item_ids), served.k
    if n >= k:
        return None
    less = [what for count, what in left_out if count]
    text = f"{_items(n)} for k={k}: {served.model} has {_items(n_items)}"
    if less:
        text += ", less " + " and ".join(less)
    rest = n_items - sum(count for count, _ in left_out) - n
    if rest > 0:
        text += f"; {rest:,} more {other}" if less else f", of which {rest:,} {other}"
    return text


# --------------------------------------------------------------------------- the service
class Service:
    """Variants, their loaded models, the store, the logs and the stages (see the module
    docstring). Build it, :meth:`start` it (loads every variant), :meth:`close` it.

    ``metrics``: the Prometheus metrics it counts in (the app's, which ``/metrics`` reads);
    by default a fresh :class:`~recstack.serving.telemetry.ServiceMetrics` of its own.

    ``load_timeout_seconds``: how long one reload's load may run before it is given up as
    stalled (the versions served stay, the failure is noted), and how long
    :meth:`start_within_timeout` waits for the start (and this constructor for the listing
    of the registry's model names, when none is named); ``reload_wait_seconds``: how
    long ``POST /admin/reload`` waits for a load before answering without its outcome.
    Each overrides the settings' field of that name (defaults 300 and 30 s)."""

    def __init__(self, settings: ServiceSettings, metrics: ServiceMetrics | None = None,
                 *, load_timeout_seconds: float | None = None,
                 reload_wait_seconds: float | None = None) -> None:
        from recstack.serving.registry import ModelRegistry, check_name, parse_reference
        from recstack.serving.settings import ServiceSettings
        from recstack.serving.telemetry import ServiceMetrics

        if not isinstance(settings, ServiceSettings):
            # a dict of settings or a registry path was "'dict' object has no attribute
            # 'registry'", naming neither the argument nor how to build it
            example = ("ServiceSettings.create(**settings)" if isinstance(settings, Mapping)
                       else "ServiceSettings.create(registry='models/')")
            raise ConfigError(f"Service: settings must be a ServiceSettings, e.g. {example} "
                              f"(from recstack.serving.settings), got "
                              f"{type(settings).__name__} {shown(settings)[:60]}")
        if metrics is not None and not isinstance(metrics, ServiceMetrics):
            raise ConfigError(f"Service: metrics must be a ServiceMetrics (from "
                              f"recstack.serving.telemetry) or None for a fresh one, got "
                              f"{type(metrics).__name__} {shown(metrics)[:60]}")
        self.settings = settings
        # the keywords override the settings' fields (tests bound a stalled load in seconds)
        self.load_timeout_seconds = _load_bound(
            load_timeout_seconds if load_timeout_seconds is not None else
            settings.load_timeout_seconds,
            "load_timeout_seconds")
        self.reload_wait_seconds = _load_bound(
            reload_wait_seconds if reload_wait_seconds is not None else
            settings.reload_wait_seconds,
            "reload_wait_seconds")
        # a fresh set by default: each ServiceMetrics has a Prometheus registry of its own,
        # so a service built from Python without one shares no counter with another (the
        # app passes the set its /metrics route reads)
        if metrics is None:
            metrics = ServiceMetrics()
        self.metrics = metrics
        self.registry: ModelRegistry = ModelRegistry(settings.registry)
        specs = ([(v.name, v.model, v.share) for v in settings.variants] if settings.variants
                 else [("default", settings.model, 1.0)])
        self.slots: list[VariantSlot] = []
        #: the listing of the registry's model names that finds the model to serve when
        #: none is named, while it runs past the load timeout (its slot is named by
        #: :meth:`start`, which waits for it), else None
        self._listing: _Listing | None = None
        for name, reference, share in specs:
            if reference is None:
                # bounded as the start's load is: a listing that stalls (an NFS folder
                # that blocks) held the app's start-up for good, before its bound began
                listing = _Listing.begin(self.registry)
                if not listing.done.wait(self.load_timeout_seconds):
                    self._listing = listing
                    self.slots.append(VariantSlot(name, share, "", "", pinned=False))
                    continue
                reference = self._only_model(listing)
            model_name, version = parse_reference(reference)
            check_name(model_name)
            self.slots.append(VariantSlot(name, share, model_name, reference,
                                          pinned=version is not None))
        self.by_name = {slot.name: slot for slot in self.slots}
        self.assigner = VariantAssigner([s.name for s in self.slots],
                                        [s.share for s in self.slots], settings.assignment_salt)
        self.titles = _read_titles(settings.items_file) if settings.items_file else None
        self.item_table: pd.DataFrame | None = None
        if settings.items_file and settings.rerank:
            from recstack.serving.rerank import read_item_table

            self.item_table = read_item_table(settings.items_file)
        self.stages: list[Stage] = []
        self.store: EmbeddingStore | None = None
        #: why the store cannot be reached (opened or read), or None: one fact for the
        #: whole service. Whether its vectors fit a variant's version is that version's
        #: own :attr:`LoadedModel.store_problem`
        self.store_error: str | None = None
        self._store_down_until = 0.0
        self.last_reload_error: str | None = None
        self._failed: dict[str, int] = {}  # model name -> version that failed to load
        #: variant name -> why the poll could not read its model's alias (a damaged
        #: current.json, the registry folder gone): per variant, so that one variant's
        #: readable alias does not clear the failure another's still has
        self._alias_failures: dict[str, str] = {}
        # guards the reload state (the load running, the failures, the last outcome) and
        # the swap; never held while the registry is read, so that a read that stalls
        # cannot hold up a POST /admin/reload, a poll, or /health behind it
        self._reload_lock = threading.RLock()
        self._load_changed = threading.Condition(self._reload_lock)
        #: the load running now (at most one: two at once read the same files twice)
        self._load_job: _LoadJob | None = None
        #: loads given up after the timeout whose threads have not returned yet
        self._stalled_jobs: list[_LoadJob] = []
        #: reloads that have finished (loaded, or failed), and the last one's outcome: a
        #: reload asked for while another of the same variants was loading shares it
        self._reloads_finished = 0
        self._last_reload: _ReloadOutcome | None = None
        self.request_log: ParquetLog | None = None
        self.event_log: ParquetLog | None = None
        self.started = False
        #: the start run by :meth:`start_within_timeout` while it has not finished (past
        #: the load timeout too: its read may still return), else None; requests are
        #: refused as not ready meanwhile, and no reload starts beside it
        self._start_job: _LoadJob | None = None
        #: why that start is not finished past the load timeout, until it finishes: a
        #: field of its own, as the start itself notes in :attr:`last_reload_error` a
        #: damaged current version it fell back from, which a late finish must keep
        self._start_timeout_error: str | None = None
        #: why that start failed after the load timeout: the service stays not ready,
        #: and refuses reloads (nothing a reload outcome overwrites or clears)
        self._start_failure: str | None = None
        #: set by :meth:`close`: no load starts, and the one running is given up
        self._closed = False

    def _only_model(self, listing: _Listing) -> str:
        """The one model name the registry holds, from its ``listing`` (finished), for a
        service given no model name; refused where it holds none or several."""
        if listing.error is not None:
            raise listing.error
        names = listing.names
        if not names:
            # it was "holds 0 model names (none); choose one with --model NAME",
            # which no name given could mend
            held = self.registry.names_held(names)
            advice = "" if "publish" in held else \
                "; publish one there first (recstack fit --registry)"
            raise ConfigError(f"{self.registry.root}: holds no model to serve "
                              f"({held}){advice}")
        if len(names) != 1:
            raise ConfigError(f"{self.registry.root}: holds {len(names)} model names "
                              f"({', '.join(names)}); choose one with --model NAME")
        return names[0]

    def _name_listed_slot(self) -> None:
        """Name the slot whose model the registry's listing finds, once the listing that
        ran past the load timeout returns (waited for without a bound: the start that
        calls this is bounded by :meth:`start_within_timeout`)."""
        from recstack.serving.registry import check_name, parse_reference

        listing = self._listing
        if listing is None:
            return
        listing.done.wait()
        reference = self._only_model(listing)
        model_name, version = parse_reference(reference)
        check_name(model_name)
        slot = next(slot for slot in self.slots if not slot.reference)
        slot.model_name, slot.reference, slot.pinned = model_name, reference, \
            version is not None
        self._listing = None

    # ------------------------------------------------------------------ life
    def start(self) -> None:
        """Load every variant (a corrupt current version: the newest earlier one that
        loads, with the failure reported), open the store, the logs and the stages, and
        warm up the compiled top-K kernel. A model to serve that the registry's listing
        finds (none named) is named first, once that listing returns."""
        self._name_listed_slot()
        for slot in self.slots:
            self._load_initial(slot)
        if self.settings.store:
            self._open_store()
            for slot in self.slots:  # each arm's fit, for /health before any request
                if slot.loaded is not None:
                    self._judge_store(slot, slot.loaded)
        if len(self.slots) > 1:
            logger.info("variants %s assigned by the hash of their user ids with the salt "
                        "%r%s", ", ".join(s.name for s in self.slots), self.assigner.salt,
                        "" if self.settings.variant_salt is not None else
                        " (derived from the variants; set variant_salt to keep it)")
        if self.settings.log_dir is not None:
            from recstack.serving.request_log import EVENT_SCHEMA, REQUEST_SCHEMA, ParquetLog

            folder = Path(self.settings.log_dir)

            def open_log(name: str, schema: Any) -> ParquetLog:
                self.metrics.log_dropped_rows.labels(name)  # the series at 0, to alert on
                return ParquetLog(folder / name, name, schema,
                                  rotate_rows=self.settings.log_rotate_rows,
                                  rotate_seconds=self.settings.log_rotate_seconds,
                                  keep_files=self.settings.log_keep_files,
                                  on_failure=lambda _e: self.metrics.log_failures.inc(),
                                  on_drop=lambda n: self.metrics.log_dropped_rows.labels(
                                      name).inc(n))

            self.request_log = open_log("requests", REQUEST_SCHEMA)
            self.event_log = open_log("events", EVENT_SCHEMA)
        self.stages = [load_stage(path, self.settings) for path in self.settings.stages]
        if self._closed:
            # a start that finished after the service was closed (its read stalled past
            # the close) opens nothing more: the logs would never be closed
            self.close()
            return
        # before /ready: otherwise the first request would load the kernel, not the warm-up
        from recstack.topk import warm_up

        warm_up()
        self.started = True

    def start_within_timeout(self) -> bool:
        """:meth:`start`, waited for at most :attr:`load_timeout_seconds`: True once the
        service has started. A start that fails within the bound raises its error, as
        :meth:`start` does.

        A start still running past the bound (a registry read that stalls: a remote store
        that stops answering, an NFS folder that blocks) returns False and goes on in a
        thread of its own: the service answers meanwhile, not ready (``/health`` says
        ``starting``, why in ``last_reload_error`` and the start under ``loading``;
        requests are refused as not ready, reloads as in progress), and starts serving if
        the read returns and the start completes. A start that fails after the bound is
        noted in ``last_reload_error`` for good: the service stays not ready and refuses
        reloads (its stages and logs were never opened): restart it.

        A service given no model name lists the registry's model names to find the one to
        serve, in its constructor, within the same bound: a listing past it has had the
        whole bound, so this returns False at once, saying that the listing stalled."""
        names = ", ".join(repr(slot.name) for slot in self.slots)
        if self._listing is not None and self._listing.done.is_set():
            # the listing returned after the constructor stopped waiting: its model is
            # named now, and the load has the whole bound (it was told as a stalled listing)
            self._name_listed_slot()
        listing = self._listing
        # a slot whose model the registry's listing finds is named once that returns
        references = ", ".join(slot.reference or "the one model listed" for slot in self.slots)
        job = _LoadJob((tuple(slot.name for slot in self.slots), None),
                       self._reloads_finished,
                       f"{references} (variant{'s' * (len(self.slots) > 1)} {names})")
        doing = f"load of {job.what}"
        bound = self.load_timeout_seconds
        if listing is not None:
            # the listing has had the whole bound already (in the constructor): the start
            # waits no more, and says what it waits on, since when
            job.started, job.started_at = listing.started, listing.started_at
            doing = (f"listing of the model names (to find the one model to serve: none "
                     f"was named, --model; variant {names})")
            bound = 0.0
        failure: list[BaseException] = []

        def run() -> None:
            try:
                self.start()
            except BaseException as error:  # handed to the waiter, or noted when late
                failure.append(error)
            self._end_start(job, failure[0] if failure else None)

        self._start_job = job
        threading.Thread(target=run, name="recstack-start", daemon=True).start()
        if job.done.wait(bound):
            if failure:
                raise failure[0]
            return True
        with self._load_changed:
            if job.done.is_set():  # finished just now
                if failure:
                    raise failure[0]
                return True
            job.timed_out = True
            self._start_timeout_error = (
                f"{self.registry.root}: the start's {doing} did not finish in "
                f"{self.load_timeout_seconds:g} s (load_timeout_seconds), begun at "
                f"{job.started_at}: a registry read that stalls (a remote store that stops "
                f"answering, an NFS folder that blocks) or a model too large for the bound; "
                f"not ready, serving nothing until it finishes (GET /health lists it under "
                f"loading)")
            self.metrics.reloads.labels("failed").inc()
            self.metrics.reload_failing.set(1)
        logger.error("start not finished: %s", self._start_timeout_error)
        return False

    def _end_start(self, job: _LoadJob, error: BaseException | None) -> None:
        """The start's thread is done: ready, or why not, said where a start past the
        load timeout was reported (its own waiter has the outcome otherwise)."""
        with self._load_changed:
            late = job.timed_out
            self._start_timeout_error = None
            if late and error is None:
                # only the timeout's own text goes: a damaged current version the start
                # fell back from stays noted (it was erased, and /health said "ok")
                self.metrics.reload_failing.set(1 if self.last_reload_error else 0)
                logger.warning("the start of %s finished after %.1f s, past the load timeout "
                               "of %g s: serving", job.what, time.monotonic() - job.started,
                               self.load_timeout_seconds)
            elif late:
                self._start_failure = (
                    f"the start's load of {job.what}, past the load timeout, failed after "
                    f"{time.monotonic() - job.started:.1f} s: {error}; serving nothing "
                    "(mend it and restart the service)")
                self.metrics.reload_failing.set(1)
                logger.error("start failed: %s", self._start_failure)
            self._start_job = None
            job.done.set()
            self._load_changed.notify_all()

    def _open_store(self) -> None:
        from recstack.serving.embedding_store import StoreUnavailableError, open_store

        if not self.settings.store:
            return
        try:
            self.store = open_store(self.settings.store)
            self.store_error = None
        # only an outage: a location that can never work (a misspelt scheme, a malformed
        # Redis URL, the redis package missing) is a ConfigError for the operator, not a
        # store to retry every few seconds while serving without it
        except (StoreUnavailableError, ConfigError) as error:  # served from the model
            if isinstance(error, ConfigError) and not self.started:
                raise
            # tried again later; a location refused only once serving (a store file named
            # like no SQLite file, removed since the start) is down until it is back
            self.store_error = str(error)
            self._store_down_until = time.monotonic() + self.settings.store_retry_seconds
            logger.warning("embedding store unavailable: %s", error)

    def close(self) -> None:
        """Close both logs and the store. A log whose last rows cannot be written does not
        keep the other from writing its own (nor the store open): every failure is raised
        once all are closed, in one :class:`RecstackError`.

        A load running is given up (its reload fails, what it reads later is dropped, its
        timer is cancelled), and no reload starts after: a late load installed its model
        into the closed service, and its timer logged a failure after the close."""
        with self._load_changed:
            self._closed = True
            job = self._load_job
            if job is not None:
                if job.timer is not None:
                    job.timer.cancel()
                job.closed = True
                job.error = ReloadFailedError(self._closed_text(job.scope))
                self._load_job = None
                job.done.set()
            self._load_changed.notify_all()
        failures = []
        for log in (self.request_log, self.event_log):
            if log is not None:
                try:
                    log.close()
                except RecstackError as error:
                    failures.append(str(error))
        if self.store is not None:
            self.store.close()
        if failures:
            raise RecstackError("; ".join(failures))

    @property
    def start_failure(self) -> str | None:
        """Why the start failed after the load timeout (the service stays not ready and
        refuses reloads and polls until restarted), or None."""
        return self._start_failure

    def _refuse_failed_start(self) -> None:
        """Refuse a reload or poll of a service whose start failed after the load
        timeout: its stages and logs were never opened, so a version loaded now would be
        served without them (a reload succeeded, wiped the reason, and left the service
        not ready for good)."""
        if self._start_failure is not None:
            raise ReloadFailedError(f"no reload: {self._start_failure}")

    def _closed_text(self, scope: tuple[tuple[str, ...], int | None]) -> str:
        variants = ", ".join(repr(name) for name in scope[0])
        return (f"the service is closed: no reload of variant{'s' * (len(scope[0]) > 1)} "
                f"{variants}; what it read, if anything, is not served")

    def _load_initial(self, slot: VariantSlot) -> None:
        # a SettingsMismatchError is a mistake of the settings (an items file of another
        # catalog or id kind, a re-ranking chain the version cannot fit), not of the
        # version: every earlier version was tried and the start said only "no version of
        # als loads"; as preflight (_preflight_version) refuses it, so does the start. A
        # version that does not load (damaged, or settings this recstack refuses) falls back.
        # A name the registry lacks, or a pinned version it lacks, is no version to fall
        # back from: from Python it was "no version of alss loads (... no model named
        # 'alss' ...)", as if versions had been tried, where `recstack serve` said the name
        # was unknown
        _refuse_absent(self, slot)
        try:
            self._swap(slot, slot.reference)
            return
        except SettingsMismatchError:
            raise
        except RecstackError as error:
            if slot.pinned:
                raise
            self._note_failure(slot, str(error))
            failure = str(error)
        loaded = self._newest_loadable(slot, failure, self._failed.get(slot.model_name))
        self._install(slot, loaded)
        # noted before a version stood in, /health said "(still serving nothing yet)" for
        # as long as the earlier version served
        self.last_reload_error = f"{failure} (serving {loaded.reference} instead)"

    def _newest_loadable(self, slot: VariantSlot, failure: str, skip: int | None
                         ) -> LoadedModel:
        """The newest version of ``slot``'s model that loads, other than ``skip`` (the one
        that failed with ``failure``), ready to serve; else one error naming why each
        version failed (it named the current one's failure only, so a user mending it
        met the next version's without warning)."""
        failures = [failure]
        for version in reversed(self.registry.versions(slot.model_name)):
            if version == skip:
                continue
            try:
                loaded = self._load(f"{slot.model_name}@{version}")
            except SettingsMismatchError:
                raise
            except RecstackError as error:
                failures.append(str(error))
                continue
            # said once a version loads: where none does, the one error says them all
            for skipped in failures[1:]:
                logger.warning("%s", skipped)
            return loaded
        root = f"{self.registry.root}: "
        raise RecstackError(f"{root}no version of {slot.model_name} loads ("
                            + "; ".join(f.removeprefix(root) for f in failures) + ")")

    def _swap(self, slot: VariantSlot, reference: str) -> None:
        self._install(slot, self._load(reference))

    def _load(self, reference: str) -> LoadedModel:
        return _prepared(self.registry.load(reference), self)

    def _install(self, slot: VariantSlot, loaded: LoadedModel) -> None:
        # the store judged against the new version before it serves (its own status: the
        # other variants' stay as they are); the version replaced takes its status along
        if self.started:
            self._judge_store(slot, loaded)
        slot.loaded = loaded  # one assignment: requests see the old or the new, whole
        # each variant's series set in place, never cleared first: a scrape between a
        # clear and the sets read no version at all (a variant's labels never change)
        for other in self.slots:
            if other.loaded is not None:
                self.metrics.model_version.labels(other.name, other.model_name).set(
                    other.loaded.version.version)

    def _note_failure(self, slot: VariantSlot, message: str, version: int | None = None,
                      *, mark: bool = True) -> None:
        # ``version``: the one asked for by number; else the alias's, which is what failed
        # (``mark`` False: the registry's fault, no version's, as a removed registry folder)
        if mark and version is None and not slot.pinned:
            try:
                version = self.registry.current(slot.model_name)
            except RecstackError:
                # the alias itself is what failed (damaged current.json): the failure
                # must still be recorded, and no version can be marked as the bad one
                version = None
        if mark and version is not None:
            self._failed[slot.model_name] = version
        kept = slot.loaded.reference if slot.loaded is not None else "nothing yet"
        self.last_reload_error = f"{message} (still serving {kept})"
        self.metrics.reloads.labels("failed").inc()
        self.metrics.reload_failing.set(1)
        logger.error("reload failed: %s", self.last_reload_error)

    # ------------------------------------------------------------------ reload
    @_arguments_named
    def reload(self, variant: str | None = None, version: int | None = None) -> list[str]:
        """Load the current version of each variant's model (or of ``variant``), or switch
        ``variant`` to ``version``; returns the references now served.

        Every variant's version is loaded before any is swapped in, so that a failure
        in one leaves all of them serving what they served (no mix of old and new).
        Reloads asked for at once share one load (see :meth:`reload_since`).

        Raises
        ------
        ReloadFailedError
            A version did not load; every variant keeps what it served.
            So does a load that runs past :attr:`load_timeout_seconds` (given up), a
            reload of a service :meth:`close` has closed, and one of a service whose
            start failed after the load timeout (restart it).
        RequestLimitError
            No such variant, or no such ``version`` of its model (nothing is marked as
            failed: the request was mistaken, not the registry).
        LoadInProgressError
            A load of the same variants was given up after the load timeout and its read
            has not returned: another would stall on the same registry.
        """
        return self.reload_since(self._reloads_finished, variant, version)

    @property
    def reloads_finished(self) -> int:
        """How many reloads have finished (loaded, or failed): what a caller reads when a
        reload is asked of it, for :meth:`reload_since`."""
        return self._reloads_finished

    @_arguments_named
    def reload_since(self, asked_after: int, variant: str | None = None,
                     version: int | None = None, *,
                     wait_seconds: float | None = None) -> list[str]:
        """:meth:`reload`, asked for when :attr:`reloads_finished` was ``asked_after``: a
        reload of the same variants (and version) that has finished since, from aliases
        that still name what it read, loaded what this one would, and its outcome (the
        models, or the failure) answers this one too. ``POST /admin/reload`` reads the
        count as the request arrives, before it waits for a worker thread: ten at once
        loaded the model ten times over, one after another (each a full read of the
        version's files, and each counted as a reload).

        One load runs at a time, in a thread of its own; a reload asked for meanwhile
        waits for it. ``wait_seconds`` bounds the wait from the call (None: until the load
        ends, which :attr:`load_timeout_seconds` bounds from the load's own start, however
        long the reload waited behind another load first); past it,
        :class:`LoadInProgressError` says which load runs and since when, and a load this
        reload started goes on.
        A load that runs past :attr:`load_timeout_seconds` is given up: the reload
        fails (:class:`ReloadFailedError`), every variant keeps what it served, and no
        other load of its variants starts until its thread returns."""
        if isinstance(asked_after, bool) or not isinstance(asked_after, int) \
                or not 0 <= asked_after <= self._reloads_finished:
            raise ConfigError(f"reload_since: asked_after must be a count that "
                              f"reloads_finished gave (0 to {self._reloads_finished}), got "
                              f"{type(asked_after).__name__} {shown(asked_after)[:40]}")
        if variant is not None:
            # from Python: variant=5 failed with an AttributeError, b"control" was no variant
            variant = request_text(variant, "variant", what="name")
        if version is not None:
            from recstack.serving.registry import MAX_VERSION

            # version="2" was "als@2 does not exist (versions: [1, 2])", and True or 2.0 a
            # failed reload that marked version True, that is 1, as the one that failed;
            # then the registry's "must be a whole number from 1 to 99999999, got True",
            # where POST /admin/reload states the range in the words of every count
            version = request_count(version, "version", most=MAX_VERSION)
        bounded = (None if wait_seconds is None
                   else time.monotonic() + _load_bound(wait_seconds, "wait_seconds"))
        slots = self._reload_slots(variant, version)
        scope = (tuple(slot.name for slot in slots), version)

        def deadline(load: _LoadJob) -> float:
            # unbounded, each load is waited for until its own start plus the load
            # timeout (by then it has an outcome, its own or the timeout's): counted from
            # the request, time queued behind another load was taken from this one's, and
            # a load not stalled was answered as still running
            return (load.started + self.load_timeout_seconds + 5.0 if bounded is None
                    else bounded)

        with self._load_changed:
            while True:
                if self._closed:
                    raise ReloadFailedError(self._closed_text(scope))
                self._refuse_failed_start()
                # a start still running (past the load timeout too) loads every variant
                running = self._load_job or self._start_job
                blocking = running or next((job for job in self._stalled_jobs
                                            if _conflicting(scope, job.scope)), None)
                if blocking is None:
                    job = self._begin_load(scope, slots, version, asked_after)
                    break
                left = deadline(blocking) - time.monotonic()
                # a stalled read seldom returns soon: said at once, not after the wait
                if left <= 0 or blocking.timed_out:
                    raise self._in_progress(blocking, scope)
                self._load_changed.wait(left)
        if not job.done.wait(max(0.0, deadline(job) - time.monotonic())):
            raise self._in_progress(job, scope)
        if job.error is not None:
            raise job.error
        return list(job.models)

    def _reload_slots(self, variant: str | None, version: int | None
                      ) -> list[VariantSlot]:
        """The slots a reload of ``variant`` (None: all) reloads, or the request's
        mistake."""
        if variant is not None and variant not in self.by_name:
            from recstack.specs import did_you_mean

            # variant names are names, not ids: compared as given (and " control" or
            # "Control" named the one meant, where "no variant" alone did not)
            what = ("is empty" if not variant else "is only whitespace"
                    if not variant.strip() else f"{variant!r} is no variant"
                    f"{did_you_mean(variant.strip(), self.by_name)}")
            raise RequestLimitError(f"variant: the name {what}; variants: "
                                    f"{', '.join(self.by_name)}", field="variant")
        if version is not None and variant is None and len(self.slots) > 1:
            raise RequestLimitError("name the variant whose version to switch "
                                    f"({', '.join(self.by_name)})", field="variant")
        return [self.by_name[variant]] if variant is not None else list(self.slots)

    def _served_now(self) -> list[str]:
        return [s.loaded.reference for s in self.slots if s.loaded is not None]

    def _in_progress(self, job: _LoadJob, scope: tuple[tuple[str, ...], int | None]
                     ) -> LoadInProgressError:
        """The answer to a reload whose wait passed while ``job`` ran (its own load, one
        of the same variants, another, or a stalled one)."""
        seconds = time.monotonic() - job.started
        served = self._served_now()
        if job is self._start_job:
            # a reload beside the start would load the same versions a second time
            return LoadInProgressError(
                f"the service is still starting: the load of {job.what} begun at "
                f"{job.started_at} has run {seconds:.1f} s"
                + (f", past the load timeout of {self.load_timeout_seconds:g} s, and its "
                   "read has not returned" if job.timed_out else "")
                + "; ask again once GET /ready answers 200",
                own=False, loading=job.state(), models=served)
        if job.timed_out:
            text = (f"the load of {job.what} begun at {job.started_at} was given up after "
                    f"{self.load_timeout_seconds:g} s (load_timeout_seconds) and its read "
                    f"has still not returned ({seconds:.1f} s): another load of it would "
                    "stall on the same registry; ask again once GET /health no longer "
                    f"lists it under loading (serving {', '.join(served)} meanwhile)")
            return LoadInProgressError(text, own=False, loading=job.state(), models=served)
        own = job.scope == scope
        text = (f"a load of {job.what} is already running since {job.started_at} "
                f"({seconds:.1f} s; given up after {self.load_timeout_seconds:g} s): ")
        text += (f"it goes on, and GET /health says when it is done (serving "
                 f"{', '.join(served)} meanwhile; ask again if a version was published "
                 "after it began)" if own else
                 "ask again once it is done (GET /health lists it under loading)")
        return LoadInProgressError(text, own=own, loading=job.state(), models=served)

    def _begin_load(self, scope: tuple[tuple[str, ...], int | None],
                    slots: Sequence[VariantSlot], version: int | None, asked_after: int
                    ) -> _LoadJob:
        """Start the load of ``slots`` in a thread of its own (the reload lock held): a
        read that stalls holds up that thread only, and a timer gives it up."""
        names = ", ".join(repr(slot.name) for slot in slots)
        target = (f"{slots[0].model_name}@{version}" if version is not None else
                  ", ".join(slot.reference for slot in slots))
        job = _LoadJob(scope, asked_after, f"{target} (variant{'s' * (len(slots) > 1)} "
                                           f"{names})")
        self._load_job = job
        thread = threading.Thread(target=self._run_load, args=(job, list(slots), version),
                                  name=f"recstack-load-{'+'.join(scope[0])}", daemon=True)
        job.timer = threading.Timer(self.load_timeout_seconds, self._give_up, args=(job,))
        job.timer.daemon = True
        thread.start()
        job.timer.start()
        return job

    def _run_load(self, job: _LoadJob, slots: list[VariantSlot], version: int | None
                  ) -> None:
        """The load thread: read the registry and the versions' files (no lock held),
        then swap them in under the lock unless the load was given up meanwhile."""
        try:
            self._load_job_body(job, slots, version)
        except RecstackError as error:
            self._end_load(job, [], error)
        except Exception as error:  # a waiter must hear of it, not wait to its bound
            logger.exception("the load of %s failed unexpectedly", job.what)
            self._end_load(job, [], ReloadFailedError(
                f"the load of {job.what} failed unexpectedly: {type(error).__name__}: "
                f"{error}"))

    def _load_job_body(self, job: _LoadJob, slots: list[VariantSlot], version: int | None
                       ) -> None:
        if version is not None:
            for slot in slots:
                self._check_version_exists(slot, version)
        aliases = self._aliases(slots) if version is None else {}
        with self._reload_lock:
            last = self._last_reload
        if last is not None and last.finished > job.asked_after and aliases is not None \
                and last.aliases is not None and last.scope[1] == job.scope[1] \
                and set(job.scope[0]) <= set(last.scope[0]) \
                and all(last.aliases.get(name) == aliases[name] for name in job.scope[0]):
            # a reload that finished since covered these variants from the same aliases
            # (a poll's of one variant, after an admin reload of all): loading again
            # would read the same files for the same answer
            self._end_load(job, list(last.models),
                           ReloadFailedError(last.error) if last.error is not None else None)
            return
        ready: list[tuple[VariantSlot, str, LoadedModel]] = []
        failure: tuple[VariantSlot, str, int | None] | None = None
        for slot in slots:
            reference = (f"{slot.model_name}@{version}" if version is not None
                         else slot.reference)
            try:
                ready.append((slot, reference, self._load(reference)))
            except RecstackError as error:
                # the version to mark as failed read here, not under the lock
                marked = version if version is not None or slot.pinned else \
                    self._current_or_none(slot.model_name)
                failure = (slot, str(error) + self._pinned_hint(slot, version), marked)
                break
        with self._reload_lock:
            if job.timed_out or job.closed:
                self._end_load(job, [], None)
                return
            if failure is not None:
                slot, message, marked = failure
                self._note_failure(slot, message, marked, mark=marked is not None)
                failed = ReloadFailedError(self.last_reload_error or message)
                self._finish_reload(job.scope, aliases, [], str(failed))
                self._end_load(job, [], failed)
                return
            for slot, reference, loaded in ready:
                self._install(slot, loaded)
                if version is not None:
                    slot.reference, slot.pinned = reference, True
            self.last_reload_error = None
            self.metrics.reloads.labels("ok").inc()
            self.metrics.reload_failing.set(0)
            models = self._served_now()
            self._finish_reload(job.scope, aliases, models, None)
            self._end_load(job, models, None)

    def _current_or_none(self, model_name: str) -> int | None:
        try:
            return self.registry.current(model_name)
        except RecstackError:
            # the alias itself is what failed (damaged current.json): no version can be
            # marked as the bad one
            return None

    def _end_load(self, job: _LoadJob, models: list[str], error: RecstackError | None
                  ) -> None:
        """``job``'s thread is done: its outcome to its waiters, or, given up before,
        its result dropped and its variants free to load again."""
        with self._load_changed:
            if job.closed:
                pass  # its outcome was given at the close; the waiters have it
            elif job.timed_out:
                if job in self._stalled_jobs:
                    self._stalled_jobs.remove(job)
                    logger.warning(
                        "the load of %s given up after %g s returned after %.1f s; what it "
                        "read is not served (a reload, or the next poll, loads it again)",
                        job.what, self.load_timeout_seconds, time.monotonic() - job.started)
            else:
                if job.timer is not None:
                    job.timer.cancel()
                job.models, job.error = models, error
                if self._load_job is job:
                    self._load_job = None
                job.done.set()
            self._load_changed.notify_all()

    def _give_up(self, job: _LoadJob) -> None:
        """The load timeout passed: ``job`` fails, every variant keeps what it serves, and
        its thread, which cannot be stopped, is left to return on its own."""
        with self._load_changed:
            if job.done.is_set():
                return
            job.timed_out = True
            self._stalled_jobs.append(job)
            if self._load_job is job:
                self._load_job = None
            kept = ", ".join(self.by_name[name].loaded.reference  # type: ignore[union-attr]
                             if self.by_name[name].loaded is not None else "nothing yet"
                             for name in job.scope[0])
            self.last_reload_error = (
                f"{self.registry.root}: the load of {job.what} did not finish in "
                f"{self.load_timeout_seconds:g} s (load_timeout_seconds), begun at "
                f"{job.started_at}: a registry read that stalls (a remote store that stops "
                f"answering, an NFS folder that blocks) or a model too large for the bound; "
                f"given up (still serving {kept})")
            self.metrics.reloads.labels("failed").inc()
            self.metrics.reload_failing.set(1)
            logger.error("reload failed: %s", self.last_reload_error)
            error = ReloadFailedError(self.last_reload_error)
            # aliases unknown (None): a later reload never shares this outcome
            self._finish_reload(job.scope, None, [], str(error))
            job.error = error
            job.done.set()
            self._load_changed.notify_all()

    def _aliases(self, slots: Sequence[VariantSlot]) -> dict[str, int | None] | None:
        """The version each of ``slots``' models' ``current`` alias names (a pinned one's
        pin), or None when the registry cannot be read (then no reload is shared)."""
        try:
            return {slot.name: (None if slot.pinned else
                                self.registry.current(slot.model_name)) for slot in slots}
        except RecstackError:
            return None

    def _finish_reload(self, scope: tuple[tuple[str, ...], int | None],
                       aliases: dict[str, int | None] | None, models: list[str],
                       error: str | None) -> None:
        self._reloads_finished += 1
        self._last_reload = _ReloadOutcome(self._reloads_finished, scope, aliases, models,
                                           error)

    def _pinned_hint(self, slot: VariantSlot, version: int | None) -> str:
        """Why a reload without a version loaded ``slot``'s pinned version, not the
        current one (empty when it asked for a version, or the variant is not pinned): a
        variant switched to a version whose files were then removed answered every plain
        reload with that version's damage, without a word of the pin or of the way out."""
        if version is not None or not slot.pinned:
            return ""
        try:
            versions = self.registry.versions(slot.model_name)
        except RecstackError:
            versions = []
        listed = f" (versions: {versions})" if versions else ""
        return (f"; variant {slot.name!r} is pinned at {slot.reference} (named with its "
                "version, in the settings or by a reload), so a reload without a version "
                f"loads {slot.reference} again: send a version to switch it{listed}")

    def _check_version_exists(self, slot: VariantSlot, version: int) -> None:
        """Refuse a switch to a version the registry does not hold as the request's
        mistake (422): it was a failed reload that marked the version being served, a good
        one, as failed (after a rollback to it the poller never loaded it again) and said
        ``degraded`` for a registry without a fault. A registry that cannot be read is
        left to the load, whose failure is a failed reload."""
        try:
            versions = self.registry.versions(slot.model_name)
        except RecstackError:
            return
        if version not in versions:
            kept = slot.loaded.reference if slot.loaded is not None else "nothing yet"
            raise RequestLimitError(
                f"version: {slot.model_name}@{version} does not exist in {self.registry.root} "
                f"(versions: {versions or 'none'}); give one of those (variant {slot.name!r} "
                f"keeps serving {kept})", field="version")

    def poll(self) -> bool:
        """Reload the variants whose model's current alias moved (a newly published
        version); a version that failed once is not retried. Returns whether any moved.

        A registry that no longer holds what a variant serves (its folder removed or
        moved, the alias or the version's files deleted; a pinned variant's version too)
        is noted as a failure, as a damaged alias is: answers keep coming from the version
        in memory and ``/health`` says ``degraded``, why, and what still serves, until the
        registry holds it again. A service whose start failed after the load timeout
        raises :class:`ReloadFailedError` saying so (restart it)."""
        # the registry read with no lock held (a read that stalls holds up this poll
        # only); the count taken first, so that a POST /admin/reload finished meanwhile
        # from the same aliases answers this poll's reload without a second load
        from recstack.serving.registry import MANIFEST

        # before the alias reads: a failure they noted would stand beside the start's
        self._refuse_failed_start()
        asked_after = self._reloads_finished
        moved = False
        for slot in self.slots:
            if slot.loaded is None:
                continue
            served = slot.loaded.version.version
            try:
                current = served if slot.pinned else self.registry.current(slot.model_name)
                if current is None or (current == served and not self.registry._exists(
                        f"{self.registry._version_key(slot.model_name, served)}/{MANIFEST}")):
                    # /health said "ok" as if the registry still held it
                    raise RecstackError(self._registry_gone(slot, current))
            except RecstackError as error:
                with self._reload_lock:
                    # a damaged alias (current.json cut short by a copy) is a failed
                    # reload, as POST /admin/reload has it: /health said "ok" while a
                    # warning was logged at every poll; noted once, while the same
                    # message stands
                    if self._alias_failures.get(slot.name) != str(error):
                        # no version is marked as failed: the one served loaded, and was
                        # only removed under it (marked, the poll never took it back once
                        # restored)
                        self._note_failure(slot, str(error), mark=False)
                        self._alias_failures[slot.name] = str(error)
                continue
            with self._reload_lock:
                if self._alias_failures.pop(slot.name, None) is not None:
                    # readable again: the failure noted was the alias's, not a version's.
                    # With one alias shared by all, a variant whose alias read well
                    # cleared the failure of another's damaged one: /health said "ok"
                    # after each poll (or flapped), and every poll counted it again
                    if current == served and not self._alias_failures:
                        self.last_reload_error = None
                        self.metrics.reload_failing.set(0)
                if slot.pinned or current in (served, self._failed.get(slot.model_name)):
                    continue
            try:
                self.reload_since(asked_after, slot.name)
                moved = True
            except ReloadFailedError:
                pass
            except LoadInProgressError as error:
                # a stalled load of this variant not returned yet: its failure is noted
                logger.info("poll: %s", error)
        return moved

    def _registry_gone(self, slot: VariantSlot, version: int | None) -> str:
        """Why the registry no longer holds what ``slot`` serves: the whole registry
        folder, the model's current alias (``version`` None) or the version's files."""
        from recstack.serving.registry import CURRENT, MANIFEST

        root = self.registry.root
        if not self.registry.is_remote and not Path(self.registry._root).is_dir():
            what = ("is no folder any more" if Path(self.registry._root).exists()
                    else "is gone (removed or moved while serving)")
            return (f"{root}: the registry folder {what}; put it back, or restart the "
                    "service with --registry naming where it is now")
        if version is None:
            return (f"{root}: {slot.model_name} has no current version any more (its "
                    f"{CURRENT} is gone; {self.registry.names_held()}); point it at a "
                    f"version again with set_current({slot.model_name!r}, VERSION), or "
                    "publish one")
        versions = self.registry.versions(slot.model_name) or "none"
        return (f"{root}: {slot.model_name}@{version} is gone from the registry (no "
                f"{MANIFEST} in its folder; versions: {versions}); publish it again, or "
                f"switch to another version with POST /admin/reload")

    # ------------------------------------------------------------------ requests
    def variant_for(self, user_id: str | int | None) -> VariantSlot:
        """The arm serving ``user_id`` (text or an integer, read as every request's id is,
        :meth:`request_id`); None or an empty id: the first arm, a new visitor's."""
        if user_id is not None and user_id != "":
            # from Python: the integer 5 was a TypeError (no len()), and the integer 0 was
            # served by the first arm where "0", the same user, was assigned its own; text
            # was hashed as given, so " 5" (user 5 to every request) was told another arm,
            # and an id of any length or holding a NUL was assigned one
            user_id = self.request_id(user_id, "user_id")
        return self._arm_of(user_id)

    def _arm_of(self, user_id: str | None) -> VariantSlot:
        """The arm serving ``user_id``, an id already read by :meth:`request_id` (or None
        for a new visitor)."""
        # by the integer's own text, so "-0" and "0" (one user offline) share an arm
        return (self.by_name[self.assigner.assign(integer_spelling(user_id))] if user_id
                else self.slots[0])

    def _loaded(self, slot: VariantSlot) -> LoadedModel:
        loaded = slot.loaded
        # a start still running may have loaded a variant before its logs and stages
        if loaded is None or self._start_job is not None or self._start_failure:
            raise NotReadyError("the service is still loading its model; retry shortly")
        return loaded

    def request_id(self, text: str | int, field: str) -> str:
        """An id a request gave, as the model's vocabulary holds it: trimmed of surrounding
        whitespace like every id recstack reads (:func:`recstack.data.idmap.trim_text_ids`,
        so ``" 42"`` is user 42 here as in a CSV), and at most ``max_id_length`` characters
        (the settings may lower the schema's cap).

        Raises
        ------
        RequestLimitError
            Naming ``field``: the id is only whitespace, too long, or holds a control
            character or an invisible one and no served model knows it as it is.
        """
        text = request_text(text, field)
        if not text:
            # the schemas leave an empty id to this check: pydantic's "String should have
            # at least 1 character" read otherwise than the whitespace-only id's answer
            raise RequestLimitError(f"{field}: the id is empty; give the {_whose(field)} id",
                                    field=field)
        if text != text.strip():
            from recstack.data.idmap import trim_text_ids

            text = str(trim_text_ids([text])[0])
            if not text:
                raise RequestLimitError(f"{field}: the id is only whitespace; give the "
                                        f"{_whose(field)} id", field=field)
        if len(text) > self.settings.max_id_length:
            from recstack.serving.schemas import id_too_long

            # the words of an id over the schema's cap, with this service's own top (a
            # lowered max_id_length had a wording of its own, without the id's start)
            raise RequestLimitError(f"{field}: {id_too_long(text, self.settings.max_id_length)}",
                                    field=field)
        if (problem := control_character(text)) and not self._known_id(text):
            # every loader keeps a tab or a line break inside an id (a quoted CSV cell, a
            # Parquet string): GET /users listed such a user, whom no request could name
            raise RequestLimitError(f"{field}: the id {text[:40]!r} is not printable text: "
                                    f"{problem}; give the id without it", field=field)
        if (problem := invisible_character(text)) and not self._known_id(text):
            # "0\u200b" was looked up and logged as another user than "0", unseen: an
            # event of it never met its recommendations in the online metrics
            raise RequestLimitError(f"{field}: the id {text[:40]!r} is not a known id and "
                                    f"{problem}; give the id without it", field=field)
        return text

    def _known_in_other_form(self, text: str) -> tuple[str, str] | None:
        """``(form, id)`` when ``text`` is no id a served model knows but its NFC or NFD
        form is, else None."""
        if text.isascii() or self._known_id(text):
            return None
        for form in ("NFC", "NFD"):
            other = unicodedata.normalize(form, text)
            if other != text and self._known_id(other):
                return form, other
        return None

    def _known_id(self, text: str) -> bool:
        """Whether a served model knows ``text`` as a user or an item id (an id of the
        training data may hold what a request's may not, and still names its user)."""
        return any(text in slot.loaded.user_lookup or text in slot.loaded.item_lookup
                   for slot in self.slots if slot.loaded is not None)

    def _check_k(self, k: int) -> int:
        return request_count(k, "k", most=self.settings.max_k, setting="max_k")

    @staticmethod
    def _check_limit(limit: int) -> int:
        """A listing's ``limit`` by the rule of the routes' ``?limit=`` (1 to
        :data:`~recstack.serving.schemas.MAX_LIMIT`): from Python any size was listed."""
        from recstack.serving.schemas import MAX_LIMIT

        return request_count(limit, "limit", most=MAX_LIMIT)

    def context_keys(self) -> tuple[list[str], bool]:
        """The context columns some served model uses (sorted), and whether one has time
        features (accepts ``timestamp``)."""
        slots = [s.loaded for s in self.slots if s.loaded is not None]
        return (sorted({c for m in slots for c in m.context_columns}),
                any(m.context_time for m in slots))

    def context_for(self, loaded: LoadedModel, context: Mapping[str, Any] | None,
                        timestamp: float | None) -> dict[str, Any] | None:
        """The context ``loaded`` is given for a request's ``context`` and ``timestamp``:
        the keys it uses, and ``timestamp`` (the server's clock when not given) when it has
        time features; None when it uses no context. The keys are checked against every
        served model (see the module docstring).

        Raises
        ------
        InvalidContextError
            A key no served model uses, a ``timestamp`` no served model reads, or text for
            a numeric column.
        """
        context, timestamp = _request_context(context, timestamp)
        context = context or {}
        if context or timestamp is not None:
            accepted, timed = self.context_keys()
            unknown = [key for key in context if key not in accepted]
            if unknown:
                served = ", ".join(s.loaded.reference for s in self.slots
                                   if s.loaded is not None)
                hint = ("; give the request time as the body's 'timestamp'"
                        if unknown[0] == "timestamp" and timed else "")
                raise InvalidContextError(
                    f"context key {unknown[0]!r} is not a context column of the served "
                    f"model ({served}); accepted keys: "
                    f"{accepted if accepted else 'none (the model uses no context)'}{hint}",
                    field=context_place(unknown[0]))
            if timestamp is not None and not timed:
                raise InvalidContextError(
                    "timestamp: the served model has no time features (context_time); "
                    "leave it out", field="timestamp")
        if not loaded.context_columns and not loaded.context_time:
            return None
        used: dict[str, Any] = {}
        for key, value in context.items():
            role = loaded.context_columns.get(key)
            if role is None:
                continue  # another variant's column
            if role == "numeric" and isinstance(value, str):
                raise InvalidContextError(f"context key {key!r}: {loaded.reference} takes a "
                                          f"number for it (got text {value[:40]!r})",
                                          field=context_place(key))
            if role == "numeric" and (problem := context_number_problem(
                    key, value, loaded.reference)):
                raise InvalidContextError(problem, field=context_place(key))
            used[key] = value
        if loaded.context_time:
            from recstack.pipeline.features import CONTEXT_TIME

            used[CONTEXT_TIME] = float(timestamp) if timestamp is not None else time.time()
        return used or None

    @_arguments_named
    def recommend_user(self, user_id: str, k: int, *, exclude_seen: bool = True,
                       context: Mapping[str, Any] | None = None,
                       timestamp: float | None = None) -> Served:
        """Recommendations for a known user (see the module docstring), in the request's
        ``context`` (column -> value) at ``timestamp`` (Unix seconds) for a model that
        uses them (:meth:`context_for`)."""
        k = self._check_k(k)
        if not isinstance(exclude_seen, bool | np.bool_):
            # from Python: any text is true, so exclude_seen="false" excluded them
            raise RequestLimitError(f"exclude_seen must be True or False, got "
                                    f"{type(exclude_seen).__name__} {shown(exclude_seen)[:40]}",
                                    field="exclude_seen")
        exclude_seen = bool(exclude_seen)
        user_id = self.request_id(user_id, "user_id")
        slot = self._arm_of(user_id)
        loaded = self._loaded(slot)
        used = self.context_for(loaded, context, timestamp)
        user_id = loaded.vocabulary_id("user", user_id)
        user = loaded.user_position(user_id)
        untrained = user >= 0 and not loaded.has_history[user]
        if untrained:
            user = -1  # in the vocabulary, but the model learned nothing about them
        vector, vector_source = self._user_vector(slot, loaded, user_id, user)
        if user < 0 and vector is None:
            known = (" has no training interactions in" if untrained else " is unknown to")
            reason = (f"user {user_id!r}{known} {loaded.reference}"
                      f"{loaded.id_hint('user', user_id)}; recommend for a new visitor from "
                      f"their items with {NEW_USER_PATH}")
            if self.settings.unknown_user == "404":
                raise UnknownUserError(reason)
            return self._popular(slot, loaded, user_id, k, "unknown_user", reason,
                                 endpoint="user")
        history = loaded.seen(user) if user >= 0 else np.empty(0, np.int32)
        if vector is not None and loaded.index is not None and loaded.two_stage is None \
                and not np.any(vector):
            # a zero vector scores 0 against every item (cosine and inner product): the
            # index answered the catalogue's order (the lowest item indices) as the user's
            # recommendations, without a word
            where = "the embedding store" if vector_source == "store" else loaded.reference
            reason = (f"user {user_id!r}'s vector in {where} is all zeros, which scores "
                      "every item alike (the index would answer the catalogue's order); "
                      "the most popular items are served instead")
            return self._popular(slot, loaded, user_id, k, "zero_vector", reason,
                                 endpoint="user",
                                 exclude=history if exclude_seen else None)
        request = StageRequest(user_id, history, k, loaded, user, used)
        if loaded.two_stage is not None:
            return self._two_stage(slot, loaded, loaded.two_stage, request,
                                   exclude_seen=exclude_seen)
        n = max(k, loaded.n_candidates) if loaded.stages or self.stages else k
        n = min(n, loaded.n_items)
        started = time.perf_counter()
        exclude = history if exclude_seen else np.empty(0, np.int32)
        blocked = self._blocked(request)
        if len(blocked):
            exclude = np.union1d(exclude, blocked)
        if vector is not None and loaded.index is not None:
            items, scores = loaded.index.search_one(vector, n, exclude)
            source = loaded.retrieval
        else:
            from recstack.topk import top_k, writable_scores

            row = writable_scores(loaded.base.score_users(np.array([user])), copy=True)
            row[0, exclude] = -np.inf
            items, scores = (a[0] for a in top_k(row, n))
            source = "model"
        self._timed("retrieval", source, started)
        candidates = _valid(Candidates(items.astype(np.int64), served_scores(scores),
                                       np.full(len(items), source, dtype=object)))
        candidates = self._run_stages(request, candidates)
        served = self._served(slot, loaded, "user", user_id, k, candidates,
                              vector_source=vector_source)
        served.exclude_seen = exclude_seen  # an unknown user has no history: logged True
        seen = len(np.unique(history)) if exclude_seen else 0
        others = len(np.unique(exclude)) - seen  # blocked items the user has not seen
        served.shortfall = shortfall(served, loaded.n_items, [
            (seen, f"the user's {_items(seen)} seen"), (others, f"{_items(others)} blocked")])
        return served

    def _two_stage(self, slot: VariantSlot, loaded: LoadedModel, two_stage: TwoStageServing,
                   request: StageRequest, *, exclude_seen: bool = True) -> Served:
        """A two-stage version: its generators retrieve (the user's seen items among the
        candidates when not ``exclude_seen``), its ranker ranks (each step timed), then the
        chains and stages as for any model."""

        def timer(stage: str, name: str, seconds: float) -> None:
            self.metrics.child(self.metrics.stage, stage, name).observe(seconds)

        blocked = self._blocked(request)
        items, scores, sources, features = two_stage.rank(request.user, timer,
                                                          context=request.context,
                                                          exclude_seen=exclude_seen,
                                                          blocked=blocked)
        candidates = Candidates(items, served_scores(scores), sources, features=features)
        candidates = self._run_stages(request, candidates)
        served = self._served(slot, loaded, "user", request.user_id, request.k, candidates,
                              vector_source="model")
        served.context = dict(request.context) if request.context else None
        served.exclude_seen = exclude_seen
        history = np.unique(request.history) if exclude_seen else np.empty(0, np.int64)
        others = len(np.setdiff1d(blocked, history))  # blocked items the user has not seen
        served.shortfall = shortfall(served, loaded.n_items, [
            (len(history), f"the user's {_items(len(history))} seen"),
            (others, f"{_items(others)} blocked")],
            other="were not among the candidates its generators retrieved, or were dropped "
            "by a stage")
        return served

    @_arguments_named
    def recommend_new(self, items: Sequence[str], k: int, *,
                      user_id: str | None = None, context: Mapping[str, Any] | None = None,
                      timestamp: float | None = None) -> Served:
        """Recommendations for a new visitor from the items they chose: unknown items are
        ignored and reported; the model scores the known ones with ``score_histories``.
        ``context`` and ``timestamp`` are checked as for a known user; a two-stage model
        ranks in that context. A model that cannot score a history (or a two-stage model
        whose generators cannot) answers with popularity and says why.

        An item posted more than once (or under two spellings of one id) counts once, as
        the skew check recomputes it: the history is one row of ones over the catalog, as
        the model's own training histories hold one row per (user, item) pair, so a repeat
        (a double click, events posted as the history) does not weigh an item twice."""
        k = self._check_k(k)
        if isinstance(items, str | bytes) or not isinstance(
                items, Sequence | np.ndarray | pd.Series | pd.Index):
            # a string was read as a list of its characters ("42": the items '4' and '2')
            what = (f"one id ({shown(items)[:40]})" if isinstance(items, str | bytes)
                    else f"{type(items).__name__}")
            raise RequestLimitError(f"items must be a list of item ids, got {what}; write "
                                    "items=[...], e.g. ['42']", field="items")
        if not 1 <= len(items) <= self.settings.max_items:
            from recstack.serving.schemas import ITEMS_HINT, list_length_message

            # an empty list: POST /recommendations/new-user refuses it; from Python it was
            # answered with the most popular items as if items had been chosen
            raise RequestLimitError("items: " + list_length_message(
                "item ids", self.settings.max_items, len(items), setting="max_items",
                hint=ITEMS_HINT), field="items")
        items = [self.request_id(item, f"items[{position}]")
                 for position, item in enumerate(items)]
        if user_id is not None:
            # from Python, by the rule of every id the service takes (bytes as UTF-8 text, an
            # integer as its digits, trimmed, at most max_id_length): b"7" and 7 failed inside
            # the variant's id check, and "" or an id of any length chose a variant
            user_id = self.request_id(user_id, "user_id")
        slot = self._arm_of(user_id)
        loaded = self._loaded(slot)
        used = self.context_for(loaded, context, timestamp)
        items = [loaded.vocabulary_id("item", item) for item in items]
        index = np.array([loaded.item_position(i) for i in items], dtype=np.int64)
        unknown = list(dict.fromkeys(i for i, j in zip(items, index, strict=True) if j < 0))
        known = np.unique(index[index >= 0])
        scorer = self._history_scorer(loaded, used)
        if not len(known) or isinstance(scorer, str):
            reason = ("none of the posted items is in the catalog"
                      + "".join(dict.fromkeys(loaded.id_hint("item", i) for i in unknown))
                      if not len(known) else scorer)
            served = self._popular(slot, loaded, user_id, k, "cold_start", str(reason),
                                   endpoint="new-user", exclude=known)
            served.unknown_items, served.input_items = unknown, list(items)
            return served
        n = min(max(k, loaded.n_candidates) if loaded.stages or self.stages else k,
                loaded.n_items)
        request = StageRequest(user_id, known, k, loaded, context=used)
        started = time.perf_counter()
        from recstack.topk import top_k, writable_scores

        history = sp.csr_matrix((np.ones(len(known), np.float32), known, [0, len(known)]),
                                shape=(1, loaded.n_items))
        row = writable_scores(scorer(history), copy=True)
        row[0, known] = -np.inf
        row[0, self._blocked(request)] = -np.inf
        top, scores = (a[0] for a in top_k(row, n))
        self._timed("retrieval", "fold-in", started)
        candidates = _valid(Candidates(top.astype(np.int64), served_scores(scores),
                                       np.full(len(top), "fold-in", dtype=object)))
        candidates = self._run_stages(request, candidates)
        served = self._served(slot, loaded, "new-user", user_id, k, candidates)
        blocked = len(np.setdiff1d(self._blocked(request), known))
        served.shortfall = shortfall(served, loaded.n_items, [
            (len(known), f"the {_items(len(known))} posted"),
            (blocked, f"{_items(blocked)} blocked")])
        served.unknown_items, served.input_items = unknown, list(items)
        served.context = dict(used) if used else None
        return served

    @staticmethod
    def _history_scorer(loaded: LoadedModel, context: dict[str, Any] | None
                        ) -> Callable[[sp.csr_matrix], Any] | str:
        """How ``loaded`` scores a new visitor from their items (a one-row history
        matrix -> a row of scores over the catalog, in the request's ``context`` for a
        two-stage model), or why it cannot."""
        scorer = getattr(loaded.base, "score_histories", None)
        if not callable(scorer):
            return f"{loaded.model.name} cannot score a new visitor from their items"
        if loaded.two_stage is None:
            return scorer
        if loaded.two_stage.cannot_fold_in is not None:
            return loaded.two_stage.cannot_fold_in
        return functools.partial(scorer, context=context)

    @_arguments_named
    def similar(self, item_id: str, k: int) -> tuple[LoadedModel, int, Served]:
        """The ``k`` items most similar to ``item_id`` by the model's own similarity."""
        k = self._check_k(k)
        item_id = self.request_id(item_id, "item_id")
        slot = self.slots[0]
        loaded = self._loaded(slot)
        item_id = loaded.vocabulary_id("item", item_id)
        item = loaded.item_position(item_id)
        if item < 0:
            raise UnknownItemError(f"item {item_id!r} is not in the catalog of "
                                   f"{loaded.reference}{loaded.id_hint('item', item_id)}; "
                                   "search titles with GET /items/search")
        started = time.perf_counter()
        # no user: the chains' filters that hold for everyone (a block list) apply
        blocked = self._blocked(StageRequest(None, np.empty(0, np.int64), k, loaded))
        external = loaded.model.items_.external_ids[[item]]
        try:
            ids, scores = loaded.model.similar_items(
                external, min(k + len(blocked), loaded.n_items - 1) or 1)
        except RecstackError as error:
            raise RequestLimitError(str(error)) from None
        self._timed("retrieval", "similar", started)
        # a slot the model left empty (None: a catalog of one item has no other, an item
        # without a finite score) is no item; None reached the id lookup, whose "ids: the
        # value at position 0 is None (a missing id)" came back as a 422 of the request
        filled = np.array([i is not None for i in ids[0]], dtype=bool)
        index = loaded.model.items_.to_index(ids[0][filled], missing="ignore")
        scores = served_scores(np.asarray(scores[0]))[filled]
        if len(blocked):
            keep = ~np.isin(index, blocked)
            index, scores = index[keep], scores[keep]
        candidates = _valid(Candidates(index.astype(np.int64), scores,
                                       np.full(len(index), "similar", dtype=object)))
        served = self._served(slot, loaded, "similar", None, k, candidates, log=False)
        served.input_items = [str(loaded.item_ids[item])]  # what the list is similar to
        others = len(np.setdiff1d(blocked, [item]))
        served.shortfall = shortfall(served, loaded.n_items, [
            (1, "the item itself"), (others, f"{_items(others)} blocked")])
        return loaded, item, served

    def _user_vector(self, slot: VariantSlot, loaded: LoadedModel, user_id: str, user: int
                     ) -> tuple[np.ndarray | None, str | None]:
        """The user's query vector and where it came from (store, model), or None when
        the model is served by its own scoring or nobody knows the user."""
        if loaded.index is None or loaded.user_vectors is None:
            return None, None
        if self.store is None and self.settings.store \
                and time.monotonic() >= self._store_down_until:
            self._open_store()
        if self.store is not None and time.monotonic() >= self._store_down_until:
            from recstack.serving.embedding_store import DamagedVectorError, StoreUnavailableError

            try:
                typed = loaded.typed_user_id(user_id)
                other = _other_spelling(typed)
                # the id in the other spelling too: vectors put under "0" for a model of
                # integer ids (or under 0 for one of text ids) were never found, and the
                # model's own vectors were served without a word
                vectors, found = self.store.get("user", [typed] if other is None
                                                else [typed, other])
                self.store_error = None  # reachable again
                problem = self._store_fit(loaded, vectors.shape[1])
                if problem is None and not found[0] and len(found) > 1 and found[1]:
                    kind = "integers" if loaded.integer_users else "text"
                    problem = ("id kind", (
                        f"the store holds user {other!r} as "
                        f"{'text' if isinstance(other, str) else 'an integer'}, but "
                        f"{loaded.reference}'s user ids are {kind}: the model's own vector "
                        f"is served; put the store's user vectors with ids as {kind} (as "
                        "put_model does)"))
                elif problem is None and not found[0] and loaded.store_problem is not None \
                        and loaded.store_problem[0] == "id kind":
                    # a user the store holds in neither spelling says nothing of the ids'
                    # kind: the finding stands until a user is found as the model spells
                    # it (health said ok after the next user the store lacked)
                    problem = loaded.store_problem
                self._note_store(slot, loaded, problem)
                if problem is not None:
                    self.metrics.store_fallback.inc()
                elif found[0]:
                    return vectors[0], "store"
            except DamagedVectorError as error:
                # one damaged vector: the store answers, so only this user is served the
                # model's vector; taken for an outage, it paused the store for every user
                logger.warning("embedding store: %s", error)
                self.metrics.store_fallback.inc()
            except StoreUnavailableError as error:
                self._store_down(error)
                self.metrics.store_fallback.inc()
        elif self.store is not None or self.store_error is not None:
            self.metrics.store_fallback.inc()  # inside the retry pause: still a fallback
        if user < 0:
            return None, None
        return loaded.user_vectors[user], "model"

    def _store_down(self, error: Exception) -> None:
        """The store cannot be read: said for the whole service, not tried again for
        ``store_retry_seconds`` (each variant's fit is kept: it is judged again once the
        store can be read)."""
        self.store_error = str(error)
        self._store_down_until = time.monotonic() + self.settings.store_retry_seconds

    def _store_fit(self, loaded: LoadedModel, user_dim: int) -> tuple[str, str] | None:
        """Why the store does not fit ``loaded`` whatever the user (its user vectors of
        another dimension, ``user_dim``, 0 when it holds none; or its item vectors
        another model's), as (kind, why), or None."""
        if loaded.index is not None and user_dim not in (0, loaded.index.dim):
            # a store filled for another model: its vectors cannot be searched, and
            # serving the model's silently would hide that no nearline update is served
            # (health says degraded, the fallback is counted)
            return ("dimensions", (
                f"the store's user vectors have {user_dim} dimensions, "
                f"{loaded.reference}'s items {loaded.index.dim}: the model's own "
                "vectors are served (was the store filled for another model?)"))
        if problem := self._store_of_another_model(loaded):
            # a store filled for another model of the same dimension (the version before a
            # reload, another catalog): its user vectors live in another space, and were
            # searched in this version's items as if they were its own, without a word
            return ("another model", problem)
        return None

    def _judge_store(self, slot: VariantSlot, loaded: LoadedModel) -> None:
        """Judge whether the store fits ``loaded`` (a version being installed in ``slot``,
        or loaded at the start) before any request does, so that ``/health`` says so at
        once; nothing is read while the store is down or in its retry pause."""
        if loaded.index is None or loaded.user_vectors is None or self.store is None \
                or time.monotonic() < self._store_down_until:
            return
        from recstack.serving.embedding_store import StoreUnavailableError

        try:
            problem = self._store_fit(loaded, self.store.dim("user") or 0)
        except StoreUnavailableError as error:
            self._store_down(error)
            logger.warning("embedding store unavailable: %s", error)
            return
        except RecstackError:
            return  # a store that cannot be read so: the requests say it, as before
        self.store_error = None
        self._note_store(slot, loaded, problem)

    def _note_store(self, slot: VariantSlot, loaded: LoadedModel,
                    problem: tuple[str, str] | None) -> None:
        """Keep ``problem`` as ``loaded``'s store status, logged once per kind for this
        variant and version (it was logged again at every request of the variant)."""
        loaded.store_problem = problem
        if problem is not None and problem[0] not in loaded.store_warned:
            loaded.store_warned.add(problem[0])
            where = f" (variant {slot.name!r})" if len(self.slots) > 1 else ""
            logger.warning("embedding store%s: %s", where, problem[1])

    def _store_of_another_model(self, loaded: LoadedModel) -> str | None:
        """Why the store's vectors are not ``loaded``'s (its item vectors differ from the
        model's for the same ids), or None: they are, or the store holds none of the
        sampled items to tell by (vectors put by hand, user vectors only). A match is
        trusted for :data:`_STORE_CHECK_SECONDS`; a mismatch is checked again at the next
        request, so that a ``put_model`` of this version is served at once."""
        sample = loaded.store_sample
        if sample is None or self.store is None:
            return None
        now = time.monotonic()
        if loaded.store_check is not None and loaded.store_check[1] is None \
                and now - loaded.store_check[0] < _STORE_CHECK_SECONDS:
            return None
        from recstack.serving.embedding_store import (
            DamagedVectorError,
            encode_ids,
            other_model_items,
        )

        while True:
            try:
                problem = other_model_items(self.store, sample, f"{loaded.reference}'s")
                break
            except DamagedVectorError as error:
                # one damaged item vector says nothing of whose the others are: taken for
                # an outage, every request read the sample again and served the model's
                # vector while /health said ok, and a reload paused the store
                ids, vectors = list(sample[0]), sample[1]
                keys = encode_ids(ids)
                if error.kind != "item" or error.key not in keys:
                    raise
                drop = keys.index(error.key)
                logger.warning("%s; the item is left out of the sample compared with "
                               "%s's item vectors (the store keeps serving)", error,
                               loaded.reference)
                # left out for this version from now on, so that it is said once
                sample = (ids[:drop] + ids[drop + 1:], np.delete(vectors, drop, axis=0))
                loaded.store_sample = sample if sample[0] else None
                if not sample[0]:
                    problem = None
                    break
        if problem is not None:
            problem = (f"{problem}: the store was filled for another model (an earlier "
                       "version, or another catalog), whose user vectors mean nothing to "
                       f"{loaded.reference}'s items; the model's own vectors are served "
                       "until the store holds this version's vectors (put_model)")
        loaded.store_check = (now, problem)
        return problem

    def _popular(self, slot: VariantSlot, loaded: LoadedModel, user_id: str | None, k: int,
                 reason_label: str, reason: str, *, endpoint: str,
                 exclude: np.ndarray | None = None) -> Served:
        self.metrics.fallback.labels(reason_label).inc()
        order, scores = loaded.popular, loaded.popular_scores
        history = exclude if exclude is not None else np.empty(0, np.int64)
        # the filters of the chains (a block list above all) bind the fallback too
        blocked = self._blocked(StageRequest(user_id, history, k, loaded))
        if len(blocked):
            exclude = np.union1d(history, blocked)
        if exclude is not None and len(exclude):
            keep = ~np.isin(order[:k + len(exclude)], exclude)
            order, scores = order[:k + len(exclude)][keep], scores[:k + len(exclude)][keep]
        candidates = Candidates(order[:k].astype(np.int64), scores[:k],
                                np.full(min(k, len(order)), "popularity", dtype=object))
        served = self._served(slot, loaded, endpoint, user_id, k, candidates)
        if len(served.item_ids) < k:
            # fewer popular items than asked for: said, rather than filled with items
            # nobody interacted with in training
            left_out = (", less the user's seen and blocked items"
                        if exclude is not None and len(exclude) else "")
            if len(loaded.popular) < loaded.n_items:
                cause = (f"only {len(loaded.popular):,} of the {loaded.n_items:,} items "
                         "have training interactions")
            else:
                # every item has some: the catalog itself is shorter than k, which "only 80
                # of the 80 items have training interactions" hid behind a wrong cause
                cause = f"{loaded.reference} has {loaded.n_items:,} items"
            served.shortfall = f"{len(served.item_ids)} popular items for k={k}: {cause}" \
                               f"{left_out}"
            reason = f"{reason}; {served.shortfall}"
        served.fallback = reason
        return served

    @staticmethod
    def _blocked(request: StageRequest) -> np.ndarray:
        """The items a filter of the version's chains blocks for ``request``."""
        if not request.loaded.stages:
            return np.empty(0, np.int64)
        from recstack.serving.rerank import chain_exclusions

        return chain_exclusions(request.loaded.stages, request)

    def _timed(self, stage: str, name: str, started: float) -> None:
        """Observe a stage's time since ``started`` (``recstack_stage_seconds``)."""
        self.metrics.child(self.metrics.stage, stage, name).observe(
            time.perf_counter() - started)

    def _run_stages(self, request: StageRequest, candidates: Candidates) -> Candidates:
        """The version's chains (a reranked model's, the settings'), then the stages of
        the settings, each timed."""
        for stage in (*request.loaded.stages, *self.stages):
            started = time.perf_counter()
            candidates = stage(request, candidates)
            self.metrics.child(self.metrics.stage, stage.kind, stage.name).observe(
                time.perf_counter() - started)
        return candidates

    def _served(self, slot: VariantSlot, loaded: LoadedModel, endpoint: str,
                user_id: str | None, k: int, candidates: Candidates, *,
                vector_source: str | None = None, log: bool = True) -> Served:
        candidates = _valid(candidates)  # a stage may leave non-finite scores too
        items = candidates.items[:k]
        return Served(uuid.uuid4().hex, endpoint, user_id, slot.name, loaded.reference, k,
                      items, candidates.scores[:k], candidates.sources[:k],
                      loaded.titles[items], loaded.item_ids[items],
                      vector_source=vector_source, features=candidates.features)

    def log_request(self, served: Served) -> None:
        """Queue the request's log row (no-op without a log folder)."""
        if self.request_log is None:
            return
        self.request_log.append({
            "request_id": served.request_id, "time": datetime.now(UTC),
            "endpoint": served.endpoint, "user_id": served.user_id,
            "variant": served.variant, "model": served.model, "k": served.k,
            "input_items": served.input_items, "items": served.item_ids.tolist(),
            "positions": list(range(1, len(served.items) + 1)),
            "scores": served.scores.tolist(), "sources": served.sources.tolist(),
            "vector_source": served.vector_source, "fallback": served.fallback,
            "features": _features_json(served),
            "context": json.dumps(served.context) if served.context else None,
            "exclude_seen": served.exclude_seen, "shortfall": served.shortfall,
        })

    # ------------------------------------------------------------------ events
    @_arguments_named
    def record_events(self, events: Sequence[Any]) -> int:
        """Append events (a list of schemas.Event, or of mappings of its fields, checked by
        the rules of ``POST /events``'s body) to the event log with each user's variant and
        the version that variant serves now."""
        if self.event_log is None:
            raise NotLoggingError("this service keeps no event log; start it with "
                                  "--log-dir DIR (log_dir in the settings)")
        events = _request_events(events, self.settings.max_events)
        from recstack.serving.schemas import MAX_EVENT_AHEAD_SECONDS

        clock = time.time()
        events = [self._checked_request_reference(event, position)
                  for position, event in enumerate(events)]
        events = [event.model_copy(update={
            name: self.request_id(getattr(event, name), f"events[{position}].{name}")
            for name in ("user_id", "item_id", "session_id")
            if getattr(event, name) is not None}) for position, event in enumerate(events)]
        for position, event in enumerate(events):
            for name in ("user_id", "item_id"):
                # "café" spelt with a combining accent was logged as another user than the
                # model's "café", hashed to an arm of its own: its events left the A/B test
                if other := self._known_in_other_form(getattr(event, name)):
                    form, known = other
                    raise RequestLimitError(
                        f"events[{position}].{name}: the id {getattr(event, name)!r} is not "
                        f"known, but {known!r}, the same text in Unicode form {form}, is: "
                        "send the id as the model's data spells it",
                        field=f"events[{position}].{name}")
            # the schema's fixed bound (year 5138) lets a milliseconds time through as
            # seconds, which the online metrics then read as thousands of years
            if event.timestamp > clock + MAX_EVENT_AHEAD_SECONDS:
                raise RequestLimitError(
                    f"events[{position}].timestamp: {event.timestamp:.0f} is more than "
                    f"{MAX_EVENT_AHEAD_SECONDS} s past the server's clock ({clock:.0f}): "
                    f"{_ahead_hint(event.timestamp, clock)}",
                    field=f"events[{position}].timestamp")
        now = datetime.now(UTC)
        rows: list[Mapping[str, Any]] = []
        for event in events:
            slot = self._arm_of(event.user_id)
            rows.append({
                "time": now, "timestamp": event.timestamp, "event": event.event,
                "user_id": event.user_id, "item_id": event.item_id,
                "session_id": event.session_id or event.user_id, "variant": slot.name,
                "model": slot.loaded.reference if slot.loaded is not None else None,
                "request_id": event.request_id, "position": event.position,
                "revenue": event.revenue, "cost": event.cost,
            })
        self.event_log.extend(rows)
        return len(rows)

    @staticmethod
    def _checked_request_reference(event: Any, position: int) -> Any:
        """``event`` with its ``request_id`` (the answer the event follows, joined with the
        request log) trimmed, as every id is; an empty one, only whitespace or holding a
        control character was logged as given and joined no request."""
        if event.request_id is None:
            return event
        field, text = f"events[{position}].request_id", event.request_id.strip()
        if not text:
            raise RequestLimitError(f"{field}: {event.request_id!r} is empty or only "
                                    "whitespace; give the request_id of the answer the "
                                    "event follows, or leave it out", field=field)
        if problem := control_character(text) or invisible_character(text):
            # the service's request ids are its own hex text: an invisible character is a
            # copy's, and the event joined no request
            raise RequestLimitError(f"{field}: {text[:40]!r} is not printable text: "
                                    f"{problem}; give the request_id of the answer the "
                                    "event follows", field=field)
        return event.model_copy(update={"request_id": text})

    # ------------------------------------------------------------------ page helpers
    @_arguments_named
    def search_titles(self, text: str, limit: int) -> tuple[np.ndarray, np.ndarray]:
        """The ids and titles of the first ``limit`` items whose title (or id, for an item
        without one) contains ``text``, ignoring case, the Unicode form (a title written
        decomposed, as macOS writes file names, is found by the word typed composed) and
        invisible format characters (direction marks, zero-width spaces) on either side.

        Raises
        ------
        RequestLimitError
            Naming ``q``: the text is only whitespace (which matched every title holding
            a space) or holds a control character.
        """
        text = request_text(text, "q", what="search text")
        limit = self._check_limit(limit)
        from recstack.serving.schemas import MAX_QUERY_LENGTH

        if len(text) > MAX_QUERY_LENGTH:
            # GET /items/search refused it; from Python any length was searched for
            raise RequestLimitError(f"q: a search text of {len(text):,} characters; this "
                                    f"service takes at most {MAX_QUERY_LENGTH}", field="q")
        if not text:
            raise RequestLimitError("q: the search text is empty; give a word of a title to "
                                    "search for", field="q")
        if not text.strip():
            raise RequestLimitError(f"q: the search text {text[:40]!r} is only whitespace; "
                                    "give a word of a title to search for", field="q")
        if problem := control_character(text):
            raise RequestLimitError(f"q: the search text {text[:40]!r} is not printable "
                                    f"text: {problem}; give a word of a title", field="q")
        needle = searchable(text)
        if not needle.strip():
            # a direction mark or a zero-width space alone matched nothing, as if no
            # title held the word, where only whitespace is refused
            raise RequestLimitError(f"q: the search text {text[:40]!r} holds only invisible "
                                    "characters (direction marks, zero-width spaces); give "
                                    "a word of a title to search for", field="q")
        loaded = self._loaded(self.slots[0])
        hits = np.flatnonzero(loaded.search_text.str.contains(needle, regex=False).to_numpy())
        hits = hits[:limit]
        return loaded.item_ids[hits], loaded.titles[hits]

    @_arguments_named
    def some_users(self, limit: int) -> list[str]:
        limit = self._check_limit(limit)
        loaded = self._loaded(self.slots[0])
        return loaded.user_ids[np.flatnonzero(loaded.has_history)[:limit]].tolist()

    @_arguments_named
    def history(self, user_id: str, limit: int) -> tuple[str, np.ndarray, np.ndarray]:
        """The user's id as the model spells it, and the ids and titles of their items."""
        user_id = self.request_id(user_id, "user_id")
        limit = self._check_limit(limit)
        loaded = self._loaded(self._arm_of(user_id))
        user_id = loaded.vocabulary_id("user", user_id)
        user = loaded.user_position(user_id)
        if user < 0:
            raise UnknownUserError(f"user {user_id!r} is unknown to {loaded.reference}"
                                   f"{loaded.id_hint('user', user_id)}")
        seen = loaded.seen(user)[:limit]
        return user_id, loaded.item_ids[seen], loaded.titles[seen]

    def _variant_store(self, slot: VariantSlot) -> tuple[str, str | None]:
        """``slot``'s store status and why: "none" (no store, or a version that reads
        none: it is served by its own scoring), "unavailable" (the store cannot be
        reached), "mismatched" (reachable, but its vectors do not fit the version) or
        "ok"."""
        loaded = slot.loaded
        if not self.settings.store or loaded is None or loaded.index is None \
                or loaded.user_vectors is None:
            return "none", None
        if self.store_error is not None:
            return "unavailable", self.store_error
        if loaded.store_problem is not None:
            return "mismatched", loaded.store_problem[1]
        return "ok", None

    def health(self) -> dict[str, Any]:
        """The service's state for ``GET /health``. The store is reported for the service
        (``store``: "unavailable" while it cannot be reached, "mismatched" while it is
        reachable but does not fit a variant's version) and per variant, each variant's
        fit its own: the answer does not depend on which variant served last.
        ``loading`` lists the load running (its variants, version, start and ``seconds``
        so far) and any given up after the load timeout whose read has not returned
        (``timed_out``); empty when none runs."""
        per_variant = {slot.name: self._variant_store(slot) for slot in self.slots}
        mismatched = [(name, why) for name, (state, why) in per_variant.items()
                      if state == "mismatched"]
        store = ("none" if not self.settings.store else
                 "unavailable" if self.store_error is not None else
                 "mismatched" if mismatched else "ok")
        store_error = (None if store in ("none", "ok") else self.store_error
                       if store == "unavailable" else
                       mismatched[0][1] if len(self.slots) == 1 else
                       "; ".join(f"variant {name!r}: {why}" for name, why in mismatched))
        logs = [log for log in (self.request_log, self.event_log) if log is not None]
        log_error = "; ".join(f"{log.prefix} log: {log.last_error}" for log in logs
                              if log.last_error is not None) or None
        log = "none" if not logs else "failing" if log_error else "ok"
        start = self._start_job
        loaded = start is None and self._start_failure is None and all(
            s.loaded is not None for s in self.slots)
        # the start's own reason first, kept apart from the reload outcomes: a late
        # finish clears only its timeout text and keeps the record of a damaged version
        # the start fell back from; a late failure stays whatever a reload did
        reload_error = "; ".join(text for text in (
            self._start_failure or self._start_timeout_error, self.last_reload_error)
            if text) or None
        status = ("starting" if not loaded else
                  "degraded" if (reload_error or store in ("unavailable", "mismatched")
                                 or log == "failing") else "ok")
        # read without the reload lock: /health answers at once whatever a load does
        running = self._load_job
        loading = ([start.state()] if start is not None else []) + (
            [running.state()] if running is not None else []) + [
            job.state() for job in list(self._stalled_jobs)]
        return {
            "status": status, "last_reload_error": reload_error, "store": store,
            "loading": loading,
            "store_error": store_error,
            "log": log, "log_error": log_error,
            "variants": [{"name": s.name, "model": s.loaded.reference if s.loaded else "",
                          "share": s.share, "pinned": s.pinned,
                          "loaded_at": s.loaded.loaded_at if s.loaded else "",
                          "store": per_variant[s.name][0],
                          "store_error": per_variant[s.name][1]}
                         for s in self.slots],
        }

def preflight(settings: ServiceSettings) -> None:
    """Check, before a server starts, what would otherwise fail in its startup with a
    traceback: the registry, each variant's model name and pinned version, the items
    file and what it holds against the version to serve (which is loaded for that, as the
    start loads it), the stages' import paths.

    The checks read the registry as the start does, and are bounded as it is: checks that
    do not finish in ``load_timeout_seconds`` (a registry read that stalls) raise a
    :class:`RecstackError` saying so, and ``recstack serve`` exits with it (status 2)
    rather than start a server that could serve nothing: a supervisor restarts it, where
    a process left waiting on a stalled read waited for good. (A server started otherwise,
    whose own start stalls, answers not ready: see :meth:`Service.start_within_timeout`.)"""
    from recstack.serving.settings import check_thread_variables

    check_thread_variables()  # serve keeps them: refused before "serving ..." is printed
    failure: list[BaseException] = []
    done = threading.Event()

    def run() -> None:
        try:
            _preflight_checks(settings)
        except BaseException as error:  # raised in the caller's thread
            failure.append(error)
        done.set()

    begun = datetime.now(UTC).isoformat(timespec="seconds")
    # a thread of its own: a read that stalls cannot be interrupted, only left behind
    threading.Thread(target=run, name="recstack-preflight", daemon=True).start()
    if not done.wait(settings.load_timeout_seconds):
        raise RecstackError(
            f"{settings.registry}: the checks before the start (reading the registry and "
            f"loading the version to serve) did not finish in "
            f"{settings.load_timeout_seconds:g} s (load_timeout_seconds), begun at {begun}: "
            "a registry read that stalls (a remote store that stops answering, an NFS "
            "folder that blocks) or a model too large for the bound; no server was "
            "started: mend the registry's storage, or raise load_timeout_seconds for a "
            "model this slow to read")
    if failure:
        raise failure[0]


def _preflight_checks(settings: ServiceSettings) -> None:
    """:func:`preflight`'s checks, unbounded."""
    from recstack.serving.telemetry import ServiceMetrics

    service = Service(settings, ServiceMetrics())
    service._name_listed_slot()  # bounded by preflight's own wait
    for slot in service.slots:
        _refuse_absent(service, slot)
    loaded = [m for m in (_preflight_version(service, slot) for slot in service.slots)
              if m is not None]
    for path in settings.stages:
        load_stage(path, settings)
    if settings.log_dir is not None:
        from recstack.serving.request_log import make_log_folder

        for name in ("requests", "events"):
            make_log_folder(Path(settings.log_dir) / name)
    if settings.store:
        from recstack.serving.embedding_store import StoreUnavailableError, open_store

        try:
            with open_store(settings.store) as store:
                _note_store_dimension(store, loaded)
        except StoreUnavailableError as error:
            # down now (a server, a folder not mounted yet) is an outage: the service
            # starts and serves the model's vectors; a folder or a file that is no
            # database where the store's file belongs is a mistake no retry mends
            local = Path(str(settings.store).removeprefix("sqlite:///"))
            # (a file where a folder above it belongs is no outage either)
            if local.is_dir() or "file is not a database" in str(error) or any(
                    p.exists() and not p.is_dir() for p in local.parents):
                raise ConfigError(f"{error}; give store (--store) an SQLite file (created "
                                  "when missing) or redis://HOST:PORT/DB") from None


def _refuse_absent(service: Service, slot: VariantSlot) -> None:
    """Refuse a slot whose model name has no complete version in the registry, or whose
    pinned version is not there: no earlier version could stand in."""
    registry = service.registry
    versions = registry.versions(slot.model_name)
    if not versions:
        from recstack.specs import did_you_mean

        near = did_you_mean(slot.model_name, registry.names())
        raise ConfigError(f"{registry.root}: no model named {slot.model_name!r}{near} "
                          f"({registry.names_held()})")
    if slot.pinned and int(slot.reference.partition("@")[2]) not in versions:
        raise ConfigError(f"{registry.root}: {slot.reference} does not exist "
                          f"(versions: {versions})")


def _note_store_dimension(store: EmbeddingStore, loaded: list[LoadedModel]) -> None:
    """Say before the server starts that the store's user vectors are of another dimension
    than a version to serve searches: each request then serves the model's own vectors
    (``/health`` degraded), which was first said by the first request of a known user."""
    dim = store.dim("user")
    for model in loaded:
        if dim is not None and model.index is not None and model.user_vectors is not None \
                and dim != model.index.dim:
            logger.warning("embedding store: its user vectors have %d dimensions, %s's items "
                           "%d: the model's own vectors will be served (/health degraded) "
                           "until the store holds vectors of the model (put_model)", dim,
                           model.reference, model.index.dim)


class SettingsMismatchError(ConfigError):
    """What the service's settings give a version that loaded (the items file's ids, a
    re-ranking chain, the item table) does not fit it: a mistake of the settings, which
    every other version would meet too, so the start refuses it rather than falling back to
    an earlier version as it does for a version that does not load."""


def _prepared(version: ModelVersion, service: Service) -> LoadedModel:
    """``version`` made ready to serve with ``service``'s titles, settings and item table;
    a ConfigError in doing so is a :class:`SettingsMismatchError`."""
    try:
        return LoadedModel(version, service.titles, service.settings, service.item_table)
    except SettingsMismatchError:
        raise
    except ConfigError as error:
        raise SettingsMismatchError(str(error)) from error


def _preflight_version(service: Service, slot: VariantSlot) -> LoadedModel | None:
    """Make the version a slot would serve ready to serve, as the start does, so that what
    the settings give it (the items file's ids, of the model's id kind, a re-ranking chain)
    is refused before a server starts: it was refused in the start-up, after uvicorn's own
    lines, and as "no version loads" once every earlier version had been tried. A version
    that does not load is replaced by the newest earlier one that does, as the start
    replaces it; where none does, or a pinned one does not, it is refused here."""
    try:
        return _prepared(service.registry.load(slot.reference), service)
    except SettingsMismatchError:
        raise
    except RecstackError as error:
        if slot.pinned:
            raise
        failure = str(error)
    try:
        skip = service.registry.current(slot.model_name)
    except RecstackError:
        skip = None  # the alias itself is damaged: every version is tried
    # where no earlier version loads either, the server started, printed its lines, and
    # then failed in its start-up with "no version loads" after uvicorn's own
    return service._newest_loadable(slot, failure, skip)


def _ahead_hint(value: float, clock: float) -> str:
    """What an event time past the server's clock reads as: milliseconds only where
    ``value / 1000`` is a plausible time (4e9 is the year 2096, not milliseconds)."""
    from recstack.serving.schemas import time_unit_hint

    hint = time_unit_hint(value, clock)
    if "reads as" in hint:
        return f"{hint}; give seconds since 1970 (UTC), not milliseconds"
    return hint


def _features_json(served: Served) -> str | None:
    """The features a ranker used, as JSON: a two-stage ranker's for the served items
    (:class:`~recstack.serving.two_stage.RankerFeatures`), or what a stage left."""
    features = served.features
    if not features:
        return None
    to_json = getattr(features, "to_json", None)
    if callable(to_json):
        return str(to_json(served.items))
    return json.dumps(features)


#: the largest score an answer carries: the service's scores are float32 and JSON has no
#: infinity, so a score past float32's range (``+inf`` included) is sent as this, signed
MAX_SCORE = float(np.finfo(np.float32).max)


def served_scores(scores: Any) -> np.ndarray:
    """Scores as the service ranks and sends them: float32, where a score past float32's
    range (a model's ``+inf``, or a finite 1e39 that the cast made ``+inf``) is the finite
    stand-in ``+-MAX_SCORE``, in the place :func:`recstack.topk.top_k` gave it (``+inf``
    first), and ``-inf`` and ``NaN`` stay empty slots (:func:`_valid`). Such items were
    dropped from the answer: a list shorter than ``k`` ("had no finite score"), its best
    items missing, and a score of -1e39 dropped as an empty slot."""
    wide = np.asarray(scores)
    if wide.dtype == np.float32 and not np.isposinf(wide).any():
        return wide
    wide = wide.astype(np.float64, copy=False)
    with np.errstate(invalid="ignore"):
        return np.where(np.isneginf(wide), wide,
                        np.clip(wide, -MAX_SCORE, MAX_SCORE)).astype(np.float32)


def _valid(candidates: Candidates) -> Candidates:
    """Drop the empty slots (index -1, score -inf or NaN) a search leaves when the catalog
    runs out, so every returned item is a real one; a score past float32's range, ``+inf``
    included (a stage's too), is sent as its stand-in (:func:`served_scores`)."""
    scores = served_scores(candidates.scores)
    keep = (candidates.items >= 0) & ~np.isnan(scores) & ~np.isneginf(scores)
    if keep.all():
        return candidates if scores is candidates.scores else replace(candidates,
                                                                      scores=scores)
    return replace(candidates, items=candidates.items[keep], scores=scores[keep],
                   sources=candidates.sources[keep])


def _read_titles(path: Path) -> dict[str, str]:
    """``item_id -> title`` from a CSV or Parquet table with those two columns; an item
    whose title is missing (an empty cell, a null, text of only whitespace) has none, as an
    item the file does not list (null in every answer): the missing value was kept as NaN,
    which the history, search and similar-items answers could not encode (a 500 with a
    ResponseValidationError traceback)."""
    from recstack.serving.rerank import read_item_table

    table = read_item_table(path, columns=["title"])  # the ids by the id rule, as text
    # an empty or blank title ("", "  ", a Parquet b"") is no title either, by the one rule
    # of a missing text: answered as null (the page shows the id), where it was answered
    # as "" or "  " and shown as an empty name
    blank = np.fromiter((isinstance(t, str | bytes) and not t.strip()
                         for t in table["title"].tolist()), bool, len(table))
    present = table["title"].notna().to_numpy() & ~blank
    if not present.any():
        # every answer had null titles and the search found titles by id only, silently
        from recstack.errors import DataFormatError

        found = (f"none of its {len(table):,} items has a title" if len(table)
                 else "it has no rows, only its header")
        raise DataFormatError(f"the items file gives no titles: {found}", file=str(path),
                              expected="a row per item with its item_id and title")
    return dict(zip(table["item_id"][present],
                    _title_texts(table["title"], table["item_id"], present, path),
                    strict=True))


def _title_texts(titles: pd.Series, item_ids: pd.Series, present: np.ndarray,
                 path: Path) -> list[str]:
    """The titles as text, by the one rule of text recstack reads (:func:`request_text`):
    bytes (a Parquet ``binary`` column) are UTF-8 text, numbers their digits. Bytes that
    are not UTF-8 failed with a UnicodeDecodeError from pandas, and a list or an array
    (a column of tags given as the titles) was shown as ``[1 2]``."""
    from recstack.errors import DataFormatError

    texts = []
    rows = np.flatnonzero(present)  # the rows of the file, from 0
    for position, title, item in zip(rows.tolist(), titles.to_numpy(dtype=object)[rows].tolist(),
                                     item_ids.to_numpy(dtype=object)[rows].tolist(), strict=True):
        if isinstance(title, bytes):
            try:
                title = title.decode("utf-8")
            except UnicodeDecodeError as error:
                raise DataFormatError(
                    f"the title of item {item!r} (row {position + 1}) is bytes that are not "
                    f"UTF-8 text ({shown(title[:40])}: byte {error.start + 1} cannot be "
                    "read)", file=str(path), column="title",
                    expected="titles as UTF-8 text") from None
        elif not isinstance(title, str | numbers.Number) or isinstance(title, bool | np.bool_):
            raise DataFormatError(
                f"the title of item {item!r} (row {position + 1}) is a "
                f"{type(title).__name__}, {shown(title)[:60]}, not text", file=str(path),
                column="title", expected="one title per item, as text")
        title = str(title)
        # a NUL or an escape (a Parquet column of binary junk, a title pasted from a
        # terminal) was served as given, where the CSV reader refuses a NUL: a title is
        # printable text; tabs and line breaks (a quoted CSV cell) are whitespace
        if problem := title_problem(title):
            raise DataFormatError(
                f"the title of item {item!r} (row {position + 1}) is not printable text: "
                f"{problem} ({shown(title[:60])})", file=str(path), column="title",
                expected="titles as printable text (tabs and line breaks aside)")
        texts.append(title)
    return texts


#: the whitespace control characters a title may hold (as a space for the check)
_TITLE_WHITESPACE = str.maketrans("\t\n\r\x85\u2028\u2029", "      ")


def _refuse_titles_of_another_catalog(titles: dict[str, str], item_ids: np.ndarray,
                                      reference: str, where: str) -> None:
    """Refuse an items file naming none of the model's items: every answer would have
    only null titles and the search would find no title, without a word (a file of
    another catalog, or ids spelled otherwise: ``001`` for the item ``1``)."""
    if not titles or not len(item_ids) or any(i in titles for i in item_ids.tolist()):
        return
    theirs = ", ".join(repr(key) for key in list(titles)[:3])
    ours = ", ".join(repr(key) for key in item_ids[:3].tolist())
    raise ConfigError(f"{where}: none of its {len(titles)} titled item ids is an item of "
                      f"{reference} (the file has {theirs}, ...; the model {ours}, ...); "
                      "give the items file of the model's catalog, with its item_id "
                      "column spelled as the model's ids")


#: (items file, version) pairs whose unknown items were noted: once per process, not at
#: the check before the server starts and again when it loads the same version
_NOTED_UNKNOWN_TITLES: set[tuple[str, str]] = set()


def _note_titles_of_unknown_items(titles: dict[str, str], item_lookup: dict[str, int],
                                  reference: str, where: str) -> None:
    """Note, once, the titled items of an items file that the model does not know: they
    were ignored without a word (an items file of a newer catalog, or a few ids spelled
    otherwise), so a title never shown had no explanation."""
    unknown = [key for key in titles if key not in item_lookup]
    if not unknown or (where, reference) in _NOTED_UNKNOWN_TITLES:
        return
    _NOTED_UNKNOWN_TITLES.add((where, reference))
    one = len(unknown) == 1
    examples = ", ".join(repr(key) for key in unknown[:3]) + (", ..." if len(unknown) > 3
                                                               else "")
    logger.warning("%s: %d of its %d titled items %s of %s and %s ignored (%s)", where,
                   len(unknown), len(titles), "is not an item" if one else "are not items",
                   reference, "is" if one else "are", examples)
