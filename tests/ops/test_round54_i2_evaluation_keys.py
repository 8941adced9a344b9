"""Round 54 (I2): a user who writes the gate's cut-off as an experiment file does (``k =
10``, ``ks = [10]``) or lists metrics (``metric = ["ndcg@10"]``) was told "unknown key"
or "expected a string" without a word of where the cut-off goes; the error now says the
gate compares one metric written as NAME@K in ``metric``."""

from __future__ import annotations

import pytest

from recstack.errors import ConfigError
from recstack.ops.pipeline_config import parse_pipeline

BASE = {"name": "shop", "data": {"partitions": "logs"}, "model": {"type": "als"},
        "registry": {"root": "registry"}}


def _parse(evaluation: dict, tmp_path):
    return parse_pipeline(dict(BASE, evaluation=evaluation), source="p.toml", base=tmp_path)


@pytest.mark.parametrize("key, value, shown", [
    ("k", 10, "10"), ("ks", [10, 20], "[10, 20]"), ("cutoff", 10, "10"),
])
def test_a_cut_off_key_says_it_goes_in_metric(tmp_path, key, value, shown):
    with pytest.raises(ConfigError) as raised:
        _parse({"metric": "ndcg", key: value}, tmp_path)
    assert str(raised.value) == (
        f"p.toml: [evaluation] {key} = {shown}: the gate compares one metric at one "
        f'cut-off, written together as NAME@K in metric (e.g. metric = "ndcg@10"); '
        f"remove {key}")


@pytest.mark.parametrize("key", ["metric", "metrics"])
def test_a_list_of_metrics_says_one_metric(tmp_path, key):
    with pytest.raises(ConfigError, match=rf'\[evaluation\] {key} = \["ndcg@10", "recall@20"\]'
                       r": the gate compares one metric, written as NAME@K"):
        _parse({key: ["ndcg@10", "recall@20"]}, tmp_path)


def test_the_gate_metric_as_written_is_read(tmp_path):
    spec = _parse({"metric": "recall@20", "margin": 0.05}, tmp_path)
    assert (spec.gate.metric_name, spec.gate.k, spec.gate.margin) == ("recall", 20, 0.05)
