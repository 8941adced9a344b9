"""Cosine neighbours and neighbourhood coherence, against brute force and planted genres."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from sklearn.neighbors import NearestNeighbors

from recstack.analysis import (
    cosine_top_k,
    label_matrix,
    nearest_neighbours,
    neighbourhood_coherence,
)
from recstack.data.synthetic import SyntheticConfig, generate_with_truth
from recstack.errors import RecstackError
from recstack.models.registry import create_model


def test_cosine_top_k_agrees_with_sklearn_brute_force() -> None:
    x = np.random.default_rng(0).standard_normal((300, 10))
    rows = np.arange(0, 300, 7)
    ours, sims = cosine_top_k(x, rows, 6)
    knn = NearestNeighbors(n_neighbors=7, metric="cosine", algorithm="brute").fit(x)
    distances, theirs = knn.kneighbors(x[rows])
    # sklearn includes the row itself first (distance 0)
    np.testing.assert_array_equal(ours, theirs[:, 1:])
    np.testing.assert_allclose(sims, 1 - distances[:, 1:], atol=1e-5)


def test_neighbours_are_titled_and_leave_out_the_item_itself() -> None:
    x = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [-1.0, 0.0]])
    table = nearest_neighbours(x, [0], 2, titles=["a", "b", "c", "d"])
    frame = table.to_frame()
    assert frame["neighbour"].tolist() == ["b", "c"]  # cos(a,b) ~0.99, cos(a,c) = 0 > -1
    assert frame["query"].tolist() == ["a", "a"]
    assert frame["cosine"].iloc[1] == pytest.approx(0.0, abs=1e-6)


def test_label_matrix_reads_lists_and_pipes() -> None:
    matrix, names = label_matrix([["Drama", "War"], "Comedy|Drama", None, []])
    assert names == ["Drama", "War", "Comedy"]
    np.testing.assert_array_equal(matrix.toarray(), [[1, 1, 0], [1, 0, 1], [0, 0, 0],
                                                     [0, 0, 0]])


def _chance_by_hand(genres: list[list[str]]) -> float:
    """Share of ordered pairs of distinct labelled items sharing a genre, by enumeration:
    the expectation of the random-neighbour share."""
    labelled = [set(g) for g in genres if g]
    shared = sum(bool(a & b) for a, b in itertools.permutations(labelled, 2))
    return shared / (len(labelled) * (len(labelled) - 1))


def test_planted_clusters_are_coherent_and_chance_matches_enumeration() -> None:
    rng = np.random.default_rng(1)
    centres = rng.standard_normal((4, 8)) * 5
    genre = rng.integers(0, 4, 240)
    x = centres[genre] + rng.standard_normal((240, 8))
    genres = [[f"g{g}"] for g in genre]
    result = neighbourhood_coherence(x, genres, k=5, seed=0)
    assert result.score > 0.95
    assert result.chance == pytest.approx(_chance_by_hand(genres), abs=0.03)
    assert result.lift > 3
    assert "like with like" in result.reading()


def test_random_vectors_are_no_more_coherent_than_chance() -> None:
    rng = np.random.default_rng(2)
    genres = [[f"g{g}"] for g in rng.integers(0, 3, 300)]
    result = neighbourhood_coherence(rng.standard_normal((300, 8)), genres, k=10, seed=0)
    assert abs(result.score - result.chance) < 0.06


@pytest.fixture(scope="module")
def synthetic():
    config = SyntheticConfig(n_users=800, n_items=500, n_interactions=30_000, seed=3)
    return generate_with_truth(config)


def test_als_neighbours_recover_the_hidden_genres(synthetic) -> None:
    data, truth = synthetic
    model = create_model("als", factors=32, iterations=10, regularization=1.0,
                         seed=0).fit(data)
    # the hidden primary genre (never in the tables) is the planted answer
    hidden = [[int(g)] for g in truth.item_genre]
    result = neighbourhood_coherence(model.item_embeddings(), hidden, k=10, seed=0)
    assert result.chance < 0.3
    assert result.score > 0.6 and result.lift > 3


def test_coherence_refuses_mismatched_labels() -> None:
    with pytest.raises(RecstackError, match="labels has 3 entries for 4"):
        neighbourhood_coherence(np.eye(4), [["a"], ["b"], ["a"]], k=1)
