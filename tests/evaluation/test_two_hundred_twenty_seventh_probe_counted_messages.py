"""Two-hundred-twenty-seventh bad-input probe: the evaluator's and the metrics' messages
count in agreement with their nouns ("1 of the 1 evaluated test users", "none of the 1
evaluated test users", "1 of 3 test rows have", "recommended has 1 rows", "y_pred has 1
entries")."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.evaluation.evaluator import Evaluator, NoHistoryWarning, of_total
from recstack.metrics import MetricInputError
from recstack.metrics.ranking import ranking_metrics
from recstack.metrics.regression import mae
from recstack.models import create_model

N_ITEMS = 12


def _no_history_warnings(n_users: int, n_cold: int) -> list[str]:
    """Users 0..n_users-1 each have one test row; the first n_cold have no training row,
    the others train on items 0..3; one more user trains on every item."""
    users, items, is_test = [], [], []
    for user in range(n_users):
        if user >= n_cold:
            users += [user] * 4
            items += [0, 1, 2, 3]
            is_test += [False] * 4
        users.append(user)
        items.append(N_ITEMS - 1)
        is_test.append(True)
    users += [n_users] * N_ITEMS
    items += list(range(N_ITEMS))
    is_test += [False] * N_ITEMS
    data = Interactions.from_arrays(np.array(users), np.array(items), np.ones(len(users)))
    mask = np.array(is_test)
    train, test = data.select(~mask), data.select(mask)
    model = create_model("most_popular").fit(train)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        Evaluator(metrics=["ndcg"], ks=[5]).evaluate(model, train, test)
    return [str(w.message) for w in caught if issubclass(w.category, NoHistoryWarning)]


def test_the_one_evaluated_user_without_history_is_one_user():
    found = _no_history_warnings(1, 1)
    assert len(found) == 1
    assert found[0].startswith("the one evaluated test user has no training row, so ")


def test_one_of_two_users_without_history_has_none():
    found = _no_history_warnings(2, 1)
    assert len(found) == 1
    assert found[0].startswith("1 of the 2 evaluated test users (50%) has no training row: ")


@pytest.mark.parametrize(("part", "total", "whose", "expected"), [
    (1, 1, "", "the one user"),
    (1, 1, "its", "its one user"),
    (1, 3, "", "1 of 3 users"),
    (2, 3, "the", "2 of the 3 users"),
    (1_000, 2_000, "", "1,000 of 2,000 users"),
])
def test_a_part_of_a_count_in_words(part, total, whose, expected):
    assert of_total(part, total, "user", whose) == expected


def test_the_metrics_count_rows_and_entries_in_agreement():
    import scipy.sparse as sp

    truth = sp.csr_matrix(np.eye(2))
    with pytest.raises(MetricInputError, match=r"recommended has 1 row but the ground truth "
                                               r"has 2 users$"):
        ranking_metrics(np.array([[0, 1]]), truth)
    with pytest.raises(MetricInputError, match=r"^length mismatch: y_true has 2, y_pred has 1 "
                                               r"entry$"):
        mae([1.0, 2.0], [1.0])
