"""Hundred-eighty-fourth bad-input probe of the HTTP service: a text field of a body that is
no id (a reload's ``variant``, an event's ``request_id``) given a number, a boolean, a list
or an object was refused with pydantic's "Input should be a valid string", which said
neither what was sent nor that quotes were missing. It is worded now as an id field's
refusal is: ``Input should be text (a JSON string): "5", not the number 5``."""

from __future__ import annotations

import time

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import TOKEN, client, publish, settings  # noqa: E402

AUTH = {"Authorization": f"Bearer {TOKEN}"}

VALUES = [
    (5, 'Input should be text (a JSON string): "5", not the number 5'),
    (5.0, 'Input should be text (a JSON string): "5", not the number 5.0'),
    (1.5, 'Input should be text (a JSON string): "1.5", not the number 1.5'),
    (True, "Input should be text (a JSON string), not a boolean"),
    (["a"], "Input should be text (a JSON string), not a list"),
    ({"a": 1}, "Input should be text (a JSON string), not an object"),
]


@pytest.fixture(scope="module")
def http(tmp_path_factory, als, train):
    root = tmp_path_factory.mktemp("text_fields")
    registry = publish(root / "registry", als, train)
    with client(settings(registry, admin_token=TOKEN, log_dir=str(root / "logs"))) as session:
        yield session, als


def _problem(answer):
    assert answer.status_code == 422, answer.text
    (problem,) = answer.json()["detail"]
    return problem


@pytest.mark.parametrize(("value", "expected"), VALUES)
def test_a_reload_variant_that_is_no_text(http, value, expected):
    session, _ = http
    problem = _problem(session.post("/admin/reload", json={"variant": value}, headers=AUTH))
    assert problem["loc"] == ["body", "variant"]
    assert problem["msg"] == expected


@pytest.mark.parametrize(("value", "expected"), VALUES)
def test_an_events_request_id_that_is_no_text(http, value, expected):
    session, model = http
    event = {"event": "click", "user_id": str(model.users_.external_ids[0]),
             "item_id": str(model.items_.external_ids[0]), "timestamp": time.time(),
             "request_id": value}
    problem = _problem(session.post("/events", json={"events": [event]}))
    assert problem["loc"] == ["body", "events", 0, "request_id"]
    assert problem["msg"] == expected
