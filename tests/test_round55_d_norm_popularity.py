"""Item vector lengths that grow with popularity are a problem only where the vectors'
directions are alike (the scores then order items by length, i.e. by popularity, alone);
spread over many directions they are a factor model's learned popularity prior, which
every healthy ALS run was told was a problem."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from recstack.analysis.embeddings import embedding_health


def _spread_vectors_longer_with_popularity() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    counts = rng.integers(1, 5000, 400).astype(float)
    directions = rng.standard_normal((400, 32))
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    return directions * np.log1p(counts)[:, None], counts


def test_healthy_spread_vectors_whose_lengths_track_popularity_are_no_problem() -> None:
    vectors, counts = _spread_vectors_longer_with_popularity()
    health = embedding_health(vectors, counts)
    # the lengths are log(1 + count) exactly: a Spearman of 1 computed apart from the code
    assert stats.spearmanr(np.linalg.norm(vectors, axis=1), counts).statistic == \
        pytest.approx(1.0)
    assert health.norm_popularity_correlation == pytest.approx(1.0)
    assert not health.collapsed and health.effective_rank > 20
    assert health.findings() == []
    # the correlation is still given as a fact in the reading
    assert "length-popularity Spearman +1.00. No problem found." in health.reading()


def test_collapsed_item_vectors_whose_lengths_track_popularity_are_still_a_problem() -> None:
    vectors, counts = _spread_vectors_longer_with_popularity()
    one_direction = np.outer(np.log1p(counts), np.ones(32))
    health = embedding_health(one_direction + 1e-4 * vectors, counts)
    assert health.collapsed
    assert any("track popularity" in finding for finding in health.findings())


def test_a_user_vectors_length_changes_no_list_and_is_no_problem() -> None:
    vectors, counts = _spread_vectors_longer_with_popularity()
    one_direction = np.outer(np.log1p(counts), np.ones(32))
    health = embedding_health(one_direction + 1e-4 * vectors, counts, kind="user")
    assert not any("track popularity" in finding for finding in health.findings())
