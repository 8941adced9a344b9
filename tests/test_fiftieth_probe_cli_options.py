"""Fiftieth bad-input probe, the command line's options: a misspelt option
(``evaluate exp.toml --overwrte``, ``serve --prot 8000``, ``data fetch --quite``) was
argparse's bare "unrecognized arguments" with no near option named, and an abbreviation
(``--over``) was silently taken for the one option it began (to become ambiguous, and an
error, the day an option sharing the prefix is added)."""

from __future__ import annotations

import argparse

import pytest

from recstack.cli import _build_parser, main


def _last_error_line(capsys, argv) -> str:
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err.strip().splitlines()[-1]


@pytest.mark.parametrize(("argv", "command", "meant"), [
    (["evaluate", "exp.toml", "--overwrte"], "recstack evaluate", "--overwrite"),
    (["evaluate", "exp.toml", "--overwrte=1"], "recstack evaluate", "--overwrite"),
    (["serve", "--registry", "reg", "--prot", "8000"], "recstack serve", "--port"),
    (["data", "fetch", "--quite"], "recstack data fetch", "--quiet"),
    # nested commands: the options of the command parsed, not the top level's
    (["data", "split", "src.csv", "--out", "o", "--overwirte"], "recstack data split",
     "--overwrite"),
    (["data", "split", "src.csv", "--out", "o", "--methd", "random"], "recstack data split",
     "--method"),
    (["pipeline", "run", "p.toml", "--quite"], "recstack pipeline run", "--quiet"),
    (["recommend", "model", "--users", "1", "--includ-seen"], "recstack recommend",
     "--include-seen"),
    (["--versoin"], "recstack", "--version"),
])
def test_a_misspelt_option_names_the_near_one_of_its_command(capsys, argv, command, meant):
    line = _last_error_line(capsys, argv)
    assert line.startswith(f"{command}: error: unrecognized arguments: "), line
    assert line.endswith(f"(did you mean {meant!r}?)"), line


def test_a_misspelt_option_is_named_even_when_a_required_one_is_missing(capsys):
    # `serve --prot 8000`: argparse checks --registry first and never named --prot
    line = _last_error_line(capsys, ["serve", "--prot", "8000"])
    assert "the following arguments are required: --registry" in line, line
    assert line.endswith("unrecognized arguments: --prot (did you mean '--port'?)"), line


def test_an_option_far_from_every_one_gets_no_guess(capsys):
    line = _last_error_line(capsys, ["evaluate", "exp.toml", "--zzzzzz"])
    assert line.endswith("unrecognized arguments: --zzzzzz"), line
    line = _last_error_line(capsys, ["evaluate", "exp.toml", "extra"])
    assert line.endswith("unrecognized arguments: extra"), line


@pytest.mark.parametrize("argv", [
    ["evaluate", "exp.toml", "--over"],
    ["data", "fetch", "--qui"],
    ["serve", "--registry", "reg", "--po", "8000"],
])
def test_an_abbreviated_option_is_refused_not_guessed(capsys, argv):
    line = _last_error_line(capsys, argv)
    assert "unrecognized arguments: " + argv[-1 if argv[-1].startswith("--") else -2] in line
    assert "did you mean" in line


def _parsers(parser: argparse.ArgumentParser):
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _parsers(sub)


def test_no_parser_takes_abbreviations():
    parsers = list(_parsers(_build_parser()))
    assert len(parsers) > 10  # the walk reached the nested commands
    assert all(parser.allow_abbrev is False for parser in parsers)


@pytest.mark.parametrize(("argv", "expected"), [
    # given before the command's name, the option was read by the parser of `recstack`
    (["--overwrite", "evaluate", "exp.toml"],
     "unrecognized arguments: --overwrite (--overwrite is an option of recstack evaluate: "
     "give it after the command's name)"),
    (["data", "--quiet", "fetch"],
     "unrecognized arguments: --quiet (--quiet is an option of recstack data fetch: give "
     "it after the command's name)"),
    # another command's option: named as such, not guessed at (--port is near --out)
    (["evaluate", "exp.toml", "--port", "8000"],
     "unrecognized arguments: --port 8000 (--port is an option of recstack serve, not of "
     "recstack evaluate)"),
])
def test_an_option_in_the_wrong_place_says_where_it_belongs(capsys, argv, expected):
    line = _last_error_line(capsys, argv)
    assert line.endswith(expected), line
    assert "did you mean" not in line
