"""Hundred-fortieth probe: integers of more than 4,300 digits, which Python refuses to
read or write as decimal text. A TOML file holding one (``factors = 1000...0``, 5,001
digits) made ``recstack evaluate`` print int()'s traceback; one written in hexadecimal was
read, and every message that wrote it failed in turn; a command-line option echoed all its
digits as "expected a whole number", and a ``name=value`` spec was a traceback."""

from __future__ import annotations

import pytest

from recstack.cli import main
from recstack.config import load_experiment
from recstack.errors import ConfigError
from recstack.ops.pipeline_config import load_pipeline

#: 5,001 decimal digits: one past 10**5000
LONG = "1" + "0" * 5000
#: 4,200 hexadecimal digits, 16**4200 - 1: 5,058 decimal digits (4200 * log10(16) = 5057.1)
HEX = "0x" + "f" * 4200
PHRASE = "a 5,001-digit integer is too long to be a number here (at most 4,300 digits)"
HEX_PHRASE = ("a 5,058-digit integer (written in hexadecimal) is too long to be a number "
              "here (at most 4,300 digits)")

HEAD = '[data]\nsource = "synthetic"\n\n[split]\nmethod = "random"\n\n'


@pytest.mark.parametrize("text, line, key, phrase", [
    (HEAD + f'[[models]]\ntype = "als"\nfactors = {LONG}\n', 9,
     "factors (in [[models]])", PHRASE),
    (f"seed = {LONG}\n" + HEAD + '[[models]]\ntype = "most_popular"\n', 1, "seed", PHRASE),
    (HEAD + f'[evaluation]\nks = [\n  5,\n  {LONG},\n]\n\n[[models]]\ntype = "most_popular"\n',
     10, "ks (in [evaluation])", PHRASE),
    # an inline table: the key is the one inside the braces
    (HEAD + f'[[models]]\ntype = "als"\nsettings = {{ a = 1, b = {LONG} }}\n', 9,
     "b (in [[models]])", PHRASE),
    # '_' separators are not digits: 1_ then 5,001 digits is 5,002 of them
    (HEAD + f'[[models]]\ntype = "als"\nfactors = 1_{LONG}\n', 9, "factors (in [[models]])",
     PHRASE.replace("5,001", "5,002")),
    (HEAD + f'[[models]]\ntype = "als"\nfactors = {HEX}\n', 9, "factors (in [[models]])",
     HEX_PHRASE),
    (HEAD.replace('"random"\n', f'"random"\ntest_fraction = {HEX}\n')
     + '[[models]]\ntype = "most_popular"\n', 6, "test_fraction (in [split])", HEX_PHRASE),
])
def test_an_endless_integer_in_an_experiment_file_names_file_line_and_key(tmp_path, text,
                                                                          line, key, phrase):
    path = tmp_path / "x.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as refused:
        load_experiment(path)
    assert str(refused.value) == (f"{path}:{line}: {key} = {phrase}; no setting takes a "
                                  "number this long")


def test_digits_in_strings_and_comments_are_not_taken_for_the_number(tmp_path):
    path = tmp_path / "x.toml"
    path.write_text(f'# {LONG}\nname = "run"\n' + HEAD
                    + f'[[models]]\ntype = "als"\nlabel = "{LONG[:50]}"\nfactors = {LONG}\n')
    with pytest.raises(ConfigError, match=rf"^{path}:12: factors \(in \[\[models\]\]\) = a "
                                          r"5,001-digit integer"):
        load_experiment(path)


def test_a_number_just_below_the_limit_is_read_and_refused_by_its_setting(tmp_path):
    path = tmp_path / "x.toml"
    path.write_text(HEAD + f'[[models]]\ntype = "als"\nfactors = {"9" * 4300}\n')
    # the number is shown cut, its length said (specs.ECHO_MOST: 60 digits, '...', 20)
    with pytest.raises(ConfigError, match=r"factors = 9{60}\.\.\.9{20} \(4,300 digits\): "):
        load_experiment(path)


