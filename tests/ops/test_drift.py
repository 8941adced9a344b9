"""Drift measures: against hand-worked numbers and scipy, and on planted drift."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from recstack.data.synthetic import generate
from recstack.errors import RecstackError
from recstack.ops.drift import (
    DriftSpec,
    genre_mix,
    ks_test,
    measure_drift,
    new_share,
    popularity_psi,
    psi,
    spearman,
)


def test_psi_hand_worked_two_bins():
    # shares p = (0.5, 0.5), q = (0.25, 0.75):
    # (0.25 - 0.5) ln(0.25/0.5) + (0.75 - 0.5) ln(0.75/0.5) = 0.25 ln 2 + 0.25 ln 1.5
    expected = 0.25 * np.log(2) + 0.25 * np.log(1.5)
    reference = [0, 0, 1, 1]
    new = [0, 1, 1, 1]
    assert psi(reference, new, edges=[0.5]) == pytest.approx(expected, abs=1e-12)
    assert psi(reference, new, categorical=True) == pytest.approx(expected, abs=1e-12)


def test_psi_is_symmetrised_kl_against_scipy():
    rng = np.random.default_rng(0)
    reference = rng.integers(1, 6, 5000)
    new = rng.choice([1, 2, 3, 4, 5], 4000, p=[0.1, 0.1, 0.2, 0.3, 0.3])
    p = np.bincount(reference, minlength=6)[1:] / len(reference)
    q = np.bincount(new, minlength=6)[1:] / len(new)
    expected = stats.entropy(q, p) + stats.entropy(p, q)
    assert psi(reference, new, categorical=True) == pytest.approx(expected, rel=1e-9)


def test_psi_of_same_distribution_is_small_and_of_shift_large():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=20000), rng.normal(size=20000)
    assert psi(a, b) < 0.01
    assert psi(a, b + 1.0) > 0.25


def test_ks_agrees_with_scipy():
    rng = np.random.default_rng(2)
    for shift in (0.0, 0.1, 0.5):
        a = rng.normal(size=700)
        b = np.round(rng.normal(shift, 1.2, size=900), 1)  # ties in one sample
        d, p_value = ks_test(a, b)
        # scipy's default: the exact p-value up to 10,000 values a sample
        reference = stats.ks_2samp(a, b)
        assert d == pytest.approx(reference.statistic, abs=1e-12)
        assert p_value == pytest.approx(reference.pvalue, rel=1e-6, abs=1e-12)


def test_ks_hand_worked():
    # CDFs of {1, 2} and {2, 3}: at 1: 0.5 vs 0; at 2: 1 vs 0.5; at 3: 1 vs 1 -> D = 0.5
    assert ks_test([1, 2], [2, 3])[0] == 0.5


def test_new_share_and_spearman():
    assert new_share([1, 2, 3], [1, 4, 4, 2]) == 0.5
    ref = np.repeat([1, 2, 3, 4], [4, 3, 2, 1])
    assert spearman(ref, ref) == pytest.approx(1.0)
    new = np.repeat([1, 2, 3, 4, 5], [1, 2, 3, 4, 2])
    ids = [1, 2, 3, 4, 5]
    a = [np.sum(ref == i) for i in ids]
    b = [np.sum(new == i) for i in ids]
    assert spearman(ref, new) == pytest.approx(stats.spearmanr(a, b).statistic)


def test_popularity_psi_hand_worked():
    # reference counts a:6, b:2, c:2 (shares 0.6, 0.2, 0.2); with 2 groups of half the
    # reference each, a (0.6 > 0.5) fills group 0 alone, b and c make group 1; z is new.
    reference = ["a"] * 6 + ["b"] * 2 + ["c"] * 2
    new = ["a"] * 2 + ["b"] * 3 + ["c"] * 3 + ["z"] * 2
    # p = (0.6, 0.4, 0 -> 1e-4), q = (0.2, 0.6, 0.2)
    p = np.array([0.6, 0.4, 1e-4])
    q = np.array([0.2, 0.6, 0.2])
    expected = float(np.sum((q - p) * np.log(q / p)))
    assert popularity_psi(reference, new, bins=2) == pytest.approx(expected)
    # the same spread at another volume: no shift
    assert popularity_psi(reference, reference * 3, bins=2) == pytest.approx(0.0)


def test_genre_mix_hand_worked():
    # p = (0.5, 0.5, 0), q = (0.25, 0.25, 0.5): TV = (0.25 + 0.25 + 0.5) / 2 = 0.5
    tv, _ = genre_mix({"a": 2, "b": 2}, {"a": 1, "b": 1, "c": 2})
    assert tv == pytest.approx(0.5)
    assert genre_mix({"a": 1.0}, {"a": 3.0})[0] == 0.0


# ------------------------------------------------------------------ planted drift
@pytest.fixture(scope="module")
def windows():
    """Two windows of the same synthetic population: random halves of its rows."""
    data = generate(n_users=1500, n_items=800, n_interactions=60000, months=6, drift=0.0,
                    seed=3)
    rng = np.random.default_rng(0)
    half = rng.random(len(data)) < 0.5
    return data.select(np.flatnonzero(half)), data.select(np.flatnonzero(~half))


def test_no_drift_where_none_was_planted(windows):
    reference, new = windows
    report = measure_drift(reference, new)
    assert report.flagged == [], report.text()


def test_no_drift_between_consecutive_months_without_taste_drift():
    # the generator with drift = 0: months differ by sampling and by which users are
    # active, not by taste or popularity
    data = generate(n_users=3000, n_items=800, n_interactions=120000, months=6, drift=0.0,
                    seed=4).sort_by_time()
    start, end = data.timestamp.min(), data.timestamp.max()
    third = (end - start) // 3
    april = data.between(start + third, start + 2 * third)
    may = data.between(start + 2 * third, end + 1)
    report = measure_drift(april, may)
    for name in ("item_popularity_psi", "rating_psi", "rating_ks", "genre_tv",
                 "popularity_spearman", "new_item_share"):
        assert name not in report.flagged, report.text()


def test_planted_rating_drift_is_found_there_only(windows):
    reference, new = windows
    lowered = new.with_values(np.clip(new.value - 1, 1, 5).astype(np.float32))
    report = measure_drift(reference, lowered)
    assert set(report.flagged) == {"rating_psi", "rating_ks"}, report.text()


def test_planted_popularity_shift_is_found_there_only(windows):
    reference, new = windows
    # the new window's items relabelled by a random permutation: the same counts, on
    # other items
    rng = np.random.default_rng(1)
    permutation = rng.permutation(new.n_items).astype(np.int32)
    shuffled = new.select(np.arange(len(new)))
    shuffled = type(new)(new.user_index.copy(), permutation[new.item_index], new.value.copy(),
                         new.timestamp.copy(), new.users, new.items, None, None,
                         new.rating_range)
    reference = type(reference)(reference.user_index.copy(), reference.item_index.copy(),
                                reference.value.copy(), reference.timestamp.copy(),
                                reference.users, reference.items, None, None,
                                reference.rating_range)
    report = measure_drift(reference, shuffled)
    assert report.measures["popularity_spearman"] < 0.3
    # the same popularity curve on other items: interactions move from the reference's
    # head to its tail
    assert {"popularity_spearman", "item_popularity_psi"} <= set(report.flagged)
    assert not {"user_activity_psi", "user_activity_ks", "rating_psi", "rating_ks",
                "new_item_share", "new_user_share"} & set(report.flagged), report.text()


def test_planted_new_items_and_users_are_found(windows):
    reference, new = windows
    users, items = new.to_frame()["user_id"].to_numpy(), new.to_frame()["item_id"].to_numpy()
    rng = np.random.default_rng(2)
    fresh = rng.random(len(new)) < 0.4
    items = np.where(fresh, items + 100_000, items)
    users = np.where(fresh, users + 100_000, users)
    from recstack.data.interactions import Interactions
    planted = Interactions.from_arrays(users, items, new.value, new.timestamp,
                                       rating_range=(1.0, 5.0))
    report = measure_drift(reference, planted)
    assert report.measures["new_item_share"] == pytest.approx(0.4, abs=0.02)
    assert report.measures["new_user_share"] == pytest.approx(0.4, abs=0.02)
    assert {"new_item_share"} <= set(report.flagged)
    assert "rating_psi" not in report.flagged and "rating_ks" not in report.flagged


def test_planted_genre_shift_is_found(windows):
    reference, new = windows
    genres = new.item_table["genres"].to_numpy()
    drama = np.array(["Drama" in g for g in genres])
    only_drama = new.select(np.flatnonzero(drama[new.item_index]))
    report = measure_drift(reference, only_drama)
    assert "genre_tv" in report.flagged and "genre_psi" in report.flagged
    assert "rating_psi" not in report.flagged
    quiet = measure_drift(*windows)
    assert quiet.measures["genre_tv"] < DriftSpec().genre_tv_warn / 3


@pytest.mark.parametrize(("measure", "says"), [
    (lambda: psi([], [1.0]), r"^psi: the reference sample is empty"),
    (lambda: psi([1.0, np.nan], [1.0]), r"^psi: reference holds 1 NaN or infinite"),
    (lambda: psi(["a"], ["b"]), r"^psi: reference must be a flat list or array of numbers"),
    (lambda: psi([[1, 2]], [1]), r"^psi: reference must be a flat list"),
    (lambda: psi([1, 2], [2, 3], bins=0), r"^psi: bins must be an integer in \[2, 10000\]"),
    (lambda: psi([1, 5], [2, 3, 9], bins=1),
     r"^psi: bins must be an integer in \[2, 10000\] \(one quantile bin holds both samples "
     r"whole: its PSI is always 0\), got 1$"),
    (lambda: psi([1, 2], [2, 3], bins=10**12), r"^psi: bins must be an integer"),
    (lambda: psi([1, 2], [2, 3], bins=2.5), r"^psi: bins must be an integer"),
    (lambda: psi([1, 2], [2, 3], edges=[3, 1]), r"^psi: edges must increase strictly"),
    (lambda: popularity_psi([1, 2], [1], bins=0), r"^popularity_psi: bins must be"),
    (lambda: popularity_psi([None, 1], [1]), r"^popularity_psi: reference must hold ids of "
                                             "one kind"),
    (lambda: ks_test([], [1.0]), r"^ks_test: the reference sample is empty"),
    (lambda: ks_test(["a"], ["b"]), r"^ks_test: reference must be a flat list"),
    (lambda: new_share([1], []), r"^new_share: the new sample is empty"),
    (lambda: new_share([1, 2], ["1"]), r"^new_share: the reference holds ids as numbers and "
                                       "the new sample as text"),
    (lambda: spearman([], [1]), r"^spearman: the reference sample is empty"),
    (lambda: genre_mix({}, {"a": 1.0}), r"^genre_mix: the reference weights sum to 0"),
    (lambda: genre_mix({"a": np.nan}, {"a": 1.0}), r"^genre_mix: reference weights must be "
                                                   "finite numbers >= 0"),
    (lambda: genre_mix([1], {"a": 1.0}), r"^genre_mix: reference must map each genre"),
])
def test_malformed_samples_are_refused_by_measure_and_argument(measure, says):
    """Before: empty samples gave NaN, a NaN value a finite PSI, bins=0 a PSI of 0, ids
    5 and '5' a new share of 1, and text a numpy error."""
    with pytest.raises(RecstackError, match=says):
        measure()


def test_categorical_psi_takes_text_categories():
    # the docstring's genres: text, which the numeric conversion refused
    expected = psi([0, 1], [1, 1], categorical=True)
    assert psi(["drama", "war"], ["war", "war"], categorical=True) == pytest.approx(expected)


def test_ks_on_one_value_against_one_is_no_evidence_and_warns_nothing():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # scipy divided by zero at effective size 0
        assert ks_test([1.0], [2.0]) == (1.0, 1.0)


def test_a_ks_alpha_of_zero_is_refused_since_it_could_never_flag():
    from recstack.specs import build_spec

    with pytest.raises(RecstackError, match="ks_alpha"):
        build_spec(DriftSpec, {"ks_alpha": 0.0})
    assert build_spec(DriftSpec, {"ks_alpha": 1.0}).ks_alpha == 1.0
