"""A seeded fuzzer of the HTTP API, driven by the service's own OpenAPI document.

Every route and method of ``/openapi.json`` gets requests built from its documented
parameters and body: valid ones, then ones with one thing wrong (a body field of the wrong
kind, out of range, null, missing, extra, repeated, huge, nested thousands deep, Python's
``True``/``None`` or JSON's missing ``NaN`` as raw text; a path parameter of ``%00``, ``..``,
signs, exponents, other scripts; a query parameter malformed, repeated or unknown; an odd
Content-Type, Accept or Content-Encoding; another method). A request fails the run when it
gets a 5xx, a status its route does not document, a body that does not match the route's
documented schema for that status, an error without ``detail``, a 422 whose ``message`` does
not name the field that was broken, or another user's (item's) answer.

It found that a body which could not be read as JSON was refused "body at character 64"
alone, however deep in a batch the broken value sat: the 422 now names the field too.
"""

from __future__ import annotations

import copy
import json
import random
import time
import urllib.parse

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")
jsonschema = pytest.importorskip("jsonschema", reason="the fuzzer checks answers by schema")
referencing = pytest.importorskip("referencing")
referencing_jsonschema = pytest.importorskip("referencing.jsonschema")

from tests.serving.service_helpers import TOKEN, client, publish, settings  # noqa: E402

JSON = {"Content-Type": "application/json"}
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def http(tmp_path_factory, als, train):
    folder = tmp_path_factory.mktemp("fuzz")
    registry = publish(folder / "registry", als, train)
    titles = folder / "items.parquet"
    train.item_table[["item_id", "title"]].to_parquet(titles)
    with client(settings(registry, items_file=str(titles), log_dir=str(folder / "logs"),
                         unknown_user="popular", admin_token=TOKEN)) as http:
        yield http


@pytest.fixture(scope="module")
def ids(als):
    return {"users": [str(u) for u in als.users_.external_ids[:20]] + ["nobody-known"],
            "items": [str(i) for i in als.items_.external_ids[:20]] + ["no-such-item"]}


# ------------------------------------------------------------------ JSON that cannot be read

EVENT = {"event": "click", "user_id": "{user}", "item_id": "{item}",
         "timestamp": 1_764_595_200}


@pytest.mark.parametrize("body, field, position", [
    # Python's words for JSON's true and null, deep in a batch
    ('{"events": [EVENT, {"event": "click", "user_id": "u", "item_id": True}]}',
     "events[1].item_id", None),
    ('{"items": [None, "8"]}', "items", 11),
    ('{"k": .5}', "k", 6),
    ('{"k": 0x10}', "k", None),
    ('{"items": ["0" "1"]}', "items", 15),
])
def test_json_that_cannot_be_read_names_the_field_it_is_in(http, user, item, body, field,
                                                             position):
    event = json.dumps({**EVENT, "user_id": user, "item_id": item})
    text = body.replace("EVENT", event)
    path = "/events" if "events" in text else (
        "/recommendations/new-user" if "items" in text else f"/users/{user}/recommendations")
    answer = http.post(path, content=text.encode(), headers=JSON)
    assert answer.status_code == 422, answer.text
    shaped = answer.json()
    at = position if position is not None else shaped["errors"][0]["loc"][1]
    # the character as the JSON reader counts it, found here by hand
    assert text[at:at + 4] in {"True", "None", ".5}", "x10}", '"1"]'}
    assert shaped["message"].startswith(f"body field {field} at character {at}: JSON decode "
                                        "error: "), shaped["message"]
    # loc stays FastAPI's place of a syntax error, which clients already read
    assert shaped["errors"][0]["loc"] == ["body", at]


@pytest.mark.parametrize("body, position", [
    ('{"items" ["0"]}', 9),  # a missing colon: the object's structure, not a value
    ('{"items": []} x', 14),  # after the body
    ("{'items': ['0']}", 1),
])
def test_a_broken_structure_outside_any_value_is_placed_by_character_alone(http, body,
                                                                           position):
    answer = http.post("/recommendations/new-user", content=body.encode(), headers=JSON)
    assert answer.json()["message"].startswith(f"body at character {position}: JSON decode")


def test_a_field_nested_beyond_what_the_reader_takes_is_named(http):
    body = '{"k": 5, "items": ' + "[" * 60_000 + "]" * 60_000 + "}"
    answer = http.post("/recommendations/new-user", content=body.encode(), headers=JSON)
    assert answer.status_code == 422, answer.text
    assert answer.json()["message"] == ("body field items: JSON decode error: arrays or "
                                        "objects nested too deeply")


