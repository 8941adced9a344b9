"""An empty ``?q=`` and an empty or over-long context key got pydantic's own words
("String should have at least 1 character", at ``context..[key]``) where their neighbours
get the service's: each is worded as the neighbouring refusals are, naming the field
(hundred_seventy_second probe)."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import client, publish, settings  # noqa: E402


@pytest.fixture(scope="module")
def http(tmp_path_factory, popular, train):
    registry = publish(tmp_path_factory.mktemp("words") / "registry", popular, train)
    with client(settings(registry)) as session:
        yield session


@pytest.mark.parametrize("path", ["/items/search?q=", "/items/search?q"])
def test_an_empty_search_text_is_worded_as_a_blank_one(http, path):
    answer = http.get(path)
    assert answer.status_code == 422
    body = answer.json()
    said = "the search text is empty; give a word of a title to search for"
    # the place named as the schema's refusals name it (round 52 N: it was "q: ...")
    assert body["message"] == f"query parameter q: {said}"
    assert body["errors"] == [{"loc": ["query", "q"], "msg": f"q: {said}"}]
    # its neighbour, only spaces, says the same kind of thing
    assert "is only whitespace; give a word of a title" in http.get(
        "/items/search", params={"q": "  "}).json()["message"]


def test_the_published_schema_still_bounds_the_search_text(http):
    (q,) = [p for p in http.get("/openapi.json").json()["paths"]["/items/search"]["get"][
        "parameters"] if p["name"] == "q"]
    assert q["schema"]["minLength"] == 1 and q["schema"]["maxLength"] == 200


def _context_answer(http, train, context):
    user = str(train.users.to_external([0])[0])
    answer = http.post(f"/users/{user}/recommendations", json={"context": context})
    assert answer.status_code == 422
    return answer.json()


def test_an_empty_context_key_is_named_as_a_key(http, train):
    body = _context_answer(http, train, {"": "a"})
    assert body["message"] == ('body field context: Input should have no empty key: a '
                               'context key is the name of a context column of the served '
                               'model, such as "device"')
    assert [e["loc"] for e in body["errors"]] == [["body", "context"]]
    assert "[key]" not in body["message"] and ".." not in body["message"]


def test_an_over_long_context_key_is_cut_in_the_message(http, train):
    key = "d" * 70
    body = _context_answer(http, train, {key: "a"})
    assert body["message"] == ("body field context: Input should have keys of at most 64 "
                               "characters (a context column's name), not the key "
                               f"'{'d' * 20}...' of 70 characters")
    assert key not in body["message"]


def test_a_context_key_of_64_characters_reaches_the_service(http, train):
    # the bound itself is no key problem: the service answers it (no such column)
    body = _context_answer(http, train, {"d" * 64: "a"})
    assert body["message"].startswith(f"context key '{'d' * 64}' is not a context column")
