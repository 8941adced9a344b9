"""Experiment and pipeline files: any text setting took a TOML date written unquoted as its
ISO text, so ``[data] partitions = 1979-05-27`` was read as a folder named ``1979-05-27``
(and a name, a path, a column as that text). Only the settings that are times take a TOML
date now; every other text setting refuses one, naming the file, the line and the key and
saying to quote it if it is meant as text."""

from __future__ import annotations

import datetime

import numpy as np
import pytest

from recstack.cli import main
from recstack.config import load_experiment, parse_experiment
from recstack.data.sources import TableFile
from recstack.data.splits import TemporalSplit
from recstack.errors import ConfigError
from recstack.ops.pipeline_config import load_pipeline, parse_pipeline

PIPELINE = """\
{top}[data]
partitions = {partitions}
[model]
type = "als"
[registry]
root = {root}
{extra}"""

EXPERIMENT = """\
name = {name}
[data]
source = {source}
{data}
[split]
method = "random"
{tables}
[[models]]
type = "most_popular"
{model}"""


def _pipeline(tmp_path, top="", partitions='"logs"', root='"registry"', extra=""):
    path = tmp_path / "p.toml"
    path.write_text(PIPELINE.format(top=top, partitions=partitions, root=root, extra=extra))
    return path


def _experiment(tmp_path, name='"x"', source='"log.csv"', data="", tables="", model=""):
    path = tmp_path / "x.toml"
    path.write_text(EXPERIMENT.format(name=name, source=source, data=data, tables=tables,
                                      model=model))
    return path


def _quote(key, text):
    return (rf" \({text} unquoted is a TOML (date|date-time|time of day), which only a time "
            rf"setting takes; if it is meant as text, quote it: {key} = \"{text}\"\)$")


@pytest.mark.parametrize(("changes", "line", "said"), [
    ({"partitions": "1979-05-27"}, 2,
     r"\[data\] partitions = 1979-05-27: expected a string" + _quote("partitions",
                                                                     "1979-05-27")),
    ({"root": "1979-05-27 07:32:00"}, 6,
     r"\[registry\] root = 1979-05-27T07:32:00: expected a string"
     + _quote("root", "1979-05-27T07:32:00")),
    ({"top": "work = 07:32:00\n"}, 1,
     r"work = 07:32:00: expected a string" + _quote("work", "07:32:00")),
    ({"top": "name = 2020-01-01\n"}, 1, r"name = 2020-01-01: expected a string"),
    ({"extra": "[evaluation]\nmetric = 2020-01-01T00:00:00Z\n"}, 8,
     r"\[evaluation\] metric = 2020-01-01T00:00:00\+00:00: expected a string"),
])
def test_a_pipeline_text_setting_refuses_a_toml_date_naming_the_line(tmp_path, changes,
                                                                      line, said):
    path = _pipeline(tmp_path, **changes)
    with pytest.raises(ConfigError, match=rf"^{path}:{line}: {said}") as caught:
        load_pipeline(path)
    assert "datetime" not in str(caught.value)


def test_a_pipelines_time_setting_still_takes_a_toml_date(tmp_path):
    path = _pipeline(tmp_path, extra="[quality]\ntimestamp_floor = 2000-01-01\n")
    assert load_pipeline(path).quality.timestamp_floor == "2000-01-01"
    # in a parsed table too (the date as tomllib gives it)
    raw = {"data": {"partitions": "logs"}, "model": {"type": "als"},
           "registry": {"root": "r"}, "quality": {"timestamp_floor": datetime.date(2000, 1, 1)}}
    assert parse_pipeline(raw, source="p.toml").quality.timestamp_floor == "2000-01-01"


