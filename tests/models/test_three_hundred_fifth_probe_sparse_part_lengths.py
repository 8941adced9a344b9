"""Three hundred fifth bad-input probe, a saved sparse matrix whose parts disagree in length:
a ``data`` array cut by one value was reported as "array '..._indices' has length 240 on
axis 0, expected 239 (239)", naming neither the array it was measured against nor the rule,
so the intact array looked like the damaged one; a row pointer as long as the rows was
"expected 41 (41)". The refusal now says which array gives the length and why."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model, load_model
from tests.models.tampering import reseal, saved_arrays


@pytest.fixture(scope="module")
def data():
    # 6 users with 3 items each of 6: 18 stored values in the seen matrix
    users = np.repeat(np.arange(6), 3)
    items = np.array([0, 1, 2, 1, 2, 3, 2, 3, 4, 3, 4, 5, 4, 5, 0, 5, 0, 1])
    return Interactions.from_arrays(users, items)


@pytest.fixture(scope="module")
def model(data):
    return create_model("rp3beta", neighbors=3).fit(data)


def tampered(model, folder, name, edit):
    arrays = saved_arrays(model, folder)
    arrays[name] = edit(arrays[name])
    reseal(folder, arrays)
    return folder


def test_cut_values_name_the_array_they_are_measured_against(model, tmp_path):
    folder = tampered(model, tmp_path / "m", "base__seen_data", lambda a: a[:-1])
    with pytest.raises(RecstackError, match=(
            r"array 'base__seen_indices' of model 'rp3beta' has length 18 on axis 0, "
            r"expected 17 \(one column index for each of the 17 values of 'base__seen_data': "
            r"the two must be as long, so one of them was cut or edited\); shape \(18,\) vs "
            r"declared \(17,\)$")):
        load_model(folder)


def test_a_short_row_pointer_says_it_needs_one_more_than_the_rows(model, tmp_path):
    folder = tampered(model, tmp_path / "m", "base__seen_indptr", lambda a: a[:-1])
    with pytest.raises(RecstackError, match=(
            r"array 'base__seen_indptr' of model 'rp3beta' has length 6 on axis 0, expected "
            r"7 \(a row pointer holds one more entry than the 6 rows 'base__seen_shape' "
            r"gives\); shape \(6,\) vs declared \(7,\)$")):
        load_model(folder)


def test_a_declared_number_is_not_repeated_as_its_own_reason(tmp_path):
    users = np.repeat(np.arange(6), 2)
    items = np.array([0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 0])
    fitted = create_model("ease", regularization=10.0).fit(Interactions.from_arrays(users, items))
    folder = tampered(fitted, tmp_path / "m", "base__seen_shape",
                      lambda a: np.concatenate([a, a[:1]]))
    with pytest.raises(RecstackError, match=(
            r"array 'base__seen_shape' of model 'ease' has length 3 on axis 0, expected 2; "
            r"shape \(3,\) vs declared \(2,\)$")):
        load_model(folder)
