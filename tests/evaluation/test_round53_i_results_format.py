"""Round 53 (I): Holm's correction beside the paired tests, and the checks of a stored
results.json that a reader applies (its format version, ``ci_clipped`` and the stored
list overlap)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from recstack.errors import RecstackError
from recstack.evaluation.results import (
    RESULTS_FORMAT_VERSION,
    EvaluationResult,
    PairedTest,
    check_results_format,
    check_stored_model,
    holm_adjust,
)


def test_holm_adjust_matches_the_step_down_by_hand():
    # sorted: 0.005 (x4 = 0.02), 0.01 (x3 = 0.03), 0.03 (x2 = 0.06), 0.04 (x1 = 0.04,
    # raised to the running maximum 0.06); NaN: not tested, left out of the family
    adjusted = holm_adjust(np.array([0.01, 0.04, np.nan, 0.03, 0.005]))
    expected = [0.03, 0.06, math.nan, 0.06, 0.02]
    np.testing.assert_allclose(adjusted, expected, rtol=0, atol=1e-15)


def test_holm_adjust_caps_at_one_and_refuses_what_is_no_p_value():
    np.testing.assert_allclose(holm_adjust(np.array([0.6, 0.9])), [1.0, 1.0])
    with pytest.raises(RecstackError, match="true/false values"):
        holm_adjust(np.array([True, False]))
    with pytest.raises(RecstackError, match=r"position 1 holds 2\.0"):
        holm_adjust(np.array([0.1, 2.0]))


def test_holm_adjust_agrees_with_the_analysis_copy():
    # the lead replaces recstack.analysis.report.holm_adjust by an import of this one
    from recstack.analysis.report import holm_adjust as report_holm

    p_values = np.random.default_rng(5).uniform(size=(6, 6))
    np.testing.assert_array_equal(holm_adjust(p_values), report_holm(p_values))


def _test(t_p_value: float) -> PairedTest:
    return PairedTest("ndcg@10", 0.01, 0.001, 0.02, t_p_value, 0.04, 50)


def test_significance_reads_the_holm_adjusted_p_value():
    alone = _test(0.03)
    assert alone.significant and "significant at 5%)" in str(alone)
    adjusted = alone.with_holm(0.06, 2)
    assert adjusted.t_p_value == 0.03 and adjusted.holm_p_value == 0.06
    assert not adjusted.significant
    text = str(adjusted)
    assert "paired t p=0.03 (Holm-adjusted over 2 comparisons: p=0.06)" in text
    assert "(not significant at 5% after Holm's correction)" in text


def test_the_experiment_adjusts_each_model_against_the_baseline():
    from recstack.experiment import _significance

    rng = np.random.default_rng(0)
    users = pd.Index(range(40))
    base = rng.uniform(0.2, 0.6, size=40)
    shifts = {"a": 0.02, "b": 0.05, "c": 0.0}
    results = [EvaluationResult("base", pd.DataFrame({"ndcg@10": base}, index=users))]
    for label, shift in shifts.items():
        values = np.clip(base + shift + rng.normal(0, 0.05, size=40), 0, 1)
        results.append(EvaluationResult(label, pd.DataFrame({"ndcg@10": values},
                                                             index=users)))
    tests = _significance(results, results[0], "ndcg@10")
    raw = {r.model: stats.ttest_rel(r.per_user["ndcg@10"], base).pvalue
           for r in results[1:]}
    # Holm by hand over the three tests made
    order = sorted(raw, key=raw.get)
    running, expected = 0.0, {}
    for rank, label in enumerate(order):
        running = max(running, min(1.0, (3 - rank) * raw[label]))
        expected[label] = running
    for label in shifts:
        assert tests[label].t_p_value == pytest.approx(raw[label], rel=1e-12)
        assert tests[label].holm_p_value == pytest.approx(expected[label], rel=1e-12)
        assert tests[label].comparisons == 3


def test_a_file_without_a_format_version_is_read_as_the_first():
    assert check_results_format("r/results.json", {"models": []}) == 1
    assert check_results_format("r/results.json",
                                {"format_version": RESULTS_FORMAT_VERSION}) == 1


def test_a_newer_format_version_is_refused_naming_the_file():
    with pytest.raises(RecstackError, match=r"r/results\.json: 'format_version' is 2, a "
                                            r"results format newer than this recstack .* "
                                            r"reads \(1 to 1\).*upgrade recstack"):
        check_results_format("r/results.json", {"format_version": 2})


@pytest.mark.parametrize("version, shown", [("1", '"1"'), (True, "true"), (1.0, "1.0"),
                                            (0, "0")])
def test_a_format_version_of_another_type_is_refused(version, shown):
    with pytest.raises(RecstackError, match=rf"r/results\.json: 'format_version' is "
                                            rf"{shown}; expected a whole number from 1"):
        check_results_format("r/results.json", {"format_version": version})


def _entry(ci_clipped=False, overlap=None):
    entry = {"model": "pop", "metrics": {"ndcg@10": {"mean": 0.1, "ci_low": 0.0,
                                                     "ci_high": 0.2, "n_users": 9,
                                                     "ci_clipped": ci_clipped}},
             "aggregate": {}, "meta": {}}
    if overlap is not None:
        entry["meta"]["mean_list_overlap"] = overlap
    return entry


def test_a_stored_model_as_the_evaluator_writes_it_is_accepted():
    check_stored_model("r/results.json", 1, _entry(True, {"k": 10, "overlap": 0.25}))
    check_stored_model("r/results.json", 1, _entry(False, {"k": 10, "overlap": None}))
    older = _entry()
    del older["metrics"]["ndcg@10"]["ci_clipped"]
    check_stored_model("r/results.json", 1, older)


@pytest.mark.parametrize("clipped, shown", [("yes", '"yes"'), (1, "1"), (None, "null")])
def test_a_ci_clipped_that_is_no_true_or_false_is_refused(clipped, shown):
    with pytest.raises(RecstackError, match=rf"r/results\.json: 'models\[2\]\.metrics\."
                                            rf"ndcg@10\.ci_clipped' is {shown}; expected "
                                            "true or false"):
        check_stored_model("r/results.json", 2, _entry(clipped))


@pytest.mark.parametrize("overlap, field, shown", [
    ({"k": 10, "overlap": 7}, "overlap", "7"),
    ({"k": 10, "overlap": -0.1}, "overlap", "-0.1"),
    ({"k": 10, "overlap": "0.3"}, "overlap", '"0.3"'),
    ({"k": 10, "overlap": True}, "overlap", "true"),
    ({"k": 0, "overlap": 0.3}, "k", "0"),
    ({"k": 2.5, "overlap": 0.3}, "k", "2.5"),
])
def test_a_stored_list_overlap_out_of_range_or_type_is_refused(overlap, field, shown):
    with pytest.raises(RecstackError, match=rf"r/results\.json: 'models\[1\]\.meta\."
                                            rf"mean_list_overlap\.{field}' is {shown}; "):
        check_stored_model("r/results.json", 1, _entry(overlap=overlap))


def test_a_stored_list_overlap_of_another_shape_is_refused():
    with pytest.raises(RecstackError, match=r"'models\[1\]\.meta\.mean_list_overlap' is "
                                            r"0\.3; expected \{\"k\": K"):
        check_stored_model("r/results.json", 1, _entry(overlap=0.3))


def test_a_test_made_alone_is_not_adjusted():
    from recstack.experiment import _significance

    users = pd.Index(range(6))
    base = EvaluationResult("base", pd.DataFrame({"ndcg@10": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]},
                                                 index=users))
    other = EvaluationResult("a", pd.DataFrame({"ndcg@10": [0.2, 0.2, 0.5, 0.4, 0.6, 0.9]},
                                               index=users))
    test = _significance([base, other], base, "ndcg@10")["a"]
    assert test.holm_p_value is None and test.comparisons == 1
    assert "Holm" not in str(test)
