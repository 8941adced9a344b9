"""Two-hundred-seventy-third bad-input probe of the model registry, edited by hand: a version
folder named ``00000000`` (no version is 0: they start at 1 and no reference can name one)
was listed by ``versions()`` as version 0, kept a name in ``names()`` with nothing loadable,
and was counted and "deleted" by ``prune``; and ``rollback(name)`` whose earlier current
versions were all pruned or removed was told it "has no earlier current version", as if it
never had one, without naming a version to roll back to."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from recstack.errors import RecstackError
from recstack.serving.registry import ModelRegistry


def _registry(tmp_path: Path, popular, train, count: int) -> ModelRegistry:
    registry = ModelRegistry(tmp_path / "registry")
    for _ in range(count):
        registry.publish("pop", popular, data=train, index=None)
    return registry


def _folder(registry: ModelRegistry, name: str, version: int) -> Path:
    return Path(registry.root) / name / "versions" / f"{version:08d}"


def test_a_folder_numbered_zero_is_no_version(tmp_path, popular, train):
    registry = _registry(tmp_path, popular, train, 2)
    shutil.copytree(_folder(registry, "pop", 1), _folder(registry, "pop", 0))
    assert registry.versions("pop") == [1, 2]
    # the newest 1 kept, the current one (2) never deleted: version 1 goes, the 0 folder
    # is no version to count or delete
    assert registry.prune("pop", 1) == [1]
    assert registry.versions("pop") == [2]
    assert _folder(registry, "pop", 0).is_dir()
    assert registry.publish("pop", popular, data=train, index=None).version == 3


def test_a_name_holding_only_a_zero_folder_is_no_model(tmp_path, popular, train):
    registry = _registry(tmp_path, popular, train, 1)
    (Path(registry.root) / "other" / "versions").mkdir(parents=True)
    shutil.copytree(_folder(registry, "pop", 1), _folder(registry, "other", 0))
    assert registry.names() == ["pop"]
    assert registry.versions("other") == []
    with pytest.raises(RecstackError, match="no model named 'other'"):
        registry.load("other")


def _alias(registry: ModelRegistry, alias: dict) -> None:
    (Path(registry.root) / "pop" / "current.json").write_text(json.dumps(alias))


def test_rollback_whose_earlier_version_was_removed_says_so(tmp_path, popular, train):
    registry = _registry(tmp_path, popular, train, 3)  # current 3, history [1, 2]
    shutil.rmtree(_folder(registry, "pop", 2))
    shutil.rmtree(_folder(registry, "pop", 1))
    registry.publish("pop", popular, data=train, index=None, make_current=False)  # 4
    with pytest.raises(RecstackError) as raised:
        registry.rollback("pop")
    assert str(raised.value) == (
        f"{registry.root}: pop@3 has no earlier current version left to roll back to: 2 "
        "versions current before it (2, 1) were removed since (pruned, or removed by hand); "
        "roll back to a version that checks out with rollback('pop', to=4)")
    assert registry.current("pop") == 3
    assert registry.rollback("pop", to=4) == 4


def test_rollback_with_no_other_version_left_says_it_stays(tmp_path, popular, train):
    registry = _registry(tmp_path, popular, train, 2)  # current 2, history [1]
    shutil.rmtree(_folder(registry, "pop", 1))
    with pytest.raises(RecstackError) as raised:
        registry.rollback("pop")
    assert str(raised.value) == (
        f"{registry.root}: pop@2 has no earlier current version left to roll back to: 1 "
        "version current before it (1) was removed since (pruned, or removed by hand); no "
        "other version of pop checks out (versions: [2]), so pop stays at 2")
    assert registry.current("pop") == 2


def test_rollback_after_prune_names_the_version_left(tmp_path, popular, train):
    registry = _registry(tmp_path, popular, train, 3)  # current 3, history [1, 2]
    registry.publish("pop", popular, data=train, index=None, make_current=False)  # 4
    assert registry.prune("pop", 2) == [1, 2]
    with pytest.raises(RecstackError, match=r"\(2, 1\) were removed since .*"
                                            r"rollback\('pop', to=4\)$"):
        registry.rollback("pop")


def test_rollback_without_history_names_a_version(tmp_path, popular, train):
    registry = _registry(tmp_path, popular, train, 2)
    _alias(registry, {"version": 2, "history": []})
    with pytest.raises(RecstackError) as raised:
        registry.rollback("pop")
    assert str(raised.value) == (
        f"{registry.root}: pop@2 has no earlier current version to roll back to; name one "
        "(to=N), e.g. rollback('pop', to=1)")
