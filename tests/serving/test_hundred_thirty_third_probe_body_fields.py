"""Hundred-thirty-third probe: a JSON body field its object does not take (``{"item":
[...]}`` for ``items``, an event's ``"evnt"``) was answered with pydantic's "Extra inputs are
not permitted" alone, while an unknown query parameter is told the parameters its endpoint
takes. The 422 now names the nearest field and the fields the object takes, at the field's
own place."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import client, publish, settings  # noqa: E402


@pytest.fixture(scope="module")
def http(tmp_path_factory, als, train):
    registry = publish(tmp_path_factory.mktemp("body_fields") / "registry", als, train)
    with client(settings(registry)) as opened:
        yield opened


def _unknown(answer, loc):
    assert answer.status_code == 422, answer.text
    return next(e["msg"] for e in answer.json()["errors"] if e["loc"] == loc)


def test_a_misspelt_field_of_a_new_visitors_body_is_named(http, item):
    answer = http.post("/recommendations/new-user", json={"item": [item]})
    assert _unknown(answer, ["body", "item"]) == (
        "Unknown field of the body of POST /recommendations/new-user (did you mean "
        "'items'?); it takes: items, k, context, timestamp, user_id")


def test_a_field_of_another_endpoint_lists_the_fields_taken(http, item):
    # exclude_seen belongs to a user's recommendations: nothing is near, every field is
    # said, and (hundred-eighty-ninth probe) the endpoint whose body takes it
    answer = http.post("/recommendations/new-user", json={"items": [item],
                                                          "exclude_seen": False})
    assert _unknown(answer, ["body", "exclude_seen"]) == (
        "Unknown field of the body of POST /recommendations/new-user; it takes: items, k, "
        "context, timestamp, user_id; 'exclude_seen' is a field of POST /users/{user_id}/"
        "recommendations")


def test_a_misspelt_field_of_an_event_names_the_event(http, user, item):
    event = {"evnt": "click", "user_id": user, "item_id": item, "timestamp": 1.7e9}
    answer = http.post("/events", json={"events": [event]})
    message = _unknown(answer, ["body", "events", 0, "evnt"])
    assert message.startswith("Unknown field of events[0] (did you mean 'event'?); it takes: "
                              "event, user_id, item_id, timestamp, ")


def test_the_body_form_of_a_users_recommendations(http, user):
    answer = http.post(f"/users/{user}/recommendations", json={"kk": 5})
    assert _unknown(answer, ["body", "kk"]) == (
        "Unknown field of the body of POST /users/{user_id}/recommendations (did you mean "
        "'k'?); it takes: k, exclude_seen, context, timestamp")
    assert answer.json()["message"].startswith("body field kk: Unknown field of the body")
