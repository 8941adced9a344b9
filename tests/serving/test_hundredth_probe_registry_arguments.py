"""Registry calls with their arguments in the wrong order, and version numbers after the
versions folder was deleted: a number current.json names is never given to another
model."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from recstack.errors import ConfigError
from recstack.serving.registry import CorruptVersionError, ModelRegistry


@pytest.fixture
def registry(tmp_path, popular, train):
    registry = ModelRegistry(tmp_path / "registry")
    registry.publish("pop", popular, data=train)
    return registry


@pytest.mark.parametrize("call", [
    lambda r: r.set_current(1, "pop"),
    lambda r: r.rollback(1, "pop"),
    lambda r: r.prune(2, "pop"),
    lambda r: r.manifest(1, "pop"),
    lambda r: r.load(1, "pop"),
])
def test_swapped_name_and_number_are_named_as_swapped(registry, call):
    with pytest.raises(ConfigError, match=r"arguments are swapped.*'pop'"):
        call(registry)


def test_publish_with_the_model_first_is_named_as_swapped(registry, popular):
    with pytest.raises(ConfigError, match=r"publish: the arguments are swapped.*'pop'"):
        registry.publish(popular, "pop")


def test_publish_artifact_with_the_folder_first_is_named_as_swapped(registry, popular,
                                                                     tmp_path):
    saved = tmp_path / "saved"
    popular.save(saved)
    for folder in (saved, str(saved)):
        with pytest.raises(ConfigError, match=r"publish_artifact: the arguments are swapped"):
            registry.publish_artifact(folder, "pop")


def test_arguments_in_order_still_work(registry):
    registry.set_current("pop", 1)
    assert registry.current("pop") == 1
    assert registry.manifest("pop", 1)["version"] == 1


def test_a_wrong_version_alone_is_still_about_the_version(registry):
    with pytest.raises(ConfigError, match="version must be a whole number"):
        registry.set_current("pop", "1")


def test_numbering_continues_after_the_versions_current_json_names(registry, popular, train):
    for _ in range(4):
        registry.publish("pop", popular, data=train)
    assert registry.current("pop") == 5
    shutil.rmtree(registry._join("pop", "versions"))
    published = registry.publish("pop", popular, data=train)
    # 1 to 5 were versions once (current.json names them): 1 would now mean another model
    assert published.version == 6
    alias = json.loads(Path(registry._join("pop", "current.json")).read_text())
    assert alias["version"] == 6 and alias["history"][-1] == 5


def test_numbering_skips_a_removed_newest_version_named_in_the_history(registry, popular,
                                                                       train):
    registry.publish("pop", popular, data=train)          # 2, current
    registry.set_current("pop", 1)                        # history [1, 2]
    shutil.rmtree(registry._join("pop", "versions", "00000002"))
    assert registry.publish("pop", popular, data=train).version == 3


def _alias(registry) -> Path:
    return Path(registry._join("pop", "current.json"))


@pytest.mark.parametrize("text", ["garbage", '{"version": 1, "history": [], "pinned": true}',
                                  '{"version": NaN, "history": []}'])
def test_set_current_repairs_the_damaged_alias_it_is_named_as_the_remedy_for(
        registry, popular, train, text):
    registry.publish("pop", popular, data=train)
    _alias(registry).write_text(text)
    with pytest.raises(CorruptVersionError, match=r"current.json is damaged.*set_current"):
        registry.current("pop")
    registry.set_current("pop", 1)
    assert registry.current("pop") == 1
    assert json.loads(_alias(registry).read_text()) == {"version": 1, "history": []}


@pytest.mark.parametrize("text, problem", [
    ('{"version": 1, "histroy": []}', r"no 'history'|unknown key 'histroy'"),
    ('{"version": 1, "history": [], "pinned": true}', r"unknown key 'pinned'"),
    ('{"version": 1, "history": [Infinity]}', r"Infinity is not a JSON number"),
])
def test_an_alias_key_no_recstack_writes_or_a_non_json_number_is_named(registry, text,
                                                                         problem):
    _alias(registry).write_text(text)
    with pytest.raises(CorruptVersionError, match=problem):
        registry.load("pop")


def test_a_manifest_holding_nan_is_refused_as_not_json(registry):
    manifest = Path(registry._join("pop", "versions", "00000001", "manifest.json"))
    manifest.write_text(manifest.read_text().replace('"format_version": 1',
                                                     '"format_version": NaN'))
    with pytest.raises(CorruptVersionError, match=r"not valid JSON \(NaN is not a JSON "):
        registry.load("pop@1")


def test_publish_over_a_damaged_alias_writes_no_version(registry, popular, train):
    _alias(registry).write_text("garbage")
    for make_current in (True, False):
        with pytest.raises(CorruptVersionError, match="current.json is damaged"):
            registry.publish("pop", popular, data=train, make_current=make_current)
    assert registry.versions("pop") == [1]


def test_an_item_index_whose_index_json_holds_nan_is_refused_as_not_json(tmp_path):
    import numpy as np

    from recstack.errors import RecstackError
    from recstack.serving.ann import ItemIndex

    folder = tmp_path / "index"
    ItemIndex.build(np.random.default_rng(0).normal(size=(20, 4)), backend="exact"
                    ).save(folder)
    meta = folder / "index.json"
    meta.write_text(meta.read_text().replace('"recall_at_10": 1.0', '"recall_at_10": NaN'))
    with pytest.raises(RecstackError, match=r"index.json: not valid JSON \(NaN is not a "
                                            r"JSON number\)"):
        ItemIndex.load(folder)


@pytest.mark.parametrize("call", [
    lambda store: store.put(["a"], "user", [[1.0, 2.0]]),
    lambda store: store.get(["a"], "item"),
    lambda store: store.delete(["a"], "user"),
])
def test_embedding_store_calls_with_ids_before_the_kind_are_named_as_swapped(tmp_path, call):
    from recstack.serving.embedding_store import open_store

    store = open_store(tmp_path / "vectors.db")
    try:
        with pytest.raises(ConfigError, match=r"the arguments are swapped: the kind \('(user|"
                                              r"item)'\) comes first"):
            call(store)
    finally:
        store.close()


def test_an_embedding_store_kind_that_is_an_array_is_refused_by_name(tmp_path):
    import numpy as np

    from recstack.serving.embedding_store import open_store

    store = open_store(tmp_path / "vectors.db")
    try:
        # an array of two ids in the kind's place: numpy's "truth value is ambiguous"
        with pytest.raises(ConfigError, match=r"kind must be 'user' or 'item', got ndarray"):
            store.get(np.array(["a", "b"]), ["c"])
    finally:
        store.close()


@pytest.mark.parametrize("length", [101, 100_000])
def test_a_very_long_model_name_is_cut_in_the_message(registry, length):
    with pytest.raises(ConfigError) as refused:
        registry.load("a" * length)
    message = str(refused.value)
    assert f"({length:,} characters): use 1 to 100 letters" in message
    assert len(message) < 300
