"""Eighth probe: top-level keys written below a table header, where TOML reads them into
that table."""

from __future__ import annotations

import pytest

from recstack.config import load_experiment
from recstack.errors import ConfigError
from recstack.ops.pipeline_config import load_pipeline

EXPERIMENT = """\
[data]
source = "synthetic"

[split]
method = "random"

[evaluation]
ks = [10]
"""


@pytest.mark.parametrize("tail, says", [
    # "missing table 'models'": the array was read as [evaluation] models
    ('models = [{type = "most_popular"}]\n',
     r"\[evaluation\] models = \[\{'type': 'most_popular'\}\]: 'models' is a top-level key, "
     r"but written below the \[evaluation\] header, TOML reads it into that table; move it "
     r"above the first \[table\] header"),
    # an unknown key of the last model
    ('[[models]]\ntype = "most_popular"\nname = "baselines"\n',
     r"\[\[models\]\] #1 name = 'baselines': 'name' is a top-level key, but written below "
     r"the \[\[models\]\] header.*\(a model's own name is its label"),
    ('output = "run-2"\n[[models]]\ntype = "most_popular"\n',
     r"\[evaluation\] output = 'run-2': 'output' is a top-level key"),
])
def test_a_top_level_key_below_a_header_is_named_with_the_fix(tmp_path, tail, says):
    path = tmp_path / "exp.toml"
    path.write_text(EXPERIMENT + tail, encoding="utf-8")
    with pytest.raises(ConfigError, match=says):
        load_experiment(path)


def test_keys_a_table_takes_under_a_top_level_name_are_read(tmp_path):
    # [data] split names a split folder; reranked's model is its wrapped model
    path = tmp_path / "exp.toml"
    path.write_text('name = "r"\n[data]\nsource = "synthetic"\n[split]\nmethod = "random"\n'
                    '[[models]]\ntype = "reranked"\nmodel = {type = "most_popular"}\n'
                    'chain = []\n', encoding="utf-8")
    assert load_experiment(path).models[0].params["model"] == {"type": "most_popular"}


PIPELINE = """\
[data]
partitions = "logs"

[model]
type = "ease"

[registry]
root = "registry"
name = "shop"
"""


def test_a_pipeline_file_gets_the_same_check(tmp_path):
    # an unknown key of [registry]
    path = tmp_path / "pipeline.toml"
    path.write_text(PIPELINE + 'work = "elsewhere"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[registry\] work = 'elsewhere': 'work' is a "
                                          r"top-level key, but written below the "
                                          r"\[registry\] header"):
        load_pipeline(path)


def test_a_pipeline_registry_name_is_still_its_own_key(tmp_path):
    path = tmp_path / "pipeline.toml"
    path.write_text(PIPELINE, encoding="utf-8")
    assert load_pipeline(path).registry_name == "shop"


@pytest.mark.parametrize("entry", [
    'members = [{type = "ease", regularization = 50.0,}, {type = "most_popular"}]\n',
    'members = [{type = "ease",\n            regularization = 50.0}, {type = "most_popular"}]\n',
])
def test_an_inline_table_with_a_last_comma_or_a_line_break_is_explained(tmp_path, entry):
    # tomllib said only "Invalid initial character for a key part"
    path = tmp_path / "exp.toml"
    path.write_text(EXPERIMENT + '[[models]]\ntype = "blend"\n' + entry, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"line 11 reads .*inside an inline table \{ \.\.\. "
                                          r"\}, which TOML keeps on one line without a comma "
                                          r"after its last value"):
        load_experiment(path)


def test_a_dotted_key_left_open_is_not_taken_for_an_inline_table(tmp_path):
    path = tmp_path / "exp.toml"
    path.write_text(EXPERIMENT + 'graded. = true\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"Invalid initial character") as error:
        load_experiment(path)
    assert "inline table" not in str(error.value)
