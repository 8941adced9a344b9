"""Ninety-seventh bad-input probe, numbers and shapes in experiment and pipeline files: a
number written in quotes (``seed = "3"``, ``test_fraction = "0.2"``) or a whole number with a
point (``seed = 3.0``) was "expected an integer" without a word of why; a search-space
dimension written as a list of values, a range without a type, or a bare number was
"expected a table with type = one of ('int', 'float', 'categorical')" (Python's tuple); a
check across fields showed the file's ``rating_range = [5, 1]`` as ``[5.0, 1.0]``; and the
settings file's pipe and link checks were a copy of recstack.atomic's. Each test failed
before its fix, but those of what is kept (an unknown type's message, text that is no
number, the shared words of a settings file that is a pipe or a link)."""

from __future__ import annotations

import os

import pytest

from recstack.config import load_experiment, parse_experiment
from recstack.errors import ConfigError
from recstack.ops.pipeline_config import parse_pipeline

EXPERIMENT = {"data": {"source": "synthetic"}, "split": {"method": "random"},
              "models": [{"type": "als"}]}
PIPELINE = {"data": {"partitions": "logs"}, "model": {"type": "als"},
            "registry": {"root": "registry"}}


def _refusal(raw, parse=parse_experiment, source="x.toml"):
    with pytest.raises(ConfigError) as refused:
        parse(raw, source=source)
    return str(refused.value)


def _with(base, table, **values):
    raw = {key: (dict(value) if isinstance(value, dict) else value)
           for key, value in base.items()}
    if table is None:
        raw.update(values)
    else:
        raw[table] = {**raw.get(table, {}), **values}
    return raw


@pytest.mark.parametrize("table, key, value, message", [
    (None, "seed", "3", 'x.toml: seed = "3": expected an integer (a number in quotes is text: '
                        "write it without them, seed = 3)"),
    ("split", "test_fraction", "0.2",
     'x.toml: [split] test_fraction = "0.2": expected a number (a number in quotes is text: '
     "write it without them, test_fraction = 0.2)"),
    ("evaluation", "n_threads", "2",
     'x.toml: [evaluation] n_threads = "2": expected an integer (a number in quotes is text: '
     "write it without them, n_threads = 2)"),
    (None, "seed", 3.0, "x.toml: seed = 3.0: expected an integer (a whole number is written "
                        "in digits alone, without a point or an exponent: seed = 3)"),
    ("evaluation", "n_threads", 2.0,
     "x.toml: [evaluation] n_threads = 2.0: expected an integer (a whole number is written "
     "in digits alone, without a point or an exponent: n_threads = 2)"),
])
def test_a_number_spelt_as_the_other_type_says_how_to_write_it(table, key, value, message):
    assert _refusal(_with(EXPERIMENT, table, **{key: value})) == message


@pytest.mark.parametrize("value", ["1_000", " 3", "３", "\u0663"])
def test_text_python_reads_as_a_number_gets_the_number_rule(value):
    # the command line's rule: '1_000', ' 3' and other scripts' digits are not numbers
    message = _refusal(_with(EXPERIMENT, None, seed=value))
    assert message == (f'x.toml: seed = "{value}": expected an integer (a number is written '
                       "in plain ASCII digits, without spaces, '_' separators or other "
                       "scripts' digits)")


@pytest.mark.parametrize("value", ["three", "0x10", ""])
def test_text_that_is_no_number_gets_no_hint(value):
    assert _refusal(_with(EXPERIMENT, None, seed=value)) == (
        f'x.toml: seed = "{value}": expected an integer')


def test_a_pipeline_file_says_it_too():
    message = _refusal(_with(PIPELINE, "training", partitions="3"), parse_pipeline, "p.toml")
    assert message == ('p.toml: [training] partitions = "3": expected an integer (a number in '
                       "quotes is text: write it without them, partitions = 3)")


def test_a_files_list_is_shown_as_written():
    assert _refusal(_with(PIPELINE, "data", rating_range=[5, 1]), parse_pipeline,
                    "p.toml").startswith("p.toml: [data] rating_range = [5, 1]: ")


def _tune(dimension):
    return _with(EXPERIMENT, "tune", model="als", trials=2, space={"factors": dimension})


@pytest.mark.parametrize("dimension, message", [
    ([8, 16], 'got the list [8, 16], but a dimension is a table; to search these values '
              'write { type = "categorical", choices = [8, 16] }'),
    (["cosine", "dot"], 'got the list ["cosine", "dot"], but a dimension is a table; to '
                        'search these values write { type = "categorical", choices = '
                        '["cosine", "dot"] }'),
    ({"low": 8, "high": 64}, """missing key 'type' (one of "int", "float", "categorical"); """
                             'write e.g. { type = "int", low = 8, high = 64 }'),
    ({"low": 0.5, "high": 2}, """missing key 'type' (one of "int", "float", "categorical"); """
                              'write e.g. { type = "float", low = 0.5, high = 2 }'),
    (16, 'got 16, but a dimension is a table of what to search, e.g. { type = "int", low = 8, '
         'high = 64 } or { type = "categorical", choices = [8, 16] }; to fix the value, set '
         "it in the model's params and leave it out of the space"),
])
def test_a_search_dimension_of_another_shape_says_what_to_write(dimension, message):
    refusal = _refusal(_tune(dimension))
    assert refusal == f"x.toml: [tune] space.factors: {message}", refusal
    assert "('int'" not in refusal


