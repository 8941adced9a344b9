"""The candidate stage: union of the generators' top-n, deduplicated, seen items removed,
per-source scores and ranks kept, and the recall ceiling; checked against hand-worked
examples and against each generator's own ``recommend``."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.models import create_model
from recstack.models.base import Param, Recommender
from recstack.pipeline.candidates import (
    candidate_recall,
    generate_candidates,
    score_candidates,
    source_names,
)


class FixedScores(Recommender):
    """A generator whose scores are a given matrix (not registered)."""

    name = "fixed"
    params: ClassVar[dict[str, Param]] = {}
    # its given rows for every user, those without training rows (user 2) included
    own_ranking_without_history = "its given scores"

    def __init__(self, scores: np.ndarray) -> None:
        self.scores = np.asarray(scores, np.float32)

    def _fit(self, train, progress) -> None:
        pass

    def _score_users(self, user_indices):
        return self.scores[user_indices].copy()


def data_with_seen(seen_pairs, n_users=3, n_items=5) -> Interactions:
    """Interactions over users 0..n_users-1 and items 0..n_items-1 (every id present, so the
    indices equal the ids); ``seen_pairs`` are the real interactions, the rest padding rows
    of the last user."""
    users = [u for u, _ in seen_pairs] + [n_users - 1] * n_items
    items = [i for _, i in seen_pairs] + list(range(n_items))
    data = Interactions.from_arrays(np.array(users), np.array(items))
    keep = np.zeros(len(data), bool)
    keep[:len(seen_pairs)] = True
    return data.select(keep)


A = np.array([[5, 4, 3, 2, 1],      # user 0: top items 0, 1, 2
              [1, 2, 3, 4, 5],      # user 1: top items 4, 3, 2
              [0, 0, 0, 0, 9]], np.float32)
B = np.array([[1, 9, 8, 0, 0],      # user 0: top items 1, 2, 0
              [9, 0, 0, 0, 8],      # user 1: top items 0, 4, 1
              [0, 0, 0, 0, 0]], np.float32)


@pytest.fixture
def two_generators():
    # user 0 has seen item 0; user 1 has seen item 3
    train = data_with_seen([(0, 0), (1, 3)], n_users=3, n_items=5)
    return [FixedScores(A).fit(train), FixedScores(B).fit(train)], train


def test_union_with_per_source_scores_and_ranks_worked_by_hand(two_generators):
    generators, train = two_generators
    c = generate_candidates(generators, np.array([0, 1]), 2, sources=["a", "b"])
    # user 0, item 0 seen: A proposes 1, 2; B proposes 1, 2 -> {1, 2}
    # user 1, item 3 seen: A proposes 4, 2; B proposes 0, 4 -> {0, 2, 4}
    assert c.users.tolist() == [0, 0, 1, 1, 1]
    assert c.items.tolist() == [1, 2, 0, 2, 4]
    nan = np.nan
    np.testing.assert_array_equal(c.scores, [[4, 9], [3, 8], [nan, 9], [3, nan], [5, 8]])
    np.testing.assert_array_equal(c.ranks, [[1, 1], [2, 2], [3, 1], [2, 3], [1, 2]])
    assert c.sources == ("a", "b") and c.n_per_source == 2
    np.testing.assert_array_equal(c.best_rank(), [1, 2, 1, 2, 1])


def test_scorers_score_every_candidate(two_generators):
    generators, train = two_generators
    c = generate_candidates(generators, np.array([0, 1]), 2, sources=["a", "b"])
    similarity = np.arange(15, dtype=np.float32).reshape(3, 5)
    similarity[1, 4] = -np.inf
    scored = score_candidates(c, [FixedScores(similarity).fit(train)], ["text"],
                              batch_users=1)
    # pairs (0, 1), (0, 2), (1, 0), (1, 2), (1, 4): row-major values, -inf -> NaN
    np.testing.assert_array_equal(scored.similarity[:, 0], [1, 2, 5, 7, np.nan])
    assert scored.scorers == ("text",)
    assert scored.take(np.array([4])).similarity.shape == (1, 1)
    with pytest.raises(RecstackError, match=r"scorers\[0\] \(ease\) is not fitted"):
        score_candidates(c, [create_model("ease")], ["x"])


def test_the_default_exclusion_is_the_first_generators_training_items(two_generators):
    generators, _ = two_generators
    c = generate_candidates(generators, np.array([0]), 5)
    assert 0 not in c.items.tolist()
    assert sorted(c.items.tolist()) == [1, 2, 3, 4]


def _popularity_and_knn(seed: int, n_users: int, n_items: int, rows: int, neighbors: int):
    """A random log and two real generators fitted on it."""
    rng = np.random.default_rng(seed)
    data = Interactions.from_arrays(rng.integers(0, n_users, rows),
                                    rng.integers(0, n_items, rows), duplicates="first")
    return data, [create_model("most_popular").fit(data),
                  create_model("item_knn", neighbors=neighbors).fit(data)]


def test_agrees_with_each_generators_recommend_on_real_models():
    data, generators = _popularity_and_knn(3, 40, 60, 600, neighbors=10)
    users = np.arange(data.n_users)
    c = generate_candidates(generators, users, 7)
    expected: dict[int, set[int]] = {int(u): set() for u in users}
    for generator in generators:
        items, scores = generator.recommend(data.users.to_external(users), k=7)
        for u, row, row_scores in zip(users, items, scores, strict=True):
            expected[int(u)] |= set(data.items.to_index(row[np.isfinite(row_scores)]).tolist())
    got: dict[int, set[int]] = {int(u): set() for u in users}
    for u, i in zip(c.users, c.items, strict=True):
        got[int(u)].add(int(i))
    assert got == expected
    # one row per pair, none of them seen
    keys = c.users * data.n_items + c.items
    assert len(np.unique(keys)) == len(keys)
    seen = data.to_csr()
    assert not np.asarray(seen[c.users, c.items]).any()


def test_candidate_recall_is_the_mean_share_of_test_items_held(two_generators):
    generators, train = two_generators
    c = generate_candidates(generators, np.array([0, 1]), 2)
    # user 0 candidates {1, 2}, test {1, 2, 3}: 2/3; user 1 candidates {0, 2, 4}, test {4}
    # (twice): 1; user 2 (no candidates asked) test {2}: 0 -> mean (2/3 + 1 + 0) / 3 = 5/9
    test = Interactions(np.array([0, 0, 0, 1, 1, 2], np.int32),
                        np.array([1, 2, 3, 4, 4, 2], np.int32),
                        np.ones(6, np.float32), None, train.users, train.items)
    assert candidate_recall(c, test) == pytest.approx(5 / 9)
    assert np.isnan(candidate_recall(c, test.select(np.zeros(6, bool))))


def test_source_names_number_repeated_generators(two_generators):
    generators, _ = two_generators
    assert source_names([*generators, generators[0]]) == ("fixed", "fixed_2", "fixed_3")


def test_bad_requests_are_refused_clearly(two_generators):
    generators, train = two_generators
    users = np.array([0])
    with pytest.raises(ConfigError, match="positive integer, got 0"):
        generate_candidates(generators, users, 0)
    with pytest.raises(ConfigError, match="no generators"):
        generate_candidates([], users, 3)
    with pytest.raises(RecstackError, match=r"generators\[1\] \(ease\) is not fitted"):
        generate_candidates([generators[0], create_model("ease")], users, 3)
    other = data_with_seen([(0, 0)], n_users=3, n_items=7)
    with pytest.raises(RecstackError, match="one vocabulary"):
        generate_candidates([generators[0], FixedScores(np.zeros((3, 7))).fit(other)], users, 3)
    with pytest.raises(RecstackError, match="not a recstack model"):
        generate_candidates([generators[0], "ease"], users, 3)
    n_users = len(generators[0].users_)
    with pytest.raises(RecstackError, match=f"candidates: unknown user {n_users} in "
                       f"user_indices at row 1; users are 0..{n_users - 1}"):
        generate_candidates(generators, np.array([0, n_users]), 3)
    with pytest.raises(RecstackError, match="unknown user -1"):  # would index from the end
        generate_candidates(generators, np.array([-1]), 3)
    with pytest.raises(RecstackError, match="user_indices must hold integer user indices"):
        generate_candidates(generators, np.array([0.5]), 3)
    with pytest.raises(RecstackError, match="exclude must be a sparse users x items matrix"):
        generate_candidates(generators, users, 3, exclude=np.zeros((n_users, 2)))


def test_per_user_fills_exactly_n_in_interleaved_rank_order_worked_by_hand(two_generators):
    generators, _ = two_generators
    # each source's top 3 unseen items (ties to the lower index):
    #   user 0 (seen 0): A 1, 2, 3   B 1, 2, 3
    #   user 1 (seen 3): A 4, 2, 1   B 0, 4, 1
    #   user 2 (none):   A 4, 0, 1   B 0, 1, 2
    # interleaved (rank 1 of A, of B, rank 2 of A...), first distinct items:
    #   user 0: 1, 2, 3   user 1: 4, 0, 2, 1   user 2: 4, 0, 1, 2
    c = generate_candidates(generators, np.array([0, 1, 2]), 3, sources=["a", "b"],
                            per_user=3)
    assert c.users.tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    assert c.items.tolist() == [1, 2, 3, 0, 2, 4, 0, 1, 4]
    nan = np.nan
    # the features of a kept pair are each source's score and rank within its top 3
    np.testing.assert_array_equal(c.scores[3:6], [[nan, 9], [3, nan], [5, 8]])
    np.testing.assert_array_equal(c.ranks[3:6], [[4, 1], [2, 4], [1, 2]])
    assert c.n_per_source == 3
    two = generate_candidates(generators, np.array([1]), 3, per_user=2)
    assert two.items.tolist() == [0, 4]
    with pytest.raises(ConfigError, match=r"1\.\.3 \(each generator proposes n\), got 4"):
        generate_candidates(generators, np.array([1]), 3, per_user=4)


def test_per_user_gives_every_user_exactly_n_from_overlapping_real_generators():
    data, generators = _popularity_and_knn(5, 50, 80, 1500, neighbors=20)
    users = np.arange(data.n_users)
    union = generate_candidates(generators, users, 20)
    assert np.bincount(union.users).min() < 40  # the lists overlap: a union falls short
    c = generate_candidates(generators, users, 40, per_user=25)
    np.testing.assert_array_equal(np.bincount(c.users, minlength=data.n_users), 25)
    keys = c.users * data.n_items + c.items
    assert len(np.unique(keys)) == len(keys)
    assert not np.asarray(data.to_csr()[c.users, c.items]).any()
