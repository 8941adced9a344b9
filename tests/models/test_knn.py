"""Item-kNN: similarities against references and hand computations, pruning, scoring."""

import tracemalloc
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.metrics.pairwise import cosine_similarity

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.models import create_model, load_model
from recstack.models import knn as knn_module
from recstack.models.base import PopularityFallbackWarning
from recstack.models.knn import ItemKNN, pruned_item_similarity


def interactions_of(matrix: np.ndarray) -> Interactions:
    """Interactions whose user/item indices equal the row/column numbers of ``matrix``."""
    users, items = np.nonzero(matrix)
    data = Interactions.from_arrays(users, items, matrix[users, items])
    assert data.n_items == matrix.shape[1] and data.n_users == matrix.shape[0]
    return data


@pytest.fixture(scope="module")
def ratings() -> np.ndarray:
    rng = np.random.default_rng(1)
    matrix = rng.integers(1, 6, (80, 30)).astype(np.float32)
    matrix[rng.random(matrix.shape) > 0.25] = 0
    matrix[np.arange(80), np.arange(80) % 30] = 3.0  # every user and item has a row
    return matrix


# 4 users, items a b c: u0 {a, b}, u1 {a, b, c}, u2 {a}, u3 {c}; ratings are ignored by
# the set measures. c_a = 3, c_b = 2, c_c = 2, c_ab = 2, c_ac = 1, c_bc = 1, n = 4.
TINY_USERS = ["u0", "u0", "u1", "u1", "u1", "u2", "u3"]
TINY_ITEMS = ["a", "b", "a", "b", "c", "a", "c"]
TINY_VALUES = [5.0, 1.0, 2.0, 4.0, 3.0, 1.0, 2.0]


@pytest.fixture
def tiny() -> Interactions:
    return Interactions.from_arrays(TINY_USERS, TINY_ITEMS, TINY_VALUES)


def test_cosine_equals_sklearn_without_shrink_or_pruning(ratings):
    data = interactions_of(ratings)
    for binary in (False, True):
        model = ItemKNN(neighbors=1000, binary=binary).fit(data)
        columns = (ratings > 0).astype(np.float32) if binary else ratings
        expected = cosine_similarity(columns.T)
        np.fill_diagonal(expected, 0.0)
        np.testing.assert_allclose(model.similarity_.toarray(), expected, rtol=1e-5, atol=1e-6)


def test_cosine_shrinkage_follows_the_formula(ratings):
    model = ItemKNN(neighbors=1000, shrink=10.0, binary=False).fit(interactions_of(ratings))
    norms = np.linalg.norm(ratings.astype(np.float64), axis=0)
    expected = (ratings.T.astype(np.float64) @ ratings) / (np.outer(norms, norms) + 10.0)
    np.fill_diagonal(expected, 0.0)
    np.testing.assert_allclose(model.similarity_.toarray(), expected, rtol=1e-5, atol=1e-6)


def test_jaccard_and_lift_by_hand(tiny):
    jaccard = ItemKNN(similarity="jaccard", neighbors=5).fit(tiny).similarity_.toarray()
    np.testing.assert_allclose(jaccard, [[0, 2 / 3, 1 / 4],
                                         [2 / 3, 0, 1 / 3],
                                         [1 / 4, 1 / 3, 0]], rtol=1e-6)
    shrunk = ItemKNN(similarity="jaccard", shrink=1, neighbors=5).fit(tiny).similarity_
    assert shrunk[0, 1] == pytest.approx(2 / 4)   # 2 / (3 + 2 - 2 + 1)
    lift = ItemKNN(similarity="lift", neighbors=5).fit(tiny).similarity_.toarray()
    np.testing.assert_allclose(lift, [[0, 4 * 2 / 6, 4 * 1 / 6],
                                      [4 * 2 / 6, 0, 4 * 1 / 4],
                                      [4 * 1 / 6, 4 * 1 / 4, 0]], rtol=1e-6)
    shrunk = ItemKNN(similarity="lift", shrink=2, neighbors=5).fit(tiny).similarity_
    assert shrunk[1, 2] == pytest.approx(4 * 1 / (2 * 2 + 2))


