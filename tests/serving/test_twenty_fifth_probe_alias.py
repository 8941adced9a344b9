"""Twenty-fifth bad-input probe of the registry: a ``current.json`` the registry could not
use was refused as "NAME/current.json is damaged", whatever was wrong with it (not JSON,
a version written as text, a missing history...), so whoever edited it by hand had to
guess; and one saved by an editor with a byte-order mark, its content right, was refused
the same way. The message now says what is wrong; a byte-order mark is read through."""

from __future__ import annotations

from pathlib import Path

import pytest

from recstack.serving.registry import CorruptVersionError, ModelRegistry


@pytest.fixture(scope="module")
def registry(tmp_path_factory, popular, train):
    registry = ModelRegistry(tmp_path_factory.mktemp("alias") / "registry")
    registry.publish("pop", popular, data=train)
    registry.publish("pop", popular, data=train)
    return registry


@pytest.fixture
def alias(registry):
    path = Path(registry.root) / "pop" / "current.json"
    kept = path.read_bytes()
    yield path
    path.write_bytes(kept)


@pytest.mark.parametrize(("text", "problem"), [
    ("garbage", "not valid JSON (Expecting value: line 1 column 1 (char 0))"),
    ("[2]", 'expected an object such as {"version": 3, "history": [1, 2]}, got a list'),
    ('{"history": []}', "no 'version'"),
    ('{"version": "2", "history": []}',
     "'version' must be a whole number from 1 to 99999999, got \"2\""),
    ('{"version": 2.0, "history": []}',
     "'version' must be a whole number from 1 to 99999999, got 2.0"),
    ('{"version": 2}', "'history' must be a list of the versions current before (possibly "
                       "empty), got nothing"),
    ('{"version": 2, "history": {"1": 1}}', "'history' must be a list of the versions "
                                            "current before (possibly empty), got an object"),
    ('{"version": 2, "history": [1, null]}',
     "'history' must hold version numbers from 1 to 99999999, got null"),
])
def test_a_damaged_alias_says_what_is_wrong_with_it(registry, alias, text, problem):
    alias.write_text(text, encoding="utf-8")
    with pytest.raises(CorruptVersionError) as raised:
        registry.current("pop")
    assert str(raised.value) == (f"{registry.root}: pop/current.json is damaged: {problem}; "
                                 "point it at a version again with set_current('pop', "
                                 "VERSION)")


def test_an_alias_that_is_not_utf8_says_so(registry, alias):
    alias.write_bytes(b'{"version": 2, "history": ["\xff"]}')
    with pytest.raises(CorruptVersionError, match=r"pop/current.json is damaged: not UTF-8 "
                                                  r"text \(invalid start byte at byte 28\)"):
        registry.current("pop")


def test_an_alias_saved_with_a_byte_order_mark_is_read(registry, alias):
    alias.write_text('{"version": 1, "history": [2]}', encoding="utf-8-sig")
    assert registry.current("pop") == 1
    assert registry.load("pop").reference == "pop@1"