def test_naming_the_field_of_a_megabyte_body_is_quick(http):
    # the field is found by scanning the text up to the error: a loop per character
    # in Python would cost a large body's sender's server a second
    values = ", ".join(['"x"'] * 150_000)
    body = '{"items": [' + values + ", True]}"
    started = time.perf_counter()
    answer = http.post("/recommendations/new-user", content=body.encode(), headers=JSON)
    elapsed = time.perf_counter() - started
    assert answer.status_code == 422, answer.text
    assert answer.json()["message"].startswith("body field items at character ")
    assert elapsed < 5


# ------------------------------------------------------------------ the fuzzer

ODD_TEXT = ["", " ", "\x00", "a\x00b", "\x1b[31m", "\u200b", "\ufeff", "é", "e\u0301",
            "😀" * 3, "\u202e", "a" * 129, "a" * 5000, "../../etc/passwd", "%00", "null",
            "true", "1e5", "-0", "+5", "\ud800", "\n", "\t x \t", "٣", "５", "0x10"]
ODD_NUMBERS = [0, -1, 1001, 10**30, 10**400, 1.5, 5.0, -0.0, 1e308, 2**53 + 1, -(2**63),
               99_999_999, 100_000_000]
ODD_OTHERS = [None, True, False, [], {}, [[]], {"a": {"b": [1]}}, ["a"] * 600]
# raw JSON text in a value's place: what is not JSON, and what JSON readers differ on
RAW_VALUES = ["NaN", "Infinity", "-Infinity", "1e999", "-1e999", "00", "01", "1.", ".5",
              "+1", "0x1", "1_000", "'a'", "undefined", "None", "True", '"\\ud800"',
              "1" * 5000, "[" * 200 + "]" * 200, '{"a":' * 300 + "1" + "}" * 300,
              "[" * 3000 + "1" + "]" * 3000]
WHOLE_BODIES = ["", "null", "[]", "{", "}", '"x"', "1", "{}", '{"a":NaN}', "\ufeff{}",
                "[" * 5000, '{"k":1}{"k":2}', "{} x", "\x00", "{'k': 1}"]
ODD_PATH_VALUES = ["%00", "..", "%2E%2E", ".", "a" * 129, "a" * 5000, "%FF", "%C3%A9",
                   "e%CC%81", "%F0%9F%98%80", "+5", "-5", "1e5", "5e-1", "-0", "0x10", "%20",
                   "%0A", "%0D%0A", "a%2Fb", "%E2%80%8B", "%EF%BB%BF", "%5C", "%25", "%3F",
                   "%23", "1.0", "9" * 26, "%E2%80%AE", "null", "%ED%A0%80"]
ODD_QUERY_VALUES = ["", "0", "-1", "+5", "05", "5.0", "1e3", "1001", "NaN", "inf", "%00",
                    "%FF", "٣", "true", "a" * 300, "9" * 29, "[1]", "{}", "%20", "1%00"]
ODD_HEADERS = [
    {"Content-Type": None}, {"Content-Type": "text/plain"}, {"Content-Type": "application/xml"},
    {"Content-Type": "application/json; charset=latin-1"},
    {"Content-Type": "application/json; charset=utf-16"},
    {"Content-Type": "multipart/form-data; boundary=x"},
    {"Content-Type": "application/x-www-form-urlencoded"}, {"Content-Type": "application/json;;"},
    {"Content-Type": ""}, {"Content-Type": "application/merge-patch+json"},
    {"Accept": "application/xml"}, {"Accept": "*/*;q=0"}, {"Accept": "text/html"},
    {"Accept": ";;;"}, {"Accept": "application/json;q=abc"}, {"Accept": "application/*"},
    {"Accept": ""}, {"Content-Encoding": "gzip"}, {"Content-Encoding": "identity"},
    {"Authorization": "Bearer x"}, {"Authorization": "Basic eDp5"}, {"Authorization": ""},
]
OTHER_METHODS = ["HEAD", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "FOO"]


