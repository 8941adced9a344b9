"""The service's Python methods keep the rules of the routes that call them: from Python,
``Service.search_titles`` searched for a text of any length where ``GET /items/search``
caps ``q`` at 200 characters, ``recommend_new([], k)`` answered the most popular items as
if the visitor had chosen some where ``POST /recommendations/new-user`` refuses an empty
``items``, a ``limit`` of a million listed every user where the routes take 1 to 1,000,
and ``recommend_new``'s ``user_id`` of "" or 500 characters chose a variant. A value of
the wrong kind from Python was told in JSON's words ("not null", "a JSON string"); it is
told in Python's (``None``, ``str``, ``dict``)."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.serving import schemas  # noqa: E402
from recstack.serving.service import InvalidContextError, RequestLimitError  # noqa: E402
from tests.serving.service_helpers import client, publish, settings  # noqa: E402


@pytest.fixture(scope="module")
def http(tmp_path_factory, als, train):
    root = tmp_path_factory.mktemp("python_routes155")
    registry = publish(root / "registry", als, train)
    with client(settings(registry, log_dir=str(root / "logs"))) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def service(http):
    return http.app.state.service


@pytest.mark.parametrize("length", [schemas.MAX_QUERY_LENGTH + 1, 5000])
def test_a_search_text_over_the_routes_cap_is_refused_from_python_as_over_http(
        http, service, length):
    text = "a" * length
    assert http.get(f"/items/search?q={text}").status_code == 422
    with pytest.raises(RequestLimitError) as caught:
        service.search_titles(text, 5)
    assert str(caught.value) == (f"q: a search text of {length:,} characters; this service "
                                 "takes at most 200")
    assert caught.value.field == "q"


def test_a_search_text_at_the_cap_is_searched_from_python_as_over_http(http, service):
    text = "a" * schemas.MAX_QUERY_LENGTH
    assert http.get(f"/items/search?q={text}").json() == {"items": []}
    ids, titles = service.search_titles(text, 5)
    assert len(ids) == len(titles) == 0


@pytest.mark.parametrize("items", [[], (), np.array([], dtype=object)])
def test_no_items_is_refused_from_python_as_over_http(http, service, items):
    assert http.post("/recommendations/new-user", json={"items": []}).status_code == 422
    with pytest.raises(RequestLimitError) as caught:
        service.recommend_new(items, 5)
    assert str(caught.value) == ("items: Input should be a list of 1 to 500 item ids (this "
                                 "service's max_items), not an empty list; give at least one "
                                 "item id the visitor chose, e.g. [\"42\"]")
    assert caught.value.field == "items"


def test_one_item_is_still_answered_from_python(service, item):
    assert len(service.recommend_new([item], 5).item_ids) == 5


@pytest.mark.parametrize(("call", "path"), [
    (lambda service, user: service.search_titles("1", 1001), "/items/search?q=1&limit=1001"),
    (lambda service, user: service.some_users(10**6), "/users?limit=1000000"),
    (lambda service, user: service.history(user, 1001), "/users/{user}/history?limit=1001"),
])
def test_a_limit_over_the_routes_cap_is_refused_from_python_as_over_http(
        http, service, user, call, path):
    assert http.get(path.replace("{user}", user)).status_code == 422
    with pytest.raises(RequestLimitError, match=r"^limit: Input should be a whole number from "
                                                r"1 to 1000, not the number \d+$"):
        call(service, user)


def test_a_limit_at_the_cap_is_listed_from_python(service, train):
    assert len(service.some_users(1000)) == min(1000, train.n_users)


@pytest.mark.parametrize(("user_id", "said"), [
    ("", "user_id: the id is empty; give the user's id"),
    ("   ", "user_id: the id is only whitespace; give the user's id"),
    ("u" * 500, "user_id: an id of 500 characters ('uuuuuuuuuuuuuuuuuuuu'...); this service "
                "takes ids of at most 128 characters"),
    ("a\x00b", "user_id: the id 'a\\x00b' is not printable text"),
])
def test_a_new_visitors_user_id_follows_the_rule_of_every_id(service, item, user_id, said):
    with pytest.raises(RequestLimitError) as caught:
        service.recommend_new([item], 5, user_id=user_id)
    assert str(caught.value).startswith(said), str(caught.value)
    assert caught.value.field == "user_id"


def test_a_new_visitors_user_id_is_trimmed_as_every_id(service, item):
    assert service.recommend_new([item], 5, user_id=" 7 ").user_id == "7"


@pytest.mark.parametrize(("context", "timestamp", "said"), [
    ({"city": None}, None, "context.city: Input should be text, a number or a boolean "
                           "(a context value), not None"),
    ({"city": [1]}, None, "context.city: Input should be text, a number or a boolean "
                          "(a context value), not a list"),
    (None, "x", "timestamp: Input should be a time in seconds since 1970 (UTC) written as a "
                "number (e.g. 1764595200), not str 'x'"),
])
def test_context_refusals_from_python_are_in_pythons_words(service, user, context,
                                                           timestamp, said):
    with pytest.raises(InvalidContextError) as caught:
        service.recommend_user(user, 5, context=context, timestamp=timestamp)
    assert str(caught.value) == said


@pytest.mark.parametrize(("item_id", "said"), [
    (None, "events[0].item_id: Input should be an id written as text (a str such as '42'), "
           "not None"),
    (True, "events[0].item_id: Input should be an id written as text (a str such as '42'), "
           "not bool True"),
    (["1"], "events[0].item_id: Input should be an id written as text (a str such as '42'), "
            "not a list"),
])
def test_event_refusals_from_python_are_in_pythons_words(service, user, item_id, said):
    event = {"event": "click", "user_id": user, "item_id": item_id, "timestamp": 1764595200}
    with pytest.raises(RequestLimitError) as caught:
        service.record_events([event])
    assert str(caught.value) == said
    assert "null" not in str(caught.value) and "JSON" not in str(caught.value)


def test_http_bodies_keep_jsons_words(http, user):
    answer = http.post("/events", json={"events": [
        {"event": "click", "user_id": user, "item_id": None, "timestamp": 1764595200}]})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["msg"].endswith(
        '(a JSON string such as "42"), not null')
