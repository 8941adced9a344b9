"""A version number is never given to a second model, also after a rollback: rolling back
from a version removed by hand (or one whose number left the 100-entry history) dropped
its number from current.json, and the next publish used it again."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from recstack.serving.registry import CorruptVersionError, ModelRegistry


@pytest.fixture
def registry(tmp_path, popular, train):
    registry = ModelRegistry(tmp_path / "registry")
    for _ in range(3):
        registry.publish("pop", popular, data=train, index=None)   # 1, 2, 3; 3 current
    return registry


def _alias(registry) -> dict:
    return json.loads(Path(registry._join("pop", "current.json")).read_text())


def _remove(registry, version: int) -> None:
    shutil.rmtree(registry._join("pop", "versions", f"{version:08d}"))


def test_a_rollback_from_a_removed_version_keeps_its_number(registry, popular, train):
    _remove(registry, 3)                          # a bad model deleted by hand
    assert registry.rollback("pop") == 2          # history [1, 2] -> current 2, history [1]
    assert _alias(registry) == {"version": 2, "history": [1], "highest": 3}
    published = registry.publish("pop", popular, data=train, index=None)
    # 3 was a version once (pop@3 in request logs, in pins): it may not mean another model
    assert published.version == 4
    assert registry.versions("pop") == [1, 2, 4]
    # once the new version is named, 'highest' is no longer needed
    assert _alias(registry) == {"version": 4, "history": [1, 2]}


def test_two_rollbacks_over_removed_versions_keep_the_largest(registry, popular, train):
    _remove(registry, 3)
    registry.rollback("pop")                      # 2, history [1], highest 3
    _remove(registry, 2)
    assert registry.rollback("pop") == 1          # history [], highest still 3
    assert _alias(registry) == {"version": 1, "history": [], "highest": 3}
    assert registry.publish("pop", popular, data=train, index=None).version == 4


def test_a_number_out_of_the_kept_history_is_not_used_again(registry, popular, train):
    # 3 was current once; 100 changes of current later the history no longer names it
    for step in range(101):
        registry.set_current("pop", 1 + step % 2)
    assert 3 not in _alias(registry)["history"]
    _remove(registry, 3)
    assert registry.publish("pop", popular, data=train, index=None).version == 4


def test_a_rollback_with_nothing_removed_still_numbers_on(registry, popular, train):
    assert registry.rollback("pop") == 2
    assert registry.publish("pop", popular, data=train, index=None).version == 4


@pytest.mark.parametrize("value, shown", [('"3"', '"3"'), ("0", "0"), ("3.0", "3.0"),
                                          ("null", "null")])
def test_a_damaged_highest_is_named(registry, value, shown):
    Path(registry._join("pop", "current.json")).write_text(
        f'{{"version": 3, "history": [1, 2], "highest": {value}}}')
    with pytest.raises(CorruptVersionError, match=(
            r"current.json is damaged: 'highest' \(the largest version number used\) must "
            rf"be a whole number from 1 to 99999999, got {shown}; point it at a version "
            r"again with set_current\('pop', VERSION\)")):
        registry.current("pop")


def test_an_unknown_key_lists_highest_among_the_keys(registry):
    Path(registry._join("pop", "current.json")).write_text(
        '{"version": 3, "history": [1, 2], "higest": 5}')
    with pytest.raises(CorruptVersionError, match=(
            r"unknown key 'higest' \(did you mean 'highest'\?\); current.json holds only "
            r"'version', 'history' and \(optional\) 'highest'")):
        registry.current("pop")


def test_a_written_highest_is_read_back(registry):
    Path(registry._join("pop", "current.json")).write_text(
        '{"version": 2, "history": [1], "highest": 7}')
    assert registry.current("pop") == 2
    registry.set_current("pop", 1)
    # set_current keeps the number it was told of
    assert _alias(registry) == {"version": 1, "history": [1, 2], "highest": 7}
