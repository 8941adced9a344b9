"""The item index's candidate-list lengths at their bounds: ``ef`` or ``ef_construction``
of 2**64 or more failed inside hnswlib ("incompatible function arguments"); lengths up to
the bound still build."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.errors import ConfigError
from recstack.serving.ann import MAX_EF, ItemIndex

pytest.importorskip("hnswlib", reason="the graph backend needs hnswlib")

VECTORS = np.random.default_rng(0).normal(size=(60, 8)).astype(np.float32)


@pytest.mark.parametrize("name", ["ef", "ef_construction"])
@pytest.mark.parametrize("value", [MAX_EF + 1, 2**64, 2**70])
@pytest.mark.parametrize("backend", ["hnsw", "exact"])
def test_a_candidate_list_beyond_the_bound_is_refused_naming_it(name, value, backend):
    with pytest.raises(ConfigError, match=rf"{name} must be at most 100,000,000"):
        ItemIndex.build(VECTORS, backend=backend, **{name: value})


@pytest.mark.parametrize("name", ["ef", "ef_construction"])
def test_a_candidate_list_at_the_bound_builds_and_searches_exactly(name):
    index = ItemIndex.build(VECTORS, backend="hnsw", **{name: MAX_EF})
    found, _ = index.search(VECTORS[:2], 5)
    # the reference: the 5 largest inner products, worked out here
    expected = np.argsort(-(VECTORS[:2] @ VECTORS.T), axis=1, kind="stable")[:, :5]
    assert found.tolist() == expected.tolist()
