"""A saved model's ``model.json`` relabelled to another model whose arrays look alike
(``item_knn`` <-> ``rp3beta``, ``als`` <-> ``ials``, ``gf_cf`` <-> ``bspm``, a blend's
members swapped), its checksum recomputed, loaded and served one model's arrays with the
other's meaning. The archive now records which model saved which arrays
(``base__model``), and ``load_model`` refuses a ``model.json`` that names another, naming
both files and both models; artifacts saved before that array was written still load."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models.persistence import describe_artifact, load_model
from recstack.models.registry import create_model
from tests.models.tampering import edit_meta, reseal, saved_arrays

ARRAYS, META = "arrays.npz", "model.json"


@pytest.fixture(scope="module")
def train() -> Interactions:
    # 6 users x 5 items, every user with 3 items: enough for every model below
    users = np.repeat(np.arange(6), 3)
    items = np.array([0, 1, 2, 1, 2, 3, 2, 3, 4, 0, 3, 4, 0, 1, 4, 1, 3, 4])
    return Interactions.from_arrays(users, items)


def _fitted(name: str, train: Interactions, **params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # factors beyond the tiny data's rank
        return create_model(name, **params).fit(train)


def _relabel(folder, name: str, params: dict) -> None:
    def edit(meta):
        meta["model"] = name
        meta["params"] = params
    edit_meta(folder, edit)


@pytest.mark.parametrize(("saved", "saved_params", "told"), [
    ("item_knn", {}, "rp3beta"),
    ("rp3beta", {}, "item_knn"),
    ("als", {"factors": 2, "iterations": 2}, "ials"),
    ("ials", {"factors": 2, "iterations": 2}, "als"),
    ("gf_cf", {"k": 2}, "bspm"),
    ("bspm", {"k": 2}, "gf_cf"),
])
def test_a_model_json_relabelled_to_a_look_alike_model_is_refused(
        train, tmp_path, saved, saved_params, told):
    folder = tmp_path / "model"
    _fitted(saved, train, **saved_params).save(folder)
    # the other model's own hyperparameters, keeping the values both share
    params = create_model(told).get_params()
    for key, value in saved_params.items():
        if key in params:
            params[key] = value
    if told in ("gf_cf", "bspm"):
        params["k"] = 2
    _relabel(folder, told, json.loads(json.dumps(params)))
    with pytest.raises(RecstackError) as caught:
        load_model(folder)
    message = str(caught.value)
    assert message.startswith(f"{folder / ARRAYS}: holds the arrays model {saved!r} saved")
    assert f"but {META} names model {told!r}" in message
    assert f"put back the {META} saved with these arrays (model {saved!r})" in message


def test_the_archive_records_the_model_and_its_members(train, tmp_path):
    folder = tmp_path / "model"
    blend = create_model("blend", members=[{"type": "item_knn"}, {"type": "rp3beta"}],
                         weights=[0.5, 0.5])
    _fitted_blend = blend.fit(train)
    arrays = saved_arrays(_fitted_blend, folder)
    assert arrays["base__model"].tolist() == [":blend", "m0__:item_knn", "m1__:rp3beta"]
    np.testing.assert_array_equal(load_model(folder).score_users(np.arange(6)),  # as saved
                                  _fitted_blend.score_users(np.arange(6)))


def test_a_blend_whose_look_alike_members_are_swapped_is_refused(train, tmp_path):
    folder = tmp_path / "model"
    model = create_model("blend", members=[{"type": "item_knn"}, {"type": "rp3beta"}],
                         weights=[0.75, 0.25]).fit(train)
    model.save(folder)

    def swap(meta):
        meta["params"]["members"] = meta["params"]["members"][::-1]
    edit_meta(folder, swap)
    with pytest.raises(RecstackError) as caught:
        load_model(folder)
    message = str(caught.value)
    assert message.startswith(f"{folder / ARRAYS}: the arrays under 'm0__' were saved by "
                              "model 'item_knn'")
    assert f"but {META} declares model 'rp3beta' there (members[0] (rp3beta)" in message


def test_a_relabelled_model_inside_a_reranked_model_is_refused(train, tmp_path):
    folder = tmp_path / "model"
    create_model("reranked", model={"type": "item_knn"},
                 chain=[{"type": "popularity_penalty"}]).fit(train).save(folder)

    def relabel(meta):
        meta["params"]["model"] = {"type": "rp3beta"}
    edit_meta(folder, relabel)
    with pytest.raises(RecstackError) as caught:
        load_model(folder)
    assert ("arrays.npz: the arrays under 'm__' were saved by model 'item_knn' (array "
            "'base__model' records it), but model.json declares model 'rp3beta' there (the "
            "wrapped model (rp3beta) of model 'reranked'); loading would give them the meaning "
            "of model 'rp3beta'") in str(caught.value)


def test_an_artifact_without_the_record_still_loads(train, tmp_path):
    folder = tmp_path / "model"
    model = _fitted("als", train, factors=2, iterations=2)
    arrays = saved_arrays(model, folder)
    del arrays["base__model"]  # as saved before it was written
    reseal(folder, arrays)
    edit_meta(folder, lambda m: m["arrays"].pop("base__model"))
    loaded = load_model(folder)
    np.testing.assert_array_equal(loaded.score_users(np.arange(6)),
                                  model.score_users(np.arange(6)))
    assert "base__model" not in describe_artifact(folder)["arrays"]
    # and a relabel of such an artifact is left to the declarations (here: the same arrays)
    edit_meta(folder, lambda m: m.update(model="ials", params=create_model(
        "ials", factors=2, iterations=2).get_params()))
    assert type(load_model(folder)).__name__ == "IALS"


@pytest.mark.parametrize("record", [
    np.array([1, 2]),                       # not text
    np.array(["item_knn"]),                 # no prefix
    np.array([], dtype="<U3"),              # empty
    np.array([[":item_knn"]]),              # two dimensions
])
def test_a_damaged_record_is_refused(train, tmp_path, record):
    folder = tmp_path / "model"
    arrays = saved_arrays(_fitted("item_knn", train), folder)
    arrays["base__model"] = record
    reseal(folder, arrays)
    with pytest.raises(RecstackError, match=r"arrays\.npz: array 'base__model' must list "
                                            r"the models that saved the arrays as text"):
        load_model(folder)


def test_a_record_of_nested_models_the_model_json_lacks_is_refused(train, tmp_path):
    folder = tmp_path / "model"
    arrays = saved_arrays(_fitted("item_knn", train), folder)
    arrays["base__model"] = np.array([":item_knn", "m0__:ease"])
    reseal(folder, arrays)
    with pytest.raises(RecstackError, match=r"records models under \['m0__'\] \('ease'\) "
                                            r"that model\.json does not declare"):
        load_model(folder)


def test_describe_artifact_refuses_a_relabelled_model_json_as_load_model_does(train, tmp_path):
    folder = tmp_path / "model"
    _fitted("item_knn", train).save(folder)
    _relabel(folder, "rp3beta", json.loads(json.dumps(create_model("rp3beta").get_params())))
    for read in (load_model, describe_artifact):
        with pytest.raises(RecstackError, match=r"arrays\.npz: holds the arrays model "
                                                r"'item_knn' saved .* but model\.json names "
                                                r"model 'rp3beta'"):
            read(folder)