def _resolve(document, schema):
    while "$ref" in schema:
        node = document
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def _valid(document, schema, name, rng, ids):
    """A value ``schema`` documents, with ids the model knows (and one it does not)."""
    schema = _resolve(document, schema)
    if "anyOf" in schema:
        kinds = [s for s in schema["anyOf"] if s.get("type") != "null"]
        return _valid(document, rng.choice(kinds), name, rng, ids)
    if "enum" in schema:
        return rng.choice(schema["enum"])
    kind = schema.get("type")
    if kind == "object":
        value = {}
        for field, sub in schema.get("properties", {}).items():
            # the shared model has no context features, and version pins would stick
            if field in ("context", "timestamp", "version") and name == "body":
                continue
            if field in schema.get("required", []) or rng.random() < 0.5:
                value[field] = ("default" if field == "variant"
                                else _valid(document, sub, field, rng, ids))
        return value
    if kind == "array":
        count = rng.randint(max(1, schema.get("minItems", 0)), min(5, schema.get("maxItems", 5)))
        return [_valid(document, schema.get("items", {}), name, rng, ids) for _ in range(count)]
    if kind == "string":
        if name == "user_id":
            return rng.choice(ids["users"])
        if name in ("item_id", "items"):
            return rng.choice(ids["items"])
        return "".join(rng.choice("abcxyz0123") for _ in range(rng.randint(1, 8)))
    if kind == "integer":
        low = int(schema.get("minimum", 0))
        return rng.randint(low, max(low, int(min(schema.get("maximum", 50), 50))))
    if kind == "number":
        if name == "timestamp":
            return time.time() - rng.randint(0, 10_000)
        return rng.uniform(schema.get("minimum", 0), min(schema.get("maximum", 100), 100))
    if kind == "boolean":
        return rng.random() < 0.5
    return "x"


