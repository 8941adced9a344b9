"""Fourteenth bad-input probe, a pipeline's step outputs read back by a resumed run: a
step file edited by hand (a field missing, text where a number or true/false belongs) is
refused naming the file, the field and the way out, never a KeyError from the report step
nor, for ``"publish": "false"``, a model published against the gate's decision."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from recstack.analysis.pipeline_report import write_pipeline_report
from recstack.errors import RecstackError
from recstack.ops.pipeline import STEPS, run_pipeline


def _resume_after(folder: Path, step: str, name: str, edit) -> Path:
    """Remove the steps after ``step`` and the run's completion, then edit ``step``'s file,
    as a run interrupted after ``step`` whose output was edited by hand."""
    work = folder / "shop.pipeline"
    (run,) = (work / "runs").iterdir()
    for later in STEPS[STEPS.index(step) + 1:]:
        shutil.rmtree(run / later, ignore_errors=True)
    state = json.loads((work / "state.json").read_text())
    state["completed"] = []
    (work / "state.json").write_text(json.dumps(state))
    path = run / step / name
    payload = json.loads(path.read_text())
    edit(payload)
    path.write_text(json.dumps(payload))
    return path


def _published_versions(folder: Path) -> list[str]:
    return sorted(p.name for p in (folder / "registry").rglob("*") if p.is_dir())


def test_a_gate_decision_as_text_is_refused_not_published(copy):
    before = _published_versions(copy)
    path = _resume_after(copy, "evaluate", "evaluation.json",
                         lambda e: e.update(publish="false"))
    with pytest.raises(RecstackError) as refused:
        run_pipeline(copy / "pipeline.toml")
    message = str(refused.value)
    assert message.startswith(f"{path}: 'publish' is \"false\"; expected true or false; ")
    assert f"remove the folder {path.parent} to redo that step" in message
    assert _published_versions(copy) == before
    assert not (path.parent.parent / "publish").exists()


@pytest.mark.parametrize(("step", "name", "edit", "says"), [
    ("evaluate", "evaluation.json", lambda e: e.pop("reason"),
     "missing 'reason' (the decision's reason)"),
    ("evaluate", "evaluation.json", lambda e: e.update(candidate_users="x"),
     "'candidate_users' is \"x\"; expected a count"),
    ("evaluate", "evaluation.json", lambda e: e.update(margin=None),
     "'margin' is null; expected a number"),
    ("drift", "drift.json", lambda d: d["measures"].update(user_activity_psi="high"),
     "'measures.user_activity_psi' is \"high\"; expected a number or null"),
    ("drift", "drift.json", lambda d: d.update(reference=[]),
     "'reference' is []; expected a non-empty list of partitions"),
    ("train", "train.json", lambda t: t.update(strategy="cold"),
     "'strategy' is \"cold\"; expected retrain, warm_start or fold_in"),
    ("train", "train.json", lambda t: t.pop("fit_seconds"),
     "missing 'fit_seconds' (a number of seconds)"),
    ("check", "quality.json", lambda q: q["checks"][0].update(count="x"),
     "'checks[0].count' is \"x\"; expected a count"),
    ("check", "quality.json", lambda q: q["summary"].pop("failed"),
     "missing 'summary.failed' (a count)"),
])
def test_an_edited_step_output_names_its_file_and_field(copy, step, name, edit, says):
    path = _resume_after(copy, step, name, edit)
    with pytest.raises(RecstackError) as refused:
        run_pipeline(copy / "pipeline.toml")
    message = str(refused.value)
    assert message.startswith(f"{path}: {says}"), message
    assert f"remove the folder {path.parent} to redo that step" in message


def test_a_published_flag_as_text_in_the_publish_step_is_refused(copy):
    path = _resume_after(copy, "publish", "publish.json",
                         lambda p: p.update(published="yes"))
    with pytest.raises(RecstackError) as refused:
        run_pipeline(copy / "pipeline.toml")
    assert str(refused.value).startswith(
        f"{path}: 'published' is \"yes\"; expected true or false; ")


def test_the_rebuilt_page_names_a_bad_optional_field(copy):
    (run,) = (copy / "shop.pipeline" / "runs").iterdir()
    source = run / "report" / "report.json"
    report = json.loads(source.read_text())
    report["evaluation"]["candidate_mean"] = "x"
    source.write_text(json.dumps(report))
    with pytest.raises(RecstackError) as refused:
        write_pipeline_report(run, copy / "page.html")
    assert str(refused.value).startswith(
        f"{source}: 'evaluation.candidate_mean' is \"x\"; expected a number or null; ")
    assert not (copy / "page.html").exists()


def test_run_arguments_are_refused_before_any_step_runs(copy):
    from recstack.errors import ConfigError
    from recstack.ops.pipeline_config import load_pipeline

    work = copy / "shop.pipeline"
    shutil.rmtree(work)
    with pytest.raises(ConfigError) as refused:
        run_pipeline(copy / "pipeline.toml", on_step=5)
    assert str(refused.value) == ("run_pipeline: on_step must be a function called with each "
                                  "step's name, or None, got int 5")
    with pytest.raises(ConfigError, match=r"^run_pipeline\(progress=\.\.\.\) takes a "
                                          r"recstack\.progress reporter"):
        run_pipeline(copy / "pipeline.toml", progress=True)
    # nothing was checked or committed: the on_step failure came after the check step
    assert not (work / "runs").exists()
    with pytest.raises(ConfigError, match=r"^run_pipeline: pipeline must be a pipeline "
                                          r"file's path or a loaded Pipeline, got dict \(a "
                                          r"parsed file goes through .*parse_pipeline first\)"):
        run_pipeline({"name": "shop"})
    with pytest.raises(ConfigError, match=r"^load_pipeline: path must be the pipeline file's "
                                          r"path, got int 5$"):
        load_pipeline(5)
