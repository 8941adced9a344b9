"""Most-popular keeps its popularity in float64: in float32 (24-bit significand) counts
above 2 ** 24 rounded, so two items of different counts could tie and be listed by index.
Files saved with float32 popularity still load and score as they did."""

from __future__ import annotations

import hashlib
import json
import warnings

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models.baselines import MostPopular
from recstack.models.persistence import load_model

DAY = 86_400
BIG = 2 ** 24  # float32 holds every integer up to here, and only even ones above it


def test_counts_above_two_to_the_24_stay_distinct_through_save_and_load(tmp_path):
    data = Interactions.from_arrays(["u1", "u2", "u3"], ["a", "b", "c"])
    model = MostPopular().fit(data)
    assert model.popularity_.dtype == np.float64
    # counts as a catalog of billions of plays gives them: b has one play more than a
    model.popularity_ = np.array([BIG, BIG + 1, 5], dtype=np.float64)
    model.save(tmp_path / "model")
    loaded = load_model(tmp_path / "model")
    assert loaded.popularity_.tolist() == [BIG, BIG + 1, 5]
    items, scores = loaded.recommend(["u3"], k=2)
    # in float32 both were 16777216.0, tied, and a (the lower index) came first
    assert items[0].tolist() == ["b", "a"]
    assert scores[0].tolist() == [BIG + 1, BIG]


def test_a_fit_sums_weights_without_float32_rounding():
    # b: one row at the latest time (weight 1); a: the same, plus one row 30 days older,
    # which with a one-day half-life weighs 2 ** -30. In float32 1 + 2 ** -30 is 1, so a
    # tied with b and b (the lower index) came first
    data = Interactions.from_arrays(["u1", "u2", "u3"], ["b", "a", "a"],
                                    timestamps=[30 * DAY, 30 * DAY, 0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = MostPopular(half_life_days=1).fit(data)
    by_item = dict(zip(data.items.external_ids.tolist(), model.popularity_.tolist(),
                       strict=True))
    assert by_item == {"b": 1.0, "a": 1.0 + 2.0 ** -30}
    assert model.recommend(["u1"], k=1)[0][0].tolist() == ["a"]


def test_the_underflow_warning_comes_at_float64s_smallest_number():
    # 2 ** -1100 is below float64's smallest number, 2 ** -1074: x's popularity is 0
    data = Interactions.from_arrays(["u1", "u2", "u3"], ["x", "y", "z"],
                                    timestamps=[0, 1000 * DAY, 1100 * DAY])
    with pytest.warns(RuntimeWarning) as caught:
        model = MostPopular(half_life_days=1).fit(data)
    message = str(caught[0].message)
    assert "leaves 1 of the 3 items with training rows (e.g. 'x') a popularity of " \
           "exactly 0" in message
    assert "below float64's smallest number (2 ** -1074" in message
    # 1100 / 1074 = 1.0242..., rounded up to three digits
    assert message.endswith("use half_life_days >= 1.03 to rank every item")
    by_item = dict(zip(data.items.external_ids.tolist(), model.popularity_.tolist(),
                       strict=True))
    assert by_item == {"x": 0.0, "y": 2.0 ** -100, "z": 1.0}


def _write_saved_model(folder, popularity: np.ndarray) -> None:
    """A most_popular model as recstack wrote it before popularity was float64: users u1,
    u2, u3 who saw a, b and c, written field by field as the format describes it."""
    folder.mkdir()
    arrays = {
        "base__user_ids": np.array(["u1", "u2", "u3"]),
        "base__item_ids": np.array(["a", "b", "c"]),
        "base__seen_indptr": np.array([0, 1, 2, 3], np.int32),
        "base__seen_indices": np.array([0, 1, 2], np.int32),
        "base__seen_data": np.ones(3, np.float32),
        "base__seen_shape": np.array([3, 3], np.int64),
        "base__model": np.array([":most_popular"]),
        "popularity": popularity,
    }
    np.savez(folder / "arrays.npz", **arrays)
    meta = {
        "format": "recstack-model", "format_version": 2, "recstack_version": "0.1.0",
        "model": "most_popular", "params": {"half_life_days": None},
        "arrays": {name: {"dtype": array.dtype.str, "shape": list(array.shape)}
                   for name, array in arrays.items()},
    }
    canonical = json.dumps(meta, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    meta["sha256"] = {
        "arrays.npz": hashlib.sha256((folder / "arrays.npz").read_bytes()).hexdigest(),
        "model.json": hashlib.sha256(canonical.encode("ascii")).hexdigest()}
    (folder / "model.json").write_text(json.dumps(meta, indent=2))


def test_a_file_saved_with_float32_popularity_loads_and_scores_as_before(tmp_path):
    # counts 2 ** 24 and 2 ** 24 + 1 were both stored as 16777216.0 in float32
    _write_saved_model(tmp_path / "old", np.array([BIG, BIG, 7], np.float32))
    model = load_model(tmp_path / "old")
    items, scores = model.recommend(["u3"], k=2)
    assert items[0].tolist() == ["a", "b"]  # tied, by index, as the old version listed them
    assert scores.dtype == np.float32
    assert scores[0].tolist() == [16777216.0, 16777216.0]
    np.testing.assert_array_equal(model.score_users(np.array([0])),
                                  np.array([[BIG, BIG, 7]], np.float32))


@pytest.mark.parametrize("popularity", [np.array([3, 2, 1], np.int64),
                                        np.array([3, 2, 1], np.float16),
                                        np.array(["3", "2", "1"])])
def test_a_popularity_of_another_dtype_is_refused(tmp_path, popularity):
    _write_saved_model(tmp_path / "edited", popularity)
    with pytest.raises(RecstackError, match=(
            rf"arrays.npz: array 'popularity' of model 'most_popular' has dtype "
            rf"{popularity.dtype}, expected float64 \(or float32, as saved before recstack "
            r"stored exact counts\)")):
        load_model(tmp_path / "edited")