def test_a_dimension_of_an_unknown_type_keeps_its_message():
    assert _refusal(_tune({"type": "integer", "low": 8, "high": 64})).startswith(
        "x.toml: [tune] space.factors: type = 'integer': must be one of 'int', 'float', "
        "'categorical'")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
@pytest.mark.parametrize("make, described, stdin", [
    (os.mkfifo, "is a pipe, socket or device, not a file", True),
    (lambda p: os.symlink(p, p), "is a symbolic link that loops (it leads back to itself)",
     False),
    (lambda p: os.symlink(p.parent / "gone.toml", p), "is a symbolic link to ", False),
])
def test_the_settings_file_refusals_are_the_shared_ones(tmp_path, make, described, stdin):
    # the words of recstack.atomic.special_file_problem, raised as a ConfigError
    path = tmp_path / "x.toml"
    make(path)
    with pytest.raises(ConfigError) as refused:
        load_experiment(path)
    message = str(refused.value)
    assert message.startswith(f"{path}: {described}"), message
    assert "give the experiment's .toml file" in message
    assert ("standard input and pipes are not read" in message) == stdin


@pytest.mark.parametrize("key, value, hint", [
    ("factors", "8", " (a number in quotes is text: write it without them, factors = 8)"),
    ("factors", 8.0, " (a whole number is written in digits alone, without a point or an "
                     "exponent: factors = 8)"),
    ("regularization", "1e-3", " (a number in quotes is text: write it without them, "
                               "regularization = 1e-3)"),
    ("regularization", "1_0", " (a number is written in plain ASCII digits, without spaces, "
                              "'_' separators or other scripts' digits)"),
    ("regularization", "x", ""),
])
def test_a_model_parameter_spelt_as_the_other_type_says_how_to_write_it(key, value, hint):
    message = _refusal(_with(EXPERIMENT, None, models=[{"type": "als", key: value}]))
    # text is echoed as TOML writes it, in double quotes; a number as it is
    written = f'"{value}"' if isinstance(value, str) else repr(value)
    assert message.startswith(f"x.toml: [[models]] #1 (als) {key} = {written}: "), message
    assert message.endswith(f"got {written}{hint}"), message


@pytest.mark.parametrize("parse, base, key, source", [
    (parse_experiment, EXPERIMENT, "data", "x.toml"),
    (parse_pipeline, PIPELINE, "registry", "p.toml"),
])
def test_a_list_where_a_table_belongs_says_how_a_table_is_written(parse, base, key, source):
    message = _refusal(_with(base, None, **{key: ["synthetic"]}), parse, source)
    assert message == (f'{source}: {key} = ["synthetic"]: expected a table (a [{key}] header '
                       "line with key = value lines under it)")


def _knn_tune(dimension):
    raw = _with(EXPERIMENT, None, models=[{"type": "item_knn"}])
    return _with(raw, "tune", model="item_knn", trials=2, space={"neighbors": dimension})


@pytest.mark.parametrize("dimension, message", [
    ({"type": "int", "low": 5.0, "high": 20},
     "needs whole numbers low < high, got low=5.0, high=20 (a whole number is written in "
     "digits alone, without a point or an exponent: low = 5)"),
    ({"type": "int", "low": 5, "high": "20"},
     'needs whole numbers low < high, got low=5, high="20" (a number in quotes is text: '
     "write it without them, high = 20)"),
    ({"type": "categorical", "choices": [10, "20"]},
     "choice = \"20\": neighbors must be int, got '20' (a number in quotes is text: write it "
     "without them, 20)"),
    ({"type": "categorical", "choices": [10, 20.0]},
     "choice = 20.0: neighbors must be int, got 20.0 (a whole number is written in digits "
     "alone, without a point or an exponent: 20)"),
])
def test_a_search_dimension_number_spelt_as_the_other_type_says_how(dimension, message):
    assert _refusal(_knn_tune(dimension)) == f"x.toml: [tune] space.neighbors: {message}"


@pytest.mark.parametrize("table, key, value, hint", [
    ("evaluation", "ks", 10, " (a list, even of one value: ks = [10])"),
    # one name gets the list to write ("a,b", which may mean two names, gets none)
    ("evaluation", "metrics", "ndcg", ' (a list, even of one value: metrics = ["ndcg"])'),
    ("evaluation", "ks", ["10"], " (a number in quotes is text: write it without them, 10)"),
    ("evaluation", "ks", [10, 20.0], " (a whole number is written in digits alone, without a "
                                     "point or an exponent: 20)"),
    ("data", "rating_range", ["1", "5"], " (a number in quotes is text: write it without "
                                         "them, 1)"),
    ("data", "rating_range", 5, ""),  # two values are needed: one in a list is no fix
    ("evaluation", "ks", [True], " (true and false are not numbers: write each value as a "
                                 "whole number in digits)"),
])
def test_a_list_spelt_wrong_says_how_to_write_it(table, key, value, hint):
    wanted = {"ks": "a list of integers", "metrics": "a list of strings",
              "rating_range": "a list of 2 (a number, a number)"}[key]
    message = _refusal(_with(EXPERIMENT, table, **{key: value}))
    assert message.endswith(f": expected {wanted}{hint}"), message
