"""``Service.record_events`` from Python keeps the one id rule of the service's other Python
methods and the limits of ``POST /events``: an event's integer ``item_id`` was refused
("not int 3") while ``recommend_user(3, 10)`` and ``similar(3, 10)`` took integers, and an
empty list was accepted as 0 events logged where the route refuses it (422)."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.serving.service import RequestLimitError  # noqa: E402
from tests.serving.service_helpers import client, publish, settings  # noqa: E402


@pytest.fixture(scope="module")
def http(tmp_path_factory, als, train):
    root = tmp_path_factory.mktemp("events159")
    registry = publish(root / "registry", als, train)
    with client(settings(registry, log_dir=str(root / "logs"))) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def service(http):
    return http.app.state.service


def _event(user_id, item_id, **more):
    return {"event": "click", "user_id": user_id, "item_id": item_id,
            "timestamp": 1764595200, **more}


def test_the_shared_model_has_integer_ids(user, item):
    # the tests below give these ids as integers: they must spell integers
    assert int(user) >= 0 and int(item) >= 0


@pytest.mark.parametrize("kind", [int, np.int64, np.int32, lambda text: text.encode()])
def test_an_events_ids_may_be_integers_or_bytes_as_for_every_other_method(
        service, user, item, kind):
    assert service.record_events([_event(kind(user), kind(item))]) == 1
    assert service.record_events([_event(user, kind(item), session_id=kind("12"))]) == 1


def test_an_integer_id_is_the_same_user_as_its_text(service, user):
    # the variant is chosen by the id's text: 7 and "7" are one user, as in recommend_user
    assert service.recommend_user(int(user), 5).variant == \
        service.recommend_user(user, 5).variant


@pytest.mark.parametrize(("value", "said"), [
    (b"\xff7", "events[0].item_id: the id is bytes that are not UTF-8 text"),
    (10**5000, "events[0].item_id: the id is "),
], ids=["bytes", "long-integer"])
def test_ids_the_other_methods_refuse_are_refused_in_an_event_with_its_place(
        service, user, value, said):
    with pytest.raises(RequestLimitError) as caught:
        service.record_events([_event(user, value)])
    assert str(caught.value).startswith(said)
    assert caught.value.field == "events[0].item_id"
    with pytest.raises(RequestLimitError) as again:
        service.similar(value, 5)
    assert str(again.value).removeprefix("item_id") == \
        str(caught.value).removeprefix("events[0].item_id")


def test_an_integer_id_in_the_second_event_is_checked_there(service, user, item):
    with pytest.raises(RequestLimitError) as caught:
        service.record_events([_event(user, item), _event(int(user), b"\xff")])
    assert caught.value.field == "events[1].item_id"


@pytest.mark.parametrize("events", [[], ()])
def test_no_events_is_refused_from_python_as_over_http(http, service, events):
    assert http.post("/events", json={"events": []}).status_code == 422
    with pytest.raises(RequestLimitError) as caught:
        service.record_events(events)
    assert str(caught.value) == ("events: Input should be a list of 1 to 1,000 events (this "
                                 "service's max_events), not an empty list")
    assert caught.value.field == "events"


def test_http_still_refuses_a_number_where_an_id_belongs(http, user, item):
    # JSON bodies keep their rule: an id is written as text
    answer = http.post("/events", json={"events": [_event(user, int(item))]})
    assert answer.status_code == 422
    assert "written as text" in answer.json()["errors"][0]["msg"]


@pytest.mark.parametrize(("name", "near"), [("itemid", "item_id"), ("evnt", "event"),
                                             ("timestmp", "timestamp")])
def test_a_misspelt_field_from_python_is_named_with_the_field_meant(service, user, item,
                                                                     name, near):
    event = _event(user, item)
    event[name] = event.pop(near)
    with pytest.raises(RequestLimitError) as caught:
        service.record_events([event])
    assert str(caught.value) == (
        f"events[0].{name}: unknown field of an event (did you mean {near!r}?); it takes: "
        "event, user_id, item_id, timestamp, session_id, request_id, position, revenue, cost")
    assert caught.value.field == f"events[0].{name}"
