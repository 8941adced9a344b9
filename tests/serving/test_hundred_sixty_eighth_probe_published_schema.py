"""The published OpenAPI schema against what the service answers.

- ``GET /users``, ``/health``, ``/ready`` and ``/metrics`` refuse an unknown or repeated
  query parameter with a 422 in the service's shape (``message``, ``errors``), but the
  schema documented no 422 for the last three and FastAPI's ``HTTPValidationError`` (a
  list of problems, no ``message``) for ``/users``; nor did any operation document the
  400 (a path not UTF-8 once percent-decoded), 413 (a body over the limit) and 415 (a
  compressed body) that every request may get before routing. Now each API operation
  documents all four, as the ``Problem``/``Invalid`` bodies the service sends.
- A context's bound of 32 keys was published as ``maxLength`` (a keyword of strings,
  ignored on an object): now ``maxProperties``.
- JSON Schema's ``integer`` takes ``5.0`` (a number whose fraction is zero), which the
  service refuses (``k``, ``version``, ``position``): the schema now says so in words on
  each such integer, as no keyword can."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.serving.app import create_app  # noqa: E402
from recstack.serving.schemas import MAX_CONTEXT_KEYS, WHOLE_NUMBER_RULE  # noqa: E402
from recstack.serving.settings import ServiceSettings  # noqa: E402
from tests.serving.service_helpers import client, publish, settings  # noqa: E402

INVALID = {"$ref": "#/components/schemas/Invalid"}
PROBLEM = {"$ref": "#/components/schemas/Problem"}


@pytest.fixture(scope="module")
def schema(tmp_path_factory):
    # the schema is built from the routes: no model needs to load
    root = tmp_path_factory.mktemp("schema") / "registry"
    return create_app(ServiceSettings.create(registry=str(root))).openapi()


def _operations(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield f"{method.upper()} {path}", operation


def test_every_operation_documents_the_answers_any_request_may_get(schema):
    operations = dict(_operations(schema))
    assert len(operations) == 12, sorted(operations)
    for name, operation in operations.items():
        answers = operation["responses"]
        for code, body in (("400", PROBLEM), ("413", PROBLEM), ("415", PROBLEM),
                           ("422", INVALID)):
            assert code in answers, (name, code)
            assert answers[code]["content"]["application/json"]["schema"] == body, (name, code)
    # FastAPI's default 422 body (a list of problems) is documented nowhere
    assert "HTTPValidationError" not in schema["components"]["schemas"]


@pytest.mark.parametrize("path", ["/users?x=1", "/health?x=1", "/ready?x=1",
                                  "/metrics?x=1", "/users?limit=3&limit=4"])
def test_the_documented_422_is_the_one_answered(tmp_path, als, train, path):
    registry = publish(tmp_path / "registry", als, train)
    with client(settings(registry)) as http:
        answer = http.get(path)
        documented = http.get("/openapi.json").json()
    assert answer.status_code == 422
    body = answer.json()
    # the Invalid shape: detail, a one-line message and the refused parts
    assert set(body) == {"detail", "message", "errors"}, body
    assert body["message"].startswith("query parameter "), body["message"]
    assert all(set(error) == {"loc", "msg"} for error in body["errors"])
    route = path.split("?")[0]
    assert documented["paths"][route]["get"]["responses"]["422"]["content"][
        "application/json"]["schema"] == INVALID


def test_the_bound_on_context_keys_is_published_for_an_object(schema):
    for name in ("UserRecommendationsRequest", "NewUserRequest"):
        context = schema["components"]["schemas"][name]["properties"]["context"]["anyOf"][0]
        assert context["type"] == "object"
        assert context["maxProperties"] == MAX_CONTEXT_KEYS == 32
        assert "maxLength" not in context


def test_the_published_bound_on_context_keys_is_the_one_refused(tmp_path, als, train, user):
    registry = publish(tmp_path / "registry", als, train)
    context = {f"c{i}": "x" for i in range(MAX_CONTEXT_KEYS + 1)}
    with client(settings(registry)) as http:
        answer = http.post(f"/users/{user}/recommendations", json={"context": context})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["loc"] == ["body", "context"]
    assert "at most 32 items" in answer.json()["errors"][0]["msg"]


@pytest.mark.parametrize(("model", "field"), [
    ("UserRecommendationsRequest", "k"), ("NewUserRequest", "k"),
    ("ReloadRequest", "version"), ("Event", "position")])
def test_each_body_integer_says_it_is_written_plainly(schema, model, field):
    number = schema["components"]["schemas"][model]["properties"][field]["anyOf"][0]
    assert number["type"] == "integer"
    assert number["description"] == WHOLE_NUMBER_RULE == (
        "a whole number written plainly, without a decimal point or exponent (5, not 5.0 or "
        "5e0; nor \"5\" or true)")


def test_what_the_rule_says_is_what_the_service_refuses(tmp_path, als, train, user):
    registry = publish(tmp_path / "registry", als, train)
    with client(settings(registry)) as http:
        for body in ('{"k": 5.0}', '{"k": 5e0}', '{"k": "5"}', '{"k": true}'):
            answer = http.post(f"/users/{user}/recommendations", content=body,
                               headers={"content-type": "application/json"})
            assert answer.status_code == 422, body
        answer = http.post(f"/users/{user}/recommendations", json={"k": 5})
        assert answer.status_code == 200
        assert len(answer.json()["items"]) == 5
