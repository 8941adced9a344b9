"""Two-hundred-tenth probe: time options on the command line, time fields in specs, and the
words of a call that does not fit a function's signature.

- ``recstack data split --cutoff 1.5`` said "expected an integer or a string", and
  ``--cutoff 1e20`` hinted ``--cutoff = 100000000000000000000``, an experiment file's
  spelling; an unreadable date listed Python's date types. A time option is now read as
  the parser reads a number: the option, what it takes, the value as typed.
- A spec's time field (``TemporalSplit(cutoff=1.5)``, ``[split] cutoff = 1.5``,
  ``--filter time_window:start=1.5``) was "expected an integer or a string".
- ``recommend --timestamp 2020-01-31`` was "expected a number" where every other time
  takes an ISO date; it is now read as that date's Unix seconds.
- ``arguments_named`` said "give nothing more by keyword" of functions taking no keyword,
  and "takes at most 0 positional argument(s) ()" of those taking none.
"""

from __future__ import annotations

import numpy as np
import pytest

from recstack.cli import _build_parser, main
from recstack.errors import ConfigError
from recstack.specs import arguments_named

TIME = ("a time: whole Unix seconds or an ISO date such as 2020-01-31 or "
        "2020-01-31T12:00:00")


def _refusal(capsys, argv: list[str]) -> str:
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err, err
    lines = err.strip().splitlines()
    return lines[-1]


@pytest.mark.parametrize(("typed", "why"), [
    ("1.5", " (it has a fraction; a whole number is written in digits alone)"),
    ("1e20", " (a whole number is written in digits alone: 100000000000000000000)"),
    ("-1e5", " (a whole number is written in digits alone: -100000)"),
    ("5.", " (a whole number is written in digits alone: 5)"),
    ("nan", " (NaN and infinity name no moment)"),
    ("-inf", " (NaN and infinity name no moment)"),
    ("1_000", " (write it in plain ASCII digits, without spaces, '_' separators or other "
              "scripts' digits)"),
])
def test_a_cutoff_number_that_is_no_whole_second_names_the_option(capsys, tmp_path, typed,
                                                                   why):
    out = tmp_path / "out"
    line = _refusal(capsys, ["data", "split", "synthetic", "--method", "temporal",
                             f"--cutoff={typed}", "--out", str(out)])
    assert line == (f"recstack data split: error: argument --cutoff: expected {TIME}, got "
                    f"{typed!r}{why}")
    assert "--cutoff =" not in line and "integer or a string" not in line
    assert not out.exists()


@pytest.mark.parametrize(("typed", "said"), [
    ("abc", "cannot read 'abc' as a time"),
    ("2020-13-01", "'2020-13-01' is not a real date: there is no month 13 (months run from "
                   "01 to 12)"),
])
def test_an_unreadable_cutoff_date_is_told_without_python_types(capsys, tmp_path, typed, said):
    line = _refusal(capsys, ["data", "split", "synthetic", "--method", "temporal",
                             "--cutoff", typed, "--out", str(tmp_path / "out")])
    assert line == (f"recstack data split: error: argument --cutoff: {said}; use Unix seconds "
                    f"or an ISO date such as 2020-01-31 or 2020-01-31T12:00:00")


def test_a_cutoff_in_digits_or_as_a_date_is_taken_as_typed():
    parser = _build_parser()
    base = ["data", "split", "synthetic", "--method", "temporal", "--out", "o"]
    assert parser.parse_args([*base, "--cutoff", "1580428800"]).cutoff == 1580428800
    assert parser.parse_args([*base, "--cutoff", "2020-01-31"]).cutoff == "2020-01-31"


def test_a_time_field_says_what_a_time_is():
    from recstack.data.splits import TemporalSplit

    forms = ("use Unix seconds or an ISO date such as 2020-01-31 or 2020-01-31T12:00:00, or "
             "a date, datetime, pandas Timestamp or numpy.datetime64")
    # in Python, as temporal_split() and TimeWindow say it (it was "expected an integer or
    # a string", without the digits to write)
    with pytest.raises(ConfigError) as refused:
        TemporalSplit(cutoff=5.0)
    assert str(refused.value) == ("temporal: cutoff: cannot read 5.0 as a time (a float: Unix "
                                  "seconds are an integer; write 5 without the decimal "
                                  f"point); {forms}")
    with pytest.raises(ConfigError) as refused:
        TemporalSplit(cutoff=b"2020")
    assert str(refused.value) == f"temporal: cutoff: cannot read b'2020' as a time; {forms}"
    assert TemporalSplit(cutoff=np.int64(5)).cutoff == 5


def test_a_time_field_in_an_experiment_file_says_what_a_time_is(tmp_path):
    from recstack.config import load_experiment

    path = tmp_path / "e.toml"
    path.write_text('[data]\nsource = "synthetic"\n[split]\nmethod = "temporal"\n'
                    'cutoff = 1.5\n[[models]]\ntype = "most_popular"\n')
    with pytest.raises(ConfigError) as refused:
        load_experiment(path)
    assert str(refused.value) == f"{path}: [split] cutoff = 1.5: expected {TIME}"


