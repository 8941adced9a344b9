"""Fifty-second bad-input probe of saved rankers: a ``ranker.json`` edited by hand (its
checksum made to match) to list the features in another order or under other names was
loaded without a word, by every ranker; scoring a frame of the edited schema then read each
column as another feature's (the model follows its own order). For LightGBM, a loss changed
from 'binary' to 'lambdarank' turned probabilities into raw scores. The model files now
record their features (LightGBM's text model already did, and names its objective), and
load_ranker checks them against the metadata."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from recstack.errors import RecstackError
from recstack.pipeline.rankers import create_ranker, load_ranker
from recstack.pipeline.rankers.storage import META, _digest
from recstack.pipeline.schema import Feature, FeatureFrame, FeatureSchema

from .saved_rankers import edit_meta, toy

RANKERS = {
    "lightgbm-binary": ("lightgbm", {"loss": "binary", "n_estimators": 5,
                                     "min_child_samples": 5}, "model.txt"),
    "lightgbm-lambdarank": ("lightgbm", {"loss": "lambdarank", "n_estimators": 5,
                                         "min_child_samples": 5}, "model.txt"),
    "logistic": ("logistic", {}, "weights.npz"),
    "wide_deep": ("wide_deep", {"epochs": 1}, "weights.safetensors"),
    "dcn_v2": ("dcn_v2", {"epochs": 1}, "weights.safetensors"),
    "multitask": ("multitask", {"epochs": 1}, "weights.safetensors"),
}


def fitted(name: str, params: dict, tmp_path: Path) -> Path:
    frame, labels = toy()
    if name == "multitask":
        labels = np.column_stack([labels, np.where(labels > 0, 4.0, np.nan)])
    create_ranker(name, **params).fit(frame, labels).save(tmp_path / "ranker")
    return tmp_path / "ranker"


@pytest.fixture(params=["lightgbm-binary", "lightgbm-lambdarank"])
def saved(request, tmp_path) -> Path:
    name, params, _ = RANKERS[request.param]
    return fitted(name, params, tmp_path)


def swap_numeric(meta):
    meta["schema"][0], meta["schema"][1] = meta["schema"][1], meta["schema"][0]


def rename_first(meta):
    meta["schema"][0]["name"] = "price"


@pytest.mark.parametrize("ranker", RANKERS)
@pytest.mark.parametrize(("change", "listed"), [
    (swap_numeric, "noise, signal, genre"),
    (rename_first, "price, noise, genre"),
])
def test_features_edited_in_the_metadata_are_refused_at_load(tmp_path, ranker, change,
                                                             listed):
    name, params, file = RANKERS[ranker]
    folder = fitted(name, params, tmp_path)
    edit_meta(folder, change)
    with pytest.raises(RecstackError, match=rf"{file}: the model's features are signal, "
                       rf"noise, genre, the feature schema of ranker\.json lists {listed}; "
                       "the metadata was edited"):
        load_ranker(folder)


def test_a_loss_edited_in_the_metadata_is_refused_at_load(saved):
    loss = json.loads((saved / META).read_text())["params"]["loss"]
    other = "lambdarank" if loss == "binary" else "binary"
    edit_meta(saved, lambda meta: meta["params"].__setitem__("loss", other))
    with pytest.raises(RecstackError, match=rf"model\.txt: the model was trained with the "
                       rf"objective '{loss}', ranker\.json says loss '{other}'"):
        load_ranker(saved)


@pytest.mark.parametrize("ranker", RANKERS)
def test_an_unedited_ranker_loads_and_scores_as_fitted(tmp_path, ranker):
    name, params, _ = RANKERS[ranker]
    frame, labels = toy()
    if name == "multitask":
        labels = np.column_stack([labels, np.where(labels > 0, 4.0, np.nan)])
    model = create_ranker(name, **params).fit(frame, labels)
    model.save(tmp_path / "ranker")
    edit_meta(tmp_path / "ranker", lambda meta: None)  # checksum recomputed, same text
    np.testing.assert_array_equal(load_ranker(tmp_path / "ranker").score(frame),
                                  model.score(frame))


def test_a_logistic_file_written_before_the_names_were_recorded_still_loads(tmp_path):
    folder = fitted("logistic", {}, tmp_path)
    with np.load(folder / "weights.npz", allow_pickle=False) as arrays:
        older = {k: arrays[k] for k in arrays.files if k != "features"}
    np.savez(folder / "weights.npz", **older)
    meta = json.loads((folder / META).read_text())
    meta["sha256"]["weights.npz"] = hashlib.sha256(
        (folder / "weights.npz").read_bytes()).hexdigest()
    meta["sha256"][META] = _digest(meta)
    (folder / META).write_text(json.dumps(meta))
    frame, _ = toy()
    assert np.isfinite(load_ranker(folder).score(frame)).all()


def test_features_with_characters_lightgbm_replaces_still_load(tmp_path):
    schema = FeatureSchema((Feature("price (€)", "numeric"), Feature("prix_é", "numeric")))
    frame, labels = toy()
    renamed = FeatureFrame(schema, frame.numeric, np.zeros((len(frame), 0)), frame.users,
                           frame.items, frame.groups)
    model = create_ranker("lightgbm", loss="binary", n_estimators=5,
                          min_child_samples=5).fit(renamed, labels)
    model.save(tmp_path / "ranker")
    np.testing.assert_array_equal(load_ranker(tmp_path / "ranker").score(renamed),
                                  model.score(renamed))
