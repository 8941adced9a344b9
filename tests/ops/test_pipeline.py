"""`pipeline run` end to end, in process: publish, idempotence, the gate, bad partitions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from recstack.ops.pipeline import STEPS, run_pipeline
from recstack.ops.quality import QualityFailure
from recstack.serving.registry import ModelRegistry

from .scenario import (
    add_month,
    make_data,
    month_frame,
    next_month,
    partition_file,
    shifted,
    write_pipeline,
)


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return make_data(tmp_path_factory.mktemp("data"))


@pytest.fixture
def folder(base, tmp_path):
    import shutil

    target = tmp_path / "p"
    shutil.copytree(base, target)
    return target


def test_first_run_publishes_and_a_rerun_does_nothing(folder):
    path = write_pipeline(folder)
    outcome = run_pipeline(path)
    assert outcome.ran == list(STEPS) and not outcome.up_to_date
    assert outcome.published
    for step in STEPS:
        assert (outcome.folder / step).is_dir()
    report = json.loads((outcome.folder / "report" / "report.json").read_text())
    assert report["partitions"] == ["2019-01", "2019-02", "2019-03", "2019-04"]
    assert report["train"]["partitions"] == ["2019-01", "2019-02", "2019-03"]
    assert report["quality"]["summary"]["failed"] == 0
    assert "popularity_spearman" in report["drift"]["measures"]
    text = (outcome.folder / "report" / "report.txt").read_text()
    assert "published as shop@1" in text
    registry = ModelRegistry(folder / "registry")
    assert registry.versions("shop") == [1] and registry.current("shop") == 1
    manifest = registry.manifest("shop", 1)
    assert manifest["evaluation"]["pipeline_run"] == outcome.run

    again = run_pipeline(path)
    assert again.up_to_date and again.ran == [] and again.run == outcome.run
    assert registry.versions("shop") == [1]


def test_new_partition_is_compared_with_the_published_model(folder):
    path = write_pipeline(folder)
    run_pipeline(path)
    add_month(folder, "2019-05", next_month(folder))
    outcome = run_pipeline(path)
    evaluation = outcome.report["evaluation"]
    assert evaluation["published_version"] == 1
    assert evaluation["shared_users"] >= 10
    assert evaluation["candidate_mean"] > 0.01 and evaluation["published_mean"] > 0.01
    for key in ("difference", "t_p_value", "wilcoxon_p_value", "ci_low", "ci_high"):
        assert evaluation[key] is not None
    assert outcome.report["quality"]["new_partitions"] == ["2019-05"]
    text = (outcome.folder / "report" / "report.txt").read_text()
    assert "paired t p=" in text and "Wilcoxon p=" in text


def test_gate_refuses_a_worse_model(folder):
    run_pipeline(write_pipeline(folder))
    worse = write_pipeline(folder, model='type = "random"\nseed = 3')
    outcome = run_pipeline(worse)
    evaluation = outcome.report["evaluation"]
    assert not outcome.published
    assert evaluation["difference"] < -0.01
    assert evaluation["t_p_value"] < 0.05
    assert "not publishing" in outcome.report["publish"]["reason"]
    registry = ModelRegistry(folder / "registry")
    assert registry.versions("shop") == [1] and registry.current("shop") == 1
    assert "result: not published" in (outcome.folder / "report" / "report.txt").read_text()


def test_gate_margin_lets_a_slightly_worse_model_through(folder):
    run_pipeline(write_pipeline(folder))
    lenient = write_pipeline(folder, model='type = "random"\nseed = 3',
                             extra="")
    text = lenient.read_text().replace("margin = 0.01", "margin = 1.0")
    lenient.write_text(text)
    outcome = run_pipeline(lenient)
    assert outcome.published and outcome.report["publish"]["version"] == 2


def _fails(path, check):
    with pytest.raises(QualityFailure, match=f"quality check '{check}' failed") as caught:
        run_pipeline(path)
    return str(caught.value)


def test_failed_quality_check_stops_before_training(folder):
    path = write_pipeline(folder)
    frame = month_frame(folder, "2019-04")
    frame.loc[:49, "value"] = 9.0
    add_month(folder, "2019-04", frame)
    message = _fails(path, "range")
    assert "partition 2019-04" in message and "50 values outside [1, 5]" in message
    runs = list((folder / "shop.pipeline" / "runs").iterdir())
    assert len(runs) == 1
    assert (runs[0] / "check.failed.json").is_file()
    assert not (runs[0] / "train").exists() and not (runs[0] / "check").exists()
    assert not (folder / "registry").exists()
    # fixed data: a new run, which completes
    frame.loc[:49, "value"] = 4.0
    add_month(folder, "2019-04", frame)
    assert run_pipeline(path).published


def test_empty_partition_fails(folder):
    path = write_pipeline(folder)
    add_month(folder, "2019-05", month_frame(folder, "2019-04").iloc[:0])
    assert "has no rows" in _fails(path, "empty")


def test_partition_folder_without_files_fails(folder):
    path = write_pipeline(folder)
    partition_file(folder, "2019-05").parent.mkdir(parents=True)
    _fails(path, "empty")


def test_missing_partition_fails(folder):
    path = write_pipeline(folder)
    add_month(folder, "2019-06", month_frame(folder, "2019-04"))
    message = _fails(path, "missing_partitions")
    assert "['2019-05']" in message


def test_partition_with_another_schema_fails(folder):
    path = write_pipeline(folder)
    frame = month_frame(folder, "2019-04").rename(columns={"value": "rating"})
    frame["timestamp"] = frame["timestamp"].astype(str)
    add_month(folder, "2019-05", frame)
    message = _fails(path, "schema")
    assert "no column 'value'" in message and "column 'timestamp' holds" in message


@pytest.mark.parametrize("column", ["user_id", "item_id"])
def test_ids_as_text_in_one_partition_and_integers_in_the_others_fail(folder, column):
    """User 5 and user '5' became two users: every user of the new month was "new" and
    the model was published all the same."""
    path = write_pipeline(folder)
    frame = shifted(month_frame(folder, "2019-04"), 1)
    frame[column] = frame[column].astype(str)
    add_month(folder, "2019-05", frame)
    with pytest.raises(QualityFailure, match="id_types") as caught:
        run_pipeline(path)  # the item ids are also unknown to the (integer) catalog
    report = json.loads(Path(str(caught.value).rsplit("report: ", 1)[1][:-1]).read_text())
    (failed,) = [c for c in report["checks"] if c["check"] == "id_types"]
    assert failed["message"].startswith(f"column '{column}': partitions 2019-05 hold it as "
                                        "text but partitions 2019-01, 2019-02")


def test_unreadable_file_fails(folder):
    path = write_pipeline(folder)
    partition_file(folder, "2019-05").parent.mkdir(parents=True)
    partition_file(folder, "2019-05").write_bytes(b"not parquet")
    assert "not a readable Parquet file" in _fails(path, "readable")


def test_crash_between_publishing_and_recording_it_publishes_once(folder, monkeypatch):
    from recstack.ops import pipeline as module

    path = write_pipeline(folder)
    original = module._Run._commit

    def crash_on_publish(self, step, files, extra=None):
        if step == "publish":
            raise KeyboardInterrupt("crash after the registry publish, before publish/")
        return original(self, step, files, extra)

    monkeypatch.setattr(module._Run, "_commit", crash_on_publish)
    with pytest.raises(KeyboardInterrupt):
        run_pipeline(path)
    registry = ModelRegistry(folder / "registry")
    assert registry.versions("shop") == [1]
    monkeypatch.setattr(module._Run, "_commit", original)
    outcome = run_pipeline(path)
    assert outcome.ran == ["publish", "report"]
    assert outcome.report["publish"]["version"] == 1
    assert registry.versions("shop") == [1]


def test_file_in_the_wrong_partition_folder_fails(folder):
    path = write_pipeline(folder)
    add_month(folder, "2019-05", month_frame(folder, "2019-03"))
    message = _fails(path, "outside_partition")
    assert "partition 2019-05" in message


def test_warm_start_starts_from_the_published_factors(folder):
    """With [training] warm_start, the second run's ALS starts from the published model's
    factors (the first run has none to start from); EASE, which cannot, trains from
    scratch whatever the file says."""
    als = 'type = "als"\nfactors = 8\niterations = 6\nregularization = 0.1'
    path = write_pipeline(folder, model=als,
                          training="warm_start = true\nwarm_iterations = 2")
    first = run_pipeline(path)
    assert first.report["train"]["warm_start"] is False
    add_month(folder, "2019-05", next_month(folder))
    second = run_pipeline(path)
    assert second.report["train"]["warm_start"] is True


def test_a_model_that_cannot_warm_start_trains_from_scratch():
    from recstack.data.synthetic import generate
    from recstack.models import create_model
    from recstack.ops.retraining import fit_candidate

    data = generate(n_users=60, n_items=50, n_interactions=900, seed=3)
    ease = create_model("ease", regularization=10.0).fit(data)
    _, warm = fit_candidate("ease", {"regularization": 10.0}, data, previous=ease)
    assert warm is False
    als = create_model("als", factors=4, iterations=2).fit(data)
    _, warm = fit_candidate("als", {"factors": 8, "iterations": 2}, data, previous=als)
    assert warm is False  # another factor count: nothing to start from
    _, warm = fit_candidate("als", {"factors": 4, "iterations": 2}, data, previous=als)
    assert warm is True
