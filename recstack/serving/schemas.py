"""Request and response bodies of the HTTP service (pydantic), kept apart: a request
schema says what a client may send, bounded everywhere; a response schema what it gets.

The hard caps below are what the OpenAPI schema declares; the settings may lower them
(:class:`recstack.serving.settings.ServiceSettings`), never raise them. Ids travel as
strings: a model trained on integer ids is asked with their decimal text (``"42"``).
"""

from __future__ import annotations

import datetime as _dt
import decimal
import json
import math
import numbers
from collections.abc import Mapping
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from recstack.errors import digit_count, shown_number
from recstack.metrics.online import _UNIX_TIMES_FROM as UNIX_TIMES_FROM
from recstack.serving.registry import MAX_VERSION
from recstack.strict_json import LongInteger

#: the most items one list may ask for
MAX_K = 1000
#: the most items a new visitor may post
MAX_ITEMS = 500
#: the most events one POST may carry
MAX_EVENTS = 1000
#: the longest id (user or item) in characters
MAX_ID_LENGTH = 128
#: the largest request body in bytes (answered 413 beyond it)
MAX_BODY_BYTES = 1 << 20
#: the longest title search text
MAX_QUERY_LENGTH = 200
#: the most entries one listing (``limit`` of the search, the users, a history) may ask for
MAX_LIMIT = 1000
#: the most keys a request's context may have
MAX_CONTEXT_KEYS = 32
#: the longest context key (a context column's name) in characters
MAX_CONTEXT_KEY_LENGTH = 64
#: the longest text value of a context key
MAX_CONTEXT_VALUE_LENGTH = 256
#: integers beyond this lose precision as float64 (2**53): refused in a context
MAX_CONTEXT_INTEGER = 2**53
#: how far past the server's clock an event's timestamp may be, in seconds: clocks of
#: clients drift, but an event cannot have happened tomorrow
MAX_EVENT_AHEAD_SECONDS = 86_400


def whole_number_message(low: int, high: int, given: str = "", *, meant: int | None = None,
                         hint: str = "", setting: str = "") -> str:
    """The one refusal of a bounded whole number, of a body or a query: the range (and the
    setting that sets its top, ``max_k``), what was given, and how to write the number
    meant where it is in range. ``5.5``, ``"5"``, ``true`` and ``1e3`` were each refused
    without the range (pydantic's "got a number with a fractional part"), and ``0`` or
    ``1001`` with a bound alone ("greater than or equal to 1")."""
    text = f"Input should be a whole number from {low} to {high}"
    if setting:
        text += f" (this service's {setting})"
    if given:
        text += f", not {given}"
    if meant is not None and low <= meant <= high:
        text += f"; write {meant}, without a decimal point or exponent"
    return text + hint


def whole_number_refusal(kind: str, low: int, high: int, given: str, *,
                         meant: int | None = None, hint: str = "") -> PydanticCustomError:
    """A :func:`whole_number_message` refusal whose parts stay in the error's context, so
    that the app can say it again with the service's own top (``max_k``)."""
    message = whole_number_message(low, high, given, meant=meant, hint=hint)
    # the message goes in as the template's one field: a given text holding braces would
    # otherwise be read as more fields
    return PydanticCustomError(kind, "{message}", {
        "message": message, "low": low, "high": high, "given": given,
        "meant": meant, "hint": hint})


def bound_broken(value: int, high: int) -> str:
    """pydantic's error type for a whole number out of range (which bound it broke)."""
    return "less_than_equal" if value > high else "greater_than_equal"


def _whole_number(value: object, low: int, high: int) -> object:
    # pydantic's lax int takes true and "5": refused. A whole float (5.0, 1e1) was read as
    # 5 while ?k=5.0, a version of 2.0 given to Service.reload and "version": 2.0 in
    # current.json were refused: one rule, a whole number is written plainly. Every
    # refusal states the range (bounds checked here, before pydantic's ge/le, whose own
    # words named one bound and not the other)
    if isinstance(value, bool | list | dict) or value is None:
        # [5] or {"value": 5} was pydantic's bare "Input should be a valid integer"
        raise whole_number_refusal("int_type", low, high, _kind_of(value))
    if isinstance(value, str | bytes):
        text = value.decode("latin-1") if isinstance(value, bytes) else value
        plain = text.strip()
        meant = int(plain) if plain.isascii() and plain.lstrip("-").isdigit() \
            and len(plain) <= 20 else None
        hint = "; write it without quotes" if meant is not None and low <= meant <= high \
            else ""
        raise whole_number_refusal("int_type", low, high, _kind_of(text), hint=hint)
    if isinstance(value, float):
        if not math.isfinite(value):
            # NaN or Infinity: the app says that JSON has no such number, and the range
            raise whole_number_refusal("finite_number", low, high, "")
        if not value.is_integer():
            raise whole_number_refusal("int_from_float", low, high, _kind_of(value))
        meant = int(value)
        if not low <= meant <= high:
            # 1e20 was "Unable to parse input string as an integer, exceeded maximum size"
            # (pydantic's own limit, 2**64)
            raise whole_number_refusal(bound_broken(meant, high), low, high, _kind_of(value))
        raise whole_number_refusal("int_parsing", low, high, _kind_of(value), meant=meant)
    if isinstance(value, int) and not low <= value <= high:
        raise whole_number_refusal(bound_broken(value, high), low, high, _kind_of(value))
    if not isinstance(value, numbers.Real | decimal.Decimal):
        # from Python, a datetime, a tuple or a complex number was pydantic's bare "Input
        # should be a valid integer", without the range or what was given
        raise whole_number_refusal("int_type", low, high, _kind_of(value))
    return value


