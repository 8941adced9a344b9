"""Hundred-sixth bad-input probe of the command line, experiment files and data sources:
numbers in a ``synthetic:...`` source written as Python alone reads them (``1_000``), a
metric's cut-off K that is no whole number >= 1 (``ndcg@0``), and a split's settings
printed as Python keywords while its errors name the flags."""

from __future__ import annotations

import pytest

from recstack.cli import main
from recstack.config import parse_experiment
from recstack.data.sources import load_source
from recstack.errors import ConfigError, RecstackError
from recstack.specs import NUMBER_TEXT_RULE, SEED_RULE

SMALL = "n_users=60,n_items=40,n_interactions=600"


@pytest.mark.parametrize("name, value, kind", [("n_users", "1_000", "an integer"),
                                               ("n_users", "\u0661\u0660", "an integer"),
                                               ("noise", "0.1_0", "a number")])
def test_a_synthetic_number_python_alone_reads_is_told_the_rule(name, value, kind):
    # before: "synthetic: n_users must be an integer, got '1_000'" (noise=0.1_0: "must be
    # a number"), the rule for writing a number unsaid
    with pytest.raises(ConfigError) as error:
        load_source(f"synthetic:{name}={value}")
    assert str(error.value) == (f"synthetic: {name} must be {kind}, got {value!r} (a number "
                                f"is written in {NUMBER_TEXT_RULE})")


def test_a_synthetic_seed_python_alone_reads_is_told_both_rules():
    # the seed has the data layer's one rule (a whole number in [0, 2**32 - 1]), said with
    # the rule for writing a number
    with pytest.raises(ConfigError) as error:
        load_source("synthetic:seed=1_0")
    assert str(error.value) == ("synthetic: seed = '1_0': expected a whole number; a seed is "
                                f"{SEED_RULE} (a number is written in {NUMBER_TEXT_RULE})")


def test_the_rule_is_told_on_the_command_line_and_in_an_experiment(capsys):
    assert main(["data", "info", "synthetic:n_users=1_000"]) == 2
    err = capsys.readouterr().err
    assert "n_users must be an integer, got '1_000' (a number is written in plain" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    raw = {"data": {"source": "synthetic:n_items=2_0"}, "split": {"method": "random"},
           "models": [{"type": "most_popular"}]}
    with pytest.raises(RecstackError, match=r"n_items must be an integer, got '2_0' \(a "
                                            r"number is written in"):
        parse_experiment(raw, source="exp.toml")


def test_plain_synthetic_numbers_are_still_read():
    data = load_source(f"synthetic:{SMALL},seed=3,noise=0.5")
    assert (data.n_users, data.n_items, len(data)) == (60, 40, 600)


def test_options_joined_by_a_newline_get_the_comma_spelling():
    # the suggested spelling kept the newline: 'synthetic:n_users=10,\nn_items=5'
    with pytest.raises(ConfigError, match=r"separate name=value options by commas: "
                                          r"synthetic:n_users=10,n_items=5$"):
        load_source("synthetic:n_users=10\nn_items=5")


def _experiment(tune):
    raw = {"data": {"source": "synthetic"}, "split": {"method": "random"},
           "models": [{"type": "als"}], "tune": tune}
    return parse_experiment(raw, source="exp.toml")


@pytest.mark.parametrize("metric, k", [("ndcg@0", "0"), ("ndcg@-1", "-1"),
                                       ("recall@1_0", "1_0"), ("ndcg@\u0661\u0660", "\u0661\u0660"),
                                       ("ndcg@10.0", "10.0"), ("ndcg@", "")])
def test_a_tuned_metric_with_no_whole_cutoff_says_k_at_least_1(metric, k):
    # before: only "expected a name like 'ndcg@10'", the cut-off's rule unsaid
    with pytest.raises(ConfigError, match=rf'^exp.toml: \[tune\] metric = "{metric}": '
                                          r"expected a name like 'ndcg@10', with K a whole "
                                          rf'number >= 1 in the digits 0-9 \(got K = "{k}"\)$'):
        _experiment({"model": "als", "metric": metric})


@pytest.mark.parametrize("metric", ["ndcg@10", "recall@1", "ndcg", "auc"])
def test_tuned_metrics_that_are_right_are_taken(metric):
    assert _experiment({"model": "als", "metric": metric}).tune.metric == metric


SPLIT = ["data", "split", f"synthetic:{SMALL}"]


