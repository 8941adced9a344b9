"""What a local registry folder refuses is reported in the terms of a folder (the path and
what the system said of it), not as refused credentials, which a local folder has none of;
a remote store's refusal still points at the location, credentials and connection."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from recstack.serving.registry import ModelRegistry, RegistryUnavailableError


@pytest.fixture()
def published(tmp_path, popular, train) -> ModelRegistry:
    registry = ModelRegistry(tmp_path / "registry")
    registry.publish("pop", popular, data=train)
    return registry


def _swap_for_a_folder(path: Path) -> None:
    path.unlink()
    path.mkdir()


def test_a_folder_where_the_alias_belongs_names_that_path_not_credentials(published):
    alias = Path(published.root) / "pop" / "current.json"
    _swap_for_a_folder(alias)
    for call in (lambda: published.load("pop"), lambda: published.current("pop"),
                 lambda: published.set_current("pop", 1)):
        with pytest.raises(RegistryUnavailableError) as caught:
            call()
        message = str(caught.value)
        assert f"cannot use {alias}: it is a folder, not a file" in message
        assert "a folder stands where the registry keeps a file" in message
        assert "credentials" not in message


def test_a_folder_where_a_manifest_belongs_names_that_path(published):
    manifest = Path(published.root) / "pop" / "versions" / "00000001" / "manifest.json"
    _swap_for_a_folder(manifest)
    with pytest.raises(RegistryUnavailableError, match=re.escape(
            f"registry {published.root}: cannot use {manifest}: it is a folder, not a file")
    ) as caught:
        published.manifest("pop", 1)
    assert "credentials" not in str(caught.value)


def test_a_permission_refused_on_a_local_folder_names_the_path(published, monkeypatch):
    # tests may run as root, for whom chmod refuses nothing: the system's error is stood in
    versions = Path(published.root) / "pop" / "versions"

    def refuse(self):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "iterdir", refuse)
    with pytest.raises(RegistryUnavailableError) as caught:
        published.versions("pop")
    message = str(caught.value)
    assert f"cannot use {versions}: Permission denied (PermissionError)" in message
    assert "give this process permission" in message
    assert "credentials" not in message


class _RemoteOSError:
    """A remote store whose calls fail with an OSError (a refused connection)."""

    def __getattr__(self, name):
        def refuse(*args, **kwargs):
            raise ConnectionRefusedError(111, "Connection refused")
        return refuse


def test_a_remote_refusal_still_points_at_credentials_and_connection():
    registry = ModelRegistry("memory://refusing-os")
    registry._fs = _RemoteOSError()
    with pytest.raises(RegistryUnavailableError, match=r"registry memory://refusing-os: the "
                       r"storage refused .*ConnectionRefusedError.*credentials"):
        registry.names()
