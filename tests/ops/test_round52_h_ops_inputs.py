"""Round 52 (H) probe of the operations loop as a new user: a partition whose files
disagree on a column, a relevance threshold written as a share, a registry folder that
could not be written, a catalog file whose refusal did not name the pipeline file, and
timestamps written in milliseconds."""

from __future__ import annotations

import os

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.errors import ConfigError, DataFormatError, RecstackError
from recstack.ops.partitions import list_partitions, read_table
from recstack.ops.pipeline import run_pipeline
from recstack.ops.pipeline_config import load_pipeline
from recstack.ops.quality import QualitySpec, check_partition

from .scenario import next_month, partition_file, write_pipeline

NOW = 1_700_000_000


def test_a_partition_file_without_a_column_its_sibling_holds_is_refused(data, tmp_path):
    root = tmp_path / "logs"
    month = root / "year=2019" / "month=05"
    month.mkdir(parents=True)
    frame = next_month(data)
    frame.iloc[:10].to_parquet(month / "part-0.parquet")
    frame.iloc[10:20].drop(columns="value").to_parquet(month / "part-1.parquet")
    (partition,) = list_partitions(root)
    with pytest.raises(DataFormatError) as refused:
        read_table(root, partition)
    message = str(refused.value)
    assert message.startswith(f"{month / 'part-1.parquet'}: has no column 'value', which "
                              "year=2019/month=05/part-0.parquet of the same partition "
                              "holds (this file's columns: user_id, item_id, timestamp)")


def test_a_partition_file_without_an_extra_column_is_refused_naming_it(data, tmp_path):
    # a column the run does not read, written by one file only: its nulls were counted as
    # empty values of the log by the nulls check, naming no file
    root = tmp_path / "logs"
    month = root / "year=2019" / "month=05"
    month.mkdir(parents=True)
    frame = next_month(data)
    frame.iloc[:10].assign(device="ios").to_parquet(month / "part-0.parquet")
    frame.iloc[10:20].to_parquet(month / "part-1.parquet")
    (partition,) = list_partitions(root)
    with pytest.raises(DataFormatError, match=r"part-1\.parquet: has no column 'device', "
                                              r"which year=2019/month=05/part-0\.parquet"):
        read_table(root, partition)


def test_files_of_one_partition_with_the_same_columns_are_read_together(data, tmp_path):
    root = tmp_path / "logs"
    month = root / "year=2019" / "month=05"
    month.mkdir(parents=True)
    frame = next_month(data)
    frame.iloc[:10].to_parquet(month / "part-0.parquet")
    frame.iloc[10:25].to_parquet(month / "part-1.parquet")
    (partition,) = list_partitions(root)
    assert read_table(root, partition).num_rows == 25


def _with_threshold(folder, threshold: str):
    path = write_pipeline(folder)
    path.write_text(path.read_text().replace(
        "margin = 0.01", f"margin = 0.01\nrelevance_threshold = {threshold}"))
    return path


@pytest.mark.parametrize("threshold", ["0.8", "0.5"])
def test_a_relevance_threshold_written_as_a_share_is_refused(tmp_path, threshold):
    # on a 1-5 scale every rating is >= 0.8: all rows relevant, as with no threshold
    path = _with_threshold(tmp_path, threshold)
    with pytest.raises(ConfigError) as refused:
        load_pipeline(path)
    message = str(refused.value)
    assert message.startswith(f"{path}: [evaluation] relevance_threshold = {threshold}: "
                              "below the lowest rating of [data] rating_range = [1.0, 5.0]")
    assert "not a share" in message


@pytest.mark.parametrize("threshold", ["1.0", "4.0", "0.0"])
def test_a_threshold_on_the_rating_scale_or_zero_is_taken(tmp_path, threshold):
    assert load_pipeline(_with_threshold(tmp_path, threshold)).gate.relevance_threshold \
        == float(threshold)


def _registry_root(folder, root: str):
    path = write_pipeline(folder)
    path.write_text(path.read_text().replace('root = "registry"', f'root = "{root}"'))
    return path


def test_a_registry_root_under_a_file_is_refused_before_anything_runs(folder):
    path = _registry_root(folder, "items.parquet/models")
    with pytest.raises(ConfigError) as refused:
        run_pipeline(path)
    assert str(refused.value) == (
        f"{path}: [registry] root = {folder / 'items.parquet' / 'models'}: lies under "
        f"{folder / 'items.parquet'}, which is a file, not a folder; the registry is a "
        "folder (created at the first publish): move the file or set another root")
    # nothing was checked or trained: no run folder
    assert not (folder / "shop.pipeline" / "runs").exists()


def test_a_read_only_registry_folder_is_refused_before_anything_runs(folder, monkeypatch):
    registry = folder / "registry"
    registry.mkdir()
    real_access = os.access

    def access(path, mode, **kwargs):  # the tests run as root, who may write anywhere
        if os.fspath(path) == os.fspath(registry) and mode & os.W_OK:
            return False
        return real_access(path, mode, **kwargs)

    monkeypatch.setattr(os, "access", access)
    path = _registry_root(folder, "registry")
    with pytest.raises(ConfigError) as refused:
        run_pipeline(path)
    assert str(refused.value) == (
        f"{path}: [registry] root = {registry}: the registry folder is read-only for this "
        "user, so a model that passes the gate could not be published; make it writable "
        "or set another root")
    assert not (folder / "shop.pipeline" / "runs").exists()


