"""Seventh bad-input probe of publishing: a flag given as text, a fingerprint that
contradicts the data, results that are no mapping, and a misspelt publish_artifact
option; each refused before anything is published."""

from __future__ import annotations

import pytest

from recstack.errors import ConfigError
from recstack.serving.registry import ModelRegistry, data_fingerprint


@pytest.fixture
def registry(tmp_path, als, train):
    registry = ModelRegistry(tmp_path / "registry")
    registry.publish("als", als, data=train)
    return registry


@pytest.mark.parametrize("flag", ["false", "no", 0, None])
def test_make_current_given_as_anything_but_a_boolean_is_refused(registry, als, flag):
    # before: "false" and "no" are true: the alias moved to version 2
    with pytest.raises(ConfigError, match=r"^publish als: make_current must be True or "
                                          r"False, got "):
        registry.publish("als", als, make_current=flag)
    assert registry.versions("als") == [1] and registry.current("als") == 1


def test_a_fingerprint_that_disagrees_with_the_data_is_refused(registry, als, train):
    # before: the fingerprint was recorded and the data silently ignored
    with pytest.raises(ConfigError, match=r"^publish als: fingerprint 'abc' is not that of "
                                          r"data \('[0-9a-f]+'\); give data or a "
                                          r"fingerprint, not two that disagree$"):
        registry.publish("als", als, data=train, fingerprint="abc")
    assert registry.versions("als") == [1]
    agreeing = registry.publish("als", als, data=train, fingerprint=data_fingerprint(train))
    assert agreeing.manifest["data_fingerprint"] == data_fingerprint(train)


@pytest.mark.parametrize("evaluation", ["good", [0.3, 0.2], 0.31])
def test_an_evaluation_that_is_no_mapping_is_refused(registry, als, evaluation):
    # before: recorded as given ('good' was the manifest's evaluation)
    with pytest.raises(ConfigError, match=r"^publish als: evaluation must be a mapping of "
                                          r"results \(e.g. \{\"ndcg@10\": 0.31\}\), got "):
        registry.publish("als", als, evaluation=evaluation)
    assert registry.versions("als") == [1]


def test_a_misspelt_publish_artifact_option_is_named(registry, als, tmp_path):
    saved = als.save(tmp_path / "saved")
    # before: TypeError "publish() got an unexpected keyword argument 'make_curent'"
    with pytest.raises(ConfigError, match=r"^publish_artifact als: unknown option "
                                          r"'make_curent' \(did you mean 'make_current'\?\); "
                                          r"it takes: data, fingerprint, evaluation, index, "
                                          r"index_options, make_current, keep$"):
        registry.publish_artifact("als", saved, make_curent=False)
    assert registry.versions("als") == [1]
    assert registry.publish_artifact("als", saved, make_current=False).version == 2
    assert registry.current("als") == 1