@pytest.mark.parametrize(("changes", "line", "said"), [
    ({"source": "2020-01-01"}, 3,
     r"\[data\] source = 2020-01-01: expected a string, a path or a source name"
     + _quote("source", "2020-01-01")),
    ({"name": "2020-01-01"}, 1, r"name = 2020-01-01: expected a string"),
    ({"data": "user_col = 1999-12-31"}, 4,
     r"\[data\] user_col = 1999-12-31: expected a string" + _quote("user_col", "1999-12-31")),
    ({"data": "value_col = 1999-12-31"}, 4,
     r"\[data\] value_col = 1999-12-31: expected a column name \(a string\), or false"),
    ({"data": "timestamp_format = 12:00:00"}, 4,
     r"\[data\] timestamp_format = 12:00:00: expected a string"
     + _quote("timestamp_format", "12:00:00")),
    ({"source": '"synthetic"', "model": "label = 2020-01-01"}, 10,
     r"\[\[models\]\] #1 label = 2020-01-01: expected a non-empty string"
     + _quote("label", "2020-01-01")),
])
def test_an_experiment_text_setting_refuses_a_toml_date_naming_the_line(tmp_path, changes,
                                                                         line, said):
    path = _experiment(tmp_path, **changes)
    with pytest.raises(ConfigError, match=rf"^{path}:{line}: {said}") as caught:
        load_experiment(path)
    assert "datetime" not in str(caught.value)


def test_a_list_of_names_holding_a_date_is_told_how_to_quote_it(tmp_path):
    path = _experiment(tmp_path, source='"synthetic"',
                       tables='[evaluation]\nmetrics = ["ndcg", 2020-01-01]')
    with pytest.raises(ConfigError, match=(
            rf'^{path}:8: \[evaluation\] metrics = \["ndcg", 2020-01-01\]: expected a list '
            r"of strings \(2020-01-01 unquoted is a TOML date, which only a time setting "
            r"takes; if it is meant as text, quote it: metrics = \[\"ndcg\", \"2020-01-01\"\]"
            r"\)$")):
        load_experiment(path)


def test_a_setting_of_named_choices_gets_no_quoting_hint():
    # quoting would not help: "1979-05-27" is no choice either
    raw = {"data": {"source": "synthetic"}, "split": {"method": "kfold",
                                                      "stratify": datetime.date(1979, 5, 27)},
           "models": [{"type": "most_popular"}]}
    with pytest.raises(ConfigError, match=r"^x.toml: \[split\] stratify = 1979-05-27: "
                                          r"expected one of 'user', 'none'$"):
        parse_experiment(raw, source="x.toml")
    # nor does a table's
    raw = {"data": {"source": "synthetic"}, "split": {"method": "random"},
           "models": [{"type": "als"}],
           "tune": {"model": "als", "metric": "ndcg@10", "trials": 2,
                    "space": datetime.date(1979, 5, 27)}}
    with pytest.raises(ConfigError, match=r"^x.toml: \[tune\] space = 1979-05-27: expected a "
                                          r"table$"):
        parse_experiment(raw, source="x.toml")


def test_time_settings_still_take_toml_dates(tmp_path):
    path = _experiment(tmp_path, source='"synthetic"',
                       tables='cutoff = 2020-01-01\n[[filters]]\ntype = "time_window"\n'
                              'start = 2019-06-01T00:00:00Z')
    path.write_text(path.read_text().replace('method = "random"', 'method = "temporal"'))
    experiment = load_experiment(path)
    assert experiment.split.cutoff == "2020-01-01"
    assert experiment.filters[0].start == "2019-06-01T00:00:00+00:00"


def test_numpys_moment_is_text_only_where_a_time_goes():
    moment = np.datetime64("2020-01-01")
    assert TemporalSplit(cutoff=moment).cutoff == "2020-01-01T00:00:00+00:00"
    with pytest.raises(ConfigError, match=r"path = 2020-01-01: expected a string$"):
        TableFile(path=moment)  # it was the file '2020-01-01T00:00:00+00:00'


def test_the_command_line_says_it_in_one_line(tmp_path, capsys):
    path = _pipeline(tmp_path, partitions="1979-05-27")
    assert main(["pipeline", "run", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert f"{path}:2: [data] partitions = 1979-05-27: expected a string" in err
    assert 'quote it: partitions = "1979-05-27"' in err
    assert not (tmp_path / "1979-05-27").exists()
