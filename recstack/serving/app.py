"""The HTTP service: a FastAPI app over :class:`recstack.serving.service.Service`.

:func:`create_app` builds the app for a :class:`~recstack.serving.settings.ServiceSettings`;
the model is loaded in the ``lifespan`` handler (so importing this module or building the
app does no work) and reaches the routes through a dependency. :func:`serve` runs it under
uvicorn, with several worker processes when asked (each loads the model itself; set
``poll_seconds`` so that every worker follows a publish; see ``deploy/README.md``).
Shutting down (SIGINT/SIGTERM) stops accepting connections, lets requests in flight finish
(uvicorn's graceful shutdown), then writes the logs' last rows.

Endpoints (one router per resource; the OpenAPI schema is at ``/openapi.json``, the docs
at ``/docs``):

=================================== =====================================================
``GET /users/{id}/recommendations`` top ``k`` for a known user (404 naming the
                                    cold-start endpoint for an unknown one, or popularity
                                    with the reason, per ``unknown_user``)
``POST /users/{id}/recommendations`` the same with a JSON body: ``k``, ``exclude_seen``
                                    and the request's ``context`` and ``timestamp`` (for a
                                    two-stage model with context features)
``POST /recommendations/new-user``  top ``k`` for a new visitor from posted items
                                    (unknown items ignored and listed; ``context`` and
                                    ``timestamp`` as above; ``user_id`` optional, the
                                    visitor's id: their variant, rules and log row)
``GET /items/{id}/similar``         the ``k`` most similar items
``GET /items/search?q=``            items whose title contains ``q``
``GET /users``, ``/users/{id}/history``  for the web page
``POST /events``                    impressions, clicks, purchases to the event log
``GET /health``, ``GET /ready``     liveness with details (status ``degraded`` after a
                                    failed reload, with the store down or filled for
                                    another model, each variant's store status its own,
                                    or while a log cannot be written: ``log_error``);
                                    readiness
``GET /metrics``                    Prometheus (:mod:`recstack.serving.telemetry`)
``POST /admin/reload``              reload, or switch a variant's version (bearer token)
``GET /``                           the web page
=================================== =====================================================

Every error answer is JSON ``{"detail": "..."}`` saying what was wrong: 404 unknown user or
item (or a path with a trailing slash, naming the path without it), 400 a path or query not
UTF-8 once percent-decoded, 413 body over ``max_body_bytes``,
415 a compressed body (``Content-Encoding``), 501 a body in a transfer coding other than
``chunked`` (``Transfer-Encoding: gzip, chunked``), 422 invalid or over-limit input, 401/403 admin
without or with a wrong token, 409 a reload that failed (the previous version is still
served), another load in the way of a reload past ``reload_wait_seconds``, or events
without a log folder. A reload whose own load is still running past that wait answers 202
(the load goes on; ``/health`` lists it under ``loading``). Under :func:`serve`, a request
the server's HTTP parser cannot read is answered in the same shape before it reaches the
app (:class:`ServerProtocol`): with httptools (uvicorn's parser where installed, as the
serving extra installs it), 414 a URL over :data:`MAX_URL_BYTES`, 400 a header value
holding a control character, a method HTTP does not have, a malformed Content-Length; h11,
uvicorn's other parser, reads the first three and refuses only the last (431 a head too
long).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import math
import numbers
import os
import re
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from importlib import resources
from typing import Annotated, Any, cast

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Path, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, BeforeValidator
from pydantic_core import PydanticCustomError
from starlette.convertors import PathConvertor, register_url_convertor
from starlette.exceptions import HTTPException as StarletteHTTPException

from recstack import __version__
from recstack.errors import ConfigError, RecstackError, echoed, shown
from recstack.serving import MAX_WORKERS, schemas
from recstack.serving.fast_path import ENDPOINT as FAST_ENDPOINT
from recstack.serving.fast_path import (
    ERROR_CODES,
    HEAD_SCOPE_KEY,
    answer_recommendations,
    dumps,
    field_location,
    items_body,
    problem_body,
    recommendations_body,
)
from recstack.serving.service import InvalidContextError, LoadInProgressError, Served, Service
from recstack.serving.settings import (
    SETTINGS_ENV,
    THREAD_VARIABLES,
    ServiceSettings,
    check_thread_variables,
    settings_from_env,
)
from recstack.serving.telemetry import ServiceMetrics
from recstack.specs import arguments_named
from recstack.strict_json import (
    LongInteger,
    RepeatedKeyError,
    json_integer,
    refuse_repeated_keys,
)

__all__ = ["create_app", "serve"]

logger = logging.getLogger(__name__)


class _IdConvertor(PathConvertor):
    """``:path`` (an id may hold a slash) that also matches a line break: the router's
    patterns have no DOTALL, so under ``:path`` an id holding one matched no route and
    got a bare 404 instead of the id checks every other id goes through."""

    regex = "(?s:.*)"


register_url_convertor("id", _IdConvertor())

_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": schemas.Problem}, 413: {"model": schemas.Problem},
    422: {"model": schemas.Invalid}}


#: a query integer as written plainly: ASCII digits, no '+', no leading zero (0 itself
#: aside), as the one id rule writes an integer (:data:`recstack.data.idmap.PLAIN_INTEGER`);
#: a '-' passes, for the parameter's bound to refuse with its own message
_PLAIN_QUERY_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)")
#: what a client meant as a separator of query parameters, or of several values
_SEPARATORS = {";": "';' does not separate query parameters: join them with '&' "
                    "(?k=3&exclude_seen=false)",
               "&": "'&' is part of the value here (sent as %26): separate query "
                    "parameters with a plain '&'",
               ",": "a parameter takes one value, not a list (no ',')"}


def _separator_problem(value: str) -> str | None:
    """Why ``value`` of a number or flag holds a separator (``?k=3;exclude_seen=0``: the
    query's only separator is ``&``, so ``k`` was the text ``"3;exclude_seen=0"``)."""
    return next((reason for mark, reason in _SEPARATORS.items() if mark in value), None)


def _plain_whole_number(low: int, high: int) -> Callable[[object], object]:
    """The validator of a query's integer from ``low`` to ``high`` (:func:`_whole_text`),
    which also names one of more digits than Python reads (4,300): pydantic said only
    "Unable to parse input string as an integer, exceeded maximum size". Every refusal
    states the range, as a body's integer's does (:func:`schemas.whole_number_message`):
    ``?k=0`` and ``?k=1001`` named one bound each, ``?k=5.5`` none."""

    def check(value: object) -> object:
        if isinstance(value, str) and _PLAIN_QUERY_INTEGER.fullmatch(value):
            long = json_integer(value) if len(value) > 4000 else None
            if isinstance(long, LongInteger):
                raise schemas.whole_number_refusal("int_parsing_size", low, high, "",
                                                   hint=f"; {long.too_long()}")
            number = int(value)
            if not low <= number <= high:
                raise schemas.whole_number_refusal(schemas.bound_broken(number, high), low,
                                                   high, schemas._kind_of(number))
            return value
        return _whole_text(value, low, high)

    return check


def _whole_text(value: object, low: int, high: int) -> object:
    # pydantic reads query text as Python's int() does: ?k=5_0 was a list of 50, ?k=+5,
    # ?k=05, ?k=%205 and ?k=5.0 were all 5, and ?k=3;exclude_seen=0 was refused as if it
    # were a stray '_'. One rule for every integer of a query: written plainly, as 20
    if not isinstance(value, str):
        return value
    given = shown(value[:40] + ("..." if len(value) > 40 else ""))
    reason = _separator_problem(value)
    if reason is not None:
        raise schemas.whole_number_refusal("int_parsing", low, high, given,
                                           hint=f"; one number only: {reason}")
    if "_" in value:
        raise schemas.whole_number_refusal("int_parsing", low, high, given,
                                           hint="; write it with digits only (no '_')")
    if not value:
        raise schemas.whole_number_refusal(
            "int_parsing", low, high, "an empty value",
            hint=" (the parameter has no value; give one or leave it out)")
    text = value.strip()
    if text and not any(c.isdigit() for c in text):
        # no digit at all (?limit=NaN, ?k=inf, ?k=ten, ?k=-): pydantic's "a valid integer,
        # unable to parse string as an integer" did not say what was given nor what is
        # taken, and a lone '-' was told to drop its leading zeros
        raise schemas.whole_number_refusal("int_parsing", low, high, f"the text {given}")
    digits = text.lstrip("+-").lstrip("0") or "0"
    if text == value and not text.startswith("+") \
            and not _PLAIN_QUERY_INTEGER.fullmatch(digits) and _a_number(text):
        # 5.0 or 1e3: the number meant is named when it is in range; 5.5 is no whole number
        number = float(text)
        meant = int(number) if math.isfinite(number) and number.is_integer() \
            and abs(number) <= 2**53 else None
        raise schemas.whole_number_refusal("int_parsing", low, high, given, meant=meant)
    how = ("without surrounding spaces; a '+' in a query is a space" if text != value else
           "without a '+' sign" if text.startswith("+") else
           "without leading zeros" if _PLAIN_QUERY_INTEGER.fullmatch(digits) else
           # ?k=٣ or ?k=５ (digits of another script, as a phone keyboard types them), or
           # digits beside something else (?k=0x10, ?k=5%00, ?k=10px) were "unable to
           # parse string as an integer", naming neither the character nor what is taken
           _stray_character(text))
    if how is None:
        return value  # unreachable: text without a digit is named above
    raise schemas.whole_number_refusal("int_parsing", low, high, given,
                                       hint=f"; write it plainly, {how}")


def _a_number(text: str) -> bool:
    """Whether ``text`` is a number of another form (``5.0``, ``1e3``; not ``nan``)."""
    try:
        float(text)
    except ValueError:
        return False
    return text.isascii() and any(c.isdigit() for c in text)


def _stray_character(text: str) -> str | None:
    """What keeps ``text``, which holds a digit, from being a whole number: its first
    digit of another script (Arabic-Indic ``٣``, full-width ``５``) or its first character
    that is no digit (``x`` of ``0x10``, a NUL), named with its position; None without a
    digit (text, not a number mistyped)."""
    import unicodedata

    if not any(c.isdigit() for c in text):
        return None
    # a leading '-' is a sign (the bound refuses it with its own message)
    signed = text.startswith("-")
    position, character = next((n, c) for n, c in enumerate(text[signed:], 1 + signed)
                               if not ("0" <= c <= "9"))
    name = unicodedata.name(character, f"U+{ord(character):04X}")
    if character.isdigit():
        return (f"with the ASCII digits 0-9; character {position} is {name}, a digit of "
                "another script")
    return (f"with the digits 0-9 only; character {position} is {name} "
            f"({ascii(character)})")


#: the words pydantic reads as a boolean in a query (in any letter case), true ones first
_FLAG_WORDS = frozenset({"true", "false", "1", "0", "yes", "no", "on", "off", "t", "f",
                         "y", "n"})
#: the rule of a query's boolean, stated whole: the refusal said "write true or false (or 1
#: or 0)" while ?exclude_seen=yes, TRUE and on were read as true without a word
FLAG_RULE = ("write true or false (or 1 or 0); also read, in any letter case: yes/no, "
             "on/off, t/f, y/n")


def _one_flag(value: object) -> object:
    # ?exclude_seen=0;k=3 and ?exclude_seen=nope were "unable to interpret input", saying
    # neither that ';' is no separator nor what a boolean is written as
    if isinstance(value, str) and value.lower() not in _FLAG_WORDS:
        reason = _separator_problem(value) or FLAG_RULE
        raise PydanticCustomError("bool_parsing", "Input should be one boolean; {reason}",
                                  {"reason": reason})
    return value


# no min_length (as schemas.Id): an empty id gets the service's answer, naming the field
UserId = Annotated[str, Path(max_length=schemas.MAX_ID_LENGTH)]
ItemId = Annotated[str, Path(max_length=schemas.MAX_ID_LENGTH)]
K = Annotated[int | None, Query(ge=1, le=schemas.MAX_K,
                                description="list length (default: the service's default_k)"),
              BeforeValidator(_plain_whole_number(1, schemas.MAX_K))]
Limit = Annotated[int, Query(ge=1, le=schemas.MAX_LIMIT),
                  BeforeValidator(_plain_whole_number(1, schemas.MAX_LIMIT))]
Flag = Annotated[bool, BeforeValidator(_one_flag)]
# no min_length checked here (as UserId): an empty ?q= got pydantic's "String should have
# at least 1 character", where a blank one got the service's answer naming the search
# text; the bound stays in the published schema
SearchText = Annotated[str, Query(max_length=schemas.MAX_QUERY_LENGTH,
                                  json_schema_extra={"minLength": 1})]
#: the methods counted by name in the request metrics; any other is counted as "other"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"})


# --------------------------------------------------------------------------- middleware
class _LimitsAndMetrics:
    """Pure ASGI middleware: refuse bodies over the limit (413, by Content-Length or
    while streaming), answer ``HEAD`` as ``GET`` without the body (monitors and proxies
    probe with it; FastAPI's routes would answer 405, where HTTP asks a resource that
    answers GET to answer HEAD alike) and without its side effects (a HEAD is marked in
    the scope, :data:`~recstack.serving.fast_path.HEAD_SCOPE_KEY`, so that no served list
    is logged for it), and count and time every request by its route template."""

    def __init__(self, app: Any, max_body_bytes: int, metrics: ServiceMetrics) -> None:
        self.app = app
        self.max_body = max_body_bytes
        self.metrics = metrics

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, _startup_failure_as_message(send))
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # the client names the method: any other word would make a new metric series
        method = scope["method"] if scope["method"] in _METHODS else "other"
        if scope["method"] == "HEAD":
            scope, send = ({**scope, "method": "GET", HEAD_SCOPE_KEY: True},
                           _without_body(send))
        started = time.perf_counter()
        status = {"code": 500, "sent": False}
        declared = next((v for k, v in scope["headers"] if k == b"content-length"), None)
        problem = None
        if declared is not None:
            significant = declared.lstrip(b"0")
            if not declared.isdigit():
                problem = (400, "Content-Length must be a whole number of bytes")
            elif len(significant) > 20:
                # more digits than any body could have: int() of more than 4,300 digits
                # raised ValueError (a 500), and the number is not repeated whole
                problem = (413, f"request body of a {len(significant):,}-digit number of "
                           f"bytes exceeds this service's limit of {self.max_body} bytes")
            elif int(significant or b"0") > self.max_body:  # leading zeros count to int()
                problem = (413, f"request body of {int(significant)} bytes exceeds this "
                           f"service's limit of {self.max_body} bytes")
        problem = (problem or _undecodable_url(scope) or _get_with_body(scope, declared)
                   or _unacceptable(scope))
        problem = problem or _unsupported_transfer_coding(scope["headers"])
        encoding = _content_encoding(scope["headers"])
        if problem is None and encoding is not None:
            # a gzip body was read as JSON text: "UnicodeDecodeError: ... byte 0x8b"
            problem = (415, f"Content-Encoding {_text(encoding[:40])!r} is not supported: "
                       "send the body uncompressed, without a Content-Encoding header")
        if problem is not None:
            await _send_problem(send, *problem)
            self._count(scope, method, problem[0], started)
            return
        if scope["method"] == "GET":
            answered = await answer_recommendations(scope, send)
            if answered is not None:
                self._count(scope, method, answered, started, endpoint=FAST_ENDPOINT)
                return
        received = 0
        refused = False

        async def limited_receive() -> dict[str, Any]:
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body and not refused:
                    # answered here: the app only learns that the client went away
                    refused = True
                    if not status["sent"]:
                        status["code"], status["sent"] = 413, True
                        await _send_problem(send, 413, "request body exceeds this service's "
                                            f"limit of {self.max_body} bytes")
                    return {"type": "http.disconnect"}
            return message

        async def tracked_send(message: dict[str, Any]) -> None:
            if refused:
                return
            if message["type"] == "http.response.start":
                status["code"], status["sent"] = message["status"], True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracked_send)
        except Exception:
            if not refused:
                raise
        finally:
            self._count(scope, method, status["code"], started)

    def _count(self, scope: dict[str, Any], method: str, code: int, started: float, *,
               endpoint: str | None = None) -> None:
        # the template, never the raw path: ids in paths would make a series per user
        endpoint = endpoint or _template(scope.get("route")) or "unmatched"
        self.metrics.child(self.metrics.requests, endpoint, method, str(code)).inc()
        self.metrics.child(self.metrics.latency, endpoint).observe(time.perf_counter() - started)


