"""Twenty-eighth probe: ``recstack recommend NAME --registry DIR`` run in a folder that
also holds a saved model folder called NAME took the folder silently, so the lists came
from another model than the registry's current version (exit 0, no word of it)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from recstack.cli import main
from recstack.data.interactions import Interactions
from recstack.models.registry import create_model
from recstack.serving.registry import ModelRegistry


@pytest.fixture
def setup(tmp_path, monkeypatch):
    first = Interactions.from_frame(pd.DataFrame(
        {"user_id": [1, 1, 2, 2, 3], "item_id": [10, 11, 10, 12, 11]}))
    second = Interactions.from_frame(pd.DataFrame(
        {"user_id": [1, 2, 2, 3, 3, 3], "item_id": [12, 12, 13, 13, 12, 10]}))
    registry = ModelRegistry(tmp_path / "registry")
    registry.publish("pop", create_model("most_popular").fit(first), data=first)
    registry.publish("pop", create_model("most_popular").fit(second), data=second)
    # an older model saved in the working folder under the registry's name
    create_model("most_popular").fit(first).save(tmp_path / "pop")
    monkeypatch.chdir(tmp_path)
    return registry


def test_a_folder_named_like_a_registry_model_is_refused_as_ambiguous(setup, capsys):
    code = main(["recommend", "pop", "--registry", setup.root, "--users", "1", "--k", "1",
                 "--out", "lists.csv"])
    out, err = capsys.readouterr()
    assert code == 2, out
    assert err.startswith("recstack: error: pop: is both a saved model folder here and a "
                          f"model of the registry {setup.root} (versions: [1, 2]); write "
                          "./pop for the folder, or pop@2 (its current version) for the "
                          "registry's")
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not Path("lists.csv").exists()


@pytest.mark.parametrize("artifact, item", [("./pop", "10"), ("pop@2", "12")])
def test_the_folder_or_the_version_written_out_is_taken(setup, capsys, artifact, item):
    code = main(["recommend", artifact, "--registry", setup.root, "--users", "3", "--k",
                 "1", "--include-seen"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.splitlines()[1].split(",")[:3] == ["3", "1", item]


def test_a_name_the_registry_lacks_still_opens_the_folder(setup, capsys, tmp_path):
    (tmp_path / "pop").rename(tmp_path / "other")
    code = main(["recommend", "other", "--registry", setup.root, "--users", "1", "--k",
                 "1"])
    assert code == 0, capsys.readouterr().err
