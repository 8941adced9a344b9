"""Coverage, novelty, intra-list diversity and popularity against plain loops and by hand."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import scipy.sparse as sp

from recstack.metrics import (
    MetricInputError,
    average_popularity,
    catalog_coverage,
    intra_list_diversity,
    item_user_counts,
    novelty,
)


def random_lists(seed: int, n_users: int = 80, n_items: int = 50, width: int = 10) -> np.ndarray:
    rng = np.random.default_rng(seed)
    lists = np.argsort(rng.random((n_users, n_items)), axis=1)[:, :width]
    lengths = rng.integers(0, width + 1, n_users)
    lists[np.arange(width)[None, :] >= lengths[:, None]] = -1
    return lists


@pytest.mark.reference("catalog_coverage")
def test_catalog_coverage_by_hand() -> None:
    lists = np.array([[0, 1, 2], [2, 3, -1], [4, -1, -1]])
    assert catalog_coverage(lists, 10) == 5 / 10
    assert catalog_coverage(lists, 10, k=1) == 3 / 10  # items 0, 2, 4
    assert catalog_coverage(np.full((2, 3), -1), 4) == 0.0


@pytest.mark.reference("novelty")
def test_novelty_against_a_loop() -> None:
    rng = np.random.default_rng(0)
    dense = (rng.random((200, 50)) < rng.random(50) * 0.5) * 1.0
    dense[:, 0] = 1.0  # an item everybody knows has novelty 0
    dense[:, 1] = 0.0
    dense[0, 1] = 3.0  # a stored value counts once, whatever it is
    train = sp.csr_matrix(dense)
    counts = item_user_counts(train)
    np.testing.assert_array_equal(counts, (dense != 0).sum(axis=0))
    lists = random_lists(1)
    lists[0] = -1
    lists[0, 0] = 0
    ours = novelty(lists, counts, 200)
    for user, row in enumerate(lists):
        items = [i for i in row if i >= 0]
        if not items:
            assert math.isnan(ours[user])
            continue
        expected = np.mean([-math.log2(counts[i] / 200) for i in items])
        assert ours[user] == pytest.approx(expected, abs=1e-12)
    assert ours[0] == 0.0


@pytest.mark.reference("novelty")
def test_novelty_by_hand_and_unseen_items() -> None:
    counts = np.array([100, 50, 25, 0])
    assert novelty([[0, 1, 2]], counts, 100)[0] == pytest.approx((0 + 1 + 2) / 3, abs=1e-15)
    assert novelty([[2, 1, 0]], counts, 100, k=1)[0] == pytest.approx(2.0, abs=1e-15)
    with pytest.raises(MetricInputError, match=r"no training user interacted with \(e.g. \[3\]\)"):
        novelty([[0, 3]], counts, 100)
    with pytest.raises(MetricInputError, match="item_counts holds 100 but n_users is 10"):
        novelty([[0]], counts, 10)


@pytest.mark.reference("novelty")
def test_novelty_smoothing_by_hand() -> None:
    # p(i) = (count + s) / (n_users + s): with s = 1 and 100 users, an item everybody knows
    # stays at 0 bits, an item nobody trained on gets log2(101)
    counts = np.array([100, 50, 0])
    got = novelty([[0, 1, 2], [2, -1, -1]], counts, 100, smoothing=1)
    assert got[0] == pytest.approx((0 + math.log2(101 / 51) + math.log2(101)) / 3, abs=1e-12)
    assert got[1] == pytest.approx(math.log2(101), abs=1e-12)
    assert novelty([[1]], counts, 100, smoothing=0.5)[0] == pytest.approx(
        math.log2(100.5 / 50.5), abs=1e-12)
    for bad in (-1, float("nan"), float("inf"), True, "1"):
        with pytest.raises(MetricInputError, match="smoothing must be a finite number >= 0"):
            novelty([[0]], counts, 100, smoothing=bad)


@pytest.mark.reference("average_popularity")
def test_average_popularity_against_a_loop() -> None:
    rng = np.random.default_rng(2)
    popularity = rng.integers(0, 1000, 50).astype(float)
    lists = random_lists(3)
    ours = average_popularity(lists, popularity)
    for user, row in enumerate(lists):
        items = [i for i in row if i >= 0]
        expected = np.mean(popularity[items]) if items else math.nan
        np.testing.assert_allclose(ours[user], expected, atol=1e-12)
    assert average_popularity([[0, 1, -1]], [4.0, 6.0])[0] == 5.0


def loop_ild(lists: np.ndarray, features: np.ndarray) -> np.ndarray:
    out = []
    for row in lists:
        items = [i for i in row if i >= 0 and np.linalg.norm(features[i]) > 0]
        pairs = list(itertools.combinations(items, 2))
        if not pairs:
            out.append(math.nan)
            continue
        norms = np.linalg.norm(features, axis=1)
        distances = [1 - features[a] @ features[b] / (norms[a] * norms[b]) for a, b in pairs]
        out.append(float(np.mean(distances)))
    return np.array(out)


@pytest.mark.reference("intra_list_diversity")
def test_intra_list_diversity_with_embeddings_against_a_loop() -> None:
    rng = np.random.default_rng(4)
    features = rng.normal(size=(50, 8))
    features[3] = 0.0  # an item without direction is left out
    lists = random_lists(5)
    lists[0, :3] = [3, 7, 9]
    np.testing.assert_allclose(
        intra_list_diversity(lists, features), loop_ild(lists, features), atol=1e-9
    )


@pytest.mark.reference("intra_list_diversity")
def test_intra_list_diversity_with_genres_dense_and_sparse() -> None:
    rng = np.random.default_rng(6)
    genres = (rng.random((50, 18)) < 0.15).astype(float)
    genres[0] = 0.0  # "(no genres listed)"
    lists = random_lists(7)
    expected = loop_ild(lists, genres)
    np.testing.assert_allclose(intra_list_diversity(lists, genres), expected, atol=1e-9)
    np.testing.assert_allclose(
        intra_list_diversity(lists, sp.csr_matrix(genres)), expected, atol=1e-9
    )
    within = intra_list_diversity(lists, genres)
    assert np.all((within[~np.isnan(within)] >= -1e-12) & (within[~np.isnan(within)] <= 1 + 1e-12))


@pytest.mark.reference("intra_list_diversity")
def test_intra_list_diversity_by_hand() -> None:
    genres = np.array([[1, 0], [0, 1], [1, 1], [1, 0], [0, 0]], dtype=float)
    # Items 0 and 1 share nothing (distance 1); 0 and 3 are identical (distance 0).
    assert intra_list_diversity([[0, 1]], genres)[0] == pytest.approx(1.0, abs=1e-12)
    assert intra_list_diversity([[0, 3]], genres)[0] == pytest.approx(0.0, abs=1e-12)
    expected = (1 + (1 - 1 / math.sqrt(2)) + (1 - 1 / math.sqrt(2))) / 3
    assert intra_list_diversity([[0, 1, 2]], genres)[0] == pytest.approx(expected, abs=1e-12)
    # One item, or one item plus a featureless item: no pair, NaN.
    assert math.isnan(intra_list_diversity([[0, -1]], genres)[0])
    assert math.isnan(intra_list_diversity([[0, 4]], genres)[0])


def test_per_user_functions_accept_an_empty_batch_and_scalars_reject_it() -> None:
    empty = np.empty((0, 5), dtype=np.int64)
    assert novelty(empty, np.ones(3), 3).shape == (0,)
    assert average_popularity(empty, np.ones(3)).shape == (0,)
    assert intra_list_diversity(empty, np.eye(3)).shape == (0,)
    with pytest.raises(MetricInputError, match="recommended has no rows"):
        catalog_coverage(empty, 3)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: catalog_coverage([[0, 5]], 5), "row 0 holds item index 5"),
        (lambda: catalog_coverage([[0, 0]], 5), "recommends item 0 more than once"),
        (lambda: catalog_coverage([[0, 1]], 0), "n_items must be a positive integer"),
        (lambda: catalog_coverage([[0, 1]], 5, k=0), "k must be a positive integer"),
        (lambda: average_popularity([[0]], [-1.0]), "item_popularity must be finite and non-neg"),
        (lambda: average_popularity([[0]], [[1.0]]), "item_popularity must be 1-D"),
        (lambda: intra_list_diversity([[0]], np.ones(3)), "item_features must be 2-D"),
        (lambda: intra_list_diversity([[0]], np.full((1, 2), np.nan)),
         r"item_features must be finite; position \(0, 0\) holds nan"),
        (lambda: item_user_counts(np.eye(2)), "interactions must be a scipy.sparse matrix"),
    ],
)
def test_bad_input_raises(call, message) -> None:
    with pytest.raises(MetricInputError, match=message):
        call()
