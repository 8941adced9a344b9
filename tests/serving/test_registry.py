"""The model registry on a local folder: the shared lifecycle, atomic publishing, refusals
of damaged artifacts, and the data fingerprint."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.serving import registry as registry_module
from recstack.serving.registry import (
    CorruptVersionError,
    ModelRegistry,
    RegistryUnavailableError,
    data_fingerprint,
    parse_reference,
)
from tests.serving.registry_scenario import run_lifecycle


def test_lifecycle_on_a_local_folder(tmp_path, als, train):
    root = tmp_path / "registry"

    def write(key: str, data: bytes) -> None:
        (root / key).parent.mkdir(parents=True, exist_ok=True)
        (root / key).write_bytes(data)

    run_lifecycle(ModelRegistry(root), als, train, write=write,
                  read=lambda key: (root / key).read_bytes())
    alias = json.loads((root / "als" / "current.json").read_text())
    assert alias["version"] == 2


def test_a_failed_publish_leaves_no_version(tmp_path, als, train, monkeypatch):
    registry = ModelRegistry(tmp_path)
    registry.publish("als", als, data=train)

    def broken_index(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(registry_module, "_build_index", broken_index)
    with pytest.raises(RuntimeError, match="disk on fire"):
        registry.publish("als", als, data=train)
    assert registry.versions("als") == [1] and registry.current("als") == 1
    assert sorted(p.name for p in (tmp_path / "als" / "versions").iterdir()) == ["00000001"]


def test_a_version_failing_its_check_is_not_published(tmp_path, als, train, monkeypatch):
    registry = ModelRegistry(tmp_path)
    real = registry_module._file_table

    def wrong_table(folder: Path):
        table = real(folder)
        table["model/arrays.npz"]["sha256"] = "0" * 64
        return table

    monkeypatch.setattr(registry_module, "_file_table", wrong_table)
    with pytest.raises(CorruptVersionError, match="arrays.npz: checksum mismatch"):
        registry.publish("als", als, data=train)
    assert registry.versions("als") == [] and registry.current("als") is None


def test_a_damaged_saved_model_is_refused_on_publish(tmp_path, als):
    saved = als.save(tmp_path / "saved")
    archive = saved / "arrays.npz"
    data = bytearray(archive.read_bytes())
    data[-50] ^= 0xFF
    archive.write_bytes(bytes(data))
    registry = ModelRegistry(tmp_path / "registry")
    with pytest.raises(CorruptVersionError, match="refusing to publish.*checksum mismatch"):
        registry.publish_artifact("als", saved)
    assert registry.names() == []


def test_publishing_a_saved_model_and_a_model_without_vectors(tmp_path, als, popular, train):
    registry = ModelRegistry(tmp_path)
    version = registry.publish_artifact("als", als.save(tmp_path / "saved"))
    assert version.manifest["index"]["n_items"] == len(als.items_)
    baseline = registry.publish("popular", popular, data=train)
    assert baseline.manifest["index"] is None and baseline.index is None
    assert baseline.manifest["data_fingerprint"] == data_fingerprint(train)
    assert registry.names() == ["als", "popular"]


def test_missing_names_and_versions_are_explained(tmp_path, als):
    registry = ModelRegistry(tmp_path)
    with pytest.raises(RecstackError, match="no model named 'als'"):
        registry.load("als")
    registry.publish("als", als)
    with pytest.raises(RecstackError, match=r"als@7 does not exist \(versions: \[1\]\)"):
        registry.load("als@7")
    with pytest.raises(RecstackError, match="no earlier current version"):
        registry.rollback("als")
    with pytest.raises(ConfigError, match="keep must be"):
        registry.prune("als", 0)


def test_a_root_that_is_a_file_and_a_thing_that_is_not_a_model_are_refused(tmp_path, als):
    (tmp_path / "models").write_text("")
    with pytest.raises(ConfigError, match="models: is a file; the registry root is a folder"):
        ModelRegistry(tmp_path / "models")
    with pytest.raises(ConfigError, match="publish takes a recstack model .* got str"):
        ModelRegistry(tmp_path / "registry").publish("als", "als")


class _RefusingFileSystem:
    """Stands in for a remote store whose every call fails with the backend's own error
    type, as s3fs does with botocore's NoCredentialsError."""

    class Refused(Exception):
        pass

    def __getattr__(self, name):
        def refuse(*args, **kwargs):
            raise self.Refused("Unable to locate credentials")
        return refuse


