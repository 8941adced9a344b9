"""Fields of a JSON body written in the wrong form get a 422 naming the field and saying how
to write it: ids as a number (``[42]``), null, a boolean or a list where a string belongs
(rather than pydantic's "Input should be a valid string"), and a request's or an event's
time in milliseconds, what JavaScript's Date.now() gives (not only that the number passes
the schema's bound: the service's own "not milliseconds" check covers times below that
bound alone)."""

from __future__ import annotations

import time

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import client, publish, settings  # noqa: E402

MILLISECONDS = 1_796_425_000_000  # a time of December 2026, in milliseconds


@pytest.fixture(scope="module")
def http(tmp_path_factory, als, train):
    root = tmp_path_factory.mktemp("body_fields")
    registry = publish(root / "registry", als, train)
    with client(settings(registry, log_dir=str(root / "logs"))) as session:
        yield session, als


def _detail(answer):
    assert answer.status_code == 422, answer.text
    (problem,) = answer.json()["detail"]
    return problem


@pytest.mark.parametrize(("value", "expected"), [
    (20, 'Input should be an id written as text (a JSON string): "20", not the number 20'),
    (20.0, 'Input should be an id written as text (a JSON string): "20", not the number '
     "20.0"),
    (2.5, 'Input should be an id written as text (a JSON string): "2.5", not the number '
     "2.5"),
    (None, 'Input should be an id written as text (a JSON string such as "42"), not null'),
    (True, 'Input should be an id written as text (a JSON string such as "42"), not a '
     "boolean"),
    (["20"], 'Input should be an id written as text (a JSON string such as "42"), not a '
     "list"),
])
def test_a_new_visitors_item_that_is_no_string(http, value, expected):
    session, _ = http
    problem = _detail(session.post("/recommendations/new-user", json={"items": [value]}))
    assert problem["loc"] == ["body", "items", 0]
    assert problem["msg"] == expected


@pytest.mark.parametrize("field", ["user_id", "item_id", "session_id"])
def test_an_events_id_that_is_a_number(http, field):
    session, model = http
    event = {"user_id": str(model.users_.external_ids[0]),
             "item_id": str(model.items_.external_ids[0]), "event": "click",
             "timestamp": time.time()}
    event[field] = 7
    problem = _detail(session.post("/events", json={"events": [event]}))
    assert problem["loc"] == ["body", "events", 0, field]
    assert problem["msg"].endswith('(a JSON string): "7", not the number 7')


def test_string_ids_and_no_session_are_still_accepted(http):
    session, model = http
    item = str(model.items_.external_ids[0])
    assert session.post("/recommendations/new-user", json={"items": [item]}).status_code \
        == 200
    event = {"user_id": str(model.users_.external_ids[0]), "item_id": item,
             "event": "click", "timestamp": time.time(), "session_id": None}
    assert session.post("/events", json={"events": [event]}).status_code == 202


def test_an_event_time_in_milliseconds(http):
    session, model = http
    event = {"user_id": str(model.users_.external_ids[0]),
             "item_id": str(model.items_.external_ids[0]), "event": "click",
             "timestamp": MILLISECONDS}
    problem = _detail(session.post("/events", json={"events": [event]}))
    assert problem["loc"] == ["body", "events", 0, "timestamp"]
    assert problem["msg"] == ("Input should be seconds since 1970 (UTC), at most "
                              f"100000000000; {MILLISECONDS} reads as milliseconds (divide "
                              "by 1000)")


@pytest.mark.parametrize("path", ["/recommendations/new-user", "/users/{user}/recommendations"])
def test_a_request_time_in_milliseconds(http, path):
    session, model = http
    body = {"timestamp": float(MILLISECONDS)}
    if "new-user" in path:
        body["items"] = [str(model.items_.external_ids[0])]
    problem = _detail(session.post(
        path.format(user=model.users_.external_ids[0]), json=body))
    assert problem["loc"] == ["body", "timestamp"]
    assert "reads as milliseconds (divide by 1000)" in problem["msg"]


def test_seconds_and_the_other_bounds_are_as_before(http):
    session, model = http
    event = {"user_id": str(model.users_.external_ids[0]),
             "item_id": str(model.items_.external_ids[0]), "event": "click"}
    assert session.post("/events", json={"events": [{**event, "timestamp": time.time()}]}
                        ).status_code == 202
    problem = _detail(session.post("/events", json={"events": [{**event,
                                                                      "timestamp": -1}]}))
    assert problem["type"] == "greater_than_equal"
    problem = _detail(session.post("/events", json={"events": [{**event,
                                                                      "timestamp": "1"}]}))
    assert problem["loc"] == ["body", "events", 0, "timestamp"]
    schema = session.get("/openapi.json").json()["components"]["schemas"]["Event"]
    assert schema["properties"]["timestamp"]["maximum"] == 1e11
