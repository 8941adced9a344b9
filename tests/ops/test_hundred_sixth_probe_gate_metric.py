"""Hundred-sixth bad-input probe of a pipeline's gate metric: it is read by the one function
that reads ``[tune] metric`` (``recstack.config.parse_metric_name``), so a cut-off K that is
no whole number >= 1, a name in capitals and a missing K are said alike in both files."""

from __future__ import annotations

import pytest

from recstack.errors import ConfigError
from recstack.ops.pipeline_config import parse_pipeline

GOOD = {"data": {"partitions": "logs"}, "model": {"type": "als"},
        "registry": {"root": "registry"}}


def parse(**changes):
    raw = {k: dict(v) for k, v in GOOD.items()} | changes
    return parse_pipeline(raw, source="p.toml", base="/base")


@pytest.mark.parametrize("metric, k", [("ndcg@0", "0"), ("recall@1_0", "1_0"),
                                       ("ndcg@-3", "-3")])
def test_a_cutoff_that_is_no_whole_number_is_named(metric, k):
    # before: the rule alone, the K that broke it unnamed (and "ndcg" alone the same)
    with pytest.raises(ConfigError, match=rf'^p.toml: \[evaluation\] metric = "{metric}": '
                                          r"expected NAME@K .*, with K a whole number >= 1 "
                                          rf'in the digits 0-9 \(got K = "{k}"\)$'):
        parse(evaluation={"metric": metric})


def test_a_missing_cutoff_is_said_to_be_missing():
    # before: "expected NAME@K with NAME one of ..." of a NAME that is one of them
    with pytest.raises(ConfigError, match=r'metric = "ndcg": expected NAME@K .*; the cut-off '
                                          r'K is missing \(e.g. "ndcg@10"\)'):
        parse(evaluation={"metric": "ndcg"})


def test_a_name_in_capitals_gets_its_spelling():
    # as [tune] metric does
    with pytest.raises(ConfigError, match=r'did you mean "ndcg@10"\? names are lower case'):
        parse(evaluation={"metric": "NDCG@10"})


def test_a_cutoff_above_the_largest_is_refused_as_in_tune():
    with pytest.raises(ConfigError, match=r'metric = "ndcg@10001": K = 10001 is above 10000'):
        parse(evaluation={"metric": "ndcg@10001"})


def test_a_right_metric_is_read():
    gate = parse(evaluation={"metric": "recall@20"}).gate
    assert (gate.metric_name, gate.k) == ("recall", 20)
