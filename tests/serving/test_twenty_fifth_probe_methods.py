"""Twenty-fifth bad-input probe of the HTTP service: a method an endpoint does not take was
answered ``405 {"detail": "Method Not Allowed"}``, naming neither the endpoint nor what
it takes, and its ``Allow`` header named only the methods of the first route of the path:
``DELETE /users/{id}/recommendations`` said ``Allow: GET`` although ``POST`` answers
there too, and no answer listed ``HEAD``, which every ``GET`` endpoint answers."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import TOKEN, client, publish, settings  # noqa: E402


@pytest.fixture(scope="module")
def http(tmp_path_factory, als, train):
    registry = publish(tmp_path_factory.mktemp("methods") / "registry", als, train)
    with client(settings(registry, admin_token=TOKEN)) as opened:
        yield opened


@pytest.mark.parametrize(("method", "path", "endpoint", "allowed"), [
    ("DELETE", "/users/7/recommendations", "/users/{user_id}/recommendations",
     "GET, HEAD, POST"),
    ("PUT", "/users/7/recommendations", "/users/{user_id}/recommendations",
     "GET, HEAD, POST"),
    ("POST", "/items/3/similar", "/items/{item_id}/similar", "GET, HEAD"),
    ("GET", "/recommendations/new-user", "/recommendations/new-user", "POST"),
    ("GET", "/events", "/events", "POST"),
    ("GET", "/admin/reload", "/admin/reload", "POST"),
    ("POST", "/health", "/health", "GET, HEAD"),
    ("OPTIONS", "/metrics", "/metrics", "GET, HEAD"),
])
def test_a_method_an_endpoint_lacks_names_the_endpoint_and_the_methods_it_takes(
        http, method, path, endpoint, allowed):
    answer = http.request(method, path)
    assert answer.status_code == 405
    assert answer.json() == {"detail": f"{method} is not allowed on {endpoint}; it takes "
                                       f"{allowed}"}
    assert answer.headers["allow"] == allowed


def test_the_static_files_say_what_they_take_too(http):
    answer = http.put("/static/app.js")
    assert answer.status_code == 405
    assert answer.json() == {"detail": "PUT is not allowed on '/static/app.js'; it takes "
                                       "GET, HEAD"}
    assert answer.headers["allow"] == "GET, HEAD"

