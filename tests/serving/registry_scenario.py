"""One life of a registry (publish, alias, rollback, retention, refusals), run against a
local folder and against an S3 server, so both storages are held to the same behaviour."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest

from recstack import __version__
from recstack.serving.registry import CorruptVersionError, ModelRegistry


def run_lifecycle(registry: ModelRegistry, model, train, *, write, read) -> None:
    """``write(relative_key, bytes)`` and ``read(relative_key)`` reach the storage behind
    the registry's back (to damage a file or leave a half-published version)."""
    first = registry.publish("als", model, data=train, evaluation={"ndcg@10": 0.25})
    assert (first.name, first.version) == ("als", 1)
    manifest = first.manifest
    assert manifest["model"] == "als" and manifest["params"] == model.get_params()
    assert manifest["evaluation"] == {"ndcg@10": 0.25}
    assert manifest["recstack_version"] == __version__
    assert manifest["created"].endswith("+00:00")
    assert manifest["index"]["backend"] == "exact" and manifest["index"]["recall_at_10"] == 1
    assert set(manifest["files"]) == {"model/model.json", "model/arrays.npz",
                                      "index/index.json", "index/items.npy"}
    # every checksum is the file's SHA-256, computed here from the stored bytes
    for relative, entry in manifest["files"].items():
        held = read(f"als/versions/00000001/{relative}")
        assert entry == {"sha256": hashlib.sha256(held).hexdigest(), "size": len(held)}
    users = model.users_.external_ids[:5]
    loaded = registry.load("als")
    np.testing.assert_array_equal(loaded.model.recommend(users, 5)[0],
                                  model.recommend(users, 5)[0])
    assert loaded.index is not None and loaded.index.n_items == len(model.items_)

    second = registry.publish("als", model, data=train)
    third = registry.publish("als", model, data=train, make_current=False)
    assert registry.versions("als") == [1, 2, 3]
    assert registry.current("als") == second.version == 2 and third.version == 3
    assert registry.load("als@3").version == 3
    assert registry.rollback("als") == 1 and registry.current("als") == 1
    registry.set_current("als", 3)
    assert registry.rollback("als", to=2) == 2

    # a half-published version (files without their manifest) is invisible
    write("als/versions/00000004/model/model.json", b"{}")
    assert registry.versions("als") == [1, 2, 3]
    with pytest.raises(Exception, match="does not exist"):
        registry.load("als@4")

    # a damaged file is refused on load; the current version keeps loading
    key = "als/versions/00000003/model/arrays.npz"
    damaged = bytearray(read(key))
    damaged[len(damaged) // 2] ^= 0xFF
    write(key, bytes(damaged))
    with pytest.raises(CorruptVersionError, match="arrays.npz: checksum mismatch"):
        registry.load("als@3")
    with pytest.raises(CorruptVersionError):
        registry.set_current("als", 3)
    assert registry.load("als").version == 2

    # an edited manifest is refused, even with the file table left intact
    key = "als/versions/00000001/manifest.json"
    edited = json.loads(read(key))
    edited["evaluation"] = {"ndcg@10": 0.99}
    write(key, json.dumps(edited).encode())
    with pytest.raises(CorruptVersionError, match="manifest's checksum"):
        registry.load("als@1")

    # retention: the newest two stay, and the current one (2) is never deleted
    registry.publish("als", model, data=train, make_current=False)   # version 5
    registry.publish("als", model, data=train, make_current=False)   # version 6
    assert registry.prune("als", keep=2) == [1, 3]
    assert registry.versions("als") == [2, 5, 6] and registry.current("als") == 2
    assert registry.names() == ["als"]
