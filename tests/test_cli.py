import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from recstack.cli import main

SMALL = "synthetic:n_users=300,n_items=200,n_interactions=6000,seed=1"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_data_info_on_the_synthetic_source(capsys):
    code, out, _ = run(capsys, "data", "info", SMALL)
    assert code == 0
    assert "rows        6,000" in out and "users       300" in out
    code, out, _ = run(capsys, "data", "info", SMALL, "--json")
    summary = json.loads(out)
    assert summary["rows"] == 6000 and sum(summary["value_histogram"].values()) == 6000


def test_data_info_on_a_csv_with_a_column_mapping(tmp_path, capsys):
    path = tmp_path / "log.csv"
    path.write_text("who,what,stars,when\n1,10,4,100\n2,10,5,200\n2,11,3,300\n")
    code, out, _ = run(capsys, "data", "info", str(path), "--user-col", "who", "--item-col",
                       "what", "--value-col", "stars", "--timestamp-col", "when")
    assert code == 0 and "rows        3" in out and "items       2" in out
    assert "1970-01-01 00:01:40 .. 1970-01-01 00:05:00" in out


def test_user_mistakes_exit_2_with_one_line_and_no_traceback(tmp_path, capsys):
    path = tmp_path / "log.csv"
    path.write_text("user_id,item_id\n1,10\n")
    code, _, err = run(capsys, "data", "info", str(path), "--user-col", "uid")
    assert code == 2
    assert "'uid'" in err and "'user_id', 'item_id'" in err and "Traceback" not in err
    code, _, err = run(capsys, "data", "info", str(tmp_path / "nope.csv"))
    assert code == 2 and "no such file" in err


def test_data_split_writes_parquet_and_a_report(tmp_path, capsys):
    out_dir = tmp_path / "split"
    code, out, _ = run(capsys, "data", "split", SMALL, "--method", "leave_last_out", "--n", "2",
                       "--filter", "k_core:user_min=3,item_min=3", "--out", str(out_dir))
    assert code == 0, out
    train = pd.read_parquet(out_dir / "train.parquet")
    test = pd.read_parquet(out_dir / "test.parquet")
    report = json.loads((out_dir / "report.json").read_text())
    assert report["train_rows"] == len(train) and report["test_rows"] == len(test)
    assert test.groupby("user_id").size().max() <= 2
    merged = test.merge(train, on=["user_id", "item_id"])
    assert merged.empty
    # refusing to overwrite, and leaving the old output intact
    code, _, err = run(capsys, "data", "split", SMALL, "--out", str(out_dir))
    assert code == 2 and "--overwrite" in err
    assert len(pd.read_parquet(out_dir / "test.parquet")) == len(test)


def test_kfold_split_writes_one_folder_per_fold(tmp_path, capsys):
    code, _, _ = run(capsys, "data", "split", SMALL, "--method", "kfold", "--k", "3",
                     "--out", str(tmp_path / "folds"))
    assert code == 0
    sizes = [len(pd.read_parquet(tmp_path / "folds" / f"fold-{i}" / "test.parquet"))
             for i in range(3)]
    assert all(s > 0 for s in sizes)


def test_synth_command(tmp_path, capsys):
    out = tmp_path / "synth"
    code, _, _ = run(capsys, "data", "synth", "--users", "100", "--items", "80",
                     "--interactions", "1500", "--out", str(out))
    assert code == 0
    frame = pd.read_parquet(out / "interactions.parquet")
    assert len(frame) == 1500 and frame.user_id.nunique() == 100
    items = pd.read_parquet(out / "items.parquet")
    assert len(items) == 80 and "title" in items.columns
    # the folder is a source: interactions and the item table come back together
    from recstack.data.sources import load_source

    data = load_source(str(out))
    assert len(data) == 1500 and data.item_table is not None and len(data.item_table) == 80


def test_evaluate_runs_an_experiment_file(tmp_path, capsys):
    experiment = tmp_path / "exp.toml"
    experiment.write_text(f"""
name = "small"
[data]
source = "{SMALL}"
[split]
method = "random"
[evaluation]
metrics = ["ndcg", "recall", "coverage"]
ks = [5, 10]
[[models]]
type = "most_popular"
[[models]]
type = "random"
""")
    code, out, _ = run(capsys, "evaluate", str(experiment), "--out", str(tmp_path / "res"))
    assert code == 0
    assert "ndcg@10" in out and "most_popular" in out
    results = json.loads((tmp_path / "res" / "results.json").read_text())
    by_model = {m["model"]: m for m in results["models"]}
    assert by_model["most_popular"]["metrics"]["ndcg@10"]["mean"] > \
        by_model["random"]["metrics"]["ndcg@10"]["mean"]
    per_user = pd.read_csv(tmp_path / "res" / "per_user_random.csv")
    assert {"user_id", "ndcg@5", "recall@10"} <= set(per_user.columns)


