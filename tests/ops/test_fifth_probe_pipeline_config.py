"""Fifth probe: pipeline-file settings that crashed or were ignored without a word."""

from __future__ import annotations

import pytest

from recstack.errors import ConfigError
from recstack.ops.pipeline_config import parse_pipeline

GOOD = {"data": {"partitions": "logs"}, "model": {"type": "als"},
        "registry": {"root": "registry"}}


def parse(**changes):
    raw = {k: dict(v) for k, v in GOOD.items()} | changes
    return parse_pipeline(raw, source="p.toml", base="/base")


@pytest.mark.parametrize("metric", ["ndcg@²", "ndcg@٣", "ndcg@1²", "ndcg@0", "ndcg@-1",
                                    "ndcg@ 10", "ndcg@10.0"])
def test_gate_metric_cutoff_is_ascii_digits(metric):
    # '²' passed str.isdigit() and int() raised a ValueError (a traceback)
    with pytest.raises(ConfigError, match=r"^p.toml: \[evaluation\] metric = .*: expected "
                                          r"NAME@K .* K a whole number >= 1 in the digits "
                                          r"0-9"):
        parse(evaluation={"metric": metric})


def test_gate_metric_names_the_near_miss():
    with pytest.raises(ConfigError, match=r"\(did you mean 'ndcg'\?\)"):
        parse(evaluation={"metric": "ndgc@10"})
    assert parse(evaluation={"metric": "recall@20"}).gate.k == 20


@pytest.mark.parametrize("training, model, message", [
    ({"window": "expanding", "partitions": 5}, "als",
     r"\[training\] partitions = 5: the length of a sliding window, but window = \"expanding\""),
    ({"partitions": 2}, "als", r"\[training\] partitions = 2: the length of a sliding window"),
    ({"warm_iterations": 3}, "als",
     r"\[training\] warm_iterations = 3: counts the iterations of a warm start, but "
     r"warm_start is false"),
    ({"warm_start": True}, "ease",
     r"\[training\] warm_start = true: \[model\] type = \"ease\" cannot start from the "
     r"published one's "
     r"vectors .*warm starts need one of als, bpr"),
])
def test_training_settings_the_schedule_would_ignore_are_refused(training, model, message):
    with pytest.raises(ConfigError, match=message):
        parse(training=training, model={"type": model})


def test_meaningful_schedules_still_parse():
    assert parse(training={"window": "sliding", "partitions": 2}).training.partitions == 2
    warm = parse(training={"warm_start": True, "warm_iterations": 2}).training
    assert warm.warm_start and warm.warm_iterations == 2
    assert parse(training={"warm_start": True, "fold_in_between": 2}).training.fold_in_between == 2
    assert parse(model={"type": "ease"}).training.window == "expanding"


def test_a_share_check_given_as_a_value_says_it_wants_a_table():
    # it said "unknown key 'duplicates'" and listed 'shares' among the known keys
    with pytest.raises(ConfigError, match=r"^p.toml: \[quality\] duplicates = \[0.1, 0.2\]: "
                                          r"a share check's thresholds are a table, e.g. "
                                          r"\[quality.duplicates\] warn = 0.0 fail = 0.01"):
        parse(quality={"duplicates": [0.1, 0.2]})
    with pytest.raises(ConfigError, match=r"\[quality\] unknown key 'volume_warm' \(did you "
                                          r"mean 'volume_warn'\?\); known keys: "
                                          r"timestamp_floor, .*max_missing_partitions, and a "
                                          r"table per share check: nulls"):
        parse(quality={"volume_warm": 2.0})


@pytest.mark.parametrize("changes, message", [
    ({"work": "logs"}, r"^p.toml: work = \"logs\": is the partitions folder /base/logs "
                       r"\(\[data\] partitions\)"),
    ({"work": "logs/runs"}, r"^p.toml: work = \"logs/runs\": lies inside the partitions folder"),
    ({"work": "/base/logs/../logs/w"}, r"work = \"/base/logs/../logs/w\": lies inside"),
    ({"registry": {"root": "logs/registry"}},
     r"^p.toml: \[registry\] root = \"logs/registry\": lies inside the partitions folder"),
])
def test_the_pipelines_own_files_never_go_into_its_partitions(changes, message):
    # the first run wrote its runs into the logs; the next stopped at them ("folder
    # 'runs/...' is not a time partition")
    with pytest.raises(ConfigError, match=message):
        parse(**changes)


def test_own_files_beside_the_partitions_are_fine():
    pipeline = parse(work="logs-work", registry={"root": "s3://bucket/logs"})
    assert str(pipeline.work) == "/base/logs-work"
    assert str(parse(work="/elsewhere/logs").work) == "/elsewhere/logs"


def test_a_seed_wider_than_the_models_is_refused_when_read():
    # the pipeline's seed seeds its model, which refused it only at the train step; since
    # round nine the one rule of seeds (recstack.specs.SEED_MAX), as an experiment file's
    with pytest.raises(ConfigError, match=r"^p.toml: seed = 1180591620717411303424: must "
                                          r"be <= 4294967295; a seed is a whole number in "
                                          r"\[0, 4294967295\] \(32 bits"):
        parse(seed=2**70)
    assert parse(seed=2**32 - 1).seed == 2**32 - 1
