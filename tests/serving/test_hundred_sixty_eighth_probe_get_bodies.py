"""A ``GET`` that sends a body (``GET /users/7/recommendations`` with ``{"k": 3}``, as a
client that puts every request's fields in a JSON body does): HTTP gives a GET's body no
meaning and the service read none, so the request was answered with the defaults
(``default_k`` items) as if it had asked for them. Now it is a 400 saying that a GET
takes no body and where its parameters go; a ``Content-Length: 0`` (which some clients
send on every request) is no body, and the query still works."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import client, publish, settings  # noqa: E402

REFUSAL = ("a GET request takes no body, and this one sends {sent} (it would be ignored, "
           "and the request answered with the defaults): give the parameters in the query "
           "string (e.g. ?k=3&exclude_seen=false), or send the JSON body with POST where the "
           "endpoint takes one (POST /users/{{user_id}}/recommendations)")


@pytest.fixture
def http(tmp_path, als, train):
    registry = publish(tmp_path / "registry", als, train)
    with client(settings(registry, default_k=10)) as answered:
        yield answered


@pytest.mark.parametrize("path", ["/users/{user}/recommendations", "/users",
                                  "/items/{item}/similar", "/health"])
def test_a_get_with_a_body_is_refused_saying_where_parameters_go(http, user, item, path):
    answer = http.request("GET", path.format(user=user, item=item), content=b'{"k": 3}',
                          headers={"content-type": "application/json"})
    assert answer.status_code == 400, answer.text
    assert answer.json() == {"detail": REFUSAL.format(sent="8 bytes")}


def test_a_chunked_body_is_refused_too(http, user):
    def chunks():
        yield b'{"k": '
        yield b"3}"

    answer = http.request("GET", f"/users/{user}/recommendations", content=chunks())
    assert answer.status_code == 400
    assert answer.json() == {"detail": REFUSAL.format(sent="a chunked body")}


def test_a_head_with_a_body_is_refused_without_a_body(http, user):
    answer = http.request("HEAD", f"/users/{user}/recommendations", content=b"{}")
    assert answer.status_code == 400
    assert answer.content == b""


def test_no_body_and_an_empty_one_still_get_answers(http, user):
    plain = http.get(f"/users/{user}/recommendations?k=3")
    empty = http.request("GET", f"/users/{user}/recommendations?k=3",
                         headers={"content-length": "0"})
    assert plain.status_code == empty.status_code == 200
    assert len(plain.json()["items"]) == len(empty.json()["items"]) == 3
    assert [i["item_id"] for i in plain.json()["items"]] == \
        [i["item_id"] for i in empty.json()["items"]]
    # the body's fields belong to POST, which reads them
    posted = http.post(f"/users/{user}/recommendations", json={"k": 3})
    assert posted.status_code == 200
    assert posted.json()["items"] == plain.json()["items"]
