"""Hundred-thirty-fifth probe: folders a failed command made inside its output folder
(``data fetch --cache-dir new`` left ``new/movielens``), hints for a quoted value that
named a TOML spelling TOML does not read (``= Infinity``, ``= .5``) or a value the setting
refuses anyway (``test_fraction = "inf"``), quoted booleans told nothing, and a synthetic
spec whose prefix has spaces around it read by one parser and refused by the other."""

from __future__ import annotations

import tomllib

import pytest

from recstack.cli import main
from recstack.config import parse_experiment
from recstack.data.sources import parse_synthetic_spec, resolve_source
from recstack.errors import ConfigError
from recstack.specs import toml_number_text


def _fetch_fails(tmp_path, cache):
    missing = (tmp_path / "no-such-archive.zip").as_uri()
    return main(["data", "fetch", "movielens-100k", "--cache-dir", str(cache), "--url",
                 missing, "--no-verify", "--quiet"])


def test_a_failed_fetch_leaves_no_new_cache_folder(tmp_path, capsys):
    assert _fetch_fails(tmp_path, tmp_path / "new" / "sub" / "cache") == 2
    assert capsys.readouterr().err.startswith("recstack: error: ")
    assert not (tmp_path / "new").exists()


def test_a_failed_fetch_leaves_no_new_folder_in_an_existing_cache(tmp_path, capsys):
    cache = tmp_path / "cache"
    (cache / "kept").mkdir(parents=True)  # the user's own, empty: never removed
    assert _fetch_fails(tmp_path, cache) == 2
    assert sorted(p.name for p in cache.iterdir()) == ["kept"]


def test_a_folder_holding_a_file_is_kept(tmp_path, monkeypatch, capsys):
    # a file made in the new folder is not the cleanup's to delete
    from recstack.data import fetch

    def download(source, folder, *args, **kwargs):
        (folder / "partial.zip").write_bytes(b"x")
        raise ConfigError("could not download")

    monkeypatch.setattr(fetch, "_download", download)
    assert _fetch_fails(tmp_path, tmp_path / "new") == 2
    assert [p.name for p in (tmp_path / "new").rglob("*")] == ["movielens", "partial.zip"]


def _experiment(**evaluation):
    raw = {"data": {"source": "synthetic"}, "split": {"method": "random"},
           "models": [{"type": "most_popular"}],
           "evaluation": {"metrics": ["ndcg"], "ks": [5], **evaluation}}
    return parse_experiment(raw, source="exp.toml")


def _refusal(**evaluation) -> str:
    with pytest.raises(ConfigError) as caught:
        _experiment(**evaluation)
    return str(caught.value)


@pytest.mark.parametrize("text, toml", [("4.", "4.0"), (".5", "0.5"), ("+.5", "0.5"),
                                        ("3", "3"), ("+3", "+3"), ("1e3", "1e3"),
                                        ("4.50", "4.50")])
def test_a_quoted_number_is_shown_as_toml_writes_it(text, toml):
    message = _refusal(relevance_threshold=text)
    assert message.endswith(f"(a number in quotes is text: write it without them, "
                            f"relevance_threshold = {toml})")
    # the spelling shown is TOML, and the number the text names
    assert tomllib.loads(f"v = {toml}")["v"] == float(text)


@pytest.mark.parametrize("text", ["inf", "-inf", "Infinity", "+INF"])
def test_a_quoted_value_the_setting_refuses_unquoted_says_so(text):
    message = _refusal(relevance_threshold=text)
    assert "write it without them" not in message
    assert message.endswith("unquoted is refused too: must be a finite number)")
    shown = message.split("relevance_threshold = ")[2].split(" unquoted")[0]
    assert shown in ("inf", "-inf")  # TOML's own spellings


def test_a_quoted_nan_keeps_its_own_hint():
    assert _refusal(relevance_threshold="nan").endswith(
        "(NaN is not a number any setting takes: give a number in digits)")


@pytest.mark.parametrize("text", ["05", "007"])
def test_a_quoted_whole_number_with_leading_zeros_is_shown_without(text):
    # TOML reads no leading zeros: 'seed = 05' is not TOML
    message = _refusal(ks=[text])
    assert message.endswith(f"write it without them, {int(text)})")


