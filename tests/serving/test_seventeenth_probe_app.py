"""Seventeenth bad-input probe of the HTTP service: a JSON body sent without a
Content-Type header was answered "Input should be a valid dictionary or object to extract
fields from" (FastAPI reads such a body as text), and integer query parameters took
Python's digit-group underscores: ``?k=5_0`` was a list of 50 items, and ``?k=1_000`` was
refused as "k=1000 exceeds this service's max_k", a number the client never wrote."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import client, publish, settings  # noqa: E402


@pytest.fixture(scope="module")
def http(tmp_path_factory, als, train):
    registry = publish(tmp_path_factory.mktemp("seventeenth") / "registry", als, train)
    with client(settings(registry)) as opened:
        yield opened


@pytest.mark.parametrize(("path", "body"), [
    ("/users/{user}/recommendations", b'{"k": 3}'),
    ("/recommendations/new-user", b'{"items": ["{item}"], "k": 3}'),
])
def test_a_json_body_without_a_content_type_says_which_to_send(http, user, item, path, body):
    # no headers: httpx sends raw content without a Content-Type
    answer = http.post(path.format(user=user),
                       content=body.replace(b"{item}", item.encode()))
    assert answer.status_code == 422, answer.text
    (problem,) = answer.json()["detail"]
    assert problem["loc"] == ["body"]
    assert problem["msg"] == ("the body must be a JSON object sent with 'Content-Type: "
                              "application/json' (got no Content-Type header)")


def test_the_same_body_with_the_content_type_is_served(http, user):
    answer = http.post(f"/users/{user}/recommendations", content=b'{"k": 3}',
                       headers={"content-type": "application/json"})
    assert answer.status_code == 200
    assert len(answer.json()["items"]) == 3


@pytest.mark.parametrize("path", ["/users/{user}/recommendations?k={value}",
                                  "/items/{item}/similar?k={value}",
                                  "/users/{user}/history?limit={value}",
                                  "/users?limit={value}",
                                  "/items/search?q=1&limit={value}"])
@pytest.mark.parametrize("value", ["5_0", "1_000"])
def test_an_integer_with_underscores_in_the_query_is_refused(http, user, item, path, value):
    answer = http.get(path.format(user=user, item=item, value=value))
    assert answer.status_code == 422, answer.text
    (problem,) = answer.json()["detail"]
    name = path.rpartition("?")[2].rpartition("&")[2].partition("=")[0]
    assert problem["loc"] == ["query", name]
    # a k's top is the service's max_k (100 by default), a limit's the schema's 1000
    top = "100 (this service's max_k)" if name == "k" else "1000"
    assert problem["msg"] == (f"Input should be a whole number from 1 to {top}, not "
                              f"'{value}'; write it with digits only (no '_')")
    assert problem["input"] == value


def test_plain_integers_in_the_query_still_work(http, user):
    answer = http.get(f"/users/{user}/recommendations?k=50")
    assert answer.status_code == 200
    assert len(answer.json()["items"]) == 50
    assert len(http.get("/users?limit=7").json()["users"]) == 7
