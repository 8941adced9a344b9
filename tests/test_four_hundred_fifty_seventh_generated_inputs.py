"""Four-hundred-fifty-seventh probe: the pipeline's public entry points under generated inputs.

Each property either checks a result against its definition, computed here independently of
the code under test (the off-policy estimators, the position propensities and their
weights, the calibrators, the popularity penalty, MMR's greedy choice, a bandit's lists), or
throws a class of hostile values (NaN, infinities, true/false, object arrays, 0-d and 3-d
arrays, empty and ragged input, text, pandas objects) at every array argument and asks for
a recstack error or a finite result, never a raw numpy/pandas exception.

Found: ``estimate_propensities`` floored the smoothed rate's denominator at 1e-12, so for a
``smoothing`` below 1e-12 a position without impressions got ``smoothing * overall / 1e-12``
(2.6e-299 for 1e-311) in place of the smoothing prior, the overall click rate, which its
warning claimed it was (``ipw_sample_weights`` then gave that position's clicks the clipped
weight 1 / clip = 20 instead of about 1.5); the isotonic calibrator pooled scores closer
than 1e-15 times the largest one (scikit-learn's absolute resolution) and gave each the
other's rate; row weights normalised to sum 1 (1e-5 each) were refused by LightGBM as "no
split worth making", blaming min_child_samples, and weights of 1e-40 by the PyTorch
rankers' pointwise losses as "training left the weights at their start" (a floor of 1e-12
on the weights' total); lists of different lengths as positions were numpy's ValueError,
and so was ``BanditEnvironment.run`` with ``n_rounds = 10**30``.
"""

from __future__ import annotations

import math
import warnings
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.pipeline import bandits, calibration, off_policy, position_bias
from recstack.pipeline.rerank import MMR, LongTailShare, PopularityPenalty, RerankContext

SETTINGS = settings(max_examples=80, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.filter_too_much])


# ------------------------------------------------------------------ position propensities
def propensities_by_definition(positions: np.ndarray, clicks: np.ndarray, smoothing: float
                               ) -> np.ndarray | None:
    """theta_k = CTR_k / CTR_1, CTR_k = (clicks_k + a * overall) / (impressions_k + a), capped
    at 1, written out position by position in exact fractions; None where the definition
    has no value (no impression or no click at the top, or 0 / 0 at a position)."""
    alpha = Fraction(smoothing)
    overall = Fraction(int(clicks.sum()), len(clicks))
    rates = []
    for k in range(1, int(positions.max()) + 1):
        shown = int((positions == k).sum())
        clicked = int(clicks[positions == k].sum())
        if shown + alpha == 0:
            return None
        rates.append((clicked + alpha * overall) / (shown + alpha))
    if (positions == 1).sum() == 0 or rates[0] == 0:
        return None
    return np.array([float(min(rate / rates[0], Fraction(1))) for rate in rates])


SMOOTHINGS = st.one_of(st.floats(0, 5), st.sampled_from([1e-13, 1e-100, 1e-300, 1e-311]))


@SETTINGS
@given(st.lists(st.tuples(st.integers(1, 4), st.integers(0, 1)), min_size=1, max_size=30),
       SMOOTHINGS)
def test_estimated_propensities_follow_their_definition_for_any_smoothing(rows, smoothing):
    positions = np.array([row[0] for row in rows])
    clicks = np.array([row[1] for row in rows])
    expected = propensities_by_definition(positions, clicks, smoothing)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            got = position_bias.estimate_propensities(positions, clicks, smoothing=smoothing)
        except RecstackError as error:
            # refused only where the definition has no value, or where a subnormal
            # smoothing leaves the top's rate below float64's range
            below_float64 = smoothing < 1e-300 and (
                "passes float64" in str(error) or "no click at position 1" in str(error))
            assert expected is None or not expected[0] > 0 or below_float64, error
            return
    assert expected is not None
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-300)


