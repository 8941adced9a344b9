"""The refusals the mutated experiment files (``test_four_hundred_fifty_eighth_mutated_
experiments``) found wanting, word for word:

- a key of a ``[[filters]]`` entry or of ``[split]`` misspelling the key that names the kind
  (``tpye`` beside ``type``, ``mtehod`` beside ``method``) was "unknown key 'tpye' for
  k_core; known keys: user_min, item_min", with no word of ``type``; ``Type`` beside
  ``type`` in a filter was the same, where ``[split]`` says two keys differ only in case;
- a table under a misspelt name (``[dtaa]``, ``[[mdoels]]``) was told that what it held
  belonged elsewhere (``split`` "is a top-level key ... move it above the first [table]
  header", a model's ``seed``: "[[mdoels]] takes no seed"), as if its name were right;
- a search dimension's ``type`` that is no text was shown as Python writes it (``type =
  False``, ``type = ['int']``).
"""

from __future__ import annotations

import pytest

from recstack.cli import main
from recstack.config import check_dimension, parse_experiment
from recstack.errors import ConfigError

DATA = "user_id,item_id,value\n" + "".join(
    f"u{user},i{item},{1 + (user + item) % 5}\n" for user in range(8) for item in range(6)
    if (user + item) % 3)

EXPERIMENT = """\
name = "probe"
[data]
source = "ratings.csv"
[[filters]]
type = "k_core"
user_min = 2
[split]
method = "random"
test_fraction = 0.2
[evaluation]
metrics = ["ndcg"]
ks = [3]
[[models]]
type = "most_popular"
"""


def _evaluate(tmp_path, capsys, text: str) -> tuple[int, str]:
    (tmp_path / "ratings.csv").write_text(DATA, encoding="utf-8")
    (tmp_path / "e.toml").write_text(text, encoding="utf-8")
    code = main(["evaluate", str(tmp_path / "e.toml"), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert sorted(path.name for path in tmp_path.iterdir()) == ["e.toml", "ratings.csv"]
    return code, err


@pytest.mark.parametrize("before, after, said", [
    ('type = "k_core"', 'type = "k_core"\ntpye = "k_core"',
     "[[filters]] #1 unknown key 'tpye' for k_core (did you mean 'type'?); known keys: "
     "user_min, item_min (besides type)"),
    ('type = "k_core"', 'tpye = "k_core"\ntype = "k_core"',
     "[[filters]] #1 unknown key 'tpye' for k_core (did you mean 'type'?); known keys: "
     "user_min, item_min (besides type)"),
    ('method = "random"', 'method = "random"\nmtehod = "random"',
     "[split] unknown key 'mtehod' for random (did you mean 'method'?); known keys: "
     "test_fraction, seed (besides method)"),
    ('type = "k_core"', 'type = "k_core"\nType = "k_core"',
     "[[filters]] #1 'Type' and 'type' are two keys that differ only in case: keys are "
     "case-sensitive, and only 'type' is read; give it once, as 'type'"),
])
def test_a_misspelt_kind_key_beside_the_kind_is_suggested(tmp_path, capsys, before, after,
                                                          said):
    code, err = _evaluate(tmp_path, capsys, EXPERIMENT.replace(before, after, 1))
    assert code == 2
    assert err == f"recstack: error: {tmp_path / 'e.toml'}: {said}\n"


@pytest.mark.parametrize("table, key, near", [
    ("split", "test_fractoin", "test_fraction"),  # an option of the kind: as before
    ("split", "sed", "seed"),
])
def test_a_near_miss_of_an_option_still_names_the_option(table, key, near):
    raw = {"data": {"source": "synthetic"}, "split": {"method": "random", key: 0.2},
           "models": [{"type": "most_popular"}]}
    with pytest.raises(ConfigError) as refused:
        parse_experiment(raw, source="e.toml")
    assert str(refused.value).startswith(
        f"e.toml: [{table}] unknown key {key!r} for random (did you mean {near!r}?); "
        "known keys: test_fraction, seed")


def test_the_kind_key_is_suggested_for_a_filter_with_no_options():
    raw = {"data": {"source": "synthetic"}, "filters": [{"type": "deduplicate", "tyep": "x"}],
           "split": {"method": "random"}, "models": [{"type": "most_popular"}]}
    with pytest.raises(ConfigError) as refused:
        parse_experiment(raw, source="e.toml")
    assert str(refused.value) == (
        "e.toml: [[filters]] #1 unknown key 'tyep' for deduplicate (did you mean 'type'?); "
        "known keys: policy (besides type)")


@pytest.mark.parametrize("header, body, meant", [
    ("[dtaa]", 'split = "splits"', "data"),  # split: a top-level key too (the [split] table)
    ("[[mdoels]]", 'type = "random"\nseed = 0', "models"),  # a model's seed
    ("[slpit]", "seed = 3", "split"),
])
def test_a_misspelt_table_is_named_before_what_it_holds(tmp_path, capsys, header, body,
                                                        meant):
    text = EXPERIMENT + f"{header}\n{body}\n"
    code, err = _evaluate(tmp_path, capsys, text)
    misspelt = header.strip("[]")
    assert code == 2
    assert err == (f"recstack: error: {tmp_path / 'e.toml'}: unknown key {misspelt!r} (did "
                   f"you mean {meant!r}?); known keys: name, seed, output, data, filters, "
                   "split, evaluation, models, tune, report, spark\n")


def test_a_misspelt_table_of_a_pipeline_file_is_named_too():
    from recstack.ops.pipeline_config import parse_pipeline

    raw = {"data": {"partitions": "logs"}, "model": {"type": "als"},
           "registy": {"root": "registry", "name": "als"}}
    with pytest.raises(ConfigError) as refused:
        parse_pipeline(raw, source="p.toml", base="/base")
    # before: "[registy] name = 'als': 'name' is a top-level key, but written below ..."
    assert str(refused.value) == (
        "p.toml: unknown key 'registy' (did you mean 'registry'?); known keys: name, seed, "
        "work, data, quality, drift, training, model, evaluation, registry")


def test_a_known_table_still_says_a_top_level_key_below_it_is_misplaced():
    raw = {"data": {"source": "synthetic", "name": "x"}, "split": {"method": "random"},
           "models": [{"type": "most_popular"}]}
    with pytest.raises(ConfigError) as refused:
        parse_experiment(raw, source="e.toml")
    assert str(refused.value) == (
        "e.toml: [data] name = 'x': 'name' is a top-level key, but written below the [data] "
        "header, TOML reads it into that table; move it above the first [table] header")


@pytest.mark.parametrize("kind, shown", [(False, "false"), (["int"], '["int"]'), ({}, "{}"),
                                         (1.5, "1.5"), ("Int", "'Int'")])
def test_a_dimension_type_is_shown_as_the_file_writes_it(kind, shown):
    with pytest.raises(ConfigError) as refused:
        check_dimension("space.factors: ", {"type": kind, "low": 4, "high": 8})
    hint = " (did you mean 'int'?)" if kind == "Int" else ""
    assert str(refused.value) == (f"space.factors: type = {shown}: must be one of 'int', "
                                  f"'float', 'categorical'{hint}")
