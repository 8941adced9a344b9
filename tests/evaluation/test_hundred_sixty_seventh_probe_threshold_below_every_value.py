"""Hundred-sixty-seventh probe: a relevance threshold below every test value.

``Evaluator(relevance_threshold=0.4)`` on ratings of 1 to 5 (0.4 written for 4 stars)
counted every test pair as relevant without a word, while ``Interactions.implicit(0.4)``
warns that it keeps every row. Both now warn by one rule
(:class:`ThresholdKeepsEveryRowWarning`): a threshold at or below every value of values
that differ."""

from __future__ import annotations

import warnings
from decimal import Decimal

import pytest

from recstack.data.interactions import Interactions, ThresholdKeepsEveryRowWarning
from recstack.evaluation.evaluator import Evaluator


def _test_part(values):
    return Interactions.from_arrays(list(range(len(values))), list(range(len(values))),
                                    values, rating_range=(1, 5))


@pytest.mark.parametrize("threshold", [0.4, 1, Decimal("0.5")])
def test_a_threshold_below_every_test_value_warns_that_every_pair_is_relevant(threshold):
    test = _test_part([1.0, 3.0, 5.0, 2.0])
    with pytest.warns(ThresholdKeepsEveryRowWarning,
                      match=rf"^relevance_threshold={float(threshold):g} counts every test "
                            r"pair as relevant: the 4 test values run from 1 to 5, all at "
                            r"least the threshold, so no pair is left out, as without one; "
                            r"give a threshold within the values \(e\.g\. 4 on a 1-5 scale\), "
                            r"or leave it out$") as caught:
        truth = Evaluator(relevance_threshold=threshold).relevance(test)
    # the warning points at the caller's line, not at recstack's
    assert caught[0].filename == __file__
    # every pair relevant, as without a threshold
    assert truth.nnz == 4
    assert (truth != Evaluator().relevance(test)).nnz == 0


def test_the_values_are_counted_once_per_pair():
    # a pair given twice is one test value (duplicate_grade): 3 pairs, not 4 rows
    test = Interactions.from_arrays([0, 0, 1, 2], [0, 0, 1, 2], [2.0, 4.0, 3.0, 5.0],
                                    rating_range=(1, 5))
    with pytest.warns(ThresholdKeepsEveryRowWarning, match=r"the 3 test values run from 3 "
                                                           r"to 5"):
        Evaluator(relevance_threshold=2).relevance(test)


@pytest.mark.parametrize(("values", "threshold"), [
    ([1.0, 3.0, 5.0], 4),  # sets some pairs apart
    ([4.0, 4.0], 4),  # values that are all one: nothing a threshold could set apart
    ([1.0, 3.0, 5.0], None),  # no threshold: every pair, as asked
])
def test_a_threshold_within_the_values_or_none_is_silent(values, threshold):
    with warnings.catch_warnings():
        warnings.simplefilter("error", ThresholdKeepsEveryRowWarning)
        truth = Evaluator(relevance_threshold=threshold).relevance(_test_part(values))
    assert truth.nnz == (1 if threshold == 4 and len(set(values)) > 1 else len(values))


def test_implicit_keeps_its_words():
    with pytest.warns(ThresholdKeepsEveryRowWarning,
                      match=r"^implicit\(threshold=0\.4\) keeps every row: the 3 values run "
                            r"from 1 to 5, all at least the threshold, so every row is a "
                            r"positive, as without one; "):
        kept = _test_part([1.0, 3.0, 5.0]).implicit(0.4)
    assert kept.value.tolist() == [1.0, 1.0, 1.0]
