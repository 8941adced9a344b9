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
    code, out, _ = run(capsys, "data", "split", SMALL, "--method", "leave-last", "--n", "2",
                       "--k-core", "3", "--out", str(out_dir))
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
    out = tmp_path / "s.parquet"
    code, _, _ = run(capsys, "data", "synth", "--users", "100", "--items", "80",
                     "--interactions", "1500", "--out", str(out))
    assert code == 0
    frame = pd.read_parquet(out)
    assert len(frame) == 1500 and frame.user_id.nunique() == 100
    items = pd.read_parquet(out.with_name("s.items.parquet"))
    assert len(items) == 80 and "title" in items.columns


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
    assert code == 2 and "[split] method: 'rnd'" in err


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
