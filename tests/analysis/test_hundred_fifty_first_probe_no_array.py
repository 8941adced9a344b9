"""None or a single value where an array of embeddings, rows or counts belongs. The
analyses said "embeddings must be 2-D (rows x columns), got an array of shape ()", numpy's
wrapping of None, which named neither what was given nor what to give; they now name it."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.analysis import cosine_top_k, embedding_health, log_popularity, pca_analysis
from recstack.errors import RecstackError

VECTORS = np.random.default_rng(0).normal(size=(30, 4))


@pytest.mark.parametrize(("call", "said"), [
    (lambda: cosine_top_k(None, [0], 3), r"^embeddings must be 2-D \(rows x columns\), got None$"),
    (lambda: cosine_top_k(7, [0], 3), r"^embeddings must be 2-D \(rows x columns\), got int 7$"),
    (lambda: cosine_top_k(VECTORS, None, 3), r"^query rows must be 1-D, got None$"),
    (lambda: pca_analysis(None), r"^item embeddings must be 2-D \(rows x columns\), got None$"),
    (lambda: embedding_health(2.5),
     r"^item embeddings must be 2-D \(rows x columns\), got float 2.5$"),
    (lambda: log_popularity(None), r"^popularity must be 1-D, got None$"),
    (lambda: log_popularity(3), r"^popularity must be 1-D, got int 3$"),
])
def test_none_or_one_value_is_named(call, said):
    with pytest.raises(RecstackError, match=said):
        call()


def test_arrays_of_the_wrong_shape_still_name_their_shape():
    with pytest.raises(RecstackError, match=r"must be 2-D \(rows x columns\), got an array of "
                                            r"shape \(5,\)$"):
        pca_analysis(np.zeros(5))
    with pytest.raises(RecstackError, match=r"^query rows must be 1-D, got an array of shape "
                                            r"\(1, 1\)$"):
        cosine_top_k(VECTORS, [[0]], 3)