def test_a_quoted_exponent_where_a_whole_number_is_wanted_names_it_in_digits():
    assert _refusal(ks=["1e3"]).endswith("(a number in quotes is text, and a whole number "
                                         "is written in digits alone: 1000)")


@pytest.mark.parametrize("text, meant", [("true", "true"), ("True", "true"),
                                         ("FALSE", "false")])
def test_a_quoted_boolean_is_told_to_drop_the_quotes(text, meant):
    assert _refusal(graded=text).endswith(
        f"(true and false are written without quotes, in lower case: graded = {meant})")


def test_a_quoted_boolean_where_a_number_is_wanted_gets_no_boolean_hint():
    assert "true and false" not in _refusal(relevance_threshold="true")


@pytest.mark.parametrize("text, number", [("Infinity", float("inf")), ("-inf", float("-inf")),
                                          ("05", 5), ("1.", 1.0), ("1e-3", 0.001)])
def test_toml_number_text_is_read_by_toml_as_the_number(text, number):
    written = toml_number_text(text, number)
    read = tomllib.loads(f"v = {written}")["v"]
    assert read == number and type(read) is type(number)


@pytest.mark.parametrize("spec", [" synthetic :n_users=5", "synthetic :n_users=5",
                                  " synthetic:n_users=5"])
def test_spaces_around_the_synthetic_prefix_are_refused_by_both_readers(spec):
    # one rule with the source reader and with metric and filter names: a name is exact
    for read in (parse_synthetic_spec, resolve_source):
        with pytest.raises(ConfigError, match=r"has spaces around it; write "
                                              r"synthetic:n_users=5$"):
            read(spec)


def test_the_exact_prefix_still_parses():
    assert parse_synthetic_spec("synthetic:n_users=5") == {"n_users": 5}


@pytest.mark.parametrize("text", ["inf", "-Infinity"])
def test_an_unquoted_infinity_in_a_filter_spec_is_not_said_to_be_quoted(text):
    # --filter min_value:threshold=inf was told "a number in quotes is text: write it
    # without them, threshold = inf", of a value typed without quotes
    from recstack.cli import _parse_filter
    from recstack.errors import RecstackError

    with pytest.raises(RecstackError) as caught:
        _parse_filter(f"min_value:threshold={text}")
    message = str(caught.value)
    assert "quotes" not in message
    assert message.endswith(f"threshold={text}: must be a finite number"), message


def _model_refusal(params=None, tune=None) -> str:
    raw = {"data": {"source": "synthetic"}, "split": {"method": "random"},
           "models": [{"type": "als", **(params or {})}]}
    if tune is not None:
        raw["tune"] = tune
    with pytest.raises(ConfigError) as caught:
        parse_experiment(raw, source="exp.toml")
    return str(caught.value)


@pytest.mark.parametrize("key, text, rule", [
    ("regularization", "Infinity", "regularization = inf unquoted is refused too: "
                                   "regularization must be a finite number, got inf)"),
    ("regularization", "-1", "regularization = -1 unquoted is refused too: regularization "
                             "must be >= 0, got -1)"),
    ("factors", "-8", "factors = -8 unquoted is refused too: factors must be >= 1, got -8)")])
def test_a_quoted_model_parameter_refused_unquoted_too_says_so(key, text, rule):
    message = _model_refusal({key: text})
    assert "write it without them" not in message
    assert message.endswith(f"(a number in quotes is text, and {rule}"), message


def test_a_quoted_choice_refused_unquoted_names_the_parameter():
    tune = {"model": "als", "space": {"factors": {"type": "categorical",
                                                  "choices": ["-8", 16]}}}
    assert _model_refusal(tune=tune).endswith(
        "(a number in quotes is text, and -8 unquoted is refused too: factors must be >= 1, "
        "got -8)")


@pytest.mark.parametrize("key, text, toml", [("regularization", ".1", "0.1"),
                                             ("factors", "08", "8")])
def test_a_quoted_model_parameter_is_shown_as_toml_writes_it(key, text, toml):
    assert _model_refusal({key: text}).endswith(
        f"(a number in quotes is text: write it without them, {key} = {toml})")


