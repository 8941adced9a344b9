"""`recstack fit` and `recstack recommend`: from an experiment file to a published model to
top-K lists, and the one-line refusals of a user's mistakes."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from recstack.cli import main
from recstack.config import load_experiment
from recstack.data.sources import load_source
from recstack.serving.registry import ModelRegistry, data_fingerprint

SOURCE = "synthetic:n_users=150,n_items=90,n_interactions=2500,seed=2"
EXPERIMENT = f"""
name = "serve"
[data]
source = "{SOURCE}"
[split]
method = "random"
test_fraction = 0.2
[evaluation]
metrics = ["ndcg"]
ks = [5]
[[models]]
type = "als"
factors = 8
iterations = 3
[[models]]
type = "most_popular"
label = "popular"
"""


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def experiment(tmp_path):
    path = tmp_path / "serve.toml"
    path.write_text(EXPERIMENT)
    return path


def test_fit_publishes_on_all_the_data_and_recommend_reads_it_back(tmp_path, experiment,
                                                                   capsys):
    registry = tmp_path / "registry"
    code, out, err = run(capsys, "fit", experiment, "--model", "als", "--registry", registry)
    assert code == 0, err
    assert "published als@1" in out and "recall@10 1.000" in out
    published = ModelRegistry(registry).load("als")
    # all the data, not the training split: the fingerprint of the whole source
    assert published.manifest["data_fingerprint"] == data_fingerprint(load_source(SOURCE))
    model = published.model

    users = model.users_.external_ids[:3]
    code, out, err = run(capsys, "recommend", "als", "--registry", registry, "--users",
                         *users, "--k", "4")
    assert code == 0, err
    table = pd.read_csv(pd.io.common.StringIO(out))
    assert list(table.columns) == ["user_id", "rank", "item_id", "score"]
    expected_items, expected_scores = model.recommend(users, 4)
    assert table["item_id"].tolist() == expected_items.ravel().tolist()
    np.testing.assert_allclose(table["score"], expected_scores.ravel(), rtol=1e-6)
    assert table["rank"].tolist() == [1, 2, 3, 4] * 3

    # every user, in batches of 7, into Parquet; and the same from the saved folder as CSV
    out_file = tmp_path / "all.parquet"
    code, out, err = run(capsys, "recommend", "als@1", "--registry", registry, "--all-users",
                         "--k", "3", "--batch-size", "7", "--out", out_file)
    assert code == 0, err
    every = pd.read_parquet(out_file)
    assert every["user_id"].nunique() == len(model.users_) and len(every) == 3 * len(
        model.users_)
    all_items, _ = model.recommend(model.users_.external_ids, 3)
    assert every["item_id"].tolist() == all_items.ravel().tolist()
    csv_file = tmp_path / "all.csv"
    code, _, err = run(capsys, "recommend", published.path / "model", "--all-users", "--k",
                       "3", "--out", csv_file)
    assert code == 0, err
    pd.testing.assert_frame_equal(pd.read_csv(csv_file), every, check_dtype=False)


def test_fit_on_the_training_split_with_evaluation_results(tmp_path, experiment, capsys):
    results = tmp_path / "results"
    code, _, err = run(capsys, "evaluate", experiment, "--out", results)
    assert code == 0, err
    registry = tmp_path / "registry"
    code, out, err = run(capsys, "fit", experiment, "--model", "popular", "--registry",
                         registry, "--on", "train", "--results", results, "--name", "pop")
    assert code == 0, err
    assert "no item index" in out
    manifest = ModelRegistry(registry).manifest("pop")
    written = json.loads((results / "results.json").read_text())["models"][1]
    assert manifest["evaluation"] == {"trained_on": "train", "results": written}
    from recstack.experiment import make_split, prepare_data

    loaded = load_experiment(experiment)
    train = make_split(loaded, prepare_data(loaded)[0]).train
    assert manifest["data_fingerprint"] == data_fingerprint(train)


@pytest.mark.parametrize(("argv", "message"), [
    (["fit", "{exp}", "--model", "alss", "--registry", "{reg}"],
     "no model labelled 'alss' (did you mean 'als'?)"),
    (["fit", "{exp}", "--model", "als", "--registry", "{reg}", "--name", "a/b"],
     "model name 'a/b'"),
    (["fit", "{exp}", "--model", "als", "--registry", "{reg}", "--results", "{reg}/none"],
     "no such results file"),
    (["recommend", "nothing", "--registry", "{reg}", "--users", "1"],
     "no model named 'nothing'"),
    (["recommend", "{reg}/not-a-model", "--users", "1"], "no such folder"),
    (["recommend", "als", "--users", "1"], "add --registry DIR"),
])
def test_mistakes_are_one_line_and_exit_2(tmp_path, experiment, capsys, argv, message):
    argv = [a.format(exp=experiment, reg=tmp_path / "reg") for a in argv]
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert message in err and "Traceback" not in err and err.count("\n") == 1


def test_unknown_users_and_bad_outputs(tmp_path, experiment, capsys):
    registry = tmp_path / "registry"
    assert run(capsys, "fit", experiment, "--model", "als", "--registry", registry)[0] == 0
    code, _, err = run(capsys, "recommend", "als", "--registry", registry, "--users",
                       "99999", "--k", "3")
    assert code == 2 and "not seen in training" in err
    code, _, err = run(capsys, "recommend", "als", "--registry", registry, "--users", "abc")
    assert code == 2 and "'abc'" in err
    code, _, err = run(capsys, "recommend", "als", "--registry", registry, "--all-users",
                       "--out", tmp_path / "r.json")
    assert code == 2 and ".csv or .parquet" in err
    with pytest.raises(SystemExit):  # argparse: --users or --all-users, not both
        main(["recommend", "als", "--users", "1", "--all-users"])
