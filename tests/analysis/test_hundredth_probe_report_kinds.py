"""The two reports given each other's folder: an experiment's results folder given to the
pipeline report, a pipeline run given to ``recstack report``. Each refusal names the
command that reads the folder."""

from __future__ import annotations

import pytest

from recstack.analysis.pipeline_report import write_pipeline_report
from recstack.analysis.report import write_report
from recstack.errors import RecstackError


def test_a_results_folder_given_to_the_pipeline_report_names_recstack_report(results,
                                                                             tmp_path):
    with pytest.raises(RecstackError, match=r"holds results.json, the results of `recstack "
                                            r"evaluate`: its report is `recstack report "):
        write_pipeline_report(results)
    assert not (results / "report").exists()


def test_a_pipeline_run_given_to_recstack_report_names_the_pipeline_report(tmp_path):
    run = tmp_path / "runs" / "run-1"
    (run / "report").mkdir(parents=True)
    (run / "report" / "report.json").write_text("{}", encoding="utf-8")
    with pytest.raises(RecstackError, match=r"missing results.json.*it is a pipeline run: its "
                                            r"report is `recstack pipeline report "):
        write_report(run)
    assert not (run / "report.html").exists()
