"""Two-hundred-eighth probe: a variant pinned at a version whose files were then removed
by hand answered every reload without a version with that version's damage ("pop@1: files
do not match manifest.json ... (still serving pop@1)"), without a word of the pin, which a
plain reload keeps, nor of the way out (a reload naming another version). The answer now
says so. The test failed before its fix."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import TOKEN, client, publish, settings  # noqa: E402

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def test_a_plain_reload_of_a_pinned_damaged_version_names_the_pin(tmp_path, popular, train):
    registry = publish(tmp_path / "registry", popular, train, name="pop")
    registry.publish("pop", popular, data=train)  # pop@2, current
    with client(settings(registry, admin_token=TOKEN)) as http:
        assert http.post("/admin/reload", headers=AUTH, json={"version": 1}).json() == \
            {"models": ["pop@1"]}
        shutil.rmtree(Path(registry.root) / "pop" / "versions" / "00000001" / "model")
        plain = http.post("/admin/reload", headers=AUTH)
        switched = http.post("/admin/reload", headers=AUTH, json={"version": 2})
    assert plain.status_code == 409, plain.text
    detail = plain.json()["detail"]
    assert detail.startswith(f"{registry.root}: pop@1: files do not match manifest.json; "
                             "missing: ")
    assert detail.endswith("; variant 'default' is pinned at pop@1 (named with its version, "
                           "in the settings or by a reload), so a reload without a version "
                           "loads pop@1 again: send a version to switch it (versions: "
                           "[1, 2]) (still serving pop@1)")
    # the way out the answer names
    assert switched.status_code == 200 and switched.json() == {"models": ["pop@2"]}


def test_a_failed_reload_of_an_unpinned_variant_says_nothing_of_pins(tmp_path, popular,
                                                                      train):
    registry = publish(tmp_path / "registry", popular, train, name="pop")
    with client(settings(registry, admin_token=TOKEN)) as http:
        shutil.rmtree(Path(registry.root) / "pop" / "versions" / "00000001" / "model")
        plain = http.post("/admin/reload", headers=AUTH)
    assert plain.status_code == 409, plain.text
    assert "pinned" not in plain.json()["detail"]
    assert plain.json()["detail"].endswith("(still serving pop@1)")
