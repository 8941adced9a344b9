"""Every 422 has one body shape: FastAPI's own validation (``?k=0``, ``?q=`` too long, a
body field out of range) answered ``{"detail": [{"loc", "msg", ...}]}`` while the
service's own refusals (an unknown context column, a body of JSON null) answered
``{"detail": "text"}``, so that a client had to read two shapes. Now every 422 also holds
``message`` (one line naming what and where) and ``errors`` (``[{"loc", "msg"}]``);
``detail`` is kept as it was."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import TOKEN, client, publish, settings  # noqa: E402


@pytest.fixture(scope="module")
def http(tmp_path_factory, als, train):
    registry = publish(tmp_path_factory.mktemp("shape") / "registry", als, train)
    with client(settings(registry, admin_token=TOKEN)) as http:
        yield http


def _shape(answer) -> dict:
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert set(body) == {"detail", "message", "errors"}, body
    assert isinstance(body["message"], str) and body["message"]
    assert "\n" not in body["message"]
    assert body["errors"] and all(set(e) == {"loc", "msg"} for e in body["errors"])
    return body


@pytest.mark.parametrize(("method", "path", "body", "where"), [
    ("get", "/users/{user}/recommendations?k=0", None, "query parameter k"),
    ("get", "/users/{user}/recommendations?k=100000", None, "query parameter k"),
    ("get", "/items/search?q=" + "a" * 5000, None, "query parameter q"),
    ("get", "/users/{user}/recommendations?kk=5", None, "query parameter kk"),
    ("post", "/users/{user}/recommendations", {"k": 0}, "body field k"),
    ("post", "/recommendations/new-user", {"items": ["0"], "k": "5"}, "body field k"),
    ("post", "/events", {"events": [{"user_id": "0", "item_id": "0", "position": -1}]},
     "body field events[0]"),
])
def test_validation_422_has_the_shared_keys(http, train, method, path, body, where):
    user = str(train.users.to_external([0])[0])
    path = path.replace("{user}", user)
    answer = getattr(http, method)(path, json=body) if body is not None \
        else getattr(http, method)(path)
    shaped = _shape(answer)
    assert isinstance(shaped["detail"], list)  # FastAPI's list, kept
    assert shaped["message"].startswith(where), shaped["message"]
    assert [e["loc"] for e in shaped["errors"]] == [p["loc"] for p in shaped["detail"]]


def test_service_refusal_422_has_the_shared_keys(http, train):
    user = str(train.users.to_external([0])[0])
    answer = http.post(f"/users/{user}/recommendations",
                       json={"k": 5, "context": {"no_such_column": 1}})
    shaped = _shape(answer)
    assert isinstance(shaped["detail"], str)
    assert shaped["message"] == shaped["detail"]
    # the place of what it names (hundred_nineteenth: it was loc [])
    assert shaped["errors"] == [{"loc": ["body", "context", "no_such_column"],
                                 "msg": shaped["detail"]}]


def test_null_body_and_unreadable_json_have_the_shared_keys(http, train):
    user = str(train.users.to_external([0])[0])
    null = http.post(f"/users/{user}/recommendations", content=b"null",
                     headers={"Content-Type": "application/json"})
    assert _shape(null)["message"].startswith("body: JSON null")
    broken = http.post("/events", content=b"{\"events\": [" * 1 + b"}",
                       headers={"Content-Type": "application/json"})
    assert _shape(broken)["message"].startswith("body field events at character 12: JSON "
                                                "decode error")


def test_other_codes_keep_their_shape(http):
    assert set(http.get("/users/no-such-user-xyz/recommendations").json()) == {"detail"}


def test_openapi_documents_the_422_shape(http):
    schema = http.get("/openapi.json").json()
    answer = schema["paths"]["/users/{user_id}/recommendations"]["get"]["responses"]["422"]
    reference = answer["content"]["application/json"]["schema"]["$ref"]
    invalid = schema["components"]["schemas"][reference.rsplit("/", 1)[1]]
    assert {"detail", "message", "errors"} <= set(invalid["properties"])
