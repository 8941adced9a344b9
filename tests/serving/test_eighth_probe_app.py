"""Eighth bad-input probe of the HTTP API: a new visitor's list without ``k`` has the
service's ``default_k``, as every other endpoint's (it was a fixed 20)."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import client, publish, settings  # noqa: E402


def test_a_new_visitor_without_k_gets_the_services_default_k(tmp_path, als, train):
    registry = publish(tmp_path / "registry", als, train)
    with client(settings(registry, default_k=5, max_k=10)) as http:
        known = http.get(f"/users/{als.users_.external_ids[0]}/recommendations")
        # before: 422 "k=20 exceeds this service's max_k (10)", a k the client never sent
        new = http.post("/recommendations/new-user", json={"items": ["1", "2"]})
        given = http.post("/recommendations/new-user", json={"items": ["1", "2"], "k": 7})
    assert len(known.json()["items"]) == 5
    assert new.status_code == 200, new.text
    assert len(new.json()["items"]) == 5
    assert len(given.json()["items"]) == 7
    with client(settings(registry, default_k=3)) as http:
        # before: 20 items, whatever default_k said
        new = http.post("/recommendations/new-user", json={"items": ["1"]}).json()
    assert len(new["items"]) == 3
