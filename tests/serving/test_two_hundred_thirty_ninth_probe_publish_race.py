"""Two publishes of one name at once: the ``current`` alias ends at the newer version.

Each publish commits its version, reads it back, then points ``current`` at it. When a
second publish committed after the first and pointed the alias while the first was still
reading its version back, the first then pointed the alias back at its own, older version:
the service served the model published first and never the newer one, and the history
read as if the newer one had been rolled back.
"""

from __future__ import annotations

import json

from recstack.serving.registry import ModelRegistry


def _racing(registry: ModelRegistry, popular) -> list[int]:
    """Publish ``pop`` once, and a second time inside the first publish's read-back (after
    it committed its version, before it points the alias): the second publish commits
    the next number and points the alias first."""
    original = ModelRegistry.load
    published: list[int] = []
    calls = {"n": 0}

    def load(self, reference, version=None):
        calls["n"] += 1
        if calls["n"] == 1:  # the first publish's read-back of its own version
            published.append(ModelRegistry(self.root).publish("pop", popular,
                                                              index=None).version)
        return original(self, reference, version)

    ModelRegistry.load = load  # type: ignore[method-assign]
    try:
        published.insert(0, registry.publish("pop", popular, index=None).version)
    finally:
        ModelRegistry.load = original  # type: ignore[method-assign]
    return published


def test_the_alias_ends_at_the_newer_of_two_racing_publishes(tmp_path, popular):
    registry = ModelRegistry(tmp_path / "registry")
    registry.publish("pop", popular, index=None)  # version 1
    first, second = _racing(registry, popular)
    assert (first, second) == (2, 3)
    assert registry.versions("pop") == [1, 2, 3]
    assert registry.current("pop") == 3
    alias = json.loads((tmp_path / "registry" / "pop" / "current.json").read_text())
    # version 2 never became current: it was overtaken before it pointed the alias
    assert alias == {"version": 3, "history": [1]}
    assert registry.load("pop").version == 3


def test_a_publish_after_a_rollback_still_becomes_current(tmp_path, popular):
    registry = ModelRegistry(tmp_path / "registry")
    for _ in range(3):
        registry.publish("pop", popular, index=None)
    assert registry.rollback("pop") == 2
    assert registry.publish("pop", popular, index=None).version == 4
    assert registry.current("pop") == 4
