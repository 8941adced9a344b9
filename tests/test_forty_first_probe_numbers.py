"""Forty-first bad-input probe, numbers typed as text: Python's int() and float() also read
'1_0' as 10, ' 5' as 5 and the Arabic-Indic '\u0663' as 3, so a mistyped command-line
value (``--variant a=als:0.5_0`` served the arm at 0.5, ``--test-fraction " 0.2"``) passed
as another number without a word. One rule (:func:`recstack.specs.number_from_text`) now
reads every number the command line and ``serve --variant`` take."""

from __future__ import annotations

import math

import pytest

from recstack.cli import main
from recstack.errors import ConfigError
from recstack.specs import number_from_text


def _error(capsys, argv: list[str]) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert "Traceback" not in err, err
    return lines[-1]


@pytest.mark.parametrize(("text", "cast", "expected"), [
    ("5", int, 5), ("-3", int, -3), ("+5", int, 5), ("0.5", float, 0.5), (".5", float, 0.5),
    ("1e-3", float, 0.001), ("2.", float, 2.0), ("-1.5E2", float, -150.0), ("7", float, 7.0),
])
def test_plain_numbers_are_read(text, cast, expected):
    value = number_from_text(text, cast)
    assert value == expected and type(value) is cast


@pytest.mark.parametrize("text", ["nan", "inf", "-inf", "Infinity"])
def test_float_words_stay_readable_for_the_checks_that_name_them(text):
    assert not math.isfinite(number_from_text(text, float))


@pytest.mark.parametrize("text", ["1_0", "0.5_0", " 5", "5 ", "\t5", "\u0663", "\u0660.5",
                                  "", "0x10", "1,5", "5.0", "1e3", "nan", "five", "\uff15"])
def test_int_text_written_otherwise_is_refused(text):
    with pytest.raises(ValueError, match="plain ASCII digits"):
        number_from_text(text, int)


@pytest.mark.parametrize("text", ["1_0", "0.5_0", " 0.2", "0.2 ", "\u0663", "\u0660.5", "",
                                  "0x10", "1,5", "nan_", "\uff15", "++1"])
def test_float_text_written_otherwise_is_refused(text):
    with pytest.raises(ValueError, match="plain ASCII digits"):
        number_from_text(text, float)


@pytest.mark.parametrize(("argv", "flag", "text"), [
    (["data", "split", "synthetic", "--test-fraction", " 0.2", "--out", "OUT"],
     "--test-fraction", " 0.2"),
    (["data", "split", "synthetic", "--test-fraction", "0.2 ", "--out", "OUT"],
     "--test-fraction", "0.2 "),
    (["recommend", "m", "--users", "1", "--k", " 5"], "--k", " 5"),
    (["recommend", "m", "--users", "1", "--timestamp", "1_000"], "--timestamp", "1_000"),
    (["data", "synth", "--users", "\u0665", "--out", "OUT"], "--users", "\u0665"),
])
def test_command_line_numbers_with_spaces_or_separators_are_refused(capsys, tmp_path, argv,
                                                                    flag, text):
    argv = [str(tmp_path / "out") if a == "OUT" else a for a in argv]
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert f"argument {flag}: expected a" in err and repr(text) in err, err
    assert "plain ASCII digits" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("share", ["0.5_0", " 0.5", "\u0660.5", "0,5"])
def test_variant_share_written_otherwise_is_refused(share):
    pytest.importorskip("pydantic")
    from recstack.serving.settings import settings_from_options

    with pytest.raises(ConfigError, match=r"--variant 'a=als:.*': write NAME=MODEL:SHARE.*"
                                          r"plain ASCII digits"):
        settings_from_options(None, registry="models", variants=[f"a=als:{share}",
                                                                 "b=als:0.5"])


def test_variant_share_written_plainly_is_read():
    pytest.importorskip("pydantic")
    from recstack.serving.settings import settings_from_options

    settings = settings_from_options(None, registry="models",
                                     variants=["a=als:0.25", "b=ease:.75"])
    assert [(v.name, v.share) for v in settings.variants] == [("a", 0.25), ("b", 0.75)]
