"""Thirty-second bad-input probe, the command line: messages that named the Python call
instead of what the user typed (``n_users`` for ``--users``, ``write_report:
experiment_base``, ``load_model(...)``, ``(overwrite=True)``), a pipeline run folder that
does not exist or is a file, an empty experiment file, a ``seed`` under a table that takes
none, a registry version written ``als@01``, and ``fit --on train`` on a k-fold split
publishing fold 1 without a word."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from recstack.cli import main
from recstack.data.interactions import Interactions
from recstack.models import create_model
from recstack.serving.registry import ModelRegistry


def _error(capsys, argv: list[str]) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    # "recstack: error:", or the command's name before it for a mistake of one option
    return re.sub(r"^recstack( [a-z ]+)?: error: ", "", lines[0])


@pytest.fixture
def registry(tmp_path) -> Path:
    data = Interactions.from_arrays([1, 1, 2, 3], [7, 8, 7, 9], None)
    registry = ModelRegistry(tmp_path / "models")
    registry.publish("pop", create_model("most_popular").fit(data), data=data, index=None)
    return tmp_path / "models"


# --------------------------------------------------------------------------- option names
def test_data_synth_names_its_options(capsys, tmp_path):
    # 50 users x 20 items / 2 = 500 at most
    message = _error(capsys, ["data", "synth", "--users", "50", "--items", "20",
                              "--interactions", "100000", "--out", str(tmp_path / "s")])
    assert message.startswith("--interactions (100,000) must be at most --users * --items / 2 "
                              "= 500")
    assert "n_users" not in message and "n_interactions" not in message


def test_data_synth_says_the_rows_per_user_it_has_no_option_for(capsys, tmp_path):
    # 20 items: at least min(5, 20 // 2) = 5 rows per user, so 50 users need 250 rows
    message = _error(capsys, ["data", "synth", "--users", "50", "--items", "20",
                              "--interactions", "10", "--out", str(tmp_path / "s")])
    assert message.startswith("--interactions (10) must be at least --users * 5 (the fewest "
                              "rows a user gets) = 250")
    assert "min_user_interactions" not in message


def test_report_names_the_option_not_the_function(capsys, tmp_path):
    missing = tmp_path / "nowhere"
    message = _error(capsys, ["report", str(tmp_path), "--experiment-base", str(missing)])
    assert message.startswith(f"report: --experiment-base = {str(missing)!r}: no such folder")
    assert "write_report" not in message and "experiment_base" not in message


def test_recommend_on_a_registry_folder_gives_the_command_to_run(capsys, registry):
    message = _error(capsys, ["recommend", str(registry / "pop"), "--users", "1"])
    assert message.endswith(f"it is a model name in a registry: load its current version "
                            f"with recstack recommend pop --registry {registry}")
    version = registry / "pop" / "versions" / "00000001"
    message = _error(capsys, ["recommend", str(version), "--users", "1"])
    assert (f"load its model with recstack recommend {version / 'model'}, or checked against "
            f"its manifest with recstack recommend pop@1 --registry {registry}") in message
    message = _error(capsys, ["recommend", str(registry), "--users", "1"])
    assert message.endswith(f"load a model with recstack recommend pop --registry {registry}")
    for python in ("load_model(", "ModelRegistry(", "recstack.serving"):
        assert python not in message


def test_the_python_spelling_beside_an_option_is_left_out(capsys, tmp_path):
    (tmp_path / "exp.toml").write_text('[data]\nsource = "synthetic"\n[split]\n'
                                       'method = "random"\n[[models]]\ntype = "random"\n')
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "results.json").write_text("{}")
    message = _error(capsys, ["evaluate", str(tmp_path / "exp.toml"), "--out",
                              str(tmp_path / "out")])
    assert "pass --overwrite to replace them" in message
    assert "overwrite=True" not in message


# --------------------------------------------------------------------------- pipeline report
def test_pipeline_report_on_a_missing_folder_says_so(capsys, tmp_path):
    missing = tmp_path / "runs" / "2024-01"
    message = _error(capsys, ["pipeline", "report", str(missing)])
    assert message.startswith(f"{missing}: no such folder; give a run folder, WORK/runs/RUN")
    assert "not a completed pipeline run" not in message


def test_pipeline_report_on_a_file_says_so(capsys, tmp_path):
    file = tmp_path / "pipeline.toml"
    file.write_text("")
    message = _error(capsys, ["pipeline", "report", str(file)])
    assert message.startswith(f"{file}: is a file, not a folder; give a run folder")


# --------------------------------------------------------------------------- experiment files
@pytest.mark.parametrize(("text", "holds"), [("", "nothing"), ("\n  \n", "nothing"),
                                             ("# to do\n", "only comments")])
def test_an_empty_experiment_file_is_called_empty(capsys, tmp_path, text, holds):
    (tmp_path / "exp.toml").write_text(text)
    message = _error(capsys, ["evaluate", str(tmp_path / "exp.toml")])
    assert message.startswith(f"{tmp_path / 'exp.toml'}: the experiment file is empty (it "
                              f"holds {holds}); write its tables, at least [data]")
    assert "[[models]]" in message and "missing table" not in message


@pytest.mark.parametrize("table", ["evaluation", "report", "data"])
def test_a_seed_under_a_table_without_one_points_to_where_seeds_go(capsys, tmp_path, table):
    body = {"data": 'source = "synthetic"', "evaluation": 'metrics = ["ndcg"]',
            "report": "html = false"}[table]
    text = ('[split]\nmethod = "random"\n[[models]]\ntype = "random"\n' if table == "data"
            else '[data]\nsource = "synthetic"\n[split]\nmethod = "random"\n'
                 '[[models]]\ntype = "random"\n')
    (tmp_path / "exp.toml").write_text(text + f"[{table}]\n{body}\nseed = 7\n")
    message = _error(capsys, ["evaluate", str(tmp_path / "exp.toml")])
    assert message.startswith(f"{tmp_path / 'exp.toml'}: [{table}] seed = 7: [{table}] takes "
                              "no seed; write it at the top of the file")
    assert "[split]" in message and "[tune]" in message and "[[models]]" in message
    assert "unknown key" not in message


# --------------------------------------------------------------------------- registry versions
@pytest.mark.parametrize(("written", "canonical"), [("pop@01", "pop@1"), ("pop@0007", "pop@7")])
def test_a_version_with_leading_zeros_is_refused_naming_its_spelling(capsys, registry,
                                                                      written, canonical):
    message = _error(capsys, ["recommend", written, "--registry", str(registry),
                              "--users", "1"])
    assert message.startswith(f"{written}: the version after '@' is written with leading "
                              f"zeros; write {canonical}")


def test_serve_refuses_a_padded_version_before_starting(capsys, registry, monkeypatch):
    pytest.importorskip("fastapi")
    import recstack.serving.app

    def started(*args, **kwargs):  # had the reference been taken, a server would start
        raise AssertionError("the server was started")

    monkeypatch.setattr(recstack.serving.app, "serve", started)
    message = _error(capsys, ["serve", "--registry", str(registry), "--model", "pop@01"])
    assert message.startswith("argument --model: pop@01: the version after '@' is written with "
                              "leading "
                              "zeros; write pop@1")


def test_the_plain_version_still_recommends(capsys, registry):
    assert main(["recommend", "pop@1", "--registry", str(registry), "--users", "1",
                 "--k", "1"]) == 0
    # user 1 has seen 7 and 8; of the rest, 9 is the only item
    assert capsys.readouterr().out.splitlines()[1].split(",")[:3] == ["1", "1", "9"]


# --------------------------------------------------------------------------- fit --on train
def test_fit_on_train_with_a_kfold_split_says_which_fold(capsys, tmp_path):
    (tmp_path / "exp.toml").write_text(
        '[data]\nsource = "synthetic:n_users=60,n_items=30,n_interactions=600"\n'
        '[split]\nmethod = "kfold"\nk = 3\n[[models]]\ntype = "most_popular"\n')
    assert main(["fit", str(tmp_path / "exp.toml"), "--model", "most_popular", "--registry",
                 str(tmp_path / "models"), "--on", "train"]) == 0
    err = capsys.readouterr().err
    assert "[split] kfold gives 3 folds; using fold 1 (its training part: " in err
    assert "of the 600 rows)" in err


def test_fit_names_the_name_option(capsys, tmp_path):
    (tmp_path / "exp.toml").write_text('[data]\nsource = "synthetic"\n[split]\n'
                                       'method = "random"\n[[models]]\ntype = "random"\n')
    message = _error(capsys, ["fit", str(tmp_path / "exp.toml"), "--model", "random",
                              "--registry", str(tmp_path / "models"), "--name", "my model"])
    assert message.startswith("argument --name: model name 'my model': use 1 to 100 letters")


@pytest.mark.parametrize("command", [["online"], ["skew", "--registry", "models"]])
def test_online_and_skew_name_the_services_option(capsys, tmp_path, command):
    missing = tmp_path / "logs"
    message = _error(capsys, [command[0], str(missing), *command[1:]])
    assert message.startswith(f"{missing}: no such ")
    assert "the service's log_dir, the folder of recstack serve --log-dir" in message
