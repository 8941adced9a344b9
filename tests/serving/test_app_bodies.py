"""Bodies the service cannot read as JSON say why, in the 422 form of any unreadable JSON:
nesting or an integer that Python's JSON reader raises on (FastAPI's bare 400 "There was
an error parsing the body"), or a JSON object sent under another Content-Type (it "should
be a valid dictionary")."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import TOKEN, client, publish, settings  # noqa: E402

JSON = {"content-type": "application/json"}
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ENDPOINTS = ["/recommendations/new-user", "/users/{user}/recommendations", "/events",
             "/admin/reload"]


@pytest.fixture(scope="module")
def http(tmp_path_factory, als, train):
    registry = publish(tmp_path_factory.mktemp("bodies") / "registry", als, train)
    with client(settings(registry, admin_token=TOKEN)) as http:
        yield http


UNREADABLE = {
    "nested 100,000 deep": (b"[" * 100_000 + b"]" * 100_000,
                            "JSON decode error: arrays or objects nested too deeply"),
    "an object nested 50,000 deep": (b'{"items": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
                                     "JSON decode error: arrays or objects nested too deeply"),
}


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("body, message", UNREADABLE.values(), ids=UNREADABLE.keys())
def test_json_the_reader_raises_on_is_a_422_saying_what(http, user, path, body, message):
    answer = http.post(path.format(user=user), content=body, headers={**JSON, **AUTH})
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"] == [{"type": "json_invalid", "loc": ["body"],
                                        "msg": message, "input": {}}]


@pytest.mark.parametrize("path", ENDPOINTS)
def test_an_integer_the_reader_raises_on_is_named_by_its_field(http, user, path):
    # it was a "JSON decode error: an integer of more than 4300 digits" of the whole body:
    # the field that holds it is named (an unknown field as such: see the 139th probe)
    answer = http.post(path.format(user=user), content=b'{"k": ' + b"9" * 5000 + b"}",
                       headers={**JSON, **AUTH})
    assert answer.status_code == 422, answer.text
    [problem] = [p for p in answer.json()["detail"] if p["loc"] == ["body", "k"]]
    assert problem["input"] == "a 5,000-digit integer"
    if "/recommendations" in path:
        assert problem["msg"] == ("Input should be a whole number from 1 to 100 (this "
                                  "service's max_k); a 5,000-digit integer is too long to be "
                                  "read as a number (at most 4,300 digits)")
    else:
        assert problem["msg"].startswith("Unknown field of the body of POST ")


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_json_under_another_content_type_is_a_422_naming_the_content_type(
        http, user, path, content_type):
    answer = http.post(path.format(user=user), content=b'{"k": 5}',
                       headers={"content-type": content_type, **AUTH})
    assert answer.status_code == 422, answer.text
    [problem] = [p for p in answer.json()["detail"] if p["loc"] == ["body"]]
    assert problem["msg"] == ("the body must be a JSON object sent with 'Content-Type: "
                              f"application/json' (got '{content_type}')")


def test_other_http_errors_keep_their_answers(http):
    assert http.post("/admin/reload").headers["www-authenticate"] == "Bearer"
    assert http.get("/nowhere").json() == {
        "detail": "no endpoint at GET '/nowhere'; the endpoints are listed at /docs"}
    assert http.get("/nowhere%0A").json() == {
        "detail": "no endpoint at GET '/nowhere\\n'; the endpoints are listed at /docs"}


@pytest.mark.parametrize("path", ["/users/{user}%0A/history", "/users/{user}%0A/recommendations",
                                  "/items/{item}%0A/similar"])
def test_an_id_ending_in_a_line_break_is_trimmed_like_any_whitespace(http, user, item, path):
    # under the ':path' converter such ids matched no route: a bare 404 'Not Found'
    answer = http.get(path.format(user=user, item=item))
    assert answer.status_code == 200, answer.text


def test_other_http_errors_keep_their_answers_too(http):
    # (a 405 names the methods the endpoint takes: tests/serving/test_twenty_fifth_probe_methods)
    assert http.put("/events").json() == {"detail": "PUT is not allowed on /events; it takes "
                                                    "POST"}
    # a JSON string at the top level is still the schema's own message
    answer = http.post("/recommendations/new-user", content=b'"items"', headers=JSON)
    assert answer.json()["detail"][0]["msg"].startswith("Input should be a valid dictionary")
