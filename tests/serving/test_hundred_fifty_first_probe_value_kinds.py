"""Values of the wrong kind where a list, an object or an array belongs, named by what was
given. ``{"events": {...}}`` (one event where the list belongs), ``"x"`` or ``null`` were
"Input should be a valid list"; an event, a body or a context that is not a JSON object
was "Input should be a valid dictionary (or object to extract fields from)"; and
``top_k(None, k)`` said "got shape ()", numpy's reading of None. Each now says what was
given and what to write, as the other body fields do."""

from __future__ import annotations

import json

import numpy as np
import pytest

from recstack.errors import ConfigError
from recstack.topk import rows_with_nan, top_k, top_k_threaded

EVENT_FIELDS = ("event, user_id, item_id, timestamp, session_id, request_id, position, "
                "revenue, cost")
EVENTS_EXAMPLE = ('[{"event": "click", "user_id": "7", "item_id": "42", "timestamp": '
                  '1764595200}]')


@pytest.mark.parametrize(("scores", "given"), [
    (None, "got None"),
    ("abc", "got str 'abc'"),
    (5, "got int 5"),
    (2.5, "got float 2.5"),
    ({"a": 1}, "got dict {'a': 1}"),
    (np.zeros(3), r"got a 1-d array of shape \(3,\)"),
    (np.zeros((1, 2, 2)), r"got a 3-d array of shape \(1, 2, 2\)"),
    ([1.0, 2.0], r"got a 1-d list of shape \(2,\)"),
])
@pytest.mark.parametrize("call", [
    lambda scores: top_k(scores, 2),
    lambda scores: top_k_threaded(scores, 2, None, 1),
    lambda scores: rows_with_nan(scores),
], ids=["top_k", "top_k_threaded", "rows_with_nan"])
def test_scores_that_are_no_2d_array_are_named(call, scores, given):
    with pytest.raises(ConfigError, match=r"^scores must be a 2-d array \(rows x items\), "
                                          + given + "$"):
        call(scores)


def test_scores_as_a_list_of_rows_are_still_ranked():
    indices, values = top_k([[0.1, 0.9, 0.5]], 2)
    assert indices.tolist() == [[1, 2]] and values.tolist() == [[0.9, 0.5]]


pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import client, publish, settings  # noqa: E402

JSON = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def http(tmp_path_factory, als, train):
    registry = publish(tmp_path_factory.mktemp("kinds151") / "registry", als, train)
    with client(settings(registry)) as test_client:
        yield test_client


def _problem(answer) -> dict:
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert len(body["errors"]) == 1, body
    return body["errors"][0]


def _post(http, path: str, body: object):
    return http.post(path, content=json.dumps(body).encode(), headers=JSON)


@pytest.fixture
def event(user, item):
    return {"event": "click", "user_id": user, "item_id": item, "timestamp": 1.7e9}


@pytest.mark.parametrize(("events", "kind"), [
    ("x", 'the text "x"'),
    (None, "null"),
    (5, "the number 5"),
    (True, "a boolean"),
])
def test_events_of_another_kind_say_what_was_given(http, events, kind):
    problem = _problem(_post(http, "/events", {"events": events}))
    assert problem["loc"] == ["body", "events"]
    assert problem["msg"] == (f"Input should be a valid list of events such as "
                              f"{EVENTS_EXAMPLE}, not {kind}")


def test_one_event_where_the_list_belongs_says_to_wrap_it(http, event):
    answer = _post(http, "/events", {"events": event})
    problem = _problem(answer)
    assert problem["loc"] == ["body", "events"]
    assert problem["msg"] == (f"Input should be a valid list of events such as "
                              f"{EVENTS_EXAMPLE}, not an object; one event is sent as a list "
                              "of one, [{...}]")
    assert answer.json()["message"] == f"body field events: {problem['msg']}"
    # wrapped, the schema takes it (this service keeps no log: 409, not a 422)
    assert _post(http, "/events", {"events": [event]}).status_code == 409


@pytest.mark.parametrize(("entry", "kind"), [
    ("x", 'the text "x"'),
    (None, "null"),
    (1, "the number 1"),
    ([], "a list"),
])
def test_an_event_that_is_not_an_object_names_the_fields_it_takes(http, event, entry, kind):
    problem = _problem(_post(http, "/events", {"events": [event, entry]}))
    assert problem["loc"] == ["body", "events", 1]
    assert problem["msg"] == ("Input should be a valid dictionary or object to extract "
                              f"fields from: a JSON object of the fields {EVENT_FIELDS}, not "
                              f"{kind}")


@pytest.mark.parametrize(("body", "kind"), [
    (["42"], "a list"),
    ("items", 'the text "items"'),
    (7, "the number 7"),
])
def test_a_body_that_is_not_an_object_names_the_fields_it_takes(http, body, kind):
    problem = _problem(_post(http, "/recommendations/new-user", body))
    assert problem["loc"] == ["body"]
    assert problem["msg"] == ("Input should be a valid dictionary or object to extract "
                              "fields from: a JSON object of the fields items, k, context, "
                              f"timestamp, user_id, not {kind}")


@pytest.mark.parametrize(("context", "kind"), [
    ("device=phone", 'the text "device=phone"'),
    ([], "a list"),
    (3, "the number 3"),
])
def test_a_context_that_is_not_an_object_says_what_was_given(http, item, context, kind):
    problem = _problem(_post(http, "/recommendations/new-user",
                             {"items": [item], "context": context}))
    assert problem["loc"] == ["body", "context"]
    assert problem["msg"] == ('Input should be a valid dictionary, a JSON object of column -> '
                              f'value such as {{"device": "phone"}}, not {kind}')


@pytest.fixture(scope="module")
def logging_service(tmp_path_factory, als, train):
    root = tmp_path_factory.mktemp("events151")
    registry = publish(root / "registry", als, train)
    with client(settings(registry, log_dir=str(root / "logs"))) as test_client:
        yield test_client.app.state.service


@pytest.mark.parametrize(("events", "where", "said"), [
    # in Python's words for a caller from Python (None, str, dict), not JSON's
    ("x", "events", f"Input should be a valid list of events such as {EVENTS_EXAMPLE}, not "
                    "str 'x'"),
    (None, "events", f"Input should be a valid list of events such as {EVENTS_EXAMPLE}, "
                     "not None"),
    (["x"], "events[0]", "Input should be a valid dictionary or object to extract fields "
                         f"from: a dict of the fields {EVENT_FIELDS}, not str 'x'"),
])
def test_events_from_python_follow_the_bodys_rules(logging_service, events, where, said):
    from recstack.serving.service import RequestLimitError

    with pytest.raises(RequestLimitError) as caught:
        logging_service.record_events(events)
    assert str(caught.value) == f"{where}: {said}"


def test_one_event_from_python_where_the_list_belongs(logging_service, event):
    from recstack.serving.service import RequestLimitError

    with pytest.raises(RequestLimitError, match=r"^events: .*not a dict; one event is "
                                                r"sent as a list of one"):
        logging_service.record_events(event)
    missing = {key: value for key, value in event.items() if key != "timestamp"}
    with pytest.raises(RequestLimitError, match=r"^events\[1\]\.timestamp: Field required"):
        logging_service.record_events([event, missing])


def test_events_from_python_as_mappings_or_events_are_logged(logging_service, event):
    from recstack.serving.schemas import Event

    assert logging_service.record_events([event, Event(**event)]) == 2
    assert logging_service.record_events((event,)) == 1
