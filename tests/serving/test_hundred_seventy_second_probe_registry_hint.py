"""After the current version is deleted (or current.json lost), the registry's hint named
the newest version listed, even one whose manifest is damaged, which set_current then
refused: the hint names the newest version that checks out, or says none does
(hundred_seventy_second probe)."""

from __future__ import annotations

import shutil

import pytest

from recstack.errors import RecstackError
from recstack.serving.registry import CorruptVersionError, ModelRegistry


@pytest.fixture
def registry(tmp_path, popular, train):
    registry = ModelRegistry(tmp_path / "registry")
    for _ in range(3):
        registry.publish("pop", popular, data=train)
    # version 3 (current) deleted by hand; version 2's manifest damaged
    shutil.rmtree(tmp_path / "registry" / "pop" / "versions" / "00000003")
    (tmp_path / "registry" / "pop" / "versions" / "00000002" / "manifest.json").write_text(
        "{broken")
    return registry


def test_a_deleted_current_version_points_at_a_version_that_loads(registry):
    with pytest.raises(RecstackError, match=r"pop@3 does not exist \(versions: \[1, 2\]\)")\
            as raised:
        registry.load("pop")
    assert "set_current('pop', 1)" in str(raised.value)
    assert "set_current('pop', 2)" not in str(raised.value)
    # the hint works: version 1 is taken, version 2 would not be
    with pytest.raises(CorruptVersionError):
        registry.set_current("pop", 2)
    registry.set_current("pop", 1)
    assert registry.load("pop").version == 1


def test_a_missing_alias_names_a_version_that_loads(registry, tmp_path):
    (tmp_path / "registry" / "pop" / "current.json").unlink()
    with pytest.raises(RecstackError) as raised:
        registry.load("pop")
    text = str(raised.value)
    assert "pop has versions [1, 2] but no current version" in text
    assert "set_current('pop', 1), or name the version: pop@1" in text


def test_a_damaged_file_rules_a_version_out_too(registry, tmp_path):
    arrays = next((tmp_path / "registry" / "pop" / "versions" / "00000001").rglob("*.npz"),
                  None) or next(p for p in (tmp_path / "registry" / "pop" / "versions"
                                            / "00000001" / "model").iterdir())
    arrays.write_bytes(arrays.read_bytes() + b"x")
    with pytest.raises(RecstackError) as raised:
        registry.load("pop")
    text = str(raised.value)
    assert "none of its versions [1, 2] checks out" in text
    assert "publish the model again" in text and "set_current('pop'," not in text


def test_a_rollback_onto_a_damaged_version_names_one_that_loads(tmp_path, popular, train):
    registry = ModelRegistry(tmp_path / "registry")
    for _ in range(3):
        registry.publish("pop", popular, data=train)
    versions = tmp_path / "registry" / "pop" / "versions"
    (versions / "00000002" / "manifest.json").write_text("{broken")
    with pytest.raises(CorruptVersionError) as raised:
        registry.rollback("pop")
    text = str(raised.value)
    assert "pop@2/manifest.json: not valid JSON" in text
    assert text.endswith("it was current before pop@3, and pop stays at 3: roll back to "
                         "another version with rollback('pop', to=1)")
    assert registry.current("pop") == 3
    assert registry.rollback("pop", to=1) == 1  # the hint works
    registry.set_current("pop", 3)
    (versions / "00000001" / "manifest.json").write_text("{broken")
    with pytest.raises(CorruptVersionError, match=r"pop stays at 3: no other version of pop "
                                                  r"checks out: publish the model again$"):
        registry.rollback("pop")