def test_a_quoted_log_flag_in_a_search_space_is_told_to_drop_the_quotes():
    tune = {"model": "als", "space": {"factors": {"type": "int", "low": 8, "high": 16,
                                                  "log": "true"}}}
    assert _model_refusal(tune=tune).endswith(
        'log = "true": expected true or false (true and false are written without quotes, '
        "in lower case: log = true)")


@pytest.mark.parametrize("typed, char, position, code", [
    ("most_p\u043epular", "\u043e", 7, "U+043E CYRILLIC SMALL LETTER O"),
    ("\uff4dost_popular", "\uff4d", 1, "U+FF4D FULLWIDTH LATIN SMALL LETTER M")])
def test_a_model_name_with_a_look_alike_letter_names_the_letter(typed, char, position, code):
    # "did you mean 'most_popular'?" of a name that prints as 'most_popular' showed nothing
    raw = {"data": {"source": "synthetic"}, "split": {"method": "random"},
           "models": [{"type": typed}]}
    with pytest.raises(ConfigError) as caught:
        parse_experiment(raw, source="exp.toml")
    assert (f"(did you mean 'most_popular'? {typed!r} holds {char!r} at position "
            f"{position}, {code}: retype it in ASCII)") in str(caught.value)


def test_a_metric_with_a_look_alike_letter_names_the_letter():
    message = _refusal(metrics=["nd\u0441g"])  # a Cyrillic с
    assert "holds '\u0441' at position 3, U+0441 CYRILLIC SMALL LETTER ES" in message


def test_a_tune_metric_with_a_look_alike_letter_names_the_letter():
    # it was told the form NAME@K alone, of a name that prints as 'ndcg@10'
    tune = {"model": "als", "metric": "nd\u0441g@10"}
    message = _model_refusal(tune=tune)
    assert ("(did you mean 'ndcg'? 'nd\u0441g' holds '\u0441' at position 3, U+0441 "
            "CYRILLIC SMALL LETTER ES: retype it in ASCII)") in message, message


_NO_USER = "~recstack-no-such-user-135"


def _exits_naming(argv, capsys, *words):
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    for word in words:
        assert word in err, err
    return err


@pytest.mark.parametrize("argv", [
    ["evaluate", "exp.toml", "--out", f"{_NO_USER}/res"],
    ["data", "fetch", "movielens-100k", "--cache-dir", f"{_NO_USER}/cache"],
    ["recommend", "als", "--registry", f"{_NO_USER}/models", "--users", "1"],
    ["data", "info", f"{_NO_USER}/ratings.csv"]])
def test_a_home_of_no_user_is_refused_naming_the_option(argv, tmp_path, monkeypatch, capsys):
    # it was pathlib's RuntimeError "Could not determine home directory", a traceback
    monkeypatch.chdir(tmp_path)
    _exits_naming(argv, capsys, f"'{_NO_USER[1:]}', but there is no such user")
    assert list(tmp_path.iterdir()) == []


def test_a_home_when_home_is_empty_is_refused(tmp_path, monkeypatch, capsys):
    # Python expands '~/res' with HOME='' to '/res': the results went under the root folder
    monkeypatch.setenv("HOME", "")
    _exits_naming(["evaluate", str(tmp_path / "exp.toml"), "--out", "~/res"], capsys,
                  "--out", "HOME is set empty")


def test_a_source_in_a_home_of_no_user_is_refused():
    with pytest.raises(ConfigError, match=r"^\[data\] source: '~recstack-no-such-user-135/x"
                                          r"\.csv' starts with ~recstack-no-such-user-135"):
        resolve_source(f"{_NO_USER}/x.csv", where="[data] source: ")


def test_a_split_folder_in_a_home_of_no_user_is_refused():
    raw = {"data": {"split": f"{_NO_USER}/split"}, "models": [{"type": "most_popular"}]}
    with pytest.raises(ConfigError, match=r"split = \"~recstack-no-such-user-135/split\" "
                                          r"starts with ~recstack-no-such-user-135"):
        parse_experiment(raw, source="exp.toml")
