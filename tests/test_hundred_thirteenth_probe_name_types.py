"""Hundred-thirteenth bad-input probe: a name written as another type of TOML value.

``[[models]] type = 3`` said "3 is not a known model", ``[split] method = 5`` "5 is not a
known split method": as if the value were a misspelt name, when it is not text at all. The
type of every name key (a model's or a filter's ``type``, a registry's ``method``) is now
checked before its value, as every other key's is, and the message says a string is due.
"""

from __future__ import annotations

import tomllib

import pytest

from recstack.config import parse_experiment
from recstack.errors import ConfigError

HEAD = '[data]\nsource = "synthetic"\n[split]\nmethod = "random"\n'


def _refusal(text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        parse_experiment(tomllib.loads(text), source="exp.toml")
    return str(caught.value)


@pytest.mark.parametrize("written", ["3", "2.5", "true", '["als"]', "1979-05-27",
                                     '{ name = "als" }'])
def test_a_model_type_that_is_not_text_is_refused_as_such(written):
    message = _refusal(HEAD + f"[[models]]\ntype = {written}\n")
    assert message.startswith("exp.toml: [[models]] #1 type = ")
    assert "expected a string" in message and "is not a known" not in message
    assert '"als"' in message  # an example of what is due, as TOML writes it


def test_a_second_model_entry_is_named_by_its_number():
    message = _refusal(HEAD + '[[models]]\ntype = "als"\n[[models]]\ntype = 7\n')
    assert "[[models]] #2 type = 7: expected a string" in message


def test_a_filter_type_that_is_not_text_is_refused_as_such():
    message = _refusal(HEAD + '[[filters]]\ntype = 5\n[[models]]\ntype = "als"\n')
    assert "[[filters]] #1 type = 5: expected a string" in message
    assert "k_core" in message


@pytest.mark.parametrize("written", ["5", "true", '["random"]'])
def test_a_split_method_that_is_not_text_is_refused_as_such(written):
    text = f'[data]\nsource = "synthetic"\n[split]\nmethod = {written}\n[[models]]\ntype = "als"\n'
    message = _refusal(text)
    assert "[split] method: expected a string, the name of a split method" in message
    assert "is not a known" not in message and "random" in message


def test_a_misspelt_name_still_gets_its_did_you_mean():
    message = _refusal(HEAD + '[[models]]\ntype = "alss"\n')
    assert '"alss" is not a known model' in message and "als" in message


def test_a_pipeline_model_type_that_is_not_text_is_refused_as_such():
    from recstack.ops.pipeline_config import parse_pipeline

    raw = tomllib.loads('name = "p"\n[data]\npartitions = "logs"\n[model]\ntype = 3\n'
                        '[registry]\nroot = "registry"\n')
    with pytest.raises(ConfigError) as caught:
        parse_pipeline(raw, source="p.toml")
    assert "type = 3: expected a string" in str(caught.value)
    assert str(caught.value).startswith("p.toml: ")


def test_the_command_line_says_it_in_one_line(tmp_path, capsys):
    from recstack.cli import main

    path = tmp_path / "exp.toml"
    path.write_text(HEAD + "[[models]]\ntype = 3\n")
    code = main(["evaluate", str(path), "--out", str(tmp_path / "res")])
    out, err = capsys.readouterr()
    assert code != 0 and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and "type = 3: expected a string" in err
    assert not (tmp_path / "res").exists()
