"""Round 52 A: the service's Python API refuses in the words of its HTTP answers, and the
last refusals worded by pydantic state the field, the limit and what was given.

From Python, a ``Service`` with a lowered ``max_id_length`` refused a long id as "an id of
11 characters; this service takes at most 10 (max_id_length)", a ``k`` above ``max_k`` as
"k=51 exceeds this service's max_k (50)" and ``k=0`` as "must be a whole number from 1",
where HTTP stated the range; over HTTP an id over the schema's cap was told the schema's
128 where the service took 10. A NaN time or amount was "Input should be a finite number"
(no range), a context value of 300 characters and an empty or over-long list of items or
events got pydantic's words, and a long unknown key of an event was repeated to 200
characters (whole from Python). Every expected message is written out here by hand.
"""

from __future__ import annotations

import json
import warnings
from decimal import Decimal

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.serving.service import InvalidContextError, RequestLimitError  # noqa: E402
from tests.serving.service_helpers import publish, settings  # noqa: E402

NEW_USER = "/recommendations/new-user"
K_RANGE = "Input should be a whole number from 1 to 50 (this service's max_k)"
TIME = 1764595200


@pytest.fixture(scope="module")
def http(tmp_path_factory, train, als):
    root = tmp_path_factory.mktemp("round52_a")
    registry = publish(root / "registry", als, train)
    from recstack.serving.app import create_app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # starlette's note about its httpx-based client
        from fastapi.testclient import TestClient
    lowered = settings(registry, max_k=50, max_id_length=10, max_items=5, max_events=3,
                       log_dir=str(root / "logs"))
    with TestClient(create_app(lowered)) as opened:
        yield opened


@pytest.fixture(scope="module")
def service(http):
    return http.app.state.service


def _event(user, item, **fields):
    return {"event": "click", "user_id": user, "item_id": item, "timestamp": TIME, **fields}


def _only(answer) -> tuple[list, str]:
    """The one refused part of a 422: its loc and its msg."""
    assert answer.status_code == 422, answer.text
    [error] = answer.json()["errors"]
    return error["loc"], error["msg"]


def _refusal(call, kind=RequestLimitError) -> str:
    with pytest.raises(kind) as caught:
        call()
    return str(caught.value)


# --------------------------------------------------------------------------- ids
def test_a_lowered_max_id_length_is_said_in_one_wording_from_python_and_http(
        http, service, item):
    said = ("an id of 11 characters ('uuuuuuuuuuu'...); this service takes ids of at most 10 "
            "characters")
    assert _refusal(lambda: service.recommend_user("u" * 11, 5)) == f"user_id: {said}"
    assert _refusal(lambda: service.similar("u" * 11, 5)) == f"item_id: {said}"
    assert _refusal(lambda: service.recommend_new([item, "u" * 11], 5)) == f"items[1]: {said}"
    assert http.get(f"/users/{'u' * 11}/recommendations").json()["detail"] == \
        f"user_id: {said}"


@pytest.mark.parametrize(("path", "body", "where"), [
    ("/users/{long}/recommendations", None, ["path", "user_id"]),
    (NEW_USER, {"items": ["{long}"]}, ["body", "items", 0]),
])
def test_an_id_over_the_schemas_cap_is_told_the_services_own_top(http, path, body, where):
    long = "w" * 200
    if body is None:
        answer = http.get(path.format(long=long))
    else:
        answer = http.post(path, json={"items": [long]})
    loc, msg = _only(answer)
    assert loc == where
    # it said "at most 128 characters", the schema's cap, where this service takes 10
    assert msg == ("an id of 200 characters ('wwwwwwwwwwwwwwwwwwww'...); this service takes "
                   "ids of at most 10 characters")


