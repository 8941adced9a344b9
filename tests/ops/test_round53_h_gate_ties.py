"""Round 53 (H): the gate on a tie, a damaged registry alias and a data folder without
partitions in a pipeline run."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from recstack.errors import RecstackError
from recstack.ops.gate import decide
from recstack.ops.pipeline import run_pipeline
from recstack.ops.quality import QualityFailure

from .scenario import add_month, next_month, write_pipeline


def test_a_tie_that_rounding_makes_a_tiny_loss_is_published_as_a_tie():
    # user 1 gains 0.1 and user 2 loses 0.1: the mean difference is exactly 0, but
    # (0.3 - 0.2) + (0.1 - 0.2) in floats is -2.8e-17, refused at margin 0 before
    candidate = pd.Series([0.3, 0.1], index=[1, 2])
    published = pd.Series([0.2, 0.2], index=[1, 2])
    assert (0.3 - 0.2) + (0.1 - 0.2) < 0  # the rounding the gate must see through
    decision = decide(candidate, published, metric="ndcg@10", margin=0.0, min_users=2,
                      published_version=1)
    assert decision.publish
    assert decision.reason.startswith("ndcg@10 +0.0000 against version 1, a tie (mean "
                                      "difference ")
    assert "over 2 users, within rounding; margin 0): publishing" in decision.reason
    assert "a tie is none" in decision.reason


def test_a_candidate_equal_to_the_published_model_is_published_saying_why():
    values = pd.Series([0.5, 0.25, 0.0], index=["a", "b", "c"])
    decision = decide(values, values.copy(), metric="ndcg@10", margin=0.0, min_users=2,
                      published_version=3)
    assert decision.publish and decision.difference == 0.0
    assert "+0.0000 against version 3, a tie" in decision.reason
    assert "the gate refuses only a loss beyond the margin" in decision.reason


def test_a_real_loss_however_small_is_still_refused_at_margin_zero():
    candidate = pd.Series([0.5 - 1e-6, 0.5], index=[1, 2])
    published = pd.Series([0.5, 0.5], index=[1, 2])
    decision = decide(candidate, published, metric="ndcg@10", margin=0.0, min_users=2,
                      published_version=1)
    assert not decision.publish
    assert "worse than the margin 0 allows" in decision.reason


def test_a_loss_of_exactly_the_margin_passes_despite_rounding():
    # each user loses 0.1, the margin, exactly on paper; 0.7 - 0.8 in floats is
    # -0.10000000000000009, past the margin by rounding alone
    assert 0.7 - 0.8 < -0.1
    candidate = pd.Series([0.7, 0.7], index=[1, 2])
    published = pd.Series([0.8, 0.8], index=[1, 2])
    decision = decide(candidate, published, metric="ndcg@10", margin=0.1, min_users=2,
                      published_version=1)
    assert decision.publish, decision.reason
    assert decision.reason.startswith("ndcg@10 -0.1000 against version 1 (margin 0.1; ")


def test_a_damaged_registry_alias_names_the_pipeline_and_the_ways_out(copy):
    alias = copy / "registry" / "shop" / "current.json"
    assert json.loads(alias.read_text())["version"] == 1
    alias.write_text("{not json", encoding="utf-8")
    add_month(copy, "2019-05", next_month(copy))
    with pytest.raises(RecstackError) as caught:
        run_pipeline(copy / "pipeline.toml")
    message = str(caught.value)
    assert message.startswith(f"{copy / 'pipeline.toml'}: [registry] root = "
                              f"{copy / 'registry'}: ")
    assert "shop/current.json is damaged: not valid JSON" in message
    assert "the complete versions are 1: write {\"version\": N, \"history\": []} into " \
           "shop/current.json with N one of them, or remove the file" in message


def test_a_data_folder_without_partitions_names_the_pipeline_file_and_key(folder):
    path = write_pipeline(folder)
    shutil.rmtree(folder / "logs")
    (folder / "logs").mkdir()
    with pytest.raises(QualityFailure) as caught:
        run_pipeline(path)
    assert str(caught.value) == (
        f"{path}: [data] partitions = 'logs': {folder / 'logs'} holds no partitions to run on "
        "(expected folders such as year=2024/month=03 holding Parquet files: at least 2, one "
        "to train on and the newest to evaluate on)")