def test_a_filter_time_bound_says_what_a_time_is(capsys, tmp_path):
    assert main(["data", "split", "synthetic", "--filter", "time_window:start=1.5", "--out",
                 str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert err.strip().endswith(f"argument --filter: time_window:start=1.5: start=1.5: expected "
                         f"{TIME}")


def test_a_request_timestamp_takes_an_iso_date_as_its_unix_seconds():
    parser = _build_parser()
    base = ["recommend", "m", "--users", "1"]
    # 2020-01-01 is 1577836800 (18262 days of 86400 s); 30 days more to the 31st
    assert parser.parse_args([*base, "--timestamp", "2020-01-31"]).timestamp == 1580428800.0
    assert parser.parse_args([*base, "--timestamp", "2020-01-31T00:00:10"]).timestamp == (
        1580428810.0)
    assert parser.parse_args([*base, "--timestamp", "12.5"]).timestamp == 12.5


@pytest.mark.parametrize(("typed", "said"), [
    ("abc", "expected a time: Unix seconds (a finite number >= 0) or an ISO date such as "
            "2020-01-31 or 2020-01-31T12:00:00, got 'abc'"),
    ("2020-13-01", "expected a time: Unix seconds (a finite number >= 0) or an ISO date such "
                   "as 2020-01-31 or 2020-01-31T12:00:00, got '2020-13-01', not a real date: "
                   "there is no month 13 (months run from 01 to 12)"),
    ("1960-01-01", "must be at or after 1970-01-01 (Unix seconds >= 0), got '1960-01-01'"),
    ("-5", "must be a finite number >= 0, got -5"),
    ("nan", "must be a finite number >= 0, got nan"),
])
def test_a_request_timestamp_that_is_no_time_is_refused_naming_it(capsys, typed, said):
    line = _refusal(capsys, ["recommend", "m", "--users", "1", f"--timestamp={typed}"])
    assert line == f"recstack recommend: error: argument --timestamp: {said}"


# ------------------------------------------------------------------ arguments_named words
@arguments_named
def _two(a, b):
    return a, b


@arguments_named
def _none():
    return None


@arguments_named
def _keywords_only(*, seed):
    return seed


@arguments_named
def _options(a, **options):
    return a, options


class _Thing:
    @arguments_named
    def __init__(self):
        pass

    @arguments_named
    def method(self, x):
        return x

    @staticmethod
    @arguments_named
    def helper(x):
        return x


@pytest.mark.parametrize(("call", "message"), [
    (lambda: _two(1, 2, 3), "_two() takes at most 2 positional argument(s) (a, b), got 3; "
                            "call it as _two(a, b)"),
    (lambda: _none(1), "_none() takes no arguments, got 1; call it as _none()"),
    (lambda: _none(x=1), "_none() has no argument 'x'; it takes no arguments: _none()"),
    (lambda: _keywords_only(1), "_keywords_only() takes no positional arguments, got 1; give "
                                "seed by keyword: _keywords_only(*, seed=...)"),
    (lambda: _options(1, 2), "_options() takes at most 1 positional argument(s) (a), got 2; "
                             "give any other value by name (**options): "
                             "_options(a, **options)"),
    (lambda: _Thing(1), "_Thing() takes no arguments, got 1; call it as _Thing()"),
    (lambda: _Thing().method(1, 2), "_Thing.method() takes at most 1 positional argument(s) "
                                    "(x), got 2; call it as _Thing.method(x)"),
    (lambda: _Thing.helper(1, 2), "_Thing.helper() takes at most 1 positional argument(s) "
                                  "(x), got 2; call it as _Thing.helper(x)"),
])
def test_a_call_that_does_not_fit_is_told_what_the_function_takes(call, message):
    with pytest.raises(ConfigError) as refused:
        call()
    assert str(refused.value) == message
    assert "nothing more by keyword" not in message


def test_a_local_function_is_named_without_its_outer_function():
    @arguments_named
    def inner(a):
        return a

    with pytest.raises(ConfigError) as refused:
        inner(1, 2)
    assert str(refused.value).startswith("inner() takes at most 1 positional argument(s)")
    assert inner(a=3) == 3 and _two(1, b=2) == (1, 2) and _options(1, k=2) == (1, {"k": 2})


@pytest.mark.parametrize(("spec", "said"), [
    # it was 'threshold = "abc"': quotes a --filter never takes, in a file's spelling
    ("min_value:threshold=abc", "threshold=abc: expected a number"),
    ("deduplicate:policy=sums", "policy=sums: expected one of 'sum', 'last', 'first', 'max', "
                                "'mean', 'error'"),
    ("k_core:user_min=2e1", "user_min=2e1: expected an integer (a whole number is written in "
                            "digits alone, without a point or an exponent: user_min=20)"),
])
def test_a_filter_option_is_said_as_a_filter_writes_it(capsys, tmp_path, spec, said):
    assert main(["data", "split", "synthetic", "--filter", spec, "--out",
                 str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"recstack data split: error: argument --filter: {spec}: {said}"
    assert not (tmp_path / "out").exists()
