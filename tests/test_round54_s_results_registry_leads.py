"""Round 54 (S): the leads of the helper before (N2) on results folders, the registry, the
serve settings and the two-stage model's per-user window."""

import json
import shutil

import numpy as np
import pytest

from recstack.cli import main
from recstack.errors import ConfigError, RecstackError

SMALL = "synthetic:n_users=120,n_items=80,n_interactions=2400,seed=1"


def run(capsys, *argv):
    code = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, err


def write_experiment(folder, split_extra=""):
    path = folder / "exp.toml"
    path.write_text(f"""
name = "small"
[data]
source = "{SMALL}"
[split]
method = "random"
{split_extra}
[evaluation]
metrics = ["ndcg", "recall"]
ks = [5]
[[models]]
type = "most_popular"
[[models]]
type = "als"
factors = 8
iterations = 2
""")
    return path


@pytest.fixture(scope="module")
def evaluated(tmp_path_factory):
    """An experiment file and the results folder `recstack evaluate` wrote for it."""
    folder = tmp_path_factory.mktemp("evaluated")
    experiment = write_experiment(folder)
    assert main(["evaluate", str(experiment), "--out", str(folder / "res")]) == 0
    return experiment, folder / "res"


@pytest.fixture()
def results(evaluated, tmp_path):
    """A copy of the results folder, free to damage."""
    copy = tmp_path / "res"
    shutil.copytree(evaluated[1], copy)
    return copy


# 1. a registry inside a results folder ---------------------------------------------------

def test_fit_refuses_a_registry_inside_a_results_folder(evaluated, results, capsys):
    experiment, _ = evaluated
    inside = results / "registry"
    code, _, err = run(capsys, "fit", experiment, "--model", "als", "--registry", inside)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert f"--registry: {inside}: lies inside the results folder {results} " in err
    assert "evaluate --overwrite" in err
    assert not inside.exists()  # refused before the fit: nothing published


def test_evaluate_overwrite_refuses_a_results_folder_holding_a_registry(evaluated, results,
                                                                          capsys):
    experiment, _ = evaluated
    # a registry published there before fit refused it: NAME/current.json, NAME/versions/
    name_folder = results / "registry" / "als"
    (name_folder / "versions" / "00000001").mkdir(parents=True)
    (name_folder / "current.json").write_text('{"version": 1, "history": []}')
    (name_folder / "versions" / "00000001" / "manifest.json").write_text("{}")
    code, _, err = run(capsys, "evaluate", experiment, "--out", results, "--overwrite")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert f"{results}: holds the model registry {results / 'registry'}" in err
    assert (name_folder / "current.json").is_file()
    assert (results / "results.json").is_file()


# 2. fit --on train with the results of another split --------------------------------------

def test_fit_on_train_refuses_results_of_another_split_seed(evaluated, tmp_path, capsys):
    _, results_folder = evaluated
    other = write_experiment(tmp_path, "seed = 7")  # the evaluation's split seed was 0
    code, _, err = run(capsys, "fit", other, "--model", "als", "--on", "train", "--registry",
                       tmp_path / "registry", "--results", results_folder)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert f"{results_folder / 'results.json'}: model 'als'" in err
    assert "another [split]" in err and "seed = 0 there, 7 here" in err
    assert not (tmp_path / "registry").exists()


def test_fit_on_train_refuses_results_of_another_test_fraction(evaluated, tmp_path,
                                                                capsys):
    _, results_folder = evaluated
    other = write_experiment(tmp_path, "test_fraction = 0.3")
    code, _, err = run(capsys, "fit", other, "--model", "als", "--on", "train", "--registry",
                       tmp_path / "registry", "--results", results_folder)
    assert code == 2 and "test_fraction = 0.2 there, 0.3 here" in err


def test_fit_on_train_takes_its_own_split_written_out(evaluated, tmp_path, capsys):
    # the defaults written out (seed 0, test_fraction 0.2) are the evaluated split
    _, results_folder = evaluated
    same = write_experiment(tmp_path, "test_fraction = 0.2\nseed = 0")
    root = tmp_path / "registry"
    code, _, err = run(capsys, "fit", same, "--model", "als", "--on", "train", "--registry",
                       root, "--results", results_folder)
    assert code == 0, err
    manifest = json.loads(next(root.rglob("manifest.json")).read_text())
    assert manifest["evaluation"]["trained_on"] == "train"


