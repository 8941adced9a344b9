import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.models import MostPopular, RandomRecommender, available_models, create_model
from recstack.topk import top_k


@pytest.fixture
def data() -> Interactions:
    # item "c" is rated by 3 users, "b" by 2, "a" by 1; "c" ratings are old, "a" is recent
    return Interactions.from_arrays(
        ["u1", "u2", "u3", "u1", "u2", "u3"], ["c", "c", "c", "b", "b", "a"], None,
        [0, 0, 0, 50 * 86_400, 50 * 86_400, 100 * 86_400])


def test_most_popular_ranks_by_count_and_excludes_seen(data):
    model = MostPopular().fit(data)
    items, scores = model.recommend(["u3"], k=2)
    # u3 has seen "c" and "a": only "b" is left, the second slot is empty
    assert items.tolist() == [["b", None]] and scores.tolist() == [[2.0, -np.inf]]
    items, _ = model.recommend(["u3"], k=3, exclude_seen=False)
    assert items.tolist() == [["c", "b", "a"]]


def test_time_decay_prefers_recent_items(data):
    # half-life 10 days: "c" (3 rows, 100 days old) weighs 3 / 2**10; "a" (1 row, new) 1.0
    model = MostPopular(half_life_days=10).fit(data)
    expected = {"a": 1.0, "b": 2 * 2 ** -5, "c": 3 * 2 ** -10}
    for item, weight in expected.items():
        index = data.items.to_index([item])[0]
        assert model.popularity_[index] == pytest.approx(weight)
    items, _ = model.recommend(["u1"], k=3, exclude_seen=False)
    assert items[0].tolist() == ["a", "b", "c"]


def test_random_is_seeded_and_batch_independent(data):
    a = RandomRecommender(seed=3).fit(data)
    b = RandomRecommender(seed=3).fit(data)
    users = np.arange(3)
    np.testing.assert_array_equal(a.score_users(users), b.score_users(users))
    np.testing.assert_array_equal(a.score_users(users)[2], a.score_users(np.array([2]))[0])
    c = RandomRecommender(seed=4).fit(data)
    assert not np.array_equal(a.score_users(users), c.score_users(users))


def test_random_scores_are_roughly_uniform():
    data = Interactions.from_arrays(np.arange(200), np.arange(200) % 50)
    scores = RandomRecommender(seed=0).fit(data).score_users(np.arange(200)).ravel()
    assert 0 <= scores.min() and scores.max() < 1
    hist, _ = np.histogram(scores, bins=10, range=(0, 1))
    assert hist.min() > 0.8 * len(scores) / 10


def test_top_k_is_a_partial_sort_with_deterministic_ties():
    scores = np.array([[0.1, 0.9, 0.5, 0.9, -np.inf]], dtype=np.float32)
    items, values = top_k(scores, 3)
    assert items.tolist() == [[1, 3, 2]]
    np.testing.assert_allclose(values, [[0.9, 0.9, 0.5]])
    items, _ = top_k(scores, 10)  # k beyond the catalog is capped
    assert items.tolist() == [[1, 3, 2, 0, 4]]


def test_registry_and_parameter_checks(data):
    assert {"random", "most_popular"} <= set(available_models())
    with pytest.raises(ConfigError, match="unknown model 'popular'"):
        create_model("popular")
    with pytest.raises(ConfigError, match="no parameter"):
        create_model("random", sed=1)
    with pytest.raises(ConfigError, match="half_life_days must be > 0"):
        MostPopular(half_life_days=0).fit(data)
    with pytest.raises(ConfigError, match="k must be a positive"):
        MostPopular().fit(data).recommend(["u1"], k=0)


def test_unknown_users_and_unfitted_models_are_refused(data):
    with pytest.raises(RecstackError, match="call fit"):
        MostPopular().recommend(["u1"])
    with pytest.raises(RecstackError, match="not seen in training.*'zz'"):
        MostPopular().fit(data).recommend(["zz"])


