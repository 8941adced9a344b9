"""Ninety-seventh bad-input probe, the command line's values in messages: a list flag was
shown as Python's floats (``--rating-range 5,1`` said ``[5.0, 1.0]``), a split's refusal of
the data named the Python keyword and Python's number (``(test_fraction=0.01)`` of
``--test-fraction 1e-2``), a loader's advice named keywords (``pass separator=','``,
``value_col= chooses another``), and a value starting with '-' (``--rating-range -1,1``)
was "expected one argument" without a word of why. Each test failed before its fix, but
the one showing that the advised spelling (``--rating-range=-1,5``) works."""

from __future__ import annotations

import re

import pytest

from recstack.cli import main
from recstack.config import parse_experiment
from recstack.errors import ConfigError

#: four users of two to six rows each, ratings 1..5
LOG = "user_id,item_id,rating,timestamp\n" + "".join(
    f"u{u},i{i},{(u + i) % 5 + 1},{100 * u + i}\n"
    for u in range(4) for i in range(2 + 2 * (u % 3)))


def _error(capsys, *argv):
    code = main(list(argv))
    err = capsys.readouterr().err
    # "recstack: error:", or the command's name before it for a mistake of one option
    errors = [line for line in err.splitlines() if re.match(r"recstack[a-z ]*: error:", line)]
    assert code == 2 and "Traceback" not in err and len(errors) == 1, err
    return errors[0]


def _usage_error(capsys, *argv):
    with pytest.raises(SystemExit) as stopped:
        main(list(argv))
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err.strip().splitlines()[-1]


@pytest.fixture()
def log(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(LOG)
    return str(path)


@pytest.mark.parametrize("typed, message", [
    ("5,1", "expected [low, high] with low < high, got 5,1"),
    ("5,1.0", "expected [low, high] with low < high, got 5,1.0"),
    ("3e0,3", "expected [low, high] with low < high, got 3e0,3"),
    ("1,nan", "must be a finite number, got 1,nan"),
    ("1,inf", "must be a finite number, got 1,inf"),
])
def test_a_list_flag_is_shown_as_typed(capsys, log, typed, message):
    # as typed, in the parser's form for a mistake of one option (round 165)
    assert _error(capsys, "data", "info", log, "--rating-range", typed) == \
        f"recstack data info: error: argument --rating-range: {message}"


def test_a_list_of_names_is_shown_as_typed(capsys, log):
    assert _error(capsys, "data", "info", log, "--context", "a,a") == (
        "recstack data info: error: argument --context: expected distinct, non-empty column "
        "names, got a,a")


def test_a_file_list_is_shown_as_written_in_the_file():
    raw = {"data": {"source": "synthetic", "rating_range": [5, 1]},
           "models": [{"type": "most_popular"}]}
    with pytest.raises(ConfigError) as refused:
        parse_experiment(raw, source="x.toml")
    assert str(refused.value) == ("x.toml: [data] rating_range = [5, 1]: expected [low, high] "
                                  "with low < high")


def test_a_split_refusal_names_the_flag_and_the_value_typed(tmp_path, capsys, log):
    # the most rows of one user are 6: a share of 1e-2 rounds to no test row for anyone
    err = _error(capsys, "data", "split", log, "--test-fraction", "1e-2", "--out",
                 str(tmp_path / "out"))
    assert err.startswith("recstack: error: random split left no test rows (--test-fraction "
                          "1e-2): "), err
    assert "test_fraction" not in err and "0.01" not in err
    assert not (tmp_path / "out").exists()


def test_a_leave_last_out_refusal_names_the_flag(tmp_path, capsys, log):
    err = _error(capsys, "data", "split", log, "--method", "leave_last_out", "--n", "50",
                 "--out", str(tmp_path / "out"))
    assert err.startswith("recstack: error: leave_last_out split left no test rows (--n 50)"), err
    assert "n=50" not in err


def test_a_loader_hint_names_the_flag_not_the_keyword(capsys, log):
    err = _error(capsys, "data", "info", log, "--separator", ";")
    assert "pass --separator ','" in err and "separator=" not in err, err


def test_a_loader_note_names_the_flag_not_the_keyword(capsys, log):
    assert main(["data", "info", log]) == 0
    err = capsys.readouterr().err
    assert "reading the values from column 'rating'" in err
    assert "--value-col chooses another" in err and "value_col=" not in err, err


@pytest.mark.parametrize("option, value", [("--rating-range", "-1,1"),
                                            ("--rating-range", "-inf,5")])
def test_a_value_starting_with_a_dash_says_how_to_give_it(capsys, log, option, value):
    last = _usage_error(capsys, "data", "info", log, option, value)
    assert last.endswith(f"argument {option}: expected one argument (the value {value!r} "
                         f"starts with '-', so it was read as an option: write "
                         f"{option}={value})"), last


def test_the_equals_spelling_reads_a_leading_dash(tmp_path, capsys, log):
    # the advice works: -1,5 is a range the log's ratings (1..5) fit
    assert main(["data", "info", log, "--rating-range=-1,5"]) == 0


@pytest.mark.parametrize("typed, hint", [
    ("1e3", " (a whole number is written in digits alone: 1000)"),
    ("2.0", " (a whole number is written in digits alone: 2)"),
    ("-1e1", " (a whole number is written in digits alone: -10)"),
    ("2.5", " (it has a fraction; a whole number is written in digits alone)"),
])
def test_a_whole_number_flag_written_as_a_decimal_says_the_digits(capsys, typed, hint):
    last = _usage_error(capsys, "data", "synth", "--out", "unused", f"--interactions={typed}")
    assert last.endswith(f"argument --interactions: expected a whole number, got "
                         f"{typed!r}{hint}"), last


@pytest.mark.parametrize("option, message", [
    # (the option as a --filter writes it, user_min=10, unquoted; it was "user_min = 10")
    ("k_core:user_min=1e1", 'user_min=1e1: expected an integer (a whole number is written '
                            "in digits alone, without a point or an exponent: user_min=10)"),
    ("k_core:user_min=1_0", 'user_min=1_0: expected an integer (a number is written in '
                            "plain ASCII digits, without spaces, '_' separators or other "
                            "scripts' digits)"),
    ("min_value:threshold=\uff12", 'threshold=\uff12: expected a number (a number is '
                                   "written in plain ASCII digits, without spaces, '_' "
                                   "separators or other scripts' digits)"),
])
def test_a_filter_number_says_how_to_write_it(tmp_path, capsys, log, option, message):
    assert _error(capsys, "data", "split", log, "--filter", option, "--out",
                  str(tmp_path / "out")) == (f"recstack data split: error: argument --filter: "
                                             f"{option}: {message}")


def test_a_filter_that_removes_everything_is_named_as_typed(tmp_path, capsys, log):
    # the most rows of one user are 6: a 100-core keeps nobody
    err = _error(capsys, "data", "split", log, "--filter", "deduplicate", "--filter",
                 "k_core:user_min=100", "--out", str(tmp_path / "out"))
    assert err.startswith("recstack: error: filter step 2 of 2, --filter k_core:user_min=100, "
                          "removed all "), err
    assert "k_core(" not in err
    assert not (tmp_path / "out").exists()