# 3. per-user files edited by hand ------------------------------------------------------

def test_report_refuses_a_renamed_user_id_column(results, capsys):
    path = results / "per_user_als.csv"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text(lines[0].replace("user_id", "uid", 1) + "".join(lines[1:]))
    code, _, err = run(capsys, "report", results, "--projection", "none", "--refit", "none")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert f"{path}: the first column is 'uid'; expected 'user_id'" in err
    assert not (results / "report.html").exists()


def test_a_user_of_no_data_in_a_per_user_file_is_refused(results):
    from recstack.analysis.results_folder import read_results
    from recstack.data.sources import load_source

    path = results / "per_user_als.csv"
    lines = path.read_text().splitlines(keepends=True)
    first_user = lines[1].split(",", 1)[0]
    lines[1] = "999" + lines[1][len(first_user):]  # the synthetic users are 0..119
    path.write_text("".join(lines))
    folder = read_results(results)
    data = load_source(SMALL)  # loaded here, independently of the results folder
    assert "999" not in {str(user) for user in data.users.external_ids}
    with pytest.raises(RecstackError) as caught:
        folder.refuse_users_outside(data)
    assert str(caught.value).startswith(f"{path}: line 2: user '999' is no user of the data")


def test_the_users_of_an_untouched_folder_are_all_in_the_data(evaluated):
    from recstack.analysis.results_folder import read_results
    from recstack.data.sources import load_source

    read_results(evaluated[1]).refuse_users_outside(load_source(SMALL))


# 4. serve settings without a registry ---------------------------------------------------

def test_serve_settings_without_a_registry_say_what_it_is_and_the_flag(tmp_path):
    pytest.importorskip("pydantic")
    from recstack.serving.settings import settings_from_options

    config = tmp_path / "serve.json"
    config.write_text("{}")
    with pytest.raises(ConfigError) as caught:
        settings_from_options(config)
    said = str(caught.value)
    assert "Field required" not in said
    assert "field 'registry': is missing: it is the model registry to serve" in said
    assert "--registry DIR" in said


# 5. the two-stage model's per-user window -------------------------------------------------

def test_a_failing_per_user_window_names_the_two_stage_model():
    pytest.importorskip("sklearn")
    from recstack.data.interactions import Interactions
    from recstack.models import create_model

    # every user has two rows of items no one else has: each user's last row (the label
    # window) is of an item the history never sees, so the window is empty
    users = np.repeat(np.arange(5), 2)
    data = Interactions.from_arrays(users, np.arange(10), None, np.tile([1, 2], 5))
    model = create_model("two_stage", generators=({"type": "most_popular"},),
                         ranker={"type": "logistic"}, n_candidates=3, window="user",
                         user_labels=1)
    with pytest.raises(RecstackError) as caught:
        model.fit(data)
    said = str(caught.value)
    assert said.startswith(f"{model.name}: window = 'user', user_labels = 1: training data: "
                           "the per-user label window"), said


def test_report_refuses_a_user_of_no_data_in_a_per_user_file(results, tmp_path, capsys):
    path = results / "per_user_als.csv"
    lines = path.read_text().splitlines(keepends=True)
    lines[1] = "999" + lines[1][len(lines[1].split(",", 1)[0]):]  # users are 0..119
    path.write_text("".join(lines))
    code, _, err = run(capsys, "report", results, "--out", tmp_path / "page.html")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert f"{path}: line 2: user '999' is no user of the data" in err
    assert not (tmp_path / "page.html").exists()


def test_run_experiment_overwrite_refuses_a_folder_holding_a_registry(evaluated, results):
    from recstack.config import load_experiment
    from recstack.experiment import run_experiment

    name_folder = results / "registry" / "als"
    (name_folder / "versions" / "00000001").mkdir(parents=True)
    (name_folder / "current.json").write_text('{"version": 1, "history": []}')
    with pytest.raises(RecstackError) as caught:
        run_experiment(load_experiment(evaluated[0]), out=results, overwrite=True)
    assert str(caught.value).startswith(f"{results}: holds the model registry")
    assert (name_folder / "current.json").is_file()
