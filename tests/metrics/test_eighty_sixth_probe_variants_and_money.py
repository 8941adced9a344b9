"""Eighty-sixth bad-input probe (metrics): two variant names that differ only in case split
one arm in two without a word; a control or treatment named in the wrong case got no hint;
an amount of money written with a currency sign or a thousands separator was refused
without saying how to write it; a per-item flag or group array of the wrong kind was
refused without saying what it was."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from recstack.metrics import MetricInputError
from recstack.metrics.lists import group_exposure, long_tail_share
from recstack.metrics.online import (
    compare_variants,
    online_metrics,
    session_table,
    validate_events,
)

COLUMNS = ["variant", "session_id", "event", "timestamp", "revenue", "cost"]


def events(rows):
    return pd.DataFrame(rows, columns=COLUMNS)


TWO_ARMS = [("B", "s1", "impression", 0, 0, 0), ("B", "s1", "click", 5, 0, 0),
            ("C", "s2", "impression", 0, 0, 0), ("C", "s3", "impression", 1, 0, 0),
            ("B", "s4", "impression", 2, 0, 0)]


@pytest.mark.parametrize("function", [validate_events, session_table, online_metrics])
@pytest.mark.parametrize("other", ["b", "B ", "b "])
def test_variants_that_differ_only_in_case_are_refused(function, other):
    rows = [*TWO_ARMS, (other, "s9", "impression", 3, 0, 0)]
    with pytest.raises(MetricInputError,
                       match=rf"'variant' holds 'B' \(row 0\) and '{other}' \(row 5\), which "
                             r"read alike.*in one case"):
        function(events(rows))


def test_sessions_that_differ_only_in_case_stay_two_sessions():
    # session ids are tokens: 'S1' and 's1' are two sessions (one impression each)
    rows = [("B", "S1", "impression", 0, 0, 0), ("B", "s1", "impression", 1, 0, 0)]
    assert online_metrics(events(rows)).loc["B", "sessions"] == 2


@pytest.mark.parametrize("role, control, treatment, wrong, right", [
    ("control", "b", "C", "b", "B"), ("treatment", "B", "c", "c", "C")])
def test_a_variant_named_in_another_case_gets_the_nearest(role, control, treatment, wrong,
                                                          right):
    with pytest.raises(MetricInputError,
                       match=rf"{role} variant '{wrong}' is not in the log \(did you mean "
                             rf"'{right}'\?\); variants"):
        compare_variants(events(TWO_ARMS), "ctr", control, treatment)


def test_an_unrelated_variant_gets_no_hint():
    with pytest.raises(MetricInputError, match=r"control variant 'zzz' is not in the log; "):
        compare_variants(events(TWO_ARMS), "ctr", "zzz", "C")


@pytest.mark.parametrize("column", ["revenue", "cost"])
@pytest.mark.parametrize("amount", ["$3.50", "3,50", "1,000.00", "3.50 USD", "€3"])
def test_money_written_with_signs_says_how_to_write_it(column, amount):
    row = {"variant": "B", "session_id": "s1", "event": "purchase", "timestamp": 5,
           "revenue": 0, "cost": 0, column: amount}
    with pytest.raises(MetricInputError,
                       match=rf"'{column}' must hold amounts of money >= 0; row 0 holds "
                             rf"{re.escape(repr(amount))}; write plain numbers such as "
                             r"3\.5, without a currency sign"):
        online_metrics(pd.DataFrame([row], columns=COLUMNS))


def test_money_as_plain_text_numbers_is_still_read():
    rows = [("B", "s1", "purchase", 5, "3.50", "1"), ("B", "s1", "click", 4, None, None),
            ("B", "s1", "impression", 3, None, None)]
    table = online_metrics(events(rows))
    assert table.loc["B", "revenue"] == 3.5
    assert table.loc["B", "roi"] == (3.5 - 1) / 1


RECOMMENDED = np.array([[0, 1, 2], [1, 2, 3]])


def test_long_tail_given_as_zero_one_says_what_it_got_and_the_fix():
    with pytest.raises(MetricInputError,
                       match=r"long_tail must be a 1-D boolean array, one entry per item; got "
                             r"integers of shape \(4,\) \(for 0/1 flags pass long_tail == 1\)"):
        long_tail_share(RECOMMENDED, [1, 0, 1, 1])
    # the fix it names gives the share by definition: items 0, 2, 3 in the tail
    np.testing.assert_allclose(long_tail_share(RECOMMENDED, np.array([1, 0, 1, 1]) == 1),
                               [2 / 3, 2 / 3])


def test_long_tail_of_the_wrong_shape_says_its_shape():
    with pytest.raises(MetricInputError, match=r"got true/false values of shape \(2, 2\)"):
        long_tail_share(RECOMMENDED, np.ones((2, 2), bool))


def test_item_groups_as_names_say_what_they_got_and_the_fix():
    with pytest.raises(MetricInputError,
                       match=r"item_groups must be a 1-D integer array, one group per item; "
                             r"got text of shape \(4,\) \(for group names, number them "
                             r"first, e.g\. pandas\.factorize\)"):
        group_exposure(RECOMMENDED, ["a", "b", "a", "b"], 2)
    with pytest.raises(MetricInputError, match=r"got floats of shape \(4,\)$"):
        group_exposure(RECOMMENDED, [0.0, 1.0, 0.0, 1.0], 2)


LOG = events([("A", "s1", "impression", 0, 0, 0), ("A", "s1", "click", 5, 0, 0),
              ("B", "s2", "impression", 0, 0, 0), ("B", "s3", "impression", 1, 0, 0),
              ("A", "s4", "impression", 2, 0, 0)])
ORDER = re.escape("the arguments are compare_variants(events, metric, control, treatment)")


@pytest.mark.parametrize("metric, control, treatment, role", [
    ("A", "B", "ctr", "treatment"), ("A", "ctr", "B", "control")])
def test_a_metric_given_as_a_variant_names_the_order(metric, control, treatment, role):
    with pytest.raises(MetricInputError,
                       match=rf"unknown online metric 'A' \('ctr' is given as {role}: "
                             rf"{ORDER}\); testable"):
        compare_variants(LOG, metric, control, treatment)


def test_the_log_given_as_the_metric_is_named_not_printed():
    with pytest.raises(MetricInputError,
                       match=rf"^events must be a pandas DataFrame, got str and the event log "
                             rf"as metric \({ORDER}\)$"):
        compare_variants("ctr", LOG, "A", "B")


def test_a_metric_that_is_no_name_is_shown_by_its_type():
    with pytest.raises(MetricInputError, match=r"unknown online metric dict \{'ctr': 1\}; "):
        compare_variants(LOG, {"ctr": 1}, "A", "B")


def test_the_arguments_in_order_still_test():
    # A: 1 click of 2 impressions, B: 0 of 2 -> difference 0 - 1/2
    result = compare_variants(LOG, "ctr", "A", "B")
    assert (result.control_value, result.treatment_value) == (0.5, 0.0)
    assert result.difference == -0.5