def one_of(*choices: str) -> BeforeValidator:
    """The check of a field that takes one of ``choices`` (put beside its ``Literal``):
    a value that is none of them is refused naming the nearest (``"clik"``: did you mean
    'click'?) and what was sent. Pydantic's own "Input should be 'impression', 'click' or
    'purchase'" did neither, so ``"Click"`` or the number ``404`` (for ``"404"``) read as
    refused for no visible reason."""
    def check(value: object) -> object:
        if isinstance(value, str) and value in choices:
            return value
        from recstack.specs import did_you_mean

        listed = ", ".join(repr(c) for c in choices[:-1]) + f" or {choices[-1]!r}"
        hint = ""
        if isinstance(value, str):
            hint = did_you_mean(value, choices)
        elif isinstance(value, int | float) and not isinstance(value, bool) \
                and str(value) in choices:
            hint = f" (write it as text: \"{value}\")"
        raise PydanticCustomError("literal_error", "Input should be {listed}, not "
                                  "{kind}{hint}", {"listed": listed, "kind": _kind_of(value),
                                                   "hint": hint})
    return BeforeValidator(check)


def whole(low: int, high: int) -> object:
    """An integer of a JSON body in ``[low, high]``: a number written plainly (5), never
    ``5.0``, ``true`` or ``"5"``, as the query's integers (the bounds go before the
    validator: after it, the OpenAPI schema would carry pydantic's ``ge``/``le`` rather
    than JSON Schema's ``minimum``/``maximum``)."""

    def check(value: object) -> object:
        if isinstance(value, LongInteger):
            raise whole_number_refusal("int_parsing_size", low, high, "",
                                       hint=f"; {value.too_long()}")
        return _whole_number(value, low, high)

    # JSON Schema's "integer" takes 5.0 (a number whose fraction is zero), which the
    # service refuses: the published schema says so in words, as no keyword can
    return Annotated[int, Field(ge=low, le=high), BeforeValidator(check),
                     Field(json_schema_extra={"description": WHOLE_NUMBER_RULE})]


#: what the published schema says of a body's integer (beside JSON Schema's "integer")
WHOLE_NUMBER_RULE = ("a whole number written plainly, without a decimal point or exponent "
                     "(5, not 5.0 or 5e0; nor \"5\" or true)")


def _object_bounds(schema: dict[str, Any]) -> None:
    """The published bound of an object's number of keys: pydantic wrote the ``max_length``
    of a dict behind a validator as ``maxLength``, a keyword of strings that JSON Schema
    ignores on an object (so the schema set no bound on the keys of a context)."""
    if "maxLength" in schema:
        schema["maxProperties"] = schema.pop("maxLength")


#: the most digits of a number that a 422 repeats (the service's answers cut longer runs
#: of digits, :func:`recstack.serving.app._encodable`)
_DIGITS_SHOWN = 40


def number_text(value: object) -> str | None:
    """The text that a JSON number sent where text belongs (an id, a variant's name)
    stands for, as a 422 suggests it: ``20`` and ``20.0`` are ``"20"``, ``2.5`` is
    ``"2.5"``; None for anything else, and for a number whose digits cannot be given: an
    integer of more than :data:`_DIGITS_SHOWN` digits (the answer cuts such runs, and
    "1e+45 (a number of 46 digits)" read as the text to send) or a whole float from 2**53
    on (``1e40`` is not exact: its digits are not the ones the client meant)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float):
        if not math.isfinite(value) or (value.is_integer() and abs(value) >= 2**53):
            return None
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value) if digit_count(value) <= _DIGITS_SHOWN else None


#: how many characters of an over-long id a refusal repeats
_ID_SHOWN = 20


def shortened_text(text: str) -> str:
    """An over-long id (or text) as a refusal repeats it: its first characters, quoted (control
    characters escaped), and its length; never the id whole."""
    return f"{text[:_ID_SHOWN]!r}... ({len(text):,} characters)"


def id_too_long(text: str, most: int = MAX_ID_LENGTH) -> str:
    """The refusal of an id over ``most`` characters, one wording wherever the id was sent
    (a path, a body field, an item of a list; the field is named by the answer's ``loc``
    and ``message``): a body's id got pydantic's "String should have at most 128
    characters", naming neither the length given nor the id, while the same id in a path
    got the service's wording."""
    return (f"an id of {len(text):,} characters ({text[:_ID_SHOWN]!r}...); this service "
            f"takes ids of at most {most:,} characters")


def list_length_message(what: str, high: int, count: int, *, setting: str = "",
                        hint: str = "") -> str:
    """The one refusal of a list's length (a visitor's items, a POST's events), of a body or
    of a call from Python: the range (and the setting that sets its top, ``max_items``), and
    how many were given. ``[]`` and 501 items got pydantic's "List should have at least 1
    item after validation, not 0", and a list over the settings' lower top "6 items posted;
    this service takes at most 5 (max_items)": two wordings, neither with the range."""
    text = f"Input should be a list of 1 to {high:,} {what}"
    if setting:
        text += f" (this service's {setting})"
    given = "an empty list" if count == 0 else f"a list of {count:,}"
    return f"{text}, not {given}{hint if count == 0 else ''}"


