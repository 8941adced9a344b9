"""Hostile counts given to the synthetic dataset are refused in one line that gives the value
as written, the setting, and its range, once."""

from __future__ import annotations

import pytest

from recstack.cli import main
from recstack.data.sources import resolve_source
from recstack.data.synthetic import SyntheticConfig
from recstack.errors import ConfigError
from recstack.specs import NUMBER_TEXT_RULE

USERS_RANGE = "n_users is a whole number from 1 to 2,147,483,647 (indices are int32)"


def _refusal(capsys, spec: str) -> str:
    assert main(["data", "info", spec]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("recstack: error: "), captured.err
    return lines[0]


@pytest.mark.parametrize("written, shown", [
    ("1e12", "1e12"),  # before: "read 1000000000000.0"
    ("1.5e12", "1.5e12"),  # before: "read 1500000000000.0"
    ("1e30", "1e30"),  # before: "read 1e+30", and "e.g. n_users=1000000000000000019884624838656"
    ("2.5", "2.5"),
])
def test_a_decimal_count_is_shown_as_written_with_its_range(capsys, written, shown):
    # before: "synthetic option n_users: read 1000000000000.0, written with a decimal point
    # or an exponent (5e3); it is a whole number, ...; e.g. n_users=1000000000000", the
    # example itself too many users
    message = _refusal(capsys, f"synthetic:n_users={written}")
    assert message == (f"recstack: error: synthetic option n_users: read {shown}, written with "
                       f"a decimal point or an exponent; {USERS_RANGE}, written in "
                       f"{NUMBER_TEXT_RULE}")


def test_a_whole_decimal_within_the_range_is_given_as_an_example(capsys):
    message = _refusal(capsys, "synthetic:n_users=5e3")
    assert message.endswith(f"{USERS_RANGE}, written in {NUMBER_TEXT_RULE}; e.g. n_users=5000")


def test_an_example_is_never_outside_the_range(capsys):
    # n_genres=1e3 was told "e.g. n_genres=1000", and there are 18 named genres
    message = _refusal(capsys, "synthetic:n_genres=1e3")
    assert "e.g." not in message
    assert "n_genres is a whole number from 1 to 18" in message


def test_a_count_past_the_float_range_is_said_to_be(capsys):
    # before: "read inf", a value nobody wrote
    message = _refusal(capsys, "synthetic:n_items=1e400")
    assert message.startswith("recstack: error: synthetic option n_items: read a number past "
                              "the float range (about 1.8e308), written with a decimal point")
    assert "inf" not in message.replace("int32", "")
    assert "n_items is a whole number from 2 to 2,147,483,647" in message


@pytest.mark.parametrize("name", ["n_users", "n_genres", "months", "seed"])
@pytest.mark.parametrize("word, why", [
    ("nan", "NaN is not a whole number"), ("NaN", "NaN is not a whole number"),
    ("inf", "an infinity is not a whole number"),
    ("-Infinity", "an infinity is not a whole number"),
])
def test_nan_or_an_infinity_for_a_count_is_explained_once(capsys, name, word, why):
    # before (nan): "n_users must be an integer, got 'nan' (NaN is not a number any setting
    # takes: give a number in digits) (a number is written in plain ASCII digits, ...)"; the
    # seed's had three hints, and none said the range
    message = _refusal(capsys, f"synthetic:{name}={word}")
    assert message.startswith(f"recstack: error: synthetic: {name} must be an integer, got "
                              f"'{word}' ({why}: {name} is a whole number ")
    assert message.endswith(f", written in {NUMBER_TEXT_RULE})")
    assert message.count(NUMBER_TEXT_RULE) == 1 and message.count("whole number") == 2
    assert "give a number in digits" not in message


def test_the_seeds_range_is_given_for_nan():
    with pytest.raises(ConfigError, match=r"seed must be an integer, got 'nan' \(NaN is not a "
                                          r"whole number: seed is a whole number in "
                                          r"\[0, 4294967295\]"):
        resolve_source("synthetic:seed=nan")


@pytest.mark.parametrize("digits", ["10000000000000000000000", "2147483648" + "0" * 20])
def test_a_huge_count_in_digits_is_shown_in_those_digits(capsys, digits):
    # before: "n_users must be at most 2,147,483,647 (indices are int32), got 1e+22"
    message = _refusal(capsys, f"synthetic:n_users={digits}")
    assert message == ("recstack: error: synthetic: n_users must be at most 2,147,483,647 "
                       f"(indices are int32), got {digits}")


def test_a_huge_count_from_python_is_shown_in_digits_too():
    with pytest.raises(ConfigError, match=r"got 1000000000000000000000000000000$"):
        SyntheticConfig(n_items=10**30)
