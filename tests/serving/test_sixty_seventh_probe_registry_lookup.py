"""Every lookup of the registry by a name it does not hold gives the same "no model
named ... (did you mean ...)" error: set_current, load and manifest with a version, and
rollback said "ALS@1 does not exist (versions: none)" or "ALS has no current version",
without the hint that publish, load and prune give."""

from __future__ import annotations

import pytest

from recstack.errors import RecstackError
from recstack.serving.registry import ModelRegistry


@pytest.fixture
def registry(tmp_path, popular, train):
    registry = ModelRegistry(tmp_path / "registry")
    registry.publish("als", popular, data=train)
    return registry


HINT = r"no model named 'ALS' \(did you mean 'als'\?\) \(names: als\)"


@pytest.mark.parametrize("call", [
    lambda r: r.set_current("ALS", 1),
    lambda r: r.load("ALS@1"),
    lambda r: r.load("ALS", 1),
    lambda r: r.manifest("ALS", 1),
    lambda r: r.manifest("ALS"),
    lambda r: r.rollback("ALS"),
    lambda r: r.rollback("ALS", to=1),
    lambda r: r.prune("ALS", keep=1),
    lambda r: r.load("ALS"),
], ids=["set_current", "load@", "load-version", "manifest-version", "manifest",
        "rollback", "rollback-to", "prune", "load"])
def test_every_lookup_of_an_unknown_name_suggests_the_case(registry, call):
    with pytest.raises(RecstackError, match=HINT):
        call(registry)
    assert registry.current("als") == 1


def test_an_unknown_version_of_a_known_name_still_lists_the_versions(registry):
    with pytest.raises(RecstackError, match=r"als@4 does not exist \(versions: \[1\]\)$"):
        registry.set_current("als", 4)


def test_an_empty_registry_says_none_yet(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(RecstackError, match=r"no model named 'als' \(names: none yet\)"):
        ModelRegistry(tmp_path / "empty").set_current("als", 1)


def test_a_registry_folder_that_does_not_exist_is_said_to_be_missing(tmp_path):
    # a mistyped --registry read as "names: none yet", as if nothing had been published
    with pytest.raises(RecstackError, match=r"no model named 'als' \(names: none; no such "
                                            r"registry folder: check the path"):
        ModelRegistry(tmp_path / "nope").set_current("als", 1)
    assert not (tmp_path / "nope").exists()
