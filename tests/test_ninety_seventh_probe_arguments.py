"""Ninety-seventh bad-input probe, the Python entry points of experiments, tuning,
pipelines, side tables and the Spark backend: a misspelt keyword or an argument too many
(``run_experiment(exp, reprot=True)``, ``read_side_table(path, keys="id")``) was Python's
bare TypeError, naming neither what the function takes nor the near name. They now refuse
it as the data loaders and splits do (recstack.specs.arguments_named), before any work.
Each test failed before its fix (a TypeError, not a ConfigError)."""

from __future__ import annotations

import importlib

import pytest

from recstack.errors import ConfigError

ENTRY_POINTS = [
    ("recstack.experiment", "run_experiment"), ("recstack.experiment", "write_experiment_report"),
    ("recstack.tuning", "tune"), ("recstack.tuning", "search"),
    ("recstack.config", "load_experiment"), ("recstack.config", "parse_experiment"),
    ("recstack.ops.pipeline_config", "load_pipeline"),
    ("recstack.ops.pipeline_config", "parse_pipeline"),
    ("recstack.ops.pipeline", "run_pipeline"), ("recstack.data.side_table", "read_side_table"),
    ("recstack.ops.drift", "measure_drift"), ("recstack.ops.gate", "decide"),
    ("recstack.ops.gate", "holdout_metric"), ("recstack.ops.quality", "check_partition"),
    ("recstack.ops.fold_in", "fold_in_model"), ("recstack.ops.partitions", "list_partitions"),
    ("recstack.ops.partitions", "to_interactions"),
    ("recstack.spark.data", "encode"), ("recstack.spark.data", "read_table"),
    ("recstack.spark.data", "read_partitioned"), ("recstack.spark.data", "read_movielens"),
    ("recstack.spark.data", "k_core"), ("recstack.spark.data", "from_interactions"),
    ("recstack.spark.data", "with_side_tables"), ("recstack.spark.data", "write_parquet"),
    ("recstack.spark.evaluation", "evaluate_factors"), ("recstack.spark.evaluation", "top_k"),
    ("recstack.spark.evaluation", "ranking_metrics"), ("recstack.spark.filters", "apply_filters"),
    ("recstack.spark.splits", "kfold_split"), ("recstack.spark.splits", "user_split"),
    ("recstack.spark.splits", "apply_split"), ("recstack.spark.session", "spark_session"),
    ("recstack.spark.session", "settings_from_table"),
]


def _function(module, name):
    return getattr(importlib.import_module(module), name)


@pytest.mark.parametrize("module, name", ENTRY_POINTS)
def test_a_misspelt_keyword_names_the_function_and_what_it_takes(module, name):
    function = _function(module, name)
    with pytest.raises(ConfigError) as refused:
        function(None, no_such_argument=1)
    message = str(refused.value)
    if name == "search":
        # its **evaluator_settings take any keyword (relevance_threshold=...), which the
        # call cannot be refused for: what is missing is named, and search itself refuses
        # a keyword that is no setting of the Evaluator once the call is whole
        assert message.startswith("search(): missing 'train'; "
                                  "it takes search("), message
        return
    assert message.startswith(f"{name}() has no argument 'no_such_argument'; it takes "
                              f"{name}("), message


@pytest.mark.parametrize("module, name", ENTRY_POINTS)
def test_too_many_positional_arguments_are_refused_alike(module, name):
    function = _function(module, name)
    with pytest.raises(ConfigError, match=rf"^{name}\(\) takes at most \d+ positional "):
        function(*([None] * 12))


def test_a_near_name_is_suggested():
    from recstack.data.side_table import read_side_table

    with pytest.raises(ConfigError, match=r"^read_side_table\(\) has no argument 'keys' "
                                          r"\(did you mean 'key'\?\)"):
        read_side_table("items.csv", keys="id")
