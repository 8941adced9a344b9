"""A fourth hostile-user probe of the pipeline: inputs that used to pass silently (complex
numbers, true/false scores, an all-zero weight batch, duplicated slate items, overflowing
scores) or end in a raw MemoryError, each now refused by name or handled; expected values
worked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.pipeline import calibration
from recstack.pipeline.bandit_checks import BanditInputError
from recstack.pipeline.bandits import POLICIES
from recstack.pipeline.bayesian import BayesianLogisticRegression
from recstack.pipeline.calibration import CalibrationError
from recstack.pipeline.rerank import (
    MMR,
    ColumnBoost,
    ItemPredicate,
    PopularityPenalty,
    RerankContext,
)

SCORES = np.linspace(-2.0, 2.0, 30)
LABELS = (np.arange(30) % 3 == 0).astype(float)
CALIBRATORS = ["PlattCalibrator", "IsotonicCalibrator", "TemperatureCalibrator",
               "HistogramCalibrator"]


@pytest.fixture(scope="module")
def train() -> Interactions:
    table = pd.DataFrame({"item_id": [10, 11, 12, 13], "genres": ["x", "x|y", "y", "x"],
                          "margin": [1e300, 0.0, 1.0, 2.0], "year": [1990, 2000, 2005, 2010],
                          "available": [True, False, True, True]})
    return Interactions.from_arrays(["a", "a", "b", "c"], [10, 11, 12, 13],
                                    item_table=table)


# ------------------------------------------------------------------ complex numbers
@pytest.mark.parametrize("name", CALIBRATORS)
def test_calibrators_refuse_complex_scores_that_numpy_would_cut_to_real(name):
    make = getattr(calibration, name)
    with pytest.raises(CalibrationError, match="scores must be real numbers, got complex"):
        make().fit(SCORES + 1j, LABELS)
    fitted = make().fit(SCORES, LABELS)
    with pytest.raises(CalibrationError, match="scores must be real numbers"):
        fitted.predict(np.array([0.5 + 2j]))


def test_bayesian_lr_and_bandits_refuse_complex_arrays():
    x = np.random.default_rng(0).normal(size=(20, 2))
    with pytest.raises(BanditInputError, match="^BayesianLogisticRegression: X must be real "
                                               "numbers, got complex values"):
        BayesianLogisticRegression().fit(x + 0j, (x[:, 0] > 0).astype(float))
    policy = POLICIES["ucb1"](n_items=4)
    with pytest.raises(BanditInputError, match=r"^ucb1\.update: rewards must be real"):
        policy.update([0], [[1]], np.array([[1 + 0j]]))


# ------------------------------------------------------------------ true/false as scores
@pytest.mark.parametrize("name", CALIBRATORS)
def test_calibrators_refuse_true_false_scores(name):
    make = getattr(calibration, name)
    with pytest.raises(CalibrationError, match="scores must be numbers, got true/false "
                                               "values; pass the model's scores"):
        make().fit(LABELS > 0, LABELS)


def test_rerankers_refuse_complex_and_true_false_scores(train):
    step = MMR(trade_off=0.5).fit(train)
    context = RerankContext(seen=train.to_csr())
    items = np.array([[0, 1, 2]])
    with pytest.raises(RecstackError, match="^mmr: scores must be real numbers"):
        step.rerank(np.array([0]), items, np.array([[1 + 1j, 0, 0]]), context)
    with pytest.raises(RecstackError, match="^mmr: scores must be numbers, got true/false"):
        step.rerank(np.array([0]), items, np.array([[True, False, True]]), context)


# ------------------------------------------------------------------ overflowing scores
def test_min_max_scaling_of_extreme_scores_gives_no_nan(train):
    # relevance by hand: (s - min) / (max - min) = 1, 0, 0.5, 0.5 (1 vs 0 is lost next to
    # 2e308); with trade_off = 1 the order is by relevance, ties to the earlier slot
    step = MMR(trade_off=1.0).fit(train)
    context = RerankContext(seen=train.to_csr())
    items, scores = step.rerank(np.array([0]), np.array([[0, 1, 2, 3]]),
                                np.array([[1e308, -1e308, 0.0, 1.0]]), context)
    assert items.tolist() == [[0, 2, 3, 1]]
    np.testing.assert_allclose(scores, [[1.0, 0.5, 0.5, 0.0]])
    penalty = PopularityPenalty().fit(train)
    _, penalised = penalty.rerank(np.array([0]), np.array([[0, 1, 2, 3]]),
                                  np.array([[1e308, -1e308, 0.0, 1.0]]), context)
    assert np.isfinite(penalised).all()


def test_a_boost_that_overflows_keeps_the_item(train):
    # multiply: factor 1 + w x = 1 + 1e30 * 1e300 overflows; item 10's score -1 times it
    # was -inf, the empty-slot mark, so the item vanished from the list
    boost = ColumnBoost(column="margin", mode="multiply", weight=1e30).fit(train)
    context = RerankContext(seen=train.to_csr())
    items, scores = boost.rerank(np.array([0]), np.array([[1, 0, 2, 3]]),
                                 np.array([[3.0, -1.0, 2.0, 1.0]]), context)
    assert sorted(items[0].tolist()) == [0, 1, 2, 3]
    assert np.isfinite(scores).all() and items[0, -1] == 0


# ------------------------------------------------------------------ the Bayesian LR
def test_a_first_batch_whose_weights_are_all_zero_is_refused():
    x = np.random.default_rng(1).normal(size=(10, 2))
    y = (x[:, 0] > 0).astype(float)
    with pytest.raises(BanditInputError, match="^BayesianLogisticRegression: sample_weight "
                                               "is 0 for every row of the batch \\(10 rows\\)"):
        BayesianLogisticRegression().fit(x, y, sample_weight=np.zeros(10))


def test_an_overflow_from_huge_weights_names_the_weights():
    x = np.random.default_rng(2).normal(size=(10, 2))
    y = (x[:, 0] > 0).astype(float)
    with pytest.raises(BanditInputError, match="largest row weight 1e\\+300"):
        BayesianLogisticRegression().fit(x, y, sample_weight=np.full(10, 1e300))


# ------------------------------------------------------------------ bandit policies
@pytest.mark.parametrize("name", ["epsilon_greedy", "ucb1", "thompson"])
def test_a_catalog_too_large_for_memory_is_refused_by_name(name):
    with pytest.raises(BanditInputError, match=f"^{name}: not enough memory for the state "
                                               "of n_items = 1,000,000,000,000,000 items"):
        POLICIES[name](n_items=10**15).reset()


@pytest.mark.parametrize("name", sorted(POLICIES))
def test_a_list_showing_an_item_twice_is_refused(name):
    extra = {"n_features": 2} if POLICIES[name].contextual else {}
    policy = POLICIES[name](n_items=4, **extra)
    contexts = np.zeros((1, 3, 2)) if extra else None
    with pytest.raises(BanditInputError, match=rf"^{name}\.update: items row 0 shows item 2 "
                                               "more than once"):
        policy.update([0], [[2, 0, 2]], [[1.0, 0.0, 1.0]], contexts=contexts)


# ------------------------------------------------------------------ item predicates
@pytest.mark.parametrize("column, op, value, message", [
    ("year", ">", True, "value True is true/false, and column 'year' holds numbers"),
    ("year", "in", [2000, True], "value True is true/false, and column 'year' holds numbers"),
    ("available", "==", 1, "value 1 is a number, and column 'available' holds true/false"),
])
def test_true_false_and_numbers_are_not_compared(train, column, op, value, message):
    with pytest.raises(ConfigError, match=f"^item_predicate: {message}"):
        ItemPredicate(column=column, op=op, value=value).fit(train)
    # the right kinds still work: 2000 and 2005 pass
    assert ItemPredicate(column="year", op="in", value=[2000, 2005]).fit(
        train).allowed_.tolist() == [False, True, True, False]


# ------------------------------------------------------------------ rankers
def _ranker_frame():
    from tests.pipeline.test_rankers import synthetic_frame

    frame, labels, _ = synthetic_frame(n_groups=20)
    return frame, labels


@pytest.mark.parametrize("argument", ["labels", "sample_weight"])
def test_rankers_refuse_complex_labels_and_weights(argument):
    pytest.importorskip("sklearn")
    from recstack.pipeline.rankers import create_ranker

    frame, labels = _ranker_frame()
    given = {"labels": labels, "sample_weight": np.ones(len(labels))}
    given[argument] = given[argument] + 0j
    with pytest.raises(RecstackError, match=f"^logistic.fit: {argument} must be real numbers"):
        create_ranker("logistic").fit(frame, given["labels"],
                                      sample_weight=given["sample_weight"])


def test_rankers_refuse_weights_that_add_up_beyond_the_float_range():
    pytest.importorskip("sklearn")
    from recstack.pipeline.rankers import create_ranker

    frame, labels = _ranker_frame()
    # 200 rows of 1e307 sum to 2e309: the fit gave every row the score 0.5
    with pytest.raises(RecstackError, match="^logistic.fit: sample_weight adds up beyond the "
                                            "float range \\(largest 1e\\+307\\)"):
        create_ranker("logistic").fit(frame, labels, sample_weight=np.full(len(labels), 1e307))


@pytest.mark.parametrize("params, message", [
    ({"num_leaves": 10**9}, "num_leaves must be <= 131072"),
    ({"min_child_samples": 10**12}, "min_child_samples must be <= 2147483647"),
])
def test_lightgbm_limits_are_refused_by_name(params, message):
    from recstack.pipeline.rankers import create_ranker

    with pytest.raises(ConfigError, match=f"^lightgbm: {message}"):
        create_ranker("lightgbm", **params).validate_params()


def test_grouped_ndcg_refuses_arrays_of_different_lengths():
    from recstack.pipeline.rankers.base import grouped_ndcg

    with pytest.raises(RecstackError, match=r"^grouped_ndcg: scores \(3,\), labels \(2,\)"):
        grouped_ndcg(np.ones(3), np.ones(2), np.zeros(3))
    # by hand: one group, labels 1, 0 ranked 0, 1 by score -> DCG = 1 / log2(3) over 1
    assert grouped_ndcg(np.array([0.1, 0.9]), np.array([1.0, 0.0]),
                        np.zeros(2, np.int64)) == pytest.approx(1 / np.log2(3))


# ------------------------------------------------------------------ training data, features
@pytest.fixture(scope="module")
def log() -> Interactions:
    from recstack.data.synthetic import generate

    return generate(n_users=40, n_items=25, n_interactions=500, seed=3)


@pytest.mark.parametrize("call, message", [
    (lambda t, log: t.window_cutoff(log, "0.2"), "label_fraction must be in \\(0, 1\\), got "
                                                 "'0.2'"),
    (lambda t, log: t.window_cutoff(log.to_frame(), 0.2), "train must be recstack "
                                                           "Interactions, got DataFrame"),
    (lambda t, log: t.time_window(log, "x"), "cutoff: cannot read 'x' as a time; use Unix "
                                             "seconds or an ISO date"),
    (lambda t, log: t.time_window(log, 10**30), "cutoff must be a whole number"),
])
def test_training_data_windows_refuse_bad_arguments_by_name(log, call, message):
    from recstack.pipeline import training_data

    with pytest.raises(RecstackError, match="^training data: " + message):
        call(training_data, log)


@pytest.mark.parametrize("change, message", [
    ({"make_generators": "generators"}, "make_generators must be a function"),
    ({"seed": -1}, r"seed = -1: must be >= 0; a seed is a whole number in \[0, 4294967295\]"),
    ({"balanced": "yes"}, "balanced must be True or False, got 'yes'"),
    ({"cutoff": "later"}, "cutoff: cannot read 'later' as a time; use Unix seconds"),
])
def test_make_training_data_refuses_bad_arguments_by_name(log, change, message):
    from recstack.models import create_model
    from recstack.pipeline import training_data as t
    from recstack.pipeline.features import FeatureBuilder

    cutoff = t.window_cutoff(log, 0.2)
    history, window = t.time_window(log, cutoff)
    arguments = {"make_generators": lambda: [create_model("most_popular")],
                 "cutoff": cutoff, "n_candidates": 5} | change
    with pytest.raises(RecstackError, match="^training data: " + message):
        t.make_training_data(history, window, builder=FeatureBuilder(), **arguments)


def test_features_of_candidates_outside_the_state_are_refused(log):
    from recstack.pipeline.candidates import Candidates
    from recstack.pipeline.features import FeatureBuilder

    builder = FeatureBuilder().fit(log, ("a",), 2)
    state = builder.statistics(log, int(log.timestamp.max()) + 1)
    with pytest.raises(RecstackError, match="^features: cutoff must be a whole number"):
        builder.statistics(log, 10**30)
    for users, items, named in (([0], [-1], "item index -1"), ([99], [0], "user index 99")):
        # -1 silently read the last item's statistics; 99 failed with an IndexError
        candidates = Candidates(np.array(users), np.array(items), np.array([[0.5]], np.float32),
                                np.array([[1.0]], np.float32), ("a",), 2)
        with pytest.raises(RecstackError, match=f"^features: candidate row 0 has {named}, "
                                                "outside the state's"):
            builder.build(candidates, state)


def test_request_context_refuses_a_count_that_is_not_one():
    from recstack.pipeline.features import request_context

    with pytest.raises(ConfigError, match="^context: n_requests must be a whole number >= 0, "
                                          "got True"):
        request_context({"device": "phone"}, True)


# ------------------------------------------------------------------ item-table columns
def _with_table(table: pd.DataFrame) -> Interactions:
    return Interactions.from_arrays(["a", "b", "c"], [10, 11, 12], timestamps=[1, 2, 3],
                                    item_table=table)


def test_an_item_table_naming_a_column_twice_never_reaches_a_step():
    """mmr read the two copies' column names as its labels, and the feature builder, the
    predicate and the boost each had their own check; the data now refuse such a table
    when they are built, before any step sees it."""
    table = pd.DataFrame([[10, "x", "y", 1.0, 5.0], [11, "y", "x", 2.0, 6.0],
                          [12, "x|y", "x", 3.0, 7.0]],
                         columns=["item_id", "genres", "genres", "margin", "margin"])
    with pytest.raises(RecstackError, match=r"the item table names column 'genres' twice "
                                            r"\(columns 2 and 3\)"):
        _with_table(table)


def test_column_boost_refuses_times_and_freshness_refuses_flags():
    table = pd.DataFrame({"item_id": [10, 11, 12],
                          "released": pd.to_datetime(["2020-01-01", None, "2021-01-01"]),
                          "featured": pd.Series([True, False, None], dtype=object)})
    data = _with_table(table)
    # nanoseconds as a boost, and the missing time as -9.2e18
    with pytest.raises(RecstackError, match="^column_boost: column 'released' holds times"):
        ColumnBoost(column="released").fit(data)
    # True read as 1 second after 1970
    from recstack.pipeline.rerank import FreshnessBoost

    with pytest.raises(RecstackError, match="^freshness: column 'featured' must be numeric "
                                            "\\(Unix seconds\\), datetimes or ISO-8601 text "
                                            "such as 2024-01-31 or 2024-01-31T12:00:00; item 10 "
                                            "holds True"):
        FreshnessBoost(time_column="featured").fit(data)


def test_predicting_from_overflowing_features_is_refused():
    x = np.random.default_rng(3).normal(size=(30, 3))
    model = BayesianLogisticRegression().fit(x, (x[:, 0] > 0).astype(float))
    # x' P^-1 x overflows: the probit approximation gave exactly 0.5
    with pytest.raises(BanditInputError, match="^BayesianLogisticRegression: the logit of row "
                                               "1 overflows \\(largest \\|feature\\| 1e\\+300"):
        model.predict_proba(np.array([[1.0, 0.0, 0.0], [1e300, 1e300, 1e300]]))
    assert 0.0 < float(model.predict_proba(np.array([[1.0, 0.0, 0.0]]))[0]) < 1.0


# each size within its own bound (at most 65,536: hidden=(10**9,) and embedding_dim=10**9
# are now refused by that bound, in validate_params), the network still too large
@pytest.mark.parametrize("name, params, count", [
    ("wide_deep", {"hidden": (65_536, 65_536)}, "4,296,343,643 weights"),
    ("dcn_v2", {"embedding_dim": 65_536, "hidden": (65_536, 4096)}, "43,220,148,237 weights"),
])
def test_a_network_too_large_to_train_is_refused_before_any_allocation(name, params, count):
    # built for real, the first failed in PyTorch's allocator and a huge embedding got the
    # whole process killed for memory
    pytest.importorskip("torch")
    from recstack.pipeline.rankers import create_ranker

    frame, labels = _ranker_frame()
    ranker = create_ranker(name, epochs=1, device="cpu", **params)
    with pytest.raises(RecstackError, match=f"^{name}: the network would hold {count} "
                                            "\\(at most 268,435,456"):
        ranker.fit(frame, labels)


def test_calibration_by_segment_keeps_predictions_without_a_segment_value():
    labels = [0, 1, 1, 0]
    probabilities = [0.2, 0.6, 0.9, 0.4]
    table = calibration.calibration_by_segment(labels, probabilities,
                                               {"device": ["phone", None, "phone", np.nan]})
    rows = table.set_index(["segment", "value"])
    # the missing rows were silently dropped: the segment's n added up to 2 of 4
    assert rows.loc[("device", "(missing)"), "n"] == 2
    assert rows.loc[("device", "(missing)"), "positives"] == 1
    # by hand: mean of 0.6 and 0.4
    assert rows.loc[("device", "(missing)"), "mean_predicted"] == pytest.approx(0.5)
    assert rows.xs("device")["n"].sum() == 4


@pytest.mark.parametrize("column, op, value, passing", [
    ("margin", "!=", 1.0, [False, False, True]),            # NaN != 1 was True
    ("margin", "in", [float("nan"), 1.0], [True, False, False]),  # NaN in [NaN, 1] was True
    ("name", "in", [None, "a"], [True, False, False]),
    ("name", "!=", "a", [False, False, True]),
])
def test_a_missing_value_never_satisfies_a_predicate(column, op, value, passing):
    table = pd.DataFrame({"item_id": [10, 11, 12], "margin": [1.0, None, 2.0],
                          "name": ["a", None, "b"]})
    step = ItemPredicate(column=column, op=op, value=value).fit(_with_table(table))
    assert step.allowed_.tolist() == passing
    # and with keep = false it is removed by nothing: the item without a value stays
    kept = ItemPredicate(column=column, op=op, value=value, keep=False).fit(_with_table(table))
    assert kept.allowed_.tolist() == [not p for p in passing]


@pytest.mark.parametrize("timestamp, shown", [(float("inf"), "inf"), (1e300, "1e\\+300")])
def test_a_request_time_that_is_not_a_time_is_refused(timestamp, shown):
    # inf became the unknown hour silently; 1e300 overflowed int64 into a garbage hour
    from recstack.pipeline.features import _time_codes

    with pytest.raises(RecstackError, match=f"^context column 'timestamp': row 0 holds "
                                            f"{shown}, not a time"):
        _time_codes(pd.Series([timestamp]), 1)
    # by hand: 1,700,000,000 s is 2023-11-14 22:13:20 UTC, a Tuesday (Monday 0): codes
    # 1 + 22 and 1 + 1
    hour, weekday = _time_codes(pd.Series([1_700_000_000]), 1)
    assert (hour.tolist(), weekday.tolist()) == ([23], [2])
