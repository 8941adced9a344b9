"""Seventy-first probe, pipeline files: a work folder nested in the registry folder (or
the reverse, or the same folder) was accepted, and the file's seed took up to 2**63 - 1
while an experiment file's stops at recstack.specs.SEED_MAX."""

from __future__ import annotations

import json

import pytest

from recstack.errors import ConfigError
from recstack.ops.pipeline_config import parse_pipeline
from recstack.specs import SEED_MAX

GOOD = {"data": {"partitions": "logs"}, "model": {"type": "als"},
        "registry": {"root": "registry"}}


def parse(**changes):
    raw = {k: dict(v) for k, v in GOOD.items()} | changes
    return parse_pipeline(raw, source="p.toml", base="/base")


@pytest.mark.parametrize(("work", "root", "relation"), [
    ("registry/work", "registry", "lies inside"),
    ("/base/registry/deep/work", "registry", "lies inside"),
    ("w", "w/registry", "holds"),
    ("registry", "registry", "is the same folder as"),
    ("./registry", "/base/registry", "is the same folder as"),
    ("/base", "models", "holds"),
])
def test_work_and_registry_nested_are_refused_naming_both(work, root, relation):
    # before: accepted; the registry listed "runs" as a model and pruning it removed runs
    with pytest.raises(ConfigError) as refused:
        parse(work=work, registry={"root": root})
    message = str(refused.value)
    assert message.startswith(f"p.toml: work = {json.dumps(work)} (")
    assert f") {relation} [registry] root = {json.dumps(root)} (" in message
    assert "must be separate folders" in message


@pytest.mark.parametrize(("work", "root"), [
    ("work", "registry"), ("registry-work", "registry"), ("a/work", "b/work"),
    ("work", "s3://bucket/work"), ("work", "file:///base/work/registry"),
])
def test_separate_folders_are_taken(work, root):
    assert str(parse(work=work, registry={"root": root}).work).startswith("/base/")


def test_the_default_work_folder_beside_a_registry_is_taken():
    assert str(parse(name="shop").work) == "/base/shop.pipeline"


@pytest.mark.parametrize("seed", [SEED_MAX + 1, 2**63 - 1, 2**63, 2**70])
def test_a_seed_past_the_one_rule_is_refused(seed):
    # before: taken up to 2**63 - 1 (an experiment file's top seed stops at 2**32 - 1)
    with pytest.raises(ConfigError, match=rf"^p.toml: seed = {seed}: must be <= {SEED_MAX}; "
                                          r"a seed is a whole number in \[0, "):
        parse(seed=seed)


@pytest.mark.parametrize("seed", [0, 7, SEED_MAX])
def test_a_seed_within_the_rule_is_taken(seed):
    assert parse(seed=seed).seed == seed


def test_a_negative_seed_keeps_its_message():
    with pytest.raises(ConfigError, match=r"^p.toml: seed = -1: must be >= 0"):
        parse(seed=-1)


@pytest.mark.parametrize(("model", "counted", "bound"), [
    ({"type": "als"}, "iterations", "must be <= 10000"),
    ({"type": "bpr"}, "epochs", "must"),
])
def test_warm_iterations_past_the_models_bound_are_refused_when_read(model, counted, bound):
    # before: taken, and refused at the first warm start (a run later) as the model's own
    # iterations, a setting the file does not have
    with pytest.raises(ConfigError) as refused:
        parse(model=model, training={"warm_start": True, "warm_iterations": 10**12})
    message = str(refused.value)
    assert message.startswith(f"p.toml: [training] warm_iterations = {10**12}: it sets the "
                              f"{model['type']} model's {counted} for a warm start, and ")
    assert bound in message


def test_warm_iterations_within_the_bound_are_taken():
    pipeline = parse(training={"warm_start": True, "warm_iterations": 3})
    assert pipeline.training.warm_iterations == 3
