"""Seventy-eighth probe, experiment files and the commands that read them: a pipeline file
given to ``recstack evaluate`` (``tune``, ``fit``) was "unknown key 'training'", as if one
key were misspelt, and an experiment file given to ``recstack pipeline run`` "unknown key
'split'"; ``[models]`` for ``[[models]]`` (and ``[[model]]`` for a pipeline's ``[model]``)
was refused as the parsed value ("models = {...}: expected an array of tables"); a model's
own error raised while ``recstack fit`` fitted it ("features: item_columns names ...")
named neither the file nor its ``[[models]]`` entry, as ``recstack evaluate`` does."""

from __future__ import annotations

import textwrap

import pytest

from recstack.cli import main
from recstack.config import parse_experiment
from recstack.errors import ConfigError
from recstack.ops.pipeline_config import parse_pipeline

EXPERIMENT = {"data": {"source": "synthetic"}, "split": {"method": "random"},
              "models": [{"type": "most_popular"}]}
PIPELINE = {"name": "shop", "data": {"partitions": "logs"}, "training": {},
            "evaluation": {"metric": "ndcg@10"}, "model": {"type": "ease"},
            "registry": {"root": "registry"}}


def test_a_pipeline_file_given_to_an_experiment_command_is_named_as_such():
    with pytest.raises(ConfigError) as error:
        parse_experiment(PIPELINE, source="p.toml")
    assert str(error.value) == (
        "p.toml: this is a pipeline file (it has [training], [model], [registry]), not the "
        "kind of file this command reads; run it with `recstack pipeline run FILE`")


def test_an_experiment_file_given_to_pipeline_run_is_named_as_such():
    with pytest.raises(ConfigError) as error:
        parse_pipeline(EXPERIMENT, source="x.toml")
    assert str(error.value) == (
        "x.toml: this is an experiment file (it has [split], [[models]]), not the kind of "
        "file this command reads; run it with `recstack evaluate FILE`")


@pytest.mark.parametrize(("raw", "expected"), [
    # one key of the other kind is a misspelling, still answered with "did you mean"
    (EXPERIMENT | {"registry": {}}, "unknown key 'registry'"),
    ({k: v for k, v in EXPERIMENT.items() if k != "models"} | {"model": {"type": "ease"}},
     "unknown key 'model' (did you mean 'models'?)"),
])
def test_one_stray_key_is_still_an_unknown_key(raw, expected):
    with pytest.raises(ConfigError, match=r"x\.toml: " + expected.replace("(", r"\(")
                       .replace(")", r"\)").replace("?", r"\?")):
        parse_experiment(raw, source="x.toml")


def test_models_written_as_one_table_says_to_write_two_brackets():
    with pytest.raises(ConfigError) as error:
        parse_experiment(EXPERIMENT | {"models": {"type": "ease"}}, source="x.toml")
    assert str(error.value) == (
        "x.toml: [models]: models is an array of tables: write each entry under its own "
        "[[models]] header (two pairs of brackets), not [models]")


@pytest.mark.parametrize("table", ["model", "registry", "data"])
def test_a_pipeline_table_written_as_an_array_says_to_write_one_bracket(table):
    raw = PIPELINE | {table: [PIPELINE[table]]}
    with pytest.raises(ConfigError) as error:
        parse_pipeline(raw, source="p.toml")
    assert str(error.value) == (
        f"p.toml: [[{table}]]: {table} is one table, written [{table}] (one pair of "
        f"brackets), not [[{table}]] (an array of tables)")


def test_split_written_as_an_array_says_to_write_one_bracket():
    with pytest.raises(ConfigError) as error:
        parse_experiment(EXPERIMENT | {"split": [{"method": "random"}]}, source="x.toml")
    assert str(error.value).startswith("x.toml: [[split]]: split is one table, written "
                                       "[split]")


@pytest.mark.parametrize("argv", [["evaluate"], ["tune"],
                                  ["fit", "--model", "shop", "--registry", "reg"]])
def test_the_commands_say_it_in_one_line(tmp_path, capsys, argv):
    path = tmp_path / "pipeline.toml"
    path.write_text(textwrap.dedent("""\
        name = "shop"
        [data]
        partitions = "logs"
        [training]
        window = "expanding"
        [model]
        type = "ease"
        [registry]
        root = "registry"
        """), encoding="utf-8")
    command, *rest = argv
    assert main([command, str(path), *rest]) != 0
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert err.endswith("run it with `recstack pipeline run FILE`"), err


EXPERIMENT_FILE = """\
name = "p"
seed = 0
[data]
source = "synthetic:n_users=300,n_items=200,n_interactions=5000,seed=3"
[split]
method = "random"
test_fraction = 0.2
[evaluation]
metrics = ["ndcg"]
ks = [10]
[[models]]
type = "most_popular"
[[models]]
type = "two_stage"
generators = [{type = "most_popular"}]
ranker = {type = "logistic"}
features = {item_columns = ["genress"]}
"""


@pytest.mark.parametrize("on", ["all", "train"])
def test_recstack_fit_names_the_file_and_the_models_entry(tmp_path, capsys, on):
    path = tmp_path / "x.toml"
    path.write_text(EXPERIMENT_FILE, encoding="utf-8")
    code = main(["fit", str(path), "--model", "two_stage", "--registry",
                 str(tmp_path / "reg"), "--on", on])
    assert code != 0
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"recstack: error: {path}: [[models]] #2 (two_stage): features: "
                          "item_columns names ['genress']"), err
    assert not (tmp_path / "reg").exists() or not any((tmp_path / "reg").iterdir())
