"""Fifth probe: two pipelines given one work folder."""

from __future__ import annotations

import json

import pytest

from recstack.errors import RecstackError
from recstack.ops.pipeline import run_pipeline

from .scenario import make_data, write_pipeline


def test_a_work_folder_holding_another_pipelines_runs_is_refused(tmp_path):
    folder = make_data(tmp_path)
    first = write_pipeline(folder, name="shop", extra="")
    first.write_text(first.read_text().replace("seed = 0", 'seed = 0\nwork = "shared"'))
    run_pipeline(first)
    state = json.loads((folder / "shared" / "state.json").read_text())
    assert state["pipeline"] == "shop"
    second = first.with_name("other.toml")
    second.write_text(first.read_text().replace('name = "shop"', 'name = "other"'))
    # it read the first one's runs and partitions as its own (which partitions are new,
    # the fold-in schedule) and shared its lock
    with pytest.raises(RecstackError, match=r"other.toml: work = '.*shared' holds the runs "
                                            r"of pipeline 'shop' .*give pipeline 'other' "
                                            r"its own work folder"):
        run_pipeline(second)
    assert json.loads((folder / "shared" / "state.json").read_text()) == state
    # the pipeline itself goes on as before
    assert run_pipeline(first).up_to_date


def test_a_state_written_before_it_recorded_its_pipeline_is_read(tmp_path):
    folder = make_data(tmp_path)
    path = write_pipeline(folder, name="shop")
    run_pipeline(path)
    state_file = folder / "shop.pipeline" / "state.json"
    state = json.loads(state_file.read_text())
    del state["pipeline"]
    state_file.write_text(json.dumps(state))
    assert run_pipeline(path).up_to_date