def _undecodable_url(scope: dict[str, Any]) -> tuple[int, str] | None:
    """A 400 for a path or query whose percent-escapes are not UTF-8 (``/users/%FF/...``):
    the server read each bad byte as U+FFFD, and the id was looked up, and answered as
    unknown, as the text ``'\ufffd'``, which no client sent."""
    from urllib.parse import unquote_to_bytes

    for part, raw in (("path", scope.get("raw_path") or b""),
                      ("query", scope.get("query_string") or b"")):
        if b"%" not in raw or (part == "query" and scope["path"] == "/"):
            # the page reads no query: a link's tracking parameters in another encoding
            continue  # are no mistake of the client's
        decoded = unquote_to_bytes(raw)
        try:
            decoded.decode("utf-8")
        except UnicodeDecodeError as error:
            return (400, f"the request's {part} is not UTF-8 text once percent-decoded "
                    f"(byte 0x{decoded[error.start]:02x} at byte {error.start + 1}); "
                    "percent-encode the UTF-8 bytes of each character, as "
                    "encodeURIComponent does")
    return None


def _get_with_body(scope: dict[str, Any], declared: bytes | None) -> tuple[int, str] | None:
    """A 400 for a ``GET`` (or ``HEAD``) that sends a body: HTTP gives a GET's body no
    meaning, and the service read none, so ``GET .../recommendations`` with ``{"k": 3}``
    was answered with the defaults (``default_k`` items, seen items excluded) as if asked
    for them. A ``Content-Length: 0`` (sent by some clients on every request) is no
    body."""
    if scope["method"] != "GET":
        return None
    chunked = any(key == b"transfer-encoding" for key, _ in scope["headers"])
    size = int(declared) if declared is not None and declared.isdigit() else 0
    if not size and not chunked:
        return None
    sent = f"{size:,} bytes" if size else "a chunked body"
    return (400, f"a GET request takes no body, and this one sends {sent} (it would be "
            "ignored, and the request answered with the defaults): give the parameters in "
            "the query string (e.g. ?k=3&exclude_seen=false), or send the JSON body with "
            "POST where the endpoint takes one (POST /users/{user_id}/recommendations)")


#: the first path segments of the JSON API (and the OpenAPI document)
_JSON_SEGMENTS = frozenset({"users", "items", "recommendations", "events", "health", "ready",
                            "admin", "openapi.json"})
#: the pages, which answer HTML
_HTML_PATHS = frozenset({"/", "/docs", "/redoc", "/docs/oauth2-redirect"})
#: the most media ranges of one Accept header read: a header of thousands of ranges is
#: no client's preference, and each would be matched
_MAX_MEDIA_RANGES = 64


def _media_type_given(path: str) -> str | None:
    """The media type ``path`` answers with, or None where it is not one fixed type (the
    static files, and paths no endpoint serves: those answer 404 as before)."""
    if path in _HTML_PATHS:
        return "text/html"
    if path == "/metrics":
        return "text/plain"
    if path.lstrip("/").split("/", 1)[0] in _JSON_SEGMENTS:
        return "application/json"
    return None


def _unacceptable(scope: dict[str, Any]) -> tuple[int, str] | None:
    """A 406 for a request whose ``Accept`` names no type the endpoint gives (HTTP's
    content negotiation, RFC 9110 section 12.5.1): ``Accept: application/xml`` was
    answered 200 with JSON, which a client that parses XML reads as a broken document
    rather than as a refusal. No Accept header, ``*/*`` and ``type/*`` accept anything
    of the type; a range with ``q=0`` refuses it. A 400 for an Accept that cannot be
    read (a q that is not a number from 0 to 1), naming the part."""
    if scope["method"] not in ("GET", "POST"):
        return None  # 405 (or 404) says more than which type the client wants
    given = _media_type_given(scope["path"])
    headers = [v for k, v in scope["headers"] if k == b"accept"]
    if given is None or not headers:
        return None
    accept = b",".join(headers).decode("latin-1")
    ranges = [part.strip() for part in accept.split(",") if part.strip()]
    if not ranges:
        return None  # an empty Accept header: clients that send one ask for nothing
    if len(ranges) > _MAX_MEDIA_RANGES:
        return (400, f"the Accept header names {len(ranges):,} media ranges; this service "
                f"reads at most {_MAX_MEDIA_RANGES}: send Accept: {given} (or */*)")
    kind = given.split("/", 1)[0]
    best: float | None = None
    best_specific = -1
    for media_range in ranges:
        name, *parameters = (piece.strip() for piece in media_range.split(";"))
        name = name.lower()
        quality = 1.0
        for parameter in parameters:
            key, _, value = parameter.partition("=")
            if key.strip().lower() != "q":
                continue
            try:
                quality = float(value.strip())
            except ValueError:
                quality = -1.0
            if not 0.0 <= quality <= 1.0:  # NaN fails both comparisons
                return (400, f"the Accept header's range {_text(media_range[:80])!r} has "
                        f"q={_text(value.strip()[:20])!r}; a q is a number from 0 to 1 "
                        "(e.g. application/json;q=0.9)")
        if name in (given, f"{kind}/*", "*/*"):
            # the most specific range decides (RFC 9110): an exact name over a wildcard
            specific = 2 if name == given else (1 if name != "*/*" else 0)
            if specific > best_specific:
                best, best_specific = quality, specific
    if best is not None and best > 0.0:
        return None
    sent = _text(accept[:120]) + ("..." if len(accept) > 120 else "")
    return (406, f"Accept {sent!r} names no type this endpoint gives: "
            f"{_text(scope['path'][:80])!r} answers {given}; send Accept: {given} (or */*, or no "
            "Accept header)")


def _content_encoding(headers: Any) -> str | None:
    """The request's Content-Encoding when it names a coding other than ``identity``
    (none of which this service decodes), else None."""
    for key, value in headers:
        if key == b"content-encoding":
            text = value.decode("latin-1").strip()
            if text and text.lower() != "identity":
                return text
    return None


#: the transfer codings whose body reaches the app as sent: the server undoes ``chunked``
#: framing, and ``identity`` (of RFC 2616) is no coding
_DECODED_TRANSFER_CODINGS = frozenset({"chunked", "identity"})


