"""Sixth bad-input probe, TOML syntax: tomllib's "Invalid statement (at line 1, column 1)"
for a character nobody can see or tell apart. Each test failed before its fix."""

from __future__ import annotations

import pytest

from recstack.config import load_experiment
from recstack.errors import ConfigError
from recstack.ops.pipeline_config import load_pipeline

BODY = '[data]\nsource = "synthetic"\n[split]\nmethod = "random"\n[[models]]\ntype = "random"\n'


@pytest.mark.parametrize("first_line, shown, column, name", [
    ('\u200bname = "x"', "'\\u200bname = \"x\"'", 1, "U+200B ZERO WIDTH SPACE"),
    ('n\u0430me = "x"', "'nаme = \"x\"'", 2, "U+0430 CYRILLIC SMALL LETTER A"),
    ('name\u00a0= "x"', "'name\\xa0= \"x\"'", 5, "U+00A0 NO-BREAK SPACE"),
    ('name = \u201cx\u201d', "'name = “x”'", 8, "U+201C LEFT DOUBLE QUOTATION MARK"),
    ('\x00', "'\\x00'", 1, "U+0000 a control character"),
])
def test_an_invisible_or_lookalike_character_is_named(tmp_path, first_line, shown, column,
                                                      name):
    path = tmp_path / "e.toml"
    path.write_text(first_line + "\n" + BODY, encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_experiment(path)
    message = str(error.value)
    assert message.startswith(f"{path}: not valid TOML: ")
    allowed = ('which TOML takes nowhere, not even inside a quoted string; remove it, or '
               'inside "..." write it as the escape \\u0000' if name.endswith("control character")
               else "which TOML takes only inside quoted strings; retype that part of the line")
    assert message.endswith(f"(at line 1, column {column}); line 1 reads {shown}, and column "
                            f"{column} holds {first_line[column - 1]!r} ({name}), {allowed}")


def test_old_mac_line_endings_are_named(tmp_path):
    path = tmp_path / "p.toml"
    path.write_bytes(b'name = "shop"\r[data]\rpartitions = "logs"\r')
    with pytest.raises(ConfigError, match=r"column 14 holds a carriage return without a line "
                                          r"feed \(old Mac line endings\); save the file with "
                                          r"LF or CRLF line endings$"):
        load_pipeline(path)


def test_a_key_given_twice_says_so(tmp_path):
    # "Cannot overwrite a value (at line 2, column 9)" did not say why
    path = tmp_path / "e.toml"
    path.write_text("seed = 1\nseed = 2\n" + BODY, encoding="utf-8")
    with pytest.raises(ConfigError, match=r": not valid TOML: Cannot overwrite a value \(at "
                                          r"line 2, column 9\); line 2 reads 'seed = 2', "
                                          r"but line 1 \('seed = 1'\) already set seed; give "
                                          r"each key once$"):
        load_experiment(path)
