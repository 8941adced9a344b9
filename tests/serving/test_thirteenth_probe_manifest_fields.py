"""Thirteenth bad-input probe of the model registry: a manifest edited and its digest
recomputed (the module docstring documents how) got past every check with fields of the
wrong kind. A version written as text ("1") was refused as "its manifest is of als@1; the
folder was copied or renamed", naming the very version asked for; generator positions
that are not numbers failed as "invalid literal for int() with base 10"; an item index
description that is text, or params that are a list, loaded silently; and a model folder
of another type, swapped in with a rewritten manifest, was served under the manifest's
model type."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest

from recstack.serving.registry import CorruptVersionError, ModelRegistry


def _rewrite(folder: Path, **changes) -> None:
    """Change manifest fields and recompute ``manifest_sha256`` as the module docstring
    describes it: SHA-256 of the canonical JSON (keys sorted, no whitespace, ASCII)
    without that field."""
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest.update(changes)
    body = {k: v for k, v in manifest.items() if k != "manifest_sha256"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    manifest["manifest_sha256"] = hashlib.sha256(canonical.encode("ascii")).hexdigest()
    path.write_text(json.dumps(manifest))


@pytest.fixture
def registry(tmp_path, als, train):
    registry = ModelRegistry(tmp_path / "registry")
    registry.publish("als", als, data=train)
    return registry


def _version_folder(registry: ModelRegistry, version: int = 1) -> Path:
    return Path(registry.root) / "als" / "versions" / f"{version:08d}"


@pytest.mark.parametrize(("changes", "expected"), [
    ({"version": "1"}, r"'version' must be a whole number from 1 to 99999999, got str '1'"),
    ({"version": True}, r"'version' must be a whole number from 1 to 99999999, got bool"),
    ({"index": "hnsw"}, r"'index' must be the item index's description or null, got str"),
    ({"params": [8, 5.0]}, r"'params' must be an object of hyperparameters, got list"),
    ({"evaluation": ["ndcg", 0.3]}, r"'evaluation' must be an object of results or null"),
    ({"data_fingerprint": 5}, r"'data_fingerprint' must be text or null, got int"),
    ({"generator_indexes": "g0"}, r"'generator_indexes' must be an object of generator "
                                  r"positions, got str"),
    ({"generator_indexes": {"first": {}}}, r"'generator_indexes' must map each generator's "
                                           r"position \(0, 1, \.\.\.\) to its index's "
                                           r"description, got the key\(s\) \['first'\]"),
])
def test_a_rewritten_manifest_with_fields_of_the_wrong_kind_is_refused(registry, changes,
                                                                       expected):
    _rewrite(_version_folder(registry), **changes)
    for read in (lambda: registry.load("als"), lambda: registry.manifest("als", 1)):
        with pytest.raises(CorruptVersionError) as caught:
            read()
        message = str(caught.value)
        assert "als@1/manifest.json: " in message
        assert "its manifest is of" not in message
        assert "invalid literal" not in message
        assert "the manifest was edited" in message
        assert re.search(expected, message), message


def test_a_model_folder_of_another_type_is_refused(registry, tmp_path, train):
    from recstack.models.baselines import MostPopular

    popular = tmp_path / "popular"
    MostPopular().fit(train).save(popular)
    folder = _version_folder(registry)
    shutil.rmtree(folder / "model")
    shutil.copytree(popular, folder / "model")
    files = {p.relative_to(folder).as_posix():
             {"sha256": hashlib.sha256(p.read_bytes()).hexdigest(), "size": p.stat().st_size}
             for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "manifest.json"}
    _rewrite(folder, files=files)
    with pytest.raises(CorruptVersionError, match=r"als@1: its manifest says model 'als', "
                                                  r"but model/ holds a 'most_popular' model"):
        registry.load("als")


def test_an_untouched_version_still_loads(registry):
    version = registry.load("als")
    assert (version.version, version.manifest["model"]) == (1, "als")
