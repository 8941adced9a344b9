"""Model names of the registry that differ only in case (``ALS`` beside ``als``: one folder
on macOS and Windows), an index's check queries under exact search, and pruning a name the
registry does not have."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from recstack.errors import ConfigError, RecstackError
from recstack.serving.ann import ItemIndex
from recstack.serving.registry import ModelRegistry


@pytest.fixture
def registry(tmp_path, popular, train):
    registry = ModelRegistry(tmp_path / "registry")
    registry.publish("als", popular, data=train)
    return registry


@pytest.mark.parametrize("name", ["ALS", "Als", "aLs"])
def test_a_name_differing_only_in_case_is_refused_naming_the_other(registry, popular,
                                                                   train, name):
    with pytest.raises(ConfigError, match=rf"model name '{name}' differs only in case from "
                                          r"'als'.*case-insensitive"):
        registry.publish(name, popular, data=train)
    assert registry.names() == ["als"]
    # nothing written for the refused name
    assert sorted(p.name for p in Path(registry.root).iterdir()) == ["als"]


def test_the_same_name_and_other_names_still_publish(registry, popular, train):
    assert registry.publish("als", popular, data=train).version == 2
    assert registry.publish("als2", popular, data=train).version == 1
    assert registry.names() == ["als", "als2"]


def test_an_unknown_name_suggests_the_case(registry):
    with pytest.raises(RecstackError, match=r"no model named 'ALS' \(did you mean 'als'\?\) "
                                            r"\(names: als\)"):
        registry.load("ALS")


def test_pruning_a_name_that_does_not_exist_is_refused(registry):
    with pytest.raises(RecstackError, match=r"no model named 'alss' \(did you mean 'als'\?\)"):
        registry.prune("alss", keep=1)
    assert registry.prune("als", keep=1) == []


VECTORS = np.random.default_rng(0).normal(size=(30, 4)).astype(np.float32)


@pytest.mark.parametrize(("queries", "message"), [
    (np.full((3, 4), np.nan), "check queries hold values NaN or infinite"),
    (np.ones((3, 5)), "check queries have 5 dimensions, the items 4"),
    (np.empty((0, 4)), "check queries must be a non-empty 2-d array"),
    ("users", "check queries must be real numbers"),
])
def test_check_queries_are_checked_under_exact_search_too(queries, message):
    # the same queries are refused by the graph backend; exact search ignored them
    with pytest.raises(ConfigError, match=message):
        ItemIndex.build(VECTORS, backend="exact", check_queries=queries)
    with pytest.raises(ConfigError, match=message):
        ItemIndex.build(VECTORS, backend="auto", exact_below=1000, check_queries=queries)


def test_exact_search_with_good_check_queries_has_recall_one():
    index = ItemIndex.build(VECTORS, backend="exact", check_queries=np.ones((2, 4)))
    assert (index.backend, index.recall_at_10) == ("exact", 1.0)
