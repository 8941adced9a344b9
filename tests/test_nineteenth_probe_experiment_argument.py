"""Nineteenth bad-input probe, the experiment as a Python argument: a path given where a
loaded experiment belongs (``run_experiment("exp.toml")``) failed with "'str' object has no
attribute 'models'", a path that is no path failed inside ``pathlib``, ``~`` was not the
home folder, and a ``base`` that is a file was searched as if it were a folder. Each test
failed before its fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from recstack.config import load_experiment, parse_experiment
from recstack.errors import ConfigError, RecstackError
from recstack.experiment import load_split, make_splits, prepare_data, run_experiment
from recstack.tuning import tune

TEXT = """
[data]
source = "synthetic:n_users=30,n_items=20,n_interactions=300,seed=1"
[split]
method = "random"
[evaluation]
metrics = ["ndcg"]
ks = [5]
[[models]]
type = "most_popular"
"""


@pytest.mark.parametrize("call, function", [
    ("run_experiment", run_experiment), ("tune", tune), ("prepare_data", prepare_data),
    ("make_splits", lambda e: make_splits(e, None)), ("load_split", load_split)])
def test_a_path_given_for_the_experiment_says_to_load_it(tmp_path, call, function):
    path = tmp_path / "exp.toml"
    path.write_text(TEXT)
    with pytest.raises(ConfigError) as caught:
        function(str(path))
    assert str(caught.value) == (
        f"{call} takes an Experiment (from recstack.config.load_experiment), got the path "
        f"{str(path)!r}; read the file first: {call}(load_experiment({str(path)!r}))")


def test_a_parsed_dict_given_for_the_experiment_says_to_validate_it():
    with pytest.raises(ConfigError, match=r"^run_experiment takes an Experiment .*got dict "
                                          r"\{'data': \{\}\}; validate the dict first: "
                                          r"run_experiment\(parse_experiment\(table\)\)$"):
        run_experiment({"data": {}})


@pytest.mark.parametrize("given, shown", [(5, "int 5"), (None, "NoneType None")])
def test_load_experiment_of_no_path_names_the_argument(given, shown):
    # was TypeError: expected str, bytes or os.PathLike object
    with pytest.raises(RecstackError, match=rf"^load_experiment\(path\): expected a path "
                                            rf"\(text or pathlib.Path\), got {shown}$"):
        load_experiment(given)


def test_load_experiment_reads_a_path_under_the_home_folder(tmp_path, monkeypatch):
    # '~/exp.toml' was looked for in a folder named '~' under the working folder
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "exp.toml").write_text(TEXT)
    experiment = load_experiment("~/exp.toml")
    assert experiment.base_folder == tmp_path.absolute()
    assert [model.type for model in experiment.models] == ["most_popular"]


def test_a_base_that_is_a_file_is_refused(tmp_path):
    # relative paths were looked for under the file ("looked at .../exp.toml/data.csv")
    (tmp_path / "exp.toml").write_text(TEXT)
    (tmp_path / "data.csv").write_text("user_id,item_id\n1,2\n")
    raw = {"data": {"source": "data.csv"}, "split": {"method": "random"},
           "models": [{"type": "most_popular"}]}
    with pytest.raises(ConfigError, match=r"^parse_experiment\(base=\.\.\.\): .*exp.toml is "
                                          r"a file, not a folder; give the folder relative "
                                          r"paths are taken from"):
        parse_experiment(raw, base=tmp_path / "exp.toml")
    assert parse_experiment(raw, base=tmp_path).data.source is not None


def test_a_source_name_that_is_not_text_is_refused():
    raw = {"data": {"source": "synthetic"}, "split": {"method": "random"},
           "models": [{"type": "most_popular"}]}
    with pytest.raises(ConfigError, match=r"^parse_experiment\(source=\.\.\.\) takes the "
                                          r"file's name for messages \(text\), got int 5$"):
        parse_experiment(raw, source=5)
    assert parse_experiment(raw, source=Path("x.toml")).where == "x.toml: "
