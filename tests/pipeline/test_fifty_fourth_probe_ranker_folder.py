"""Fifty-fourth bad-input probe of saved rankers' folders.

- A ``ranker.json`` edited by hand (its checksum made to match) to give a categorical
  feature more levels than the model saw was accepted by the LightGBM ranker (the npz and
  safetensors rankers refused it). The LightGBM ranker now records the cardinalities it was
  fitted on and checks them (and the levels its model text says it saw) at load.
- A ``ranker.json`` edited to drop its model file from the checksums had the file read
  unchecked; it is refused.
- A file of the folder that ``ranker.json`` does not list is ignored, as
  ``recstack.models.load_model`` ignores one beside a saved model: the ranker loads and
  scores as saved.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from recstack.errors import RecstackError
from recstack.pipeline.rankers import create_ranker, load_ranker

from .saved_rankers import edit_meta, toy

RANKERS = {
    "lightgbm": ({"loss": "binary", "n_estimators": 5, "min_child_samples": 5}, "model.txt"),
    "logistic": ({}, "weights.npz"),
    "wide_deep": ({"epochs": 1}, "weights.safetensors"),
}


@pytest.fixture(scope="module", params=list(RANKERS))
def saved(request, tmp_path_factory) -> tuple[str, Path]:
    params, _ = RANKERS[request.param]
    frame, labels = toy()
    folder = tmp_path_factory.mktemp(request.param) / "ranker"
    create_ranker(request.param, **params).fit(frame, labels).save(folder)
    return request.param, folder


@pytest.fixture(scope="module")
def lightgbm_saved(tmp_path_factory) -> Path:
    frame, labels = toy()
    folder = tmp_path_factory.mktemp("lightgbm") / "ranker"
    create_ranker("lightgbm", **RANKERS["lightgbm"][0]).fit(frame, labels).save(folder)
    return folder


def copy(folder: Path, tmp_path: Path) -> Path:
    shutil.copytree(folder, tmp_path / "copy")
    return tmp_path / "copy"


def set_cardinality(value: int):
    def change(meta):
        meta["schema"][2]["cardinality"] = value
    return change


@pytest.mark.parametrize("cardinality", [9, 5, 2])
def test_a_cardinality_edited_in_the_metadata_is_refused(saved, tmp_path, cardinality):
    _, folder = saved
    edited = copy(folder, tmp_path)
    edit_meta(edited, set_cardinality(cardinality))
    with pytest.raises(RecstackError, match=r"ranker\.json|not fitted on the feature schema"):
        load_ranker(edited)


def test_the_message_names_the_feature_and_both_cardinalities(saved, tmp_path):
    name, folder = saved
    edited = copy(folder, tmp_path)
    edit_meta(edited, set_cardinality(9))
    with pytest.raises(RecstackError, match=r"the model was fitted on categorical features "
                       r"of 'genre': 4 levels, the feature schema of ranker\.json gives "
                       r"'genre': 9; the metadata was edited"):
        load_ranker(edited)


def test_a_lightgbm_ranker_saved_before_cardinalities_were_recorded_checks_seen_levels(
        lightgbm_saved, tmp_path):
    older = copy(lightgbm_saved, tmp_path)
    edit_meta(older, lambda meta: meta["state"].pop("cardinalities"))
    assert load_ranker(older).schema_.categorical[0].cardinality == 4  # still loads
    # the model text says it saw levels 0 to 3: a cardinality of 2 cannot hold level 3
    edit_meta(older, set_cardinality(2))
    with pytest.raises(RecstackError, match=r"model\.txt: the model saw level 3 of the "
                       r"categorical feature 'genre', whose cardinality in ranker\.json is 2"):
        load_ranker(older)


def test_a_model_file_dropped_from_the_checksums_is_refused(saved, tmp_path):
    name, folder = saved
    model_file = RANKERS[name][1]
    edited = copy(folder, tmp_path)
    edit_meta(edited, lambda meta: meta["sha256"].pop(model_file))
    with pytest.raises(RecstackError, match=rf"{model_file}: {name} reads this file, but "
                       r"ranker\.json does not list it"):
        load_ranker(edited)


def test_a_stray_file_in_the_folder_is_ignored(saved, tmp_path):
    name, folder = saved
    stray = copy(folder, tmp_path)
    (stray / "notes.txt").write_text("trained on the March log\n")
    frame, _ = toy()
    np.testing.assert_array_equal(load_ranker(stray).score(frame),
                                  load_ranker(folder).score(frame))


def test_an_unedited_ranker_loads(saved):
    name, folder = saved
    frame, _ = toy()
    assert load_ranker(folder).score(frame).shape == (len(frame),)


@pytest.mark.parametrize("value", ["4", [4.5], [True], {"genre": 4}])
def test_recorded_cardinalities_that_are_not_whole_numbers_are_refused(lightgbm_saved,
                                                                       tmp_path, value):
    edited = copy(lightgbm_saved, tmp_path)
    edit_meta(edited, lambda meta: meta["state"].__setitem__("cardinalities", value))
    with pytest.raises(RecstackError, match=r"ranker\.json: state 'cardinalities' must be a "
                       r"list of whole numbers"):
        load_ranker(edited)
