"""Hundred-first bad-input probe of the re-rankers' context: a ``RerankContext`` whose
``seen`` was a dense array (or None) was refused as "context must be a
RerankContext(...), got RerankContext", as if the context itself were the wrong object;
the message now names ``seen`` and what it is, and says how to make it sparse."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.pipeline.rerank import RerankContext, create_reranker


def _train() -> Interactions:
    return Interactions.from_arrays(["u", "u", "v"], [10, 11, 12], timestamps=[1, 2, 3])


def test_a_dense_seen_is_named_with_its_shape_and_the_fix():
    train = _train()
    step = create_reranker({"type": "seen"}).fit(train)
    items = np.array([[0, 1, 2], [2, 1, 0]])
    scores = np.array([[3.0, 2.0, 1.0]] * 2)
    dense = RerankContext(seen=train.to_csr().toarray())
    with pytest.raises(RecstackError, match=r"^seen: context must be a RerankContext\(seen="
                       r"<users x items sparse matrix>\), got a RerankContext whose seen is a "
                       r"ndarray of shape \(2, 3\); make it sparse, e.g. "
                       r"scipy.sparse.csr_matrix\(seen\), or take Interactions.to_csr\(\)$"):
        step.rerank(np.array([0, 1]), items, scores, dense)
    with pytest.raises(RecstackError, match=r"got a RerankContext whose seen is a NoneType;"):
        step.rerank(np.array([0, 1]), items, scores, RerankContext(seen=None))
    # something else than a context is still named by its type
    with pytest.raises(RecstackError, match=r"sparse matrix>\), got dict$"):
        step.rerank(np.array([0, 1]), items, scores, {"seen": train.to_csr()})
    # the same matrix made sparse is read: user "u" saw items 0 and 1
    kept, _ = step.rerank(np.array([0, 1]), items, scores,
                          RerankContext(seen=sp.csr_matrix(dense.seen)))
    assert kept.tolist() == [[2, -1, -1], [1, 0, -1]]