def _unsupported_transfer_coding(headers: Any) -> tuple[int, str] | None:
    """A 501 for a request whose ``Transfer-Encoding`` names a coding besides ``chunked``
    (``gzip, chunked``), which HTTP asks a server that does not decode it to answer
    (RFC 9112 section 6.1): the server undid the chunks and passed the gzip bytes on, and
    the body was refused as "not UTF-8 text", which sent the client looking for a wrong
    character set."""
    sent = [value.decode("latin-1") for key, value in headers if key == b"transfer-encoding"]
    codings = [part.split(";", 1)[0].strip().lower() for text in sent for part in text.split(",")]
    unsupported = [coding for coding in codings
                   if coding and coding not in _DECODED_TRANSFER_CODINGS]
    if not unsupported:
        return None
    shown = _text(", ".join(sent)[:80])
    return (501, f"Transfer-Encoding {shown!r} names a coding this service does not decode "
            f"({_text(', '.join(unsupported)[:40])}); send the body uncompressed, with "
            "Transfer-Encoding: chunked alone or a Content-Length")


def _template(route: Any) -> str | None:
    """A route's path as documented: ``/users/{user_id}/history``, without the ``:path``
    converter that lets an id hold a slash."""
    return getattr(route, "path_format", None) or getattr(route, "path", None)


def _startup_failure_as_message(send: Any) -> Any:
    """``send`` of the lifespan that reports a startup failed by the user's input (a
    :class:`RecstackError`: no version of the model loads, an items file of another
    catalog) as its message: Starlette sends the traceback, which uvicorn printed as the
    answer to a mistake in the registry or the settings. It still exits (status 3)."""
    async def reporting(message: dict[str, Any]) -> None:
        if message["type"] == "lifespan.startup.failed":
            error = sys.exc_info()[1]  # Starlette sends this while handling the error
            if isinstance(error, RecstackError):
                message = {**message, "message": f"recstack: error: {_text(str(error))}"}
        await send(message)
    return reporting


