"""Thirty-eighth bad-input probe, models: saved learned arrays edited into zeros only
(checksums recomputed by the documented rule, with this test's own json + numpy code).
BPR's user factors, MF's and neural MF's user side and network weights, SASRec's network
weights and the two-tower model's layer weights of zeros loaded without a word (BPR then
ranked every user's items by the item bias alone, the networks gave every pair or every
user the same score); they are now refused naming the file and the array, as the other
factor arrays are. Users without training rows keep factors of zeros, which still load."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model, load_model
from tests.models.tampering import ARRAYS, reseal, saved_arrays

ZEROS = "holds only zeros; "


@pytest.fixture(scope="module")
def data() -> Interactions:
    users = np.repeat(np.arange(6), 3)
    items = np.array([0, 1, 2, 1, 2, 3, 2, 3, 4, 3, 4, 0, 4, 0, 1, 0, 2, 4])
    return Interactions.from_arrays(users, items, np.ones(len(users)), np.arange(len(users)))


def _refusal(folder, arrays: dict[str, np.ndarray], array: str) -> str:
    edited = dict(arrays)
    edited[array] = np.zeros_like(arrays[array])
    reseal(folder, edited)
    with pytest.raises(RecstackError) as refused:
        load_model(folder)
    return str(refused.value)


def test_bpr_user_factors_of_zeros_only_are_refused(data, tmp_path):
    folder = tmp_path / "bpr"
    arrays = saved_arrays(create_model("bpr", factors=4, epochs=2).fit(data), folder)
    assert arrays["user_factors"].any()
    assert _refusal(folder, arrays, "user_factors").startswith(
        f"{folder / ARRAYS}: array 'user_factors' of model 'bpr' {ZEROS}")


def test_a_bpr_user_without_rows_still_loads(data, tmp_path):
    # user 5 stays in the vocabulary without training rows: its factors are 0
    train = data.select(data.user_index != 5)
    model = create_model("bpr", factors=4, epochs=2).fit(train)
    assert not model.user_factors_[5].any()
    model.save(tmp_path / "bpr")
    loaded = load_model(tmp_path / "bpr")
    assert not loaded.user_factors_[5].any()
    np.testing.assert_array_equal(loaded.user_factors_, model.user_factors_)


TORCH_SMALL = {
    "mf": {"factors": 4, "epochs": 1, "device": "cpu"},
    "neural_mf": {"factors": 4, "layers": (4,), "epochs": 1, "device": "cpu"},
    "sasrec": {"epochs": 1, "hidden": 4, "blocks": 1, "device": "cpu"},
    "two_tower": {"epochs": 1, "dim": 4, "hidden": 4, "batch_size": 4, "text_dim": 0,
                  "device": "cpu"},
}


@pytest.fixture(scope="module")
def ratings() -> Interactions:
    users = np.repeat(np.arange(6), 3)
    items = np.array([0, 1, 2, 1, 2, 3, 2, 3, 4, 3, 4, 0, 4, 0, 1, 0, 2, 4])
    values = np.array([5, 3, 1, 4, 2, 5, 1, 3, 4, 2, 5, 1, 3, 4, 2, 5, 1, 3], float)
    return Interactions.from_arrays(users, items, values, np.arange(len(users)),
                                    rating_range=(1.0, 5.0))


@pytest.mark.parametrize(("model", "array"), [
    ("mf", "user_factors"),
    ("neural_mf", "user_embeddings"),
    ("neural_mf", "hidden_weight_0"),
    ("neural_mf", "output_weight"),
    ("sasrec", "network.blocks.0.attention.in_projection.weight"),
    ("sasrec", "network.blocks.0.feedforward.0.weight"),
    ("sasrec", "network.final_norm.weight"),
    ("two_tower", "item_layer_0"),
    ("two_tower", "user_layer_2"),
])
def test_torch_models_weights_of_zeros_only_are_refused(data, ratings, tmp_path, model,
                                                        array):
    pytest.importorskip("torch", reason="PyTorch is not installed (pip install recstack[torch])")
    folder = tmp_path / model
    train = ratings if model in ("mf", "neural_mf") else data
    arrays = saved_arrays(create_model(model, **TORCH_SMALL[model]).fit(train), folder)
    assert arrays[array].any()
    assert _refusal(folder, arrays, array).startswith(
        f"{folder / ARRAYS}: array '{array}' of model '{model}' {ZEROS}")


@pytest.mark.parametrize("array", ["network.blocks.0.attention.in_projection.bias",
                                   "network.final_norm.bias"])
def test_sasrec_biases_of_zeros_still_load(data, tmp_path, array):
    # biases start at 0 (a fitted network's may still be 0): not damage
    pytest.importorskip("torch", reason="PyTorch is not installed (pip install recstack[torch])")
    folder = tmp_path / "sasrec"
    arrays = saved_arrays(create_model("sasrec", **TORCH_SMALL["sasrec"]).fit(data), folder)
    arrays[array] = np.zeros_like(arrays[array])
    reseal(folder, arrays)
    assert load_model(folder).is_fitted


# ------------------------------------------------------------------ counts, bases and idf
@pytest.mark.parametrize(("model", "params", "array"), [
    ("most_popular", {}, "popularity"),
    ("gf_cf", {"k": 2}, "basis"),
    ("bspm", {"k": 2}, "basis"),
])
def test_counts_and_bases_of_zeros_only_are_refused(data, tmp_path, model, params, array):
    # a fitted popularity counts its training rows, and singular vectors are unit
    # vectors: zeros only made every list the catalog in index order
    folder = tmp_path / model
    arrays = saved_arrays(create_model(model, **params).fit(data), folder)
    assert arrays[array].any()
    assert _refusal(folder, arrays, array).startswith(
        f"{folder / ARRAYS}: array '{array}' of model '{model}' {ZEROS}")


@pytest.fixture(scope="module")
def catalog_data() -> Interactions:
    import pandas as pd

    catalog = pd.DataFrame({
        "item_id": ["a", "b", "c", "d"],
        "title": ["Star Voyage", "Star Colony", "Wedding Chaos", "Wedding Pranks"],
        "genres": [["Sci-Fi"], ["Sci-Fi"], ["Comedy"], ["Comedy"]]})
    return Interactions.from_arrays(["u", "u", "v", "v"], ["a", "b", "c", "d"],
                                    [5.0, 4.0, 5.0, 3.0], item_table=catalog)


@pytest.mark.parametrize("value", [0.0, 0.5])
def test_content_idf_below_one_is_refused(catalog_data, tmp_path, value):
    # smoothed idf is ln((1 + n) / (1 + df)) + 1 >= 1, since no term is in more than n items
    pytest.importorskip("sklearn", reason="scikit-learn is not installed")
    folder = tmp_path / "content"
    arrays = saved_arrays(create_model("content").fit(catalog_data), folder)
    n = 4
    df = np.round((1 + n) / np.exp(arrays["idf"] - 1) - 1)  # the definition, inverted
    assert ((df >= 1) & (df <= n)).all() and arrays["idf"].min() >= 1.0
    arrays["idf"] = np.full_like(arrays["idf"], value)
    reseal(folder, arrays)
    with pytest.raises(RecstackError) as refused:
        load_model(folder)
    assert str(refused.value).startswith(
        f"{folder / ARRAYS}: array 'idf' of model 'content' has value {value} below its "
        "minimum 1")


@pytest.mark.parametrize(("model", "array"), [("sasrec", "popularity"),
                                              ("two_tower", "item_counts")])
def test_torch_models_training_counts_of_zeros_only_are_refused(data, tmp_path, model, array):
    pytest.importorskip("torch", reason="PyTorch is not installed (pip install recstack[torch])")
    folder = tmp_path / model
    arrays = saved_arrays(create_model(model, **TORCH_SMALL[model]).fit(data), folder)
    assert arrays[array].any()
    assert _refusal(folder, arrays, array).startswith(
        f"{folder / ARRAYS}: array '{array}' of model '{model}' {ZEROS}")
