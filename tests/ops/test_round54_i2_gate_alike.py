"""Round 54 (I2): when every shared user's difference is the same, the gate's interval
is the one exact within [-1, 1] (PairedTest.alike), not a t interval cut at the bounds.
The gate recorded it as cut, so the page and report.txt marked an end at -1 with the
dagger and explained "the t interval reached past it". The gate now records ``ci_alike``,
and report.txt marks the difference ``=`` as the results table marks values alike.
Reference intervals are computed by hand from the exact-interval formula
[a + (v - a) q, b - (b - v) q], q = 0.025 ** (1 / n)."""

from __future__ import annotations

import copy
import json
import re

import pandas as pd
import pytest

from recstack.analysis.pipeline_report import pipeline_report_html
from recstack.ops.gate import decide
from recstack.ops.pipeline import _text
from tests.analysis.test_pipeline_report_damaged import GOOD

DAGGER = "\u2020"
USERS = pd.Index(["u1", "u2", "u3"], name="user_id")


def _decision(candidate: list[float], published: list[float]):
    return decide(pd.Series(candidate, index=USERS), pd.Series(published, index=USERS),
                  metric="ndcg@10", margin=0.0, min_users=2, published_version=1)


def _report(decision) -> dict:
    report = copy.deepcopy(GOOD)
    report["evaluation"] = json.loads(json.dumps(decision.to_dict()))
    return report


def test_every_user_losing_everything_is_recorded_alike_not_cut():
    # differences -1, -1, -1: the exact interval's lower end is the bound itself
    decision = _decision([0.0, 0.0, 0.0], [1.0, 1.0, 1.0])
    q = 0.025 ** (1 / 3)
    assert decision.difference == -1.0
    assert (decision.ci_low, decision.ci_high) == (-1.0, pytest.approx(1 - 2 * q))
    record = decision.to_dict()
    assert record["ci_alike"] is True
    assert record["ci_clipped"] is False


def test_a_tie_of_identical_users_is_recorded_alike():
    decision = _decision([0.5, 0.5, 0.5], [0.5, 0.5, 0.5])
    q = 0.025 ** (1 / 3)
    assert (decision.ci_low, decision.ci_high) == (pytest.approx(-1 + q), pytest.approx(1 - q))
    assert decision.ci_alike is True and decision.ci_clipped is False


def test_differences_that_vary_are_not_alike():
    decision = _decision([0.5, 0.6, 0.9], [0.4, 0.6, 0.5])
    assert decision.ci_alike is False


def test_the_page_marks_no_end_of_an_alike_interval_as_cut():
    page = pipeline_report_html(_report(_decision([0.0, 0.0, 0.0], [1.0, 1.0, 1.0])))
    assert DAGGER not in page


def test_report_txt_marks_the_difference_alike_and_not_cut():
    text = _text(_report(_decision([0.0, 0.0, 0.0], [1.0, 1.0, 1.0])))
    line = next(line for line in text.splitlines() if line.strip().startswith("difference"))
    assert re.search(r"difference\s+-1\.0000= \[-1\.0000, [+-]\d\.\d{4}\]", line), line
    assert DAGGER not in text
    assert "(=: every shared user had this one difference" in text


def test_report_txt_of_varied_differences_has_no_alike_mark():
    text = _text(_report(_decision([0.5, 0.6, 0.9], [0.4, 0.6, 0.5])))
    assert "=:" not in text
    line = next(line for line in text.splitlines() if line.strip().startswith("difference"))
    assert re.search(r"difference\s+[+-]\d\.\d{4} \[", line), line


def test_the_page_marks_the_alike_difference_and_says_why():
    page = pipeline_report_html(_report(_decision([0.0, 0.0, 0.0], [1.0, 1.0, 1.0])))
    assert "-1.0000=" in page
    assert "was the same for every shared user" in page


def test_the_page_of_varied_differences_has_no_alike_mark():
    page = pipeline_report_html(_report(_decision([0.5, 0.6, 0.9], [0.4, 0.6, 0.5])))
    assert "was the same for every shared user" not in page
    assert not re.search(r"[+-]\d\.\d{4}=", page)
