"""The HTML page of a pipeline run: every section, and the gate's numbers as the run's
JSON has them."""

from __future__ import annotations

import html
import json
import re

import pytest

from recstack.analysis.pipeline_report import pipeline_report_html, write_pipeline_report
from recstack.errors import RecstackError
from recstack.ops.pipeline import run_pipeline

from .scenario import add_month, make_data, next_month, write_pipeline


@pytest.fixture(scope="module")
def second_run(tmp_path_factory):
    folder = make_data(tmp_path_factory.mktemp("report"))
    path = write_pipeline(folder)
    run_pipeline(path)
    add_month(folder, "2019-05", next_month(folder))
    return run_pipeline(path)


def _cells(page: str, label: str) -> str:
    """The value cell of a two-column row whose first cell is ``label``."""
    match = re.search(rf"<td>{re.escape(html.escape(label))}</td><td>(.*?)</td>", page)
    assert match, label
    return match.group(1)


def test_the_run_writes_a_page_with_every_section(second_run):
    page = (second_run.folder / "report" / "report.html").read_text(encoding="utf-8")
    for section in ("run", "quality", "drift", "training", "gate", "published"):
        assert f'<section id="{section}">' in page
    report = json.loads((second_run.folder / "report" / "report.json").read_text())
    # every quality check, with its status
    for check in report["quality"]["checks"]:
        assert html.escape(check["check"]) in page
    assert page.count(">passed</b>") == report["quality"]["summary"]["passed"]
    for measure in report["drift"]["measures"]:
        assert f"<td>{measure}</td>" in page


def test_the_gate_numbers_are_the_runs(second_run):
    page = (second_run.folder / "report" / "report.html").read_text(encoding="utf-8")
    gate = json.loads((second_run.folder / "report" / "report.json").read_text())["evaluation"]
    assert gate["published_version"] == 1
    assert _cells(page, "new model mean") == f"{gate['candidate_mean']:.4f}"
    assert _cells(page, "published model mean") == f"{gate['published_mean']:.4f}"
    assert _cells(page, "difference (new - published)") == f"{gate['difference']:+.4f}"
    assert _cells(page, "95% CI") == f"[{gate['ci_low']:+.4f}, {gate['ci_high']:+.4f}]"
    assert _cells(page, "paired t p-value") == f"{gate['t_p_value']:.3g}"
    assert _cells(page, "Wilcoxon p-value") == f"{gate['wilcoxon_p_value']:.3g}"
    assert _cells(page, "shared users") == f"{gate['shared_users']:,}"
    assert _cells(page, "decision") == ("<b>publish</b>" if gate["publish"]
                                        else "<b>hold back</b>")


def test_what_was_published_and_a_failed_check_in_colour(second_run, tmp_path):
    report = json.loads((second_run.folder / "report" / "report.json").read_text())
    page = pipeline_report_html(report)
    if report["publish"]["published"]:
        assert (f"Published as {report['publish']['name']} version "
                f"{report['publish']['version']}") in page
    report["publish"] = {"published": False, "version": None,
                         "reason": "the new model is worse <by far>"}
    report["quality"]["checks"][0]["status"] = "failed"
    page = pipeline_report_html(report)
    assert "Nothing was published: the new model is worse &lt;by far&gt;" in page
    # the run section's result row says why too, not only "not published"
    assert _cells(page, "result") == "<b>not published: the new model is worse &lt;by far&gt;</b>"
    assert '<b style="color:#cf222e">failed</b>' in page


def test_the_page_is_rebuilt_for_a_run_folder(second_run, tmp_path):
    from recstack.cli import main

    out = tmp_path / "page.html"
    assert main(["pipeline", "report", str(second_run.folder), "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").count("<section") == 6
    with pytest.raises(RecstackError, match="not a completed pipeline run"):
        write_pipeline_report(tmp_path)
