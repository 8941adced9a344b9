"""Hundred-forty-eighth bad-input probe of the command line, experiment files and specs:
values of thousands of characters echoed whole in messages (a 5,000-character TOML string,
``--timestamp`` of thousands of digits, argparse's "unrecognized arguments"), and a spec
subclass named as its parent in a misspelt-argument message. Each test failed before its
fix."""

from __future__ import annotations

import pytest

from recstack.cli import main
from recstack.config import load_experiment, parse_experiment
from recstack.data.sources import load_source
from recstack.data.splits import RandomSplit, random_split
from recstack.errors import ConfigError
from recstack.evaluation.evaluator import Evaluator

LONG = "x" * 5000
#: LONG as every message shows it: its first 60 characters, '...', its last 20, its length
SHOWN = f"{'x' * 60}...{'x' * 20} (5,000 characters)"
EXPERIMENT = ('[data]\nsource = "synthetic"\n[split]\nmethod = "random"\n[[models]]\n'
              'type = "most_popular"\n')


def one_line(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    return err.strip()


@pytest.mark.parametrize("toml, says", [
    (EXPERIMENT.replace('"random"', f'"{LONG}"'),
     f"[split] method: '{SHOWN[:83]}' {SHOWN[84:]} is not a known split method"),
    (EXPERIMENT.replace('"most_popular"', f'"{LONG}"'),
     f'[[models]] #1 type: "{SHOWN[:83]}" {SHOWN[84:]} is not a known model'),
    (EXPERIMENT + f"{LONG} = 1\n",
     f"unknown key '{SHOWN[:83]}' {SHOWN[84:]} for most_popular"),
])
def test_a_long_toml_string_is_cut_with_its_length(tmp_path, monkeypatch, capsys, toml, says):
    # before: the 5,000 characters repeated whole in a message of 5,100
    path = tmp_path / "exp.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError) as error:
        load_experiment(path)
    assert says in str(error.value) and len(str(error.value)) < 600
    monkeypatch.chdir(tmp_path)
    assert main(["evaluate", "exp.toml"]) == 2
    err = one_line(capsys)
    assert says in err and len(err) < 600


@pytest.mark.parametrize("arguments, says", [
    # argparse's own message: "unrecognized arguments: --timestamp 1111...(5,000 digits)"
    (["data", "split", "synthetic", "--timestamp", "1" * 5000, "--out", "o"],
     f"unrecognized arguments: --timestamp {'1' * 60}...{'1' * 20} (5,000 digits)"),
    (["evaluate", "exp.toml", LONG], f"unrecognized arguments: {SHOWN}"),
    ([LONG], f"invalid choice: '{SHOWN[:83]}' {SHOWN[84:]}"),
    (["data", "synth", "--users", LONG, "--out", "o"],
     f"argument --users: expected a whole number, got '{SHOWN[:83]}' {SHOWN[84:]}"),
    (["data", "info", f"synthetic:{LONG}=1"], f"no setting '{SHOWN[:83]}' {SHOWN[84:]}"),
    (["data", "split", "synthetic", "--method", LONG, "--out", "o"],
     f"--method: '{SHOWN[:83]}' {SHOWN[84:]} is not a known split method"),
    # the --filter option as typed: its own cut (80 characters, no length) became the shared one
    (["data", "split", "synthetic", "--filter", f"k_core:{LONG}=3", "--out", "o"],
     f"argument --filter: k_core:{'x' * 53}...{'x' * 18}=3 (5,009 characters): unknown key "
     f"'{SHOWN[:83]}' {SHOWN[84:]} for k_core"),
])
def test_a_long_command_line_value_is_cut_with_its_length(tmp_path, monkeypatch, capsys,
                                                          arguments, says):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "exp.toml").write_text(EXPERIMENT)
    try:
        code = main(arguments)
    except SystemExit as exit_:
        code = exit_.code
    assert code == 2
    err = one_line(capsys)
    assert says in err and len(err) < 600
    assert not (tmp_path / "o").exists()


def test_many_unrecognized_arguments_are_counted_not_listed(tmp_path, monkeypatch, capsys):
    # before: every one of 2,000 stray words repeated ("unrecognized arguments: w0 w1 ...")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "exp.toml").write_text(EXPERIMENT)
    with pytest.raises(SystemExit):
        main(["evaluate", "exp.toml", *(f"w{i}" for i in range(2000))])
    err = one_line(capsys)
    assert err.endswith("unrecognized arguments: w0 w1 w2 w3 w4 w5 w6 w7 (and 1,992 more)")


def test_a_value_at_the_readable_length_is_shown_whole(capsys):
    # the rule cuts only what is longer than 120 characters (specs.ECHO_MOST)
    name = "q" * 120
    with pytest.raises(ConfigError, match=f"no setting '{name}';"):
        load_source(f"synthetic:{name}=1")


def test_the_python_functions_cut_a_long_value_too():
    with pytest.raises(ConfigError) as error:
        parse_experiment({"data": {"source": "synthetic"}, "split": {"method": LONG},
                          "models": [{"type": "most_popular"}]})
    assert str(error.value) == (f"<experiment>: [split] method: '{SHOWN[:83]}' {SHOWN[84:]} "
                                "is not a known split method; known: random, temporal, "
                                "leave_last_out, users, kfold")
    with pytest.raises(ConfigError) as error:
        random_split(None, 0.2, **{LONG: 1})
    assert str(error.value).startswith(f"random_split() has no argument '{SHOWN[:83]}' "
                                       f"{SHOWN[84:]}; it takes random_split(")


# ------------------------------------------------------------------ spec subclasses
def test_a_subclass_inheriting_its_parents_init_is_named_as_called():
    # before: "RandomSplit() has no argument 'test_frac'", a class the user never wrote
    class HoldOut(RandomSplit):
        pass

    with pytest.raises(ConfigError) as error:
        HoldOut(test_frac=0.2)
    assert str(error.value) == ("HoldOut() has no argument 'test_frac' (did you mean "
                                "'test_fraction'?); it takes HoldOut(test_fraction, seed)")
    with pytest.raises(ConfigError, match=r"^RandomSplit\(\) has no argument 'test_frac'"):
        RandomSplit(test_frac=0.2)


def test_a_subclass_of_a_wrapped_class_is_named_as_called():
    class MyEvaluator(Evaluator):
        pass

    with pytest.raises(ConfigError, match=r"^MyEvaluator\(\) has no argument 'kss' \(did you "
                                          r"mean 'ks'\?\); it takes MyEvaluator\(metrics, "):
        MyEvaluator(kss=[5])


def test_a_path_is_shown_whole_however_deep(tmp_path, capsys):
    # a path is where to look: one of a few hundred characters is not cut (up to 1,024)
    deep = tmp_path.joinpath(*(["folder_of_a_long_name_" + "d" * 20] * 6))
    deep.mkdir(parents=True)
    missing = deep / "exp.toml"
    assert len(str(missing)) > 250
    assert main(["evaluate", str(missing)]) == 2
    assert f"{missing}: no such experiment file" in one_line(capsys)