def test_a_position_never_shown_gets_the_overall_rate_under_a_tiny_smoothing():
    # position 1: 2 impressions, 1 click; position 3: 4 impressions, 1 click; position 2
    # never shown, so its rate is the prior, the overall rate 2/6 = 1/3. With smoothing a,
    # position 1's rate is (1 + a/3) / (2 + a): 4/9 at a = 1, so position 2's propensity is
    # (1/3) / (4/9) = 3/4; about 1/2 at a tiny a, so (1/3) / (1/2) = 2/3 (it was 1/1500 at
    # a = 1e-15 and 2.6e-297 at 1e-311, the prior divided by 1e-12 / a)
    positions = np.array([1, 1, 3, 3, 3, 3])
    clicks = np.array([1, 0, 1, 0, 0, 0])
    for smoothing, expected in ((1.0, 3 / 4), (1e-15, 2 / 3), (1e-311, 2 / 3)):
        shown = f"{expected:.4g}".replace(".", r"\.")
        with pytest.warns(UserWarning, match=rf"position\(s\) 2 have no impression in the "
                                             rf"log \(of positions 1\.\.3\), so their "
                                             rf"propensity \({shown}\) is the smoothing "
                                             "prior"):
            got = position_bias.estimate_propensities(positions, clicks, smoothing=smoothing)
        assert got[1] == pytest.approx(expected, rel=1e-9)
    # a click shown at position 2 is weighted 1 / (2/3), not the clipped 1 / 0.05 = 20
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theta = position_bias.estimate_propensities(positions, clicks, smoothing=1e-15)
    weights = position_bias.ipw_sample_weights(np.array([1, 2]), np.array([1, 1]), theta)
    np.testing.assert_allclose(weights, [1.0, 1.5])


@SETTINGS
@given(st.lists(st.tuples(st.integers(1, 4), st.integers(0, 3)), min_size=1, max_size=30),
       st.lists(st.floats(0.01, 1), min_size=4, max_size=4),
       st.one_of(st.none(), st.floats(0.01, 1)), st.booleans())
def test_inverse_propensity_weights_follow_their_definition(rows, theta, clip, clicked_only):
    theta = np.array([1.0, *theta[1:]])
    positions = np.array([row[0] for row in rows])
    labels = np.array([row[1] for row in rows])
    used = theta[positions - 1] if clip is None else np.maximum(theta[positions - 1], clip)
    expected = [1 / u if (y > 0 or not clicked_only) else 1.0
                for u, y in zip(used, labels, strict=True)]
    got = position_bias.ipw_sample_weights(positions, labels, theta, clip=clip,
                                           clicked_only=clicked_only, per="position")
    np.testing.assert_allclose(got, expected, rtol=1e-12)


# ------------------------------------------------------------------ off-policy estimators
@st.composite
def logs(draw: Any) -> tuple[np.ndarray, ...]:
    n, k = draw(st.integers(2, 12)), draw(st.integers(1, 4))
    numbers = st.floats(-5, 5)
    actions = np.array(draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n)))
    propensities = np.array(draw(st.lists(st.floats(1e-3, 1), min_size=n, max_size=n)))
    raw = np.array(draw(st.lists(st.lists(st.floats(0, 10), min_size=k, max_size=k),
                                 min_size=n, max_size=n))) + 1e-3
    rewards = np.array(draw(st.lists(numbers, min_size=n, max_size=n)))
    model = np.array(draw(st.lists(st.lists(numbers, min_size=k, max_size=k), min_size=n,
                                   max_size=n)))
    return rewards, actions, propensities, raw / raw.sum(axis=1, keepdims=True), model


FORMS = {"numpy": lambda x: x, "list": lambda x: x.tolist(),
         "pandas": lambda x: pd.DataFrame(x) if x.ndim == 2 else pd.Series(x)}


@SETTINGS
@given(logs(), st.sampled_from(sorted(FORMS)))
def test_off_policy_estimates_follow_their_definitions_in_every_form(log, form):
    rewards, actions, propensities, target, model = log
    rounds = np.arange(len(rewards))
    weight = target[rounds, actions] / propensities
    model_value = (target * model).sum(axis=1)
    expected = {"ips": np.mean(weight * rewards),
                "snips": np.sum(weight * rewards) / np.sum(weight),
                "dm": np.mean(model_value),
                "dr": np.mean(model_value + weight * (rewards - model[rounds, actions]))}
    given_as = FORMS[form]
    got = off_policy.estimate_all(given_as(rewards), given_as(actions), given_as(propensities),
                                  given_as(target), given_as(model))
    for name, value in expected.items():
        assert got[name].value == pytest.approx(value, rel=1e-9, abs=1e-12), name
        assert got[name].lower <= got[name].value <= got[name].upper
        assert math.isfinite(got[name].std_error)


