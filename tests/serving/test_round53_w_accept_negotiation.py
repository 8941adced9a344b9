"""Round 53 W: the HTTP layer and the ``Accept`` header (RFC 9110 section 12.5.1).

Every endpoint answered 200 with JSON (or HTML) whatever the client's ``Accept`` asked
for: a client that can only parse XML was handed a body it reads as a broken document,
not a refusal. A request whose ``Accept`` names no type the endpoint gives is now a 406
in the JSON shape of every other refusal, naming the header and the type to ask for;
wildcards, ``q`` values and parameters are read as HTTP defines them, and an ``Accept``
that cannot be read is a 400 naming the part. The other probes of this round (bodies of
the wrong type, gzip, 10 MB, nesting, repeated keys and parameters, 1e400 and -0,
hostile path ids, PUT/DELETE/OPTIONS/HEAD) already answered 4xx in that shape and are
pinned by earlier probe files.
"""

from __future__ import annotations

import warnings

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")
pytest.importorskip("implicit", reason="the service tests fit ALS, which needs implicit")

from recstack.serving.registry import ModelRegistry  # noqa: E402
from recstack.serving.settings import ServiceSettings  # noqa: E402

XML = {"accept": "application/xml"}
BROWSER_NAVIGATION = ("text/html,application/xhtml+xml,application/xml;q=0.9,"
                      "image/avif,image/webp,*/*;q=0.8")
PROMETHEUS = ("application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
              "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1")


@pytest.fixture(scope="module")
def http(tmp_path_factory, train, als):
    # the serving conftest's shared data and ALS (its item and user fixtures name theirs)
    registry = ModelRegistry(tmp_path_factory.mktemp("registry"))
    registry.publish("als", als, data=train)
    from recstack.serving.app import create_app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # starlette's note about its httpx-based client
        from fastapi.testclient import TestClient
    with TestClient(create_app(ServiceSettings.create(registry=str(registry.root)))) as opened:
        yield opened


def _refused_406(answer, asked: str, given: str) -> None:
    assert answer.status_code == 406, answer.text
    assert answer.headers["content-type"] == "application/json"
    detail = answer.json()["detail"]
    assert list(answer.json()) == ["detail"]  # the shape of every other non-422 refusal
    assert f"Accept {asked!r}" in detail
    assert f"send Accept: {given}" in detail


@pytest.mark.parametrize("route", ["/users/{user}/recommendations", "/users/{user}/history",
                                   "/users", "/items/{item}/similar", "/items/search?q=1",
                                   "/health", "/ready", "/openapi.json"])
def test_a_get_asking_for_xml_is_refused_406_naming_json(http, user, item, route):
    # GET recommendations goes through the fast path before routing: refused there too
    answer = http.get(route.format(user=user, item=item), headers=XML)
    _refused_406(answer, "application/xml", "application/json")


def test_a_post_asking_for_xml_is_refused_and_nothing_is_served(http, user, item):
    answer = http.post("/recommendations/new-user", json={"items": [item]}, headers=XML)
    _refused_406(answer, "application/xml", "application/json")
    answer = http.post(f"/users/{user}/recommendations", json={"k": 2}, headers=XML)
    _refused_406(answer, "application/xml", "application/json")
    # refused before routing: the endpoint never ran (no other test here posts to it)
    assert 'endpoint="/recommendations/new-user"' not in http.get("/metrics").text


def test_the_page_asked_for_json_is_refused_naming_html(http):
    _refused_406(http.get("/", headers={"accept": "application/json"}),
                 "application/json", "text/html")


def test_metrics_asked_for_json_is_refused_naming_plain_text(http):
    _refused_406(http.get("/metrics", headers={"accept": "application/json"}),
                 "application/json", "text/plain")


def test_a_head_asking_for_xml_is_refused_without_a_body(http, user):
    answer = http.head(f"/users/{user}/recommendations", headers=XML)
    assert answer.status_code == 406
    assert answer.content == b""


@pytest.mark.parametrize("accept", ["application/json", "application/json; charset=utf-8",
                                    "APPLICATION/JSON", "application/*", "*/*",
                                    "application/xml, application/json;q=0.1",
                                    BROWSER_NAVIGATION, ""])
def test_an_accept_that_takes_json_is_served(http, user, accept):
    for route in (f"/users/{user}/recommendations", "/health"):
        answer = http.get(route, headers={"accept": accept})
        assert answer.status_code == 200, (accept, answer.text)
        assert answer.json()


def test_what_browsers_and_prometheus_send_is_served(http):
    page = http.get("/", headers={"accept": BROWSER_NAVIGATION})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert http.get("/metrics", headers={"accept": PROMETHEUS}).status_code == 200
    # the page's scripts fetch the API with fetch()'s default
    assert http.get("/users", headers={"accept": "*/*"}).status_code == 200


@pytest.mark.parametrize("accept", ["application/json;q=0", "application/json;q=0, */*",
                                    "application/json;q=0.0, application/*;q=1"])
def test_a_q_of_zero_on_json_refuses_it_even_beside_a_wildcard(http, accept):
    # RFC 9110: the most specific range that matches decides, and q=0 means "not this"
    _refused_406(http.get("/health", headers={"accept": accept}), accept, "application/json")


@pytest.mark.parametrize(("accept", "q"), [("application/json;q=high", "high"),
                                           ("application/json;q=2", "2"),
                                           ("application/json;q=nan", "nan"),
                                           ("application/json;q=-0.5", "-0.5")])
def test_an_unreadable_q_is_a_400_naming_it(http, accept, q):
    answer = http.get("/health", headers={"accept": accept})
    assert answer.status_code == 400, answer.text
    detail = answer.json()["detail"]
    assert f"q={q!r}" in detail
    assert "a number from 0 to 1" in detail


def test_an_accept_of_thousands_of_ranges_is_refused_unread(http):
    accept = ",".join(["text/csv"] * 5000 + ["application/json"])
    answer = http.get("/health", headers={"accept": accept})
    assert answer.status_code == 400
    assert "5,001 media ranges" in answer.json()["detail"]


def test_a_method_not_allowed_is_still_a_405_whatever_it_accepts(http):
    answer = http.put("/health", headers=XML)
    assert answer.status_code == 405
    assert "PUT is not allowed on /health" in answer.json()["detail"]


def test_the_published_schema_documents_the_406_on_every_api_operation(http):
    paths = http.get("/openapi.json").json()["paths"]
    operations = [(path, method, operation) for path, methods in paths.items()
                  for method, operation in methods.items()]
    assert ("/recommendations/new-user", "post") in [(p, m) for p, m, _ in operations]
    for path, method, operation in operations:
        schema = operation["responses"].get("406", {}).get("content", {})
        assert schema.get("application/json", {}).get("schema") == \
            {"$ref": "#/components/schemas/Problem"}, (path, method)
