"""Round 53 (n): a pipeline whose registry name reads as a version alias is refused when
the file is read (not at publish, after the checks and the training); relative paths of a
pipeline file are taken from its folder whatever the working folder; a lock file left by a
killed run blocks nothing."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from recstack.cli import main
from recstack.errors import ConfigError
from recstack.ops.lock import pipeline_lock
from recstack.ops.pipeline_config import load_pipeline

from .scenario import write_pipeline


@pytest.mark.parametrize(("name", "registry_table", "key"), [
    ("latest", "", 'name = "latest"'),
    ("shop", 'name = "Current"', '[registry] name = "Current"'),
])
def test_a_version_word_as_registry_name_is_refused_with_its_key(tmp_path, name,
                                                                 registry_table, key):
    path = write_pipeline(tmp_path, name=name)
    path.write_text(path.read_text().replace('root = "registry"',
                                             f'root = "registry"\n{registry_table}'))
    with pytest.raises(ConfigError) as caught:
        load_pipeline(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: {key}: the model is published under this name")
    assert "is reserved: current, head, latest, newest, stable" in message


def test_a_registry_already_holding_the_word_is_accepted(tmp_path):
    path = write_pipeline(tmp_path, name="latest")
    (tmp_path / "registry" / "latest").mkdir(parents=True)  # published before the rule
    assert load_pipeline(path).registry_name == "latest"


def test_relative_paths_are_taken_from_the_file_not_the_working_folder(folder, tmp_path,
                                                                       monkeypatch, capsys):
    write_pipeline(folder)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert main(["pipeline", "run", "--quiet",
                 os.path.relpath(folder / "pipeline.toml")]) == 0
    assert capsys.readouterr().out.strip() == "result: published as shop@1"
    assert (folder / "registry" / "shop").is_dir() and (folder / "shop.pipeline").is_dir()
    assert list(elsewhere.iterdir()) == []


def test_a_lock_file_left_by_a_killed_run_blocks_nothing(tmp_path):
    work = tmp_path / "shop.pipeline"
    work.mkdir()
    # what a run killed with SIGKILL leaves: the file with its (dead) holder, no flock
    (work / "lock").write_text(json.dumps({"pid": 999_999_999, "started": "2026-01-01"}))
    with pipeline_lock(work, "shop"):
        holder = json.loads((work / "lock").read_text())
        assert holder["pid"] == os.getpid()
    shutil.rmtree(work)


def test_a_short_sliding_window_says_so_in_train_json_and_the_train_line(folder):
    from recstack.ops.pipeline import run_pipeline

    path = write_pipeline(folder, training="")
    path.write_text(path.read_text().replace('window = "expanding"',
                                             'window = "sliding"\npartitions = 10'))
    outcome = run_pipeline(path)
    train = json.loads((outcome.folder / "train" / "train.json").read_text())
    # the scenario's 4 monthly partitions: the newest evaluates, the 3 before it train
    assert train["partitions"] == ["2019-01", "2019-02", "2019-03"]
    assert train["window_partitions"] == 10
    text = (outcome.folder / "report" / "report.txt").read_text()
    assert ("of 2019-01, 2019-02, 2019-03 (sliding window, 3 of the 10 partitions of "
            "[training] partitions) in ") in text


def test_a_filled_sliding_window_reads_as_before(folder):
    from recstack.ops.pipeline import run_pipeline

    path = write_pipeline(folder)
    path.write_text(path.read_text().replace('window = "expanding"',
                                             'window = "sliding"\npartitions = 2'))
    outcome = run_pipeline(path)
    text = (outcome.folder / "report" / "report.txt").read_text()
    assert "of 2019-02, 2019-03 (sliding window) in " in text
