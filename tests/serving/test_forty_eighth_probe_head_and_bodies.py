"""Forty-eighth probe: a ``HEAD`` of the recommendations endpoint is answered as ``GET``
(status and headers, no body) but is not logged as a served list (a monitor probing with
HEAD added a row per probe, as if a user had been shown a list); a ``POST`` body of JSON
``null`` is a 422 naming the body (it was read as no body and served the defaults)."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")
httpx = pytest.importorskip("httpx")

from recstack.serving.request_log import read_log  # noqa: E402
from tests.serving.service_helpers import (  # noqa: E402
    client,
    publish,
    settings,
    start_service,
    stop_service,
)


def _logged(folder) -> list[str]:
    return read_log(folder / "requests", "requests")["request_id"].tolist()


@pytest.mark.parametrize("query", [
    "?k=3",                      # answered by the fast path
    "?k=3&exclude_seen=TRUE",    # a spelling the fast path leaves to FastAPI's route
])
def test_head_is_answered_as_get_without_logging_a_served_list(tmp_path, als, train, query):
    registry = publish(tmp_path / "registry", als, train)
    user = str(als.users_.external_ids[0])
    path = f"/users/{user}/recommendations{query}"
    with client(settings(registry, log_dir=str(tmp_path / "logs"))) as http:
        for _ in range(3):
            head = http.head(path)
            assert head.status_code == 200 and head.content == b""
            assert head.headers["content-type"] == "application/json"
        get = http.get(path)
        assert get.status_code == 200
        assert int(head.headers["content-length"]) > 0
        missing = http.head(f"/users/no-such-user-{user}/recommendations{query}")
        assert missing.status_code == 404
    assert _logged(tmp_path / "logs") == [get.json()["request_id"]]


@pytest.mark.parametrize("body", [b"null", b" null\n"])
def test_a_null_body_is_refused_naming_the_body(tmp_path, als, train, body):
    registry = publish(tmp_path / "registry", als, train)
    user = str(als.users_.external_ids[0])
    with client(settings(registry, log_dir=str(tmp_path / "logs"))) as http:
        answer = http.post(f"/users/{user}/recommendations", content=body,
                           headers={"content-type": "application/json"})
        assert answer.status_code == 422, answer.text
        # a Problem, as the route's 422 is declared in the OpenAPI schema
        detail = answer.json()["detail"]
        assert detail.startswith("body: JSON null is not a request; send a JSON object")
        assert "{}" in detail and "no body" in detail
        # no body at all and {} still mean the defaults
        for kwargs in ({}, {"json": {}}):
            fine = http.post(f"/users/{user}/recommendations", **kwargs)
            assert fine.status_code == 200, fine.text
            assert len(fine.json()["items"]) == 20  # default_k
    assert len(_logged(tmp_path / "logs")) == 2  # the refused request served nothing


def test_head_is_not_logged_under_uvicorn(tmp_path, als, train):
    registry = publish(tmp_path / "registry", als, train)
    logs = tmp_path / "logs"
    process, url = start_service(tmp_path, registry, "--log-dir", str(logs))
    try:
        user = str(als.users_.external_ids[0])
        path = f"{url}/users/{user}/recommendations?k=2"
        for _ in range(3):
            head = httpx.head(path, timeout=10)
            assert head.status_code == 200 and head.content == b""
        served = httpx.get(path, timeout=10).json()["request_id"]
        null = httpx.post(f"{url}/users/{user}/recommendations", content=b"null",
                          headers={"content-type": "application/json"}, timeout=10)
        assert null.status_code == 422
        assert "JSON null is not a request" in null.json()["detail"]
    finally:
        assert stop_service(process) == 0
    assert _logged(logs) == [served]
