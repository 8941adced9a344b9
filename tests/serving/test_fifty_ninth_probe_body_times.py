"""A request's or an event's time in milliseconds (what JavaScript's Date.now() gives) is
a 422 saying that the unit is wrong, not only that the number passes the schema's bound
(the service's own "not milliseconds" check covers times below that bound alone)."""

from __future__ import annotations

import time

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import client, publish, settings  # noqa: E402

MILLISECONDS = 1_796_425_000_000  # a time of December 2026, in milliseconds


@pytest.fixture(scope="module")
def http(tmp_path_factory, als, train):
    root = tmp_path_factory.mktemp("body_times")
    registry = publish(root / "registry", als, train)
    with client(settings(registry, log_dir=str(root / "logs"))) as session:
        yield session, als


def _only_problem(answer):
    assert answer.status_code == 422, answer.text
    (problem,) = answer.json()["detail"]
    return problem


def test_an_event_time_in_milliseconds(http):
    session, model = http
    event = {"user_id": str(model.users_.external_ids[0]),
             "item_id": str(model.items_.external_ids[0]), "event": "click",
             "timestamp": MILLISECONDS}
    problem = _only_problem(session.post("/events", json={"events": [event]}))
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
    problem = _only_problem(session.post(
        path.format(user=model.users_.external_ids[0]), json=body))
    assert problem["loc"] == ["body", "timestamp"]
    assert "reads as milliseconds (divide by 1000)" in problem["msg"]


def test_seconds_and_the_other_bounds_are_as_before(http):
    session, model = http
    event = {"user_id": str(model.users_.external_ids[0]),
             "item_id": str(model.items_.external_ids[0]), "event": "click"}
    assert session.post("/events", json={"events": [{**event, "timestamp": time.time()}]}
                        ).status_code == 202
    problem = _only_problem(session.post("/events", json={"events": [{**event,
                                                                      "timestamp": -1}]}))
    assert problem["type"] == "greater_than_equal"
    problem = _only_problem(session.post("/events", json={"events": [{**event,
                                                                      "timestamp": "1"}]}))
    assert problem["loc"] == ["body", "events", 0, "timestamp"]
    schema = session.get("/openapi.json").json()["components"]["schemas"]["Event"]
    assert schema["properties"]["timestamp"]["maximum"] == 1e11