# --------------------------------------------------------------------------- counts
@pytest.mark.parametrize(("k", "given"), [
    (51, "the number 51"),
    (0, "the number 0"),
    (-3, "the number -3"),
    (True, "bool True"),
    (5.0, "float 5.0; write 5, without a decimal point or exponent"),
    ("5", "str '5'"),
    (None, "NoneType None"),
    (float("nan"), "float nan"),
    (Decimal("5.5"), "Decimal('5.5')"),
])
def test_a_refused_k_from_python_states_the_range_as_http_does(service, user, item, k, given):
    for call in (lambda: service.recommend_user(user, k),
                 lambda: service.recommend_new([item], k),
                 lambda: service.similar(item, k)):
        assert _refusal(call) == f"k: {K_RANGE}, not {given}"


@pytest.mark.parametrize("k", [0, 51])
def test_python_and_http_say_the_same_of_a_k_out_of_range(http, service, user, k):
    _, msg = _only(http.get(f"/users/{user}/recommendations?k={k}"))
    assert _refusal(lambda: service.recommend_user(user, k)) == f"k: {msg}"


def test_a_limit_over_the_cap_from_python_states_the_range_as_http_does(http, service):
    _, msg = _only(http.get("/users?limit=1001"))
    assert msg == "Input should be a whole number from 1 to 1000, not the number 1001"
    assert _refusal(lambda: service.some_users(1001)) == f"limit: {msg}"


# --------------------------------------------------------------------------- non-finite
@pytest.mark.parametrize(("value", "word"), [(float("nan"), "NaN"), (float("inf"), "Infinity")])
def test_a_non_finite_time_states_the_accepted_range(service, user, item, value, word):
    event = _refusal(lambda: service.record_events([_event(user, item, timestamp=value)]))
    assert event == ("events[0].timestamp: Input should be a finite number: the event's time "
                     "in seconds since 1970 (UTC), from 100000000 (1973-03-03) to a day past "
                     f"the server's clock, not {word}")
    request = _refusal(lambda: service.recommend_user(user, 5, timestamp=value),
                       InvalidContextError)
    assert request == ("timestamp: Input should be a finite number: the request's time in "
                       "seconds since 1970 (UTC), from 100000000 (1973-03-03) to 100000000000, "
                       f"not {word}")


def test_a_nan_time_in_a_json_body_states_the_range(http, user, item):
    # Python's json writes NaN as the bare word, as a lenient client does
    body = json.dumps({"events": [_event(user, item, timestamp=float("nan"))]})
    assert '"timestamp": NaN' in body
    answer = http.post("/events", content=body, headers={"content-type": "application/json"})
    loc, msg = _only(answer)
    assert loc == ["body", "events", 0, "timestamp"]
    assert msg.startswith("NaN is not JSON")
    assert "from 100000000 (1973-03-03) to a day past the server's clock" in msg


def test_a_nan_amount_states_the_range(service, user, item):
    said = _refusal(lambda: service.record_events([_event(user, item,
                                                          revenue=float("nan"))]))
    assert said == ("events[0].revenue: Input should be a finite number: an amount from 0 to "
                    "1e12, not NaN")


def test_a_nan_id_from_python_is_named_as_nan(service, item):
    # it was told "a number beyond a float's range: a number this large is not exact"
    said = _refusal(lambda: service.record_events([_event(float("nan"), item)]))
    assert said == ("events[0].user_id: Input should be an id written as text (a str), not "
                    "float nan (a missing value?)")


# --------------------------------------------------------------------------- texts
def test_a_long_context_value_is_said_with_its_length_start_and_limit(http, service, user):
    said = ("a text of 300 characters ('xxxxxxxxxxxxxxxxxxxx'...); a context value is at "
            "most 256 characters")
    answer = http.post(f"/users/{user}/recommendations",
                       json={"context": {"device": "x" * 300}})
    loc, msg = _only(answer)
    assert (loc, msg) == (["body", "context", "device"], said)
    assert "x" * 21 not in answer.text
    assert _refusal(lambda: service.recommend_user(user, 5, context={"device": "x" * 300}),
                    InvalidContextError) == f"context.device: {said}"


