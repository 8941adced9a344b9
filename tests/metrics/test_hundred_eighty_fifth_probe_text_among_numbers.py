"""Hundred-eighty-fifth probe of the metrics' number checks (shared by the pipeline).

- A list mixing numbers and text, ``[1.0, '2', 3.0]``, was refused as holding "text such
  as '1.0'": numpy makes every value of such a list text, so the message named a number
  and not where the text was. The text is now named with its position, by every entry
  point sharing the check (metrics and pipeline alike).
- A set, a dict or a generator where an array belongs was said to hold "values that are
  not numbers" (or numpy's "float() argument must be ... not 'set'"); it is now named for
  what it is, with what to pass instead.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.metrics import (
    MetricInputError,
    mean_over_users,
    precision_at_k,
    rmse,
    roc_auc,
    welch_ttest,
)
from recstack.metrics._validation import not_numbers
from recstack.pipeline.bandit_checks import BanditInputError
from recstack.pipeline.imbalance import correct_probability
from recstack.pipeline.off_policy import ips

MIXED = (r"got text '2' at position 1 among the numbers; text is not read as numbers, even "
         r"where it spells one")


@pytest.mark.parametrize("values", [
    [1.0, "2", 3.0], (1.0, "2", 3.0), np.array([1.0, "2", 3.0], dtype=object),
    pd.Series([1.0, "2", 3.0])])
def test_text_among_numbers_is_named_with_its_position(values):
    assert not_numbers(values, positions=True) == "text '2' at position 1 among the numbers"
    # without positions (the data layer's wording) the text itself, not the number 1.0
    assert not_numbers(values) == "text such as '2'"
    with pytest.raises(MetricInputError, match=r"^y_true must be an array of numbers, "
                                               + MIXED):
        rmse(values, [1.0, 2.0, 3.0])


@pytest.mark.parametrize("call", [
    lambda bad: roc_auc([0, 1, 0], bad),
    lambda bad: welch_ttest(bad, [1.0, 2.0]),
    lambda bad: mean_over_users(bad),
])
def test_every_metric_sharing_the_check_names_the_position(call):
    with pytest.raises(MetricInputError, match=MIXED):
        call([0.5, "2", 0.25])


@pytest.mark.parametrize("call", [
    lambda bad: correct_probability(bad, 0.5),
    lambda bad: ips(bad, [0, 1, 0], [0.5, 0.5, 0.5], [[1, 0], [0, 1], [1, 0]]),
])
def test_the_pipeline_checks_name_the_position_too(call):
    with pytest.raises(BanditInputError, match=MIXED):
        call([0.5, "2", 0.25])


def test_a_table_names_row_and_column():
    assert not_numbers([[1.0, 2.0], [3.0, "x"]], positions=True) == \
        "text 'x' at position (1, 1) among the numbers"


def test_text_first_among_numbers_is_position_0():
    assert not_numbers(["1", 2.0], positions=True) == \
        "text '1' at position 0 among the numbers"
    # true/false was written 'True' by numpy: it is no text
    assert not_numbers([True, "2"], positions=True) == \
        "text '2' at position 1 among the numbers"


@pytest.mark.parametrize(("values", "said"), [
    (["1", "2"], "text '1' at position 0"), (("a",), "text 'a' at position 0"),
    (np.array(["1", "2"], dtype=object), "text '1' at position 0"),
    ([None, "2"], "text '2' at position 1")])
def test_text_alone_is_named_with_its_position(values, said):
    # hundred-ninety-third probe: text alone is named with its position too (it was "text
    # such as '1'", read as if '1' could not be converted); the data layer keeps its words
    assert not_numbers(values, positions=True) == said
    assert not_numbers(values).startswith("text such as ")


def test_numbers_alone_pass():
    assert not_numbers([1.0, 2, np.int64(3)]) is None
    # 0 + ((2 - 3) ** 2) / 2 = 0.5, root 0.7071...
    assert rmse([1.0, 2, np.float32(3)], [1, 2, 2]) == pytest.approx(np.sqrt(1 / 3))


UNORDERED = [
    ({1.0, 2.0}, r"got a set: a set has no order"),
    (frozenset({1.0, 2.0}), r"got a set: a set has no order"),
    ({"a": 1.0, "b": 2.0}, r"got a dict \(a mapping\): pass its values in the order meant"),
    ({"a": 1.0, "b": 2.0}.values(), r"got a dict_values: numpy reads it as one object"),
    ((v for v in [1.0, 2.0]), r"got a generator: numpy reads it as one object"),
    (iter([1.0, 2.0]), r"got a list_iterator: numpy reads it as one object"),
]


@pytest.mark.parametrize(("values", "said"), UNORDERED)
def test_a_collection_without_order_is_named(values, said):
    with pytest.raises(MetricInputError, match=r"^y_true must be an array or list of numbers, "
                                               + said):
        rmse(values, [1.0, 2.0])


@pytest.mark.parametrize(("values", "said"), UNORDERED[:1] + UNORDERED[4:5])
def test_the_pipeline_names_a_collection_without_order(values, said):
    with pytest.raises(BanditInputError, match=r"^correct_probability: p must be an array "
                                               r"or list of numbers, " + said):
        correct_probability(values, 0.5)


def test_lists_of_recommendations_in_a_set_are_named():
    with pytest.raises(MetricInputError, match=r"got a set"):
        precision_at_k(np.array([[0, 1]]), {(0, 1)}, k=1)


def test_a_range_is_still_read_as_its_numbers():
    # range is ordered and numpy reads it: rmse of 0, 1 against 0, 2 is sqrt(1 / 2)
    assert rmse(range(2), [0, 2]) == pytest.approx(np.sqrt(0.5))


def test_a_sparse_matrix_where_dense_scores_belong_is_named():
    # the arguments of auc_per_user(scores, positives) given the other way round: the
    # sparse truth matrix was said to hold "values that are not numbers"
    import scipy.sparse as sp

    from recstack.metrics import auc_per_user

    truth = sp.csr_matrix(np.array([[1.0, 0.0], [0.0, 1.0]]))
    with pytest.raises(MetricInputError, match=r"^scores must be a dense 2-D array of numbers, "
                                               r"got a scipy sparse csr_matrix of shape "
                                               r"\(2, 2\); pass scores\.toarray\(\) if it is "
                                               r"meant \(or is it the sparse matrix of "
                                               r"relevant items"):
        auc_per_user(truth, truth)
    with pytest.raises(MetricInputError, match=r"^y_true must be a dense 1-D array of numbers, "
                                               r"got a scipy sparse csr_array of shape "
                                               r"\(1, 2\); pass y_true\.toarray\(\)\.ravel\(\)"):
        rmse(sp.csr_array([[1.0, 2.0]]), [1.0, 2.0])
    # the same scores dense: user 0 ranks its positive (0.9) above 0.1, user 1 below: 1, 0
    np.testing.assert_allclose(auc_per_user(np.array([[0.9, 0.1], [0.9, 0.1]]), truth),
                               [1.0, 0.0])