def test_set_measures_ignore_values_but_weighted_scoring_uses_them(tiny):
    binary = ItemKNN(similarity="jaccard", neighbors=5).fit(tiny)
    weighted = ItemKNN(similarity="jaccard", neighbors=5, binary=False).fit(tiny)
    np.testing.assert_array_equal(binary.similarity_.toarray(), weighted.similarity_.toarray())
    # u0 has a (5.0) and b (1.0): c gets 5 * s(a, c) + 1 * s(b, c) weighted, 1 + 1 binary
    u0 = tiny.users.to_index(["u0"])
    c = tiny.items.to_index(["c"])[0]
    assert weighted.score_users(u0)[0, c] == pytest.approx(5 / 4 + 1 / 3, rel=1e-6)
    assert binary.score_users(u0)[0, c] == pytest.approx(1 / 4 + 1 / 3, rel=1e-6)
    items, scores = binary.recommend(["u2"], k=2)   # u2 has a: b (2/3) before c (1/4)
    assert items.tolist() == [["b", "c"]]
    np.testing.assert_allclose(scores, [[2 / 3, 1 / 4]], rtol=1e-6)


def test_scores_sum_the_history_over_each_items_own_neighbours(ratings):
    # Dacrema et al.: item j's score sums the history over N_K(j), row j of similarity_
    model = ItemKNN(neighbors=7, similarity="cosine", shrink=2.0).fit(interactions_of(ratings))
    history = (ratings > 0).astype(np.float32)
    expected = history @ model.similarity_.toarray().T
    np.testing.assert_allclose(model.score_users(np.arange(80)), expected, rtol=1e-5)
    np.testing.assert_allclose(model.score_histories(sp.csr_matrix(history[:5])),
                               expected[:5], rtol=1e-5)
    with pytest.raises(RecstackError, match="columns"):
        model.score_histories(np.ones((1, 29)))


@pytest.mark.parametrize("similarity", ["cosine", "jaccard", "lift"])
def test_pruning_keeps_exactly_the_top_k_per_item(ratings, similarity):
    data = interactions_of(ratings)
    full = ItemKNN(neighbors=1000, similarity=similarity).fit(data).similarity_.toarray()
    pruned = ItemKNN(neighbors=4, similarity=similarity).fit(data).similarity_
    for item in range(full.shape[0]):
        row = pruned[item]
        expected = np.sort(full[item][full[item] > 0])[::-1][:4]
        assert row.nnz == len(expected)
        np.testing.assert_allclose(np.sort(row.data)[::-1], expected, rtol=1e-6)
        np.testing.assert_allclose(row.data, full[item, row.indices], rtol=1e-6)
        assert item not in row.indices


def test_blocking_does_not_change_the_result_and_ties_go_to_lower_indices():
    # every pair of items co-occurs exactly once: all similarities tie
    matrix = sp.csr_matrix(np.ones((1, 9), np.float32))
    whole = pruned_item_similarity(matrix, "jaccard", 3)
    assert whole[5].indices.tolist() == [0, 1, 2] and whole[0].indices.tolist() == [1, 2, 3]
    rng = np.random.default_rng(2)
    random = sp.random(300, 50, density=0.1, random_state=rng, format="csr", dtype=np.float32)
    reference = pruned_item_similarity(random, "cosine", 5)
    for block_size in (1, 7, 50):
        blocked = pruned_item_similarity(random, "cosine", 5, block_size=block_size)
        assert (blocked != reference).nnz == 0


def test_the_item_item_matrix_is_never_dense(monkeypatch):
    rng = np.random.default_rng(3)
    n_items = 2_000
    matrix = sp.random(3_000, n_items, density=0.02, random_state=rng, format="csr",
                       dtype=np.float32)
    monkeypatch.setattr(knn_module, "_BLOCK_BUDGET_BYTES", 2**20)
    tracemalloc.start()
    try:
        similarity = pruned_item_similarity(matrix, "cosine", 10)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    dense_bytes = n_items * n_items * 4
    assert similarity.nnz <= 10 * n_items
    assert peak < dense_bytes / 4, f"peak {peak:,} bytes vs {dense_bytes:,} for a dense matrix"