# ------------------------------------------------------------------ calibrators
@SETTINGS
@given(st.lists(st.floats(0, 1), min_size=1, max_size=20), st.floats(1e-4, 1))
def test_downsampling_correction_follows_its_definition(probabilities, rate):
    p = np.array(probabilities)
    got = calibration.DownsamplingCorrection(rate=rate).fit().predict(p)
    np.testing.assert_allclose(got, p / (p + (1 - p) / rate), rtol=1e-9, atol=1e-300)


def pool_adjacent_violators(x: np.ndarray, y: np.ndarray) -> dict[float, float]:
    """The non-decreasing least-squares fit at each distinct score (ties pooled first)."""
    blocks = [[float(y[x == value].sum()), int((x == value).sum()), [value]]
              for value in np.unique(x)]
    merged: list[list[Any]] = []
    for block in blocks:
        merged.append(block)
        while len(merged) > 1 and (merged[-2][0] / merged[-2][1]
                                   > merged[-1][0] / merged[-1][1]):
            last = merged.pop()
            merged[-1] = [merged[-1][0] + last[0], merged[-1][1] + last[1],
                          merged[-1][2] + last[2]]
    return {value: total / count for total, count, values in merged for value in values}


SCORE_ROWS = st.lists(st.tuples(st.floats(-50, 50), st.integers(0, 1)), min_size=2,
                      max_size=40)


@SETTINGS
@given(SCORE_ROWS)
def test_isotonic_calibration_is_the_pooled_fit_at_every_calibration_score(rows):
    x = np.array([row[0] for row in rows])
    y = np.array([row[1] for row in rows])
    assume(0 < y.sum() < len(y))
    fitted = pool_adjacent_violators(x, y)
    got = calibration.IsotonicCalibrator().fit(x, y).predict(x)
    np.testing.assert_allclose(got, [fitted[value] for value in x], atol=1e-9)


def test_isotonic_calibration_keeps_scores_apart_that_lie_close_to_another():
    # sorted: -1.4e-15 (a negative), 0 and 2 (positives) are already in order, so the fit
    # is 0, 1, 1; scikit-learn, fitted on the scores over their largest magnitude, pooled
    # -1.4e-15 with 0 (within its 1e-15) and gave both 0.5
    scores, labels = np.array([0.0, 2.0, -1.4e-15]), np.array([1, 1, 0])
    fitted = calibration.IsotonicCalibrator().fit(scores, labels)
    np.testing.assert_array_equal(fitted.predict(scores), [1.0, 1.0, 0.0])
    np.testing.assert_array_equal(fitted.thresholds_, [-1.4e-15, 0.0, 2.0])


def test_isotonic_calibration_interpolates_between_breakpoints_a_few_units_apart():
    # 1e-300 (label 0) and two float steps above it (label 1): the map is linear between
    # them, so the float between is 0.5 by the definition; np.interp's slope 1 / 2e-316
    # overflowed to inf and it came out 1
    low = 1e-300
    middle = np.nextafter(low, 1.0)
    high = np.nextafter(middle, 1.0)
    fitted = calibration.IsotonicCalibrator().fit(np.array([low, high, low, high]),
                                                  np.array([0, 1, 0, 1]))
    np.testing.assert_array_equal(fitted.predict(np.array([low, middle, high])),
                                  [0.0, 0.5, 1.0])


@SETTINGS
@given(st.lists(st.floats(-1e6, 1e6), min_size=2, max_size=20, unique=True),
       st.lists(st.floats(-2e6, 2e6), min_size=1, max_size=20))
