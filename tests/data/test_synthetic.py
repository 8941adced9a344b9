"""The synthetic dataset: exact shape, determinism, and the structure it promises.

Reference values come from the definition of the dataset (the MovieLens rating histogram,
what Zipf-like popularity and heavy-tailed activity mean), not from running the generator.
"""

from __future__ import annotations

import math
import re
from contextlib import contextmanager

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recstack.data.synthetic import (
    GENRES,
    SyntheticConfig,
    generate,
    generate_with_truth,
)
from recstack.errors import ConfigError

# Shares of ratings 1..5 in MovieLens 1M (half stars rounded), which the data imitates.
MOVIELENS_RATING_SHARES = np.array([0.056, 0.108, 0.261, 0.349, 0.226])

MEDIUM = dict(n_users=3000, n_items=2000, n_interactions=200_000, seed=7)
SMALL = dict(n_users=200, n_items=150, n_interactions=4000, seed=3)


@pytest.fixture(scope="module")
def medium():
    return generate_with_truth(**MEDIUM)


def _pair_keys(data) -> np.ndarray:
    return data.user_index.astype(np.int64) * data.n_items + data.item_index


def _top10_share_and_slope(data) -> tuple[float, float]:
    """Share of rows on the top 10% of items, and the log-log slope of item count vs rank
    over the body of the curve (ranks n/100 .. n/2)."""
    counts = np.sort(data.item_counts())[::-1].astype(float)
    n = len(counts)
    top = counts[: n // 10].sum() / counts.sum()
    ranks = np.arange(1, n + 1)
    body = slice(n // 100, n // 2)
    slope = np.polyfit(np.log(ranks[body]), np.log(np.maximum(counts[body], 1)), 1)[0]
    return top, slope


def _genre_matrix(data, item_genre, n_genres, item_index=None) -> np.ndarray:
    """Rows per (user, primary genre)."""
    items = data.item_index if item_index is None else item_index
    matrix = np.zeros((data.n_users, n_genres))
    np.add.at(matrix, (data.user_index, item_genre[items]), 1)
    return matrix


def _half_to_half_genre_change(data, truth, min_rows=40) -> float:
    """Mean total-variation distance between the genre mix of the first and the second half
    of each user's history (rows are ordered by user, then time)."""
    counts = data.user_counts()
    first_row = np.concatenate([[0], np.cumsum(counts)])[data.user_index]
    later_half = (np.arange(len(data)) - first_row) >= counts[data.user_index] / 2
    n_genres = len(truth.genres)
    mix = np.zeros((data.n_users, 2, n_genres))
    np.add.at(mix, (data.user_index, later_half.astype(int), truth.item_genre[data.item_index]),
              1)
    mix /= np.maximum(mix.sum(axis=2, keepdims=True), 1)
    change = 0.5 * np.abs(mix[:, 0] - mix[:, 1]).sum(axis=1)
    return float(change[counts >= min_rows].mean())


# --------------------------------------------------------------------------- shape
def test_exact_size_dtypes_and_vocabularies(medium):
    data, _ = medium
    assert len(data) == MEDIUM["n_interactions"]
    assert data.shape == (MEDIUM["n_users"], MEDIUM["n_items"])
    assert data.user_index.dtype == np.int32 and data.item_index.dtype == np.int32
    assert data.value.dtype == np.float32 and data.timestamp.dtype == np.int64
    assert data.rating_range == (1.0, 5.0)
    assert data.users.external_ids.tolist() == list(range(MEDIUM["n_users"]))
    counts = data.user_counts()
    assert counts.min() >= SyntheticConfig().min_user_interactions
    assert counts.max() <= math.ceil(MEDIUM["n_items"] / 2)


def test_no_user_item_pair_twice(medium):
    data, _ = medium
    assert len(np.unique(_pair_keys(data))) == len(data)


def test_the_default_config_is_the_documented_size():
    data = generate()
    assert data.shape == (2000, 1500) and len(data) == 100_000


def test_densest_allowed_config_gives_every_user_half_the_catalogue():
    data = generate(n_users=60, n_items=40, n_interactions=60 * 40 // 2, n_genres=5, seed=1)
    assert len(data) == 1200
    assert (data.user_counts() == 20).all()
    assert len(np.unique(_pair_keys(data))) == len(data)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n_users=st.integers(1, 60), n_items=st.integers(2, 80), density=st.floats(0, 1),
       n_genres=st.integers(1, 18), sigma=st.floats(0, 3), drift=st.floats(0, 1),
       exponent=st.floats(0, 3), seed=st.integers(0, 2**32 - 1))
def test_any_valid_config_gives_exact_unique_rows_in_the_window(
        n_users, n_items, density, n_genres, sigma, drift, exponent, seed):
    floor = min(3, n_items // 2)
    lowest, highest = n_users * floor, n_users * n_items // 2
    n_interactions = lowest + round(density * (highest - lowest))
    config = SyntheticConfig(
        n_users=n_users, n_items=n_items, n_interactions=n_interactions,
        n_genres=min(n_genres, n_items), activity_sigma=sigma, drift=drift,
        popularity_exponent=exponent, min_user_interactions=floor, months=3, seed=seed)
    data = generate(config)
    assert len(data) == n_interactions
    assert len(np.unique(_pair_keys(data))) == n_interactions
    assert data.user_counts().min() >= floor
    assert set(np.unique(data.value).tolist()) <= {1.0, 2.0, 3.0, 4.0, 5.0}
    first, end = config.time_span()
    assert ((data.timestamp >= first) & (data.timestamp < end)).all()
    assert len(data.item_table) == n_items and len(data.user_table) == n_users


# --------------------------------------------------------------------------- determinism
def test_same_seed_same_data_other_seed_other_data():
    first, again, other = generate(**SMALL), generate(**SMALL), generate(**{**SMALL, "seed": 4})
    for name in ("user_index", "item_index", "value", "timestamp"):
        np.testing.assert_array_equal(getattr(first, name), getattr(again, name))
    pd.testing.assert_frame_equal(first.item_table, again.item_table)
    pd.testing.assert_frame_equal(first.user_table, again.user_table)
    assert not np.array_equal(first.item_index, other.item_index)
    assert not np.array_equal(first.timestamp, other.timestamp)
    assert not first.item_table["title"].equals(other.item_table["title"])


def test_truth_does_not_change_the_data_and_overrides_equal_fields():
    plain = generate(**SMALL)
    with_truth, _ = generate_with_truth(SyntheticConfig(**{**SMALL, "seed": 0}), seed=3)
    for name in ("user_index", "item_index", "value", "timestamp"):
        np.testing.assert_array_equal(getattr(plain, name), getattr(with_truth, name))


# --------------------------------------------------------------------------- ratings
def test_ratings_are_whole_stars_with_the_movielens_histogram(medium):
    data, _ = medium
    assert set(np.unique(data.value).tolist()) == {1.0, 2.0, 3.0, 4.0, 5.0}
    shares = np.bincount(data.value.astype(int), minlength=6)[1:] / len(data)
    assert int(np.argmax(shares)) + 1 == 4 and int(np.argmin(shares)) + 1 == 1
    np.testing.assert_allclose(shares, MOVIELENS_RATING_SHARES, atol=0.01)


def test_ratings_follow_the_latent_affinity_and_biases(medium):
    data, truth = medium
    assert np.corrcoef(data.value, truth.affinity)[0, 1] > 0.6
    # Users and items with a higher bias give and get higher ratings on average.
    user_mean = np.bincount(data.user_index, data.value) / data.user_counts()
    assert np.corrcoef(user_mean, truth.user_bias)[0, 1] > 0.3
    seen = data.item_counts() >= 20
    item_mean = np.bincount(data.item_index, data.value, data.n_items)[seen] / \
        data.item_counts()[seen]
    assert np.corrcoef(item_mean, truth.item_bias[seen])[0, 1] > 0.3


def test_more_noise_weakens_the_ratings_link_to_affinity():
    def link(noise: float) -> float:
        data, truth = generate_with_truth(**SMALL, noise=noise)
        return float(np.corrcoef(data.value, truth.affinity)[0, 1])

    exact, default, noisy = link(0.0), link(0.5), link(3.0)
    assert exact > 0.85  # only the cut into five stars separates them
    assert exact > default > noisy
    assert noisy < 0.5


# --------------------------------------------------------------------------- structure
def test_item_popularity_is_zipf_like(medium):
    data, _ = medium
    top, slope = _top10_share_and_slope(data)
    assert top > 0.35            # uniform popularity would give about 0.10
    assert -1.5 < slope < -0.4
    flat_top, flat_slope = _top10_share_and_slope(
        generate(**{**MEDIUM, "popularity_exponent": 0.0}))
    assert flat_top < 0.2 and flat_slope > -0.3


def test_user_activity_is_heavy_tailed(medium):
    data, _ = medium
    counts = data.user_counts()
    assert counts.max() / np.median(counts) > 10
    assert counts.mean() > 1.3 * np.median(counts)   # right-skewed
    even = generate(**{**SMALL, "activity_sigma": 0.0}).user_counts()
    assert even.max() - even.min() <= 1


def test_users_concentrate_on_few_genres(medium):
    data, truth = medium
    n_genres = len(truth.genres)
    matrix = _genre_matrix(data, truth.item_genre, n_genres)
    top_share = (matrix.max(axis=1) / matrix.sum(axis=1)).mean()
    shuffled = _genre_matrix(data, truth.item_genre, n_genres,
                             np.random.default_rng(0).permutation(data.item_index))
    shuffled_top_share = (shuffled.max(axis=1) / shuffled.sum(axis=1)).mean()
    assert top_share > 3 / n_genres
    assert top_share > shuffled_top_share + 0.08


def test_taste_drift_is_measurable(medium):
    data, truth = medium
    drifting = _half_to_half_genre_change(data, truth)
    fixed = _half_to_half_genre_change(*generate_with_truth(**{**MEDIUM, "drift": 0.0}))
    full = _half_to_half_genre_change(*generate_with_truth(**{**MEDIUM, "drift": 1.0}))
    assert drifting > fixed + 0.01
    assert full > drifting + 0.05
    late = truth.user_taste_late
    assert np.allclose(late.sum(axis=1), 1.0)
    assert not np.allclose(late, truth.user_taste_early)


def test_activity_is_spread_over_the_months(medium):
    data, _ = medium
    months = pd.to_datetime(data.timestamp, unit="s").to_period("M")
    shares = pd.Series(months).value_counts().to_numpy() / len(data)
    assert len(shares) == 24     # the default: 24 months from 2019-01-01
    assert shares.min() > 0.5 / 24 and shares.max() < 2 / 24


def test_timestamps_cover_the_configured_months_in_user_time_order():
    data = generate(**SMALL, start="2020-03-01", months=6)
    first = int(pd.Timestamp("2020-03-01", tz="UTC").timestamp())
    end = int(pd.Timestamp("2020-09-01", tz="UTC").timestamp())
    assert data.timestamp.min() >= first and data.timestamp.max() < end
    assert data.timestamp.max() - data.timestamp.min() > 0.8 * (end - first)
    same_user = data.user_index[1:] == data.user_index[:-1]
    assert (np.diff(data.user_index) >= 0).all()
    assert (np.diff(data.timestamp)[same_user] >= 0).all()
    signup = data.user_table["signup_time"].to_numpy().astype("datetime64[s]").astype(np.int64)
    first_seen = np.full(data.n_users, np.iinfo(np.int64).max)
    np.minimum.at(first_seen, data.user_index, data.timestamp)
    assert (signup <= first_seen).all()


# --------------------------------------------------------------------------- side tables
def test_every_item_has_a_title_genres_a_year_and_a_description(medium):
    data, truth = medium
    table = data.item_table
    assert list(table.columns) == ["item_id", "title", "genres", "year", "description"]
    assert table["item_id"].tolist() == list(range(data.n_items))
    assert all(isinstance(t, str) and t.strip() for t in table["title"])
    assert all(isinstance(d, str) and len(d.split()) >= 6 for d in table["description"])
    assert all(1 <= len(g) <= 2 and set(g) <= set(GENRES) for g in table["genres"])
    primary = [g[0] for g in table["genres"]]
    assert primary == [truth.genres[g] for g in truth.item_genre]
    assert table["year"].between(1900, 2019).all()
    assert table["title"].nunique() > data.n_items / 4


def test_descriptions_carry_the_genre(medium):
    """A nearest-centroid bag-of-words classifier, fit on half the items, names the primary
    genre of the other half far better than the largest genre's share."""
    data, truth = medium
    words = [re.findall(r"[a-z-]+", d.lower()) for d in data.item_table["description"]]
    vocabulary = {w: i for i, w in enumerate(sorted({w for ws in words for w in ws}))}
    counts = np.zeros((len(words), len(vocabulary)))
    for row, ws in enumerate(words):
        for w in ws:
            counts[row, vocabulary[w]] += 1
    n_genres = len(truth.genres)
    train, test = np.arange(0, len(words), 2), np.arange(1, len(words), 2)
    centroids = np.stack([counts[train][truth.item_genre[train] == g].mean(axis=0)
                          for g in range(n_genres)])
    centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)
    predicted = np.argmax(counts[test] @ centroids.T, axis=1)
    accuracy = (predicted == truth.item_genre[test]).mean()
    largest_share = np.bincount(truth.item_genre).max() / len(truth.item_genre)
    assert accuracy > max(0.7, largest_share + 0.3)


def test_user_table_has_plausible_columns_and_no_latent_factors(medium):
    data, truth = medium
    table = data.user_table
    assert list(table.columns) == ["user_id", "signup_time", "favourite_genre"]
    assert set(table["favourite_genre"]) <= set(truth.genres)
    # The stated favourite is the most-rated genre far more often than a popularity guess.
    most_rated = np.array(truth.genres)[
        np.argmax(_genre_matrix(data, truth.item_genre, len(truth.genres)), axis=1)]
    agree = (table["favourite_genre"].to_numpy() == most_rated).mean()
    guess = (most_rated == truth.genres[0]).mean()
    assert agree > guess + 0.15


def test_arrays_and_truth_are_read_only(medium):
    data, truth = medium
    with pytest.raises(ValueError):
        data.value[0] = 3.0
    with pytest.raises(ValueError):
        truth.item_factors[0, 0] = 1.0


# --------------------------------------------------------------------------- progress
class _RecordingProgress:
    def __init__(self) -> None:
        self.tasks: list[tuple[str, int | None, list[int]]] = []

    @contextmanager
    def task(self, description, total=None):
        advances: list[int] = []
        self.tasks.append((description, total, advances))

        class _Task:
            def advance(self, n=1):
                advances.append(n)

            def report(self, **values):
                pass

        yield _Task()


def test_progress_advances_to_the_total_in_blocks():
    progress = _RecordingProgress()
    generate(**SMALL, progress=progress)
    (_, total, advances), = progress.tasks
    assert total == SMALL["n_interactions"] and sum(advances) == total


# --------------------------------------------------------------------------- validation
@pytest.mark.parametrize(("overrides", "parameter"), [
    (dict(n_users=100, n_items=50, n_interactions=2501), "n_interactions"),
    # fewer rows than users (min_user_interactions, left at its default, fits 1 per user)
    (dict(n_users=100, n_interactions=99), "n_interactions"),
    (dict(n_users=100, n_interactions=100, min_user_interactions=5), "n_interactions"),
    (dict(n_users=0), "n_users"),
    (dict(n_users=2.5), "n_users"),
    (dict(n_users=True), "n_users"),
    (dict(n_users="many"), "n_users"),
    (dict(n_items=1), "n_items"),
    (dict(n_genres=0), "n_genres"),
    (dict(n_genres=len(GENRES) + 1), "n_genres"),
    (dict(n_factors=0), "n_factors"),
    # sizes that only allocate: 10**8 factors asked numpy for a terabyte (MemoryError)
    (dict(n_factors=10**8), "n_factors must be at most 1,024"),
    (dict(n_users=2**31), "n_users must be at most 2,147,483,647 .indices are int32"),
    (dict(n_items=10**12), "n_items must be at most 2,147,483,647"),
    (dict(popularity_exponent=-0.5), "popularity_exponent"),
    (dict(activity_sigma=float("nan")), "activity_sigma"),
    (dict(min_user_interactions=0), "min_user_interactions"),
    (dict(n_items=8, n_genres=4, min_user_interactions=5), "min_user_interactions"),
    (dict(start="not a date"), "start"),
    (dict(months=0), "months"),
    (dict(drift=1.5), "drift"),
    (dict(noise=-0.1), "noise"),
    # float32 would overflow into constant ratings
    (dict(noise=1e300), "noise"),
    # a number would be nanoseconds since 1970 (synthetic:start=2019 is not the year 2019)
    (dict(start=2019), "start"),
    (dict(start=None), "start"),
    (dict(seed=-1), "seed"),
    (dict(n_user=10), "n_user"),
])
def test_invalid_configs_are_refused_naming_the_parameter(overrides, parameter):
    with pytest.raises(ConfigError, match=rf"\b{parameter}\b"):
        generate(**overrides)


def test_whole_numbers_given_as_floats_are_refused_for_counts():
    # counts follow the models' rule (factors=64.0 is refused); a float setting still
    # takes an integer
    with pytest.raises(ConfigError, match=r"n_interactions must be an integer, got 6000\.0"):
        SyntheticConfig(n_users=300, n_interactions=6e3, drift=0)
    config = SyntheticConfig(n_users=300, n_interactions=6000, drift=0)
    assert config.n_users == 300 and isinstance(config.n_users, int)
    assert config.n_interactions == 6000 and isinstance(config.drift, float)
