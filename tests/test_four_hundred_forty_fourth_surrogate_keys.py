"""A key holding a lone surrogate (``"\\ud800"``: legal as a JSON escape, but no character)
is named in the 422: a context key was placed as ``context.\\ufffd\\ufffd\\ufffd.[key]``
(pydantic's place held the key as UTF-8 could not, a U+FFFD per byte of the half), naming
no key the client sent, and a key of the body or of an event was said as "the text holds",
as if a value held it."""

from __future__ import annotations

import warnings

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.serving.registry import ModelRegistry  # noqa: E402
from recstack.serving.settings import ServiceSettings  # noqa: E402

TOKEN = "t" * 40
HEADERS = {"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"}
HALF = ("half of a UTF-16 surrogate pair without its other half (no character); escape "
        "both halves of the character (\\ud83d\\ude00 for U+1F600) or send it as UTF-8")


@pytest.fixture(scope="module")
def http(tmp_path_factory):
    from recstack.data.synthetic import generate
    from recstack.models.baselines import MostPopular
    from recstack.serving.app import create_app

    train = generate(n_users=40, n_items=30, n_interactions=400, seed=3, progress=None)
    registry = ModelRegistry(tmp_path_factory.mktemp("keys") / "registry")
    registry.publish("popular", MostPopular().fit(train), data=train)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # starlette's note about its httpx-based client
        from fastapi.testclient import TestClient
    settings = ServiceSettings.create(registry=str(registry.root), admin_token=TOKEN)
    with TestClient(create_app(settings)) as client:
        yield client


# (raw JSON text: json.dumps would escape the surrogate itself; six characters come back)
CASES = {
    "context key": ("/users/1/recommendations", rb'{"context": {"dev\udc00ice": "x"}}',
                    ["body", "context", r"dev\udc00ice", "[key]"],
                    "the key holds \\udc00 at character 4, " + HALF),
    "context key alone": ("/users/1/recommendations", rb'{"context": {"\ud800": 1}}',
                          ["body", "context", r"\ud800", "[key]"],
                          "the key holds \\ud800 at character 1, " + HALF),
    "body key": ("/admin/reload", rb'{"\ud800": 1}', ["body"],
                 "the key '\\ud800' of the body's object holds \\ud800 at character 1, "
                 + HALF),
    "event key": ("/events", rb'{"events": [{"x\ud800": 1, "event": "click", '
                  rb'"user_id": "1", "item_id": "2", "timestamp": 1700000000}]}',
                  ["body", "events", 0],
                  "the key 'x\\ud800' of the object holds \\ud800 at character 2, " + HALF),
}


@pytest.mark.parametrize("path, body, loc, message", CASES.values(), ids=CASES.keys())
def test_a_key_with_a_lone_surrogate_is_named_as_a_key(http, path, body, loc, message):
    answer = http.post(path, content=body, headers=HEADERS)
    assert answer.status_code == 422, answer.text
    problem = next(p for p in answer.json()["detail"] if p["type"] == "string_unicode")
    assert problem["loc"] == loc
    assert problem["msg"] == message
    assert "\ufffd" not in answer.text


def test_a_value_with_a_lone_surrogate_is_still_said_as_text(http):
    answer = http.post("/users/1/recommendations", content=rb'{"context": {"device": "\udfff"}}',
                       headers=HEADERS)
    assert answer.status_code == 422, answer.text
    problem = next(p for p in answer.json()["detail"] if p["type"] == "string_unicode")
    assert problem["loc"] == ["body", "context", "device"]
    assert problem["msg"] == "the text holds \\udfff at character 1, " + HALF
