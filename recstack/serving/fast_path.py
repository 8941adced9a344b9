"""The service's hot request, answered without the web framework's per-request work.

``GET /users/{user_id}/recommendations`` is most of a recommender's traffic. FastAPI
spends more time on each such request (routing, dependency solving, validating the path
and query parameters with pydantic, encoding the response with the standard ``json``)
than the recommendation itself costs (profiled with py-spy: the endpoint's own work was
under half of a request's time). :func:`answer_recommendations` answers the *well-formed*
requests of that route directly from the ASGI scope, with the same service call, the same
error answers and the same JSON; anything it is not sure of (a malformed or over-long id,
a ``k`` that is not a plain number in ``1..MAX_K``, an unknown query parameter)
returns ``None`` untouched and FastAPI answers it as before, so validation
errors keep FastAPI's messages and the OpenAPI schema still describes the route.

A ``GET`` carries no request context: a request with one is a ``POST`` to the same path
(FastAPI's route), so a list computed for one context never answers another. Nothing here
caches responses; a cache added later must key on the context (``Served.context``) too.

Responses are encoded with ``orjson`` when it is installed (a few times faster than
``json``; scores are finite, so both write the same numbers), else with ``json``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from recstack.errors import RecstackError
from recstack.serving import schemas
from recstack.serving.service import (
    InvalidContextError,
    LoadInProgressError,
    NotLoggingError,
    NotReadyError,
    ReloadFailedError,
    RequestLimitError,
    Served,
    UnknownItemError,
    UnknownUserError,
)

__all__ = ["ENDPOINT", "ERROR_CODES", "HEAD_SCOPE_KEY", "answer_recommendations", "dumps",
           "problem_body", "problem_code", "recommendations_body"]

#: the route template the fast path answers (and counts its requests under)
ENDPOINT = "/users/{user_id}/recommendations"
#: set in the ASGI scope of a ``HEAD`` request, which the app answers as a ``GET`` (the
#: method in the scope) but whose list nobody is shown, so it is not logged as served
HEAD_SCOPE_KEY = "recstack.head"
#: the HTTP status of each service error, most specific first (the app's handlers too)
ERROR_CODES: tuple[tuple[type[RecstackError], int], ...] = (
    (UnknownUserError, 404), (UnknownItemError, 404), (RequestLimitError, 422),
    (InvalidContextError, 422),
    (ReloadFailedError, 409), (LoadInProgressError, 409), (NotLoggingError, 409),
    (NotReadyError, 503),
    (RecstackError, 422))
_TRUE, _FALSE = {b"true", b"1"}, {b"false", b"0"}
_JSON_HEADERS = [(b"content-type", b"application/json")]

try:
    import orjson

    def dumps(value: Any) -> bytes:
        """JSON bytes of ``value`` (orjson)."""
        return orjson.dumps(value)
except ImportError:  # the serving extra brings orjson; without it the standard library
    def dumps(value: Any) -> bytes:
        """JSON bytes of ``value`` (the standard library, as Starlette writes it)."""
        return json.dumps(value, ensure_ascii=False, allow_nan=False,
                          separators=(",", ":")).encode("utf-8")


def problem_body(detail: str | list[dict[str, Any]], code: int,
                 loc: list[Any] | None = None) -> dict[str, Any]:
    """The body of an error answer: ``{"detail": ...}``, and for a 422 also ``message``
    (one line: what was refused and where) and ``errors`` (``[{"loc": [...], "msg":
    ...}]``), the same two keys whether the service refused the request (``detail`` its
    text) or FastAPI's validation did (``detail`` its list of problems): a client read one
    shape for ``?k=0`` and another for an unknown context column."""
    if code != 422:
        return {"detail": detail}
    if isinstance(detail, str):
        errors = [{"loc": list(loc or []), "msg": detail}]
        message = _placed(detail, list(loc or []))
    else:
        errors = [{"loc": list(p.get("loc") or []), "msg": str(p.get("msg", ""))}
                  for p in detail]
        message = "; ".join(f"{_where(p)}: {p.get('msg', '')}" if p.get("loc")
                            else str(p.get("msg", "")) for p in detail)
    return {"detail": detail, "message": message, "errors": errors}


#: how a 422's ``message`` names the kind of place a field is in (as FastAPI's ``loc``)
_PLACE_NOUNS = {"path": "path parameter", "query": "query parameter", "body": "body field"}


def _placed(detail: str, loc: list[Any]) -> str:
    """A service refusal's one-line ``message``, naming its field's place as the schema's
    refusals do: the service's text begins with the field alone (``user_id: an id of 11
    characters...``), where the schema's refusal of the same id says ``path parameter
    user_id: ...``. ``detail`` and ``errors`` keep the service's text, which a caller from
    Python reads too."""
    noun = _PLACE_NOUNS.get(str(loc[0])) if loc else None
    field = "".join(f"[{part}]" if isinstance(part, int) else f".{part}"
                    for part in loc[1:]).lstrip(".")
    if noun is None or not field or not detail.startswith(f"{field}: "):
        return detail
    return f"{noun} {field}: {detail[len(field) + 2:]}"


_FIELD_PART = re.compile(r"\[(\d+)\]|\.?([^.\[]+)")


def field_location(field: str, *, path: Any = (), query: Any = (),
                   body: bool = False) -> list[Any]:
    """The ``loc`` of a service refusal naming ``field`` (``k``, ``events[3].item_id``,
    ``context.city``), by FastAPI's convention: ``["query", "k"]``, ``["body", "events", 3,
    "item_id"]``, ``["path", "user_id"]``. The field's first name is a ``path`` parameter,
    else a ``query`` parameter given, else in the ``body`` when the request has one, else
    in the query (a default the request left out). A ``context`` key is one part whole
    (``context.a.b`` is the key ``a.b``)."""
    head, _, rest = field.partition(".") if field.startswith("context.") else ("", "", "")
    if head:
        parts: list[Any] = [head, rest]
    else:
        parts = [int(index) if index else name
                 for index, name in _FIELD_PART.findall(field)] or [field]
    first = parts[0]
    kind = ("path" if first in path else "query" if first in query
            else "body" if body else "query")
    return [kind, *parts]


def _where(problem: dict[str, Any]) -> str:
    """A validation error's place as words: ``query parameter k``, ``body field
    events[3].item_id``, ``body``, ``body at character 12`` (JSON that cannot be read)."""
    loc = list(problem.get("loc") or [])
    kind, rest = str(loc[0]), loc[1:]
    if not rest:
        return kind
    if problem.get("type") == "json_invalid" and len(rest) == 1 and isinstance(rest[0], int):
        field = (problem.get("ctx") or {}).get("field")
        return (f"{kind} field {field} at character {rest[0]}" if field
                else f"{kind} at character {rest[0]}")
    path = ""
    for part in rest:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    noun = {"query": "query parameter", "path": "path parameter", "body": "body field",
            "header": "header"}.get(kind, kind)
    return f"{noun} {path}"


def problem_code(error: RecstackError) -> int:
    """The HTTP status of a service error (:data:`ERROR_CODES`)."""
    return next(code for kind, code in ERROR_CODES if isinstance(error, kind))


def recommendations_body(served: Served) -> dict[str, Any]:
    """The response of the recommendation endpoints (``schemas.Recommendations``)."""
    return {
        "request_id": served.request_id, "user_id": served.user_id,
        "variant": served.variant, "model": served.model, "fallback": served.fallback,
        "unknown_items": served.unknown_items, "shortfall": served.shortfall,
        "context": served.context,
        "items": items_body(served),
    }


def items_body(served: Served) -> list[dict[str, Any]]:
    return [{"rank": rank, "item_id": item, "title": title, "score": score,
             "source": source}
            for rank, (item, title, score, source) in enumerate(
                zip(served.item_ids.tolist(), served.titles.tolist(), served.scores.tolist(),
                    served.sources.tolist(), strict=True), start=1)]


def _parse(scope: dict[str, Any]) -> tuple[str, int | None, bool] | None:
    """``(user_id, k, exclude_seen)`` of a well-formed request of the route, else None."""
    if scope["method"] != "GET":
        return None
    path = scope["path"]
    if not path.startswith("/users/") or not path.endswith("/recommendations"):
        return None
    user_id = path[7:-16]
    if not user_id or "/" in user_id or len(user_id) > schemas.MAX_ID_LENGTH:
        return None
    k, exclude_seen = None, True
    query = scope.get("query_string", b"")
    if query:
        seen_keys = set()
        for pair in query.split(b"&"):
            key, _, value = pair.partition(b"=")
            if key in seen_keys:
                return None
            seen_keys.add(key)
            # digits as written plainly: "05" is refused by the route (one rule for
            # every integer of a query), as "+5" and "5.0" are
            if key == b"k" and value.isdigit() and len(value) <= 4 \
                    and not value.startswith(b"0") and 1 <= int(value) <= schemas.MAX_K:
                k = int(value)
            elif key == b"exclude_seen" and (value in _TRUE or value in _FALSE):
                exclude_seen = value in _TRUE
            else:
                return None  # FastAPI answers (or ignores) it as it always has
    return user_id, k, exclude_seen


async def answer_recommendations(scope: dict[str, Any], send: Any) -> int | None:
    """Answer the request when it is a well-formed one of :data:`ENDPOINT`; returns the
    status sent, or None when FastAPI should answer it."""
    parsed = _parse(scope)
    if parsed is None:
        return None
    state = getattr(scope.get("app"), "state", None)
    service = getattr(state, "service", None)
    if service is None:
        return None  # not started yet: FastAPI's path says so
    user_id, k, exclude_seen = parsed
    if k is not None and k > service.settings.max_k:
        return None  # the route refuses it in the words of every other refusal of k
    try:
        served = service.recommend_user(user_id, k or service.settings.default_k,
                                        exclude_seen=exclude_seen)
    except RecstackError as error:
        code = problem_code(error)
        field = getattr(error, "field", None)
        loc = field_location(field, path=("user_id",)) if field else None
        await _send(send, code, dumps(problem_body(str(error), code, loc)))
        return code
    if not scope.get(HEAD_SCOPE_KEY):
        service.log_request(served)
    await _send(send, 200, dumps(recommendations_body(served)))
    return 200


async def _send(send: Any, code: int, body: bytes) -> None:
    await send({"type": "http.response.start", "status": code,
                "headers": [*_JSON_HEADERS, (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
