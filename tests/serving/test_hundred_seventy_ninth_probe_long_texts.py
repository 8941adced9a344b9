"""A query or path text over its cap is refused in the service's words, as the same text is
from Python (``Service.search_titles``, the id checks): ``?q=`` of 201 characters got
pydantic's "String should have at most 200 characters" (and a user id of 129 its "at most
128"), the only refusals of the service in another voice, and without the length given.
The answer keeps its shape: ``detail`` (type, loc, input, ctx), ``message`` and ``errors``."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.serving import schemas  # noqa: E402
from tests.serving.service_helpers import client, publish, settings  # noqa: E402


@pytest.fixture(scope="module")
def http(tmp_path_factory, als, train):
    root = tmp_path_factory.mktemp("long_texts179")
    registry = publish(root / "registry", als, train)
    with client(settings(registry, log_dir=str(root / "logs"))) as test_client:
        yield test_client


@pytest.mark.parametrize(("text", "length"), [("a" * 201, "201"), ("é" * 300, "300"),
                                              ("ab" * 2500, "5,000")])
def test_an_over_long_search_text_is_refused_in_the_services_words(http, text, length):
    answer = http.get("/items/search", params={"q": text})
    assert answer.status_code == 422
    body = answer.json()
    msg = f"a search text of {length} characters; this service takes at most 200"
    assert body["message"] == f"query parameter q: {msg}"
    assert body["errors"] == [{"loc": ["query", "q"], "msg": msg}]
    (problem,) = body["detail"]
    assert problem["type"] == "string_too_long" and problem["loc"] == ["query", "q"]
    assert problem["msg"] == msg and problem["ctx"] == {"max_length": 200}


@pytest.mark.parametrize(("path", "field"), [
    ("/users/{}/recommendations", "user_id"), ("/users/{}/history", "user_id"),
    ("/items/{}/similar", "item_id")])
def test_an_over_long_id_in_the_path_is_refused_in_the_services_words(http, path, field):
    answer = http.get(path.format("u" * 129))
    assert answer.status_code == 422
    body = answer.json()
    # the id is shown by its first 20 characters, never whole
    msg = ("an id of 129 characters ('uuuuuuuuuuuuuuuuuuuu'...); this service takes ids of "
           "at most 128 characters")
    assert body["message"] == f"path parameter {field}: {msg}"
    assert body["errors"] == [{"loc": ["path", field], "msg": msg}]


def test_texts_at_the_caps_are_answered(http):
    assert http.get("/items/search", params={"q": "a" * schemas.MAX_QUERY_LENGTH}
                    ).json() == {"items": []}
    assert http.get("/users/" + "u" * schemas.MAX_ID_LENGTH + "/recommendations"
                    ).status_code != 422
