"""Two hundred ninetieth bad-input probe: dashes pasted from a web page or a document.

An option typed with a look-alike dash (``demo \u2014out x``: '--' made an em dash by a
word processor) was "unrecognized arguments: \u2014out x", read as the experiment file
(``evaluate \u2014overwrite x.toml``: "unrecognized arguments: x.toml") or as a source
(``data info \u2014help``: "no such file or folder"). A number whose minus sign is a
look-alike (``--tolerance \u22121``, ``threshold=\u22121``) was "expected a number"."""

from __future__ import annotations

import pytest

from recstack.cli import main
from recstack.specs import lookalike_minus_hint, number_spelling_hint

EM, EN, MINUS = "\u2014", "\u2013", "\u2212"


def _error_line(capsys, argv) -> str:
    try:
        code = main(argv)
    except SystemExit as stop:  # refused by the parser
        code = stop.code
    assert code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    return err.strip()


_PASTED = "not the ASCII '-' an option is typed with (pasted from a web page or a document?)"


@pytest.mark.parametrize(("argv", "command", "word", "dash", "meant"), [
    (["demo", f"{EM}out", "x"], "recstack demo", f"{EM}out", "'\u2014' (an em dash, U+2014)",
     "--out"),
    (["demo", f"{EN}-out", "x"], "recstack demo", f"{EN}-out",
     "'\u2013' (an en dash, U+2013)", "--out"),
    (["demo", f"{MINUS}{MINUS}out=x"], "recstack demo", f"{MINUS}{MINUS}out",
     "'\u2212' (a minus sign, U+2212)", "--out"),
    # before the file it was read as: "unrecognized arguments: x.toml"
    (["evaluate", f"{EM}overwrite", "x.toml"], "recstack evaluate", f"{EM}overwrite",
     "'\u2014' (an em dash, U+2014)", "--overwrite"),
    # read as the source: "no such file or folder: '\u2014help'"
    (["data", "info", f"{EM}help"], "recstack data info", f"{EM}help",
     "'\u2014' (an em dash, U+2014)", "--help"),
    # the option's value became the logs argument: "unrecognized arguments: 1 x"
    (["skew", "--registry", "r", f"{EM}tolerance", "1", "x"], "recstack skew",
     f"{EM}tolerance", "'\u2014' (an em dash, U+2014)", "--tolerance"),
    (["--registry", "r"][:0] + [f"{EM}version"], "recstack", f"{EM}version",
     "'\u2014' (an em dash, U+2014)", "--version"),
    (["demo", f"{EM}h"], "recstack demo", f"{EM}h", "'\u2014' (an em dash, U+2014)", "-h"),
])
def test_an_option_typed_with_a_lookalike_dash_is_named_with_its_spelling(
        capsys, argv, command, word, dash, meant):
    line = _error_line(capsys, argv)
    assert line == (f"{command}: error: argument {word}: it starts with {dash}, {_PASTED}: "
                    f"type {meant}")


def test_an_unknown_option_with_a_lookalike_dash_gets_the_near_one_and_values_pass(capsys):
    line = _error_line(capsys, ["demo", f"{EM}outt", "x"])
    assert line == (f"recstack demo: error: argument {EM}outt: it starts with '\u2014' (an em "
                    f"dash, U+2014), {_PASTED}; recstack demo has no option --outt (did you "
                    "mean '--out'?)")
    # after '--' it is an argument, not an option: argparse's own words, as before
    line = _error_line(capsys, ["demo", "--", f"{EM}out"])
    assert line == f"recstack demo: error: unrecognized arguments: -- {EM}out"
    # -h still prints the help
    with pytest.raises(SystemExit) as stop:
        main(["demo", f"{EM}out", "x", "-h"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.startswith("usage: recstack demo")


@pytest.mark.parametrize(("argv", "option", "typed", "kind", "fixed"), [
    (["skew", "--registry", "r", "--tolerance", f"{MINUS}1", "x"], "--tolerance",
     f"{MINUS}1", "a number", "-1"),
    (["skew", "--registry", "r", "--limit", f"{EN}2", "x"], "--limit", f"{EN}2",
     "a whole number", "-2"),
    (["online", "--alpha", f"{MINUS}0.5", "x"], "--alpha", f"{MINUS}0.5", "a number", "-0.5"),
])
def test_a_number_with_a_lookalike_minus_says_which_minus_to_type(
        capsys, argv, option, typed, kind, fixed):
    line = _error_line(capsys, argv)
    dash = typed[0]
    name = {MINUS: "a minus sign, U+2212", EN: "an en dash, U+2013"}[dash]
    assert line.endswith(f"error: argument {option}: expected {kind}, got {typed!r} (its "
                         f"{dash!r} ({name}) is not the ASCII '-' of a negative number: "
                         f"write {fixed})"), line


def test_a_spec_number_with_a_lookalike_minus_says_which_minus_to_type(capsys):
    line = _error_line(capsys, ["data", "split", "synthetic:n_users=50", "--out", "o",
                                "--filter", f"min_value:threshold={MINUS}1"])
    assert line.endswith(f"threshold={MINUS}1: expected a number (its '\u2212' (a minus "
                         "sign, U+2212) is not the ASCII '-' of a negative number: write "
                         "-1)"), line
    # the helpers: only a number gets the hint; a word after the dash is no number
    assert lookalike_minus_hint(f"{MINUS}abc") == ""
    assert lookalike_minus_hint("-1") == ""
    assert lookalike_minus_hint(f"{MINUS}1.5", int) == ""
    assert number_spelling_hint(f"{EM}3", int, "k").endswith("write -3)")