def test_similar_items_lists_neighbours_without_the_item(tiny):
    model = ItemKNN(similarity="jaccard", neighbors=1).fit(tiny)
    items, sims = model.similar_items(["a", "c"], k=2)
    # one neighbour kept per item: the second slot is empty
    assert items.tolist() == [["b", None], ["b", None]]
    np.testing.assert_allclose(sims[:, 0], [2 / 3, 1 / 3], rtol=1e-6)
    assert np.isneginf(sims[:, 1]).all()
    with pytest.raises(RecstackError, match=r"^item_knn: items: 1 id\(s\) the model was not "
                                            r"trained on, e.g. \['zz'\]"):
        model.similar_items(["zz"])
    with pytest.raises(ConfigError, match="k must be"):
        model.similar_items(["a"], k=0)


def test_save_and_load_round_trip(tiny, tmp_path):
    model = ItemKNN(similarity="lift", neighbors=2, shrink=0.5).fit(tiny)
    loaded = load_model(model.save(tmp_path / "knn"))
    assert loaded.get_params() == model.get_params()
    assert (loaded.similarity_ != model.similarity_).nnz == 0
    assert loaded.similar_items(["b"], k=2)[0].tolist() == model.similar_items(["b"], k=2)[
        0].tolist()


@pytest.mark.parametrize(("params", "message"), [
    ({"neighbors": 0}, "neighbors must be >= 1"),
    ({"shrink": -1.0}, "shrink must be >= 0"),
    ({"similarity": "pearson"}, "similarity must be one of"),
    ({"binary": 1}, "binary must be bool"),
])
def test_bad_hyperparameters_are_refused_in_fit(tiny, params, message):
    model = create_model("item_knn", **params)
    with pytest.raises(ConfigError, match=message):
        model.fit(tiny)


# ---------------------------------------------------------------------------- user-kNN
# 4 users x 4 items (0/1): u0 {0, 1}, u1 {0, 1, 2}, u2 {2, 3}, u3 {0, 3}. Norms: sqrt 2,
# sqrt 3, sqrt 2, sqrt 2. Overlaps: u0.u1 = 2, u0.u2 = 0, u0.u3 = 1, u1.u2 = 1, u1.u3 = 1,
# u2.u3 = 1. So cos(u0, u1) = 2/sqrt 6, cos(u0, u3) = 1/2, cos(u1, u2) = cos(u1, u3) =
# 1/sqrt 6, cos(u2, u3) = 1/2.
USER_MATRIX = np.array([[1, 1, 0, 0], [1, 1, 1, 0], [0, 0, 1, 1], [1, 0, 0, 1]], np.float32)


def test_user_knn_scores_by_hand():
    model = create_model("user_knn", neighbors=2).fit(interactions_of(USER_MATRIX))
    scores = model.score_users(np.arange(4))
    # u0's two neighbours: u1 (2/sqrt 6) and u3 (1/2)
    np.testing.assert_allclose(scores[0], 2 / np.sqrt(6) * USER_MATRIX[1] + 0.5 * USER_MATRIX[3],
                               rtol=1e-6)
    # u1: u0 (2/sqrt 6), then u2 and u3 tie at 1/sqrt 6: the lower index, u2, is kept
    np.testing.assert_allclose(scores[1], 2 / np.sqrt(6) * USER_MATRIX[0]
                               + 1 / np.sqrt(6) * USER_MATRIX[2], rtol=1e-6)
    # u2: u3 (1/2) and u1 (1/sqrt 6)
    np.testing.assert_allclose(scores[2], 0.5 * USER_MATRIX[3] + 1 / np.sqrt(6) * USER_MATRIX[1],
                               rtol=1e-6)
    assert model.similarity_.nnz == 8  # two neighbours per user, never the user itself
    assert np.all(model.similarity_.diagonal() == 0)


def test_user_knn_shrinkage_and_one_neighbour_by_hand():
    model = create_model("user_knn", neighbors=1, shrink=1.0).fit(interactions_of(USER_MATRIX))
    # u0: 2 / (sqrt 2 sqrt 3 + 1) for u1 beats 1 / (2 + 1) for u3
    np.testing.assert_allclose(model.score_users([0])[0],
                               2 / (np.sqrt(6) + 1) * USER_MATRIX[1], rtol=1e-6)