def test_a_registry_root_not_made_yet_is_still_created_at_the_first_publish(folder):
    outcome = run_pipeline(_registry_root(folder, "models/nested"))
    assert outcome.published
    assert (folder / "models" / "nested" / "shop").is_dir()


@pytest.mark.parametrize(("key", "line"), [("items", 'items = "catalog.parquet"'),
                                           ("users", 'users = "people.csv"')])
def test_a_missing_catalog_file_is_named_with_the_pipeline_file_and_key(folder, key, line):
    path = write_pipeline(folder)
    path.write_text(path.read_text().replace('items = "items.parquet"', line))
    with pytest.raises(RecstackError) as refused:
        run_pipeline(path)
    name = line.split('"')[1]
    assert str(refused.value).startswith(f"{path}: [data] {key} = {name!r}: "
                                         f"{folder / name}: no such [data] {key} file")


def test_a_partition_file_missing_a_column_stops_the_run_naming_the_file(folder):
    month = partition_file(folder, "2019-05").parent
    month.mkdir(parents=True)
    frame = next_month(folder)
    pq.write_table(pa.Table.from_pandas(frame.iloc[:2000], preserve_index=False),
                   month / "part-0.parquet")
    pq.write_table(pa.Table.from_pandas(frame.iloc[2000:].drop(columns="value"),
                                        preserve_index=False), month / "part-1.parquet")
    write_pipeline(folder)
    with pytest.raises(RecstackError) as refused:
        run_pipeline(folder / "pipeline.toml")
    message = str(refused.value)
    assert "quality check 'readable' failed in partition 2019-05" in message
    assert f"{month / 'part-1.parquet'}: has no column 'value'" in message


def _future(times: list[int]):
    table = pa.table({"user_id": list(range(len(times))), "item_id": [7] * len(times),
                      "timestamp": times})
    (result,) = [r for r in check_partition(table, QualitySpec(), explicit=False, now=NOW)
                 if r.check == "future"]
    return result


@pytest.mark.parametrize(("unit", "per_second"), [("milliseconds", 1_000),
                                                  ("microseconds", 1_000_000),
                                                  ("nanoseconds", 1_000_000_000)])
def test_timestamps_in_a_finer_unit_are_said_to_be_so(unit, per_second):
    # 2019-05-01 and 2019-05-02 written in a unit finer than the seconds the check reads
    result = _future([1_556_668_800 * per_second, 1_556_755_200 * per_second])
    assert (result.status, result.count) == ("failed", 2)
    assert result.message == (
        f"2 timestamps after the run's clock (read as {unit} they fall before the clock: "
        f"the timestamp column seems to hold {unit}, not the Unix seconds it must hold; "
        f"divide it by {per_second:,} when writing the partition)")


def test_a_timestamp_an_hour_late_is_not_taken_for_another_unit():
    result = _future([NOW - 10, NOW + 3600])
    assert (result.status, result.count) == ("failed", 1)
    assert result.message == "1 timestamp after the run's clock"


def test_a_registry_url_of_an_unknown_protocol_is_refused_before_anything_runs(folder):
    path = _registry_root(folder, "nosuchfs://bucket/models")
    with pytest.raises(ConfigError) as refused:
        run_pipeline(path)
    assert str(refused.value).startswith(
        f"{path}: [registry] root = 'nosuchfs://bucket/models': ")
    assert "nosuchfs" in str(refused.value).split(": ", 3)[-1]
    # it was found at the evaluate step, after the checks, the drift and the training
    assert not (folder / "shop.pipeline" / "runs").exists()


def test_a_reachable_registry_url_still_publishes(folder):
    outcome = run_pipeline(_registry_root(folder, f"memory://round52h-{os.getpid()}"))
    assert outcome.published and outcome.ran[-1] == "report"


def test_a_window_of_new_items_only_holds_the_model_back_saying_why(folder):
    # no item catalog, so the quality checks let the new items through to the gate
    path = write_pipeline(folder)
    path.write_text(path.read_text().replace('items = "items.parquet"\n', ""))
    assert run_pipeline(path).published
    frame = next_month(folder)
    renamed = frame.assign(item_id=frame.item_id + 100_000)
    month = partition_file(folder, "2019-05")
    month.parent.mkdir(parents=True)
    pq.write_table(pa.Table.from_pandas(renamed, preserve_index=False), month)
    outcome = run_pipeline(path)
    evaluation = outcome.report["evaluation"]
    # both models scored 0 for every user: "+0.0000 against version 1: publishing" before
    assert (evaluation["candidate_mean"], evaluation["published_mean"]) == (0.0, 0.0)
    assert not outcome.published
    items = renamed.item_id.nunique()
    assert evaluation["reason"] == (
        f"none of the {items} relevant items of the evaluation window 2019-05 (e.g. item "
        f"{renamed.item_id.min()}) is known to either model, so both score 0 for every user "
        "and the gate cannot tell them apart: not publishing (a later run trains on 2019-05 "
        "and can be compared on the window after it)")
    assert outcome.report["publish"]["published"] is False
