"""Round 54 (N2): the commands that read a results folder or a fitted model, walked as a
new user would (README "Experiments and evaluation", "The report", "Command line")."""

import json
import shutil

import pytest

from recstack.cli import main

SMALL = "synthetic:n_users=120,n_items=80,n_interactions=2400,seed=1"


def run(capsys, *argv):
    code = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, err


def write_experiment(folder, factors=8):
    path = folder / "exp.toml"
    path.write_text(f"""
name = "small"
[data]
source = "{SMALL}"
[split]
method = "random"
[evaluation]
metrics = ["ndcg", "recall"]
ks = [5]
[[models]]
type = "most_popular"
[[models]]
type = "als"
factors = {factors}
iterations = 2
[report]
save_models = true
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


@pytest.fixture()
def registry(evaluated, tmp_path, capsys):
    experiment, _ = evaluated
    root = tmp_path / "registry"
    code, _, err = run(capsys, "fit", experiment, "--model", "als", "--registry", root)
    assert code == 0, err
    return root


def test_report_does_not_present_a_saved_model_of_another_type_as_the_label(results,
                                                                             capsys):
    shutil.rmtree(results / "models" / "als")
    shutil.copytree(results / "models" / "most_popular", results / "models" / "als")
    with pytest.warns(UserWarning) as caught:
        code, _, err = run(capsys, "report", results, "--projection", "none", "--refit",
                           "none")
    assert code == 0 and "Traceback" not in err
    said = " ".join(str(warning.message) for warning in caught)
    assert f"{results / 'models' / 'als' / 'model.json'}: holds a 'most_popular' model" in said
    assert "is of type 'als'" in said
    page = (results / "report.html").read_text(encoding="utf-8")
    assert f"loaded from {results / 'models' / 'als'}" not in page
    assert f"loaded from {results / 'models' / 'most_popular'}" in page


def test_report_names_a_saved_model_folder_whose_model_json_is_gone(results, capsys):
    (results / "models" / "als" / "model.json").unlink()
    with pytest.warns(UserWarning) as caught:
        code, _, _ = run(capsys, "report", results, "--projection", "none", "--refit", "none")
    assert code == 0
    said = [str(warning.message) for warning in caught if "models" in str(warning.message)]
    assert len(said) == 1 and str(results / "models" / "als") in said[0]
    assert "missing model.json" in said[0]


def test_fit_refuses_results_of_other_hyperparameters(evaluated, tmp_path, capsys):
    _, results_folder = evaluated
    changed = write_experiment(tmp_path, factors=16)
    code, _, err = run(capsys, "fit", changed, "--model", "als", "--registry",
                       tmp_path / "registry", "--results", results_folder)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert f"{results_folder / 'results.json'}: model 'als'" in err
    assert "factors = 8 there, 16 here" in err
    # refused before the fit: nothing was published, no registry folder made
    assert not (tmp_path / "registry").exists()


def test_fit_refuses_results_of_other_data(evaluated, tmp_path, capsys):
    experiment, results_folder = evaluated
    other = tmp_path / "exp.toml"
    other.write_text(experiment.read_text().replace("n_users=120", "n_users=100"))
    code, _, err = run(capsys, "fit", other, "--model", "als", "--registry",
                       tmp_path / "registry", "--results", results_folder)
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "evaluated with another [data]" in err and "results.json" in err
    assert not (tmp_path / "registry").exists()


def test_fit_records_the_results_of_its_own_experiment(evaluated, tmp_path, capsys):
    experiment, results_folder = evaluated
    root = tmp_path / "registry"
    code, _, err = run(capsys, "fit", experiment, "--model", "als", "--registry", root,
                       "--results", results_folder)
    assert code == 0, err
    stored = json.loads((results_folder / "results.json").read_text())
    als = next(entry for entry in stored["models"] if entry["model"] == "als")
    manifests = list(root.rglob("manifest.json"))
    assert len(manifests) == 1
    manifest = json.loads(manifests[0].read_text())
    recorded = manifest["evaluation"]["results"]["metrics"]["ndcg@5"]["mean"]
    assert recorded == als["metrics"]["ndcg@5"]["mean"]


def test_recommend_out_may_not_replace_the_users_file(registry, tmp_path, capsys):
    users = tmp_path / "users.csv"
    users.write_text("user_id\n1\n2\n")
    code, _, err = run(capsys, "recommend", "als", "--registry", registry, "--users-file",
                       users, "--out", users, "--overwrite")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert str(users) in err and "reads" in err
    assert users.read_text() == "user_id\n1\n2\n"


def test_recommend_out_may_not_land_inside_the_model_it_reads(evaluated, registry, capsys):
    saved = evaluated[1] / "models" / "als"
    code, _, err = run(capsys, "recommend", saved, "--users", "1", "--out",
                       saved / "lists.csv")
    assert code == 2 and "lies inside the saved model folder" in err
    assert sorted(p.name for p in saved.iterdir()) == ["arrays.npz", "model.json"]
    inside = registry / "als" / "lists.csv"
    code, _, err = run(capsys, "recommend", "als", "--registry", registry, "--users", "1",
                       "--out", inside)
    assert code == 2 and "lies inside the registry" in err and not inside.exists()


def test_report_out_may_not_land_among_the_saved_models(results, capsys):
    inside = results / "models" / "als" / "page.html"
    code, _, err = run(capsys, "report", results, "--out", inside, "--projection", "none",
                       "--refit", "none")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert f"{inside}: lies inside {results / 'models'}" in err
    assert sorted(p.name for p in (results / "models" / "als").iterdir()) == [
        "arrays.npz", "model.json"]


def test_report_refuses_a_mean_cleared_while_the_users_have_values(results, capsys):
    payload = json.loads((results / "results.json").read_text())
    als = next(entry for entry in payload["models"] if entry["model"] == "als")
    assert als["metrics"]["ndcg@5"]["n_users"] > 0
    als["metrics"]["ndcg@5"]["mean"] = None
    (results / "results.json").write_text(json.dumps(payload))
    code, _, err = run(capsys, "report", results, "--projection", "none", "--refit", "none")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert f"{results / 'per_user_als.csv'}:" in err
    assert "ndcg@5 value, but results.json gives its mean as null" in err
    assert not (results / "report.html").exists()


def test_a_users_file_of_semicolon_separated_cells_is_told_it_holds_columns(evaluated,
                                                                           tmp_path, capsys):
    users = tmp_path / "users.txt"
    users.write_text("1;2\n")
    code, _, err = run(capsys, "recommend", evaluated[1] / "models" / "als", "--users-file",
                       users)
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert f"{users}:1: '1;2' is not a user" in err
    assert "one user id a line, not columns" in err
