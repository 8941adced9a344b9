"""Seventh bad-input probe, experiment files: a misspelt ``type`` or ``label`` key of a
``[[models]]`` entry. 'lable' was called an unknown parameter with no hint that label is
a key (the suggestions were the model's parameters only), and 'Type' read as an entry
without a type at all. Each test failed before its fix."""

from __future__ import annotations

import pytest

from recstack.config import parse_experiment
from recstack.errors import ConfigError


def _parse(model: dict) -> None:
    raw = {"data": {"source": "synthetic"}, "split": {"method": "random"},
           "models": [model]}
    parse_experiment(raw, source="x.toml")


@pytest.mark.parametrize("key", ["lable", "Label", "labels"])
def test_a_misspelt_label_is_suggested(key):
    with pytest.raises(ConfigError, match=rf"^x.toml: \[\[models\]\] #1 \(most_popular\) "
                                          rf"unknown key '{key}' for most_popular \(did you "
                                          r"mean 'label'\?\); its parameters: half_life_days "
                                          r"\(besides type and label\)$"):
        _parse({"type": "most_popular", key: "popular"})
    # a near-miss parameter is still suggested as one
    with pytest.raises(ConfigError, match=r"unknown key 'half_life' for most_popular \(did "
                                          r"you mean 'half_life_days'\?\)"):
        _parse({"type": "most_popular", "half_life": 3})


@pytest.mark.parametrize("key", ["Type", "typ", "tpye"])
def test_a_misspelt_type_key_is_named(key):
    with pytest.raises(ConfigError, match=rf"^x.toml: \[\[models\]\] #1 needs a 'type' \(one "
                                          rf"of als, .*\); found '{key}' \(did you mean "
                                          r"'type'\?\)$"):
        _parse({key: "als"})
    # an entry with no key like 'type' gets the plain message
    with pytest.raises(ConfigError, match=r"^x.toml: \[\[models\]\] #1 needs a 'type' \(one "
                                          r"of als, [a-z0-9_, ]*\)$"):
        _parse({"factors": 8})
