"""An empty per-user input is called empty, for every metric taking per-user arrays."""
import numpy as np
import pytest
import scipy.sparse as sp

from recstack.metrics import beyond_accuracy, lists, ranking
from recstack.metrics._validation import MetricInputError

TRUTH = sp.csr_matrix(np.eye(3))


@pytest.mark.parametrize("call, name", [
    (lambda: ranking.ndcg_at_k([], [], k=3), "grades"),
    (lambda: ranking.ndcg_at_k(np.zeros((0, 3)), [], k=3), "ideal"),
    (lambda: ranking.dcg_at_k([], 3), "grades"),
    (lambda: ranking.precision_at_k([], [], 3), "grades"),
    (lambda: ranking.recall_at_k([], [], 3), "grades"),
    (lambda: ranking.hit_rate_at_k([], [], 3), "grades"),
    (lambda: ranking.reciprocal_rank_at_k([], [], 3), "grades"),
    (lambda: ranking.average_precision_at_k([], [], 3), "grades"),
    (lambda: ranking.relevance_at_ranks([], TRUTH), "recommended"),
    (lambda: ranking.ranking_metrics([], TRUTH, ks=(3,)), "recommended"),
    (lambda: beyond_accuracy.catalog_coverage([], 3), "recommended"),
    (lambda: lists.group_exposure([], [0, 1, 0], 2), "recommended"),
])
def test_an_empty_per_user_input_is_called_empty(call, name):
    with pytest.raises(MetricInputError, match=rf"^{name} is empty \(shape \(0,\)\): there "
                                               r"are no users to score; it must be a 2-D "
                                               r"\(n_users, K\) array"):
        call()


def test_a_one_dimensional_input_that_is_not_empty_keeps_its_message():
    with pytest.raises(MetricInputError, match=r"^grades must be a 2-D \(n_users, K\) array, "
                                               r"got shape \(3,\)$"):
        ranking.ndcg_at_k([1, 0, 1], [[1, 1, 1]], k=3)


@pytest.mark.parametrize("call", [
    lambda: ranking.auc_per_user([], TRUTH),
    lambda: ranking.global_auc([], TRUTH),
])
def test_empty_score_rows_are_called_empty(call):
    with pytest.raises(MetricInputError, match=r"^scores is empty \(shape \(0,\)\); it must be "
                                               r"2-D \(rows x columns\)$"):
        call()
