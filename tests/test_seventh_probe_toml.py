"""Seventh bad-input probe, TOML syntax: tomllib's words ("Invalid value", "Invalid hex
value", "Invalid statement") did not say what the user most likely meant: a JSON or YAML
file given as the TOML one, a text value left unquoted, Python's True/None, '.5', or a
Windows path whose backslashes start escapes inside "...". The message now says it, for
experiment and pipeline files alike (one reader). Each test failed before its fix."""

from __future__ import annotations

import pytest

from recstack.config import load_experiment
from recstack.errors import ConfigError
from recstack.ops.pipeline_config import load_pipeline


@pytest.mark.parametrize(("name", "text", "says"), [
    ("exp.json", '{"data": {"source": "synthetic"}}\n',
     r"line 1 reads .*, which looks like JSON; this file must be TOML \(key = value lines "
     r"and \[table\] headers"),
    ("exp.yaml", "data:\n  source: synthetic\n",
     r"line 1 reads 'data:', which looks like YAML \(key: value\); this file must be TOML"),
    ("exp.toml", "[data]\nsource = synthetic\n",
     r"line 2 reads 'source = synthetic'; text is quoted in TOML: source = \"synthetic\"$"),
    ("exp.toml", "[data]\nsource = ml.csv  # the log\n",
     r"text is quoted in TOML: source = \"ml.csv\"$"),
    ("exp.toml", "[report]\nhtml = True\n",
     r"line 2 reads 'html = True'; TOML writes this value as true \(lower case\), e.g. "
     r"html = true$"),
    ("exp.toml", "[report]\nhtml = None\n",
     r"TOML has no None or null: leave html out for its default$"),
    ("exp.toml", "[split]\ntest_fraction = .2\n",
     r"TOML needs a digit before the point: 0.2$"),
    ("exp.toml", '[data]\nsource = "C:\\Users\\me\\ml.csv"\n',
     r"Invalid hex value .*, where a backslash starts an escape sequence inside \"...\"; "
     r"write a path with '/' \(C:/data/file.csv\) or in single quotes"),
    ("exp.toml", '[data]\nsource = "D:\\data\\ml.csv"\n',
     r"Unescaped .*, where a backslash starts an escape sequence"),
])
def test_a_syntax_error_says_what_was_likely_meant(tmp_path, name, text, says):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"^{path}: not valid TOML: .*{says}"):
        load_experiment(path)


def test_a_pipeline_file_gets_the_same_hints(tmp_path):
    path = tmp_path / "pipeline.toml"
    path.write_text('[registry]\nroot = registry\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"text is quoted in TOML: root = \"registry\"$"):
        load_pipeline(path)
    # a look-alike character is still named first
    path.write_text('[registry]\nroot = \u200bregistry\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"holds '\\u200b' \(U\+200B ZERO WIDTH SPACE\)"):
        load_pipeline(path)


@pytest.mark.parametrize(("text", "says"), [
    # tomllib named no line ("at end of document"), or the line after the missing ']'
    ("name = 'demo\n[data]\nsource = \"synthetic\"\n",
     r"Expected \"'\" \(at end of document\); a string opened on line 1 is not closed \(line "
     r"1 reads \"name = 'demo\"\); close it$"),
    ('[data]\nsource = """synthetic\n',
     r"Unterminated string \(at end of document\); a string opened on line 2 is not closed"),
    ('[evaluation]\nmetrics = ["ndcg",\n  "recall"\n',
     r"Unclosed array \(at end of document\); an array \('\['\) opened on line 2 is not "
     r"closed \(line 2 reads 'metrics = \[\"ndcg\",'\); close it$"),
    ('[evaluation]\nmetrics = ["ndcg",  # the main one\n  "recall"\nks = [10]\n',
     r"Unclosed array \(at line 4, column 1\); line 4 reads 'ks = \[10\]'; an array \('\['\) "
     r"opened on line 2 is not closed"),
])
def test_a_string_or_array_left_open_names_the_line_it_opened_on(tmp_path, text, says):
    path = tmp_path / "exp.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"^{path}: not valid TOML: {says}"):
        load_experiment(path)
