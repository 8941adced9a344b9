"""rollback(to=<the current version>) is a no-op, as set_current (eightieth probe)."""
from __future__ import annotations

import json

from recstack.serving.registry import ModelRegistry


def test_rolling_back_to_the_current_version_changes_nothing(tmp_path, popular, train):
    registry = ModelRegistry(tmp_path / "registry")
    registry.publish("pop", popular, data=train)
    registry.publish("pop", popular, data=train)
    registry.set_current("pop", 2)
    alias = tmp_path / "registry" / "pop" / "current.json"
    before = json.loads(alias.read_text())
    assert registry.rollback("pop", to=2) == 2
    assert json.loads(alias.read_text()) == before
    assert registry.current("pop") == 2
    assert registry.rollback("pop") == 1
