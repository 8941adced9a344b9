"""Hundred-forty-fifth probe: ``global_auc`` and ``auc_per_user`` read a float score matrix
directly (only the order matters), a path that skipped the refusal of masked arrays every
other metric applies: the hidden scores were ranked as any other, silently. They are
refused now; float16 and object score arrays are still read as their numbers."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from recstack.metrics import MetricInputError, auc_per_user, global_auc

SCORES = np.array([[0.9, 0.1, 0.5, 0.3], [0.2, 0.8, 0.15, 0.4]])
POSITIVES = sp.csr_matrix(np.array([[1, 0, 0, 1], [0, 1, 0, 0]]))


@pytest.mark.parametrize("metric", [global_auc, auc_per_user])
def test_a_masked_score_matrix_is_refused(metric):
    masked = np.ma.masked_array(SCORES, SCORES < 0.2)
    with pytest.raises(MetricInputError, match=r"^scores is a masked array with 2 masked "
                                               r"entries \(the first at position \(0, 1\)\)"):
        metric(masked, POSITIVES)


def test_other_score_types_are_read_as_their_numbers():
    # user 0: positives 0.9, 0.3 against negatives 0.1, 0.5: pairs won 2 + 1 of 4 -> 3/4
    # user 1: positive 0.8 above all three negatives -> 1
    expected = [0.75, 1.0]
    for scores in (SCORES.astype(np.float16), SCORES.astype(object),
                   np.ma.masked_array(SCORES)):
        np.testing.assert_allclose(auc_per_user(scores, POSITIVES), expected)
    # global: positives 0.9, 0.3, 0.8 against negatives 0.1, 0.5, 0.2, 0.15, 0.4 (15
    # pairs): 0.9 wins 5, 0.3 wins 3, 0.8 wins 5 -> 13/15
    assert global_auc(SCORES.astype(np.float16), POSITIVES) == pytest.approx(13 / 15)
