"""Twenty-fifth bad-input probe of the HTTP service: ``POST /admin/reload`` switching to a
version that does not exist was a failed reload (409, ``/health`` degraded) that marked
the version being served, a good one, as the one that failed; after a rollback to it the
poller never loaded it again, and the service kept serving another version than the
registry's current one without a word. A damaged version asked for by number was recorded
as the current one too."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import TOKEN, client, publish, settings  # noqa: E402

AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def registry(tmp_path, als, train):
    registry = publish(tmp_path / "registry", als, train)
    registry.publish("als", als, data=train)
    return registry


def test_a_switch_to_a_version_that_does_not_exist_is_the_requests_mistake(registry):
    with client(settings(registry, admin_token=TOKEN)) as http:
        answer = http.post("/admin/reload", headers=AUTH, json={"version": 99})
        health = http.get("/health").json()
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"] == (
        f"version: als@99 does not exist in {registry.root} (versions: [1, 2]); give one "
        "of those (variant 'default' keeps serving als@2)")
    assert health["status"] == "ok" and health["last_reload_error"] is None


def test_the_poller_follows_a_rollback_to_the_version_served_before_the_mistake(registry):
    with client(settings(registry, admin_token=TOKEN)) as http:
        http.post("/admin/reload", headers=AUTH, json={"version": 99})
        service = http.app.state.service
        registry.set_current("als", 1)
        assert service.poll()
        registry.set_current("als", 2)  # back to the version served before the mistake
        assert service.poll()
        assert http.get("/health").json()["variants"][0]["model"] == "als@2"


def test_a_damaged_version_asked_for_by_number_is_the_one_marked_failed(registry):
    path = registry._version_key("als", 1) + "/model/arrays.npz"
    with open(path, "r+b") as handle:
        handle.seek(100)
        byte = handle.read(1)
        handle.seek(100)
        handle.write(bytes([byte[0] ^ 0xFF]))
    with client(settings(registry, admin_token=TOKEN)) as http:
        answer = http.post("/admin/reload", headers=AUTH, json={"version": 1})
        service = http.app.state.service
        assert answer.status_code == 409 and "checksum" in answer.json()["detail"]
        # before: {"als": 2}, the current version, which loads and was being served
        assert service._failed == {"als": 1}
        assert http.get("/health").json()["variants"][0]["model"] == "als@2"