def test_the_command_line_exits_2_with_one_line(tmp_path, capsys):
    path = tmp_path / "x.toml"
    path.write_text(HEAD + f'[[models]]\ntype = "als"\nfactors = {LONG}\n')
    assert main(["evaluate", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err == (f"recstack: error: {path}:9: factors (in [[models]]) = {PHRASE}; no "
                   "setting takes a number this long\n")
    assert not (tmp_path / "out").exists()


def test_a_pipeline_file_names_its_endless_integer(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text('[data]\npartitions = "logs"\n\n[model]\ntype = "als"\n\n[registry]\n'
                    f'root = "registry"\nkeep = {LONG}\n')
    with pytest.raises(ConfigError) as refused:
        load_pipeline(path)
    assert str(refused.value) == (f"{path}:9: keep (in [registry]) = {PHRASE}; no setting "
                                  "takes a number this long")


@pytest.mark.parametrize("arguments, option", [
    (["recommend", "x", "--k", LONG], "--k"),
    (["recommend", "x", "--k", "-" + LONG], "--k"),
    (["data", "synth", "--users", LONG, "--out", "o"], "--users"),
    (["data", "synth", "--seed", LONG, "--out", "o"], "--seed"),
    (["serve", "--registry", "r", "--port", LONG], "--port"),
    (["data", "split", "synthetic", "--method", "leave_last_out", "--n", LONG,
      "--out", "o"], "--n"),
    # a float option: 5,001 digits are no finite float either
    (["data", "split", "synthetic", "--test-fraction", LONG, "--out", "o"],
     "--test-fraction"),
])
def test_an_endless_integer_option_is_named_by_its_length(tmp_path, monkeypatch, capsys,
                                                          arguments, option):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exited:
        main(arguments)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.endswith(f"error: argument {option}: {PHRASE}\n")
    assert err.count("\n") <= 3 and LONG not in err
    assert not (tmp_path / "o").exists()


def test_a_list_option_names_the_item(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit):
        main(["data", "split", "synthetic", "--rating-range", f"1,{LONG}", "--out", "o"])
    assert capsys.readouterr().err.endswith(
        f"error: argument --rating-range: item 2 of 2: {PHRASE}\n")


@pytest.mark.parametrize("arguments, says", [
    (["data", "split", f"synthetic:n_users={LONG}", "--out", "o"],
     f"recstack: error: synthetic option n_users: {PHRASE}\n"),
    (["data", "split", "synthetic", "--filter", f"k_core:user_min={LONG}", "--out", "o"],
     # the option as typed, cut to its first 60 and last 20 characters and its length
     # (in the parser's form for a mistake of one option, round 165)
     f"recstack data split: error: argument --filter: "
     f"{f'k_core:user_min={LONG}'[:60]}...{LONG[-20:]} "
     f"({len(LONG) + 16:,} characters): option user_min: {PHRASE}\n"),
])
def test_an_endless_integer_in_a_name_value_spec_is_one_line(tmp_path, monkeypatch, capsys,
                                                             arguments, says):
    monkeypatch.chdir(tmp_path)
    assert main(arguments) == 2
    assert capsys.readouterr().err == says
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("table, key", [
    ({"seed": LONG}, "seed"),
    ({"split": {"method": "random", "test_fraction": LONG}}, "test_fraction"),
    ({"models": [{"type": "als", "factors": LONG}]}, "factors"),
    ({"evaluation": {"ks": [LONG]}}, "ks"),
])
def test_an_endless_integer_in_quotes_is_told_its_length(table, key):
    # the hint read the quoted text as TOML (tomllib's traceback) or as the float inf
    from recstack.config import parse_experiment

    raw = {"data": {"source": "synthetic"}, "split": {"method": "random"},
           "models": [{"type": "als"}], **table}
    with pytest.raises(ConfigError) as refused:
        parse_experiment(raw, source="x.toml")
    message = str(refused.value)
    assert f"{key} = " in message
    assert message.endswith(f"(a number in quotes is text, and {PHRASE})")
