"""Hundred-thirteenth bad-input probe: ``[registry] name = ""`` in a pipeline file.

An empty name was read as no name (``name or pipeline name``): the model was published
under the pipeline's name without a word. It is checked as every model name is now."""

from __future__ import annotations

import tomllib

import pytest

from recstack.errors import ConfigError
from recstack.ops.pipeline_config import parse_pipeline

HEAD = 'name = "shop"\n[data]\npartitions = "logs"\n[model]\ntype = "als"\n'


def _parse(registry: str):
    return parse_pipeline(tomllib.loads(HEAD + "[registry]\n" + registry), source="p.toml")


@pytest.mark.parametrize("written", ['""', '"   "'])
def test_an_empty_registry_name_is_refused(written):
    with pytest.raises(ConfigError, match=r"^p\.toml: \[registry\] name: model name "):
        _parse(f'root = "registry"\nname = {written}\n')


def test_a_registry_name_or_none_still_names_the_model():
    assert _parse('root = "registry"\nname = "shop-als"\n').registry_name == "shop-als"
    assert _parse('root = "registry"\n').registry_name == "shop"
