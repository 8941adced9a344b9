"""Hundred-sixteenth probe: a version whose item index was built for another model (a
catalog of another size, vectors of other dimensions), its manifest resealed to match,
was loaded: an index of fewer items answered the ids of other items, and one of other
dimensions was silently passed over for the model's own scoring. It is refused when the
version is loaded, naming both shapes."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from recstack.data.synthetic import generate
from recstack.serving.registry import CorruptVersionError, ModelRegistry, _file_table


def _reseal(folder: Path) -> None:
    """The manifest's file table and digest recomputed, as a hand assembly would."""
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["files"] = {k: v for k, v in _file_table(folder).items() if k != "manifest.json"}
    body = {k: v for k, v in manifest.items() if k != "manifest_sha256"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    manifest["manifest_sha256"] = hashlib.sha256(canonical.encode("ascii")).hexdigest()
    path.write_text(json.dumps(manifest))


def _other(factors: int, n_items: int):
    from recstack.models.als import ALS

    data = generate(n_users=50, n_items=n_items, n_interactions=600, seed=2, progress=None)
    return ALS(factors=factors, iterations=2, seed=0).fit(data), data


@pytest.mark.parametrize("factors, n_items, shapes", [
    (8, 40, "holds 40 items of 8 dimensions, the model 80 items of 8 dimensions"),
    (4, 80, "holds 80 items of 4 dimensions, the model 80 items of 8 dimensions"),
])
def test_an_index_of_another_model_is_refused_at_load(tmp_path, als, train, factors, n_items,
                                                      shapes):
    registry = ModelRegistry(tmp_path / "registry")
    registry.publish("als", als, data=train, index="exact")
    other, data = _other(factors, n_items)
    registry.publish("other", other, data=data, index="exact")
    ours = Path(registry.root) / "als" / "versions" / f"{1:08d}"
    theirs = Path(registry.root) / "other" / "versions" / f"{1:08d}"
    assert registry.load("als").index.n_items == 80
    shutil.rmtree(ours / "index")
    shutil.copytree(theirs / "index", ours / "index")
    _reseal(ours)
    with pytest.raises(CorruptVersionError) as raised:
        registry.load("als")
    message = str(raised.value)
    assert f"its item index {shapes}" in message
    assert "publish the model again" in message
    assert registry.load("other").index.n_items == n_items  # its own index still loads
