"""Round 54 A: a registry method given a reference (``"als@2"``) where it takes a name says
that the name is the part before '@' and the version an argument of its own.

``rollback("als@2")``, ``prune("als@3", keep=1)`` and ``set_current("als@2", 2)`` were told
only the naming rule and "(character 4 is '@')", which did not say what to write. A name
holding '@' that is no reference keeps the plain refusal. Messages are written out by hand.
"""

from __future__ import annotations

import pytest

from recstack.errors import ConfigError
from recstack.serving.registry import ModelRegistry

RULE = ("use 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit")


@pytest.fixture(scope="module")
def registry(tmp_path_factory, train, als):
    registry = ModelRegistry(tmp_path_factory.mktemp("round54_a_reference") / "registry")
    registry.publish("als", als, data=train)
    registry.publish("als", als, data=train)
    return registry


@pytest.mark.parametrize("call", [
    lambda registry: registry.rollback("als@1"),
    lambda registry: registry.set_current("als@1", 1),
    lambda registry: registry.prune("als@1", keep=1),
    lambda registry: registry.versions("als@1"),
])
def test_a_reference_in_place_of_a_name_says_to_give_the_name_alone(registry, call):
    with pytest.raises(ConfigError) as caught:
        call(registry)
    assert str(caught.value) == (
        f"model name 'als@1': {RULE} (character 4 is '@', which joins a name to a version "
        "in a reference such as 'als@1': give the name alone, 'als', and any version as "
        "its own argument)")
    # nothing changed: version 2 is still the current one
    assert registry.current("als") == 2


@pytest.mark.parametrize("name", ["a@b", "als@"])
def test_an_at_sign_that_is_no_reference_keeps_the_plain_refusal(registry, name):
    with pytest.raises(ConfigError) as caught:
        registry.rollback(name)
    assert str(caught.value) == (f"model name {name!r}: {RULE} (character {name.index('@') + 1} "
                                 "is '@')")
