"""A run's files edited by hand with values of the right JSON type but impossible for what
they are (a negative count, a p-value above 1, a fingerprint written as a number, an empty
snapshot): refused naming the file and the field, by ``recstack pipeline report`` and by a
resumed run, never drawn on the page as if the run had produced them, nor an IndexError."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from recstack.analysis.pipeline_report import write_pipeline_report
from recstack.errors import RecstackError
from recstack.ops.pipeline import run_pipeline

from .scenario import only_run, work


def edit(path: Path, section: str | None, key: str, value) -> None:
    payload = json.loads(path.read_text())
    target = payload if section is None else payload[section]
    if isinstance(target, list):
        target = target[0]
    target[key] = value
    path.write_text(json.dumps(payload))


@pytest.mark.parametrize(("section", "key", "value", "field", "says"), [
    ("evaluation", "t_p_value", 2.0, "evaluation.t_p_value", r"a p-value in \[0, 1\]"),
    ("evaluation", "wilcoxon_p_value", -0.1, "evaluation.wilcoxon_p_value", "a p-value"),
    ("evaluation", "shared_users", -3, "evaluation.shared_users", "a count >= 0"),
    ("evaluation", "margin", float("nan"), "evaluation.margin", "a finite number >= 0"),
    ("evaluation", "published_version", 0, "evaluation.published_version", ">= 1"),
    ("train", "fit_seconds", -5, "train.fit_seconds", "a number of seconds >= 0"),
    ("train", "rows", -1, "train.rows", "a count >= 0"),
    ("drift", "new_rows", -10, "drift.new_rows", "a count >= 0"),
    ("publish", "version", 0, "publish.version", ">= 1"),
])
def test_a_report_with_an_impossible_number_is_refused(copy, section, key, value, field,
                                                       says):
    source = only_run(copy) / "report" / "report.json"
    edit(source, section, key, value)
    page = only_run(copy) / "report" / "report.html"
    before = page.read_bytes()
    with pytest.raises(RecstackError, match=rf"report\.json: '{field}' is .*; expected "
                                            rf".*{says}.*rerun the pipeline's report step"):
        write_pipeline_report(only_run(copy))
    assert page.read_bytes() == before  # nothing rewritten


def test_a_negative_check_count_in_the_report_is_refused(copy):
    source = only_run(copy) / "report" / "report.json"
    report = json.loads(source.read_text())
    report["quality"]["summary"]["passed"] = -1
    report["quality"]["checks"][0]["count"] = -2
    source.write_text(json.dumps(report))
    with pytest.raises(RecstackError, match=r"'quality\.summary\.passed' is -1; expected a "
                                            "count >= 0"):
        write_pipeline_report(only_run(copy))


def test_nan_written_by_the_pipeline_for_an_undefined_test_is_still_drawn(copy):
    """Two identical models give a NaN p-value; json writes it as NaN and the page shows it."""
    source = only_run(copy) / "report" / "report.json"
    edit(source, "evaluation", "t_p_value", float("nan"))
    assert write_pipeline_report(only_run(copy)).is_file()


def resume_from(folder: Path, step: str) -> None:
    """Forget the run's completion and the steps from ``step`` on, so a rerun resumes."""
    (work(folder) / "state.json").unlink()
    steps = ["check", "drift", "train", "evaluate", "publish", "report"]
    for later in steps[steps.index(step):]:
        shutil.rmtree(only_run(folder) / later, ignore_errors=True)


def test_a_resumed_run_refuses_an_impossible_p_value_in_its_evaluation(copy):
    resume_from(copy, "publish")
    edit(only_run(copy) / "evaluate" / "evaluation.json", None, "t_p_value", 1.5)
    with pytest.raises(RecstackError, match=r"evaluation\.json: 't_p_value' is 1\.5; expected "
                                            r"a p-value in \[0, 1\].*remove the folder"):
        run_pipeline(copy / "pipeline.toml")


def test_an_empty_snapshot_is_refused_not_an_index_error(copy):
    resume_from(copy, "publish")
    (only_run(copy) / "check" / "partitions.json").write_text("[]")
    with pytest.raises(RecstackError, match=r"partitions\.json: damaged: the list of "
                                            "partitions is empty; remove the folder"):
        run_pipeline(copy / "pipeline.toml")


@pytest.mark.parametrize(("key", "value", "says"), [
    ("fingerprint", 5, "field 'fingerprint' is 5; expected the digest of its files, text"),
    ("start", "1546300800", "field 'start' is '1546300800'; expected the period's first"),
    ("start", 1546300800.5, "field 'start' is 1546300800.5"),
    ("rows", True, "field 'rows' is True"),
    ("files", ["a", 3], "field 'files' is"),
    ("end", 0, "field 'end' \\(0\\) is not after 'start'"),
])
def test_a_snapshot_entry_of_the_wrong_type_is_refused_naming_entry_and_field(
        copy, key, value, says):
    """"5" and 5.5 were read as 5 by int(); a numeric fingerprint was kept."""
    resume_from(copy, "publish")
    edit(only_run(copy) / "check" / "partitions.json", None, key, value)
    with pytest.raises(RecstackError, match=rf"partitions\.json: damaged: partition entry 0: "
                                            rf"{says}"):
        run_pipeline(copy / "pipeline.toml")


def test_a_missing_snapshot_field_is_named(copy):
    resume_from(copy, "publish")
    path = only_run(copy) / "check" / "partitions.json"
    entries = json.loads(path.read_text())
    del entries[1]["label"]
    path.write_text(json.dumps(entries))
    with pytest.raises(RecstackError, match=r"partition entry 1: no field 'label'"):
        run_pipeline(copy / "pipeline.toml")


def test_a_state_file_with_a_numeric_fingerprint_is_refused(copy):
    """Every partition looked new (its fingerprint never matched) and was checked again."""
    path = work(copy) / "state.json"
    state = json.loads(path.read_text())
    state["partitions"] = {label: 5 for label in state["partitions"]}
    path.write_text(json.dumps(state))
    with pytest.raises(RecstackError, match=r"state\.json: damaged: .*the fingerprints as "
                                            "text.*remove it to start over"):
        run_pipeline(copy / "pipeline.toml")


def test_the_work_folder_given_for_a_run_names_its_runs(copy):
    with pytest.raises(RecstackError, match=rf"is a pipeline's work folder, whose completed "
                                            rf"runs are .*{only_run(copy).name}"):
        write_pipeline_report(work(copy))
