"""Thirty-fifth bad-input probe, models: saved SASRec, two-tower (user side) and LightGCN
arrays, and those of a blend's members, edited into zeros only (checksums recomputed by the
documented rule, with this test's own json + numpy code), loaded without a word and scored
every item 0; they are now refused naming the file and the array. Users without training
rows keep rows of zeros, which still load."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch", reason="PyTorch is not installed (pip install recstack[torch])")

from recstack.data.interactions import Interactions  # noqa: E402
from recstack.errors import RecstackError  # noqa: E402
from recstack.models import create_model, load_model  # noqa: E402
from tests.models.tampering import ARRAYS, reseal, saved_arrays  # noqa: E402

SMALL = {"sasrec": {"epochs": 1, "hidden": 4},
         "two_tower": {"epochs": 1, "dim": 4, "hidden": 4, "batch_size": 4, "text_dim": 0},
         "lightgcn": {"epochs": 1, "dim": 4}}


@pytest.fixture(scope="module")
def data() -> Interactions:
    users = np.repeat(np.arange(6), 3)
    items = np.array([0, 1, 2, 1, 2, 3, 2, 3, 4, 3, 4, 0, 4, 0, 1, 0, 2, 4])
    return Interactions.from_arrays(users, items, np.ones(len(users)), np.arange(len(users)))


def _refusal(folder: Path, arrays: dict[str, np.ndarray], array: str) -> str:
    edited = dict(arrays)
    edited[array] = np.zeros_like(arrays[array])
    reseal(folder, edited)
    with pytest.raises(RecstackError) as refused:
        load_model(folder)
    return str(refused.value)


@pytest.mark.parametrize(("model", "array"), [
    ("sasrec", "user_states"),
    ("sasrec", "network.item_embeddings.weight"),
    ("sasrec", "network.position_embeddings.weight"),
    ("two_tower", "user_embeddings"),
    ("lightgcn", "user_factors"),
    ("lightgcn", "item_factors"),
    ("lightgcn", "user_ego"),
    ("lightgcn", "item_ego"),
])
def test_arrays_of_zeros_only_are_refused(data, tmp_path, model, array):
    folder = tmp_path / model
    arrays = saved_arrays(create_model(model, **SMALL[model]).fit(data), folder)
    assert arrays[array].any()
    assert _refusal(folder, arrays, array).startswith(
        f"{folder / ARRAYS}: array '{array}' of model '{model}' holds only zeros; ")


@pytest.mark.parametrize(("position", "array"), [(0, "user_states"), (1, "user_ego")])
def test_a_blend_members_arrays_of_zeros_only_are_refused(data, tmp_path, position, array):
    folder = tmp_path / "blend"
    members = [{"type": "sasrec", **SMALL["sasrec"]}, {"type": "lightgcn", **SMALL["lightgcn"]}]
    blend = create_model("blend", members=members, weights=[0.5, 0.5]).fit(data)
    arrays = saved_arrays(blend, folder)
    name = f"m{position}__{array}"
    assert name in arrays
    assert _refusal(folder, arrays, name).startswith(
        f"{folder / ARRAYS}: array '{array}' of members[{position}] "
        f"({members[position]['type']}) of model 'blend' (saved as '{name}') holds only zeros; ")


def test_a_two_tower_user_without_rows_still_loads(data, tmp_path):
    # user 5 stays in the vocabulary with no training row: its embedding row is 0
    train = data.select(data.user_index != 5)
    # a user without rows is no news at fit (recommend names one served by popularity)
    model = create_model("two_tower", **SMALL["two_tower"]).fit(train)
    assert not model.user_embeddings_[5].any()
    model.save(tmp_path / "tt")
    assert not load_model(tmp_path / "tt").user_embeddings_[5].any()
