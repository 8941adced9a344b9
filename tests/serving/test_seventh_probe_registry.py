"""Seventh bad-input probe of the registry: a version folder without its manifest (a
publish cut short, a copy that left it out) and a name whose ``current.json`` is missing."""

from __future__ import annotations

import os

import pytest

from recstack.errors import RecstackError
from recstack.serving.registry import CURRENT, MANIFEST, ModelRegistry


@pytest.fixture
def registry(tmp_path, als, train):
    registry = ModelRegistry(tmp_path / "registry")
    registry.publish("als", als, data=train)
    return registry


def version_folder(registry, version):
    return registry._version_key("als", version)


@pytest.mark.parametrize("damage", ["removed", "a folder"])
def test_a_version_folder_without_its_manifest_says_what_it_holds(registry, damage):
    manifest = f"{version_folder(registry, 1)}/{MANIFEST}"
    os.remove(manifest)
    if damage == "a folder":
        os.mkdir(manifest)
    # before: "als@1 does not exist (versions: none)", with the version's files in sight
    calls = [lambda: registry.load("als@1")]
    if damage == "removed":  # (a folder in its place is named as such by manifest())
        calls.append(lambda: registry.manifest("als", 1))
    for call in calls:
        with pytest.raises(RecstackError) as raised:
            call()
        message = str(raised.value)
        assert "als@1 does not exist (versions: none)" in message
        if damage == "a folder":
            # named as what it is since the 199th probe (it was "holds no readable ...")
            assert f"its {manifest} is a folder, not a file: moved or written over" \
                in message
            assert "publish the model again" in message
            continue
        assert f"its folder {version_folder(registry, 1)} holds no readable {MANIFEST}" \
            in message
        assert "publish the model again, or remove the folder" in message


def test_a_version_that_never_was_is_only_said_not_to_exist(registry):
    with pytest.raises(RecstackError) as raised:
        registry.load("als@5")
    assert str(raised.value).endswith("als@5 does not exist (versions: [1])")


def test_versions_without_a_current_alias_are_named_with_the_way_out(registry, als, train):
    registry.publish("als", als, data=train)
    os.remove(f"{registry.root}/als/{CURRENT}")
    # before: "no model named 'als' (names: als)", the name refused and listed at once
    with pytest.raises(RecstackError) as raised:
        registry.load("als")
    assert str(raised.value) == (
        f"{registry.root}: als has versions [1, 2] but no current version "
        f"(als/{CURRENT} is missing); point it at one with set_current('als', 2), or name "
        "the version: als@2")
    # and the way out works
    registry.set_current("als", 2)
    assert registry.load("als").version == 2


def test_a_name_holding_only_an_incomplete_version_says_so(registry):
    os.remove(f"{version_folder(registry, 1)}/{MANIFEST}")
    os.remove(f"{registry.root}/als/{CURRENT}")
    # before: "no model named 'als' (names: none yet)"
    with pytest.raises(RecstackError, match=r"als@1 does not exist \(versions: none\); its "
                                            r"folder .* holds no readable manifest.json"):
        registry.load("als")


def test_an_unknown_name_is_still_said_to_be_unknown(registry):
    with pytest.raises(RecstackError, match=r"no model named 'bpr' \(names: als\)$"):
        registry.load("bpr")
