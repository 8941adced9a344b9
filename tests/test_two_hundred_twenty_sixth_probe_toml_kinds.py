"""Experiment files: a TOML date, time or moment where a name or a path goes was shown in
Python's words (``source = datetime.date(2020, 1, 1)``, ``got datetime.date(1979, 5,
27)``); it is now shown as the file writes it. And ``recstack data split`` with a source
that does not exist and ``--out`` inside it made the source's folder first, then refused
it as "a folder, but neither a MovieLens release, ..."."""

from __future__ import annotations

import datetime

import pytest

from recstack.cli import main
from recstack.config import parse_experiment
from recstack.errors import ConfigError

DAY = datetime.date(1979, 5, 27)
SOURCE = "synthetic:n_users=50,n_items=40,n_interactions=500,seed=1"


def _experiment(**tables):
    raw = {"data": {"source": SOURCE}, "split": {"method": "random"},
           "models": [{"type": "most_popular"}]}
    raw.update(tables)
    return raw


@pytest.mark.parametrize(("tables", "said"), [
    ({"data": {"source": datetime.date(2020, 1, 1)}},
     r"^x\.toml: \[data\] source = 2020-01-01: expected a string, a path or a source name "
     r"\(2020-01-01 unquoted is a TOML date, which only a time setting takes; if it is "
     r"meant as text, quote it: source = \"2020-01-01\"\)$"),
    ({"models": [{"type": "most_popular", "label": datetime.time(7, 0)}]},
     r"^x\.toml: \[\[models\]\] #1 label = 07:00:00: expected a non-empty string \(07:00:00 "
     r"unquoted is a TOML time of day, which only a time setting takes; if it is meant as "
     r"text, quote it: label = \"07:00:00\"\)$"),
    ({"split": {"method": DAY}},
     r"^x\.toml: \[split\] method: expected a string, the name of a split method in quotes, "
     r"got 1979-05-27; known: random"),
    ({"data": {"split": "parts", "format": DAY}},
     r"^x\.toml: \[data\] format = 1979-05-27: expected one of "),
])
def test_toml_dates_and_times_are_shown_as_written(tables, said):
    with pytest.raises(ConfigError, match=said) as caught:
        parse_experiment(_experiment(**tables), source="x.toml")
    assert "datetime" not in str(caught.value)


def test_tune_metric_and_choices_of_toml_dates_are_shown_as_written():
    raw = _experiment(models=[{"type": "als"}],
                      tune={"metric": DAY, "trials": 2})
    with pytest.raises(ConfigError, match=r"metric = 1979-05-27: ") as caught:
        parse_experiment(raw, source="x.toml")
    assert "datetime" not in str(caught.value)
    raw = _experiment(models=[{"type": "als"}], tune={
        "model": "als", "metric": "ndcg@10", "trials": 2,
        "space": {"factors": {"type": "categorical", "choices": DAY}}})
    with pytest.raises(ConfigError, match=r"got choices = 1979-05-27$"):
        parse_experiment(raw, source="x.toml")


def test_data_split_refuses_a_missing_source_before_making_the_output_folder(
        tmp_path, capsys):
    source = tmp_path / "events"
    code = main(["data", "split", str(source), "--out", str(source / "split")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1
    assert f"no such file or folder: '{source}'" in err
    assert "neither a MovieLens release" not in err
    assert not source.exists()


def test_a_quoted_key_with_a_dot_is_told_it_is_one_key():
    # "data.source" = ... (quoted) is one key of that whole name, not source in [data]
    raw = {"data.source": SOURCE, "split": {"method": "random"},
           "models": [{"type": "most_popular"}]}
    with pytest.raises(ConfigError, match=(
            r"^x\.toml: unknown key 'data\.source'; known keys: .*\. A quoted key is one key "
            r"of the whole text, dot included: to set 'source' of the table \[data\], write "
            r"the key without quotes \(data\.source = \.\.\.\) or under a \[data\] header$")):
        parse_experiment(raw, source="x.toml")
    # a dotted name whose first part is no table gets no such hint
    raw = {**_experiment(), "seed.x": 1}
    with pytest.raises(ConfigError, match=r"unknown key 'seed\.x'") as caught:
        parse_experiment(raw, source="x.toml")
    assert "quoted key" not in str(caught.value)
