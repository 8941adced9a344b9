"""Round 53 (Q): the gate's 95% interval of the paired difference, cut at the bounds of a
difference ([-1, 1] for its metrics), was recorded without saying so, and the pipeline's
page showed [-1.0000, +0.9867] as if the t interval had ended at -1. The gate now records
``ci_clipped``, the page marks each cut end as the experiment report does (and says what
the mark means), and a record written before the field existed is still read. The
reference intervals come from scipy's t distribution, not from the gate."""

from __future__ import annotations

import copy
import html
import json
import math
import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from recstack.analysis.pipeline_report import (
    check_step_output,
    pipeline_report_html,
    write_pipeline_report,
)
from recstack.errors import RecstackError
from recstack.ops.gate import decide
from tests.analysis.test_pipeline_report_damaged import GOOD

DAGGER = "\u2020"
USERS = pd.Index(["u1", "u2", "u3", "u4"], name="user_id")


def _t_interval(differences: list[float]) -> tuple[float, float, float]:
    values = np.array(differences)
    mean = values.mean()
    half = stats.t.ppf(0.975, len(values) - 1) * values.std(ddof=1) / math.sqrt(len(values))
    return mean, mean - half, mean + half


def _decision(candidate: list[float], published: list[float]):
    return decide(pd.Series(candidate, index=USERS), pd.Series(published, index=USERS),
                  metric="ndcg@10", margin=0.0, min_users=2, published_version=1)


def test_an_interval_cut_at_a_bound_of_a_difference_is_recorded_as_cut():
    # differences -1, -1, -1, 0.9: the t interval reaches below -1, no difference can
    decision = _decision([0.0, 0.0, 0.0, 0.9], [1.0, 1.0, 1.0, 0.0])
    mean, low, high = _t_interval([-1.0, -1.0, -1.0, 0.9])
    assert low < -1 < high < 1
    assert decision.difference == pytest.approx(mean)
    assert (decision.ci_low, decision.ci_high) == (-1.0, pytest.approx(high))
    assert decision.ci_clipped is True
    assert decision.to_dict()["ci_clipped"] is True


def test_an_interval_within_the_bounds_is_recorded_as_not_cut():
    decision = _decision([0.5, 0.6, 0.7, 0.8], [0.4, 0.5, 0.6, 0.8])
    mean, low, high = _t_interval([0.1, 0.1, 0.1, 0.0])
    assert (decision.ci_low, decision.ci_high) == (pytest.approx(low), pytest.approx(high))
    assert decision.to_dict()["ci_clipped"] is False


def _report(**evaluation) -> dict:
    report = copy.deepcopy(GOOD)
    report["evaluation"].update(published_version=1, published_mean=0.5, shared_users=4,
                                difference=-0.525, t_p_value=0.3, wilcoxon_p_value=0.4,
                                **evaluation)
    return report


def _interval_cell(page: str) -> str:
    match = re.search(rf"<td>{re.escape(html.escape('95% CI'))}</td><td>(.*?)</td>", page)
    assert match
    return match.group(1)


@pytest.mark.parametrize("low, high, shown", [
    (-1.0, 0.9867, f"[-1.0000{DAGGER}, +0.9867]"),
    (-0.2, 1.0, f"[-0.2000, +1.0000{DAGGER}]"),
    (-1.0, 1.0, f"[-1.0000{DAGGER}, +1.0000{DAGGER}]"),
])
def test_the_page_marks_each_cut_end_and_says_what_the_mark_means(low, high, shown):
    page = pipeline_report_html(_report(ci_low=low, ci_high=high, ci_clipped=True))
    assert _interval_cell(page) == shown
    assert f"An end marked {DAGGER} is cut at the bound of a difference of ndcg@10" in page


def test_an_interval_not_cut_is_shown_unmarked():
    page = pipeline_report_html(_report(ci_low=-0.3, ci_high=0.1, ci_clipped=False))
    assert _interval_cell(page) == "[-0.3000, +0.1000]"
    assert DAGGER not in page


def test_a_record_written_before_ci_clipped_is_read_and_shown_unmarked(tmp_path):
    report = _report(ci_low=-1.0, ci_high=0.9867)
    assert "ci_clipped" not in report["evaluation"]
    folder = tmp_path / "run"
    (folder / "report").mkdir(parents=True)
    (folder / "report" / "report.json").write_text(json.dumps(report))
    page = write_pipeline_report(folder).read_text(encoding="utf-8")
    assert _interval_cell(page) == "[-1.0000, +0.9867]"
    check_step_output(tmp_path / "evaluation.json", "evaluate", report["evaluation"], "rerun")


def test_a_ci_clipped_that_is_no_boolean_is_refused_naming_the_field(tmp_path):
    evaluation = _report(ci_low=-1.0, ci_high=0.9867, ci_clipped="yes")["evaluation"]
    with pytest.raises(RecstackError) as raised:
        check_step_output(tmp_path / "evaluation.json", "evaluate", evaluation, "rerun it")
    assert str(raised.value) == (
        f"{tmp_path / 'evaluation.json'}: 'ci_clipped' is \"yes\"; expected true or false "
        "(whether the interval was cut at the bounds of a difference); rerun it")


def test_the_gates_record_reaches_the_page_marked():
    decision = _decision([0.0, 0.0, 0.0, 0.9], [1.0, 1.0, 1.0, 0.0])
    report = copy.deepcopy(GOOD)
    report["evaluation"] = json.loads(json.dumps(decision.to_dict()))
    _, _, high = _t_interval([-1.0, -1.0, -1.0, 0.9])
    assert _interval_cell(pipeline_report_html(report)) == f"[-1.0000{DAGGER}, {high:+.4f}]"


def test_the_text_report_marks_the_cut_end_as_the_page_does():
    # report.txt (what `pipeline run` leaves beside the page) showed [-1.0000, +0.9867]
    # unmarked, as the page did before
    from recstack.ops.pipeline import _text

    report = copy.deepcopy(GOOD)
    report["evaluation"] = json.loads(json.dumps(
        _decision([0.0, 0.0, 0.0, 0.9], [1.0, 1.0, 1.0, 0.0]).to_dict()))
    line = next(line for line in _text(report).splitlines() if "difference" in line)
    assert re.search(rf"\[-1\.0000{DAGGER}, \+\d\.\d{{4}}\]", line), line
    assert f"({DAGGER}: an end cut at the bound of a difference of ndcg@10;" in _text(report)
    report["evaluation"]["ci_clipped"] = False  # a record that says nothing was cut
    assert DAGGER not in _text(report)
