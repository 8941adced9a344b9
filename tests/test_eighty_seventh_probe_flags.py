"""Eighty-seventh bad-input probe, the command line's flags in messages: a check across a
spec's fields, and a source's refusal of loader options, named the fields (``cutoff:``,
``give cutoff or test_fraction, not both``, ``user_col = item_col``) where the user typed
flags (``--cutoff``). An experiment file keeps its keys' names. Each test failed before its
fix."""

from __future__ import annotations

import pytest

from recstack.cli import main
from recstack.config import load_experiment
from recstack.data.splits import SPLITS
from recstack.errors import ConfigError
from recstack.specs import build_spec, keys_as_given

LOG = "user_id,item_id,rating,timestamp\n1,1,5,100\n1,2,4,200\n2,1,3,300\n2,3,4,400\n"


def _error(capsys, *argv):
    try:
        code = main(list(argv))
    except SystemExit as exit_:  # refused by the parser itself (--cutoff abc)
        code = exit_.code
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    return err.strip()


@pytest.fixture()
def log(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(LOG)
    return str(path)


@pytest.mark.parametrize("flags, message", [
    # a mistake of one option is said as the parser says its own (round 165)
    (["--cutoff", "abc"], "data split: error: argument --cutoff: cannot read 'abc' as a time"),
    (["--cutoff", "2020-01-01", "--test-fraction", "0.2"],
     ": error: give --cutoff or --test-fraction, not both"),
])
def test_a_split_check_across_fields_names_the_flags(tmp_path, capsys, log, flags, message):
    err = _error(capsys, "data", "split", log, "--timestamp-col", "timestamp", "--method",
                 "temporal", *flags, "--out", str(tmp_path / "out"))
    assert err == f"recstack{message}" or err.startswith(f"recstack{message};") or err \
        == f"recstack {message}" or err.startswith(f"recstack {message};"), err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("flags, message", [
    # a mistake of one option is said as the parser says its own (round 165)
    (["--rating-range", "5,1"], "recstack data info: error: argument --rating-range: "
                                "expected [low, high] with low < high, got 5,1"),
    (["--separator", "ab"], "recstack data info: error: argument --separator: expected one "
                            "character such as ',', ';' or a tab, got 'ab'"),
    (["--context", "a,a"], "recstack data info: error: argument --context: expected "
                           "distinct, non-empty column names, got a,a"),
    (["--user-col", "x", "--item-col", "x"],
     "recstack: error: --user-col and --item-col are both 'x': one column cannot hold both "
     "the user ids and the item ids; name a different column with --user-col or --item-col"),
])
def test_a_loader_check_across_fields_names_the_flags(capsys, log, flags, message):
    assert _error(capsys, "data", "info", log, *flags) == message


def test_loader_flags_a_source_does_not_take_are_named_as_flags(capsys):
    err = _error(capsys, "data", "info", "synthetic:n_users=50,n_items=40,n_interactions=400",
                 "--separator", ";", "--user-col", "u")
    assert err == ("recstack: error: --user-col, --separator: loader options apply to CSV, "
                   "TSV and Parquet files, not to a synthetic source")


def test_an_experiment_file_keeps_its_keys_names(tmp_path):
    path = tmp_path / "x.toml"
    path.write_text('[data]\nsource = "synthetic"\n[split]\nmethod = "temporal"\n'
                    'cutoff = "abc"\n[[models]]\ntype = "random"\n')
    with pytest.raises(ConfigError, match=r"x\.toml: \[split\] cutoff: cannot read 'abc' as "
                                          r"a time"):
        load_experiment(path)


def test_build_spec_spells_the_keys_of_a_cross_field_message_as_given():
    def flag(name):
        return "--" + name.replace("_", "-")

    with pytest.raises(ConfigError, match=r"^give --cutoff or --test-fraction, not both$"):
        build_spec(SPLITS.get("temporal"), {"cutoff": 5, "test_fraction": 0.5},
                   key_text=flag)
    with pytest.raises(ConfigError, match=r"^give cutoff or test_fraction, not both$"):
        build_spec(SPLITS.get("temporal"), {"cutoff": 5, "test_fraction": 0.5})
    # a key inside another word, a quoted name or a Python keyword argument stays
    assert keys_as_given("n = 1, 'n', n_users, n=2, give n", ["n"], flag) == \
        "--n = 1, 'n', n_users, n=2, give --n"


@pytest.mark.parametrize("values, shown", [
    (None, "NoneType None"), ("test_fraction=0.5", 'str "test_fraction=0.5"'),
    ([("test_fraction", 0.5)], 'list [["test_fraction", 0.5]]')])
def test_options_that_are_no_table_are_refused_as_such(values, shown):
    # before: None was "'NoneType' object is not iterable", a text's letters were read as
    # keys ("unknown key 't' for random") and a list of pairs as one key per pair
    with pytest.raises(ConfigError) as caught:
        SPLITS.build("random", values, "x.toml: [split] ")
    assert str(caught.value) == (
        "x.toml: [split] expected a table of the options for random (key = value, in Python "
        f"a dict such as {{'test_fraction': ...}}), got {shown}")