def test_user_knn_recommends_from_neighbours_and_skips_seen_items():
    data = interactions_of(USER_MATRIX)
    model = create_model("user_knn", neighbors=2).fit(data)
    items, scores = model.recommend([0], k=2)
    # unseen by u0: item 2 (2/sqrt 6 from u1) and item 3 (1/2 from u3)
    assert items[0].tolist() == [2, 3]
    np.testing.assert_allclose(scores[0], [2 / np.sqrt(6), 0.5], rtol=1e-6)


def test_user_knn_on_values_agrees_with_sklearn_cosine(ratings):
    """With every other user a neighbour, scores are the off-diagonal positive cosines of
    the rating rows times the ratings (an independent computation)."""
    model = create_model("user_knn", neighbors=len(ratings), binary=False).fit(
        interactions_of(ratings))
    cosine = cosine_similarity(ratings)
    np.fill_diagonal(cosine, 0.0)
    cosine[cosine < 0] = 0.0
    np.testing.assert_allclose(model.score_users(np.arange(len(ratings))), cosine @ ratings,
                               rtol=1e-4, atol=1e-5)


def test_user_knn_folds_in_a_new_history_by_hand():
    model = create_model("user_knn", neighbors=2).fit(interactions_of(USER_MATRIX))
    # the history {0, 1}: cosine 1 with u0, 2/sqrt 6 with u1, 1/2 with u3, 0 with u2
    with pytest.warns(PopularityFallbackWarning, match="1 of 2 histories are empty"):
        scores = model.score_histories(sp.csr_matrix([[1.0, 1.0, 0.0, 0.0], [0, 0, 0, 0]]))
    np.testing.assert_allclose(scores[0], USER_MATRIX[0] + 2 / np.sqrt(6) * USER_MATRIX[1],
                               rtol=1e-6)
    # an empty history has no neighbours: it is scored by popularity (users per item)
    np.testing.assert_array_equal(scores[1], (np.asarray(USER_MATRIX) != 0).sum(axis=0))


def test_the_user_user_matrix_is_never_dense(monkeypatch):
    rng = np.random.default_rng(3)
    n_users = 3_000
    matrix = sp.random(n_users, 500, density=0.02, random_state=rng, format="csr",
                       dtype=np.float32)
    matrix.data[:] = 1.0
    users, items = matrix.nonzero()
    data = Interactions.from_arrays(users, items)
    monkeypatch.setattr(knn_module, "_BLOCK_BUDGET_BYTES", 2**20)
    tracemalloc.start()
    try:
        model = create_model("user_knn", neighbors=10).fit(data)
        model.score_histories(matrix[:500])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    dense_bytes = data.n_users * data.n_users * 4
    assert model.similarity_.nnz <= 10 * data.n_users
    assert peak < dense_bytes / 4, f"peak {peak:,} bytes vs {dense_bytes:,} for a dense matrix"


# ----------------------------------------------------- the reproducibility studies' model
# 4 users x 4 items (0/1): u0 {0}, u1 {0, 1}, u2 {1, 2}, u3 {2, 3}. A user's inverse
# frequency is ln(n_items / (1 + n_u)): a = ln(4/2) for u0, b = ln(4/3) for the others.
CHAIN = np.array([[1, 0, 0, 0], [1, 1, 0, 0], [0, 1, 1, 0], [0, 0, 1, 1]], np.float32)
A, B = np.log(2.0), np.log(4.0 / 3.0)


def test_tf_idf_cosine_with_shrink_by_hand():
    # TF-IDF of 0/1 data: X'_ui = sqrt(1) * idf_u. Columns: x0 = (a, b, 0, 0),
    # x1 = (0, b, b, 0), x2 = (0, 0, b, b), x3 = (0, 0, 0, b).
    model = ItemKNN(feature_weighting="tf-idf", shrink=1.0, neighbors=3).fit(
        interactions_of(CHAIN))
    s01 = B * B / (np.sqrt(A * A + B * B) * np.sqrt(2) * B + 1)
    s12 = B * B / (2 * B * B + 1)
    s23 = B * B / (np.sqrt(2) * B * B + 1)
    expected = np.array([[0, s01, 0, 0], [s01, 0, s12, 0], [0, s12, 0, s23], [0, 0, s23, 0]])
    np.testing.assert_allclose(model.similarity_.toarray(), expected, rtol=1e-5)
    # u1's weighted profile is b on items 0 and 1; item 2's neighbours are 1 and 3
    assert model.score_users([1])[0, 2] == pytest.approx(B * s12, rel=1e-5)
    plain = ItemKNN(feature_weighting="tf-idf", shrink=1.0, neighbors=3,
                    weight_profiles=False).fit(interactions_of(CHAIN))
    assert plain.score_users([1])[0, 2] == pytest.approx(s12, rel=1e-5)


