"""Model names a registry cannot hold on every system: Windows device names (``CON``,
``nul``, ``com1``, ``LPT9``, with any extension: ``aux.v2``) and names ending with ``.``
(Windows drops it: ``als.`` and ``als`` are one folder there) were published on Linux,
making a registry that Windows could not copy or read. Now every check of a name (publish,
lookups, ``recstack publish``, a pipeline's registry name) refuses them, saying why and
what to write; other names with dots keep working."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from recstack.errors import ConfigError
from recstack.serving.registry import ModelRegistry, check_name, parse_reference

DEVICE = ("{stem!r} is a device name on Windows (CON, PRN, AUX, NUL, COM0-COM9, LPT0-LPT9, "
          "in any letter case and with any extension), where no folder can be named so; "
          "choose another, e.g. {example!r}")


@pytest.mark.parametrize(("name", "stem", "example"), [
    ("CON", "CON", "CON-model"), ("con", "con", "con-model"), ("Nul", "Nul", "Nul-model"),
    ("PRN", "PRN", "PRN-model"), ("aux.v2", "aux", "aux-model.v2"),
    ("com1", "com1", "com1-model"), ("COM0", "COM0", "COM0-model"),
    ("LPT9.x.y", "LPT9", "LPT9-model.x.y"),
])
def test_a_windows_device_name_is_refused(name, stem, example):
    with pytest.raises(ConfigError) as caught:
        check_name(name)
    assert str(caught.value) == (f"model name {name!r}: not a name a registry can hold on "
                                 "every system: "
                                 + DEVICE.format(stem=stem, example=example))


@pytest.mark.parametrize(("name", "meant"), [("als.", "als"), ("als..", "als"),
                                             ("v1.2.", "v1.2")])
def test_a_trailing_dot_is_refused_with_the_name_meant(name, meant):
    with pytest.raises(ConfigError) as caught:
        check_name(name)
    assert str(caught.value) == (
        f"model name {name!r}: not a name a registry can hold on every system: it ends "
        f"with '.', which Windows drops from a folder's name, so that {name!r} and "
        f"{meant!r} would be one folder there; write {meant!r}")


@pytest.mark.parametrize("name", ["console", "con1", "com10", "lpt", "nul-model", "als.v2",
                                  "a.b.c", "CONS.x", "auxiliary"])
def test_names_near_them_still_pass(name):
    assert check_name(name) == name


def test_publish_and_references_refuse_them_writing_nothing(tmp_path, popular, train):
    registry = ModelRegistry(tmp_path / "registry")
    for name in ("CON", "als.", "lpt1.v2"):
        with pytest.raises(ConfigError, match="not a name a registry can hold on every "
                                              "system"):
            registry.publish(name, popular, data=train)
        with pytest.raises(ConfigError, match="not a name a registry can hold"):
            parse_reference(f"{name}@1")
    assert not Path(registry.root).exists() or list(Path(registry.root).iterdir()) == []
    registry.publish("als.v2", popular, data=train)
    assert registry.names() == ["als.v2"]


def test_a_folder_of_such_a_name_made_before_is_not_listed_as_a_model(tmp_path, popular,
                                                                      train):
    registry = ModelRegistry(tmp_path / "registry")
    registry.publish("als", popular, data=train)
    # a name published by an older recstack on Linux: its lookup would be refused, so
    # listing it failed every listing
    shutil.copytree(Path(registry.root) / "als", Path(registry.root) / "CON")
    assert registry.names() == ["als"]
    with pytest.raises(ConfigError, match="'CON' is a device name on Windows"):
        registry.versions("CON")
