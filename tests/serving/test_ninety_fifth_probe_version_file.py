"""Ninety-fifth bad-input probe of hot reload, a version's folder replaced by a file (a
copy gone wrong, an upload tool that wrote the folder's archive in its place): the reload
was refused (409, the previous version still served) saying that "its folder ... holds no
readable manifest.json", a folder that was not there. It names what is there instead."""

from __future__ import annotations

import shutil

import pytest

from recstack.errors import RecstackError
from tests.serving.service_helpers import TOKEN, publish, settings

AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def registry(tmp_path, als, train):
    registry = publish(tmp_path / "registry", als, train)
    registry.publish("als", als, data=train)
    return registry


def _replace_by_file(tmp_path, version: int):
    folder = tmp_path / "registry" / "als" / "versions" / f"{version:08d}"
    shutil.rmtree(folder)
    folder.write_bytes(b"PK\x03\x04 an archive of the folder")
    return folder


def test_loading_a_version_that_is_a_file_says_it_is_a_file(registry, tmp_path):
    folder = _replace_by_file(tmp_path, 2)
    with pytest.raises(RecstackError) as caught:
        registry.load("als")
    message = str(caught.value)
    assert f"{folder} is a file, where the version's folder belongs" in message
    assert "holds no readable" not in message
    assert registry.load("als@1").version == 1  # the other version is untouched


def test_a_version_folder_without_its_manifest_still_says_so(registry, tmp_path):
    folder = tmp_path / "registry" / "als" / "versions" / "00000002"
    (folder / "manifest.json").unlink()
    with pytest.raises(RecstackError, match="holds no readable manifest.json"):
        registry.load("als")


def test_a_reload_onto_a_file_is_a_409_naming_it_and_keeps_serving(tmp_path, als, train):
    pytest.importorskip("fastapi", reason="the service tests need the serving extra")
    from tests.serving.service_helpers import client

    registry = publish(tmp_path / "registry", als, train)
    user = str(als.users_.external_ids[0])
    with client(settings(registry, admin_token=TOKEN)) as http:
        registry.publish("als", als, data=train)
        folder = _replace_by_file(tmp_path, 2)
        answer = http.post("/admin/reload", headers=AUTH)
        assert answer.status_code == 409, answer.text
        detail = answer.json()["detail"]
        assert f"{folder} is a file" in detail and "still serving als@1" in detail
        served = http.get(f"/users/{user}/recommendations", params={"k": 3})
        assert served.status_code == 200 and served.json()["model"] == "als@1"
