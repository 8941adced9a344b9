"""``correct_probability``'s rate has two meanings, both documented with an example: the
share of negatives kept by downsampling (below 1) and c0 / c1 under class weights (above 1
whenever positives are the majority). A rate given as a list or an array was refused as
any other bad value; it is now told that one number holds for all of ``p``. Values worked
by hand: q = p / (p + (1 - p) / r)."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from recstack.errors import ConfigError
from recstack.pipeline import imbalance
from recstack.pipeline.bandit_checks import BanditInputError
from recstack.pipeline.imbalance import correct_probability


def test_the_documentation_gives_both_meanings_and_an_example_of_each():
    doc = " ".join(correct_probability.__doc__.split())  # wrapped lines as one
    assert "Negatives downsampled to 5%: ``rate=0.05``" in doc
    assert ":math:`c_0 / c_1 = 5`: ``rate=5``" in doc
    finder = doctest.DocTestFinder()
    tests = [t for t in finder.find(imbalance) if t.name.endswith("correct_probability")]
    assert len(tests) == 1 and len(tests[0].examples) == 2
    result = doctest.DocTestRunner().run(tests[0])
    assert result.failed == 0


def test_both_examples_by_hand():
    # 5% kept: 0.5 / (0.5 + 0.5 / 0.05) = 1 / 21; c0 / c1 = 5: 0.5 / (0.5 + 0.1) = 5 / 6
    assert correct_probability(0.5, 0.05) == pytest.approx(1 / 21)
    assert correct_probability(0.5, 5) == pytest.approx(5 / 6)


def test_class_weights_above_one_when_positives_are_the_majority():
    # 80 positives, 20 negatives; sklearn's balanced weights: c_y = N / (2 N_y), so
    # c0 / c1 = N1 / N0 = 4. A constant-only logistic model's fitted probability under
    # those weights is 1/2 (each class weighs N / 2); corrected by 4 it is the base rate
    labels = np.array([1] * 80 + [0] * 20)
    model = LogisticRegression(class_weight="balanced", C=1e6).fit(np.zeros((100, 1)),
                                                                   labels)
    weighted = float(model.predict_proba(np.zeros((1, 1)))[0, 1])
    assert weighted == pytest.approx(0.5, abs=1e-4)
    assert correct_probability(weighted, 4) == pytest.approx(0.8, abs=1e-4)


@pytest.mark.parametrize("rate", [np.nan, np.inf, -np.inf, 0, -0.0, -5, 1e-400])
def test_rates_that_are_no_finite_positive_number_are_refused(rate):
    with pytest.raises(ConfigError, match=r"^correct_probability: rate .* must be a finite "
                                          r"number > 0"):
        correct_probability([0.5], rate)


@pytest.mark.parametrize(("rate", "hint"), [
    ([0.1], r" \(one number, not a collection: rate = 0\.1\)$"),
    (np.array([5.0]), r" \(one number, not a collection: rate = 5\.0\)$"),
    (np.array([0.5, 0.2]), r" \(one number for all of p, not one per value: call "
                           r"correct_probability once per rate"),
])
def test_a_rate_given_as_a_collection_is_told_to_be_one_number(rate, hint):
    with pytest.raises(ConfigError, match=r"must be a finite number > 0 .*, got .*" + hint):
        correct_probability(np.array([0.5, 0.5]), rate)


def test_end_points_and_shapes_are_kept():
    np.testing.assert_array_equal(correct_probability([0.0, 1.0], 5), [0.0, 1.0])
    np.testing.assert_array_equal(correct_probability([0.0, 1.0], 0.05), [0.0, 1.0])
    # a 2 x 2 array: each 0.5 -> 5/6, each 0.2 -> 0.2 / (0.2 + 0.8 / 5) = 5/9
    got = correct_probability(np.array([[0.5, 0.2], [0.2, 0.5]]), 5)
    np.testing.assert_allclose(got, [[5 / 6, 5 / 9], [5 / 9, 5 / 6]])


def test_rows_of_different_lengths_are_refused_by_row():
    with pytest.raises(BanditInputError, match=r"^correct_probability: p must be an array of "
                                               r"numbers, got nested lists of different "
                                               r"lengths \(p\[0\] holds 2 entries and "
                                               r"p\[1\] 1 entry\)"):
        correct_probability([[0.1, 0.2], [0.3]], 5)