def list_length_refusal(what: str, high: int, count: int, *,
                        hint: str = "") -> PydanticCustomError:
    """A :func:`list_length_message` refusal whose parts stay in the error's context, so
    that the app can say it again with the service's own top (``max_items``)."""
    return PydanticCustomError("too_short" if count == 0 else "too_long", "{message}", {
        "message": list_length_message(what, high, count, hint=hint), "what": what,
        "high": high, "count": count, "hint": hint})


#: what an empty list of a visitor's items is told to give instead
ITEMS_HINT = "; give at least one item id the visitor chose, e.g. [\"42\"]"


def shortened_key(key: str) -> str:
    """A client's key (a body field, a query parameter) as a refusal repeats it: when
    longer than any key the service takes, cut to its first characters with its length,
    as an over-long id is (:func:`shortened_text`)."""
    return key if len(key) <= _KEY_SHOWN else shortened_text(key)


#: the longest key a refusal repeats whole: a context key's cap, so that no key the
#: service takes is ever cut
_KEY_SHOWN = MAX_CONTEXT_KEY_LENGTH


def not_text_message(given: object) -> str:
    """The refusal of a value that is not text where a text field (a reload's ``variant``,
    an event's ``request_id``) takes one, as an id field words it: the text meant, in
    quotes (20.0 read as "20"), where a number has one (1e40's "1e+40 (a number of 41
    digits)" read as the text to send)."""
    text = number_text(given)
    quoted = f": {json.dumps(text)}" if text is not None else ""
    return f"Input should be text (a JSON string){quoted}, not {_kind_of(given)}"


def _id_text(value: object) -> object:
    # an id of a JSON body is text: the number 20 was "Input should be a valid string",
    # which did not say that "20" was the way to write it (nor what null or a list is)
    if isinstance(value, str):
        if len(value) > MAX_ID_LENGTH:
            # refused here, before the StringConstraints that the published schema carries
            raise PydanticCustomError("string_too_long", "{message}", {
                "message": id_too_long(value), "max_length": MAX_ID_LENGTH})
        return value
    if isinstance(value, LongInteger):
        raise PydanticCustomError("id_type", "Input should be an id written as text (a JSON "
                                  "string), not a number ({why})", {"why": value.too_long()})
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = number_text(value)
        if text is not None:
            raise PydanticCustomError(
                "id_type", "Input should be an id written as text (a JSON string): {shown}, "
                "not the number {number}", {"shown": json.dumps(text), "number": value})
        if isinstance(value, float) and math.isnan(value):
            # from Python, NaN (a missing value of a table) was told "a number beyond a
            # float's range: a number this large is not exact"
            raise PydanticCustomError(
                "id_type", "Input should be an id written as text (a JSON string), not NaN "
                "(a missing value?)", {"kind": "NaN"})
        if isinstance(value, float):
            # 1e40 was told to write "10000000000000000303786028427003666890752", digits
            # the client never sent (a float's), cut in the answer to the text
            # "1e+40 (a number of 41 digits)"
            raise PydanticCustomError(
                "id_type", "Input should be an id written as text (a JSON string), not "
                "{number}: a number this large is not exact; write the id's own digits in "
                "quotes", {"number": f"the number {value:g}" if math.isfinite(value)
                           else "a number beyond a float's range"})
        # the digits were repeated in the answer cut to "1e+45 (a number of 46 digits)",
        # which then read as the text to send
        longest = f"; an id is at most {MAX_ID_LENGTH} characters" \
            if digit_count(value) > MAX_ID_LENGTH else ""
        raise PydanticCustomError(
            "id_type", "Input should be an id written as text (a JSON string), not {kind}: "
            "write its digits in quotes{longest}",
            {"kind": _kind_of(value), "longest": longest})
    kinds = {type(None): "null", bool: "a boolean", list: "a list", dict: "an object"}
    raise PydanticCustomError("id_type", "Input should be an id written as text (a JSON "
                              "string such as \"42\"), not {kind}",
                              {"kind": kinds.get(type(value), type(value).__name__)})


