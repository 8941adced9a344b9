"""The evaluation's numeric settings given as numbers in quotes (``batch_size="64"``,
``relevance_threshold="4"``, ``ks=["10"]``) or, where a whole number goes, with a point
(``batch_size=64.0``) were refused with "got '64'" alone, which did not say the quotes were
the mistake, where the metrics' own settings (``n_bins="10"``) are told how to write them.
Each is now told, by the same hint; a spelt number that would be refused as well
(``batch_size="0"``, ``relevance_threshold="inf"``) gets no hint."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.errors import ConfigError
from recstack.evaluation.diagnostics import diagnose
from recstack.evaluation.evaluator import Evaluator
from recstack.evaluation.results import EvaluationResult, MetricSummary

QUOTES = r" \(a number in quotes is text: write it without them, "


@pytest.mark.parametrize(("name", "given", "opening", "written"), [
    ("relevance_threshold", "4", r"relevance_threshold must be a finite number or None, "
                                 r"got '4'", "relevance_threshold = 4"),
    ("relevance_threshold", "3.5", r"relevance_threshold must be a finite number or None, "
                                   r"got '3\.5'", r"relevance_threshold = 3\.5"),
    ("novelty_smoothing", "1", r"novelty_smoothing must be a finite number >= 0, got '1'",
     "novelty_smoothing = 1"),
    ("batch_size", "64", r"batch_size must be a positive integer, got '64'", "batch_size = 64"),
    ("memory_budget_bytes", "1000000", r"memory_budget_bytes must be a positive integer, got "
                                       r"'1000000'", "memory_budget_bytes = 1000000"),
    ("n_threads", "2", r"n_threads must be a whole number in \[1, \d+\] \(the one thread "
                       r"cap\), got '2'", "n_threads = 2"),
])
def test_a_quoted_evaluator_setting_is_told_to_drop_the_quotes(name, given, opening, written):
    with pytest.raises(ConfigError, match=rf"^{opening}{QUOTES}{written}\)$"):
        Evaluator(**{name: given})


def test_a_quoted_cutoff_is_named_by_position():
    with pytest.raises(ConfigError, match=r"^ks must be a list of positive integers such as "
                                          r"\[10, 20\], got \[5, '10'\] \('10' at position 1: "
                                          r"a number in quotes is text: write it without "
                                          r"them, 10\)$"):
        Evaluator(ks=[5, "10"])


def test_a_whole_float_batch_is_told_its_digits():
    with pytest.raises(ConfigError, match=r"^batch_size must be a positive integer, got 64\.0 "
                                          r"\(a whole number is written in digits alone, "
                                          r"without a point or an exponent: batch_size = "
                                          r"64\)$"):
        Evaluator(batch_size=64.0)


@pytest.mark.parametrize(("name", "given"), [
    ("batch_size", "0"), ("n_threads", "100000"), ("relevance_threshold", "inf"),
    ("novelty_smoothing", "-1"), ("batch_size", "many")])
def test_a_spelt_number_refused_as_well_gets_no_hint(name, given):
    with pytest.raises(ConfigError, match=rf"got '{given}'$"):
        Evaluator(**{name: given})


def _result():
    return EvaluationResult("a", pd.DataFrame({"ndcg@10": [0.5, 0.25]},
                                              index=pd.Index([1, 2], name="user_id")))


def test_a_quoted_diagnose_bound_is_told():
    with pytest.raises(ConfigError, match=rf"^diagnose: level_tolerance must be a finite "
                                          rf"number >= 0, got '0\.1'{QUOTES}level_tolerance "
                                          rf"= 0\.1\)$"):
        diagnose(_result(), level_tolerance="0.1")
    with pytest.raises(ConfigError, match=r"got '5'$"):  # a share: 5 is refused as well
        diagnose(_result(), low_recall="5")


def test_a_quoted_confidence_and_count_are_told():
    with pytest.raises(ConfigError, match=rf"got '0\.9'{QUOTES}confidence = 0\.9\)$"):
        MetricSummary.from_values("ndcg@10", np.array([0.5, 0.25]), confidence="0.9")
    with pytest.raises(ConfigError, match=rf"^a: users_without_relevant must be a whole number "
                                          rf"of users >= 0, got '3'{QUOTES}"
                                          rf"users_without_relevant = 3\)$"):
        EvaluationResult("a", _result().per_user, users_without_relevant="3")


def test_the_numbers_written_so_are_taken():
    # by hand: the mean of 0.5 and 0.25 is 0.375
    assert MetricSummary.from_values("ndcg@10", np.array([0.5, 0.25]), confidence=0.9
                                     ).mean == pytest.approx(0.375)
    evaluator = Evaluator(batch_size=64, relevance_threshold=4, n_threads=2, ks=[5, 10])
    assert (evaluator.batch_size, evaluator.relevance_threshold, evaluator.n_threads,
            evaluator.ks) == (64, 4, 2, [5, 10])
