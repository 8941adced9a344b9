"""A registry manifest whose format_version is missing or not a whole number: it was named
as "manifest format version None" and "format version '1'; this recstack reads 1", which
read as another version rather than damage. Each is named for what the field holds; a
newer version says to upgrade."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from recstack.serving.registry import CorruptVersionError, ModelRegistry


@pytest.fixture
def registry(tmp_path, popular, train):
    registry = ModelRegistry(tmp_path / "registry")
    registry.publish("pop", popular, data=train)
    return registry


def _edit_manifest(registry: ModelRegistry, edit) -> None:
    path = Path(registry._join("pop", "versions", "00000001", "manifest.json"))
    manifest = json.loads(path.read_text())
    edit(manifest)
    path.write_text(json.dumps(manifest))


@pytest.mark.parametrize(("edit", "found"), [
    (lambda m: m.pop("format_version"), r"the field is missing"),
    (lambda m: m.update(format_version="1"), r"found text \(\"1\"\)"),
    (lambda m: m.update(format_version=1.0), r"found a number \(1\.0\)"),
    (lambda m: m.update(format_version=True), r"found true/false \(true\)"),
    (lambda m: m.update(format_version=0), r"found a number \(0\)"),
])
def test_a_format_version_that_is_not_a_positive_integer_is_named_as_damage(
        registry, edit, found):
    _edit_manifest(registry, edit)
    with pytest.raises(CorruptVersionError,
                       match=r"manifest\.json: format_version must be a positive integer "
                             r"\(the manifest format's version\), " + found
                             + r"; the manifest is corrupted: publish the model again"):
        registry.load("pop@1")


def test_a_newer_format_version_says_to_upgrade(registry):
    _edit_manifest(registry, lambda m: m.update(format_version=99))
    with pytest.raises(CorruptVersionError,
                       match=r"manifest format version 99; this recstack \(.+\) reads 1: "
                             r"upgrade recstack to read it"):
        registry.load("pop@1")
