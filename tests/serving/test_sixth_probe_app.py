"""Sixth bad-input probe of the HTTP service's bodies: a JSON key given twice, and a JSON
body sent under a Content-Type FastAPI does not read as JSON."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import TOKEN, client, publish, settings  # noqa: E402

JSON = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def http(tmp_path_factory, als, train):
    registry = publish(tmp_path_factory.mktemp("sixth") / "registry", als, train)
    with client(settings(registry, admin_token=TOKEN,
                         log_dir=str(tmp_path_factory.mktemp("logs")))) as opened:
        yield opened


@pytest.mark.parametrize(("path", "body"), [
    ("/users/{user}/recommendations", b'{"k": 3, "k": 5}'),
    ("/users/{user}/recommendations", b'{"exclude_seen": false, "exclude_seen": true}'),
    ("/recommendations/new-user", b'{"items": ["{item}"], "k": 2, "k": 4}'),
    ("/events", b'{"events": [{"event": "click", "user_id": "1", "user_id": "2", '
                b'"item_id": "3", "timestamp": 1700000000}]}'),
])
def test_a_key_given_twice_is_refused_naming_it(http, als, path, body):
    user, item = als.users_.external_ids[0], als.items_.external_ids[0]
    path = path.format(user=user)
    body = body.replace(b"{item}", str(item).encode())
    answer = http.post(path, content=body, headers=JSON)
    # before: the last one won ({"k": 3, "k": 5} gave 5 items; the event was user 2's)
    assert answer.status_code == 422, answer.text
    (problem,) = answer.json()["detail"]
    assert problem["type"] == "json_invalid" and problem["loc"] == ["body"]
    assert problem["msg"].startswith("JSON decode error: the key '")
    assert "is given twice in one object; give it once" in problem["msg"]


def test_a_key_given_twice_in_the_admin_body_is_refused(http):
    answer = http.post("/admin/reload", content=b'{"variant": "a", "variant": "b"}',
                       headers={**JSON, "authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 422
    assert "the key 'variant' is given twice" in answer.text


def test_the_same_keys_in_different_objects_are_fine(http, als):
    user = als.users_.external_ids[0]
    body = (b'{"events": [{"event": "click", "user_id": "1", "item_id": "3", "timestamp": '
            b'1700000000}, {"event": "click", "user_id": "1", "item_id": "3", "timestamp": '
            b'1700000001}]}')
    assert http.post("/events", content=body, headers=JSON).json() == {"accepted": 2}
    answer = http.post(f"/users/{user}/recommendations", content=b'{"k": 3}', headers=JSON)
    assert len(answer.json()["items"]) == 3


@pytest.mark.parametrize("content_type", ["text/json", "text/plain", "application/x-json"])
def test_a_json_body_under_another_content_type_says_which_to_send(http, als, content_type):
    user = als.users_.external_ids[0]
    answer = http.post(f"/users/{user}/recommendations", content=b'{"k": 3}',
                       headers={"content-type": content_type})
    assert answer.status_code == 422
    # before (text/json, application/x-json): "Input should be a valid dictionary or object
    # to extract fields from", as the type holds "json"
    assert answer.json()["detail"][0]["msg"] == (
        "the body must be a JSON object sent with 'Content-Type: application/json' (got "
        f"{content_type!r})")


@pytest.mark.parametrize("content_type", ["application/json; charset=utf-8",
                                          "application/vnd.api+json", "Application/JSON"])
def test_json_content_types_are_read(http, als, content_type):
    user = als.users_.external_ids[0]
    answer = http.post(f"/users/{user}/recommendations", content=b'{"k": 2}',
                       headers={"content-type": content_type})
    assert answer.status_code == 200 and len(answer.json()["items"]) == 2