def test_bad_experiment_key_exits_2(tmp_path, capsys):
    experiment = tmp_path / "exp.toml"
    experiment.write_text('[data]\nsource = "synthetic"\n[split]\nmethod = "rnd"\n'
                          '[[models]]\ntype = "random"\n')
    code, _, err = run(capsys, "evaluate", str(experiment))
    assert code == 2 and "[split] method: 'rnd' is not a known split method" in err


def test_the_installed_entry_point_reports_errors_with_exit_code_2(tmp_path):
    script = Path(sys.executable).with_name("recstack")
    if not script.exists():
        pytest.skip(f"the recstack console script is not installed next to {sys.executable}")
    result = subprocess.run([str(script), "data", "info", str(tmp_path / "missing.csv")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.startswith("recstack: error:") and "Traceback" not in result.stderr


def test_data_info_reads_a_movielens_folder_and_a_fetched_name(tmp_path, capsys, monkeypatch,
                                                               write_tiny_ml100k):
    folder = write_tiny_ml100k(tmp_path / "ml-100k")
    code, out, _ = run(capsys, "data", "info", str(folder))
    assert code == 0 and "ratings" in out
    monkeypatch.setenv("RECSTACK_CACHE", str(tmp_path / "empty-cache"))
    code, _, err = run(capsys, "data", "info", "movielens-100k")
    assert code == 2 and "recstack data fetch movielens-100k" in err


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    from recstack import __version__

    assert capsys.readouterr().out.strip() == f"recstack {__version__}"


@pytest.mark.parametrize(("argv", "heading"), [([], "commands:"), (["data"], "data commands:")])
def test_a_command_group_alone_prints_its_help_and_exits_2(capsys, argv, heading):
    code, out, err = run(capsys, *argv)
    assert code == 2 and heading in err and "usage: recstack" in err and out == ""


@pytest.mark.parametrize(("error", "line"), [
    (PermissionError(13, "Permission denied", "/data/out"), "/data/out: Permission denied"),
    (IsADirectoryError(21, "Is a directory", "/data/log.csv"), "/data/log.csv: Is a directory"),
    (NotADirectoryError(20, "Not a directory", "/data/f/x"), "/data/f/x: Not a directory"),
    (FileNotFoundError(2, "No such file or directory", "/nope"),
     "/nope: No such file or directory"),
    (OSError(28, "No space left on device", "/full/x"),
     "/full/x: No space left on device (the disk is full)"),
])
def test_operating_system_refusals_are_one_line_naming_the_path(monkeypatch, capsys, error,
                                                                 line):
    import recstack.cli as cli

    def fail(args):
        raise error

    monkeypatch.setattr(cli, "_data_info", fail)
    code, _, err = run(capsys, "data", "info", "synthetic")
    assert code == 2 and err == f"recstack: error: {line}\n"


def test_other_operating_system_errors_are_bugs_and_keep_their_traceback(monkeypatch):
    import recstack.cli as cli

    def fail(args):
        raise OSError(5, "Input/output error", "/disk")

    monkeypatch.setattr(cli, "_data_info", fail)
    with pytest.raises(OSError, match="Input/output error"):
        main(["data", "info", "synthetic"])


@pytest.mark.parametrize("argv", [
    ["evaluate", "exp.toml", "--n-threads", "-1"],
    ["evaluate", "exp.toml", "--batch-size", "0"],
    ["data", "synth", "--users", "-5", "--out", "x"],
])
def test_negative_counts_on_the_command_line_are_refused(capsys, argv):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert "must be >= " in capsys.readouterr().err


def write_experiment(path, body):
    path.write_text(body)
    return str(path)


@pytest.mark.parametrize(("argv", "message"), [
    (["data", "split", SMALL, "--method", "randm", "--out", "{tmp}/s"],
     "data split: error: argument --method: 'randm' is not a known split method (did you "
     "mean 'random'?)"),
    (["data", "split", SMALL, "--test-fraction", "1.5", "--out", "{tmp}/s"],
     "data split: error: argument --test-fraction: must be in (0, 1), got 1.5"),
    (["data", "split", SMALL, "--n", "2", "--out", "{tmp}/s"],
     "data split: error: argument --n: does not apply to the random split (it is for: "
     "leave_last_out)"),
    (["data", "split", SMALL, "--filter", "kcore:user_min=2", "--out", "{tmp}/s"],
     "argument --filter: kcore:user_min=2: 'kcore' is not a known filter type (did you mean "
     "'k_core'?)"),
    (["data", "split", SMALL, "--filter", "k_core:user_min", "--out", "{tmp}/s"],
     "argument --filter: k_core:user_min: option 'user_min' should look like name=value"),
    (["data", "split", SMALL, "--filter", "k_core:usermin=2", "--out", "{tmp}/s"],
     "argument --filter: k_core:usermin=2: unknown key 'usermin' for k_core (did you mean "
     "'user_min'?)"),
    (["data", "info", SMALL, "--separator", ";"],
     "argument --separator: loader options apply to CSV, TSV and Parquet files, not to a "
     "synthetic"),
    (["data", "info", "{tmp}/log.csv", "--rating-range", "5,1"],
     "argument --rating-range: expected [low, high] with low < high, got 5,1"),
    (["data", "info", "{tmp}/log.csv", "--timestamp-unit", "sec"],
     "argument --timestamp-unit: must be one of 's', 'ms', 'us', 'ns'"),
    (["data", "info", "{tmp}"], "a folder, but neither a MovieLens release"),
    (["data", "synth", "--out", "{tmp}/log.csv"],
     "argument --out: {tmp}/log.csv: names a file, but data synth writes a folder"),
    (["evaluate", "{tmp}/missing.toml"], "missing.toml: no such experiment file"),
    (["evaluate", "{tmp}"], "is a folder; give the experiment's .toml file"),
    (["evaluate", "{tmp}/threads.toml"], "[evaluation] n_threads = -2: must be >= 1"),
])
def test_user_mistakes_give_one_line_and_exit_2(tmp_path, capsys, argv, message):
    (tmp_path / "log.csv").write_text("user_id,item_id\n1,10\n")
    write_experiment(tmp_path / "threads.toml", f'[data]\nsource = "{SMALL}"\n[split]\n'
                     'method = "random"\n[evaluation]\nn_threads = -2\n'
                     '[[models]]\ntype = "random"\n')
    code, _, err = run(capsys, *[a.replace("{tmp}", str(tmp_path)) for a in argv])
    message = message.replace("{tmp}", str(tmp_path))
    assert code == 2, err
    # a mistake of one option is said as the parser says its own (recstack data split:
    # error: argument --k: ...), any other on the program's name
    prefix = (f"recstack {' '.join(argv[:2] if argv[0] == 'data' else argv[:1])}: error: "
              if "argument --" in message else "recstack: error: ")
    assert err.startswith(prefix) and err.count("\n") == 1, err
    assert message in err and "Traceback" not in err


def test_loader_options_reach_the_loader(tmp_path, capsys):
    path = tmp_path / "log.txt"
    path.write_text("1;10;4\n2;10;5\n2;11;3\n")
    code, out, err = run(capsys, "data", "info", str(path), "--separator", ";",
                         "--column-names", "who,what,stars", "--user-col", "who",
                         "--item-col", "what", "--value-col", "stars")
    assert code == 0, err
    assert "rows        3" in out and "items       2" in out


def test_data_split_output_is_the_input_of_an_experiment(tmp_path, capsys):
    code, _, err = run(capsys, "data", "split", SMALL, "--method", "leave_last_out",
                       "--out", str(tmp_path / "split"))
    assert code == 0, err
    test = pd.read_parquet(tmp_path / "split" / "test.parquet")
    experiment = write_experiment(tmp_path / "exp.toml", """
[data]
split = "split"
[evaluation]
metrics = ["ndcg"]
ks = [10]
[[models]]
type = "most_popular"
""")
    code, out, err = run(capsys, "evaluate", experiment, "--out", str(tmp_path / "res"))
    assert code == 0, err
    results = json.loads((tmp_path / "res" / "results.json").read_text())
    assert results["models"][0]["users_evaluated"] == test["user_id"].nunique()
    assert results["split"]["test_rows"] == len(test)  # nothing more set apart
    assert "users evaluated" in out
    # the second run refuses to overwrite, the flag allows it
    code, _, err = run(capsys, "evaluate", experiment, "--out", str(tmp_path / "res"))
    assert code == 2 and "--overwrite" in err
    code, _, _ = run(capsys, "evaluate", experiment, "--out", str(tmp_path / "res"),
                     "--overwrite")
    assert code == 0


def test_evaluate_writes_under_results_by_name(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    experiment = write_experiment(tmp_path / "exp.toml", f"""
name = "by-name"
[data]
source = "{SMALL}"
[split]
method = "random"
[evaluation]
metrics = ["ndcg"]
ks = [10]
[[models]]
type = "random"
""")
    code, _, err = run(capsys, "evaluate", experiment)
    assert code == 0, err
    assert (tmp_path / "results" / "by-name" / "summary.csv").is_file()


def test_tune_checks_where_it_writes_before_searching(tmp_path, capsys, monkeypatch):
    import recstack.tuning

    def no_search(*args, **kwargs):
        raise AssertionError("the search ran before the output was checked")

    monkeypatch.setattr(recstack.tuning, "tune", no_search)
    experiment = tmp_path / "exp.toml"
    experiment.write_text(f'[data]\nsource = "{SMALL}"\n[split]\nmethod = "random"\n'
                          '[[models]]\ntype = "most_popular"\n[tune]\nmodel = "most_popular"\n')
    data = tmp_path / "kept.toml"
    data.write_text("user_id,item_id\n1,10\n")
    for out, message in [
            (data, "kept.toml: already exists; pass --overwrite to replace it"),
            (experiment, "exp.toml: is the file this command reads"),
            (tmp_path, "is a folder, but a file is to be written there"),
            (data / "t.toml", f"cannot write it there: {data} is a file, not a folder")]:
        for extra in ([], ["--overwrite"]) if out == experiment else ([],):
            code, _, err = run(capsys, "tune", str(experiment), "--out", str(out), *extra)
            assert code == 2 and message in err and err.count("\n") == 1, err
    assert data.read_text() == "user_id,item_id\n1,10\n"  # never written over


def test_evaluate_out_under_a_file_names_the_file(tmp_path, capsys):
    experiment = tmp_path / "exp.toml"
    experiment.write_text(f'[data]\nsource = "{SMALL}"\n[split]\nmethod = "random"\n'
                          '[[models]]\ntype = "most_popular"\n')
    (tmp_path / "log.csv").write_text("x")
    code, _, err = run(capsys, "evaluate", str(experiment), "--out",
                       str(tmp_path / "log.csv" / "results"))
    assert code == 2
    assert f"cannot write the results there: {tmp_path / 'log.csv'} is a file, not a folder" \
        in err


def test_recommend_and_report_do_not_write_over_an_existing_file(tmp_path, capsys):
    # checked before the model is opened or the report built: neither exists here
    for name, argv in (("log.csv", ["recommend", str(tmp_path / "model"), "--users", "1"]),
                       ("page.html", ["report", str(tmp_path / "results")])):
        data = tmp_path / name
        data.write_text("user_id,item_id\n1,10\n")
        code, _, err = run(capsys, *argv, "--out", str(data))
        assert code == 2 and f"{name}: already exists; pass --overwrite" in err, err
        code, _, err = run(capsys, *argv, "--out", str(data), "--overwrite")
        assert code == 2 and "already exists" not in err  # on to the next check
        assert data.read_text() == "user_id,item_id\n1,10\n"


@pytest.mark.parametrize("argv", [
    ["data", "split", SMALL, "--test-fraction", "0.1", "--test-fraction", "0.3", "--out", "s"],
    ["data", "split", SMALL, "--method", "random", "--method=kfold", "--out", "s"],
    ["evaluate", "exp.toml", "--out", "a", "--out", "b"],
])
def test_an_option_given_twice_is_refused(capsys, argv):
    # argparse kept the last value silently, as spec options given twice once did
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert ": given twice (" in capsys.readouterr().err


def test_an_option_given_twice_names_the_option(capsys):
    with pytest.raises(SystemExit):
        main(["data", "split", SMALL, "--k", "2", "--method", "kfold", "--k", "3", "--out", "s"])
    # in the parser's words for an option's mistake, with the two values typed
    assert "recstack data split: error: argument --k: given twice (2, then 3); give it once" \
        in capsys.readouterr().err
