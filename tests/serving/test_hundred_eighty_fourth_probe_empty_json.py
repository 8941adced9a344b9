"""Hundred-eighty-fourth bad-input probe: a JSON file of the service's that is empty (a
copy cut short, a disk that was full, a file created and never written) was refused as
"not valid JSON (Expecting value: line 1 column 1 (char 0))", as if one character were
wrong. Each says now that the file is empty, with its size and what to do: the model
registry's ``current.json`` and a version's ``manifest.json``, an item index's
``index.json``, a ``recstack serve --config`` file, the ``results.json`` that
``publish`` reads an evaluation from."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from recstack.errors import ConfigError, RecstackError
from recstack.serving.ann import ItemIndex
from recstack.serving.commands import evaluation_of
from recstack.serving.registry import CorruptVersionError, ModelRegistry
from recstack.serving.settings import settings_from_options

BLANKS = {"empty": b"", "blank": b" \r\n"}


@pytest.mark.parametrize("content", BLANKS.values(), ids=BLANKS.keys())
def test_an_empty_current_alias(tmp_path, popular, train, content):
    registry = ModelRegistry(tmp_path / "registry")
    registry.publish("pop", popular, data=train, index=None)
    (tmp_path / "registry" / "pop" / "current.json").write_bytes(content)
    with pytest.raises(CorruptVersionError) as raised:
        registry.current("pop")
    assert str(raised.value) == (
        f"{registry.root}: pop/current.json is damaged: it is empty ({len(content)} bytes); "
        "point it at a version again with set_current('pop', VERSION)")


@pytest.mark.parametrize("content", BLANKS.values(), ids=BLANKS.keys())
def test_an_empty_index_description(tmp_path, content):
    vectors = np.random.default_rng(0).normal(size=(12, 3)).astype(np.float32)
    ItemIndex.build(vectors, backend="exact").save(tmp_path / "index")
    (tmp_path / "index" / "index.json").write_bytes(content)
    with pytest.raises(RecstackError) as raised:
        ItemIndex.load(tmp_path / "index")
    assert str(raised.value) == (
        f"{tmp_path / 'index' / 'index.json'}: is empty ({len(content)} bytes): a save or a "
        "copy cut short; the index is corrupted")


@pytest.mark.parametrize("content", BLANKS.values(), ids=BLANKS.keys())
def test_an_empty_settings_file(tmp_path, content):
    config = tmp_path / "serve.json"
    config.write_bytes(content)
    with pytest.raises(ConfigError) as raised:
        settings_from_options(config, registry=str(tmp_path))
    assert str(raised.value) == (f"--config {config}: is empty; write a JSON object of "
                                 'settings, e.g. {"default_k": 20}')


@pytest.mark.parametrize("content", BLANKS.values(), ids=BLANKS.keys())
def test_an_empty_results_file_to_publish_from(tmp_path, content):
    results = tmp_path / "results.json"
    results.write_bytes(content)
    with pytest.raises(RecstackError) as raised:
        evaluation_of(tmp_path, "als")
    assert str(raised.value) == (
        f"{results}: is empty ({len(content)} bytes): a run cut short or a copy that did not "
        "finish; rerun `recstack evaluate`")


def test_a_results_file_with_a_syntax_error_is_still_not_valid_json(tmp_path):
    (tmp_path / "results.json").write_text('{"models": [}')
    with pytest.raises(RecstackError, match=r"results\.json:1: not valid JSON \(Expecting"):
        evaluation_of(Path(tmp_path), "als")
