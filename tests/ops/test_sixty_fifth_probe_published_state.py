"""A published model that is gone from the registry, and a gate told of a published
version without its values: both were taken silently as "nothing is published yet"."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from recstack.errors import ConfigError, RecstackError
from recstack.ops.gate import decide
from recstack.ops.pipeline import run_pipeline

from .scenario import add_month, next_month


def _version_folders(folder):
    return sorted(p for p in (folder / "registry" / "shop" / "versions").iterdir()
                  if p.is_dir())


def test_only_published_version_deleted_is_refused_not_republished_as_first(copy):
    (version,) = _version_folders(copy)
    shutil.rmtree(version)
    add_month(copy, "2019-05", next_month(copy))
    with pytest.raises(RecstackError, match=r"current version 1 .*current\.json.* no "
                                            r"complete version folder"):
        run_pipeline(copy / "pipeline.toml")
    # nothing was published over the alias's number
    assert not (copy / "registry" / "shop" / "versions" / version.name).exists()


def test_current_version_deleted_with_others_left_names_them(copy):
    # as if version 2 had been published and its folder deleted since: the alias
    # points at a version whose folder is gone, version 1 is still there
    (copy / "registry" / "shop" / "current.json").write_text(
        json.dumps({"version": 2, "history": [1]}), encoding="utf-8")
    add_month(copy, "2019-05", next_month(copy))
    with pytest.raises(RecstackError, match=r"current version 2 .*complete versions left "
                                            r"are 1.*restore the version folder"):
        run_pipeline(copy / "pipeline.toml")


def test_removing_the_alias_as_told_publishes_the_first_model(copy):
    (version,) = _version_folders(copy)
    shutil.rmtree(version)
    (copy / "registry" / "shop" / "current.json").unlink()
    add_month(copy, "2019-05", next_month(copy))
    outcome = run_pipeline(copy / "pipeline.toml")
    assert outcome.published
    assert outcome.report["evaluation"]["published_version"] is None


VALUES = pd.Series([0.1, 0.2, 0.3] * 4, index=range(12))


def test_gate_refuses_a_published_version_without_published_values():
    with pytest.raises(ConfigError, match=r"published_version = 3 but published is None"):
        decide(VALUES, None, metric="ndcg@10", margin=0.0, min_users=2,
               published_version=3)


@pytest.mark.parametrize("shift, publish", [(0.1, True), (-0.1, False)])
def test_gate_reason_without_a_version_names_the_published_model(shift, publish):
    decision = decide(VALUES + shift, VALUES, metric="ndcg@10", margin=0.0, min_users=2)
    assert decision.publish is publish
    assert "None" not in decision.reason
    assert "against the published model" in decision.reason