def test_isotonic_calibration_between_its_breakpoints_is_numpys_interpolation(scores, at):
    # labels rising with the scores: every score is its own breakpoint, so the prediction
    # anywhere is the linear interpolation of the fitted values (np.interp, independent)
    x = np.sort(np.array(scores))
    y = (np.arange(len(x)) >= len(x) // 2).astype(int)
    fitted = calibration.IsotonicCalibrator().fit(x, y)
    queries = np.array(at)
    expected = np.interp(queries, fitted.thresholds_, fitted.values_)
    np.testing.assert_allclose(fitted.predict(queries), expected, rtol=0, atol=1e-12)


@SETTINGS
@given(SCORE_ROWS, st.integers(1, 8), st.sampled_from(["uniform", "quantile"]))
def test_histogram_calibration_gives_each_score_its_bin_rate(rows, n_bins, strategy):
    x = np.array([row[0] for row in rows])
    y = np.array([row[1] for row in rows])
    assume(0 < y.sum() < len(y))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # more bins than rows is warned of
        fitted = calibration.HistogramCalibrator(n_bins=n_bins, strategy=strategy).fit(x, y)
    edges = fitted.edges_
    assert len(edges) == n_bins - 1 and np.all(np.diff(edges) >= 0)
    if strategy == "uniform":
        np.testing.assert_allclose(edges, np.linspace(x.min(), x.max(), n_bins + 1)[1:-1],
                                   atol=1e-9)
    # bins are right-closed (lower, upper]: a score's bin is the number of edges below it
    bins = np.array([int((edges < value).sum()) for value in x])
    expected = [y[bins == b].mean() for b in bins]
    np.testing.assert_allclose(fitted.predict(x), expected, rtol=1e-12)


# ------------------------------------------------------------------ bandits
@SETTINGS
@given(st.integers(1, 6), st.integers(1, 6), st.integers(0, 2**32 - 1),
       st.sampled_from(["epsilon_greedy", "ucb1", "beta_thompson"]),
       st.lists(st.booleans(), min_size=6, max_size=6))
def test_a_bandit_shows_k_distinct_available_items(n_items, k, seed, name, available):
    mask = np.array(available[:n_items])
    assume(mask.any())
    k = min(k, int(mask.sum()))
    policy = {"epsilon_greedy": bandits.EpsilonGreedy, "ucb1": bandits.UCB1,
              "beta_thompson": bandits.BetaThompson}[name](n_items=n_items, seed=seed)
    shown = policy.select([0, 1, 2], k, available=mask)
    assert shown.shape == (3, k)
    for row in shown:
        assert len(set(row.tolist())) == k and mask[row].all()


def test_a_simulation_of_more_rounds_than_it_can_record_is_refused_naming_n_rounds():
    from recstack.errors import ConfigError
    from recstack.pipeline.simulation import BanditEnvironment

    environment = BanditEnvironment(n_users=20, n_items=10, seed=0)
    # the result's arrays were allocated first: numpy's "Maximum allowed dimension
    # exceeded" ValueError
    with pytest.raises(ConfigError, match=r"^BanditEnvironment\.run: n_rounds = a 31-digit "
                                          r"integer is more rounds than a run can record "
                                          r"\(at most 33,554,432: four numbers per round, "
                                          r"1 GiB\); run fewer rounds, or several runs$"):
        environment.run(bandits.UCB1(n_items=10), n_rounds=10**30)


# ------------------------------------------------------------------ re-rankers
DAY = 86_400


@pytest.fixture(scope="module")
def train() -> Interactions:
    """Items 0..5 with one or two of the labels x, y, z; users a..d. Users per item: 0 -> 3,
    1 -> 1, 2 -> 2, 3 -> 1, 4 -> 1, 5 -> 1."""
    table = pd.DataFrame({"item_id": [0, 1, 2, 3, 4, 5],
                          "genres": [["x"], ["x"], ["y"], ["y", "z"], ["x", "y"], ["z"]]})
    users = ["a", "a", "b", "b", "c", "c", "d", "d", "d"]
    items = [0, 1, 0, 2, 0, 3, 2, 4, 5]
    return Interactions.from_arrays(users, items, timestamps=np.arange(9) * DAY,
                                    item_table=table)


LISTS = st.lists(st.permutations(range(6)).flatmap(
    lambda order: st.tuples(st.just(order), st.integers(1, 6),
                            st.lists(st.integers(-20, 20), min_size=6, max_size=6))),
    min_size=1, max_size=4)


def as_lists(drawn: list[Any], train: Interactions) -> tuple[np.ndarray, np.ndarray]:
    """Internal item indices and scores of the drawn lists, each cut to its drawn length and
    padded with -1 / -inf (the scores of a list need not be in order)."""
    items = np.full((len(drawn), 6), -1, np.int64)
    scores = np.full((len(drawn), 6), -np.inf)
    for row, (order, length, values) in enumerate(drawn):
        items[row, :length] = train.items.to_index(np.asarray(order[:length]))
        scores[row, :length] = values[:length]
    return items, scores


def scaled(row: np.ndarray) -> np.ndarray:
    finite = row[np.isfinite(row)]
    spread = finite.max() - finite.min()
    return (row - finite.min()) / spread if spread > 0 else np.where(np.isfinite(row), 1.0,
                                                                     -np.inf)


#: a weight of 0 or one float32 can hold (a subnormal float64 is refused as float32's 0)
def weights(high: float) -> Any:
    return st.one_of(st.just(0.0), st.floats(1e-6, high))


@SETTINGS
@given(LISTS, weights(3))
def test_popularity_penalty_follows_its_formula(train, drawn, strength):
    items, scores = as_lists(drawn, train)
    users = np.zeros(len(items), np.int64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # strength = 0 is warned of as without effect
        step = PopularityPenalty(strength=strength).fit(train)
    got_items, got_scores = step.rerank(users, items, scores, RerankContext(train.to_csr()))
    counts = np.asarray((train.to_csr() > 0).sum(axis=0)).ravel()
    for row in range(len(items)):
        kept = items[row] >= 0
        adjusted = {int(i): s - strength * math.log1p(counts[i]) / math.log1p(counts.max())
                    for i, s in zip(items[row][kept], scaled(scores[row])[kept], strict=True)}
        listed = got_items[row][got_items[row] >= 0]
        assert sorted(listed.tolist()) == sorted(adjusted)
        np.testing.assert_allclose(got_scores[row][:len(listed)],
                                   [adjusted[int(i)] for i in listed], atol=1e-12)
        assert np.all(np.diff(got_scores[row][:len(listed)]) <= 1e-12)


@SETTINGS
@given(LISTS, weights(1))
def test_mmr_takes_the_best_marginal_relevance_at_every_position(train, drawn, trade_off):
    items, scores = as_lists(drawn, train)
    users = np.zeros(len(items), np.int64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # trade_off = 1 is warned of as without effect
        step = MMR(trade_off=trade_off).fit(train)
    got, _ = step.rerank(users, items, scores, RerankContext(train.to_csr()))
    labels = train.item_table.set_index("item_id")["genres"]
    external = {int(train.items.to_index(np.asarray([i]))[0]): set(labels[i])
                for i in range(6)}

    def cosine(a: int, b: int) -> float:
        return len(external[a] & external[b]) / math.sqrt(len(external[a]) * len(external[b]))

    for row in range(len(items)):
        relevance = dict(zip(items[row].tolist(), scaled(scores[row]).tolist(), strict=True))
        placed: list[int] = []
        for item in got[row][got[row] >= 0].tolist():
            values = {i: trade_off * relevance[i] - (1 - trade_off)
                      * max((cosine(i, j) for j in placed), default=0.0)
                      for i in relevance if i >= 0 and i not in placed}
            assert values[item] >= max(values.values()) - 1e-6
            placed.append(item)
        assert sorted(placed) == sorted(i for i in items[row].tolist() if i >= 0)


@SETTINGS
@given(LISTS, weights(1), st.sampled_from([0.2, 0.5, 0.8]))
def test_long_tail_share_fills_every_prefix_quota_and_otherwise_follows_relevance(
        train, drawn, share, head_items):
    items, scores = as_lists(drawn, train)
    users = np.zeros(len(items), np.int64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # share = 0 is warned of as without effect
        step = LongTailShare(share=share, head_items=head_items).fit(train)
    got, _ = step.rerank(users, items, scores, RerankContext(train.to_csr()))
    # the head: the ceil(head_items * 6) items with the most users, ties to the lower index
    counts = np.asarray((train.to_csr() > 0).sum(axis=0)).ravel()
    n_head = math.ceil(Fraction(str(head_items)) * 6)
    head = set(sorted(range(6), key=lambda i: (-counts[i], i))[:n_head])
    quota = Fraction(share)
    for row in range(len(items)):
        relevance = dict(zip(items[row].tolist(), scaled(scores[row]).tolist(), strict=True))
        listed = got[row][got[row] >= 0].tolist()
        assert sorted(listed) == sorted(i for i in items[row].tolist() if i >= 0)
        in_tail = sum(i not in head for i in listed)
        placed = 0
        for position, item in enumerate(listed, start=1):
            left = listed[position - 1:]
            tail_left = [i for i in left if i not in head]
            if placed < math.ceil(quota * position) and tail_left:
                assert item not in head
                best = max(relevance[i] for i in tail_left)
            else:
                best = max(relevance[i] for i in left)
            assert relevance[item] == best
            placed += item not in head
            assert placed >= min(math.ceil(quota * position), in_tail)


# ------------------------------------------------------------------ weights of any scale
WEIGHTED_RANKERS = [
    # LightGBM without L2 on its leaves (reg_lambda = 0, the default) and the PyTorch
    # rankers' pointwise losses (weighted means) fit the same model for weights c * w
    pytest.param("lightgbm", {"n_estimators": 5, "min_child_samples": 2}, 1e-5,
                 id="lightgbm-1e-5"),
    pytest.param("lightgbm", {"n_estimators": 5, "min_child_samples": 2,
                              "loss": "lambdarank"}, 1e-5, id="lightgbm-lambdarank-1e-5"),
    # far below: LightGBM failed its own check at 1e-14 and found no split at 1e-20
    *(pytest.param("lightgbm", {"n_estimators": 5, "min_child_samples": 2}, scale,
                   id=f"lightgbm-{scale:g}") for scale in (1e-14, 1e-20, 1e-40)),
    pytest.param("wide_deep", {"epochs": 2, "hidden": (4,), "loss": "bce"}, 1e-40,
                 id="wide_deep-bce-1e-40"),
    pytest.param("dcn_v2", {"epochs": 2, "hidden": (4,), "loss": "focal"}, 1e-40,
                 id="dcn_v2-focal-1e-40"),
    # one group per batch: a batch's total of 4 x 1e-40 (or 256 x 1e-44) lies below
    # float32's range, where the gradient of the weighted mean, 1/total, was infinite
    pytest.param("wide_deep", {"epochs": 2, "hidden": (4,), "loss": "bce", "batch_groups": 1},
                 1e-40, id="wide_deep-bce-1e-40-one-group"),
    pytest.param("wide_deep", {"epochs": 2, "hidden": (4,), "loss": "bce"}, 1e-44,
                 id="wide_deep-bce-1e-44"),
    # and weights near float32's largest number summed to inf
    pytest.param("wide_deep", {"epochs": 2, "hidden": (4,), "loss": "bce"}, 1e37,
                 id="wide_deep-bce-1e37"),
]


@pytest.mark.parametrize(("name", "options", "scale"), WEIGHTED_RANKERS)
def test_weights_of_one_small_value_fit_the_ranker_weights_of_one_fit(name, options, scale):
    pytest.importorskip("lightgbm" if name == "lightgbm" else "torch",
                        reason=f"the {name} ranker needs it")
    from recstack.pipeline.rankers import create_ranker
    from recstack.pipeline.schema import Feature, FeatureFrame, FeatureSchema

    rng = np.random.default_rng(0)
    n = 400
    x = rng.normal(size=(n, 1)).astype(np.float32)
    groups = np.repeat(np.arange(n // 4), 4)
    frame = FeatureFrame(FeatureSchema((Feature("x", "numeric"),)), x,
                         np.zeros((n, 0), np.int64), groups, np.arange(n), groups)
    labels = (x[:, 0] + 0.3 * rng.normal(size=n) > 0).astype(float)
    # weights summing to 1 over 100,000 rows are 1e-5 each: LightGBM refused them as "no
    # split worth making", blaming min_child_samples; 1e-40 (inside float32's range, so
    # accepted) was "training left the weights at their start" for the PyTorch rankers
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ones = create_ranker(name, **options).fit(frame, labels,
                                                  sample_weight=np.ones(n)).score(frame)
        small = create_ranker(name, **options).fit(frame, labels,
                                                   sample_weight=np.full(n, scale)).score(frame)
    # uniform weights divided by their mean are exactly 1: the same fit
    np.testing.assert_allclose(small, ones, rtol=0, atol=1e-6)
    assert np.ptp(small) > 0


# ------------------------------------------------------------------ hostile values
def hostile(good: np.ndarray) -> dict[str, Any]:
    """Hostile variants of a good numeric array: each is refused by a recstack error or,
    where it is a fair spelling of numbers, read to a finite result."""
    numbers = good.astype(float)
    variants: dict[str, Any] = {}
    for name, value in (("nan", np.nan), ("inf", np.inf), ("-inf", -np.inf), ("negative", -1.0),
                        ("zero", 0.0), ("two", 2.0), ("huge", 1e308), ("tiny", 5e-324)):
        changed = numbers.copy()
        changed.flat[min(1, changed.size - 1)] = value
        variants[name] = changed
    variants.update({
        "true/false": good.astype(bool), "object": good.astype(object),
        "object with text": np.array([*good.ravel()[:-1].tolist(), "x"], dtype=object),
        "object with None": np.array([None, *good.ravel()[1:].tolist()], dtype=object),
        "0-d": np.asarray(good.ravel()[0]), "scalar": good.ravel()[0].item(),
        "3-d": good.reshape(1, *good.shape[:1], -1), "column": good.reshape(-1, 1),
        "empty": good[:0], "shorter": good[:-1], "longer": np.concatenate([good, good[:1]]),
        "list": good.tolist(), "text": good.astype(str), "None": None, "dict": {"a": 1},
        "text series": pd.Series(good.ravel().astype(str)), "series": pd.Series(good.ravel()),
        "nullable": pd.array([*good.ravel()[:-1].tolist(), None], dtype="Float64"),
        "float16": good.astype(np.float16), "complex": good.astype(complex),
        "datetime": np.arange(good.size).astype("datetime64[s]"),
        "masked": np.ma.masked_array(good, mask=np.eye(1, good.size, 1, dtype=bool)[0]),
        "mixed frame": pd.DataFrame({"a": good.ravel(), "b": ["x"] * good.size}),
        "ragged": [good.tolist(), good.tolist()[:-1]],
    })
    return variants


SCORES = np.array([0.1, 0.9, 0.3, 0.7, 0.2, 0.8, 0.4, 0.6])
LABELS = np.array([0, 1, 0, 1, 0, 1, 1, 0])
POSITIONS = np.array([1, 2, 3, 1, 2, 3, 1, 2])
THETA = np.array([1.0, 0.5, 0.25])
ACTIONS = np.array([0, 1, 2, 0, 1, 2, 0, 1])
POLICY = np.tile([0.2, 0.3, 0.5], (8, 1))
LOGGED = np.full(8, 1 / 3)

ENTRY_POINTS: dict[str, tuple[np.ndarray, Any]] = {
    "platt scores": (SCORES, lambda v: calibration.PlattCalibrator().fit(v, LABELS)
                     .predict(SCORES)),
    "isotonic labels": (LABELS, lambda v: calibration.IsotonicCalibrator().fit(SCORES, v)
                        .predict(SCORES)),
    "histogram predict": (SCORES, lambda v: calibration.HistogramCalibrator(n_bins=3)
                          .fit(SCORES, LABELS).predict(v)),
    "temperature scores": (SCORES, lambda v: calibration.TemperatureCalibrator()
                           .fit(v, LABELS).predict(SCORES)),
    "downsampling": (SCORES, lambda v: calibration.DownsamplingCorrection(rate=0.5).fit()
                     .predict(v)),
    "propensities positions": (POSITIONS, lambda v: position_bias.estimate_propensities(
        v, LABELS)),
    "propensities clicks": (LABELS, lambda v: position_bias.estimate_propensities(
        POSITIONS, v)),
    "ipw propensities": (THETA, lambda v: position_bias.ipw_sample_weights(
        POSITIONS, LABELS, v)),
    "ipw positions": (POSITIONS, lambda v: position_bias.ipw_sample_weights(
        v, LABELS, THETA)),
    "ips propensities": (LOGGED, lambda v: off_policy.ips(LABELS, ACTIONS, v, POLICY).value),
    "snips rewards": (LABELS.astype(float), lambda v: off_policy.snips(
        v, ACTIONS, LOGGED, POLICY).value),
    "dr actions": (ACTIONS, lambda v: off_policy.doubly_robust(
        LABELS, v, LOGGED, POLICY, POLICY).value),
    "bandit users": (np.arange(4), lambda v: bandits.UCB1(n_items=5, seed=0).select(v, 2)),
}


@pytest.mark.parametrize("variant", sorted(hostile(SCORES)))
@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
def test_hostile_values_are_refused_by_a_recstack_error_or_read_to_finite_results(entry,
                                                                                   variant):
    # every pair is run: lists of different lengths as positions were numpy's
    # "inhomogeneous shape" ValueError from estimate_propensities and ipw_sample_weights
    good, call = ENTRY_POINTS[entry]
    value = hostile(good)[variant]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = call(value)
        except RecstackError as error:
            assert str(error) and "Traceback" not in str(error)
            return
    assert np.all(np.isfinite(np.asarray(result, dtype=float)))