# no min_length: an empty id is refused by the service's one id check
# (:meth:`recstack.serving.service.Service.request_id`), as an id of only whitespace is,
# naming the field; pydantic's "String should have at least 1 character" read otherwise
Id = Annotated[str, StringConstraints(max_length=MAX_ID_LENGTH), BeforeValidator(_id_text)]
# strict (here and for every number and flag of a body): JSON `true` is not 1 and "5" is
# not 5; a client sending them has a bug that a coerced answer would hide
def _not_a_number(value: object, what: str, example: str, *,
                  is_time: bool = False) -> None:
    """Refuse, naming what was sent, a value of a number field that is no JSON number:
    ``true``, null, a list, an object or text got pydantic's "Input should be a valid
    number", which said neither what was sent nor how to write it. ``what``: the number's
    meaning (``an amount``); ``example``: a number as it is written; ``is_time``: whether it
    is a time, which a datetime given in its place is told how to become."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return
    if isinstance(value, str):
        hint = "; write it without quotes" if _spells_a_number(value) else ""
        raise PydanticCustomError("float_type", "Input should be {what} written as a number "
                                  "(e.g. {example}), not {kind}{hint}",
                                  {"what": what, "example": example, "kind": _kind_of(value),
                                   "hint": hint})
    if isinstance(value, bool | type(None) | list | dict):
        raise PydanticCustomError("float_type", "Input should be {what} written as a number "
                                  "(e.g. {example}), not {kind}",
                                  {"what": what, "example": example, "kind": _kind_of(value)})
    if not isinstance(value, numbers.Real | decimal.Decimal):
        # from Python, a datetime, a date, bytes or a complex number fell through to
        # pydantic's bare "Input should be a valid number", naming neither what was given
        # nor what to write; a time's datetime is the usual slip, so say how to convert it
        hint = ("; give the time's seconds since 1970 (UTC), as a datetime's .timestamp() "
                "gives them" if is_time and isinstance(value, _dt.date | np.datetime64) else "")
        raise PydanticCustomError("float_type", "Input should be {what} written as a number "
                                  "(e.g. {example}), not {kind}{hint}",
                                  {"what": what, "example": example, "kind": _kind_of(value),
                                   "hint": hint})


def _spells_a_number(text: str) -> bool:
    """Whether ``text`` spells a finite number (``"4.99"``, ``" 5 "``; not ``"NaN"``)."""
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _money(value: object) -> object:
    # revenue and cost: true, null, a list or "4.99" were "Input should be a valid number"
    if isinstance(value, LongInteger):
        raise PydanticCustomError("float_parsing_size", "Input should be an amount from 0 to "
                                  "{le}; {why}", {"le": "1e12", "why": value.too_long()})
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 2**1024:
        # past float's range: the bound's comparison was a raw OverflowError
        raise PydanticCustomError("less_than_equal", "Input should be an amount from 0 to "
                                  "{le}; {given} is past the range of numbers",
                                  {"le": "1e12", "given": shown_number(value)})
    _not_a_number(value, "an amount", "4.99")
    if isinstance(value, float | np.floating) and not math.isfinite(value):
        # NaN was pydantic's "Input should be a finite number", without the range
        raise PydanticCustomError("finite_number", "Input should be a finite number: an "
                                  "amount from 0 to {le}, not {given}",
                                  {"le": "1e12", "given": non_finite_word(float(value))})
    if isinstance(value, int | float) and not isinstance(value, bool) \
            and math.isfinite(value) and not 0 <= value <= 1e12:
        # -1 was "greater than or equal to 0" and 1e13 "less than or equal to
        # 1000000000000": one bound each, and not the value
        raise PydanticCustomError("greater_than_equal" if value < 0 else "less_than_equal",
                                  "Input should be an amount from 0 to {le}, not {given}",
                                  {"le": "1e12", "given": _kind_of(value)})
    if isinstance(value, float | np.floating) and value == 0:
        # -0.0 (or -1e-400, which the reader rounds to it) passes the bound of 0 and was
        # logged as -0.0: a negative amount wherever the event log is printed
        return 0.0
    return value


#: an event's revenue or cost: a JSON number from 0 to 1e12
Money = Annotated[float, Field(ge=0, le=1e12, allow_inf_nan=False, strict=True),
                  BeforeValidator(_money)]
ContextKey = Annotated[str, StringConstraints(min_length=1, max_length=MAX_CONTEXT_KEY_LENGTH)]


def _one_context_value(value: object) -> object:
    # checked before the union below: on its own, a value none of its members takes (null,
    # a list, an object) got one error per member, each under pydantic's name for it in
    # the path (["body", "context", "device", "constrained-str"], "constrained-int"...),
    # and none saying what a context value may be
    kinds = {type(None): "null", list: "a list", dict: "an object"}
    if isinstance(value, np.generic) and not isinstance(value, np.datetime64 | np.timedelta64):
        # a caller from Python with numpy's numbers (np.int64(1), np.float32(0.5),
        # np.True_) was refused as "not int64 1": they are numbers and flags
        value = value.item()
    if isinstance(value, LongInteger):
        raise PydanticCustomError("less_than_equal", "Input should be a whole number from "
                                  "-{limit} to {limit}; {why}",
                                  {"limit": MAX_CONTEXT_INTEGER, "why": value.too_long()})
    if not isinstance(value, str | bool | int | float):
        raise PydanticCustomError(
            "context_value_type", "Input should be text, a number or a boolean (a context "
            "value), not {kind}", {"kind": kinds.get(type(value), type(value).__name__)})
    if isinstance(value, str):
        if len(value) > MAX_CONTEXT_VALUE_LENGTH:
            # pydantic's "String should have at most 256 characters" gave no length and
            # said no more of the text, where an over-long id's refusal does both
            raise PydanticCustomError("string_too_long", "{message}", {
                "message": f"a text of {len(value):,} characters ({value[:_ID_SHOWN]!r}...); "
                           f"a context value is at most {MAX_CONTEXT_VALUE_LENGTH:,} "
                           "characters", "max_length": MAX_CONTEXT_VALUE_LENGTH})
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate, which JSON's escapes allow
            raise PydanticCustomError("string_unicode", "Input should be a valid string, "
                                      "unable to parse raw data as a unicode string") from None
    elif isinstance(value, float) and not math.isfinite(value):
        raise PydanticCustomError("finite_number", "Input should be a finite number")
    elif isinstance(value, int) and not isinstance(value, bool) \
            and abs(value) > MAX_CONTEXT_INTEGER:
        raise PydanticCustomError("less_than_equal", "Input should be a whole number from "
                                  "-{limit} to {limit} (larger ones lose precision as "
                                  "numbers)", {"limit": MAX_CONTEXT_INTEGER})
    return value


#: a context value: text, a whole number, a finite number or a boolean (bool before int:
#: JSON ``true`` stays a boolean; int before float: ``3`` stays ``"3"`` as a text level)
ContextValue = Annotated[
    Annotated[str, StringConstraints(max_length=MAX_CONTEXT_VALUE_LENGTH)] | bool
    | Annotated[int, Field(ge=-MAX_CONTEXT_INTEGER, le=MAX_CONTEXT_INTEGER)]
    | Annotated[float, Field(allow_inf_nan=False)], BeforeValidator(_one_context_value)]
def _context_object(value: object) -> object:
    # a context given as text ("device=phone") or a list was "Input should be a valid
    # dictionary", which did not say what was given nor how to write it
    if isinstance(value, Mapping):
        # a key's own problems, worded here: pydantic put them at "context..[key]" (an
        # empty key) or "context.<the whole long key>.[key]" with its "String should have
        # at least 1 character", saying neither that a key was meant nor what one is
        for key in value:
            if not isinstance(key, str):
                continue
            if not key:
                raise PydanticCustomError(
                    "context_key", "Input should have no empty key: a context key is the "
                    "name of a context column of the served model, such as {example}",
                    {"example": '"device"'})
            if len(key) > MAX_CONTEXT_KEY_LENGTH:
                raise PydanticCustomError(
                    "context_key", "Input should have keys of at most {max_length} "
                    "characters (a context column's name), not the key {key} of {length} "
                    "characters", {"max_length": MAX_CONTEXT_KEY_LENGTH,
                                   "key": repr(key[:20] + "..."), "length": f"{len(key):,}"})
        return value
    if isinstance(value, LongInteger):
        return value
    raise PydanticCustomError("dict_type", "Input should be a valid dictionary, a JSON "
                              "object of column -> value such as {example}, not {kind}",
                              {"example": '{"device": "phone"}', "kind": _kind_of(value)})


Context = Annotated[dict[ContextKey, ContextValue], BeforeValidator(_context_object), Field(
    max_length=MAX_CONTEXT_KEYS, json_schema_extra=_object_bounds,
    description="the request's context for a two-stage model trained with context features "
    "(`features.context_columns`): column -> value, e.g. `{\"device\": \"phone\"}`. Keys "
    "must be context columns of a served model (422 naming the key and the accepted ones "
    "otherwise; a service whose models use no context accepts none); a column left out, "
    "or a text value never seen in training, is the feature's unknown level, as offline. "
    "Models of a variant that does not use a key ignore it.")]
#: the latest time a request or an event may give, seconds since 1970 (the year 5138)
MAX_SECONDS = 1e11


def time_unit_hint(value: float, clock: float | None = None) -> str:
    """What a time too large to be seconds since 1970 reads as: milliseconds (or micro-,
    nanoseconds) only where ``value`` divided by 1000 (a million, a billion) is a plausible
    time, from :data:`UNIX_TIMES_FROM` (1973-03-03) to a day past ``clock`` (now); else the
    year it would be, a time far in the future ("4e9 reads as milliseconds" sent the user
    dividing it into 1970)."""
    import time
    from datetime import UTC, datetime

    latest = (time.time() if clock is None else clock) + MAX_EVENT_AHEAD_SECONDS
    for scale, unit in ((1e3, "milliseconds"), (1e6, "microseconds"), (1e9, "nanoseconds")):
        if UNIX_TIMES_FROM <= value / scale <= latest:
            return f"{value:.0f} reads as {unit} (divide by {scale:.0f})"
    try:
        year = f"in the year {datetime.fromtimestamp(value, UTC).year}"
    except (OverflowError, OSError, ValueError):
        year = "after the year 9999"
    # 1e300 written out whole was 301 digits in the message
    shown = f"{value:.0f}" if abs(value) < 1e20 else f"{value:.6g}"
    return (f"{shown} is {year} (nor is it a plausible time in milliseconds, "
            "microseconds or nanoseconds); give the time in seconds since 1970 (UTC)")


def _seconds(value: object) -> object:
    # a time in milliseconds (1.8e12 today) got "Input should be less than or equal to
    # 100000000000", which did not say that the unit was wrong; the service's own check
    # (at most a day ahead of its clock) names milliseconds, but only below this bound
    if isinstance(value, LongInteger):
        raise PydanticCustomError("float_parsing_size", "Input should be seconds since 1970 "
                                  "(UTC), at most {le}; {why}",
                                  {"le": f"{MAX_SECONDS:.0f}", "why": value.too_long()})
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 2**1024:
        # past float's range (from Python: a JSON body's integer is at most 4,300 digits):
        # the bounds' comparisons were a raw OverflowError "int too large to convert"
        raise PydanticCustomError("float_parsing_size", "Input should be seconds since 1970 "
                                  "(UTC), at most {le}; {given} is past the range of numbers",
                                  {"le": f"{MAX_SECONDS:.0f}", "given": shown_number(value)})
    if isinstance(value, str):
        # an ISO 8601 time ("2026-12-03T18:44:25Z", as the online metrics' CSV takes) got
        # "Input should be a valid number", which did not say which number
        raise PydanticCustomError(
            "float_type", "Input should be a time in seconds since 1970 (UTC) written as a "
            "number (e.g. 1764595200), not the text {given}", {"given": json.dumps(value[:40])})
    # true, null, a list or an object were "Input should be a valid number", naming
    # neither what was sent nor the unit
    _not_a_number(value, "a time in seconds since 1970 (UTC)", "1764595200",
                  is_time=True)
    if isinstance(value, int | float) and not isinstance(value, bool) \
            and math.isfinite(value) and value > MAX_SECONDS:
        raise PydanticCustomError(
            "less_than_equal", "Input should be seconds since 1970 (UTC), at most {le}; "
            "{hint}", {"le": f"{MAX_SECONDS:.0f}", "hint": time_unit_hint(value)})
    return value


Seconds = Annotated[float, Field(ge=0, le=MAX_SECONDS, allow_inf_nan=False, strict=True),
                    BeforeValidator(_seconds)]


def non_finite_word(value: float) -> str:
    """NaN or an infinity as a refusal names it (JSON's own words for them)."""
    return "NaN" if math.isnan(value) else "Infinity" if value > 0 else "-Infinity"


def _from_1973(what: str, fix: str, top: str) -> object:
    """A validator of a body's time (:func:`_seconds`) that also refuses a time before the
    online metrics' first Unix time (:data:`UNIX_TIMES_FROM`, 1973-03-03): 0 or 1 is a
    placeholder for a missing time, or seconds from a start. ``what``: the time's name in
    the message; ``fix``: what to give instead. One bound for every time a request may
    carry (an event's, a request's). ``top``: the latest time, as the message says it."""

    def check(value: object) -> object:
        if isinstance(value, float | np.floating) and not math.isfinite(value):
            # NaN was "Input should be a finite number", the one refusal of a time that
            # gave no range (pydantic's, after this check)
            raise PydanticCustomError(
                "finite_number", "Input should be a finite number: {what} in seconds since "
                "1970 (UTC), from {ge} (1973-03-03) to {top}, not {given}",
                {"what": what, "ge": UNIX_TIMES_FROM, "top": top,
                 "given": non_finite_word(float(value))})
        value = _seconds(value)
        if isinstance(value, int | float) and not isinstance(value, bool) \
                and math.isfinite(value) and value < UNIX_TIMES_FROM:
            raise PydanticCustomError(
                "greater_than_equal", "Input should be {what} in seconds since 1970 (UTC), "
                "at least {ge} (1973-03-03); {given} is earlier: a placeholder (0, 1) for a "
                "missing time, or seconds from a start, {fix}",
                {"what": what, "ge": UNIX_TIMES_FROM, "given": value, "fix": fix})
        return value

    return check


# an event at 0 or 1 (a placeholder for a missing time, or seconds from a start) was
# logged, and the online metrics then refused the whole log (its epoch placeholders
# beside real times): refused here, by the metrics' own bound
_event_seconds = _from_1973("the event's time", "which the online metrics cannot place "
                            "beside real times; give the event's real time",
                            "a day past the server's clock")
# a request at 0 was served with the hour and weekday of 1 January 1970 (and logged with
# that time), where POST /events refused the same placeholder: the same bound
_request_seconds = _from_1973("the request's time", "which would give the model the hour "
                              "and weekday of 1970; leave timestamp out for the server's "
                              "clock, or give the request's real time", f"{MAX_SECONDS:.0f}")


#: an event's time: seconds since 1970 (UTC), from the online metrics' first Unix time on
EventSeconds = Annotated[float, Field(ge=UNIX_TIMES_FROM, le=MAX_SECONDS, allow_inf_nan=False,
                                      strict=True), BeforeValidator(_event_seconds)]
RequestTime = Annotated[float, Field(
    ge=UNIX_TIMES_FROM, le=MAX_SECONDS, allow_inf_nan=False, strict=True),
    BeforeValidator(_request_seconds), Field(
    description="the request's time, seconds since 1970 (UTC), from 1973-03-03 on (an "
    "earlier time is a placeholder: 422), for the hour and weekday features of a model "
    "trained with `context_time`; default: the server's clock. Refused (422) when no "
    "served model has time features.")]


def _kind_of(value: object) -> str:
    """A JSON value's kind as a message says it: ``the text "false"``, ``null``, ``a list``."""
    if isinstance(value, str):
        return f"the text {json.dumps(value[:40] + ('...' if len(value) > 40 else ''))}"
    if isinstance(value, LongInteger):
        return str(value)
    if isinstance(value, int) and not isinstance(value, bool) \
            and digit_count(value) > _DIGITS_SHOWN:
        # its first 40 digits, another number, were shown as "the number ..."
        return f"a number of {digit_count(value):,} digits"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"the number {value!r}"
    kinds = {type(None): "null", bool: "a boolean", list: "a list", dict: "an object"}
    return kinds.get(type(value), type(value).__name__)


def _flag(value: object) -> object:
    # a JSON body's flag is true or false: "false" (quoted), 0 and null were "Input should be
    # a valid boolean", which did not say what was sent nor that quotes made it text
    if isinstance(value, bool):
        return value
    hint = ("; write it without quotes" if isinstance(value, str)
            and value.strip().lower() in ("true", "false") else "")
    raise PydanticCustomError("bool_type", "Input should be true or false (a JSON boolean), "
                              "not {kind}{hint}", {"kind": _kind_of(value), "hint": hint})


#: a flag of a JSON body: ``true`` or ``false``, never ``"false"``, 0 or null
Flag = Annotated[bool, Field(strict=True), BeforeValidator(_flag)]


def _id_list(value: object) -> object:
    # a list of ids: one id ("42") where the list belongs, or null, was "Input should be a
    # valid list", which did not say how to write it
    if isinstance(value, list):
        if not 1 <= len(value) <= MAX_ITEMS:
            raise list_length_refusal("item ids", MAX_ITEMS, len(value), hint=ITEMS_HINT)
        return value
    # a number as the text it stands for (20.0 was shown as ["20.0"] and 1e40 as
    # ["1e+40"], ids the client never meant)
    text = value if isinstance(value, str) else number_text(value)
    example = json.dumps([text]) if text is not None and len(text) <= 40 else '["42"]'
    raise PydanticCustomError("list_type", "Input should be a list of ids such as {example}, "
                              "not {kind}", {"example": example, "kind": _kind_of(value)})


class Request(BaseModel):
    """A request body: a field it does not declare is refused (named with the fields it
    takes by the service's 422 answer)."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, value: Any) -> Any:
        # a body, or an event of a list of events, that is not a JSON object ("x", null, a
        # list) was "Input should be a valid dictionary or object to extract fields from",
        # which did not say what was given nor which fields the object takes
        if isinstance(value, Mapping | BaseModel):
            return value
        raise PydanticCustomError(
            "model_type", "Input should be a valid dictionary or object to extract fields "
            "from: a JSON object of the fields {fields}, not {kind}",
            {"fields": ", ".join(cls.model_fields), "kind": _kind_of(value)})


# --------------------------------------------------------------------------- requests
class NewUserRequest(Request):
    """A new visitor known only by the items they chose (cold start)."""

    items: Annotated[list[Id], BeforeValidator(_id_list)] = Field(
        min_length=1, max_length=MAX_ITEMS, description=(
            "the visitor's items; an item given more than once counts once (a history "
            "holds one row per item, as the model's training histories do); items not in "
            "the catalog are ignored and listed in the response's unknown_items"))
    # None, not 20: the service's default_k, as every other endpoint (a fixed 20 ignored
    # it, and a service with max_k below 20 refused a request that gave no k)
    k: whole(1, MAX_K) | None = Field(  # type: ignore[valid-type]
        default=None, description="list length (default: the service's default_k)")
    context: Context | None = None
    timestamp: RequestTime | None = None
    # last: the 422 answers list the fields in this order, and the earlier ones matter most
    user_id: Id | None = Field(default=None, description=(
        "who the visitor is, where the client knows them (a cookie or account id): the A/B "
        "variant is assigned by it, as for that user's other requests; a re-ranking "
        "stage's per-user rules for it apply; and it is logged as the request's user_id. "
        "Default: an anonymous visitor, served by the first variant. At most 128 "
        "characters, trimmed of surrounding whitespace"))


class UserRecommendationsRequest(Request):
    """What ``GET /users/{id}/recommendations`` asks in its query, plus the request's
    context (the body form of that endpoint)."""

    k: whole(1, MAX_K) | None = Field(  # type: ignore[valid-type]
        default=None, description="list length (default: the service's default_k)")
    exclude_seen: Flag = True
    context: Context | None = None
    timestamp: RequestTime | None = None


class Event(Request):
    """One impression, click or purchase. ``timestamp``: seconds since 1970 (UTC), from
    :data:`UNIX_TIMES_FROM` (1973-03-03, the online metrics' first Unix time: 0 or 1 is a
    placeholder) to at most :data:`MAX_EVENT_AHEAD_SECONDS` past the server's clock
    (checked by the service, as the schema can only state a fixed bound)."""

    event: Annotated[Literal["impression", "click", "purchase"],
                     one_of("impression", "click", "purchase")]
    user_id: Id
    item_id: Id
    timestamp: EventSeconds
    session_id: Id | None = None
    request_id: Annotated[str, StringConstraints(max_length=64)] | None = None
    position: whole(1, MAX_K) | None = None  # type: ignore[valid-type]
    revenue: Money = 0.0
    cost: Money = 0.0


def _event_list(value: object) -> object:
    # one event object where the list belongs, or text, null or a number, was "Input should
    # be a valid list", which did not say what was given nor how to write it (an integer too
    # long to read keeps that message, named by its length)
    if isinstance(value, list | tuple | LongInteger):
        return value
    hint = ("; one event is sent as a list of one, [{...}]" if isinstance(value, dict)
            else "")
    example = '[{"event": "click", "user_id": "7", "item_id": "42", "timestamp": 1764595200}]'
    raise PydanticCustomError(
        "list_type", "Input should be a valid list of events such as {example}, not "
        "{kind}{hint}", {"example": example, "kind": _kind_of(value), "hint": hint})


#: a list of events, as a body or a caller from Python gives it (each an :class:`Event` or
#: an object of its fields)
EventList = Annotated[list[Event], BeforeValidator(_event_list)]


def _event_count(value: object) -> object:
    if isinstance(value, list | tuple) and not 1 <= len(value) <= MAX_EVENTS:
        raise list_length_refusal("events", MAX_EVENTS, len(value))
    return value


class EventsRequest(Request):
    events: Annotated[EventList, BeforeValidator(_event_count)] = Field(
        min_length=1, max_length=MAX_EVENTS)


class ReloadRequest(Request):
    """Reload every variant (or one) from the registry; with ``version``, switch the
    variant to that version of its model (pinned until the next switch)."""

    # no min_length: an empty name is answered by the service, as an unknown one is
    variant: Annotated[str, StringConstraints(max_length=40)] | None = None
    version: whole(1, MAX_VERSION) | None = None  # type: ignore[valid-type]


# --------------------------------------------------------------------------- responses
class RecommendedItem(BaseModel):
    rank: int
    item_id: str
    title: str | None
    score: float
    source: str = Field(description="what produced the item: the retrieval (ann, exact, "
                        "model), popularity, or the last stage that reordered it")

    @field_validator("score")
    @classmethod
    def _finite(cls, value: float) -> float:
        return value if math.isfinite(value) else 0.0


class Recommendations(BaseModel):
    request_id: str
    user_id: str | None
    variant: str
    model: str = Field(description="name@version that served the request")
    items: list[RecommendedItem]
    fallback: str | None = Field(default=None, description="why the items are not the "
                                 "model's own (e.g. popularity for an unknown user)")
    unknown_items: list[str] = Field(default_factory=list,
                                     description="posted items not in the catalog (ignored)")
    shortfall: str | None = Field(default=None, description="why the list holds fewer than "
                                  "`k` items (null when it holds `k`)")
    context: dict[str, str | bool | int | float] | None = Field(
        default=None, description="the context the model's ranker was given (the request's "
        "keys it uses, and `timestamp`, the server's clock when the request gave none, for "
        "time features); null when the model uses no context")


class SimilarItems(BaseModel):
    item_id: str
    title: str | None
    model: str
    request_id: str = Field(description="the list's row in the request log (for events)")
    items: list[RecommendedItem]
    shortfall: str | None = Field(default=None, description="why the list holds fewer than "
                                  "`k` items (null when it holds `k`)")


class EventsAccepted(BaseModel):
    accepted: int


#: the embedding store's state, for the service and for each variant
StoreState = Literal["ok", "unavailable", "mismatched", "none"]


class VariantState(BaseModel):
    """One variant in ``GET /health``, with the store as its version finds it."""

    name: str
    model: str
    share: float
    pinned: bool
    loaded_at: str
    store: StoreState = Field(
        default="none", description="the embedding store for this variant's version: ok, "
        "unavailable (cannot be reached), mismatched (reachable, but filled for another "
        "model: the version's own vectors are served), or none (no store, or a version "
        "that reads none)")
    store_error: str | None = Field(
        default=None, description="why this variant's store is unavailable or mismatched; "
        "null when it is ok or none")


class LoadState(BaseModel):
    """A load running (or given up after the load timeout, its read not returned)."""

    variants: list[str]
    version: int | None = Field(description="the version asked for; null: each variant's "
                                "current one")
    since: str = Field(description="when it began (UTC, ISO 8601)")
    seconds: float = Field(description="how long it has run")
    timed_out: bool = Field(description="given up after load_timeout_seconds; its read "
                            "has not returned, and no other load of its variants starts "
                            "until it does")


class Health(BaseModel):
    """``GET /health``: ``store`` is ``unavailable`` while the store cannot be reached and
    ``mismatched`` while a variant's version does not fit it (each variant's own state in
    ``variants``); ``store_error`` names the variant when there are several."""

    status: Literal["ok", "degraded", "starting"]
    variants: list[VariantState]
    last_reload_error: str | None
    store: StoreState
    store_error: str | None = Field(
        default=None, description="why the embedding store is unavailable (cannot be "
        "opened or read) or mismatched (holds another model's vectors); null when it is "
        "ok or none")
    log: Literal["ok", "failing", "none"] = Field(
        default="none", description="the request and event logs: failing while their "
        "files cannot be written (rows wait in memory, the oldest dropped beyond a cap), "
        "none without a log folder")
    log_error: str | None = Field(
        default=None, description="why the last write of a log failed; null when the logs "
        "are ok or none")
    loading: list[LoadState] = Field(
        default_factory=list, description="the load running and any stalled one; empty "
        "when none runs. Requests are answered from the versions served meanwhile")


class Problem(BaseModel):
    """Every error answer: what was wrong and what would be right."""

    detail: str


class InvalidField(BaseModel):
    """One refused part of a request: where (``["query", "k"]``, ``["body", "events", 3,
    "item_id"]``; empty where the message names it) and why."""

    loc: list[str | int]
    msg: str


class Invalid(BaseModel):
    """Every 422 answer: ``message`` (one line, what and where), ``errors`` (each refused
    part), and ``detail`` as before (the service's text, or FastAPI's list of problems)."""

    detail: str | list[dict[str, Any]]
    message: str
    errors: list[InvalidField]


class ItemSummary(BaseModel):
    item_id: str
    title: str | None


class ItemList(BaseModel):
    items: list[ItemSummary]


class UserList(BaseModel):
    users: list[str]


class History(BaseModel):
    user_id: str
    items: list[ItemSummary]