def test_a_long_unknown_key_of_an_event_is_cut_alike_from_python_and_http(
        http, service, user, item):
    key = "k" * 300
    shown = "'kkkkkkkkkkkkkkkkkkkk'... (300 characters)"
    answer = http.post("/events", json={"events": [{**_event(user, item), key: 1}]})
    loc, _ = _only(answer)
    assert loc == ["body", "events", 0, shown]
    said = _refusal(lambda: service.record_events([{**_event(user, item), key: 1}]))
    assert said.startswith(f"events[0].{shown}: unknown field of an event; it takes: ")
    # inside a repeated input too (it was cut at 200 characters, where texts are cut at 20)
    answer = http.post("/events", json={"events": [{key: 1}]})
    inputs = [problem["input"] for problem in answer.json()["detail"]]
    assert {shown: 1} in inputs and "k" * 21 not in answer.text


# --------------------------------------------------------------------------- lists
@pytest.mark.parametrize(("count", "given"), [
    (0, "an empty list; give at least one item id the visitor chose, e.g. [\"42\"]"),
    (6, "a list of 6"),  # within the schema's cap, above max_items
    (501, "a list of 501"),  # above the schema's cap
])
def test_a_refused_number_of_items_is_said_alike_from_python_and_http(
        http, service, item, count, given):
    said = ("Input should be a list of 1 to 5 item ids (this service's max_items), not "
            + given)
    loc, msg = _only(http.post(NEW_USER, json={"items": [item] * count}))
    assert (loc, msg) == (["body", "items"], said)
    assert _refusal(lambda: service.recommend_new([item] * count, 5)) == f"items: {said}"


@pytest.mark.parametrize(("count", "given"), [
    (0, "an empty list"), (4, "a list of 4"), (1001, "a list of 1,001")])
def test_a_refused_number_of_events_is_said_alike_from_python_and_http(
        http, service, user, item, count, given):
    said = ("Input should be a list of 1 to 3 events (this service's max_events), not "
            + given)
    events = [_event(user, item)] * count
    loc, msg = _only(http.post("/events", json={"events": events}))
    assert (loc, msg) == (["body", "events"], said)
    assert _refusal(lambda: service.record_events(events)) == f"events: {said}"


def test_lists_at_the_settings_tops_are_taken(http, service, user, item):
    assert http.post(NEW_USER, json={"items": [item] * 5}).status_code == 200
    assert service.record_events([_event(user, item)] * 3) == 3
    assert http.post("/events", json={"events": [_event(user, item)] * 3}).status_code == 202


# --------------------------------------------------------------------------- other kinds
@pytest.mark.parametrize(("value", "said"), [
    (5, "Input should be text (a str): \"5\", not int 5"),
    (["r"], "Input should be text (a str), not a list"),
])
def test_a_request_id_that_is_not_text_is_named_from_python_as_over_http(
        http, service, user, item, value, said):
    # from Python it was pydantic's "Input should be a valid string"
    assert _refusal(lambda: service.record_events([_event(user, item, request_id=value)])) \
        == f"events[0].request_id: {said}"
    _, msg = _only(http.post("/events", json={"events": [_event(user, item, request_id=5)]}))
    assert msg == "Input should be text (a JSON string): \"5\", not the number 5"


@pytest.mark.parametrize(("user_id", "said"), [
    ("u" * 11, "user_id: an id of 11 characters ('uuuuuuuuuuu'...); this service takes ids "
               "of at most 10 characters"),
    ("a\x00", "user_id: the id 'a\\x00' is not printable text: it holds a control character "
              "(NUL) at character 2; give the id without it"),
])
def test_the_arm_of_an_id_no_request_may_carry_is_refused(service, user_id, said):
    # variant_for assigned an arm to text that every request with it is refused
    assert _refusal(lambda: service.variant_for(user_id)) == said
    assert service.variant_for("").name == service.variant_for(None).name == "default"