def test_bm25_weights_by_hand():
    # item totals r = (2, 2, 2, 1), mean 7/4; L_i = 0.25 + 0.75 r_i / 1.75;
    # X'_ui = 2.2 / (1.2 L_i + 1) * idf_u for the 0/1 data
    length = 0.25 + 0.75 * np.array([2, 2, 2, 1]) / 1.75
    idf = np.array([A, B, B, B])
    weighted = CHAIN * (2.2 / (1.2 * length + 1.0))[None, :] * idf[:, None]
    norms = np.linalg.norm(weighted, axis=0)
    expected = weighted.T @ weighted / (np.outer(norms, norms) + 5.0)
    np.fill_diagonal(expected, 0.0)
    model = ItemKNN(feature_weighting="bm25", shrink=5.0, neighbors=3).fit(
        interactions_of(CHAIN))
    np.testing.assert_allclose(model.similarity_.toarray(), expected, rtol=1e-5, atol=1e-7)
    # a new user with item 1 only: idf ln(4/2), BM25 weight of item 1 with L_1
    scores = model.score_histories(sp.csr_matrix([[0, 1.0, 0, 0]]))
    profile_weight = 2.2 / (1.2 * length[1] + 1.0) * A
    np.testing.assert_allclose(scores[0], profile_weight * expected[1], rtol=1e-5, atol=1e-7)


def test_each_item_is_scored_over_its_own_neighbourhood():
    # with one neighbour, item 2 keeps item 3 (s23 > s12), so u1 = {0, 1} gives item 2
    # nothing, although item 1's own nearest neighbour is item 2
    model = ItemKNN(feature_weighting="tf-idf", shrink=1.0, neighbors=1).fit(
        interactions_of(CHAIN))
    assert model.similarity_[2].indices.tolist() == [3]
    assert model.similarity_[1].indices.tolist() == [2]
    assert model.score_users([1])[0, 2] == 0.0


def dense_item_knn(ratings: np.ndarray, *, neighbors: int, shrink: float, normalize: bool,
                   feature_weighting: str, weight_profiles: bool,
                   normalize_similarity: bool, asymmetric_alpha: float = 0.5) -> np.ndarray:
    """Scores of Dacrema et al.'s ItemKNNCF written out densely from its definition:
    weight X, cosine (or scaled dot product) per column with the diagonal zeroed, keep each
    column's top K, optionally l1-normalise W's rows, score profile @ W."""
    n_users, n_items = ratings.shape
    present = ratings != 0
    weighted = ratings.astype(np.float64)
    idf = np.log(n_items / (1.0 + present.sum(axis=1)))[:, None]
    if feature_weighting == "tf-idf":
        weighted = np.where(present, np.sqrt(weighted) * idf, 0.0)
    elif feature_weighting == "bm25":
        totals = weighted.sum(axis=0)
        length = 0.25 + 0.75 * totals / totals.mean()
        weighted = np.where(present, weighted * 2.2 / (1.2 * length[None, :] + weighted) * idf,
                            0.0)
    dots = weighted.T @ weighted
    norms = np.sqrt((weighted ** 2).sum(axis=0))
    if normalize:
        # Dacrema et al.: column j (the target) takes |x_j|^(2 alpha), the others the rest
        similarity = dots / (np.outer(norms ** (2 * (1 - asymmetric_alpha)),
                                      norms ** (2 * asymmetric_alpha)) + shrink)
    else:
        similarity = dots / shrink if shrink else dots
    np.fill_diagonal(similarity, 0.0)
    kept = np.zeros_like(similarity)
    for column in range(n_items):
        order = np.argsort(-similarity[:, column], kind="stable")[:neighbors]
        order = order[similarity[order, column] > 0]
        kept[order, column] = similarity[order, column]
    if normalize_similarity:
        sums = kept.sum(axis=1, keepdims=True)
        kept = np.divide(kept, sums, out=np.zeros_like(kept), where=sums > 0)
    profile = weighted if weight_profiles else ratings
    return profile @ kept


