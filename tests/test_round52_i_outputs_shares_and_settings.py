"""Round 52 (I): mistakes a new user makes with the CLI, the experiment file and Python.

- ``write_recommendations`` called from Python took ``" m.csv"`` (written as a second file
  beside ``m.csv``) and ``"m.csv/"`` (written as the file ``m.csv``), and its refusals named
  ``--out``, an option a Python caller never gave.
- A share given as a count (``test_users = 5``) was refused with "must be in (0, 1)" alone.
- ``recstack evaluate x.toml --seed 3`` was told ``--seed`` is an option of ``data split``,
  and ``recstack tune x.toml --trials 5`` nothing, though both are settings of the file.
- A control character inside a quoted TOML string was said to be taken "only inside quoted
  strings".

Expected messages are written out by hand (5 of 1,000 users is 0.005; 5% is 0.05).
"""

from __future__ import annotations

import pandas as pd
import pytest

from recstack.cli import main
from recstack.config import TuneSpec, parse_experiment
from recstack.data.splits import UserSplit
from recstack.errors import ConfigError, RecstackError
from recstack.serving.commands import write_recommendations

ONE_LIST = pd.DataFrame({"user_id": ["u"], "rank": [1], "item_id": ["i"], "score": [0.5]})
SMALL = "synthetic:n_users=60,n_items=40,n_interactions=600,seed=1"
EXPERIMENT = f"""name = "t"
[data]
source = "{SMALL}"
[split]
method = "random"
[evaluation]
metrics = ["ndcg"]
ks = [5]
[[models]]
type = "most_popular"
"""


def _refusal(capsys, *argv: str) -> str:
    """stderr of a refused command line, checked to be one line without a traceback."""
    try:
        code = main(list(argv))
    except SystemExit as stopped:
        code = stopped.code
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and "Traceback" not in err, (code, out, err)
    assert err.count("\n") == 1, err
    return err.strip()


# ------------------------------------------------------------ write_recommendations(out)
@pytest.mark.parametrize(("name", "said"), [
    (" m.csv", "write_recommendations(out): ' m.csv' starts with a space, which makes it "
               "another file than 'm.csv'; write it without: 'm.csv'"),
    ("m.csv/", "write_recommendations(out): 'm.csv/' ends with '/', so it names a folder, "
               "but a CSV or Parquet table is written here; give the file's name, e.g. "
               "m.csv/file.csv"),
    ("m.txt", "write_recommendations(out): 'm.txt' ends with .txt, but this writes a CSV or "
              "Parquet table; name the file .csv or .parquet or .pq, e.g. m.csv"),
    ("m", "write_recommendations(out): 'm' has no extension, but the extension chooses what "
          "is written: name it .csv, .parquet or .pq, e.g. m.csv"),
])
def test_write_recommendations_refuses_names_as_the_command_line_does(tmp_path, monkeypatch,
                                                                     name, said):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(RecstackError) as caught:
        write_recommendations(ONE_LIST, name)
    assert str(caught.value) == said
    assert "--out" not in str(caught.value)
    assert list(tmp_path.iterdir()) == []  # nothing written, not even under another name


def test_write_recommendations_refuses_a_folder_by_its_own_name(tmp_path):
    (tmp_path / "lists.csv").mkdir()
    with pytest.raises(RecstackError, match=r"^write_recommendations\(out\): .*lists\.csv: is "
                                            r"a folder"):
        write_recommendations(ONE_LIST, tmp_path / "lists.csv")
    assert list((tmp_path / "lists.csv").iterdir()) == []


def test_write_recommendations_still_writes_a_plain_name(tmp_path):
    out = tmp_path / "lists.csv"
    assert write_recommendations(ONE_LIST, out) == 1
    assert out.read_text() == "user_id,rank,item_id,score\nu,1,i,0.5\n"


# ---------------------------------------------------------------- a share given as a count
COUNT_OF_USERS = ("must be in (0, 1); it is the share of users held out of training, not a "
                  "count or a percentage: 5 users would be the share 5 / the number of users "
                  "(5 of 1,000 is 0.005), and 5% is 0.05")


def test_user_split_told_a_count_of_users_is_a_share_in_python():
    with pytest.raises(ConfigError) as caught:
        UserSplit(test_users=5)
    assert str(caught.value) == f"users: test_users = 5: {COUNT_OF_USERS}"


