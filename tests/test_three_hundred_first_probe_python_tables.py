"""Three hundred first probe: experiment and pipeline tables given from Python (numpy
numbers, tuples, keys that are not text, None for a default) and the sampled protocol's
constants held in one place."""

from __future__ import annotations

import copy
import tomllib

import numpy as np
import pytest

import recstack.config as config
import recstack.evaluation.sampled as sampled
from recstack.config import dump_toml, parse_experiment
from recstack.errors import ConfigError
from recstack.ops.pipeline_config import parse_pipeline

BASE = {"name": "x", "seed": 0,
        "data": {"source": "synthetic:n_users=50,n_items=40,n_interactions=600,seed=1"},
        "split": {"method": "random", "test_fraction": 0.2},
        "evaluation": {"metrics": ["ndcg"], "ks": [5]},
        "models": [{"type": "most_popular"}]}


def parse(**changes):
    raw = copy.deepcopy(BASE) | changes
    return parse_experiment(raw, source="py")


def test_sampled_protocol_constants_are_the_evaluators():
    # config.py held its own copies (100 negatives, hit_rate and ndcg): one place now
    assert config.DEFAULT_NEGATIVES is sampled.DEFAULT_NEGATIVES
    assert config.SAMPLED_METRICS is sampled.SAMPLED_METRICS
    assert config.EvaluationSpec().negatives_count == 100


def test_numpy_integer_seed_is_the_integer():
    # it was "seed = 3: expected an integer"
    experiment = parse(seed=np.int64(3))
    assert experiment.seed == 3 and type(experiment.seed) is int
    assert experiment.split.seed == 3


def test_numpy_numbers_in_every_table():
    experiment = parse(
        split={"method": "random", "test_fraction": np.float32(0.25)},
        evaluation={"metrics": [np.str_("ndcg")], "ks": np.array([5, 10])},
        models=[{"type": "most_popular"},
                {"type": "als", "factors": np.int64(4), "regularization": np.float32(0.1)}],
        tune={"model": "als", "trials": np.int64(3),
              "space": {"factors": {"type": "int", "low": np.int64(2),
                                    "high": np.uint8(8)}}})
    # a float32 is the number it shows, as the models read one
    assert experiment.split.test_fraction == 0.25
    assert experiment.evaluation.ks == (5, 10)
    assert experiment.models[1].params == {"factors": 4, "regularization": 0.1}
    assert type(experiment.models[1].params["factors"]) is int
    assert experiment.tune.trials == 3
    assert experiment.tune.space == {"factors": {"type": "int", "low": 2, "high": 8}}


def test_tuple_of_models_is_an_array_of_tables():
    # it was "models = (...): expected an array of tables"
    experiment = parse(models=({"type": "most_popular"}, {"type": "random", "seed": 1}))
    assert [m.label for m in experiment.models] == ["most_popular", "random"]


def test_the_callers_table_is_not_changed():
    raw = copy.deepcopy(BASE) | {"seed": np.int64(2)}
    experiment = parse_experiment(raw, source="py")
    assert type(raw["seed"]) is np.int64
    assert type(experiment.raw["seed"]) is int


@pytest.mark.parametrize(("change", "where"), [
    ({None: 1}, r"key None \(NoneType\)"),
    ({"split": {"method": "random", 3: 0.2}}, r"\[split\] key 3 \(int\)"),
    ({"models": [{"type": "most_popular"}, {"type": "als", (1, 2): 4}]},
     r"\[\[models\]\] #2 key \(1, 2\) \(tuple\)"),
    ({"tune": {"model": "most_popular", "space": {"x": {b"type": "int"}}}},
     r"\[tune\] space\.x key b'type' \(bytes\)"),
])
def test_a_key_that_is_not_text_is_named_where_it_is(change, where):
    # {None: 1} was an AttributeError ('NoneType' object has no attribute 'partition')
    raw = copy.deepcopy(BASE) | change
    with pytest.raises(ConfigError, match=rf"^py: {where}: a key is text"):
        parse_experiment(raw, source="py")


def test_numpy_date_cutoff_stays_a_date():
    # a datetime64 in nanoseconds is not turned into its integer (read as Unix seconds)
    experiment = parse(split={"method": "temporal",
                              "cutoff": np.datetime64("2020-01-01T00:00:00.000000000")})
    assert "2020-01-01" in str(experiment.split.cutoff)


def test_dump_toml_leaves_out_the_defaults_given_as_none():
    # the tuned experiment of a search whose table held None failed to be written after
    # the search: "Object of type 'NoneType' is not TOML serializable"
    experiment = parse(evaluation={"metrics": ["ndcg"], "ks": [5],
                                   "relevance_threshold": None},
                       models=[{"type": "most_popular"}, {"type": "als"}],
                       tune={"model": "als", "seed": None, "trials": np.int64(2)})
    text = dump_toml(experiment.raw)
    again = tomllib.loads(text)
    assert "relevance_threshold" not in again["evaluation"]
    assert again["tune"] == {"model": "als", "trials": 2}
    reparsed = parse_experiment(again, source="py")
    assert reparsed.evaluation == experiment.evaluation
    assert reparsed.tune == experiment.tune


def test_dump_toml_writes_numpy_numbers():
    assert dump_toml({"a": np.int64(3), "b": {"c": (1, np.float32(0.1))}}) == \
        'a = 3\n\n[b]\nc = [\n    1,\n    0.1,\n]\n'


def test_pipeline_tables_take_numpy_numbers_too():
    raw = {"seed": np.int64(4), "data": {"partitions": "logs"},
           "model": {"type": "als", "factors": np.int64(8)},
           "registry": {"root": "registry", "keep": np.int64(3)},
           "training": {"window": "sliding", "partitions": np.int64(2)}}
    pipeline = parse_pipeline(raw, source="p.toml", base="/base")
    assert pipeline.seed == 4
    assert pipeline.model.params == {"factors": 8}
    assert pipeline.registry.keep == 3
    assert pipeline.training.partitions == 2
    with pytest.raises(ConfigError, match=r"^p.toml: \[model\] key 1 \(int\): a key is text"):
        parse_pipeline(raw | {"model": {"type": "als", 1: 2}}, source="p.toml", base="/base")


def test_spec_list_fields_take_a_1d_array():
    # EvaluationSpec(ks=np.array([5, 10])) was "expected a list of integers", though the
    # evaluator takes such an array
    assert config.EvaluationSpec(ks=np.array([5, 10])).ks == (5, 10)
    assert config.EvaluationSpec(metrics=np.array(["ndcg"])).metrics == ("ndcg",)
    with pytest.raises(ConfigError, match=r"^EvaluationSpec: ks = array\(\[\[5\]\]\): "
                                          r"expected a list of integers"):
        config.EvaluationSpec(ks=np.array([[5]]))


def test_spec_float32_is_the_number_it_shows():
    # it was 0.20000000298023224
    assert config.TuneSpec(validation_fraction=np.float32(0.2)).validation_fraction == 0.2
    with pytest.raises(ConfigError, match=r"validation_fraction = nan: must be a finite"):
        config.TuneSpec(validation_fraction=np.float32("nan"))
