"""Hundred-eighty-fourth bad-input probe of the HTTP service: a registry that no longer
holds what the service serves (its folder removed or moved, the model's ``current.json``
deleted, the served version's folder deleted; a pinned variant's version too) left
``/health`` saying ``"ok"``, as if the registry were there: the poller read the missing
alias as "nothing published yet" and moved on. Answers still come from the version in
memory (right), and ``/health`` now says ``degraded``, why, and what still serves, until
the registry holds it again. No version is marked as failed for it: the one served
loaded, and was only removed under it."""

from __future__ import annotations

import os
import shutil

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import client, publish, settings  # noqa: E402


@pytest.fixture
def registry(tmp_path, als, train):
    return publish(tmp_path / "registry", als, train)


def _health(http) -> tuple[str, str | None]:
    health = http.get("/health").json()
    return health["status"], health["last_reload_error"]


@pytest.mark.parametrize("pinned", [False, True], ids=["current", "pinned"])
def test_a_registry_folder_removed_under_the_service_is_said_by_health(registry, tmp_path,
                                                                       user, pinned):
    extra = {"model": "als@1"} if pinned else {}
    with client(settings(registry, **extra)) as http:
        service = http.app.state.service
        os.rename(tmp_path / "registry", tmp_path / "moved")
        service.poll()
        status, error = _health(http)
        answer = http.get(f"/users/{user}/recommendations?k=3")
        assert (status, error) == ("degraded", (
            f"{registry.root}: the registry folder is gone (removed or moved while serving); "
            "put it back, or restart the service with --registry naming where it is now "
            "(still serving als@1)"))
        assert answer.status_code == 200 and answer.json()["model"] == "als@1"
        os.rename(tmp_path / "moved", tmp_path / "registry")
        service.poll()
        assert _health(http) == ("ok", None)
        assert service._failed == {}


def test_a_current_alias_deleted_under_the_service_is_said_by_health(registry, tmp_path):
    alias = tmp_path / "registry" / "als" / "current.json"
    with client(settings(registry)) as http:
        service = http.app.state.service
        os.rename(alias, tmp_path / "current.json")
        service.poll()
        assert _health(http) == ("degraded", (
            f"{registry.root}: als has no current version any more (its current.json is "
            "gone; names: als); point it at a version again with set_current('als', "
            "VERSION), or publish one (still serving als@1)"))
        os.rename(tmp_path / "current.json", alias)
        service.poll()
        assert _health(http) == ("ok", None)


@pytest.mark.parametrize("pinned", [False, True], ids=["current", "pinned"])
def test_the_served_versions_folder_deleted_is_said_by_health(registry, tmp_path, pinned):
    folder = tmp_path / "registry" / "als" / "versions" / "00000001"
    extra = {"model": "als@1"} if pinned else {}
    with client(settings(registry, **extra)) as http:
        service = http.app.state.service
        shutil.move(folder, tmp_path / "kept")
        service.poll()
        assert _health(http) == ("degraded", (
            f"{registry.root}: als@1 is gone from the registry (no manifest.json in its "
            "folder; versions: none); publish it again, or switch to another version with "
            "POST /admin/reload (still serving als@1)"))
        shutil.move(tmp_path / "kept", folder)
        service.poll()
        assert _health(http) == ("ok", None)
        # not marked as a version that failed: the poller would never take it back
        assert service._failed == {}


def test_a_version_published_after_the_registry_came_back_is_loaded(registry, tmp_path,
                                                                    als, train):
    with client(settings(registry)) as http:
        service = http.app.state.service
        os.rename(tmp_path / "registry", tmp_path / "moved")
        service.poll()
        os.rename(tmp_path / "moved", tmp_path / "registry")
        registry.publish("als", als, data=train)
        assert service.poll()
        assert _health(http) == ("ok", None)
        assert http.get("/health").json()["variants"][0]["model"] == "als@2"
