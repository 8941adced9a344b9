"""A version published with ``make_current=False`` keeps its number after its folder is
removed by hand: current.json named it nowhere, so the next publish handed the same number
to another model (als@3 in request logs and pins then meant two models)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from recstack.data.interactions import Interactions
from recstack.models.baselines import MostPopular
from recstack.serving.registry import ModelRegistry


@pytest.fixture
def popular():
    data = Interactions.from_arrays(["u1", "u1", "u2", "u3"], ["a", "b", "a", "c"])
    return MostPopular().fit(data)


def _alias(registry: ModelRegistry) -> dict:
    return json.loads(Path(registry._join("pop", "current.json")).read_text())


def _remove(registry: ModelRegistry, version: int) -> None:
    shutil.rmtree(registry._join("pop", "versions", f"{version:08d}"))


def test_a_removed_version_never_made_current_keeps_its_number(tmp_path, popular):
    registry = ModelRegistry(tmp_path / "registry")
    registry.publish("pop", popular, index=None)                        # 1, current
    registry.publish("pop", popular, index=None, make_current=False)    # 2, a candidate
    assert _alias(registry) == {"version": 1, "history": [], "highest": 2}
    _remove(registry, 2)                                  # the candidate rejected by hand
    assert registry.publish("pop", popular, index=None).version == 3
    assert registry.versions("pop") == [1, 3]
    # the new current version is the largest number: 'highest' says nothing more
    assert _alias(registry) == {"version": 3, "history": [1]}


def test_several_candidates_removed_keep_the_largest_number(tmp_path, popular):
    registry = ModelRegistry(tmp_path / "registry")
    registry.publish("pop", popular, index=None)
    for _ in range(2):
        registry.publish("pop", popular, index=None, make_current=False)  # 2, 3
    _remove(registry, 3)
    _remove(registry, 2)
    assert registry.publish("pop", popular, index=None, make_current=False).version == 4
    assert _alias(registry) == {"version": 1, "history": [], "highest": 4}
    assert registry.current("pop") == 1  # recording a number changes no current version


def test_an_alias_written_before_highest_existed_still_numbers_on(tmp_path, popular):
    registry = ModelRegistry(tmp_path / "registry")
    for _ in range(2):
        registry.publish("pop", popular, index=None)
    # as an older recstack wrote it: no 'highest' key
    Path(registry._join("pop", "current.json")).write_text('{"version": 2, "history": [1]}')
    assert registry.publish("pop", popular, index=None, make_current=False).version == 3
    assert _alias(registry) == {"version": 2, "history": [1], "highest": 3}
    _remove(registry, 3)
    assert registry.publish("pop", popular, index=None).version == 4
