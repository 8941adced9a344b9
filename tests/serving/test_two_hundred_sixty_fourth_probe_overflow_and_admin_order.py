"""Two hundred sixty-fourth bad-input probe, HTTP bodies.

A JSON number past float's range (``1e400``, ``-1e999``: valid JSON) is read as an
infinity, and every field refused it as "Input should be a finite number" with the input
``"inf"``, which the client never sent. The number is now named as written and said to be
beyond the range of a number, in every body field (the request's ``k``, ``timestamp``
and context values, the events' fields, an id, the admin ``version``).

An admin request without the token whose body was not JSON (or repeated a key), or whose
query named an unknown parameter, was answered 422 describing the request: the token is
now checked first, so such a request is a 401 (or 403 for a wrong token) whatever it sent.
"""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import TOKEN, client, publish, settings  # noqa: E402

JSON = {"Content-Type": "application/json"}
ADMIN = {**JSON, "Authorization": f"Bearer {TOKEN}"}
RANGE = "is beyond the range of a number (about 1.8e308 either way: past it the value is lost)"


@pytest.fixture(scope="module")
def http(tmp_path_factory, als, train):
    registry = publish(tmp_path_factory.mktemp("overflow") / "registry", als, train)
    with client(settings(registry, admin_token=TOKEN)) as http:
        yield http


def _event(user, item, timestamp="1764595200", revenue="0"):
    return (f'{{"events": [{{"event": "click", "user_id": "{user}", "item_id": "{item}", '
            f'"timestamp": {timestamp}, "revenue": {revenue}}}]}}')


def _fields(user, item):
    return {
        "k": (f"/users/{user}/recommendations", '{"k": 1e400}', ["body", "k"], "1e400"),
        "negative k": (f"/users/{user}/recommendations", '{"k": -1E+999}', ["body", "k"],
                       "-1E+999"),
        "request time": (f"/users/{user}/recommendations", '{"timestamp": 2e308}',
                         ["body", "timestamp"], "2e308"),
        "context value": (f"/users/{user}/recommendations", '{"context": {"a": 1e400}}',
                          ["body", "context", "a"], "1e400"),
        "event revenue": ("/events", _event(user, item, revenue="1e400"),
                          ["body", "events", 0, "revenue"], "1e400"),
        "event time": ("/events", _event(user, item, timestamp="-1e400"),
                       ["body", "events", 0, "timestamp"], "-1e400"),
    }


@pytest.mark.parametrize("field", ["k", "negative k", "request time", "context value",
                                   "event revenue", "event time"])
def test_a_number_past_float_range_is_named_as_written(http, user, item, field):
    path, body, loc, written = _fields(user, item)[field]
    answer = http.post(path, content=body, headers=JSON)
    assert answer.status_code == 422, answer.text
    (problem,) = answer.json()["detail"]
    assert problem["loc"] == loc
    assert problem["input"] == written
    assert problem["msg"].startswith(f"{written} {RANGE}; ")
    assert "inf" not in problem["msg"].replace("infinity", "")


def test_an_id_past_float_range_is_named_in_the_id_s_own_message(http):
    answer = http.post("/recommendations/new-user", content='{"items": [1e400]}',
                       headers=JSON)
    assert answer.status_code == 422, answer.text
    (problem,) = answer.json()["detail"]
    assert problem["loc"] == ["body", "items", 0]
    assert problem["input"] == "1e400"
    assert problem["msg"] == ("Input should be an id written as text (a JSON string), not "
                              "the number 1e400, beyond a float's range: a number this large "
                              "is not exact; write the id's own digits in quotes")


def test_a_number_repeated_in_another_message_is_named_as_written(http, user):
    answer = http.post(f"/users/{user}/recommendations", content='{"exclude_seen": 1e400}',
                       headers=JSON)
    assert answer.status_code == 422, answer.text
    message = answer.json()["message"]
    assert message.startswith(f"body field exclude_seen: 1e400 {RANGE}; ")
    assert "not the number 1e400)" in message
    assert "inf)" not in message


def test_several_such_numbers_are_listed_where_each_field_s_own_is_not_known(http):
    answer = http.post("/events", content='{"events": [{"event": "click", "user_id": "1", '
                       '"item_id": "2", "timestamp": 1e400, "revenue": 2e400}]}',
                       headers=JSON)
    assert answer.status_code == 422, answer.text
    problems = answer.json()["detail"]
    assert [problem["input"] for problem in problems] == ["one of 1e400, 2e400"] * 2
    assert [problem["loc"][-1] for problem in problems] == ["timestamp", "revenue"]
    assert problems[0]["msg"].startswith(f"one of 1e400, 2e400 {RANGE}; ")


def test_the_json_constants_and_plain_numbers_keep_their_messages(http, user):
    answer = http.post(f"/users/{user}/recommendations", content='{"k": Infinity}',
                       headers=JSON)
    assert answer.json()["detail"][0]["msg"].startswith("Infinity is not JSON")
    answer = http.post(f"/users/{user}/recommendations", content='{"k": 1e300}',
                       headers=JSON)
    assert answer.json()["detail"][0]["msg"] == ("Input should be a whole number from 1 to "
                                                 "100 (this service's max_k), not the number "
                                                 "1e+300")
    answer = http.post(f"/users/{user}/recommendations", content='{"k": 3.0e0}',
                       headers=JSON)
    assert "not the number 3.0; write 3," in answer.json()["detail"][0]["msg"]


def test_the_admin_version_past_float_range_is_named(http):
    answer = http.post("/admin/reload", content='{"version": 1e400}', headers=ADMIN)
    assert answer.status_code == 422, answer.text
    assert answer.json()["message"].startswith(f"body field version: 1e400 {RANGE}")


BAD_REQUESTS = {
    "not JSON": ("", '{"version": '),
    "a repeated key": ("", '{"version": 1, "version": 2}'),
    "UTF-16": ("", '{"version": 1}'.encode("utf-16")),
    "an unknown query parameter": ("?force=1", "{}"),
}


@pytest.mark.parametrize("query, body", BAD_REQUESTS.values(), ids=BAD_REQUESTS.keys())
def test_an_admin_request_without_the_token_is_401_whatever_it_sent(http, query, body):
    answer = http.post(f"/admin/reload{query}", content=body, headers=JSON)
    assert answer.status_code == 401, answer.text
    assert answer.json()["detail"] == ("no Authorization header: send the admin token as "
                                       "'Authorization: Bearer TOKEN'")
    assert answer.headers["www-authenticate"] == "Bearer"
    wrong = {**JSON, "Authorization": "Bearer " + "w" * 40}
    answer = http.post(f"/admin/reload{query}", content=body, headers=wrong)
    assert answer.status_code == 403, answer.text
    assert answer.json()["detail"] == "wrong admin token"


@pytest.mark.parametrize("query, body", BAD_REQUESTS.values(), ids=BAD_REQUESTS.keys())
def test_with_the_token_the_request_itself_is_still_refused(http, query, body):
    answer = http.post(f"/admin/reload{query}", content=body, headers=ADMIN)
    assert answer.status_code == 422, answer.text


def test_a_reload_with_the_token_still_works(http):
    answer = http.post("/admin/reload", content="{}", headers=ADMIN)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"models": ["als@1"]}
