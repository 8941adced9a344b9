"""``top_k`` given a scipy sparse matrix said "scores must be a 2-d array, got shape ()"
(numpy read the matrix as one object), and given a masked array ranked the values under
its mask: both now get the refusal of ``writable_scores`` (as ``top_k_batched`` did)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from recstack.errors import ConfigError
from recstack.topk import top_k

SCORES = np.array([[3.0, 1.0, 2.0, 5.0], [0.0, 4.0, 0.0, 1.0]], np.float32)


@pytest.mark.parametrize("method", ["numpy", "auto"])
def test_a_sparse_matrix_is_refused_with_the_remedy(method):
    with pytest.raises(ConfigError, match=r"got a scipy sparse 2 x 4 matrix; densify it "
                                          r"with .toarray\(\)"):
        top_k(sp.csr_matrix(SCORES), 2, method=method)


@pytest.mark.parametrize("method", ["numpy", "auto"])
def test_a_masked_array_with_masked_entries_is_refused(method):
    masked = np.ma.masked_array(SCORES, mask=SCORES == 5.0)
    with pytest.raises(ConfigError, match=r"masked array with 1 masked entries.*"
                                          r"filled\(-np.inf\)"):
        top_k(masked, 2, method=method)


def test_a_masked_array_without_masked_entries_is_its_values():
    indices, values = top_k(np.ma.masked_array(SCORES), 2, method="numpy")
    # best first, by the definition: row 0 is 5 (item 3), 3 (item 0); row 1 is 4, 1
    assert indices.tolist() == [[3, 0], [1, 3]]
    assert values.tolist() == [[5.0, 3.0], [4.0, 1.0]]
