"""The poller (``--poll-seconds``) met a ``current.json`` cut short (a copy of the registry
still arriving, a tool that writes in place) with a warning in the log at every poll
while ``/health`` said ``ok`` and ``recstack_reload_failing`` stayed 0; ``POST
/admin/reload`` calls the same damage a failed reload. The previous version keeps
serving either way; now the poll says why, once, and clears it when the alias reads
again."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import client, publish, settings  # noqa: E402

CUT_SHORT = '{"version": 1, "hist'


@pytest.fixture
def registry(tmp_path, als, train):
    registry = publish(tmp_path / "registry", als, train)
    registry.publish("als", als, data=train)
    return registry


def _failing(http) -> str:
    return next(line for line in http.get("/metrics").text.splitlines()
                if line.startswith("recstack_reload_failing"))


def test_a_damaged_alias_is_a_failed_reload_said_once(registry, user, caplog):
    alias = Path(registry.root) / "als" / "current.json"
    with client(settings(registry)) as http:
        service = http.app.state.service
        alias.write_text(CUT_SHORT)
        with caplog.at_level(logging.WARNING, logger="recstack"):
            assert service.poll() is False
            assert service.poll() is False
        health = http.get("/health").json()
        served = http.get(f"/users/{user}/recommendations?k=3")
        failing = _failing(http)
    assert served.status_code == 200 and served.json()["model"] == "als@2"
    assert health["status"] == "degraded"
    assert health["last_reload_error"].startswith(f"{registry.root}: als/current.json is "
                                                  "damaged: not valid JSON")
    assert health["last_reload_error"].endswith("(still serving als@2)")
    assert failing == "recstack_reload_failing 1.0"
    said = [r for r in caplog.records if "current.json is damaged" in r.getMessage()]
    assert len(said) == 1, [r.getMessage() for r in said]


def test_the_alias_repaired_to_the_version_served_clears_the_failure(registry):
    alias = Path(registry.root) / "als" / "current.json"
    with client(settings(registry)) as http:
        service = http.app.state.service
        alias.write_text(CUT_SHORT)
        service.poll()
        registry.set_current("als", 2)  # writes the damaged alias anew
        assert service.poll() is False
        health = http.get("/health").json()
        failing = _failing(http)
    assert health["status"] == "ok" and health["last_reload_error"] is None
    assert failing == "recstack_reload_failing 0.0"


def test_the_alias_repaired_to_another_version_is_followed(registry):
    alias = Path(registry.root) / "als" / "current.json"
    with client(settings(registry)) as http:
        service = http.app.state.service
        alias.write_text(CUT_SHORT)
        service.poll()
        registry.set_current("als", 1)
        assert service.poll() is True
        health = http.get("/health").json()
    assert health["status"] == "ok"
    assert [v["model"] for v in health["variants"]] == ["als@1"]
