"""Seventeenth bad-input probe of the model registry: a ``current.json`` edited by hand to
name a version that does not exist (or whose version was deleted by hand) made
``load("als")`` (and so ``recstack serve``, ``recstack recommend als``) say only "als@5 does
not exist (versions: [1])", for a version the user never named; it now says that the
alias points there and how to point it at one that exists."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from recstack.errors import RecstackError
from recstack.serving.registry import ModelRegistry


def _point_alias_at(registry: ModelRegistry, version: int) -> None:
    """Rewrite the alias as a hand edit would (the registry writes the same JSON)."""
    alias = {"version": version, "history": []}
    if registry.is_remote:
        registry._fs.pipe_file(f"{registry._root}/als/current.json",
                               json.dumps(alias).encode())
    else:
        (Path(registry.root) / "als" / "current.json").write_text(json.dumps(alias))


@pytest.fixture(params=["local", "memory"])
def registry(request, tmp_path, als, train):
    if request.param == "memory":
        pytest.importorskip("fsspec")
        root = f"memory://seventeenth-{uuid.uuid4().hex}"
    else:
        root = str(tmp_path / "registry")
    registry = ModelRegistry(root)
    registry.publish("als", als, data=train)
    return registry


def test_an_alias_naming_a_missing_version_says_so(registry):
    _point_alias_at(registry, 5)
    expected = (f"{registry.root}: als@5 does not exist (versions: [1]); als/current.json "
                "points at it (edited by hand, or the version was deleted): point it at a "
                "version that exists with set_current('als', 1)")
    for call in (lambda: registry.load("als"), lambda: registry.manifest("als")):
        with pytest.raises(RecstackError) as raised:
            call()
        assert str(raised.value) == expected
    # the way out it names works
    registry.set_current("als", 1)
    assert registry.load("als").reference == "als@1"


def test_a_version_named_explicitly_does_not_blame_the_alias(registry):
    _point_alias_at(registry, 5)
    with pytest.raises(RecstackError) as raised:
        registry.load("als@5")
    assert str(raised.value) == f"{registry.root}: als@5 does not exist (versions: [1])"