@pytest.mark.parametrize("options, head", [
    (["--method", "random", "--test-fraction", "2e-1"],
     "random split (--test-fraction 2e-1, --seed 0 by default)"),
    (["--method", "random", "--seed", "7"],
     "random split (--test-fraction 0.2 by default, --seed 7)"),
    (["--method", "users", "--test-users", "0.25", "--no-by-time"],
     "users split (--test-users 0.25, --fold-in-fraction 0.8 by default, --no-by-time, "
     "--seed 0 by default)"),
    (["--method", "temporal", "--cutoff", "2020-03-01"], "temporal split (--cutoff 2020-03-01)"),
    (["--method", "leave_last_out", "--n", "2"], "leave_last_out split (--n 2)"),
])
def test_the_split_printed_names_its_settings_as_flags(tmp_path, capsys, options, head):
    # before: "random split (test_fraction=0.2, seed=0)", Python keywords where every error
    # names the flags typed (and "user split" of --method users)
    assert main([*SPLIT, *options, "--out", str(tmp_path / "out")]) == 0
    assert capsys.readouterr().out.splitlines()[0] == head


def test_a_kfold_split_names_each_fold(tmp_path, capsys):
    assert main([*SPLIT, "--method", "kfold", "--k", "2", "--out", str(tmp_path / "o")]) == 0
    out = capsys.readouterr().out
    assert ("fold-1: kfold split (--k 2, fold 1, --stratify user by default, --seed 0 by "
            "default)") in out
    assert "=" not in out.split("wrote")[0]


@pytest.mark.parametrize("command", [
    ["data", "synth", "--users", "10", "--items", "10", "--interactions", "50", "--out"],
    [*SPLIT, "--out"],
    ["demo", "--out"],
])
@pytest.mark.parametrize("name", ["out\n", "o\rut", "a\tb"])
def test_an_output_named_with_a_control_character_is_refused(tmp_path, capsys, monkeypatch,
                                                              command, name):
    # before: a folder whose name held the line break (or tab) pasted with it was written
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_:
        main([*command, name])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert (f"argument --out: {name!r} holds the control character "
            "") in err and "without line breaks, tabs or other control characters" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("flag, name", [(["tune", "e.toml", "--out"], "best\n.toml"),
                                        (["report", "results", "--out"], "page\t.html"),
                                        (["recommend", "m", "--users", "1", "--out"],
                                         "lists\r.csv")])
def test_an_output_file_named_with_a_control_character_is_refused(tmp_path, capsys,
                                                                   monkeypatch, flag, name):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit):
        main([*flag, name])
    assert f"--out: {name!r} holds the control character" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_an_output_named_with_other_letters_is_written(tmp_path, capsys):
    out = tmp_path / "données é"
    assert main(["data", "synth", "--users", "10", "--items", "10", "--interactions", "50",
                 "--out", str(out)]) == 0
    assert (out / "interactions.parquet").is_file()


@pytest.fixture
def ratings(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("user,item,rating\n1,10,4\n1,11,3\n2,10,5\n2,12,1\n3,11,2\n3,12,4\n")
    return path


@pytest.mark.parametrize("typed, item", [("1_0,5", "'1_0' is not one (write it in plain "
                                                   "ASCII digits"),
                                         ("\u0663,5", "'\u0663' is not one (write it in plain"),
                                         ("1,x", "'x' is not one")])
def test_a_list_flag_names_the_item_that_is_no_number(ratings, capsys, typed, item):
    # before: "expected comma-separated numbers, got '1_0,5'", neither the item nor the rule
    with pytest.raises(SystemExit):
        main(["data", "info", str(ratings), "--user-col", "user", "--item-col", "item",
              "--value-col", "rating", f"--rating-range={typed}"])
    err = capsys.readouterr().err
    assert f"argument --rating-range: expected comma-separated numbers, got {typed!r}: {item}" \
        in err


def test_a_split_refusal_names_the_settings_left_at_their_defaults_as_flags(ratings, tmp_path,
                                                                              capsys):
    # before: "random split left no test rows (test_fraction=0.2) ... raise test_fraction
    # to at least 0.25", of a command line that gave no --test-fraction
    assert main(["data", "split", str(ratings), "--user-col", "user", "--item-col", "item",
                 "--method", "random", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "random split left no test rows (--test-fraction 0.2)" in err
    assert "raise --test-fraction to at least" in err and "test_fraction" not in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("typed", ["r.csv\n", " r.csv", "r.csv\r\n"])
def test_a_source_pasted_with_a_line_break_or_space_names_the_file_meant(ratings, monkeypatch,
                                                                       typed):
    # before: "no such file or folder: 'r.csv\n' (looked at .../r.csv\n)", which the
    # command line showed as "(looked at .../r.csv; )"
    monkeypatch.chdir(ratings.parent)
    with pytest.raises(ConfigError) as error:
        load_source(typed)
    message = str(error.value)
    assert "\n" not in message
    assert "(it starts or ends with a space or a line break; did you mean 'r.csv'?)" in message
