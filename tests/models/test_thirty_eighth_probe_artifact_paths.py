"""Thirty-eighth bad-input probe, models: ``load_model`` given one of a saved model's two
files (``.../als/model.json``, as a file browser hands it over) said only that a model is a
folder; it now names the folder to give instead. Any other file keeps the plain refusal."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model, load_model
from recstack.models.persistence import describe_artifact


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> object:
    users = np.repeat(np.arange(4), 2)
    items = np.array([0, 1, 1, 2, 2, 0, 0, 2])
    data = Interactions.from_arrays(users, items, np.ones(len(users)))
    folder = tmp_path_factory.mktemp("saved") / "ease"
    create_model("ease").fit(data).save(folder)
    return folder


@pytest.mark.parametrize("name", ["model.json", "arrays.npz"])
@pytest.mark.parametrize("reader", [load_model, describe_artifact])
def test_a_saved_models_file_given_for_its_folder_names_the_folder(saved, name, reader):
    with pytest.raises(RecstackError) as refused:
        reader(saved / name)
    assert str(refused.value) == (
        f"{saved / name}: is a file; a saved model is a folder with model.json and "
        f"arrays.npz; give the folder that holds it, {str(saved)!r}")
    assert load_model(saved).is_fitted  # the folder itself loads


def test_another_file_keeps_the_plain_refusal(tmp_path):
    other = tmp_path / "model.json"  # a model.json without its arrays.npz beside it
    other.write_text("{}", encoding="utf-8")
    with pytest.raises(RecstackError) as refused:
        load_model(other)
    assert str(refused.value) == (f"{other}: is a file; a saved model is a folder with "
                                  "model.json and arrays.npz")
