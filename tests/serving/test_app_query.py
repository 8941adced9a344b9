"""Query strings are as strict as JSON bodies: a parameter the endpoint does not declare,
or one given twice, is a 422 naming it (both used to be ignored: ``?kk=5`` answered with
the default k, ``?k=3&k=500`` with the last one)."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import TOKEN, client, publish, settings  # noqa: E402


@pytest.fixture(scope="module")
def http(tmp_path_factory, als, train):
    registry = publish(tmp_path_factory.mktemp("query") / "registry", als, train)
    with client(settings(registry, admin_token=TOKEN)) as http:
        yield http


def _problem(answer) -> dict:
    assert answer.status_code == 422, answer.text
    [problem] = answer.json()["detail"]
    return problem


UNKNOWN = {
    "misspelt k": ("get", "/users/{user}/recommendations?kk=5", "kk",
                   "GET /users/{user_id}/recommendations; it takes: exclude_seen, k"),
    "k in capitals": ("get", "/users/{user}/recommendations?K=5", "K", "it takes: exclude_seen, k"),
    "similar": ("get", "/items/0/similar?n=5", "n", "GET /items/{item_id}/similar; it takes: k"),
    "search": ("get", "/items/search?q=a&limt=5", "limt", "it takes: limit, q"),
    "history": ("get", "/users/{user}/history?k=5", "k", "it takes: limit"),
    "health": ("get", "/health?verbose=1", "verbose", "it takes: none"),
    "new visitor's k in the query": ("post", "/recommendations/new-user?k=50", "k",
                                     "the request's fields go in its JSON body"),
    "user's k in the query of POST": ("post", "/users/{user}/recommendations?k=50", "k",
                                      "it takes: none; the request's fields go in its JSON"),
}


@pytest.mark.parametrize("method, path, key, words", UNKNOWN.values(), ids=UNKNOWN.keys())
def test_an_undeclared_query_parameter_is_a_422_naming_it_and_the_accepted_ones(
        http, user, method, path, key, words):
    body = {"items": ["0"]} if "new-user" in path else None
    problem = _problem(http.request(method.upper(), path.format(user=user), json=body))
    assert problem["type"] == "extra_forbidden"
    assert problem["loc"] == ["query", key]
    assert words in problem["msg"]


@pytest.mark.parametrize("query, key, given", [
    ("k=3&k=500", "k", ["3", "500"]),
    ("exclude_seen=true&exclude_seen=false", "exclude_seen", ["true", "false"]),
])
def test_a_query_parameter_given_twice_is_a_422(http, user, query, key, given):
    problem = _problem(http.get(f"/users/{user}/recommendations?{query}"))
    assert problem["loc"] == ["query", key]
    assert problem["input"] == given
    assert "given 2 times" in problem["msg"]


def test_a_context_in_the_query_still_points_to_the_post_body(http, user):
    answer = http.get(f"/users/{user}/recommendations?context=x")
    assert answer.status_code == 422
    assert "POST /users/{user_id}/recommendations" in answer.json()["detail"]


def test_declared_parameters_and_the_page_with_a_tracking_parameter_still_work(http, user):
    assert len(http.get(f"/users/{user}/recommendations?k=4&exclude_seen=false")
               .json()["items"]) == 4
    assert len(http.get(f"/users/{user}/recommendations?k=4&exclude_seen=False")
               .json()["items"]) == 4  # the routed spelling, not the fast path's
    assert http.get("/items/search?q=1&limit=3").status_code == 200
    assert http.get("/?utm_source=mail").status_code == 200


@pytest.mark.parametrize("path", ["/health", "/ready", "/", "/users/{user}/recommendations",
                                  "/users/nobody/recommendations"])
def test_head_is_answered_as_get_without_a_body(http, user, path):
    # monitors and proxies probe with HEAD; FastAPI's GET routes answered 405
    head, get = http.head(path.format(user=user)), http.get(path.format(user=user))
    assert head.status_code == get.status_code != 405
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]


def test_methods_an_endpoint_lacks_are_405_and_head_of_a_post_only_one_too(http):
    for method in ("PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"):
        assert http.request(method, "/events").status_code == 405
    assert http.request("DELETE", "/health").status_code == 405


def test_request_metrics_keep_one_series_for_every_unknown_method(http):
    # the method is the client's word: each new one made a new series (unbounded memory)
    for number in range(30):
        assert http.request(f"X{number}", "/health").status_code == 405
    http.head("/health")
    lines = [line for line in http.get("/metrics").text.splitlines()
             if line.startswith('recstack_requests_total{endpoint="/health"')]
    assert 'recstack_requests_total{endpoint="/health",method="other",status="405"} 30.0' \
        in lines
    assert not any('method="X' in line for line in lines)
    # HEAD is counted as itself although it is answered as GET
    assert any('method="HEAD",status="200"' in line for line in lines)
