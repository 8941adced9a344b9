"""The evaluator's relevance threshold: any real number, compared with the test values in
float32, the type they are kept in (a rating equal to the threshold is relevant)."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.evaluation.evaluator import Evaluator


def _test_part(values):
    return Interactions.from_arrays(list(range(len(values))), list(range(len(values))),
                                    values)


@pytest.mark.parametrize("threshold", [3.6, np.float64(3.6), Decimal("3.6"),
                                       Fraction(18, 5)])
def test_a_rating_equal_to_the_threshold_is_relevant(threshold):
    # relevant: value >= threshold; 3.6 >= 3.6 (in float64 the kept float32(3.6) was not)
    truth = Evaluator(relevance_threshold=threshold).relevance(_test_part([3.6, 3.5, 4.2]))
    assert sorted(truth.nonzero()[1].tolist()) == [0, 2]


def test_an_exact_threshold_is_kept_as_a_plain_number_in_the_results():
    evaluator = Evaluator(relevance_threshold=Decimal("3.5"))
    assert evaluator.relevance_threshold == 3.5
    assert type(evaluator.relevance_threshold) is float
    assert json.dumps({"t": evaluator.relevance_threshold}) == '{"t": 3.5}'
    assert type(Evaluator(relevance_threshold=np.int64(4)).relevance_threshold) is int


@pytest.mark.parametrize(("threshold", "shown"), [
    (10**400, "a 401-digit integer"), (Decimal("NaN"), "Decimal('NaN')"),
    (float("inf"), "inf"), (True, "True"), ("4", "'4'")])
def test_a_threshold_that_is_no_finite_number_is_refused_by_name(threshold, shown):
    with pytest.raises(ConfigError, match="relevance_threshold must be a finite number") \
            as info:
        Evaluator(relevance_threshold=threshold)
    assert shown in str(info.value)


def test_no_relevant_item_names_the_highest_value_compared_as_the_rows_are():
    evaluator = Evaluator(relevance_threshold=3.7)
    with pytest.raises(RecstackError, match=r"the highest test value is 3.6"):
        evaluator.refuse_without_relevant(_test_part([3.6, 3.5]))
    # at the threshold itself there is a relevant item: the message must not say there
    # is none above it (3.6 >= 3.6)
    assert Evaluator(relevance_threshold=3.6).relevance(_test_part([3.6, 3.5])).nnz == 1


def test_a_float32_threshold_is_recorded_as_written():
    evaluator = Evaluator(relevance_threshold=np.float32(3.6))
    assert evaluator.relevance_threshold == 3.6
    assert evaluator.relevance(_test_part([3.6, 3.5])).nnz == 1


@pytest.mark.parametrize(("given", "read"), [(Decimal("0.5"), 0.5), (Fraction(1, 2), 0.5),
                                             (np.int64(2), 2), (0, 0)])
def test_novelty_smoothing_takes_any_real_number(given, read):
    assert Evaluator(novelty_smoothing=given).novelty_smoothing == read


@pytest.mark.parametrize("bad", [Decimal("NaN"), -1, float("inf"), 10**400, None, "1"])
def test_novelty_smoothing_that_is_no_finite_number_at_least_0_is_refused(bad):
    with pytest.raises(ConfigError, match="novelty_smoothing must be a finite number >= 0"):
        Evaluator(novelty_smoothing=bad)