def test_the_experiment_file_says_the_same_of_a_count_of_users():
    raw = {"data": {"source": SMALL}, "split": {"method": "users", "test_users": 5},
           "models": [{"type": "most_popular"}]}
    with pytest.raises(ConfigError) as caught:
        parse_experiment(raw, source="x.toml")
    assert str(caught.value) == f"x.toml: [split] test_users = 5: {COUNT_OF_USERS}"


def test_the_command_line_says_the_same_after_the_value_it_got(capsys, tmp_path):
    err = _refusal(capsys, "data", "split", SMALL, "--method", "users", "--test-users", "5",
                   "--out", str(tmp_path / "split"))
    assert err == ("recstack data split: error: argument --test-users: must be in (0, 1), "
                   "got 5; it is the share of users held out of training, not a count or a "
                   "percentage: 5 users would be the share 5 / the number of users (5 of "
                   "1,000 is 0.005), and 5% is 0.05")
    assert not (tmp_path / "split").exists()


def test_other_shares_name_their_own_rows_and_a_count_past_100_is_no_percentage():
    with pytest.raises(ConfigError) as caught:
        UserSplit(fold_in_fraction=250)
    assert str(caught.value) == (
        "users: fold_in_fraction = 250: must be in (0, 1); it is the share of a held-out "
        "user's rows given to the model, not a count: 250 rows would be the share 250 / the "
        "number of rows (250 of 1,000 is 0.25)")
    with pytest.raises(ConfigError) as caught:
        TuneSpec(validation_fraction=20)
    assert str(caught.value) == (
        "TuneSpec: validation_fraction = 20: must be in (0, 1); it is the share carved out of "
        "the training part to validate on, not a count or a percentage: a count of 20 would "
        "be the share 20 / the total (20 of 1,000 is 0.02), and 20% is 0.2")


@pytest.mark.parametrize("value", [1.5, 1, 0, -3])
def test_a_value_that_is_no_count_keeps_the_plain_refusal(value):
    with pytest.raises(ConfigError) as caught:
        UserSplit(test_users=value)
    assert str(caught.value) == f"users: test_users = {value}: must be in (0, 1)"


# ----------------------------------------------- a setting of the file given as an option
def test_evaluate_says_seed_is_written_in_the_experiment_file(capsys, tmp_path):
    (tmp_path / "x.toml").write_text(EXPERIMENT)
    err = _refusal(capsys, "evaluate", str(tmp_path / "x.toml"), "--seed", "3",
                   "--out", str(tmp_path / "res"))
    assert err == ("recstack evaluate: error: unrecognized arguments: --seed 3 (seed is a "
                   "setting of the experiment file, not an option of recstack evaluate: "
                   "write seed = ... at its top, before the first [table])")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.toml"]


@pytest.mark.parametrize(("command", "option", "table"), [
    ("tune", "--trials", "tune"), ("tune", "--validation-fraction", "tune"),
    ("evaluate", "--ks", "evaluation"), ("evaluate", "--test-fraction", "split"),
])
def test_a_tables_setting_given_as_an_option_names_its_table(capsys, tmp_path, command,
                                                            option, table):
    (tmp_path / "x.toml").write_text(EXPERIMENT)
    err = _refusal(capsys, command, str(tmp_path / "x.toml"), option, "5")
    key = option[2:].replace("-", "_")
    assert err.endswith(f"unrecognized arguments: {option} 5 ({key} is a setting of the "
                        f"experiment file, not an option of recstack {command}: write "
                        f"{key} = ... under its [{table}] table)"), err


def test_evaluate_model_is_not_sent_to_the_tune_table(capsys, tmp_path):
    (tmp_path / "x.toml").write_text(EXPERIMENT)
    err = _refusal(capsys, "evaluate", str(tmp_path / "x.toml"), "--model", "als")
    assert "[tune]" not in err and "unrecognized arguments: --model als" in err


# ------------------------------------------------------------ control characters in TOML
def test_a_control_character_in_a_string_is_not_said_to_belong_in_one(capsys, tmp_path):
    (tmp_path / "x.toml").write_text(EXPERIMENT.replace('name = "t"', 'name = "t\x01"'))
    err = _refusal(capsys, "evaluate", str(tmp_path / "x.toml"))
    assert err.endswith("column 10 holds '\\x01' (U+0001 a control character), which TOML "
                        "takes nowhere, not even inside a quoted string; remove it, or inside "
                        "\"...\" write it as the escape \\u0001"), err
