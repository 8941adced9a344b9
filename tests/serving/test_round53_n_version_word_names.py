"""A model published under a word that reads as a version alias (``latest``, ``current``,
``newest``, ``head``, ``stable``): ``load("latest")`` then loaded that model while a reader
took it for "the newest version". A new such name is refused at publish; one a registry
already holds keeps taking versions."""

from __future__ import annotations

import pytest

from recstack.errors import ConfigError
from recstack.serving.registry import ModelRegistry


@pytest.mark.parametrize("name", ["latest", "current", "newest", "head", "stable", "Latest",
                                  "STABLE"])
def test_a_version_word_is_refused_as_a_new_name(tmp_path, als, train, name):
    registry = ModelRegistry(tmp_path / "registry")
    with pytest.raises(ConfigError) as caught:
        registry.publish(name, als, data=train)
    message = str(caught.value)
    assert f"model name {name!r} is reserved" in message
    assert "current, head, latest, newest, stable" in message
    assert "version alias" in message and "name@N" in message
    assert registry.names() == []  # nothing was written


def test_a_name_holding_a_version_word_is_a_name(tmp_path, als, train):
    registry = ModelRegistry(tmp_path / "registry")
    assert registry.publish("latest-als", als, data=train).version == 1
    assert registry.publish("stable.v2", als, data=train).version == 1


def test_publish_artifact_refuses_it_before_reading_the_folder(tmp_path):
    # no saved model there: the name is refused first, not the missing folder
    with pytest.raises(ConfigError, match="model name 'newest' is reserved"):
        ModelRegistry(tmp_path / "registry").publish_artifact("newest", tmp_path / "saved")


def test_a_registry_that_already_holds_the_name_keeps_publishing(tmp_path, als, train,
                                                                 monkeypatch):
    # a registry written before the rule: its first version went in without the check
    first = ModelRegistry(tmp_path / "registry")
    monkeypatch.setattr(first, "_refuse_version_word", lambda name: None)
    first.publish("stable", als, data=train)
    registry = ModelRegistry(tmp_path / "registry")
    assert registry.publish("stable", als, data=train).version == 2
    assert registry.load("stable").version == 2
