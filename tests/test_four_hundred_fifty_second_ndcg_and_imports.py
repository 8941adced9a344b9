"""Round 58 probe of the evaluation API as a new user calls it: an nDCG whose grades and
ideal came from different truths, and the evaluation package's documented names."""

from __future__ import annotations

import math

import numpy as np
import pytest

from recstack.metrics import MetricInputError, ndcg_at_k


def test_a_hit_of_a_user_whose_ideal_holds_no_relevant_item_is_refused():
    # the first user's ideal says "no relevant item" (all 0) but the list holds a hit: it was
    # NaN, the mark of a user left out, without a word; precision_at_k refuses the same
    # contradiction between grades and n_relevant
    grades = np.array([[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]])
    ideal = np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0]])
    with pytest.raises(MetricInputError, match=r"grades row 0, column 0 holds the grade 1\.0, "
                                               r"but ideal row 0 says the user's largest "
                                               r"grade is 0\.0 \(no relevant item\)"):
        ndcg_at_k(grades, ideal, 3)


def test_a_hit_past_k_of_a_user_without_relevant_items_is_refused_too():
    # the ideal's first grade is the user's largest over all items, not only the top k
    with pytest.raises(MetricInputError, match="grades row 0, column 2 holds the grade 3"):
        ndcg_at_k(np.array([[0.0, 0.0, 3.0]]), np.array([[0.0, 0.0]]), 2, gain="linear")


def test_a_listed_grade_above_the_ideal_largest_is_refused_though_the_dcg_stays_below():
    # grade 3 at rank 2 against an ideal of three grades of 2: DCG 7 / log2(3) = 4.42 stays
    # below the ideal DCG 3 + 3 / log2(3) + 3 / 2 = 6.39, so the old check (DCG above the
    # ideal DCG) let the nDCG of 0.69 through
    with pytest.raises(MetricInputError, match=r"grades and ideal disagree: grades row 0, "
                                               r"column 1 holds the grade 3\.0, but ideal row "
                                               r"0 says the user's largest grade is 2\.0;"):
        ndcg_at_k(np.array([[0.0, 3.0, 0.0]]), np.array([[2.0, 2.0, 2.0]]), 3)


def test_consistent_grades_keep_their_ndcg_and_users_without_relevant_items_their_nan():
    # user 0: grades (3, 0, 1) of relevant grades {3, 1}; exponential gain 2**g - 1:
    # DCG = 7 + 1 / log2(4) = 7.5, ideal DCG = 7 + 1 / log2(3); user 1: nothing relevant
    grades = np.array([[3.0, 0.0, 1.0], [0.0, 0.0, 0.0]])
    ideal = np.array([[3.0, 1.0, 0.0], [0.0, 0.0, 0.0]])
    values = ndcg_at_k(grades, ideal, 3)
    assert values[0] == pytest.approx(7.5 / (7 + 1 / math.log2(3)), rel=1e-12)
    assert math.isnan(values[1])


def test_the_evaluator_and_its_results_import_from_the_package_its_docstring_names():
    # `from recstack.evaluation import Evaluator` was an ImportError though the package's
    # docstring presents the Evaluator as its default
    import recstack.evaluation as evaluation
    from recstack.evaluation import (
        EvaluationResult,
        Evaluator,
        comparison_table,
        diagnose,
        evaluate_sampled,
    )
    from recstack.evaluation.diagnostics import diagnose as diagnose_itself
    from recstack.evaluation.evaluator import Evaluator as evaluator_itself
    from recstack.evaluation.results import EvaluationResult as result_itself
    from recstack.evaluation.results import comparison_table as table_itself
    from recstack.evaluation.sampled import evaluate_sampled as sampled_itself

    assert Evaluator is evaluator_itself
    assert EvaluationResult is result_itself
    assert comparison_table is table_itself
    assert diagnose is diagnose_itself
    assert evaluate_sampled is sampled_itself
    assert "Evaluator" in dir(evaluation)
    with pytest.raises(AttributeError, match=r"no attribute 'Evaluater' \(did you mean "
                                             r"'Evaluator'\?\)"):
        evaluation.Evaluater  # noqa: B018