@pytest.mark.parametrize("model", [MostPopular(half_life_days=5), RandomRecommender(seed=2)])
def test_save_and_load_give_identical_scores(data, tmp_path, model):
    from recstack.models import load_model

    model.fit(data)
    model.save(tmp_path / "m")
    loaded = load_model(tmp_path / "m")
    assert type(loaded) is type(model) and loaded.get_params() == model.get_params()
    users = np.arange(3)
    np.testing.assert_array_equal(loaded.score_users(users), model.score_users(users))
    np.testing.assert_array_equal(loaded.recommend(["u1", "u2"], k=2)[0],
                                  model.recommend(["u1", "u2"], k=2)[0])
    np.testing.assert_array_equal(model.score(["u1", "u3"], ["a", "c"]),
                                  model.score_users(np.array([0, 2]))[[0, 1], [0, 2]])


def test_corrupted_or_incompatible_artifacts_are_refused(data, tmp_path):
    import json

    from recstack.models import load_model

    MostPopular().fit(data).save(tmp_path / "m")
    with pytest.raises(RecstackError, match="already exists"):
        MostPopular().fit(data).save(tmp_path / "m")
    arrays = tmp_path / "m" / "arrays.npz"
    blob = bytearray(arrays.read_bytes())
    blob[-10] ^= 0xFF
    arrays.write_bytes(bytes(blob))
    with pytest.raises(RecstackError, match="checksum mismatch"):
        load_model(tmp_path / "m")
    MostPopular().fit(data).save(tmp_path / "n")
    meta_path = tmp_path / "n" / "model.json"
    meta = json.loads(meta_path.read_text())
    meta["format_version"] = 99
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(RecstackError, match="format version 99"):
        load_model(tmp_path / "n")
    with pytest.raises(RecstackError, match="not a saved recstack model"):
        load_model(tmp_path)


def test_non_finite_hyperparameters_are_refused(data):
    for bad in (float("nan"), float("inf")):
        with pytest.raises(ConfigError, match="half_life_days must be a finite number"):
            MostPopular(half_life_days=bad).fit(data)


@pytest.mark.parametrize("density", [1.0, 0.03])
def test_top_k_agrees_with_a_full_stable_sort(density):
    rng = np.random.default_rng(1)
    scores = rng.standard_normal((40, 300)).astype(np.float32)
    scores[rng.random(scores.shape) > density] = 0.0  # sparse rows: many ties at zero
    scores[:, 7] = -np.inf
    items, values = top_k(scores, 25)
    reference = np.argsort(-scores, axis=1, kind="stable")[:, :25]
    np.testing.assert_array_equal(values, np.take_along_axis(scores, reference, axis=1))
    if density < 1.0:  # the unique-key path also breaks ties towards the lower index
        np.testing.assert_array_equal(items, reference)


def test_a_failed_fit_leaves_the_model_unfitted():
    undated = Interactions.from_arrays(["u1"], ["a"])
    model = MostPopular(half_life_days=3)
    with pytest.raises(RecstackError, match="needs timestamps"):
        model.fit(undated)
    assert not model.is_fitted
    with pytest.raises(RecstackError, match="call fit"):
        model.recommend(["u1"])


def test_threaded_top_k_equals_top_k():
    from concurrent.futures import ThreadPoolExecutor

    from recstack.topk import top_k_threaded

    scores = np.random.default_rng(2).standard_normal((101, 500)).astype(np.float32)
    with ThreadPoolExecutor(3) as executor:
        threaded = top_k_threaded(scores, 20, executor, 3)
    for got, expected in zip(threaded, top_k(scores, 20), strict=True):
        np.testing.assert_array_equal(got, expected)


def test_recommend_pads_to_k_when_the_catalog_is_smaller(data):
    items, scores = MostPopular().fit(data).recommend(["u1"], k=5, exclude_seen=False)
    assert items.shape == (1, 5)
    assert items[0].tolist()[3:] == [None, None] and np.isneginf(scores[0, 3:]).all()
