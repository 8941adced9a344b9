"""``publish_artifact`` given something that is no path (None, a number, a model) says
that the argument is wrong (ConfigError, a ValueError), not that an artifact is corrupt;
a damaged artifact is still a CorruptVersionError."""

from __future__ import annotations

import pytest

from recstack.errors import ConfigError
from recstack.serving.registry import CorruptVersionError, ModelRegistry


@pytest.mark.parametrize("path", [None, 5, ["saved"]])
def test_a_path_that_is_no_path_is_a_config_error(tmp_path, path):
    registry = ModelRegistry(tmp_path / "registry")
    with pytest.raises(ConfigError, match=r"^publish_artifact als: path must be the folder "
                       r"written by model.save \(text or a path\), got "):
        registry.publish_artifact("als", path)
    assert registry.names() == []


def test_a_model_object_in_place_of_its_folder_says_to_use_publish(tmp_path, als):
    registry = ModelRegistry(tmp_path / "registry")
    with pytest.raises(ConfigError, match="got ALS"):
        registry.publish_artifact("als", als)


def test_a_bad_name_is_refused_before_the_artifact_is_read(tmp_path):
    with pytest.raises(ConfigError, match="model name 'a/b'"):
        ModelRegistry(tmp_path / "registry").publish_artifact("a/b", tmp_path / "nothing")


def test_a_missing_folder_is_still_a_refused_artifact(tmp_path):
    registry = ModelRegistry(tmp_path / "registry")
    with pytest.raises(CorruptVersionError, match="refusing to publish .*no such folder"):
        registry.publish_artifact("als", tmp_path / "nothing")
