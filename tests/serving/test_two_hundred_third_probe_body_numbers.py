"""Two-hundred-third probe, JSON bodies: a number field of a body (an event's
``timestamp``, ``revenue`` or ``cost``, a request's ``timestamp``) given ``true``, null, a
list, an object or a number in quotes was pydantic's "Input should be a valid number",
naming neither what was sent nor how to write it (the counts and ids of the same bodies
say both); and a body that is not JSON (cut short, a trailing comma, single quotes, two
objects) was "body at character 11: JSON decode error", the reason left in the answer's
``ctx``. Each now says what was sent, or what is wrong where, in words. Each test failed
before its fix."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import client, publish, settings  # noqa: E402

TIME = 1_700_000_000


@pytest.fixture(scope="module")
def http(tmp_path_factory, als, train):
    folder = tmp_path_factory.mktemp("numbers")
    registry = publish(folder / "registry", als, train)
    with client(settings(registry, log_dir=str(folder / "logs"))) as http:
        yield http


def _event(user, item, **values):
    return {"events": [{"event": "click", "user_id": user, "item_id": item, "timestamp": TIME,
                        **values}]}


def _only(answer, loc):
    assert answer.status_code == 422, answer.text
    errors = answer.json()["errors"]
    assert [e["loc"] for e in errors] == [loc], errors
    return errors[0]["msg"]


SECONDS = "Input should be a time in seconds since 1970 (UTC) written as a number " \
          "(e.g. 1764595200), not "
AMOUNT = "Input should be an amount written as a number (e.g. 4.99), not "


@pytest.mark.parametrize("field, value, expected", [
    ("timestamp", True, SECONDS + "a boolean"),
    ("timestamp", None, SECONDS + "null"),
    ("timestamp", [TIME], SECONDS + "a list"),
    ("timestamp", {"s": TIME}, SECONDS + "an object"),
    ("revenue", True, AMOUNT + "a boolean"),
    ("revenue", None, AMOUNT + "null"),
    ("revenue", "4.99", AMOUNT + 'the text "4.99"; write it without quotes'),
    ("cost", " 5 ", AMOUNT + 'the text " 5 "; write it without quotes'),
    ("revenue", "NaN", AMOUNT + 'the text "NaN"'),
    ("cost", "abc", AMOUNT + 'the text "abc"'),
    ("cost", [1], AMOUNT + "a list"),
    ("revenue", {}, AMOUNT + "an object"),
])
def test_an_event_number_that_is_no_number_says_what_was_sent(http, user, item, field, value,
                                                              expected):
    answer = http.post("/events", json=_event(user, item, **{field: value}))
    assert _only(answer, ["body", "events", 0, field]) == expected


@pytest.mark.parametrize("value, kind", [(True, "a boolean"), ([TIME], "a list"),
                                         ({}, "an object")])
def test_a_request_time_that_is_no_number_says_what_was_sent(http, item, value, kind):
    answer = http.post("/recommendations/new-user", json={"items": [item], "timestamp": value})
    assert _only(answer, ["body", "timestamp"]) == SECONDS + kind


def test_numbers_and_a_missing_request_time_are_still_taken(http, user, item):
    assert http.post("/events", json=_event(user, item, revenue=4.99, cost=0)).json() == \
        {"accepted": 1}
    # null is "the server's clock" for a request (its timestamp is optional)
    answer = http.post("/recommendations/new-user", json={"items": [item], "timestamp": None})
    assert answer.status_code == 200, answer.text
    # the bounds still speak after the kind check: -1 is below 0
    answer = http.post("/events", json=_event(user, item, revenue=-1))
    assert _only(answer, ["body", "events", 0, "revenue"]) == \
        "Input should be an amount from 0 to 1e12, not the number -1"


CUT = "JSON decode error: the JSON ends before it is complete (a body cut short?): "
VALUE = ("a value was expected (a number, text in double quotes, true, false, null, a list "
         "or an object)")
KEY = ("a key in double quotes was expected (JSON has no single quotes, and no comma after "
       "an object's last entry)")


@pytest.mark.parametrize("body, position, expected", [
    ('{"items": [', 11, CUT + VALUE),
    ('{"items": ["0', 11, CUT + "text opened with a double quote here is never closed"),
    ('{', 1, CUT + KEY),
    ('{"items": ["0"], }', 17, "JSON decode error: " + KEY),
    ("{'items': ['0']}", 1, "JSON decode error: " + KEY),
    ('{"items": []} x', 14, "JSON decode error: more follows the end of the JSON value (a "
                            "body is one JSON object)"),
    ('{"items": []}{"items": []}', 13, "JSON decode error: more follows the end of the JSON "
                                       "value (a body is one JSON object)"),
    ('{"items" ["0"]}', 9, "JSON decode error: a ':' was expected between a key and its "
                           "value"),
    ('{"items": ["0" "1"]}', 15, "JSON decode error: a ',' was expected between two entries "
                                 "(or the closing bracket or brace)"),
    # several lines: the line and column too (the 22nd character is line 3, column 3)
    ('{\n  "items": ["0",\n  ]\n}', 21, f"JSON decode error: {VALUE} (line 3, column 3)"),
])
def test_a_body_that_is_not_json_says_what_is_wrong_where(http, body, position, expected):
    answer = http.post("/recommendations/new-user", content=body.encode(),
                       headers={"Content-Type": "application/json"})
    assert _only(answer, ["body", position]) == expected
    # an error inside a value names the field it is in (the fuzzer of round 54)
    place = "body field items" if position in (11, 15, 21) else "body"
    assert answer.json()["message"] == f"{place} at character {position}: {expected}"
