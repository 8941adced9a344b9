"""``mask_rows`` on read-only scores (a model's own state, a memory-mapped file) failed
with numpy's bare "assignment destination is read-only"; it now names the scores and the
remedy, ``writable_scores``, whose copy is masked as the definition says."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from recstack.errors import ConfigError
from recstack.topk import mask_rows, writable_scores


def test_read_only_scores_are_refused_with_the_remedy():
    scores = np.array([[0.5, 0.2, 0.9], [0.1, 0.4, 0.3]], np.float32)
    scores.setflags(write=False)
    exclude = sp.csr_matrix(np.array([[0, 0, 1], [1, 0, 0]]))
    with pytest.raises(ConfigError, match=r"^scores are a read-only array and cannot be "
                                          r"masked in place; pass them through "
                                          r"writable_scores"):
        mask_rows(scores, exclude)
    copy = writable_scores(scores)
    mask_rows(copy, exclude)
    # by definition: each stored entry (r, j) of exclude becomes -inf, the rest unchanged
    expected = np.array([[0.5, 0.2, -np.inf], [-np.inf, 0.4, 0.3]], np.float32)
    np.testing.assert_array_equal(copy, expected)


def test_nothing_to_exclude_leaves_read_only_scores_alone():
    scores = np.ones((2, 3), np.float32)
    scores.setflags(write=False)
    mask_rows(scores, sp.csr_matrix((2, 3)))  # nothing is written: nothing to refuse
    assert (scores == 1).all()
