"""``versions`` and ``current`` of a name that differs only in case from a published one
(``ALS`` beside ``als``) answered ``[]`` and None, as for a name never published, while
every other lookup (load, manifest, set_current, rollback, prune, publish) names ``als``."""

from __future__ import annotations

from pathlib import Path

import pytest

from recstack.errors import RecstackError
from recstack.serving.registry import ModelRegistry

HINT = r"no model named 'ALS' \(did you mean 'als'\?\) \(names: als\)"


@pytest.fixture
def registry(tmp_path, popular, train):
    registry = ModelRegistry(tmp_path / "registry")
    registry.publish("als", popular, data=train)
    return registry


@pytest.mark.parametrize("lookup", ["versions", "current"])
def test_versions_and_current_of_a_case_twin_suggest_the_name(registry, lookup):
    with pytest.raises(RecstackError, match=HINT):
        getattr(registry, lookup)("ALS")


def test_a_name_never_published_still_has_no_versions_and_no_current(registry):
    assert registry.versions("ridge") == [] and registry.current("ridge") is None
    # the published name itself is unchanged
    assert registry.versions("als") == [1] and registry.current("als") == 1


def test_an_empty_registry_answers_as_before(tmp_path):
    empty = ModelRegistry(tmp_path / "none")
    assert empty.versions("ALS") == [] and empty.current("ALS") is None


@pytest.mark.parametrize("spelling", ["2", "0002", "000000002"])
def test_a_version_folder_renamed_by_hand_is_named(registry, popular, train, spelling):
    # "2" for 00000002: the version was reported as deleted, the folder ignored unnamed
    registry.publish("als", popular, data=train)
    versions = Path(registry.root) / "als" / "versions"
    (versions / "00000002").rename(versions / spelling)
    expected = (rf"als@2 does not exist \(versions: \[1\]\); the folder "
                rf"als/versions/{spelling} holds it under another name: a version folder "
                r"is named with 8 digits; rename it 00000002")
    with pytest.raises(RecstackError, match=expected):
        registry.load("als")
    with pytest.raises(RecstackError, match=expected):
        registry.load("als@2")
    (versions / spelling).rename(versions / "00000002")
    assert registry.load("als").version == 2
