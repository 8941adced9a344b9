"""The newest partition that a completed run saw, gone since: the next run evaluated the
models on a partition the published model had been trained on and published a model
trained on less data. Old partitions deleted by a retention policy still run."""

from __future__ import annotations

import json
import shutil

import pytest

from recstack.errors import RecstackError
from recstack.ops.pipeline import run_pipeline

from .scenario import add_month, next_month, partition_file, work


def _versions(folder):
    return sorted(p.name for p in (folder / "registry" / "shop" / "versions").iterdir())


def test_newest_partition_deleted_is_refused(copy):
    before = _versions(copy)
    shutil.rmtree(partition_file(copy, "2019-04").parent)
    with pytest.raises(RecstackError, match=r"newest partition is 2019-03, but .* later "
                                            r"partition\(s\) gone since: 2019-04"):
        run_pipeline(copy / "pipeline.toml")
    assert _versions(copy) == before  # nothing published
    state = json.loads((work(copy) / "state.json").read_text(encoding="utf-8"))
    assert len(state["completed"]) == 1


def test_newest_two_deleted_names_both(copy):
    add_month(copy, "2019-05", next_month(copy))
    run_pipeline(copy / "pipeline.toml")
    for label in ("2019-04", "2019-05"):
        shutil.rmtree(partition_file(copy, label).parent)
    with pytest.raises(RecstackError, match=r"gone since: 2019-04, 2019-05"):
        run_pipeline(copy / "pipeline.toml")


def test_oldest_partition_deleted_still_runs(copy):
    # a retention policy dropping the oldest month, then a new month: an ordinary run
    shutil.rmtree(partition_file(copy, "2019-01").parent)
    add_month(copy, "2019-05", next_month(copy))
    outcome = run_pipeline(copy / "pipeline.toml")
    assert not outcome.up_to_date
    assert outcome.report["partitions"] == ["2019-02", "2019-03", "2019-04", "2019-05"]
