"""Thirty-ninth bad-input probe of the registry: a version named twice, two ways.

``load("als@1", 2)`` loaded als@2 and ignored the reference's version without a word (a
service configured with both would serve another model than its reference says). Two
different versions are refused; the same one given twice still loads."""

from __future__ import annotations

import pytest

from recstack.errors import ConfigError
from recstack.serving.registry import ModelRegistry


@pytest.fixture(scope="module")
def registry(tmp_path_factory, popular, train):
    registry = ModelRegistry(tmp_path_factory.mktemp("registry"))
    registry.publish("pop", popular, data=train)
    registry.publish("pop", popular, data=train)
    return registry


def test_a_reference_and_a_version_that_disagree_are_refused(registry):
    with pytest.raises(ConfigError, match=r"load: the reference 'pop@1' names version 1 and "
                                          r"version=2 another; give the version once"):
        registry.load("pop@1", 2)


def test_the_same_version_given_twice_or_once_loads_it(registry):
    assert registry.load("pop@1", 1).version == 1
    assert registry.load("pop", 1).version == 1
    assert registry.load("pop@1").version == 1
    assert registry.load("pop").version == 2


def test_a_malformed_version_beside_a_reference_is_still_named(registry):
    with pytest.raises(ConfigError, match=r"version must be a whole number from 1 to"):
        registry.load("pop@1", "2")


def test_a_numpy_integer_version_is_that_version(registry):
    import json
    from pathlib import Path

    import numpy as np

    versions = np.array(registry.versions("pop"))
    # was "version must be a whole number from 1 to 99999999, got np.int64(1)"
    assert registry.load("pop", versions[0]).version == 1
    registry.set_current("pop", versions[0])
    alias = json.loads((Path(registry.root) / "pop" / "current.json").read_text())
    assert alias["version"] == 1 and type(alias["version"]) is int
    assert registry.rollback("pop", to=versions[-1]) == 2
    assert registry.current("pop") == 2
    for wrong in (np.True_, np.float64(1.0), np.int64(0)):
        with pytest.raises(ConfigError, match=r"version must be a whole number from 1 to"):
            registry.load("pop", wrong)
