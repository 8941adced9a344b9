"""Sixth bad-input probe, numpy masked arrays given to the metrics and the embedding
analyses: every conversion read the values under the mask, so ``rmse`` of
``[1, --, 3]`` against ``[1, 2, 3]`` counted the hidden 100 (56.6 instead of a refusal or
0), a masked padding slot of a top-K list was scored as an item, and PCA analysed hidden
embedding values."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

import recstack.metrics as M
from recstack.analysis.embeddings import pca_analysis
from recstack.errors import RecstackError
from recstack.metrics import MetricInputError

SAMPLE = np.ma.masked_array([1.0, 100.0, 3.0], mask=[False, True, False])


@pytest.mark.parametrize(("call", "name", "position"), [
    (lambda: M.rmse(SAMPLE, [1.0, 2.0, 3.0]), "y_true", 1),
    (lambda: M.mae([1.0, 2.0, 3.0], SAMPLE), "y_pred", 1),
    (lambda: M.log_loss([0, 1, 1], np.ma.masked_array([0.2, 0.9, 0.5], mask=[0, 1, 0])),
     "y_prob", 1),
    (lambda: M.mean_over_users(SAMPLE), "values", 1),
    (lambda: M.welch_ttest(SAMPLE, [1.0, 2.0, 3.0]), "control", 1),
    (lambda: M.ndcg_at_k(np.ma.masked_array([[1.0, 0.0]], mask=[[True, False]]),
                         np.array([[1.0, 0.0]]), 2), "grades", r"\(0, 0\)"),
    (lambda: M.catalog_coverage(np.ma.masked_array([[1, 2]], mask=[[False, True]]), 5),
     "recommended", r"\(0, 1\)"),
    (lambda: M.ranking_metrics(np.ma.masked_array([[1, 2]], mask=[[False, True]]),
                               sp.csr_matrix(([1.0], ([0], [2])), shape=(1, 3)), ks=2),
     "recommended", r"\(0, 1\)"),
    (lambda: M.novelty(np.array([[1]]), np.ma.masked_array([1, 1, 1], mask=[0, 1, 0]), 5),
     "item_counts", 1),
])
def test_masked_entries_are_refused_by_argument_and_position(call, name, position):
    with pytest.raises(MetricInputError, match=rf"^{name} is a masked array with 1 masked "
                                               rf"entries \(the first at position {position}\)"
                                               r", whose hidden values would be read as "
                                               r"numbers; fill or drop them first"):
        call()


def test_masked_embeddings_are_refused_by_the_analyses():
    vectors = np.ma.masked_array(np.random.default_rng(0).random((6, 3)),
                                 mask=np.eye(6, 3, dtype=bool))
    with pytest.raises(RecstackError, match=r"item embeddings is a masked array with 3 masked "
                                            r"entries \(the first at position \(0, 0\)\)"):
        pca_analysis(vectors)
