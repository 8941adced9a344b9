"""Thirty-second bad-input probe, models: negative values given to models that read only
which pairs occur, and saved artifacts edited (checksums recomputed by the documented rule,
with this test's own json + numpy code) into sparse matrices with a repeated or unsorted
column, or into factors of zeros only."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model, load_model
from tests.models.tampering import ARRAYS, reseal, saved_arrays


@pytest.fixture(scope="module")
def data() -> Interactions:
    users = np.repeat(np.arange(6), 3)
    items = np.array([0, 1, 2, 1, 2, 3, 2, 3, 4, 3, 4, 0, 4, 0, 1, 0, 2, 4])
    return Interactions.from_arrays(users, items, np.ones(len(users)))


def _with_dislikes() -> Interactions:
    # user 1 disliked item 8 (-1), and user 3 item 7 (-2): 2 of 7 rows are negative
    return Interactions.from_arrays([1, 1, 2, 2, 3, 3, 4], [7, 8, 7, 9, 8, 7, 9],
                                    [1.0, -1.0, 1.0, 1.0, 1.0, -2.0, 1.0])


# --------------------------------------------------------------------------- negative values
@pytest.mark.parametrize(("model", "how"), [
    ("most_popular", "it counts every row as one interaction"),
    ("item_knn", "with binary=True it counts every recorded pair as 1"),
    ("user_knn", "with binary=True it counts every recorded pair as 1"),
    ("rp3beta", "with binary=True it counts every recorded pair as 1"),
    ("ease", "with binary=True it counts every recorded pair as 1"),
    ("ials", "it reads every non-zero value as an interaction"),
    ("bpr", "it learns every recorded pair as a positive"),
])
def test_models_that_read_which_pairs_occur_refuse_negative_values(model, how):
    # a -1 (a dislike) counted as an interaction like any other: item 8 was "popular"
    with pytest.raises(RecstackError) as refused:
        create_model(model).fit(_with_dislikes())
    message = str(refused.value)
    assert message.startswith(f"{model}: 2 of 7 interaction values are negative "
                              "(e.g. -1 for user 1, item 8); ")
    assert how in message
    assert "min_value filter" in message


def test_models_weighting_by_the_values_still_take_negative_values():
    # binary=False weights by the values: a negative weight is the user's to give
    model = create_model("item_knn", binary=False).fit(_with_dislikes())
    assert model.seen_.nnz == 7


# --------------------------------------------------------------------------- artifacts
def test_a_sparse_matrix_with_a_repeated_column_is_refused(data, tmp_path):
    folder = tmp_path / "knn"
    arrays = saved_arrays(create_model("item_knn").fit(data), folder)
    indptr, indices = arrays["similarity_indptr"], arrays["similarity_indices"]
    row = int(np.flatnonzero(np.diff(indptr) >= 2)[0])
    start = int(indptr[row])
    indices[start + 1] = indices[start]  # the row's first column, stored twice
    reseal(folder, arrays)
    with pytest.raises(RecstackError) as refused:
        load_model(folder)
    message = str(refused.value)
    assert message.startswith(f"{folder / ARRAYS}: array 'similarity_indices' of model "
                              f"'item_knn' holds column {int(indices[start])} twice in row "
                              f"{row}; ")
    assert "damaged or edited" in message


def test_a_sparse_matrix_with_unsorted_columns_loads_sorted(data, tmp_path):
    # artifacts saved before matrices were sorted may hold a row's columns out of order:
    # no damage, so they load, sorted for the rows' binary searches
    folder = tmp_path / "pop"
    model = create_model("most_popular").fit(data)
    arrays = saved_arrays(model, folder)
    # user 0's training items are 0, 1, 2 (stored sorted): swap the first two
    indices, values = arrays["base__seen_indices"], arrays["base__seen_data"]
    assert indices[:3].tolist() == [0, 1, 2]
    indices[:2] = [1, 0]
    values[:2] = values[:2][::-1].copy()
    reseal(folder, arrays)
    loaded = load_model(folder)
    assert loaded.seen_.has_sorted_indices
    assert loaded.seen_.indices[:3].tolist() == [0, 1, 2]
    users = data.users.external_ids
    assert np.array_equal(loaded.recommend(users, k=3)[0], model.recommend(users, k=3)[0])


@pytest.mark.parametrize("array", ["user_factors", "item_factors"])
def test_factors_of_zeros_only_are_refused(data, tmp_path, array):
    pytest.importorskip("implicit")
    folder = tmp_path / "als"
    arrays = saved_arrays(create_model("als", factors=4, iterations=2).fit(data), folder)
    arrays[array] = np.zeros_like(arrays[array])
    reseal(folder, arrays)
    with pytest.raises(RecstackError) as refused:
        load_model(folder)
    assert str(refused.value).startswith(f"{folder / ARRAYS}: array '{array}' of model 'als' "
                                         "holds only zeros; ")


def test_an_untouched_artifact_still_loads(data, tmp_path):
    model = create_model("item_knn").fit(data)
    model.save(tmp_path / "knn")
    assert (load_model(tmp_path / "knn").similarity_ != model.similarity_).nnz == 0
