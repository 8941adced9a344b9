"""Eighth probe: a TOML time of day where a moment is expected."""

from __future__ import annotations

import pytest

from recstack.config import parse_experiment
from recstack.errors import ConfigError
from recstack.ops.pipeline_config import load_pipeline


def _raw(split=None, filters=()):
    return {"data": {"source": "synthetic"}, "split": split or {"method": "random"},
            "filters": list(filters), "models": [{"type": "most_popular"}]}


@pytest.mark.parametrize("raw, where", [
    (_raw(split={"method": "temporal", "cutoff": "07:32:00"}), r"\[split\] cutoff"),
    (_raw(filters=[{"type": "time_window", "start": "07:32:00"}]),
     r"\[\[filters\]\] #1 start"),
])
def test_a_time_of_day_alone_is_shown_as_written_with_the_fix(tmp_path, raw, where):
    # it read "cutoff = datetime.time(7, 32): expected an integer or a string"
    import tomllib

    from recstack.config import dump_toml

    text = dump_toml(raw).replace('"07:32:00"', "07:32:00")
    parsed = tomllib.loads(text)
    with pytest.raises(ConfigError, match=rf"{where} = 07:32:00: expected a time: whole Unix "
                                          r"seconds or an ISO date such as 2020-01-31 or "
                                          r"2020-01-31T12:00:00, not a time of day alone; give "
                                          r"the date too, e.g. 2020-01-31T07:32:00") as error:
        parse_experiment(parsed, source="exp.toml")
    assert "datetime" not in str(error.value)


def test_a_pipeline_floor_as_a_time_of_day_gets_the_same_words(tmp_path):
    path = tmp_path / "pipeline.toml"
    path.write_text('[data]\npartitions = "logs"\n[quality]\ntimestamp_floor = 00:00:00\n'
                    '[model]\ntype = "ease"\n[registry]\nroot = "registry"\n',
                    encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[quality\] timestamp_floor = 00:00:00: expected "
                                          r"a string, not a time of day alone"):
        load_pipeline(path)


REPORTED = """\
[data]
source = "synthetic"
[split]
method = "random"
[[models]]
type = "most_popular"
[report]
"""


@pytest.mark.parametrize("table, says", [
    ('projection = "umap"\n', r'\[report\] projection = "umap": shapes the HTML report, '
                              r"which is written only with html = true; add html = true, "
                              r"or give it to `recstack report RESULTS`"),
    ('html = false\nmax_points = 500\nrefit = "none"\n',
     r'\[report\] refit = "none", max_points = 500: shape the HTML report.*give them'),
    ('colour_by = "genre"\nsave_models = true\n', r'\[report\] colour_by = "genre": shapes'),
])
def test_report_page_settings_without_html_are_refused(tmp_path, table, says):
    # they were read and ignored: no page was written, and recstack report takes flags
    from recstack.config import load_experiment

    path = tmp_path / "exp.toml"
    path.write_text(REPORTED + table, encoding="utf-8")
    with pytest.raises(ConfigError, match=says):
        load_experiment(path)


@pytest.mark.parametrize("table", ['html = true\nprojection = "umap"\n', "save_models = true\n",
                                   'projection = "tsne"\n'])
def test_report_settings_that_apply_are_taken(tmp_path, table):
    from recstack.config import load_experiment

    path = tmp_path / "exp.toml"
    path.write_text(REPORTED + table, encoding="utf-8")
    load_experiment(path)