def _places(value, prefix=()):
    """The place of every value inside ``value`` (keys and indices)."""
    if prefix:
        yield prefix
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _places(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _places(inner, (*prefix, index))


def _with_raw(body, place, raw):
    """``body`` as JSON text with the value at ``place`` written as ``raw`` text."""
    marker = "\u0001raw\u0001"
    copied = copy.deepcopy(body)
    node = copied
    for part in place[:-1]:
        node = node[part]
    node[place[-1]] = marker
    return json.dumps(copied).replace(json.dumps(marker), raw)


def _case(document, path, method, operation, rng, ids):
    """One request of ``operation``: valid, or with one thing wrong (``field`` names it
    where a 422 should)."""
    parameters = operation.get("parameters", [])
    values = {(p["in"], p["name"]): _valid(document, p["schema"], p["name"], rng, ids)
              for p in parameters if p["in"] == "path" or p.get("required")
              or rng.random() < 0.5}
    body = schema = raw = field = None
    if "requestBody" in operation:
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        body = _valid(document, schema, "body", rng, ids) or {}
        if path == "/recommendations/new-user" and rng.random() < 0.5:
            body["user_id"] = rng.choice(ids["users"] + ["visitor-1"])
    headers = dict(AUTH) if path.startswith("/admin") else {}
    extra_query = []
    label = "valid"
    choice = rng.random() if rng.random() < 0.85 else None
    if choice is None:
        pass
    elif choice < 0.35 and body is not None:
        places = list(_places(body))
        how = rng.choice(["replace", "missing", "extra", "repeat"] if places
                         else ["extra", "repeat"])
        if how in ("replace", "missing"):
            place = rng.choice(places)
            field = next((p for p in reversed(place) if isinstance(p, str)), None)
            node = body
            for part in place[:-1]:
                node = node[part]
            if how == "missing":
                del node[place[-1]]
            elif rng.random() < 0.3:
                raw = _with_raw(body, place, rng.choice(RAW_VALUES))
            else:
                node[place[-1]] = rng.choice(rng.choice([ODD_TEXT, ODD_NUMBERS, ODD_OTHERS]))
            label = f"body {how} {place}"
        elif how == "extra":
            field = rng.choice(["extra", "item", "K", "user", "__proto__", "ｋ"])
            body[field] = 1
            label = f"body extra {field}"
        elif body:
            field = rng.choice(list(body))
            text = json.dumps(body)
            raw = f"{text[:-1]}, {json.dumps(field)}: {json.dumps(body[field])}}}"
            label = f"body repeats {field}"
    elif choice < 0.45 and schema is not None:
        raw = rng.choice(WHOLE_BODIES)
        label = f"whole body {raw[:10]!r}"
    elif choice < 0.65 and parameters:
        parameter = rng.choice(parameters)
        field = parameter["name"]
        key = (parameter["in"], field)
        if parameter["in"] == "path":
            values[key] = ("raw", rng.choice(ODD_PATH_VALUES))
            label = f"path {field}"
        else:
            how = rng.choice(["odd", "repeat", "missing"])
            if how == "odd":
                values[key] = ("raw", rng.choice(ODD_QUERY_VALUES))
            elif how == "repeat":
                again = _valid(document, parameter["schema"], field, rng, ids)
                extra_query.append((field, urllib.parse.quote(str(again), safe="")))
            else:
                values.pop(key, None)
            label = f"query {how} {field}"
    elif choice < 0.75:
        field = rng.choice(["kk", "K", "k[]", "%00", "user_id", "device", "limit"])
        extra_query.append((field, rng.choice(["1", "", "%FF", "x"])))
        label = f"query extra {field}"
    else:
        headers.update(rng.choice(ODD_HEADERS))
        label = f"headers {headers}"
    url = path
    query = []
    for (where, name), value in values.items():
        text = value[1] if isinstance(value, tuple) else urllib.parse.quote(
            str(value).lower() if isinstance(value, bool) else str(value), safe="")
        if where == "path":
            url = url.replace("{" + name + "}", text)
        else:
            query.append(f"{name}={text}")
    query += [f"{name}={value}" for name, value in extra_query]
    if query:
        url += "?" + "&".join(query)
    content = None
    if raw is not None or body is not None:
        content = (raw if raw is not None else json.dumps(body)).encode("utf-8",
                                                                       "surrogatepass")
        headers = {"Content-Type": "application/json", **headers}
    headers = {name: value for name, value in headers.items() if value is not None}
    request_method = method.upper()
    if rng.random() < 0.05:
        request_method = rng.choice(OTHER_METHODS)
        label = f"method {request_method}, {label}"
    return {"method": request_method, "url": url, "content": content, "headers": headers,
            "label": label, "field": field, "body": body, "values": values}


def _problems(document, registry, path, method, operation, case, answer):
    """What is wrong with ``answer`` to ``case`` (nothing, for a good answer)."""
    code = answer.status_code
    if code >= 500 and not (path == "/ready" and code == 503):
        yield f"a {code}: {answer.text[:300]}"
        return
    if case["method"] != method.upper():
        if case["method"] == "HEAD" and answer.content:
            yield "a HEAD answered with a body"
        elif case["method"] != "HEAD" and code < 400:
            yield f"{case['method']} answered {code}"
        elif code == 405 and "allow" not in answer.headers:
            yield "a 405 without Allow"
        return
    documented = operation["responses"]
    if str(code) not in documented and code not in (404, 405):
        yield f"status {code}, which the route does not document: {answer.text[:300]}"
    if code >= 400:
        try:
            shaped = answer.json()
        except ValueError:
            yield f"an error {code} that is not JSON: {answer.text[:200]}"
            return
        if not isinstance(shaped, dict) or not shaped.get("detail"):
            yield f"an error {code} without detail: {answer.text[:200]}"
        field = case["field"]
        if code == 422 and isinstance(field, str) and field.isidentifier() \
                and field.lower() not in shaped.get("message", "").lower():
            yield f"a 422 not naming {field!r}: {shaped.get('message', '')[:300]}"
    schema = documented.get(str(code), {}).get("content", {}).get("application/json", {})
    if "schema" in schema and code != 405:
        documented_schema = schema["schema"]
        if "$ref" in documented_schema:
            documented_schema = {"$ref": "urn:api" + documented_schema["$ref"]}
        validator = jsonschema.Draft202012Validator(documented_schema, registry=registry)
        for error in list(validator.iter_errors(answer.json()))[:1]:
            yield f"{code} not as documented: {error.message[:200]} at {list(error.path)}"
    if code == 200 and path.startswith("/users/{user_id}/"):
        asked = case["values"][("path", "user_id")]
        if not isinstance(asked, tuple) and answer.json()["user_id"] != asked:
            yield f"asked for user {asked!r}, answered {answer.json()['user_id']!r}"
    if code == 200 and path == "/items/{item_id}/similar":
        asked = case["values"][("path", "item_id")]
        if not isinstance(asked, tuple) and answer.json()["item_id"] != asked:
            yield f"asked for item {asked!r}, answered {answer.json()['item_id']!r}"


@pytest.mark.slow
def test_seeded_requests_of_every_documented_route_get_documented_answers(http, ids):
    document = http.get("/openapi.json").json()
    registry = referencing.Registry().with_resource(
        "urn:api", referencing.Resource.from_contents(
            document, default_specification=referencing_jsonschema.DRAFT202012))
    operations = [(path, method, operation) for path, methods in document["paths"].items()
                  for method, operation in methods.items()]
    assert len(operations) >= 12
    rng = random.Random(54)
    found: dict[tuple[str, str, str], str] = {}
    # bounded by count and by time: about 2,000 requests a minute on one busy core
    deadline = time.monotonic() + 40
    for _ in range(6000):
        if time.monotonic() > deadline:
            break
        path, method, operation = rng.choice(operations)
        case = _case(document, path, method, operation, rng, ids)
        started = time.monotonic()
        answer = http.request(case["method"], case["url"], content=case["content"],
                              headers=case["headers"])
        if time.monotonic() - started > 5:
            found.setdefault((method, path, "slow"), f"{case['label']}: over 5 s")
        for problem in _problems(document, registry, path, method, operation, case, answer):
            kind = problem.split(":")[0][:40]
            found.setdefault((method, path, kind),
                             f"{case['method']} {case['url'][:120]} ({case['label'][:120]}): "
                             f"{problem}")
    assert not found, "\n".join(found.values())
