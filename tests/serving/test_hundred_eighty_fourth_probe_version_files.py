"""Hundred-eighty-fourth bad-input probe of the model registry: a version's file cut short
(an empty ``model.json``, half an ``arrays.npz`` left by a copy) said only "checksum
mismatch; the file is corrupted or was modified", where the item index's own check says
the sizes and what to do; an empty ``manifest.json`` was "not valid JSON (Expecting value:
line 1 column 1 (char 0))"; and a manifest an editor saved with a byte-order mark was
refused as corrupted, where ``current.json`` with one is read (the manifest's checksum is
of its fields, not of its bytes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from recstack.serving.registry import CorruptVersionError, ModelRegistry


@pytest.fixture
def registry(tmp_path, popular, train):
    registry = ModelRegistry(tmp_path / "registry")
    registry.publish("pop", popular, data=train, index=None)
    return registry


def _version(registry: ModelRegistry) -> Path:
    return Path(registry._version_key("pop", 1))


@pytest.mark.parametrize("cut", [0, 5], ids=["empty", "cut short"])
def test_a_file_cut_short_is_said_with_its_size(registry, cut):
    path = _version(registry) / "model" / "model.json"
    size = path.stat().st_size
    path.write_bytes(path.read_bytes()[:cut])
    with pytest.raises(CorruptVersionError) as raised:
        registry.load("pop")
    assert str(raised.value) == (
        f"{registry.root}: pop@1/model/model.json: checksum mismatch ({cut} bytes, "
        f"manifest.json says {size:,}: cut short or replaced by another file; copy the whole "
        "version folder again, or publish the model again); the file is corrupted or was "
        "modified")


def test_a_file_of_the_same_size_changed_is_a_checksum_mismatch_alone(registry):
    path = _version(registry) / "model" / "model.json"
    data = bytearray(path.read_bytes())
    data[-2] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptVersionError) as raised:
        registry.load("pop")
    assert str(raised.value) == (f"{registry.root}: pop@1/model/model.json: checksum "
                                 "mismatch; the file is corrupted or was modified")


@pytest.mark.parametrize("content", [b"", b"\n \r\n"], ids=["empty", "blank"])
def test_an_empty_manifest_is_said_to_be_empty(registry, content):
    (_version(registry) / "manifest.json").write_bytes(content)
    with pytest.raises(CorruptVersionError) as raised:
        registry.manifest("pop", 1)
    assert str(raised.value) == (
        f"{registry.root}: pop@1/manifest.json: is empty ({len(content)} bytes): a publish "
        "or a copy cut short; publish the model again, or copy the whole version folder "
        "again")


def test_a_manifest_with_a_byte_order_mark_is_read(registry):
    path = _version(registry) / "manifest.json"
    expected = registry.manifest("pop", 1)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert registry.manifest("pop", 1) == expected
    assert registry.load("pop").version == 1
