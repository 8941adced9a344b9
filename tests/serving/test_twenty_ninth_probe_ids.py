"""Twenty-ninth bad-input probe of the HTTP service: ids holding control characters.

``POST /events`` took a NUL, a line feed or a tab inside a user, item or session id (and
any text as the ``request_id``, an empty one included) and logged them as given; a path id
holding a NUL or a line break was looked up as given ("unknown user"), and a posted item
holding one was listed as unknown. Every id of a request is now refused with a 422 naming
the field, the character and its position; surrounding whitespace is still trimmed, as by
every reader of ids. A new visitor's item given twice counts once (pinned here: the
history is one row of ones, as the skew check recomputes it)."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import client, publish, settings  # noqa: E402


@pytest.fixture(scope="module")
def http(tmp_path_factory, als, train):
    folder = tmp_path_factory.mktemp("twenty_ninth_ids")
    registry = publish(folder / "registry", als, train)
    with client(settings(registry, log_dir=str(folder / "logs"))) as opened:
        yield opened


EVENT = {"event": "click", "user_id": "7", "item_id": "3", "timestamp": 1_700_000_000}

#: (field, bad value, the character's name, its position in the id), worked by hand
BAD_EVENT_IDS = [
    ("user_id", "1\n2", "a line feed", 2),
    ("user_id", "a\u2028b", "a line separator, U+2028", 2),
    ("item_id", "3\x00", "NUL", 2),
    ("item_id", "ab\tc", "a tab", 3),
    ("session_id", "s\r1", "a carriage return", 2),
    ("session_id", "\x1b[31m", "U+001B", 1),
]


@pytest.mark.parametrize(("field", "value", "name", "position"), BAD_EVENT_IDS)
def test_an_event_id_holding_a_control_character_is_a_422_naming_it(http, field, value,
                                                                    name, position):
    answer = http.post("/events", json={"events": [EVENT, {**EVENT, field: value}]})
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"] == (
        f"events[1].{field}: the id {value!r} is not printable text: it holds a control "
        f"character ({name}) at character {position}; give the id without it")


@pytest.mark.parametrize(("value", "words"), [
    ("", "'' is empty or only whitespace"), ("  ", "'  ' is empty or only whitespace"),
    ("r\n1", "'r\\n1' is not printable text: it holds a control character (a line feed) "
             "at character 2"),
])
def test_an_event_request_id_that_joins_no_request_is_a_422_naming_it(http, value, words):
    answer = http.post("/events", json={"events": [{**EVENT, "request_id": value}]})
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"].startswith(f"events[0].request_id: {words}; give the "
                                              "request_id of the answer the event follows")


def test_good_events_are_still_accepted_and_their_ids_trimmed(http):
    answer = http.post("/events", json={"events": [
        EVENT, {**EVENT, "user_id": " 8\t", "request_id": " abc ", "session_id": "s 1"}]})
    assert answer.status_code == 202, answer.text
    assert answer.json() == {"accepted": 2}


def test_a_posted_item_holding_a_control_character_is_a_422_naming_it(http, item):
    answer = http.post("/recommendations/new-user", json={"items": [item, "2\x7f"], "k": 3})
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"] == ("items[1]: the id '2\\x7f' is not printable text: it "
                                       "holds a control character (DEL) at character 2; give "
                                       "the id without it")


@pytest.mark.parametrize(("method", "path", "field"), [
    ("get", "/users/{user}%00/recommendations", "user_id"),  # the fast path
    ("get", "/users/{user}%00/recommendations?k=2", "user_id"),
    ("post", "/users/{user}%00/recommendations", "user_id"),
    ("get", "/users/1%0A{user}/history", "user_id"),
    ("get", "/items/1%09{item}/similar", "item_id"),
])
def test_a_path_id_holding_a_control_character_is_a_422_naming_it(http, user, item, method,
                                                                  path, field):
    answer = http.request(method.upper(), path.format(user=user, item=item))
    assert answer.status_code == 422, answer.text
    detail = answer.json()["detail"]
    assert detail.startswith(f"{field}: the id ")
    assert "is not printable text: it holds a control character (" in detail
    # each id is one character, then the control character (the fixtures' ids are "0")
    assert detail.endswith(") at character 2; give the id without it")


def test_the_position_counts_characters_after_trimming(http, user):
    # " 5\x00": trimmed to "5\x00", whose NUL is its second character
    answer = http.post("/events", json={"events": [{**EVENT, "user_id": " 5\x00"}]})
    assert answer.status_code == 422, answer.text
    assert "(NUL) at character 2" in answer.json()["detail"]


def test_an_item_given_twice_by_a_new_visitor_counts_once(http, als):
    first, second = (str(i) for i in als.items_.external_ids[[3, 10]])
    once = http.post("/recommendations/new-user", json={"items": [first, second], "k": 6})
    twice = http.post("/recommendations/new-user",
                      json={"items": [first, second, f" {first}", first], "k": 6})
    assert once.status_code == twice.status_code == 200, twice.text
    assert [i["item_id"] for i in twice.json()["items"]] == \
        [i["item_id"] for i in once.json()["items"]]
    assert [i["score"] for i in twice.json()["items"]] == \
        [i["score"] for i in once.json()["items"]]
    assert twice.json()["unknown_items"] == []
