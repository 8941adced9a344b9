"""Two-hundred-eighth probe: a pipeline run's report.json (and the evaluate step's output a
resumed run reads back) holding a gate mean its metric cannot have (an nDCG of 1.5, a
negative novelty, ``1e400`` read as infinity) was drawn on the page as the run's
numbers. Each is now refused naming the file and the field, by
the evaluation's own bounds. Each test failed before its fix."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from recstack.analysis.pipeline_report import check_step_output, write_pipeline_report
from recstack.errors import RecstackError
from tests.analysis.test_pipeline_report_damaged import GOOD

REMEDY = "rerun the pipeline's report step or restore the file"


def _run(tmp_path: Path, edit) -> tuple[Path, Path]:
    report = copy.deepcopy(GOOD)
    edit(report)
    folder = tmp_path / "run"
    (folder / "report").mkdir(parents=True)
    path = folder / "report" / "report.json"
    path.write_text(json.dumps(report))
    return folder, path


@pytest.mark.parametrize("edit, field, shown, expected", [
    (lambda r: r["evaluation"].update(candidate_mean=1.5), "evaluation.candidate_mean",
     "1.5", "a share between 0 and 1 (ndcg@10 is one) or null"),
    (lambda r: r["evaluation"].update(published_version=1, published_mean=-0.2),
     "evaluation.published_mean", "-0.2", "a share between 0 and 1 (ndcg@10 is one) or null"),
    (lambda r: r["evaluation"].update(metric="novelty@10", candidate_mean=-1),
     "evaluation.candidate_mean", "-1",
     "a value >= 0 (novelty is -log2 of a probability, at least 0) or null"),
    (lambda r: r["evaluation"].update(metric="diversity@10", candidate_mean=2.5),
     "evaluation.candidate_mean", "2.5",
     "a value between 0 and 2 (diversity is a mean cosine distance, between 0 and 2) or null"),
    (lambda r: r["evaluation"].update(candidate_mean=float("inf")),
     "evaluation.candidate_mean", "Infinity", "a finite number or null"),
])
def test_a_number_the_run_cannot_have_is_refused_naming_the_field(tmp_path, edit, field,
                                                                  shown, expected):
    folder, path = _run(tmp_path, edit)
    with pytest.raises(RecstackError) as raised:
        write_pipeline_report(folder)
    assert str(raised.value) == f"{path}: {field!r} is {shown}; expected {expected}; {REMEDY}"
    assert not (folder / "report" / "report.html").exists()


def test_the_evaluate_steps_output_is_checked_alike(tmp_path):
    output = copy.deepcopy(GOOD["evaluation"]) | {"candidate_mean": 1.5}
    with pytest.raises(RecstackError) as raised:
        check_step_output(tmp_path / "evaluation.json", "evaluate", output, "rerun the step")
    assert str(raised.value) == (f"{tmp_path / 'evaluation.json'}: 'candidate_mean' is 1.5; "
                                 "expected a share between 0 and 1 (ndcg@10 is one) or null; "
                                 "rerun the step")


def test_means_on_the_bounds_and_undefined_ones_still_make_a_page(tmp_path):
    def edit(report):
        report["evaluation"].update(candidate_mean=1.0, published_version=1,
                                    published_mean=float("nan"))
    folder, _ = _run(tmp_path, edit)
    assert write_pipeline_report(folder).exists()
