"""The pipeline file: every mistake named with the file, the table and the key."""

from __future__ import annotations

import pytest

from recstack.errors import ConfigError
from recstack.ops.pipeline_config import load_pipeline, parse_pipeline
from recstack.ops.retraining import training_window

GOOD = {"data": {"partitions": "logs"}, "model": {"type": "ease"},
        "registry": {"root": "registry"}}


def parse(**changes):
    raw = {k: dict(v) for k, v in GOOD.items()}
    for key, value in changes.items():
        raw[key] = value
    return parse_pipeline(raw, source="p.toml", base="/base")


def test_defaults_and_paths():
    pipeline = parse()
    assert pipeline.name == "p" and pipeline.registry_name == "p"
    assert str(pipeline.work) == "/base/p.pipeline"
    assert pipeline.gate.metric_name == "ndcg" and pipeline.gate.k == 10
    assert pipeline.training.window == "expanding"


@pytest.mark.parametrize("changes, message", [
    ({"trainig": {}}, r"p.toml: unknown key 'trainig' \(did you mean 'training'\?\)"),
    ({"training": {"window": "slidng"}}, r"\[training\] window = \"slidng\": must be one of"),
    ({"training": {"partitions": 0}}, r"\[training\] partitions = 0: must be >= 1"),
    ({"evaluation": {"metric": "ndcg10"}}, r"\[evaluation\] metric = \"ndcg10\": expected NAME@K"),
    ({"evaluation": {"margin": -1}}, r"\[evaluation\] margin = -1: must be >= 0"),
    ({"model": {"type": "alz"}}, r"\[model\] type: \"alz\" is not a known model \(did you mean "
                                 r"'als'\?\)"),
    ({"model": {"type": "als", "factor": 3}}, r"\[model\] \(als\) unknown key 'factor'"),
    ({"data": {}}, r"\[data\] missing key 'partitions'"),
    ({"data": {"partitions": "x", "rating_range": [5, 1]}}, r"\[data\] rating_range"),
    ({"drift": {"psi_warm": 1}}, r"\[drift\] unknown key 'psi_warm' \(did you mean "
                                 r"'psi_warn'\?\)"),
    ({"quality": {"nulls": {"fail": 3}}}, r"\[quality.nulls\] fail = 3"),
    ({"registry": {}}, r"\[registry\] missing key 'root'"),
    # a blank path was the pipeline file's own folder: scanned as partitions, or filled
    # with the runs, the lock and the registry
    ({"work": ""}, r"p.toml: work = \"\": expected a path .* not an empty string"),
    ({"data": {"partitions": " "}}, r"\[data\] partitions = \" \": expected a path"),
    ({"data": {"partitions": "logs", "items": ""}}, r"\[data\] items = \"\": expected a path"),
    ({"registry": {"root": ""}}, r"\[registry\] root = \"\": expected a path"),
    # refused only at the train step, after the checks and the drift step had run
    ({"model": {"type": "mf"}}, r"p.toml: \[model\] type = \"mf\" predicts explicit ratings, "
                                r"but \[data\] declares no rating_range"),
])
def test_mistakes_are_named(changes, message):
    with pytest.raises(ConfigError, match=message):
        parse(**changes)


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="no such pipeline file"):
        load_pipeline(tmp_path / "nope.toml")
    (tmp_path / "bad.toml").write_text("name = ")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_pipeline(tmp_path / "bad.toml")


def test_undecodable_files_name_the_line_and_the_fix(tmp_path):
    path = tmp_path / "p.toml"
    path.write_bytes(b'name = "p"\n# caf\xe9\n')
    with pytest.raises(ConfigError, match=r"p.toml:2: not UTF-8 text \(byte 16\)"):
        load_pipeline(path)
    path.write_bytes(b'\xef\xbb\xbfname = "p"\n')
    with pytest.raises(ConfigError, match=r"p.toml:1: starts with a byte-order mark"):
        load_pipeline(path)


def test_training_windows():
    sliding = parse(training={"window": "sliding", "partitions": 2}).training
    assert training_window(5, sliding) == [2, 3]
    assert training_window(5, parse().training) == [0, 1, 2, 3]
    with pytest.raises(Exception, match="at least 2 partitions"):
        training_window(1, sliding)
