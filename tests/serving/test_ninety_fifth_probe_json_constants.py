"""Ninety-fifth bad-input probe of request bodies, the words ``NaN``, ``Infinity`` and
``-Infinity``: Python's JSON reader takes them, JSON has no such numbers, and a client
whose JSON writer is lenient (Python's ``json.dumps`` among them) sends them for a missing
number. Every field refused them, naming itself, but said "Input should be a finite
number" or "a valid string", and for an id to write the text ``"nan"``, an id nobody
meant. The 422 now says that the word is not JSON, still naming the field, and repeats
the word as it was sent. A number past float's range (``1e400``, which is JSON) keeps its
own message."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import TOKEN, client, publish, settings  # noqa: E402

HEADERS = {"content-type": "application/json", "Authorization": f"Bearer {TOKEN}"}
EVENT = {"event": "click", "user_id": "1", "item_id": "2", "timestamp": 1.7e9,
         "session_id": "s", "request_id": "r", "position": 1, "revenue": 0.0}


@pytest.fixture(scope="module")
def http(tmp_path_factory, als, train):
    folder = tmp_path_factory.mktemp("constants")
    registry = publish(folder / "registry", als, train)
    (folder / "logs").mkdir()
    with client(settings(registry, admin_token=TOKEN, log_dir=str(folder / "logs"))) as http:
        yield http


def _event_with(field: str) -> str:
    event = {**EVENT, field: "@@"}
    return '{"events": [' + json.dumps(event).replace('"@@"', "%s") + "]}"


BODIES = [("/users/1/recommendations", '{"k": %s}', ["body", "k"]),
          ("/users/1/recommendations", '{"exclude_seen": %s}', ["body", "exclude_seen"]),
          ("/users/1/recommendations", '{"timestamp": %s}', ["body", "timestamp"]),
          ("/users/1/recommendations", '{"context": {"device": %s}}',
           ["body", "context", "device"]),
          ("/recommendations/new-user", '{"items": ["1", %s]}', ["body", "items", 1]),
          ("/admin/reload", '{"version": %s}', ["body", "version"]),
          ("/admin/reload", '{"variant": %s}', ["body", "variant"])] + [
    ("/events", _event_with(field), ["body", "events", 0, field])
    for field in ("user_id", "item_id", "session_id", "request_id", "timestamp", "position",
                  "revenue")]


#: the fields of an event that it cannot be sent without
REQUIRED = {"user_id", "item_id", "timestamp"}


@pytest.mark.parametrize("word", ["NaN", "Infinity", "-Infinity"])
@pytest.mark.parametrize("path, body, loc", BODIES, ids=[" ".join(map(str, b[2][1:]))
                                                         for b in BODIES])
def test_a_json_constant_is_said_to_be_no_json_naming_the_field(http, path, body, loc, word):
    answer = http.post(path, content=(body % word).encode(), headers=HEADERS)
    assert answer.status_code == 422, answer.text
    [problem] = answer.json()["detail"]
    assert problem["loc"] == loc
    assert problem["input"] == word
    assert problem["msg"].startswith(f"{word} is not JSON (JSON has no NaN or infinity"), \
        problem["msg"]
    # a required field is not told to be left out, nor an entry of a list (round 52 N)
    instead = ("leave the entry out of the list or give its value" if loc[-1] == 1
               else "give its value (the field is required)"
               if loc[1] == "events" and loc[-1] in REQUIRED
               else "leave the field out or give its value")
    assert f"; {instead} (" in problem["msg"]
    assert '"nan"' not in problem["msg"]  # no id to write as the text "nan"


def test_an_id_given_as_nan_is_not_told_to_write_nan(http):
    answer = http.post("/recommendations/new-user", content=b'{"items": [NaN]}',
                       headers=HEADERS)
    [problem] = answer.json()["detail"]
    assert problem["msg"].endswith("(an id is written as text, a JSON string)")


def test_a_number_past_float_range_keeps_its_message(http):
    answer = http.post("/users/1/recommendations", content=b'{"k": 1e400}', headers=HEADERS)
    assert answer.status_code == 422, answer.text
    [problem] = answer.json()["detail"]
    assert problem["loc"] == ["body", "k"]
    # named as written (it is JSON, read as an infinity), not "Input should be a finite
    # number" of the input "inf" (changed by the two hundred sixty-fourth probe)
    assert problem["input"] == "1e400"
    assert problem["msg"] == ("1e400 is beyond the range of a number (about 1.8e308 either "
                              "way: past it the value is lost); leave the field out or give "
                              "its value (Input should be a whole number from 1 to 100 "
                              "(this service's max_k))")


def test_a_number_as_id_still_names_the_text_to_write(http):
    answer = http.post("/recommendations/new-user", content=b'{"items": [20]}',
                       headers=HEADERS)
    [problem] = answer.json()["detail"]
    assert problem["msg"] == ('Input should be an id written as text (a JSON string): '
                              '"20", not the number 20')