def test_what_the_remote_storage_refuses_is_one_error_naming_the_registry(als):
    registry = ModelRegistry("memory://refusing")
    registry._fs = _RefusingFileSystem()
    expected = r"registry memory://refusing: the storage refused .*\(Refused: Unable to locate"
    with pytest.raises(RegistryUnavailableError, match=expected):
        registry.names()
    with pytest.raises(RegistryUnavailableError, match=expected):
        registry.load("als")
    with pytest.raises(RegistryUnavailableError, match=expected):
        registry.publish("als", als)


@pytest.mark.parametrize("reference", ["", "a/b", "../x", "als@0", "als@x", "@3"])
def test_bad_references_are_refused(reference):
    with pytest.raises(ConfigError):
        parse_reference(reference)


def test_references():
    assert parse_reference("als") == ("als", None)
    assert parse_reference("als-v2.1@12") == ("als-v2.1", 12)


def test_the_fingerprint_is_the_data(train):
    frame = train.to_frame()
    again = Interactions.from_arrays(frame["user_id"].to_numpy(), frame["item_id"].to_numpy(),
                                     frame["value"].to_numpy(), frame["timestamp"].to_numpy(),
                                     rating_range=train.rating_range)
    assert data_fingerprint(again) == data_fingerprint(train)
    values = frame["value"].to_numpy().copy()
    values[0] += 1
    changed = Interactions.from_arrays(frame["user_id"].to_numpy(),
                                       frame["item_id"].to_numpy(), values,
                                       frame["timestamp"].to_numpy())
    assert data_fingerprint(changed) != data_fingerprint(train)
    assert len(data_fingerprint(train)) == len(hashlib.sha256().hexdigest())


def test_an_index_is_built_with_the_users_as_check_queries(tmp_path, als):
    registry = ModelRegistry(tmp_path)
    version = registry.publish("als", als, index="hnsw",
                               index_options={"M": 8, "ef_construction": 20, "ef": 10})
    described = version.manifest["index"]
    assert described["backend"] == "hnsw" and 0 < described["recall_at_10"] <= 1
    # the recall written is that of the users' own top 10 (recomputed here by a full sort)
    users = als.user_embeddings()
    truth = np.argsort(-(users @ als.item_embeddings().T), axis=1, kind="stable")[:, :10]
    found, _ = version.index.search(users, 10)
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(found, truth, strict=True)])
    assert described["recall_at_10"] == pytest.approx(recall, abs=1e-9)


def test_concurrent_publishers_get_distinct_versions(tmp_path, als):
    from concurrent.futures import ThreadPoolExecutor

    registry = ModelRegistry(tmp_path)
    with ThreadPoolExecutor(4) as pool:
        published = list(pool.map(lambda _: registry.publish("als", als, index=None),
                                  range(4)))
    assert sorted(v.version for v in published) == [1, 2, 3, 4]
    assert registry.versions("als") == [1, 2, 3, 4]
    for version in published:  # each number holds a whole, verified version
        assert registry.load("als", version.version).manifest["version"] == version.version


def test_publish_with_retention(tmp_path, als):
    registry = ModelRegistry(tmp_path)
    for _ in range(3):
        registry.publish("als", als, index=None, keep=2)
    assert registry.versions("als") == [2, 3] and registry.current("als") == 3
    assert not (tmp_path / "als" / "versions" / "00000001").exists()


def test_a_version_damaged_while_stored_is_withdrawn(tmp_path, als, monkeypatch):
    registry = ModelRegistry(tmp_path)
    real_copy = registry_module._copy_into

    def copy_and_damage(source, target):
        real_copy(source, target)
        archive = Path(target) / "model" / "arrays.npz"
        data = bytearray(archive.read_bytes())
        data[-20] ^= 0xFF
        archive.write_bytes(bytes(data))

    monkeypatch.setattr(registry_module, "_copy_into", copy_and_damage)
    with pytest.raises(CorruptVersionError, match="arrays.npz: checksum mismatch"):
        registry.publish("als", als, index=None)
    assert registry.versions("als") == [] and registry.current("als") is None
