"""Hundred-sixty-fifth bad-input probe: one style for a mistake of an option, whoever finds it.

- A refusal of an option's value by the library came out as ``recstack: error: --k = 1:
  ...`` beside the parser's ``recstack data split: error: argument --k: ..., got 1``; both
  are the parser's form now, and an option given twice says so in it too.
- Upper bounds were "at most N" on the command line and "<= N" in files: ``<=`` everywhere,
  as a spec field's bound is.
- ``--out=-q`` wrote a folder named ``-q``: a name to write that looks like an option is
  refused, with the ``./-q`` spelling for one meant so.
- A long value holding spaces was repeated whole (the cutting rule takes a run without
  spaces for a value).
- ``did_you_mean`` offered 'n_items' for 'notes' (4 of 12 characters alike).
- ``data split --method users --k 2`` listed the split's options in another order per run.
"""

from __future__ import annotations

import pytest

from recstack.cli import main
from recstack.config import TRIALS_MAX, load_experiment
from recstack.errors import ConfigError
from recstack.specs import SEED_MAX, closest, did_you_mean

LOG = "user_id,item_id,value\n" + "".join(f"{u},{i},{1 + (u + i) % 5}\n"
                                          for u in range(1, 9) for i in range(1, 7))


@pytest.fixture
def log(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(LOG, encoding="utf-8")
    return path


def last_line(capsys) -> str:
    return capsys.readouterr().err.strip().splitlines()[-1]


def refused(capsys, *argv: str) -> str:
    with pytest.raises(SystemExit) as stop:
        code = main(list(argv))
        raise SystemExit(code)
    assert stop.value.code == 2
    return last_line(capsys)


# ---------------------------------------------------------------- the parser's form
@pytest.mark.parametrize(("argv", "said"), [
    # the split's own refusal of a value: the value after the problem, as the parser puts it
    (["--method", "temporal", "--test-fraction", "0"],
     "argument --test-fraction: must be in (0, 1), got 0"),
    # an option the chosen method does not take, in the split's order of its options
    (["--method", "users", "--k", "2"],
     "argument --k: does not apply to the users split (it is for: kfold); the users split "
     "takes --test-users, --fold-in-fraction, --by-time, --seed"),
    # the value quoted by the problem itself is not said twice
    (["--filter", "k_cor"],
     "argument --filter: k_cor: 'k_cor' is not a known filter type (did you mean 'k_core'?); "
     "known: k_core, min_value, time_window, deduplicate"),
    (["--k", "3", "--method", "kfold", "--k", "4"],
     "argument --k: given twice (3, then 4); give it once"),
])
def test_a_split_option_mistake_is_said_as_the_parser_says_it(tmp_path, log, capsys, argv,
                                                               said):
    line = refused(capsys, "data", "split", str(log), *argv, "--out", str(tmp_path / "s"))
    assert line == f"recstack data split: error: {said}"
    assert not (tmp_path / "s").exists()


def test_a_loader_option_value_refused_by_the_library_is_in_the_parsers_form(log, capsys):
    line = refused(capsys, "data", "info", str(log), "--separator", ";;")
    assert line == ("recstack data info: error: argument --separator: expected one character "
                    "such as ',', ';' or a tab, got ';;'")


def test_a_refusal_about_no_option_keeps_the_programs_prefix(tmp_path, capsys):
    line = refused(capsys, "evaluate", str(tmp_path / "missing.toml"))
    assert line.startswith("recstack: error: ") and "no such experiment file" in line


# ---------------------------------------------------------------- one bound wording
def test_an_upper_bound_is_said_with_the_same_sign_as_a_lower_one(tmp_path, capsys):
    line = refused(capsys, "data", "synth", "--seed", str(SEED_MAX + 1), "--out",
                   str(tmp_path / "o"))
    assert f"argument --seed: must be <= {SEED_MAX}, got {SEED_MAX + 1};" in line
    assert "at most" not in line


def test_a_run_size_in_a_file_is_bounded_in_the_same_words(tmp_path):
    path = tmp_path / "e.toml"
    path.write_text('[data]\nsource = "synthetic"\n[split]\nmethod = "random"\n'
                    '[evaluation]\nn_threads = 4097\n'
                    '[[models]]\ntype = "random"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[evaluation\] n_threads = 4097: must be <= 4096 "):
        load_experiment(path)


def test_a_search_budget_is_bounded_in_the_same_words():
    from recstack.data.synthetic import generate
    from recstack.tuning import search

    data = generate(n_users=30, n_items=20, n_interactions=300, seed=0)
    space = {"regularization": {"type": "float", "low": 1.0, "high": 10.0}}
    with pytest.raises(ConfigError, match=rf"trials = {TRIALS_MAX + 1}: expected a whole "
                                          rf"number of trials in \[1, {TRIALS_MAX}\]$"):
        search("ease", data, data, space, trials=TRIALS_MAX + 1)


def test_a_gate_margin_is_bounded_in_the_same_words():
    import pandas as pd

    from recstack.ops.gate import decide

    values = pd.Series([0.5, 0.4, 0.3], index=[1, 2, 3])
    with pytest.raises(ConfigError, match=r"^gate: margin must be <= 1 for ndcg@10 "):
        decide(values, values, metric="ndcg@10", margin=5, min_users=2)


# ---------------------------------------------------------------- names like options
@pytest.mark.parametrize("value", ["-q", "--overwrite"])
def test_an_output_named_like_an_option_is_refused(tmp_path, log, capsys, monkeypatch, value):
    monkeypatch.chdir(tmp_path)
    line = refused(capsys, "data", "split", str(log), f"--out={value}")
    assert line == (f"recstack data split: error: argument --out: {value!r} starts with '-', "
                    f"as an option does: an option was given where the file or folder to "
                    f"write belongs; if that is its name, write ./{value}")
    assert list(tmp_path.iterdir()) == [log]


def test_an_option_read_where_the_output_belongs_is_told_the_dot_spelling(log, capsys):
    line = refused(capsys, "data", "split", str(log), "--out", "-q")
    assert line.endswith("(the value '-q' starts with '-', so it was read as an option; if "
                         "that is the name to write, write --out ./-q)")


def test_the_dot_spelling_writes_the_folder(tmp_path, log, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["data", "split", str(log), "--out", "./-q"]) == 0
    assert (tmp_path / "-q" / "train.parquet").is_file()


# ---------------------------------------------------------------- long values with spaces
def test_a_long_value_holding_spaces_is_cut(log, capsys):
    long = "ab cd " * 100  # 600 characters, no run of them longer than 2
    line = refused(capsys, "data", "info", str(log), "--user-col", long)
    cut = long[:60] + "..." + long[-20:]
    assert line == (f"recstack: error: {log}: no column {cut!r} (600 characters) for user "
                    f"ids; the columns are: 'user_id', 'item_id', 'value'")


def test_a_long_spaced_value_the_parser_refuses_is_cut(log, capsys):
    long = "x y " * 100
    line = refused(capsys, "data", "split", str(log), "--method", long, "--out", "o")
    assert f"{long[:60] + '...' + long[-20:]!r} (400 characters) is not a known" in line
    assert len(line) < 300


# ---------------------------------------------------------------- did you mean
@pytest.mark.parametrize(("name", "known", "near"), [
    ("notes", ["n_items", "n_users"], None),  # 4 of 12 characters alike: no slip
    ("sed", ["notes", "n_items"], None),
    ("k", ["ks", "metrics"], "ks"),  # a start
    ("iters", ["iterations"], "iterations"),  # a shortening
    ("lgbm", ["lightgbm", "xgboost"], "lightgbm"),
    ("popular", ["most_popular", "random"], "most_popular"),  # an end
    ("ndgc", ["ndcg", "map"], "ndcg"),  # two letters swapped
    ("treshold", ["threshold"], "threshold"),  # one missed
    ("ITEM_KNNN", ["item_knn"], "item_knn"),  # case, and one added
    ("notes", [], None),
])
def test_only_a_slip_of_the_keys_is_suggested(name, known, near):
    assert closest(name, known) == near
    assert did_you_mean(name, known) == ("" if near is None else f" (did you mean {near!r}?)")


def test_a_setting_far_from_every_name_is_offered_none():
    from recstack.data.sources import SyntheticSource

    # it was "no setting 'notes' (did you mean 'n_items'?)"
    with pytest.raises(ConfigError) as error:
        SyntheticSource(settings="notes=1").check()
    assert str(error.value).startswith("synthetic: no setting 'notes'; settings: n_users, ")


def test_an_experiment_key_far_from_every_key_is_offered_none(tmp_path):
    path = tmp_path / "e.toml"
    path.write_text('moods = 1\n[data]\nsource = "synthetic"\n[split]\nmethod = "random"\n'
                    '[[models]]\ntype = "random"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as error:  # it was "(did you mean 'models'?)"
        load_experiment(path)
    assert str(error.value) == (f"{path}: unknown key 'moods'; known keys: name, seed, output, "
                                "data, filters, split, evaluation, models, tune, report, spark")


@pytest.mark.parametrize("blank", [" ", "\t "])
def test_a_blank_path_is_named_as_typed_not_called_empty(tmp_path, log, capsys, blank):
    line = refused(capsys, "data", "split", str(log), "--out", blank)
    assert line == (f"recstack data split: error: argument --out: expected a path, got "
                    f"{blank!r} (only whitespace)")
