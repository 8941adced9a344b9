"""The array recording which model saved a model's arrays (``base__model``) lists each
prefix once; read into a dict, a repeated prefix let its last entry win, so a record edited
to end in the relabelled model's name passed the relabelling check."""

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models.persistence import load_model
from recstack.models.registry import create_model
from tests.models.tampering import edit_meta, reseal, saved_arrays


@pytest.fixture(scope="module")
def train() -> Interactions:
    users = np.repeat(np.arange(6), 3)
    items = np.array([0, 1, 2, 1, 2, 3, 2, 3, 4, 0, 3, 4, 0, 1, 4, 1, 3, 4])
    return Interactions.from_arrays(users, items)


def test_a_record_naming_two_models_for_one_prefix_is_refused(train, tmp_path):
    folder = tmp_path / "model"
    arrays = saved_arrays(create_model("rp3beta").fit(train), folder)
    # rp3beta's arrays relabelled item_knn (same names and shapes), the record extended
    arrays["base__model"] = np.array([":rp3beta", ":item_knn"])
    reseal(folder, arrays)
    edit_meta(folder, lambda meta: meta.update(
        model="item_knn", params=create_model("item_knn").get_params()))
    with pytest.raises(RecstackError) as caught:
        load_model(folder)
    assert str(caught.value) == (
        f"{folder / 'arrays.npz'}: array 'base__model' records more than one model under "
        "the prefix(es) [''] (it lists ':rp3beta', ':item_knn'); save writes each prefix "
        "once, so the archive was damaged or edited; save the model again")


def test_a_record_repeating_the_same_entry_is_refused_too(train, tmp_path):
    folder = tmp_path / "model"
    arrays = saved_arrays(create_model("item_knn").fit(train), folder)
    arrays["base__model"] = np.array([":item_knn", ":item_knn"])
    reseal(folder, arrays)
    with pytest.raises(RecstackError, match=r"more than one model under the prefix\(es\) "
                                            r"\[''\]"):
        load_model(folder)


def test_a_blend_record_as_saved_still_loads(train, tmp_path):
    folder = tmp_path / "model"
    model = create_model("blend", members=[{"type": "item_knn"}, {"type": "rp3beta"}],
                         weights=[0.75, 0.25]).fit(train)
    model.save(folder)
    np.testing.assert_array_equal(load_model(folder).score_users(np.arange(6)),
                                  model.score_users(np.arange(6)))