def _without_body(send: Any) -> Any:
    """``send`` that drops the response body (the headers, Content-Length included, stay
    those of the GET, as HTTP asks of HEAD)."""
    async def headless(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.body":
            message = {**message, "body": b""}
        await send(message)
    return headless


async def _send_problem(send: Any, code: int, detail: str) -> None:
    body = JSONResponse({"detail": _text(detail)}).body
    await send({"type": "http.response.start", "status": code,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


# --------------------------------------------------------------------------- dependencies
async def _service(request: Request) -> Service:
    # async: a plain def dependency would cost a hop to the thread pool per request
    return request.app.state.service


ServiceDep = Annotated[Service, Depends(_service)]
_bearer = HTTPBearer(auto_error=False, description="the admin_token of the settings")


async def _admin(request: Request,
           credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
           ) -> None:
    token = request.app.state.settings.admin_token
    if token is None:
        raise HTTPException(403, "the admin endpoints are disabled: start the service with "
                            "an admin token (--admin-token-file, admin_token)")
    given = request.headers.getlist("authorization")
    if len(given) > 1:
        # the first was used and the others ignored: a request holding a right and a wrong
        # token was let in or not by their order (HTTP allows one Authorization header)
        raise HTTPException(400, f"the request has {len(given)} Authorization headers; "
                            "send one: 'Authorization: Bearer TOKEN'")
    if credentials is None:
        raise HTTPException(401, f"{_authorization_problem(given[0] if given else None)}: "
                            "send the admin token as 'Authorization: Bearer TOKEN'",
                            headers={"WWW-Authenticate": "Bearer"})
    sent = credentials.credentials
    if not hmac.compare_digest(sent.encode(), token.get_secret_value().encode()):
        raise HTTPException(403, f"wrong admin token{_token_hint(sent)}")


def _authorization_problem(header: str | None) -> str:
    """What is wrong with an ``Authorization`` header that carries no bearer token, named
    without repeating the token (it may be right, sent in the wrong form)."""
    if header is None:
        return "no Authorization header"
    scheme, space, rest = header.strip().partition(" ")
    if not space or not rest.strip():
        if scheme.casefold() == "bearer":
            return "the Authorization header holds 'Bearer' and no token after it"
        if "\t" in scheme and scheme.split("\t", 1)[0].casefold() == "bearer":
            return "the Authorization header separates 'Bearer' from the token with a tab"
        return ("the Authorization header holds no scheme before the token (the word "
                "'Bearer' and a space)")
    shown = scheme if scheme.isascii() and scheme.isalpha() and len(scheme) <= 20 \
        else "another"
    return f"the Authorization header uses the scheme {shown!r}, not 'Bearer'"


def _token_hint(sent: str) -> str:
    """Why a token that is not the admin token may have been meant as it, from its form
    alone (nothing of the right token is told): quotes kept from a shell or a file, the
    scheme written twice, an escaped line break copied from a file."""
    if len(sent) >= 2 and sent[0] == sent[-1] and sent[0] in "'\"":
        return "; the token sent is in quotes: send it without them"
    if sent.casefold().startswith("bearer "):
        return "; the token sent begins with 'Bearer ' again: write the word once"
    if sent.endswith(("\\n", "\\r\\n")):
        return ("; the token sent ends with the two characters \\n (an escaped line break "
                "copied from a file): leave them out")
    return ""


async def _known_query(request: Request) -> None:
    """Refuse a query parameter the endpoint does not declare, or one given twice (422,
    as an unknown body field is): ``?kk=5`` or ``?K=5`` would otherwise be ignored and
    ``?k=3&k=500`` answered with one of the two, a list the client did not ask for. No
    endpoint takes a list in its query, so no parameter may repeat."""
    route = request.scope.get("route")
    declared = _query_names(route)
    counts: dict[str, int] = {}
    for key, _value in request.query_params.multi_items():
        counts[key] = counts.get(key, 0) + 1
    for key, value in request.query_params.multi_items():
        if not key and key not in declared:
            # ?=3 was "query parameter : Unknown query parameter", naming no parameter
            accepted = ", ".join(sorted(declared)) or "none"
            raise RequestValidationError([{
                "type": "extra_forbidden", "loc": ("query",), "input": value,
                "msg": f"a query parameter without a name ({shown('=' + value)[:60]}); "
                       f"write name=value, with a name this endpoint takes: {accepted}"}])
        if key not in declared:
            if _template(route) == FAST_ENDPOINT:
                _refuse_query_context(request.app.state.service, key)
            accepted = ", ".join(sorted(declared)) or "none"
            where = f"{request.method} {_template(route) or request.url.path}"
            raise RequestValidationError([{
                "type": "extra_forbidden", "loc": ("query", key), "input": value,
                "msg": f"Unknown query parameter of {where}; it takes: {accepted}"
                       + ("; the request's fields go in its JSON body"
                          if request.method == "POST" else "")}])
        if counts[key] > 1:
            raise RequestValidationError([{
                "type": "repeated_parameter", "loc": ("query", key),
                "input": request.query_params.getlist(key),
                "msg": f"Query parameter given {counts[key]} times; give it once"}])


def _query_names(route: Any) -> frozenset[str]:
    """The query parameters ``route`` declares, its dependencies' included (cached on the
    route: they are fixed once the app is built)."""
    names = getattr(route, "_recstack_query_names", None)
    if names is None:
        found: set[str] = set()
        pending = [getattr(route, "dependant", None)]
        while pending:
            dependant = pending.pop()
            if dependant is None:
                continue
            found.update(field.alias for field in dependant.query_params)
            pending.extend(dependant.dependencies)
        names = frozenset(found)
        if route is not None:
            route._recstack_query_names = names
    return names


def _refuse_query_context(service: Service, key: str) -> None:
    """A context column (or ``context``, ``timestamp``) in the query of ``GET
    /users/{id}/recommendations``: say where a request context goes."""
    columns, timed = service.context_keys()
    if key in columns or key in ("context", "timestamp"):
        fields = '"context": {...}' + (', "timestamp": ...' if timed else "")
        raise InvalidContextError(
            f"query parameter {key!r}: a request context goes in the JSON body of "
            f"POST /users/{{user_id}}/recommendations ({{{fields}}})", field=key)


def _render(service: Service, served: Served, request: Request | None = None) -> Response:
    """The response, built here rather than validated again by FastAPI (the declared
    response_model still documents it and the schema tests check it); the same bytes as
    :mod:`recstack.serving.fast_path` writes. The list is logged as served unless the
    ``request`` was a ``HEAD`` (a monitor's probe: nobody was shown it)."""
    if request is None or not request.scope.get(HEAD_SCOPE_KEY):
        service.log_request(served)
    return Response(dumps(recommendations_body(served)), media_type="application/json")


# --------------------------------------------------------------------------- JSON bodies
#: the scope's record of the words ``NaN``, ``Infinity``, ``-Infinity`` a JSON body held
_CONSTANTS_KEY = "recstack.json_constants"
#: the numbers of a request's JSON body past float's range (``1e400``), as written: the
#: reader makes them infinities, which every field then refused as "Input should be a
#: finite number" with the input "inf", naming neither the number sent nor why
_OVERFLOWS_KEY = "recstack.json_overflows"
#: the scope key of a body text that Python's JSON reader found nested too deeply
_DEEP_BODY_KEY = "recstack.json_deep_body"


class _StrictJSONRequest(Request):
    """A request whose JSON body may not repeat a key: JSON readers keep the last of a
    repeated key, so that ``{"k": 3, "k": 50}`` was answered with 50 items, the same silent
    choice a repeated query parameter made (refused there too); see
    :func:`~recstack.strict_json.refuse_repeated_keys`."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            words: set[str] = self.scope.setdefault(_CONSTANTS_KEY, set())

            overflows: list[str] = self.scope.setdefault(_OVERFLOWS_KEY, [])

            def constant(word: str) -> float:
                words.add(word)  # NaN, Infinity, -Infinity: see _not_json
                return float(word)

            def number(text: str) -> float:
                value = float(text)
                if not math.isfinite(value):
                    overflows.append(text)  # 1e400: see _not_json
                return value

            _check_charset(self.headers.get("content-type", ""))
            # parse_int: an integer of thousands of digits, which Python refuses to read,
            # is refused by its field, naming it (LongInteger)
            text = _utf8_body(await self.body())
            try:
                self._json = json.loads(text, object_pairs_hook=refuse_repeated_keys,
                                        parse_constant=constant, parse_int=json_integer,
                                        parse_float=number)
            except RecursionError:
                # the error handler names the field from the text; it cannot read the
                # body again (its receive channel is spent, and waiting on it hangs)
                self.scope[_DEEP_BODY_KEY] = text
                raise
        return self._json


class _BodyEncodingError(ValueError):
    """A JSON body in an encoding other than UTF-8 (answered as a 422 naming the body)."""


class _CharsetError(ValueError):
    """A JSON body whose Content-Type names a charset other than UTF-8 (a 422 naming the
    header)."""


#: charsets that are UTF-8 (US-ASCII is a part of it)
_UTF8_CHARSETS = frozenset({"utf-8", "utf8", "us-ascii", "ascii"})


def _check_charset(content_type: str) -> None:
    """Refuse a ``charset`` other than UTF-8 by the rule of the body's own bytes
    (:func:`_utf8_body`): JSON exchanged between systems is UTF-8 (RFC 8259, section 8.1).
    ``charset=utf-16`` or ``charset=iso-8859-1`` was ignored, and the body read as UTF-8
    whatever its sender meant: the same bytes read otherwise than the client wrote them
    (a Latin-1 "é" was refused naming a byte, with no word of the header that caused it)."""
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() != "charset":
            continue
        charset = value.strip().strip('"').strip()
        if charset.lower() not in _UTF8_CHARSETS:
            raise _CharsetError(f"charset={charset[:40]!r}: a JSON body is UTF-8 (RFC 8259 "
                                "section 8.1); send the body encoded as UTF-8 with "
                                "'Content-Type: application/json' (or charset=utf-8)")


def _utf8_body(body: bytes) -> str:
    """``body`` as text: JSON exchanged between systems is UTF-8 (RFC 8259, section 8.1),
    and a UTF-8 byte order mark is ignored (which the RFC allows). ``json.loads`` of bytes
    guessed UTF-16 and UTF-32 from the NUL bytes and read them, so that one client's body
    was taken in an encoding no other reader of the same API would take it in.

    Raises
    ------
    _BodyEncodingError
        The body is UTF-16 or UTF-32 text (by its byte order mark or its NUL bytes).
    UnicodeDecodeError
        Any other bytes that are not UTF-8 (answered naming the byte).
    """
    encoding = json.detect_encoding(body)
    if encoding.startswith(("utf-16", "utf-32")):
        name = encoding.upper().replace("-BE", "").replace("-LE", "")
        raise _BodyEncodingError(f"the body is {name} text, not UTF-8 (JSON exchanged between "
                                 "systems is UTF-8, RFC 8259 section 8.1); send it encoded "
                                 "as UTF-8")
    return body.decode("utf-8-sig")


class _StrictJSONRoute(APIRoute):
    """FastAPI's route, reading JSON bodies with :class:`_StrictJSONRequest` (FastAPI's
    documented way to change how a route reads its request)."""

    def get_route_handler(self) -> Any:
        handler = super().get_route_handler()

        async def strict(request: Request) -> Response:
            return await handler(_StrictJSONRequest(request.scope, request.receive))

        return strict


class _AdminRoute(_StrictJSONRoute):
    """An admin route, whose token is checked before anything of the request is read: the
    check was a dependency, which FastAPI runs after reading the body, so that a request
    without the token (or with a wrong one) whose body was not JSON, repeated a key or was
    not UTF-8, or whose query named an unknown parameter, was answered 422 describing the
    request rather than 401/403 (what a caller without the token is told first, whatever
    it sent). The dependency stays, for the published schema's security."""

    def get_route_handler(self) -> Any:
        handler = super().get_route_handler()

        async def authorised(request: Request) -> Response:
            await _admin(request, await _bearer(request))
            return await handler(request)

        return authorised


# --------------------------------------------------------------------------- routers
#: what any endpoint of the API may answer, whatever it declares (documented on each, so
#: that the published schema says what the service answers): 400 a path or query not
#: UTF-8 once percent-decoded (or a Content-Length not a number), 413 a body over the
#: limit, 415 a compressed body, 406 an Accept naming no type the endpoint gives (the
#: middleware's checks, made before routing), and 422
#: an unknown or repeated query parameter in the service's shape. /users, /health,
#: /ready and /metrics documented no 422 (or FastAPI's HTTPValidationError, a list of
#: problems, for /users) while answering the service's ``message``/``errors`` shape
_ANY_REQUEST: dict[int | str, dict[str, Any]] = {
    400: {"model": schemas.Problem}, 406: {"model": schemas.Problem},
    413: {"model": schemas.Problem}, 415: {"model": schemas.Problem},
    422: {"model": schemas.Invalid}}
users = APIRouter(prefix="/users", tags=["users"], route_class=_StrictJSONRoute,
                  responses=_ANY_REQUEST)
items = APIRouter(prefix="/items", tags=["items"], route_class=_StrictJSONRoute,
                  responses=_ANY_REQUEST)
recommendations = APIRouter(prefix="/recommendations", tags=["recommendations"],
                            route_class=_StrictJSONRoute, responses=_ANY_REQUEST)
events = APIRouter(prefix="/events", tags=["events"], route_class=_StrictJSONRoute,
                   responses=_ANY_REQUEST)
operations = APIRouter(tags=["operations"], route_class=_StrictJSONRoute,
                       responses=_ANY_REQUEST)
admin = APIRouter(prefix="/admin", tags=["admin"], dependencies=[Depends(_admin)],
                  route_class=_AdminRoute, responses=_ANY_REQUEST)
page = APIRouter(include_in_schema=False)
#: the routers of the JSON API, in the order the app includes them
_API_ROUTERS = (users, items, recommendations, events, operations, admin)


@users.get("/{user_id:id}/recommendations", response_model=schemas.Recommendations,
           responses=_ERRORS)
async def recommend_user(service: ServiceDep, user_id: UserId, request: Request,
                         k: K = None, exclude_seen: Flag = True) -> Response:
    """Top ``k`` items for a known user, seen items excluded by default, without a request
    context (``POST`` carries one: a query parameter named like a context column is
    refused, 422, rather than silently ignored, as is any other undeclared or repeated
    parameter). (Well-formed requests are answered by :mod:`recstack.serving.fast_path`
    before routing.)"""
    served = service.recommend_user(user_id, _k_within(service, k, "query"),
                                    exclude_seen=exclude_seen)
    return _render(service, served, request)


@users.post("/{user_id:id}/recommendations", response_model=schemas.Recommendations,
            responses=_ERRORS)
async def recommend_user_in_context(service: ServiceDep, user_id: UserId, request: Request,
                                    body: schemas.UserRecommendationsRequest | None = None
                                    ) -> Response:
    """Top ``k`` items for a known user as ``GET`` gives them, in the request's
    ``context`` (column -> value) at ``timestamp`` for a two-stage model trained with
    context features: the response's ``context`` says what the model was given. A key
    that no served model uses is refused (422, naming the accepted keys); a column left
    out is the unknown level. No body (or ``{}``) means the defaults; a body of JSON
    ``null`` is refused (422), as any other body that is not an object is."""
    await _refuse_null_body(body, request, '{"k": 10}')
    body = body or schemas.UserRecommendationsRequest()
    served = service.recommend_user(user_id, _k_within(service, body.k, "body"),
                                    exclude_seen=body.exclude_seen, context=body.context,
                                    timestamp=body.timestamp)
    return _render(service, served)


async def _refuse_null_body(body: Any, request: Request, example: str) -> None:
    """Refuse a body of JSON ``null`` where the body is optional: FastAPI reads it as no
    body at all, so a client whose object came out as null (an unset variable serialised)
    was served the defaults without a word (or, at ``/admin/reload``, reloaded every
    variant)."""
    if body is None and (await request.body()).strip():
        raise HTTPException(422, f"body: JSON null is not a request; send a JSON object "
                            f"such as {example} (or {{}}, or no body, for the defaults)")


@users.get("", response_model=schemas.UserList)
async def list_users(service: ServiceDep, limit: Limit = 50) -> dict[str, Any]:
    """Some users the model knows (for the page's picker)."""
    return {"users": service.some_users(limit)}


@users.get("/{user_id:id}/history", response_model=schemas.History, responses=_ERRORS)
async def user_history(service: ServiceDep, user_id: UserId, limit: Limit = 50
                       ) -> dict[str, Any]:
    """The items the model saw the user interact with."""
    known_as, ids, titles = service.history(user_id, limit)
    return {"user_id": known_as,
            "items": [{"item_id": i, "title": t}
                                          for i, t in zip(ids, titles, strict=True)]}


@recommendations.post("/new-user", response_model=schemas.Recommendations,
                      responses=_ERRORS)
async def recommend_new_user(service: ServiceDep, body: schemas.NewUserRequest
                             ) -> Response:
    """Top ``k`` for a new visitor from the items they chose (cold start); items not in
    the catalog are ignored and listed in ``unknown_items``. ``user_id``, where the client
    knows the visitor, assigns their variant and is logged, as from Python."""
    _list_within(service, body.items, "items")
    return _render(service, service.recommend_new(
        body.items, _k_within(service, body.k, "body"), user_id=body.user_id,
        context=body.context, timestamp=body.timestamp))


@items.get("/search", response_model=schemas.ItemList, responses=_ERRORS)
async def search_items(service: ServiceDep,
                       q: SearchText,
                       limit: Limit = 20) -> dict[str, Any]:
    """Items whose title (or id, without titles) contains ``q``, ignoring case."""
    ids, titles = service.search_titles(q, limit)
    return {"items": [{"item_id": i, "title": t} for i, t in zip(ids, titles, strict=True)]}


@items.get("/{item_id:id}/similar", response_model=schemas.SimilarItems, responses=_ERRORS)
async def similar_items(service: ServiceDep, item_id: ItemId, request: Request,
                        k: K = None) -> dict[str, Any]:
    """The ``k`` items most similar to ``item_id`` (the model's own similarity), logged as
    the recommendations are (endpoint ``similar``, the item as its ``input_items``)."""
    loaded, item, served = service.similar(item_id, _k_within(service, k, "query"))
    if not request.scope.get(HEAD_SCOPE_KEY):  # a monitor's HEAD: nobody was shown it
        service.log_request(served)
    return {"item_id": loaded.item_ids[item], "title": loaded.titles[item],
            "model": served.model, "request_id": served.request_id,
            "items": items_body(served), "shortfall": served.shortfall}


@events.post("", response_model=schemas.EventsAccepted, status_code=202,
             responses={**_ERRORS, 409: {"model": schemas.Problem}})
async def post_events(service: ServiceDep, body: schemas.EventsRequest) -> dict[str, Any]:
    """Append impressions, clicks and purchases to the event log (with each user's
    variant)."""
    _list_within(service, body.events, "events")
    return {"accepted": service.record_events(body.events)}


@operations.get("/health", response_model=schemas.Health)
async def health(service: ServiceDep) -> dict[str, Any]:
    """Liveness and details: ``degraded`` after a failed reload (the previous version
    is served), while the embedding store is unreachable or filled for another model than
    a variant serves (``store_error``, and each variant's ``store`` and ``store_error``:
    the same answer whichever variant served last) or while the request or event log
    cannot be written (``log_error``; its rows wait in memory up to a cap, then the oldest
    are dropped)."""
    return service.health()


@operations.get("/ready", responses={503: {"model": schemas.Problem}})
async def ready(service: ServiceDep) -> dict[str, Any]:
    """200 once every variant has a model loaded (while a reload loads too: requests are
    answered from the versions served; ``loading`` lists the load, as /health does).
    503 until then, saying why: a start past ``load_timeout_seconds`` (a registry read
    that stalls) or one that failed after it."""
    state = service.health()
    if state["status"] == "starting":
        # past the load timeout, or failed after it: why, with what it was waiting for
        why = state["last_reload_error"]
        loading = state["loading"][0] if state["loading"] else None
        raise HTTPException(503, why or "the model is still loading" + (
            f" (since {loading['since']}, {loading['seconds']:.1f} s)" if loading else ""))
    return {"ready": True, "models": [v["model"] for v in state["variants"]],
            "loading": state["loading"]}


@operations.get("/metrics", response_class=Response)
async def metrics(request: Request) -> Response:
    """Prometheus text format."""
    return Response(request.app.state.metrics.render(),
                    media_type="text/plain; version=0.0.4; charset=utf-8")


@admin.post("/reload", responses={202: {"description": "the load asked for is still "
                                        "running after reload_wait_seconds and goes on: "
                                        "detail, the models served meanwhile and loading"},
                                  401: {"model": schemas.Problem},
                                  403: {"model": schemas.Problem},
                                  # a failed load, or another load in the way past the wait
                                  409: {"model": schemas.Problem},
                                  # no such variant, or no such version of its model
                                  422: {"model": schemas.Invalid}})
async def reload(service: ServiceDep, request: Request,
                 body: schemas.ReloadRequest | None = None) -> Any:
    """Reload each variant's current version from the registry, or switch ``variant`` to
    ``version``. A version that fails to load changes nothing (409); a body of JSON
    ``null`` is refused (422), as any other body that is not an object is. The answer
    waits for the load at most ``reload_wait_seconds``: past it, 202 while the load asked
    for goes on (GET /health lists it), 409 while another load is in the way."""
    await _refuse_null_body(body, request, '{"variant": "control", "version": 3}')
    body = body or schemas.ReloadRequest()
    # counted as the request arrives: ten at once each waited for a worker thread, and a
    # count read there found the first one's load finished, and loaded again
    asked_after = service.reloads_finished
    try:
        served = await asyncio.to_thread(service.reload_since, asked_after, body.variant,
                                         body.version,
                                         wait_seconds=service.reload_wait_seconds)
    except LoadInProgressError as error:
        if not error.own:
            raise
        return JSONResponse({"detail": _text(str(error)), "models": error.models,
                             "loading": error.loading}, status_code=202)
    limit_threads(service.settings.compute_threads)  # a new model may bring a new library
    return {"models": served}


@page.get("/", response_class=HTMLResponse)
async def index() -> HTMLResponse:
    return HTMLResponse(_static().joinpath("index.html").read_text(encoding="utf-8"))


def _static() -> Any:
    return resources.files("recstack.serving").joinpath("static")


# --------------------------------------------------------------------------- the app
@arguments_named
def create_app(settings: ServiceSettings) -> FastAPI:
    """The app for ``settings``; its model loads when the app starts (lifespan)."""
    metrics = ServiceMetrics()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # bounded by load_timeout_seconds, the listing of the model names that finds the
        # model when none is named too (and off the event loop): a registry read that
        # stalls held the start, so the server never answered at all, not even /health;
        # past the bound it answers not ready, and /health and /ready say why (the start
        # goes on, and serves if its read returns)
        service = await asyncio.to_thread(Service, settings, metrics)
        started = await asyncio.to_thread(service.start_within_timeout)
        limit_threads(settings.compute_threads)
        app.state.service = service
        tasks = [asyncio.create_task(_poll(service, settings.poll_seconds))
                 if settings.poll_seconds else None,
                 None if started else asyncio.create_task(_once_started(service))]
        try:
            yield
        finally:
            for task in tasks:
                if task is not None:
                    task.cancel()
            try:
                await asyncio.to_thread(service.close)
            except RecstackError as error:
                # rows the logs could not write at shutdown: one line in the server's log
                # (the rows and the file named), not a traceback of a failed shutdown
                logger.error("%s", error)

    # no redirect of a path with a trailing slash: a 404 naming the path without it
    # (_no_route), as every other refusal is JSON saying what to send instead
    app = FastAPI(title="recstack", version=__version__, lifespan=lifespan,
                  description="Recommendations from a recstack model registry.",
                  redirect_slashes=False)
    app.state.settings = settings
    app.state.metrics = metrics
    for router in _API_ROUTERS:
        app.include_router(router, dependencies=[Depends(_known_query)])
    app.include_router(page)  # the page takes what links add (?utm_source=...)
    app.mount("/static", StaticFiles(directory=str(_static())), name="static")
    for error, code in ERROR_CODES:
        app.add_exception_handler(error, _problem(code))
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(StarletteHTTPException, _unreadable_body)
    app.add_middleware(_LimitsAndMetrics, max_body_bytes=settings.max_body_bytes,
                       metrics=metrics)
    return app


def _problem(code: int) -> Any:
    async def handler(request: Request, error: Exception) -> JSONResponse:
        field = getattr(error, "field", None)
        loc = field_location(field, path=request.path_params.keys(),
                             query=request.query_params.keys(),
                             body=request.method not in ("GET", "HEAD")) if field else None
        return JSONResponse(problem_body(_text(str(error)), code, loc), status_code=code)
    return handler


async def _invalid(request: Request, error: Exception) -> JSONResponse:
    """FastAPI's 422 answer, whose errors repeat the input, made encodable: a number out
    of float range (``1e999`` in a JSON body parses as infinity) is written as text, and
    text that UTF-8 cannot carry (a lone surrogate such as ``"\\ud800"``, which JSON's
    escapes allow) is written with backslash escapes; FastAPI's own handler fails to
    encode either and answers 500. A body FastAPI did not read as JSON because of its
    Content-Type (``text/plain``, ``text/json``, a form) says so, rather than that the
    text "should be a valid dictionary". So does a body sent without a Content-Type
    (FastAPI reads it as text too: ``curl --data-binary`` without ``-H``). A field given
    ``NaN`` or ``Infinity`` is told that JSON has no such number (:func:`_not_json`)."""
    raw = cast(RequestValidationError, error).errors()
    words = request.scope.get(_CONSTANTS_KEY) or set()
    overflows = request.scope.get(_OVERFLOWS_KEY) or []
    for problem in raw:
        _json_syntax(problem, getattr(error, "body", None))
        _k_over_setting(problem, request.app.state.settings.max_k)
        _list_over_setting(problem, request.app.state.settings)
        _not_json(problem, words, overflows,
                  instead=_what_instead(request, problem.get("loc") or ()))
        if isinstance(problem.get("input"), LongInteger):
            _too_long(problem)
        _text_over_cap(problem, request.app.state.settings.max_id_length)
        _lone_surrogate(problem, getattr(error, "body", None))
        _not_text(problem)
        # cut before encoding: jsonable_encoder and _encodable recurse once a level, and an
        # input nested 800 deep (which Python's JSON reader takes) was a RecursionError, 500
        if "input" in problem:
            problem["input"] = _brief(problem["input"])
        problem["loc"] = tuple(_brief_key(part) for part in problem.get("loc") or ())
    # one inside an input repeated whole (an object, a list) is written by its length too
    errors = jsonable_encoder(raw, custom_encoder={LongInteger: str})
    content_type = request.headers.get("content-type")
    for problem in errors:
        if problem.get("loc") == ["body"] and isinstance(problem.get("input"), str) \
                and (content_type is None or not _read_as_json(content_type)):
            got = ("no Content-Type header" if content_type is None
                   else repr(content_type[:100]))
            problem["msg"] = ("the body must be a JSON object sent with 'Content-Type: "
                              f"application/json' (got {got})")
        if problem.get("loc") == ["body"] and problem.get("type") == "missing":
            problem["msg"] = _missing_body(request) or problem["msg"]
        if problem.get("type") == "extra_forbidden" and problem.get("loc", [""])[0] == "body":
            problem["msg"] = _unknown_body_field(request, problem["loc"]) or problem["msg"]
    return JSONResponse(problem_body(_encodable(errors), 422), status_code=422)


#: what Python's JSON reader's reasons mean, in a client's words
_JSON_REASONS = {
    "Expecting value": "a value was expected (a number, text in double quotes, true, "
                       "false, null, a list or an object)",
    "Expecting property name enclosed in double quotes":
        "a key in double quotes was expected (JSON has no single quotes, and no comma "
        "after an object's last entry)",
    "Extra data": "more follows the end of the JSON value (a body is one JSON object)",
    "Unterminated string starting at": "text opened with a double quote here is never "
                                       "closed",
    "Expecting ':' delimiter": "a ':' was expected between a key and its value",
    "Expecting ',' delimiter": "a ',' was expected between two entries (or the closing "
                               "bracket or brace)",
    "Invalid control character at": "a control character (a line break, a tab) inside "
                                    "text; escape it (\\n, \\t)",
}


def _json_syntax(problem: dict[str, Any], body: Any) -> None:
    """A body that is not JSON (cut short, a trailing comma, two objects, single quotes)
    was answered "body at character 11: JSON decode error", with the reason only in the
    answer's ``ctx``: the message now says what was wrong there in words, and where the
    text simply ends, that it was cut short; a body of several lines also gets the line
    and column. ``body``: the text FastAPI read (its RequestValidationError's ``body``)."""
    loc: Any = problem.get("loc") or ()
    reason = (problem.get("ctx") or {}).get("error")
    if problem.get("type") != "json_invalid" or not isinstance(reason, str) \
            or len(loc) != 2 or not isinstance(loc[1], int):
        return
    position = loc[1]
    words = _JSON_REASONS.get(reason, reason)
    if isinstance(body, str):
        if reason != "Extra data" and (not body[position:].strip()
                                       or reason.startswith("Unterminated string")):
            words = f"the JSON ends before it is complete (a body cut short?): {words}"
        if "\n" in body:
            line = body.count("\n", 0, position) + 1
            words += f" (line {line}, column {position - body.rfind(chr(10), 0, position)})"
    problem["msg"] = f"JSON decode error: {words}"
    if isinstance(body, str):
        field = _json_field_at(body, position)
        if field:
            # in ctx (and so in message) rather than in loc: loc stays FastAPI's ["body",
            # character], which clients of the syntax refusal already read
            problem.setdefault("ctx", {})["field"] = field


_JSON_STRUCTURE = re.compile(r'["{}\[\]:,]')
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)


def _json_field_at(text: str, position: int, *, deeper_than: int | None = None
                   ) -> str | None:
    """The body field whose value holds character ``position`` of JSON ``text``, as a
    422 names a field (``events[0].item_id``), or None where the position is in the
    body's own structure (a missing ``:``, a key not quoted, text after the object).

    A body that could not be read was refused "at character 64" alone, so that the
    client of a 2,000-event batch with one ``"item_id": True`` had to count characters to
    find the event. The path ends at its last key: an index after it would name the
    entry before a missing comma, or one of thousands of levels of nesting. With
    ``deeper_than``, the field is the first whose value nests more levels than that."""
    frames: list[list[Any]] = []  # [is_object, key or index, in the value of the key]
    end = min(position, len(text))
    # by regular expression from one structural character to the next, not a Python loop
    # per character: a megabyte body refused at its end is read in milliseconds
    found = _JSON_STRUCTURE.search(text, 0, end)
    while found is not None:
        character, index = found.group(), found.start()
        if character == '"':
            string = _JSON_STRING.match(text, index)
            if string is None or string.end() > end:
                break  # the position is inside this text: a key or a value being read
            if frames and frames[-1][0] and not frames[-1][2]:
                try:
                    frames[-1][1] = json.loads(string.group())
                except ValueError:
                    frames[-1][1] = string.group()[1:-1]
            found = _JSON_STRUCTURE.search(text, string.end(), end)
            continue
        if character in "{[":
            frames.append([character == "{", None if character == "{" else 0,
                           character == "["])
            if deeper_than is not None and len(frames) > deeper_than:
                break
        elif character in "}]" and frames:
            frames.pop()
        elif character == ":" and frames and frames[-1][0]:
            frames[-1][2] = True
        elif character == "," and frames:
            frames[-1][1:] = [None, False] if frames[-1][0] else [frames[-1][1] + 1, True]
        found = _JSON_STRUCTURE.search(text, index + 1, end)
    path = ""
    named = ""
    for is_object, place, in_value in frames:
        if is_object and not (in_value and isinstance(place, str)):
            break
        if is_object:
            path += f".{schemas.shortened_key(place)}" if path else str(
                schemas.shortened_key(place))
            named = path
        else:
            path += f"[{place}]"
    return named or None


def _model_in(annotation: Any) -> Any:
    """The request model (a pydantic model) inside ``Optional[...]``, ``list[...]`` or
    ``Annotated[...]``, or None."""
    import typing

    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for inner in typing.get_args(annotation):
        if (found := _model_in(inner)) is not None:
            return found
    return None


def _body_model(request: Request) -> Any:
    """The request model the route of ``request`` reads its JSON body as, or None."""
    return _route_body_model(request.scope.get("route"))


def _missing_body(request: Request) -> str | None:
    """What a route that needs a JSON body says when none came: pydantic's "Field
    required" (``body: Field required``) named neither what to send nor how."""
    model = _body_model(request)
    if model is None:
        return None
    fields = list(model.model_fields)
    needed = [name for name, field in model.model_fields.items() if field.is_required()]
    route = _template(request.scope.get("route")) or request.url.path
    return (f"none was sent; {request.method} {route} takes a JSON object of the fields "
            f"{', '.join(fields)} ({', '.join(needed)} required), sent with 'Content-Type: "
            "application/json'")


def _unknown_body_field(request: Request, loc: list[Any]) -> str | None:
    """A field of a JSON body that its object does not take, said as an unknown query
    parameter is: with the nearest field's name and the fields it takes. It was pydantic's
    "Extra inputs are not permitted" alone, so ``{"item": [...]}`` for ``items`` (or an
    event's ``"evnt"``) named no field to write instead."""
    from recstack.specs import did_you_mean

    route = request.scope.get("route")
    model: type[BaseModel] | None = _body_model(request)
    for key in loc[1:-1]:
        if model is None:
            return None
        if not isinstance(key, int):
            field = model.model_fields.get(str(key))
            model = _model_in(field.annotation) if field is not None else None
    if model is None:
        return None
    fields = list(model.model_fields)
    where = (f"the body of {request.method} {_template(route) or request.url.path}"
             if len(loc) == 2 else "".join(f"[{k}]" if isinstance(k, int) else f".{k}"
                                          for k in loc[1:-1]).lstrip("."))
    near = did_you_mean(str(loc[-1]), fields)
    elsewhere = "" if near or len(loc) != 2 else _field_elsewhere(request, str(loc[-1]))
    return f"Unknown field of {where}{near}; it takes: {', '.join(fields)}{elsewhere}"


#: body fields that name a visitor's items (a history sent with a user's request)
_HISTORY_WORDS = ("item", "histor")


def _field_elsewhere(request: Request, field: str) -> str:
    """Where an unknown top-level body field belongs, when another route's body takes it
    (or, for a history posted with a user's request, the route that takes a visitor's
    items): ``{"items": [...]}`` sent to ``POST /users/{id}/recommendations`` for a user
    the model does not know, with the items they chose, was told only the fields of that
    body, and the cold-start route that ranks posted items went unnamed."""
    here = (request.method, _template(request.scope.get("route")))
    if field in request.path_params:
        # {"user_id": ...} posted to a user's route: the visitor's route takes a user_id in
        # its body, but this one reads the id from its path (a body's would be a second id)
        return f"; {field} is given in the path here: {here[0]} {here[1]}"
    history = any(word in field.lower() for word in _HISTORY_WORDS)
    takers: list[tuple[str, str, str]] = []
    # the admin routes are not offered for a field of the public ones
    for other in (r for router in _API_ROUTERS if router is not admin
                  for r in router.routes):
        methods, path = sorted(getattr(other, "methods", None) or ()), _template(other)
        model = _route_body_model(other)
        if model is None or path is None:
            continue
        named = field if field in model.model_fields else \
            "items" if history and "items" in model.model_fields else ""
        takers += [(method, path, named) for method in methods if named]
    if (mine := next((t for t in takers if t[:2] == here), None)) is not None:
        return f"; a visitor's items (their history) go in {mine[2]!r}"
    if not takers:
        return ""
    method, path, named = takers[0]
    if named != "items":
        return f"; {field!r} is a field of {method} {path}"
    return (f"; a visitor's items (a history the model has not seen) are posted as "
            f"{named!r} to {method} {path}")


def _route_body_model(route: Any) -> Any:
    """The request model a route reads its JSON body as, or None (:func:`_body_model` of a
    route rather than of a request)."""
    import typing

    try:
        hints = typing.get_type_hints(getattr(route, "endpoint", None), include_extras=True)
    except Exception:  # noqa: BLE001 (no hints to read: no body model)
        return None
    return next((m for m in map(_model_in, hints.values())
                 if m is not None and issubclass(m, schemas.Request)), None)


def _too_long(problem: dict[str, Any]) -> None:
    """A 422's error whose input is an integer too long for Python to read
    (:class:`~recstack.strict_json.LongInteger`), named by its length: a field that
    has no message of its own for it (a list, a price) said only that it "should be a
    valid list"."""
    given = problem["input"]
    problem["input"] = str(given)
    if str(given) not in problem.get("msg", ""):
        problem["msg"] = f"{given.too_long()}; {problem.get('msg', '')}"


def _k_over_setting(problem: dict[str, Any], max_k: int) -> None:
    """A refused ``k`` (of a body or a query) said with the top the service takes, its
    ``max_k``, rather than the schema's cap of 1000 (which the settings may lower)."""
    loc: Any = problem.get("loc") or ()
    parts = problem.get("ctx") or {}
    if tuple(loc) not in (("body", "k"), ("query", "k")) or "high" not in parts:
        return
    problem["msg"] = schemas.whole_number_message(
        parts["low"], min(parts["high"], max_k), parts["given"], meant=parts["meant"],
        hint=parts["hint"], setting="max_k")
    problem.pop("ctx", None)  # the message's parts, said in it


#: the lists of a body whose length the settings cap: (loc, the setting)
_CAPPED_LISTS = {("body", "items"): "max_items", ("body", "events"): "max_events"}


def _list_over_setting(problem: dict[str, Any], settings: Any) -> None:
    """A refused length of a visitor's items or of a POST's events said with the top the
    service takes (its ``max_items``, ``max_events``), as a refused ``k`` is: the schema's
    cap (500, 1000) was named where the settings had lowered it."""
    setting = _CAPPED_LISTS.get(tuple(problem.get("loc") or ()))
    parts = problem.get("ctx") or {}
    if setting is None or "count" not in parts:
        return
    problem["msg"] = schemas.list_length_message(
        parts["what"], min(parts["high"], getattr(settings, setting)), parts["count"],
        setting=setting, hint=parts["hint"])
    problem.pop("ctx", None)  # the message's parts, said in it


def _list_within(service: Service, values: Sequence[Any], where: str) -> None:
    """Refuse a list of ``where`` (``items``, ``events``) longer than the settings take
    (but within the schema's cap) as one over the cap is: the service's "6 items posted;
    this service takes at most 5 (max_items)" gave neither the range nor the field's
    place."""
    setting = _CAPPED_LISTS[("body", where)]
    most = getattr(service.settings, setting)
    if len(values) > most:
        what = "item ids" if where == "items" else "events"
        raise RequestValidationError([{
            "type": "too_long", "loc": ("body", where), "input": values,
            "msg": schemas.list_length_message(what, most, len(values), setting=setting)}])


def _k_within(service: Service, k: int | None, where: str) -> int:
    """``k`` of a request, or the service's ``default_k``; a ``k`` above ``max_k`` (but
    within the schema's cap) is refused as every other ``k`` is: the service's "k=150
    exceeds this service's max_k (100)" gave the top but not the range."""
    if k is None:
        return service.settings.default_k
    most = service.settings.max_k
    if k > most:
        refusal = schemas.whole_number_refusal("less_than_equal", 1, most,
                                               schemas._kind_of(k))
        raise RequestValidationError([{
            "type": refusal.type, "loc": (where, "k"), "msg": refusal.message(),
            "input": k, "ctx": refusal.context}])
    return k


def _text_over_cap(problem: dict[str, Any], max_id_length: int) -> None:
    """A 422's error for a query or path text over its cap (``?q=`` of 201 characters, a
    user id of 129), worded as the service words it from Python
    (:meth:`~recstack.serving.service.Service.search_titles`, ``_check_id``): it was
    pydantic's "String should have at most 200 characters", the only refusal of the
    service not in its own words, and one that gave no length."""
    loc: Any = problem.get("loc") or ()
    given, cap = problem.get("input"), (problem.get("ctx") or {}).get("max_length")
    if problem.get("type") != "string_too_long" or not isinstance(given, str) \
            or not isinstance(cap, int):
        return
    if loc and loc[0] == "path" or problem.get("msg") == schemas.id_too_long(given, cap):
        # one wording with a body's id (schemas.id_too_long), with this service's own top
        # (max_id_length): an id of 200 characters was told 128 where the settings took 10
        problem["msg"] = schemas.id_too_long(given, min(cap, max_id_length))
    elif len(loc) == 2 and loc[0] == "query":
        what = "a search text" if loc[1] == "q" else "a text"
        problem["msg"] = (f"{what} of {len(given):,} characters; this service takes at "
                          f"most {cap:,}")
    elif loc and loc[-1] in ("request_id", "variant"):
        # pydantic's "String should have at most 64 characters" gave no length
        problem["msg"] = (f"a text of {len(given):,} characters ({given[:20]!r}...); "
                          f"{loc[-1]} is at most {cap:,} characters")
    # the text is cut, never repeated whole: an id of 1,000 characters came back whole
    problem["input"] = schemas.shortened_text(given)
    problem["ctx"] = {"max_length": cap}  # a body id's context also held its message


def _not_text(problem: dict[str, Any]) -> None:
    """A 422's error for a text field of the body (a reload's ``variant``, an event's
    ``request_id``) given another kind of JSON value, saying which, as an id field says it:
    it was pydantic's "Input should be a valid string", which named neither what was sent
    nor that quotes were missing (``"variant": 5``)."""
    given = problem.get("input")
    loc: Any = problem.get("loc") or ()
    if problem.get("type") != "string_type" or not loc or loc[0] != "body" \
            or isinstance(given, str):
        return
    problem["msg"] = schemas.not_text_message(given)


def _at_place(body: Any, loc: Sequence[Any]) -> Any:
    """What ``body`` holds at ``loc`` (keys and list positions), or None."""
    for part in loc:
        if isinstance(body, Mapping) and part in body:
            body = body[part]
        elif isinstance(body, list) and isinstance(part, int) and 0 <= part < len(body):
            body = body[part]
        else:
            return None
    return body


def _lone_surrogate(problem: dict[str, Any], body: Any) -> None:
    """A 422's error for text holding a lone surrogate (``"\\ud800"``: JSON's escapes
    allow half of a UTF-16 pair), said as such and where: it was pydantic's "Input should
    be a valid string, unable to parse raw data as a unicode string", which names no
    character and reads as if the field wanted no text."""
    given = problem.get("input")
    if problem.get("type") != "string_unicode" or not isinstance(given, str):
        return
    at = next((i for i, c in enumerate(given) if 0xD800 <= ord(c) <= 0xDFFF), None)
    if at is None:
        return
    loc = list(problem.get("loc") or ())
    # a key's problem: pydantic's place held the key as UTF-8 could not, a U+FFFD per byte
    # of each half ("context.dev\ufffd\ufffd\ufffdice.[key]"), naming no key that was sent;
    # a key of an object read as fields (the body, an event) was placed at the object,
    # said as if a value held it
    what = "the text"
    if loc[-1:] == ["[key]"] and len(loc) >= 2:
        problem["loc"] = (*loc[:-2], given, "[key]")
        what = "the key"
    elif isinstance(_at_place(body, loc[1:]), Mapping) and loc[:1] == ["body"]:
        place = "the body's object" if len(loc) == 1 else "the object"
        what = f"the key {_text(repr(given[:40]))} of {place}"
    problem["msg"] = (f"{what} holds \\u{ord(given[at]):04x} at character {at + 1}, "
                      "half of a UTF-16 surrogate pair without its other half (no "
                      "character); escape both halves of the character (\\ud83d\\ude00 "
                      "for U+1F600) or send it as UTF-8")


#: what a value that is no JSON number (NaN) may be replaced by, by its place
_LEAVE_OUT = "leave the field out or give its value"
_LEAVE_OUT_OF_LIST = "leave the entry out of the list or give its value"
_GIVE = "give its value (the field is required)"


def _what_instead(request: Request, loc: Sequence[Any]) -> str:
    """What a client may send instead of a bad value at ``loc`` (``["body", "events", 0,
    "revenue"]``): leave the field out where it has a default (or is a key of a request's
    context: a column left out is the feature's unknown level), leave the entry out of a
    list, else give the value: an event's ``timestamp`` was told to be left out, and the
    next request was refused for its missing ``timestamp``."""
    if len(loc) < 2 or loc[0] != "body":
        return _GIVE
    if isinstance(loc[-1], int):
        return _LEAVE_OUT_OF_LIST
    if len(loc) == 3 and loc[1] == "context":
        return _LEAVE_OUT
    model: Any = _body_model(request)
    for key in loc[1:-1]:
        if model is None:
            return _GIVE
        if not isinstance(key, int):
            field = model.model_fields.get(str(key))
            model = _model_in(field.annotation) if field is not None else None
    field = model.model_fields.get(str(loc[-1])) if model is not None else None
    return _LEAVE_OUT if field is not None and not field.is_required() else _GIVE


def _not_json(problem: dict[str, Any], words: set[str], overflows: Sequence[str] = (),
              *, instead: str = _LEAVE_OUT) -> None:
    """A 422's error whose input is one of the ``words`` ``NaN``, ``Infinity`` and
    ``-Infinity`` that the body held, said as such: Python's JSON reader takes them, but
    JSON has no such numbers (a lenient writer, Python's ``json.dumps`` among them, writes
    a missing number so). Every field refuses them, but said only "Input should be a finite
    number", or "a valid string", or, for an id, to write the text "nan". A number past
    float's range (``1e400``, ``-2e308``: JSON, but read as an infinity) is named as
    written, one of ``overflows``, and said to be beyond the range of a number, where every
    field said "Input should be a finite number" with the input ``"inf"``: the client never
    sent an infinity. ``instead``: what the client may send instead (:func:`_what_instead`:
    leaving a required field out is no choice)."""
    given = problem.get("input")
    if not (isinstance(given, float) and not math.isfinite(given)) \
            or problem.get("loc", ("",))[0] != "body":
        return
    word = "NaN" if math.isnan(given) else "Infinity" if given > 0 else "-Infinity"
    if word in words:
        problem["input"] = word
        what = (f"{word} is not JSON (JSON has no NaN or infinity: a missing or undefined "
                "number written by a lenient JSON writer, such as Python's json.dumps?)")
    elif not math.isnan(given) and (written := [text for text in overflows
                                                if text.startswith("-") == (given < 0)]):
        # the number as sent; where the body held several such (of this sign), which one
        # this field was is not known: they are listed
        distinct = list(dict.fromkeys(written))
        sent = (echoed(distinct[0], 40) if len(distinct) == 1 else "one of " + ", ".join(
            echoed(text, 40) for text in distinct[:3]) + (", ..." if len(distinct) > 3
                                                           else ""))
        problem["input"] = sent
        if problem.get("type") == "id_type":
            # the id's message already says why and to write the digits in quotes
            problem["msg"] = problem["msg"].replace(
                "a number beyond a float's range", f"the number {sent}, beyond a float's "
                "range")
            problem.pop("ctx", None)
            return
        what = (f"{sent} is beyond the range of a number (about 1.8e308 either way: past "
                "it the value is lost)")
        # a message repeating the value ("not the number inf") names it as sent too
        problem["msg"] = re.sub(r"(?<![\w.-])-?inf\b", lambda _match: sent, problem["msg"])
    else:
        return
    expected = problem["msg"]
    if problem.get("type") == "id_type":
        expected = "an id is written as text, a JSON string"  # not as the text "nan"
    problem["msg"] = f"{what}; {instead} ({expected})"
    problem.pop("ctx", None)  # the number again


#: the most entries (of a list or an object) or characters an error repeats of its input
_ECHO_ENTRIES, _ECHO_CHARACTERS = 20, 1000
#: how many levels of lists and objects an error repeats of its input (the field's value,
#: and the lists or objects inside it)
_ECHO_LEVELS = 3


def _brief(value: Any, level: int = 0) -> Any:
    """A 422's ``input`` as repeated to the client: a list or object of more than
    :data:`_ECHO_ENTRIES` entries, one nested more than :data:`_ECHO_LEVELS` levels deep,
    or a text value of more than :data:`_ECHO_CHARACTERS` characters, is described rather
    than repeated (a key longer than any the service takes is cut, :func:`_brief_key`).
    1,001 events refused as too many came back whole, a 422 of 380 KB for a list the
    client holds; an event holding a key of 50,000 characters came back in each of its
    five errors, a 422 of 350 KB; and an input nested 800 deep failed to encode (a
    500)."""
    if isinstance(value, list | tuple | dict):
        kind = "an object of" if isinstance(value, dict) else "a list of"
        if len(value) > _ECHO_ENTRIES:
            return f"({kind} {len(value):,} entries, not repeated here)"
        if value and level >= _ECHO_LEVELS:
            entries = "entry" if len(value) == 1 else "entries"
            return f"({kind} {len(value):,} {entries}, nested too deeply to repeat here)"
        if isinstance(value, dict):
            # a long key cut as the place names it (its first 20 characters, quoted):
            # it was repeated to 200 characters, where a long text is cut at 20
            return {_brief_key(key): _brief(item, level + 1) for key, item in value.items()}
        return [_brief(item, level + 1) for item in value]
    if isinstance(value, str) and len(value) > _ECHO_CHARACTERS:
        # long runs of digits described whole first: cut at 200 characters, ?k= of 5,000
        # digits was described as "1e+200 (a number of 200 digits)"
        short = _LONG_DIGITS.sub(lambda run: _short_digits(run.group()), value)
        if len(short) <= _ECHO_CHARACTERS:
            return short
        return f"{short[:200]}... ({len(value):,} characters, not repeated here)"
    return value


def _brief_key(part: Any) -> Any:
    """A part of a 422's ``loc`` (or a key of its ``input``) as repeated to the client: a
    key longer than any the service takes (an unknown body field or query parameter) is
    cut, with its length (:func:`schemas.shortened_key`); it was repeated whole in
    ``detail``, ``message`` and ``errors``, a 422 of 30 KB for a key of 10,000
    characters."""
    if isinstance(part, str):
        # cut as a call from Python names the key (schemas.shortened_key)
        return schemas.shortened_key(part)
    return part


def _read_as_json(content_type: str) -> bool:
    """Whether FastAPI reads a body of ``content_type`` as JSON: ``application/json`` or
    ``application/...+json`` (``text/json`` is read as text, and its 422 said only that the
    text "should be a valid dictionary")."""
    kind = content_type.split(";", 1)[0].strip().lower()
    main, _, sub = kind.partition("/")
    return main == "application" and (sub == "json" or sub.endswith("+json"))


async def _unreadable_body(request: Request, error: Exception) -> Response:
    """FastAPI answers a body that its JSON reader raised on (not a syntax error: arrays
    nested 100,000 deep, an integer of 5,000 digits) with a bare 400 "There was an error
    parsing the body"; say what it was, as the 422 of any other JSON that cannot be read.
    A 404 that no route matched names the path (:func:`_no_route`). Every other HTTP error
    goes to FastAPI's own handler."""
    from fastapi.exception_handlers import http_exception_handler

    http_error = cast(HTTPException, error)
    if http_error.status_code == 404 and request.scope.get("route") is None:
        return JSONResponse({"detail": _no_route(request)}, status_code=404)
    if http_error.status_code == 405:
        return _not_allowed(request, http_error)
    cause = http_error.__cause__
    if http_error.status_code == 422 and isinstance(http_error.detail, str):
        # the one such refusal is of the whole body ("body: JSON null is not a request")
        loc = ["body"] if http_error.detail.startswith("body:") else None
        return JSONResponse(problem_body(http_error.detail, 422, loc), status_code=422,
                            headers=getattr(http_error, "headers", None))
    if http_error.status_code != 400 or cause is None:
        return await http_exception_handler(request, http_error)
    if isinstance(cause, _CharsetError):
        return JSONResponse(problem_body([{"type": "charset", "loc": ["header", "content-type"],
                                           "msg": str(cause)}], 422), status_code=422)
    if isinstance(cause, RecursionError):
        reason = "arrays or objects nested too deeply"
    elif isinstance(cause, RepeatedKeyError | _BodyEncodingError):
        reason = str(cause)
    elif isinstance(cause, UnicodeDecodeError):
        reason = (f"the body is not UTF-8 text (byte 0x{cause.object[cause.start]:02x} at "
                  f"byte {cause.start + 1}); send JSON encoded as UTF-8")
    elif isinstance(cause, ValueError) and "integer string conversion" in str(cause):
        reason = "an integer of more than 4300 digits"
    else:
        reason = _text(f"{type(cause).__name__}: {cause}"[:200])
    answer = problem_body([{"type": "json_invalid", "loc": ["body"],
                            "msg": f"JSON decode error: {reason}", "input": {}}], 422)
    deep_body = request.scope.get(_DEEP_BODY_KEY)
    if isinstance(cause, RecursionError) and isinstance(deep_body, str):
        field = _json_field_at(deep_body, len(deep_body), deeper_than=_DEEPEST_NAMED)
        if field:
            answer["message"] = f"body field {field}: {answer['errors'][0]['msg']}"
    return JSONResponse(answer, status_code=422)


#: nesting past which a body that Python's JSON reader gave up on names the field holding
#: it: no request field of the service nests more than a few levels
_DEEPEST_NAMED = 100


def _no_route(request: Request) -> str:
    """A 404 that no route matched, saying which path and where the endpoints are listed,
    and, for a path that an endpoint serves without its trailing slash, that path: the
    app redirected it (307, no body) to a URL built from the request's ``Host`` header,
    which a client that follows no redirect read as an empty answer."""
    path = request.scope["path"]  # request.url drops line breaks (urllib's rule)
    shown = _text(repr(path[:200] + ("..." if len(path) > 200 else "")))
    reason = f"no endpoint at {request.method} {shown}; the endpoints are listed at /docs"
    bare = path.rstrip("/")
    if bare != path and bare and _served_path(request, bare):
        reason = (f"no endpoint at {request.method} {shown}: the path has a trailing slash; "
                  f"send it without: {_text(repr(bare[:200]))}")
    return reason


def _served_path(request: Request, path: str) -> bool:
    """Whether a route of the app answers ``path`` (with some method)."""
    from starlette.routing import Match

    scope = {**request.scope, "path": path}
    return any(getattr(route, "methods", None) and route.matches(scope)[0] != Match.NONE
               for route in _leaf_routes(request))


def _leaf_routes(request: Request) -> Iterator[Any]:
    """The app's routes, those of included routers in their place (FastAPI keeps an
    included router's routes behind one entry of the app's)."""
    pending = list(request.app.routes)
    while pending:
        route = pending.pop(0)
        included = getattr(getattr(route, "original_router", None), "routes", None)
        if included is not None:
            pending.extend(included)
            continue
        yield route


def _not_allowed(request: Request, error: HTTPException) -> JSONResponse:
    """A 405 naming the method, the endpoint and the methods it takes, in the body and in
    the ``Allow`` header. Starlette said only "Method Not Allowed", and its header named
    the methods of the first route of the path alone: ``GET`` for
    ``/users/{user_id}/recommendations``, which ``POST`` answers too, and never ``HEAD``,
    which :class:`_LimitsAndMetrics` answers as ``GET``."""
    from starlette.routing import Match

    allowed: set[str] = set()
    template = None
    for route in _leaf_routes(request):
        methods = getattr(route, "methods", None)
        if methods and route.matches(request.scope)[0] != Match.NONE:
            allowed.update(methods)
            template = template or _template(route)
    if not allowed:  # a mounted app (the static files) said which it takes
        allowed.update(m.strip() for m in (error.headers or {}).get("Allow", "").split(","))
        allowed.discard("")
    if "GET" in allowed:
        allowed.add("HEAD")
    methods_text = ", ".join(sorted(allowed))
    shown = template or _text(repr(request.scope["path"][:200]))
    return JSONResponse(
        {"detail": f"{_text(request.method[:40])} is not allowed on {shown}; it takes "
                   f"{methods_text}"},
        status_code=405, headers={"Allow": methods_text})


def _encodable(value: Any) -> Any:
    """``value`` (a 422's errors) as JSON can carry it, every number in it bounded: an
    integer of more than :data:`_ECHO_DIGITS` digits, in the input repeated or written
    into a message (``k: 1e300`` read as a whole number, a ``timestamp`` of 1e300 given
    back in full), is shown by its leading digits and its length (a 422 of a kilobyte of
    digits)."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, int) and not isinstance(value, bool) \
            and value.bit_length() > _ECHO_DIGITS * 3:  # cheap test first: 3.3 bits a digit
        return _short_digits(str(value)) if value.bit_length() < 14_000 else \
            f"(an integer of about {int(value.bit_length() * 0.30103):,} digits)"
    if isinstance(value, str):
        return _LONG_DIGITS.sub(lambda run: _short_digits(run.group()), _text(value))
    if isinstance(value, dict):
        return {_encodable(key): _encodable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_encodable(item) for item in value]
    return value


#: the most digits a number repeated by an error keeps (an int64 has 19)
_ECHO_DIGITS = 40
_LONG_DIGITS = re.compile(rf"-?\d{{{_ECHO_DIGITS + 1},}}")


def _short_digits(digits: str) -> str:
    """A run of too many digits, as its value in floating point where it has one and its
    length: '1e+300 (301 digits)'."""
    if len(digits) <= _ECHO_DIGITS:
        return digits
    count = len(digits.lstrip("-"))
    value = float(digits)  # inf past float's range
    shown = f"{value:.6g}" if math.isfinite(value) else f"{digits[:12]}..."
    return f"{shown} (a number of {count:,} digits)"


def _text(value: str) -> str:
    """``value``, or with what UTF-8 cannot encode (lone surrogates) backslash-escaped."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    return value


async def _once_started(service: Service) -> None:
    """Cap the threads of the libraries a start past the load timeout loaded, once it
    finishes (polled: a thread waiting on it would keep the process from exiting)."""
    while not service.started:
        await asyncio.sleep(0.5)
    limit_threads(service.settings.compute_threads)


async def _poll(service: Service, seconds: float) -> None:
    """Follow the registry every ``seconds``. A poll that fails is logged once while it
    fails for the same reason, and its recovery once: the same failure was a warning at
    every poll. A service whose start failed after the load timeout can never serve what
    a poll finds (each poll is refused, saying to restart it): polling stops, saying so
    once, where it logged "registry poll failed" for the refusal every poll."""
    failing: str | None = None
    while True:
        await asyncio.sleep(seconds)
        try:
            moved = await asyncio.to_thread(service.poll)
        except Exception as error:  # the poller must outlive a bad registry read
            if service.start_failure is not None:
                logger.error("registry polling stopped (no version a poll finds can be "
                             "served after a failed start): %s", service.start_failure)
                return
            if str(error) != failing:
                logger.warning("registry poll failed: %s (said once while polls fail so; "
                               "polling goes on every %g s)", error, seconds)
                failing = str(error)
            continue
        if failing is not None:
            logger.warning("registry poll works again (it failed: %s)", failing)
            failing = None
        if moved:
            limit_threads(service.settings.compute_threads)


def limit_threads(threads: int) -> None:
    """Cap BLAS and OpenMP (LightGBM's) at ``threads`` in the calling thread, the event
    loop's, where requests are computed. One request is small: spreading it over cores
    costs more in thread wake-ups and spinning than it gains (a LightGBM ranker over 200
    candidates took 8.3 ms of CPU with OpenMP's default threads on 2 busy cores, 1.0 ms
    with one), and a service scales by worker processes. OpenMP's limit is per thread
    and only reaches libraries already loaded, so this runs again after every reload."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=threads)


def app_from_env() -> FastAPI:
    """The app of a uvicorn worker process, from the settings ``serve`` left in the
    environment (uvicorn's factory for ``--workers``)."""
    return create_app(settings_from_env())


#: the longest URL the server reads (httptools, uvicorn's parser where installed, keeps
#: a URL's parts at 16-bit offsets); a longer one never reaches the app
MAX_URL_BYTES = 65_535
#: what the HTTP parser's reasons for a request it cannot read mean, in a client's words
_PARSER_REASONS = {
    "Invalid header value char": "a header value holds a control character (a byte below "
                                 "0x20 other than a tab, or 0x7f): send it percent-encoded "
                                 "or without it",
    "Invalid header token": "a header name holds a character no header name can (a space, "
                            "a colon, a control character)",
    "Invalid method encountered": "its method is none HTTP has (GET, POST, HEAD, PUT, ...), "
                                  "or the bytes are not HTTP at all (TLS sent to this "
                                  "plain-HTTP port?)",
}


class _ReadableRefusals:
    """The part of the server's HTTP protocol that answers a request its parser cannot
    read in the service's JSON shape, ``{"detail": "..."}``, saying why: uvicorn answered
    a plain-text ``Invalid HTTP request received.`` (400) before the app saw anything, so
    that a URL over :data:`MAX_URL_BYTES` (a batch of ids put in a query string) or a
    header holding a control character got neither the JSON every other refusal has nor a
    word of what was wrong. A URL too long is a 414 naming the limit. (What the parser
    refuses is its own: h11 reads long URLs, control characters and unknown methods.)"""

    transport: Any
    server_state: Any

    def send_400_response(self, msg: str) -> None:
        # called by uvicorn while it handles the parser's error: the reason is that error
        status, detail = _unreadable_request(sys.exc_info()[1], getattr(self, "url", None))
        body = json.dumps({"detail": detail}, separators=(",", ":")).encode()  # as the app's
        from http import HTTPStatus

        head = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n".encode()]
        head += [name + b": " + value + b"\r\n"
                 for name, value in getattr(self.server_state, "default_headers", [])]
        head += [b"content-type: application/json\r\n",
                 f"content-length: {len(body)}\r\n".encode(), b"connection: close\r\n\r\n"]
        self.transport.write(b"".join(head) + body)
        self.transport.close()


def _unreadable_request(error: BaseException | None, url: Any) -> tuple[int, str]:
    """The status and words of a request the HTTP parser refused with ``error``
    (``url``: the URL bytes read so far, where the parser keeps them)."""
    if isinstance(url, bytes) and len(url) > MAX_URL_BYTES:
        return (414, f"the request's URL is {len(url):,} bytes (or more); this service "
                f"reads URLs of at most {MAX_URL_BYTES:,} bytes: an id takes at most "
                f"{schemas.MAX_ID_LENGTH} characters, and a list of items goes in the JSON "
                "body of a POST (POST /recommendations/new-user)")
    reason = str(error or "").strip()
    if getattr(error, "error_status_hint", None) == 431:  # h11, where httptools is absent
        return (431, "the request's URL and headers together are longer than this server "
                "reads (h11_max_incomplete_event_size); send a shorter URL, and large "
                "inputs in a POST body")
    words = _PARSER_REASONS.get(reason, reason[:200] or "no reason given")
    return (400, f"the request is not HTTP/1.1 this server can read: {words}; nothing of "
            "it reached the service")


try:  # uvicorn comes with fastapi in the serving extra; serve() says so where it is missing
    from uvicorn.protocols.http.auto import AutoHTTPProtocol as _UvicornProtocol
except ImportError:  # pragma: no cover (the serving extra brings it)
    ServerProtocol: Any = None
else:
    class ServerProtocol(  # type: ignore[no-redef]
            _ReadableRefusals, _UvicornProtocol):  # type: ignore[valid-type,misc]
        """uvicorn's HTTP protocol (httptools where installed, else h11), answering a
        request it cannot read as :class:`_ReadableRefusals` says; at module level, so
        that worker processes (which uvicorn spawns) import it by name."""


def _http_protocol(workers: int) -> Any:
    """uvicorn's ``http`` option for :class:`ServerProtocol`. Worker processes get their
    configuration pickled, and unpickling the class imported this module before a worker
    answers its supervisor's health check (5 s), which a busy machine took longer than:
    each worker was killed as dead and started again, for good. They are given the class
    by name instead, imported with the app, where uvicorn takes a name (0.36 and later),
    and uvicorn's own protocol where it does not."""
    if ServerProtocol is None:
        return "auto"
    if workers == 1:
        return ServerProtocol  # run in this process: nothing is pickled
    import uvicorn

    version = tuple(int(part) for part in re.findall(r"\d+", uvicorn.__version__)[:2])
    return f"{__name__}:ServerProtocol" if version >= (0, 36) else "auto"


@arguments_named
def serve(settings: ServiceSettings, *, host: str = "127.0.0.1", port: int = 8000,
          workers: int = 1, log_level: str = "info") -> None:
    """Run the service under uvicorn until interrupted (graceful shutdown: requests in
    flight finish, within 30 seconds)."""
    import uvicorn

    _check_server_options(settings, port, workers, log_level)
    port, workers = int(port), int(workers)
    os.environ[SETTINGS_ENV] = settings.to_json()
    # worker processes read these before loading any BLAS or OpenMP library (see
    # limit_threads, which caps the ones already loaded in this one)
    for name in THREAD_VARIABLES:
        os.environ.setdefault(name, str(settings.compute_threads))
    uvicorn.run("recstack.serving.app:app_from_env", factory=True, host=host, port=port,
                workers=workers, log_level=log_level, access_log=False,
                timeout_graceful_shutdown=30, http=_http_protocol(workers))


#: uvicorn's log levels
LOG_LEVELS = ("critical", "error", "warning", "info", "debug", "trace")
def _check_server_options(settings: Any, port: Any, workers: Any, log_level: Any) -> None:
    """Refuse what uvicorn would misuse, before it starts: a port above 65535 was taken
    modulo 2**16 (``port=70000`` listened on 4464 without a word), a worker count of 0, a
    fraction or text failed inside uvicorn's process manager, and an unknown log level was
    a KeyError from its logging setup."""
    if not isinstance(settings, ServiceSettings):
        raise ConfigError(f"serve: settings must be ServiceSettings (ServiceSettings.create"
                          f"(registry=...)), got {type(settings).__name__}")
    if isinstance(port, bool) or not isinstance(port, numbers.Integral) \
            or not 1 <= int(port) <= 65535:
        raise ConfigError(f"serve: port must be a TCP port, a whole number from 1 to 65535, "
                          f"got {port!r:.40}")
    if isinstance(workers, bool) or not isinstance(workers, numbers.Integral) \
            or not 1 <= int(workers) <= MAX_WORKERS:
        raise ConfigError(f"serve: workers must be a whole number from 1 to {MAX_WORKERS} "
                          f"(worker processes, each loading the models; about one per CPU "
                          f"core, this machine has {os.cpu_count() or 'an unknown number of'}"
                          f"), got {workers!r:.40}")
    if log_level not in LOG_LEVELS:
        raise ConfigError(f"serve: log_level must be one of {', '.join(LOG_LEVELS)}, got "
                          f"{log_level!r:.40}")
    check_thread_variables()
