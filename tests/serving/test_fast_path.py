"""The fast path of ``GET /users/{id}/recommendations`` answers exactly what FastAPI's
route answers (a request the fast path does not parse, such as ``exclude_seen=True``, is
left to the route)."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.serving.fast_path import _parse  # noqa: E402
from tests.serving.service_helpers import client, publish, settings  # noqa: E402


def _without_id(body: dict) -> dict:
    return {key: value for key, value in body.items() if key != "request_id"}


def test_the_fast_path_and_the_route_give_the_same_answers(tmp_path, als, train):
    registry = publish(tmp_path / "registry", als, train)
    user = als.users_.external_ids[3]
    with client(settings(registry, unknown_user="popular")) as http:
        # the fast path reads only lower-case true/false; pydantic reads 'True' too
        for query, spelled in (("k=7", "k=7&exclude_seen=True"),
                               ("k=7&exclude_seen=false", "k=7&exclude_seen=False"),
                               ("", "exclude_seen=True")):
            fast = http.get(f"/users/{user}/recommendations?{query}")
            routed = http.get(f"/users/{user}/recommendations?{spelled}")
            assert fast.status_code == routed.status_code == 200
            assert fast.headers["content-type"] == routed.headers["content-type"]
            assert _without_id(fast.json()) == _without_id(routed.json())
        stranger = [http.get(f"/users/nobody/recommendations?k=3{extra}").json()
                    for extra in ("", "&exclude_seen=True")]
        assert _without_id(stranger[0]) == _without_id(stranger[1])
        assert stranger[0]["fallback"].startswith("user 'nobody' is unknown")
        metrics = http.get("/metrics").text
    # both are counted under the route template, never the raw path
    assert ('recstack_requests_total{endpoint="/users/{user_id}/recommendations",'
            'method="GET",status="200"} 8.0') in metrics
    with client(settings(registry, max_k=5, default_k=5)) as http:
        fast, routed = (http.get(f"/users/{user}/recommendations?k=6{extra}")
                        for extra in ("", "&exclude_seen=True"))
        unknown = http.get("/users/nobody/recommendations")
    assert fast.status_code == routed.status_code == 422
    assert fast.json() == routed.json()
    # a k over max_k is refused as any other k, a 422 listing one problem of "k"
    assert "from 1 to 5 (this service's max_k)" in fast.json()["detail"][0]["msg"]
    assert unknown.status_code == 404 and "new-user" in json.dumps(unknown.json())


@pytest.mark.parametrize(("path", "query", "parsed"), [
    ("/users/7/recommendations", b"", ("7", None, True)),
    ("/users/a b/recommendations", b"k=20&exclude_seen=0", ("a b", 20, False)),
    ("/users/7/recommendations", b"k=1000", ("7", 1000, True)),
    ("/users/7/recommendations", b"k=1001", None),  # FastAPI's 422 names the bound
    ("/users/7/recommendations", b"k=0", None),
    ("/users/7/recommendations", b"k=-1", None),
    ("/users/7/recommendations", b"k=5&k=6", None),
    ("/users/7/recommendations", b"exclude_seen=maybe", None),
    ("/users//recommendations", b"", None),
    ("/users/recommendations", b"", None),
    ("/users/a/b/recommendations", b"", None),
    ("/users/" + "u" * 129 + "/recommendations", b"", None),
    ("/users/7/history", b"", None),
])
def test_only_well_formed_requests_take_the_fast_path(path, query, parsed):
    scope = {"method": "GET", "path": path, "query_string": query}
    assert _parse(scope) == parsed
    assert _parse({**scope, "method": "HEAD"}) is None
