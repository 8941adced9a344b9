"""Forty-first bad-input probe, a ``seed`` in a nested table (``[quality.duplicates]`` of a
pipeline file, ``[models.params]`` below a model, a search dimension): it was a bare
"unknown key" (or one naming the nested table) with keys none of which is a seed, where a
seed under a top-level table that takes none already said where a seed goes."""

from __future__ import annotations

import copy

import pytest

from recstack.config import parse_experiment
from recstack.errors import ConfigError

BASE = {"data": {"source": "synthetic"}, "split": {"method": "random"},
        "models": [{"type": "random"}]}


def _experiment(**changes):
    raw = copy.deepcopy(BASE)
    raw.update(changes)
    return raw


PLACES = r"write it at the top of the file.*\[split\].*\[tune\].*\[\[models\]\]"


def test_seed_in_a_table_below_a_model_says_where_seeds_go():
    raw = _experiment(models=[{"type": "random", "params": {"seed": 1}}])
    with pytest.raises(ConfigError, match=r"^x\.toml: \[models\.params\] of \[\[models\]\] #1 "
                                          r"seed = 1: a nested table takes no seed; " + PLACES):
        parse_experiment(raw, source="x.toml")


def test_seed_in_an_inline_table_of_the_second_model():
    raw = _experiment(models=[{"type": "most_popular"},
                              {"type": "random", "options": {"seed": 3}}])
    with pytest.raises(ConfigError, match=r"\[models\.options\] of \[\[models\]\] #2 seed = 3"):
        parse_experiment(raw, source="x.toml")


def test_seed_in_a_table_below_data():
    raw = _experiment(data={"source": "synthetic", "options": {"seed": 2}})
    with pytest.raises(ConfigError, match=r"^x\.toml: \[data\.options\] seed = 2: a nested "
                                          r"table takes no seed; " + PLACES):
        parse_experiment(raw, source="x.toml")


def test_seed_in_the_search_space_table():
    raw = _experiment(models=[{"type": "item_knn"}],
                      tune={"model": "item_knn", "space": {"seed": 3}})
    with pytest.raises(ConfigError, match=r"\[tune\.space\] seed = 3: a nested table takes "
                                          r"no seed"):
        parse_experiment(raw, source="x.toml")


def test_seed_inside_a_search_dimension_names_the_tune_table():
    raw = _experiment(models=[{"type": "item_knn"}],
                      tune={"model": "item_knn", "space": {
                          "neighbors": {"type": "int", "low": 2, "high": 20, "seed": 1}}})
    with pytest.raises(ConfigError, match=r"space.*neighbors.*seed: not a key of an int "
                                          r"dimension.*the search's seed goes in \[tune\]"):
        parse_experiment(raw, source="x.toml")


def test_a_search_dimension_named_seed_is_still_a_dimension():
    # a table under the name seed is read as a dimension over a model's seed, not as a
    # misplaced seed; as a dimension it is refused (a seed is not a hyperparameter to tune)
    raw = _experiment(tune={"model": "random", "space": {
        "seed": {"type": "int", "low": 0, "high": 9}}})
    with pytest.raises(ConfigError, match=r"space\.seed: 'seed' is not a hyperparameter to "
                                          r"tune"):
        parse_experiment(raw, source="x.toml")


def test_an_inner_model_keeps_its_own_seed():
    raw = _experiment(models=[{"type": "reranked", "model": {"type": "random", "seed": 4},
                               "chain": [{"type": "seen"}]}])
    experiment = parse_experiment(raw, source="x.toml")
    assert experiment.models[0].params["model"]["seed"] == 4


def test_categorical_choices_given_as_text_shows_what_was_given():
    raw = _experiment(models=[{"type": "item_knn"}],
                      tune={"model": "item_knn", "space": {
                          "similarity": {"type": "categorical", "choices": "cosine"}}})
    with pytest.raises(ConfigError, match=r"needs a non-empty 'choices' list .*got choices = "
                                          r'"cosine"'):
        parse_experiment(raw, source="x.toml")


PIPELINE = {"name": "p", "data": {"partitions": "logs"},
            "quality": {"duplicates": {"seed": 1}},
            "model": {"type": "most_popular"}, "registry": {"root": "reg"}}


def test_pipeline_seed_in_a_nested_quality_table():
    from recstack.ops.pipeline_config import parse_pipeline

    with pytest.raises(ConfigError, match=r"^p\.toml: \[quality\.duplicates\] seed = 1: a "
                                          r"nested table takes no seed; write it at the top "
                                          r"of the file.*or in \[model\]"):
        parse_pipeline(copy.deepcopy(PIPELINE), source="p.toml")


def test_pipeline_cli_seed_in_a_nested_quality_table(capsys, tmp_path):
    from recstack.cli import main

    path = tmp_path / "p.toml"
    path.write_text('name = "p"\n[data]\npartitions = "logs"\n[quality]\n'
                    '[quality.duplicates]\nseed = 1\n[model]\ntype = "most_popular"\n'
                    '[registry]\nroot = "reg"\n')
    assert main(["pipeline", "run", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "[quality.duplicates] seed = 1: a nested table takes no seed" in err


def test_the_top_seed_is_not_said_to_seed_the_models():
    # the seed at the top of an experiment file defaults the split's and the search's
    # seeds; a model's seed is its own parameter (a random model built from the file
    # keeps its default seed whatever the top seed is)
    from recstack.models.registry import create_model

    raw = _experiment(seed=7, evaluation={"seed": 1})
    with pytest.raises(ConfigError, match=r"\[evaluation\] seed = 1: \[evaluation\] takes no "
                                          r"seed; write it at the top of the file, above the "
                                          r"first \[table\] header \(the default of the "
                                          r"split's and the search's seeds, not the models'\)"):
        parse_experiment(raw, source="x.toml")
    experiment = parse_experiment(_experiment(seed=7), source="x.toml")
    assert experiment.split.seed == 7
    assert experiment.models[0].params == {}
    assert create_model("random").seed == 0
