"""A model's hyperparameters saved through JSON (``model.json``, an experiment file) come
back with lists where tuples were: a model re-created from them compared unequal to the
original and printed differently (``layers=(16,)`` against ``layers=[16]``), though it was
the same model. Every sequence is now stored as a list, at any depth, defaults included."""

import json

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.models import available_models, create_model, load_model
from tests.models.quick_params import quick_params

MODELS = available_models()


def _through_json(params):
    return json.loads(json.dumps(params))


@pytest.mark.parametrize("name", MODELS)
def test_params_read_back_from_json_make_an_equal_model(name):
    model = create_model(name, **quick_params(name))
    again = create_model(name, **_through_json(model.get_params()))
    assert again.get_params() == model.get_params()
    assert repr(again) == repr(model)


@pytest.mark.parametrize("name", MODELS)
def test_a_default_model_survives_json_too(name):
    model = create_model(name)
    again = create_model(name, **_through_json(model.get_params()))
    assert again.get_params() == model.get_params()
    assert repr(again) == repr(model)


def test_tuples_become_lists_at_every_depth():
    model = create_model("reranked", model={"type": "ease"},
                         chain=({"type": "block_list", "items": (1, 2)},))
    assert model.chain == [{"type": "block_list", "items": [1, 2]}]
    assert type(model.chain) is list and type(model.chain[0]["items"]) is list
    nmf = create_model("neural_mf", layers=(16, np.int64(8)))
    assert nmf.layers == [16, 8] and type(nmf.layers[1]) is int
    assert repr(nmf) == repr(create_model("neural_mf", layers=[16, 8]))


def test_no_two_models_share_a_default_list():
    first, second = create_model("neural_mf"), create_model("neural_mf")
    assert first.layers == [64, 32] and first.layers is not second.layers
    first.layers.append(8)
    assert create_model("neural_mf").layers == [64, 32]
    assert second.layers == [64, 32]


def test_a_saved_and_loaded_model_equals_the_original(tmp_path):
    rng = np.random.default_rng(0)
    data = Interactions.from_arrays(rng.integers(0, 20, 200), rng.integers(0, 15, 200),
                                    rng.integers(1, 6, 200).astype(float), np.arange(200),
                                    rating_range=(1.0, 5.0))
    model = create_model("neural_mf", factors=4, layers=(8,), epochs=1, batch_size=64,
                         device="cpu").fit(data)
    model.save(tmp_path / "nmf")
    loaded = load_model(tmp_path / "nmf")
    assert loaded.get_params() == model.get_params()
    assert repr(loaded) == repr(model)
