"""Hints of experiment files that named what no TOML file can hold: a metric named with a
cut-off in ``[evaluation] metrics`` is told to move it to ``ks``, and the ``ks`` suggested
echoed whatever followed the '@' (``ndcg@0`` was told ``ks = [0]``, refused next;
``ndcg@010`` ``ks = [010]``, not TOML); a ``[tune.space]`` range without an end was told
``got low=8, high=None``; a model parameter given true/false or a table was echoed in
Python's words (``factors = True``, ``{'a': 1}``); a value that starts like a number and goes on
(``window = 7d``, ``7 days``, ``1,000``) was told only that more followed a statement."""

from __future__ import annotations

import pytest

from recstack.config import load_experiment, parse_experiment
from recstack.errors import ConfigError

BASE = {"data": {"source": "synthetic"}, "split": {"method": "random", "test_fraction": 0.2},
        "models": [{"type": "most_popular"}]}
RULE = "ks are whole numbers in [1, 10000], at most 100 of them"


def _refusal(metric: str) -> str:
    raw = {**BASE, "evaluation": {"metrics": [metric]}}
    with pytest.raises(ConfigError) as caught:
        parse_experiment(raw, source="x.toml")
    return str(caught.value)


@pytest.mark.parametrize("metric, cutoff", [
    ("ndcg@0", "'0'"), ("ndcg@-5", "'-5'"), ("ndcg@1.5", "'1.5'"), ("ndcg@ten", "'ten'"),
    ("coverage@0", "'0'"), ("ndcg@10001", "'10001'"), ("ndcg@", "nothing"),
    ("ndcg@\u0663", "'\u0663'")])
def test_a_cut_off_ks_do_not_take_is_not_suggested_for_ks(metric, cutoff):
    name = metric.partition("@")[0]
    assert _refusal(metric) == (
        f"x.toml: [evaluation] metrics: {metric!r}: metrics are named without a cut-off; "
        f"write {name!r} and give the cut-offs in ks (e.g. ks = [10]; the cut-off after "
        f"'@' is {cutoff}, which ks do not take: {RULE})")


@pytest.mark.parametrize("metric, ks", [("ndcg@20", "[20]"), ("ndcg@010", "[10]"),
                                        ("recall@1", "[1]"), ("map@10000", "[10000]")])
def test_a_cut_off_ks_take_is_suggested_as_toml_writes_it(metric, ks):
    name = metric.partition("@")[0]
    assert _refusal(metric) == (
        f"x.toml: [evaluation] metrics: {metric!r}: metrics are named without a cut-off; "
        f"write {name!r} and give the cut-offs in ks (e.g. ks = {ks})")


@pytest.mark.parametrize("dimension, got", [
    ({"type": "int", "low": 8}, "got low=8, no high"),
    ({"type": "int", "high": 64}, "got no low, high=64"),
    ({"type": "float"}, "got no low, no high")])
def test_a_search_range_without_an_end_names_the_end_missing(dimension, got):
    raw = {**BASE, "models": [{"type": "als"}],
           "tune": {"model": "als", "space": {"factors" if dimension["type"] == "int"
                                              else "regularization": dimension}}}
    with pytest.raises(ConfigError) as caught:
        parse_experiment(raw, source="x.toml")
    wanted = "whole numbers" if dimension["type"] == "int" else "numbers"
    name = "factors" if dimension["type"] == "int" else "regularization"
    assert str(caught.value) == (f"x.toml: [tune] space.{name}: needs {wanted} low < high, "
                                 f"{got}")


@pytest.mark.parametrize("value, written", [
    (True, "true"), (False, "false"), ({"a": 1}, "{ a = 1 }"),
    ({"two words": True}, '{ "two words" = true }'), ([1, True], "[1, true]"),
    ([{"a": 1}], "[{ a = 1 }]"), ({}, "{}")])
def test_a_model_parameter_is_echoed_as_the_file_writes_it(value, written):
    raw = {**BASE, "models": [{"type": "als", "factors": value}]}
    with pytest.raises(ConfigError) as caught:
        parse_experiment(raw, source="x.toml")
    assert str(caught.value).startswith(
        f"x.toml: [[models]] #1 (als) factors = {written}: factors must be int, got "
        f"{written}"), str(caught.value)


@pytest.mark.parametrize("value", ["7d", "7 days", "1,000", "-3 weeks", "1e", "0x"])
def test_a_value_that_starts_like_a_number_is_told_to_be_a_number_or_quoted(tmp_path, value):
    path = tmp_path / "x.toml"
    path.write_text(f'[data]\nsource = "synthetic"\n[split]\nmethod = "temporal"\n'
                    f'cutoff = {value}\n[[models]]\ntype = "most_popular"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_experiment(path)
    message = str(caught.value)
    assert f"line 5 reads 'cutoff = {value}'" in message, message
    assert message.endswith(
        f"; {value} is neither a number nor quoted text: write a number in digits alone (as "
        f'7, 0.5 or 1e-3), or quote text: cutoff = "{value}"'), message


@pytest.mark.parametrize("value, hint", [
    ("sliding", '; text is quoted in TOML: cutoff = "sliding"'),
    ('"7" days', "line 5 reads 'cutoff = \"7\" days'")])
def test_other_unreadable_values_keep_their_hints(tmp_path, value, hint):
    path = tmp_path / "x.toml"
    path.write_text(f'[data]\nsource = "synthetic"\n[split]\nmethod = "temporal"\n'
                    f'cutoff = {value}\n[[models]]\ntype = "most_popular"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_experiment(path)
    assert str(caught.value).endswith(hint), str(caught.value)
