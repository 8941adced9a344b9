"""Thirty-eighth bad-input probe, models: a damaged array of a saved blend's member was
named by its storage prefix only (``array 'm0__weights' of model 'blend'``), which the user
never wrote; it is now named as the blend's other errors name a member: ``array 'weights'
of members[0] (ease) of model 'blend' (saved as 'm0__weights')``. (Checksums recomputed by
the documented rule, with this test's own json + numpy code.)"""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model, load_model
from tests.models.tampering import ARRAYS, reseal, saved_arrays

MEMBERS = [{"type": "ease", "regularization": 10.0}, {"type": "rp3beta", "neighbors": 5}]


@pytest.fixture(scope="module")
def blend() -> object:
    users = np.repeat(np.arange(6), 3)
    items = np.array([0, 1, 2, 1, 2, 3, 2, 3, 4, 3, 4, 0, 4, 0, 1, 0, 2, 4])
    data = Interactions.from_arrays(users, items, np.ones(len(users)), np.arange(len(users)))
    return create_model("blend", members=MEMBERS, weights=[0.5, 0.5]).fit(data)


def _refusal(folder, arrays: dict[str, np.ndarray]) -> str:
    reseal(folder, arrays)
    with pytest.raises(RecstackError) as refused:
        load_model(folder)
    return str(refused.value)


def test_a_members_non_finite_array_is_named_by_the_member(blend, tmp_path):
    folder = tmp_path / "blend"
    arrays = saved_arrays(blend, folder)
    arrays["m0__weights"][0, 1] = np.nan
    assert _refusal(folder, arrays) == (
        f"{folder / ARRAYS}: array 'weights' of members[0] (ease) of model 'blend' (saved as "
        "'m0__weights') has 1 value(s) that are NaN or infinite")


def test_a_members_sparse_array_is_named_by_the_member(blend, tmp_path):
    folder = tmp_path / "blend"
    arrays = saved_arrays(blend, folder)
    arrays["m1__similarity_indices"][0] = 99  # an item index outside the 5-item catalog
    assert _refusal(folder, arrays).startswith(
        f"{folder / ARRAYS}: array 'similarity_indices' of members[1] (rp3beta) of model "
        "'blend' (saved as 'm1__similarity_indices') has column indices outside [0, 5)")


def test_the_blends_own_arrays_keep_their_names(blend, tmp_path):
    folder = tmp_path / "blend"
    arrays = saved_arrays(blend, folder)
    arrays["weights"] = np.array([1.5, -0.5], np.float32)
    assert _refusal(folder, arrays).startswith(
        f"{folder / ARRAYS}: array 'weights' of model 'blend' has value -0.5 below its minimum")
