"""Ninety-fifth bad-input probe, JSON files of the registry and the index with a key given
twice: Python's JSON reader keeps the last of them, so that a hand-edited
``current.json`` reading ``{"version": 2, "history": [1], "version": 1}`` served version 1
without a word (and an index's ``index.json``, a results file given to publish, the
same). They are refused as damaged, naming the key, by the one rule the service's request
bodies follow (:func:`recstack.serving.registry.refuse_repeated_keys`)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from recstack.errors import RecstackError
from recstack.serving.ann import ItemIndex
from recstack.serving.commands import evaluation_of
from recstack.serving.registry import CorruptVersionError, ModelRegistry
from recstack.strict_json import RepeatedKeyError, refuse_repeated_keys


@pytest.fixture
def registry(tmp_path, als, train):
    registry = ModelRegistry(tmp_path / "registry")
    registry.publish("als", als, data=train)
    registry.publish("als", als, data=train)
    return registry


def test_a_current_json_naming_its_version_twice_is_damaged(registry, tmp_path):
    path = tmp_path / "registry" / "als" / "current.json"
    assert json.loads(path.read_text()) == {"version": 2, "history": [1]}
    path.write_text('{"version": 2, "history": [1], "version": 1}')
    for read in (lambda: registry.current("als"), lambda: registry.load("als")):
        with pytest.raises(CorruptVersionError) as caught:
            read()
        message = str(caught.value)
        assert "als/current.json is damaged" in message
        assert "the key 'version' is given twice in one object" in message
        assert "set_current('als'" in message


def test_a_repeated_key_in_a_nested_object_is_found_too(registry, tmp_path):
    path = tmp_path / "registry" / "als" / "versions" / "00000002" / "manifest.json"
    text = path.read_text()
    # the second "format" inside the manifest's first object: a hand edit or a bad merge
    path.write_text(text.replace('"format":', '"format": "x", "format":', 1))
    with pytest.raises(CorruptVersionError, match="the key 'format' is given twice"):
        registry.load("als@2")


def test_a_current_json_written_once_still_loads(registry):
    assert registry.current("als") == 2
    assert registry.load("als").version == 2


def test_an_index_json_with_a_repeated_key_is_refused(tmp_path):
    index = ItemIndex.build(np.eye(4, dtype=np.float32), backend="exact")
    folder = index.save(tmp_path / "index")
    meta = folder / "index.json"
    text = meta.read_text()
    meta.write_text(text.replace('"metric":', '"metric": "cosine", "metric":', 1))
    with pytest.raises(RecstackError, match=r"index\.json: not valid JSON \(the key 'metric' "
                                            "is given twice"):
        ItemIndex.load(folder)


def test_a_results_file_with_a_repeated_label_is_refused(tmp_path):
    path = tmp_path / "results.json"
    path.write_text('{"models": [{"model": "ease", "model": "als", "metrics": {}}]}')
    with pytest.raises(RecstackError, match="the key 'model' is given twice"):
        evaluation_of(path, "als")


def test_the_rule_itself():
    assert refuse_repeated_keys([("a", 1), ("b", 2)]) == {"a": 1, "b": 2}
    with pytest.raises(RepeatedKeyError, match="'a' is given twice"):
        refuse_repeated_keys([("a", 1), ("b", 2), ("a", 3)])
    # a RepeatedKeyError is a ValueError, as JSON's own errors: readers catching those
    # report it as JSON that is not valid
    assert issubclass(RepeatedKeyError, ValueError)