@pytest.mark.parametrize(("feature_weighting", "normalize", "weight_profiles",
                          "normalize_similarity", "shrink", "asymmetric_alpha"), [
    ("none", True, True, False, 0.0, 0.5),
    ("none", True, True, True, 20.0, 0.5),
    ("none", False, True, False, 7.0, 0.5),
    ("tf-idf", True, True, False, 3.0, 0.5),
    ("tf-idf", True, False, True, 3.0, 0.5),
    ("bm25", True, True, False, 50.0, 0.5),
    ("bm25", False, False, False, 0.0, 0.5),
    ("bm25", True, True, True, 1.0, 0.5),
    ("none", True, True, False, 4.0, 0.2),
    ("tf-idf", True, True, True, 0.0, 1.7),
])
def test_agrees_with_a_dense_implementation_of_the_definition(
        ratings, feature_weighting, normalize, weight_profiles, normalize_similarity, shrink,
        asymmetric_alpha):
    # real-valued ratings: no ties at the top-K cut, so the kept sets are unambiguous
    rng = np.random.default_rng(7)
    values = np.where(ratings > 0, ratings + rng.random(ratings.shape), 0).astype(np.float32)
    params = dict(neighbors=6, shrink=shrink, normalize=normalize,
                  feature_weighting=feature_weighting, weight_profiles=weight_profiles,
                  normalize_similarity=normalize_similarity, asymmetric_alpha=asymmetric_alpha)
    similarity = "cosine" if asymmetric_alpha == 0.5 else "asymmetric"
    model = ItemKNN(binary=False, similarity=similarity, **params).fit(interactions_of(values))
    expected = dense_item_knn(values, **params)
    np.testing.assert_allclose(model.score_users(np.arange(len(values))), expected,
                               rtol=2e-4, atol=1e-5)


def test_bm25_model_round_trips_and_scores_new_users_like_training_users(ratings, tmp_path):
    data = interactions_of(ratings)
    model = ItemKNN(feature_weighting="bm25", shrink=10.0, neighbors=5,
                    normalize_similarity=True).fit(data)
    loaded = load_model(model.save(tmp_path / "knn-bm25"))
    np.testing.assert_array_equal(loaded.score_users(np.arange(10)),
                                  model.score_users(np.arange(10)))
    histories = sp.csr_matrix((ratings[:10] > 0).astype(np.float32))
    np.testing.assert_allclose(model.score_histories(histories),
                               model.score_users(np.arange(10)), rtol=1e-6)


def test_an_item_nobody_has_leaves_the_asymmetric_cosine_finite_and_quiet(ratings):
    """alpha outside [0, 1] raises an item norm of 0 to a negative power; such an item
    (in the catalog through the item table, without a training row) gets no neighbours
    and gives none, with no numpy warning, and the other items' similarities are those
    of the catalog without it."""
    users, items = np.nonzero(ratings)
    catalog = pd.DataFrame({"item_id": np.arange(ratings.shape[1] + 1)})
    with_unseen = Interactions.from_arrays(users, items, ratings[users, items],
                                           item_table=catalog, keep_unseen_items=True)
    assert with_unseen.n_items == ratings.shape[1] + 1
    params = dict(similarity="asymmetric", asymmetric_alpha=1.7, neighbors=6, shrink=2.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = ItemKNN(**params).fit(with_unseen)
    unseen = with_unseen.items.to_index([ratings.shape[1]])[0]
    similarity = model.similarity_.toarray()
    assert np.isfinite(similarity).all()
    assert not similarity[unseen].any() and not similarity[:, unseen].any()
    reference = ItemKNN(**params).fit(interactions_of(ratings)).similarity_.toarray()
    np.testing.assert_allclose(np.delete(np.delete(similarity, unseen, 0), unseen, 1),
                               reference, rtol=1e-6)
