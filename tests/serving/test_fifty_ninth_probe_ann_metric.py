"""An HNSW index whose ``index.json`` names another metric than its graph was built for
(edited by hand: no checksum covers index.json itself) is refused when loaded; it loaded,
and every search ranked by the other measure."""

from __future__ import annotations

import json

import numpy as np
import pytest

from recstack.errors import RecstackError
from recstack.serving.ann import ItemIndex

pytest.importorskip("hnswlib", reason="the hnsw backend needs hnswlib")


def _vectors():
    rng = np.random.default_rng(4)
    vectors = rng.normal(size=(60, 5)).astype(np.float32)
    vectors[7] = 0.0  # a zero vector stays zero under either metric
    return vectors * rng.uniform(0.5, 4.0, size=(60, 1)).astype(np.float32)


@pytest.mark.parametrize(("built", "edited"), [("ip", "cosine"), ("cosine", "ip")])
def test_a_metric_changed_in_index_json_is_refused(tmp_path, built, edited):
    folder = tmp_path / "index"
    ItemIndex.build(_vectors(), metric=built, backend="hnsw", seed=2).save(folder)
    meta = json.loads((folder / "index.json").read_text())
    meta["metric"] = edited
    (folder / "index.json").write_text(json.dumps(meta))
    with pytest.raises(RecstackError, match=rf"hnsw.bin: the graph's vectors are not the "
                       rf"items of items.npy for metric '{edited}' \(they are those of metric "
                       rf"'{built}': was index.json edited\?\)"):
        ItemIndex.load(folder)


@pytest.mark.parametrize("metric", ["ip", "cosine"])
def test_an_unedited_index_loads_and_answers_as_built(tmp_path, metric):
    vectors = _vectors()
    index = ItemIndex.build(vectors, metric=metric, backend="hnsw", seed=2)
    index.save(tmp_path / "index")
    loaded = ItemIndex.load(tmp_path / "index")
    assert loaded.metric == metric and loaded.backend == "hnsw"
    queries = vectors[:6] + 0.25
    np.testing.assert_array_equal(loaded.search(queries, 5)[0], index.search(queries, 5)[0])
