"""A setting given as a 0-d numpy array (``np.array(2)``, what a numpy reduction or
``np.asarray`` of one number gives) is the value it holds, as the splits read it.

Before: ``KCore(user_min=np.array(2))`` and ``k_core(data, np.array(2))`` were refused as
"user_min = array(2): expected an integer", ``MinValue(np.array(4.0))`` as "expected a
number", ``TimeWindow(start=np.array(5))`` as "expected a time" and
``Deduplicate(np.array("first"))`` as no policy; ``generate(n_users=np.array(5))`` as
"n_users must be an integer, got array(5)" (while ``seed=np.array(3)`` was taken);
``Evaluator(batch_size=np.array(64))`` and its other single settings as "got array(64)",
and ``Evaluator(metrics=np.array("ndcg"))`` was Python's "len() of unsized object";
``Interactions.implicit(threshold=np.array(4.0))`` and ``deduplicate(np.array("last"))``
were refused; the metrics' own settings (``k``, ``ks``, ``alpha``, ``smoothing``) were
"got array(10)". An array of one element or more is still refused: it is not one value;
a 0-d array holding a value refused on its own is refused as that value.
"""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.filters import Deduplicate, KCore, MinValue, TimeWindow, apply_filters, k_core
from recstack.data.interactions import Interactions
from recstack.data.synthetic import SyntheticConfig, generate
from recstack.errors import ConfigError
from recstack.evaluation.evaluator import Evaluator
from recstack.metrics import MetricInputError, precision_at_k
from recstack.metrics._validation import (
    check_choice,
    check_finite_float,
    check_k,
    check_ks,
    check_positive_float,
)


def _data() -> Interactions:
    # user a: x y z (5 4 3); user b: x y (2 1); user c: x (5)
    # items: x by a b c, y by a b, z by a
    return Interactions.from_arrays(["a", "a", "a", "b", "b", "c"],
                                    ["x", "y", "z", "x", "y", "x"],
                                    values=[5, 4, 3, 2, 1, 5])


def test_k_core_counts_given_as_0d_arrays_are_their_numbers() -> None:
    spec = KCore(user_min=np.array(2), item_min=np.array(2))
    assert (spec.user_min, spec.item_min) == (2, 2)
    assert type(spec.user_min) is int and spec == KCore(2, 2)
    # by hand: c has 1 row (dropped), z has 1 row (dropped); then a has x y, b has x y,
    # x has a b, y has a b: 4 rows
    kept = k_core(_data(), np.array(2), np.array(2))
    assert len(kept) == 4
    assert sorted(kept.users.external_ids.tolist()) == ["a", "b"]
    assert sorted(kept.items.external_ids.tolist()) == ["x", "y"]


def test_min_value_time_window_and_deduplicate_read_0d_arrays() -> None:
    threshold = MinValue(np.array(4))
    assert threshold.threshold == 4.0 and threshold == MinValue(4)
    data, steps = apply_filters(_data(), [Deduplicate(np.array("first")), threshold])
    assert len(data) == 3  # 5, 4 and 5 are at least 4
    assert steps[1].rows_after == 3
    window = TimeWindow(start=np.array(5), end=np.array(10))
    assert (window.start, window.end) == (5, 10)
    assert Deduplicate(np.array("first")).policy == "first"


@pytest.mark.parametrize(("spec", "message"), [
    (lambda: KCore(user_min=np.array(True)), r"user_min = True: expected an integer"),
    (lambda: KCore(user_min=np.array(2.0)), r"user_min = 2\.0: expected an integer"),
    (lambda: KCore(user_min=np.array(0)), r"user_min = 0: must be >= 1"),
    (lambda: KCore(user_min=np.array([2])), r"user_min = array\(\[2\]\): expected"),
    (lambda: MinValue(np.array(float("nan"))), r"threshold = nan: must be a finite number"),
    (lambda: Deduplicate(np.array("frist")), r"policy = 'frist'.*did you mean 'first'"),
])
def test_filters_refuse_a_0d_array_as_the_value_it_holds(spec, message) -> None:
    with pytest.raises(ConfigError, match=message):
        spec()


def test_synthetic_settings_given_as_0d_arrays_are_their_values() -> None:
    held = SyntheticConfig(n_users=np.array(5), n_items=np.array(6),
                           n_interactions=np.array(10), months=np.array(3),
                           drift=np.array(0.5), start=np.array("2019-01-01"),
                           seed=np.array(7))
    plain = SyntheticConfig(n_users=5, n_items=6, n_interactions=10, months=3, drift=0.5,
                            start="2019-01-01", seed=7)
    assert held == plain
    assert type(held.n_users) is int and type(held.drift) is float
    a, b = generate(held), generate(plain)
    assert (len(a), a.n_users, a.n_items) == (10, 5, 6)
    assert np.array_equal(a.user_index, b.user_index)
    assert np.array_equal(a.item_index, b.item_index)
    assert np.array_equal(a.value, b.value)
    assert np.array_equal(a.timestamp, b.timestamp)
    assert len(generate(n_users=np.array(3), n_items=np.array(4), n_interactions=6)) == 6


@pytest.mark.parametrize(("given", "message"), [
    (dict(n_users=np.array(5.0)), r"n_users must be an integer, got 5\.0 .*n_users=5"),
    (dict(n_users=np.array(True)), r"n_users must be an integer, got True"),
    (dict(n_users=np.array([5])), r"n_users must be an integer, got array\(\[5\]\)"),
    (dict(drift=np.array(float("nan"))), r"drift must be a finite number"),
])
def test_synthetic_refuses_a_0d_array_as_the_value_it_holds(given, message) -> None:
    with pytest.raises(ConfigError, match=message):
        SyntheticConfig(**given)


def test_evaluator_single_settings_given_as_0d_arrays() -> None:
    evaluator = Evaluator(ks=[10], batch_size=np.array(64), relevance_threshold=np.array(4.0),
                          n_threads=np.array(2), novelty_smoothing=np.array(1),
                          memory_budget_bytes=np.array(2**20), graded=np.array(True),
                          duplicate_grade=np.array("max"))
    assert (evaluator.batch_size, evaluator.relevance_threshold, evaluator.n_threads) == (
        64, 4.0, 2)
    assert evaluator.memory_budget_bytes == 2**20 and evaluator.novelty_smoothing == 1
    assert evaluator.graded is True and evaluator.duplicate_grade == "max"
    assert type(evaluator.batch_size) is int and type(evaluator.duplicate_grade) is str
    with pytest.raises(ConfigError, match=r"batch_size must be a positive integer, got 0"):
        Evaluator(ks=[10], batch_size=np.array(0))


def test_a_0d_array_of_one_metric_name_is_told_to_be_a_list() -> None:
    # was Python's TypeError "len() of unsized object"
    with pytest.raises(ConfigError, match=r"got 'ndcg'; write \['ndcg'\]"):
        Evaluator(ks=[10], metrics=np.array("ndcg"))


def test_interactions_threshold_policy_and_flag_as_0d_arrays() -> None:
    data = _data()
    assert len(data.implicit(threshold=np.array(4.0))) == 3  # 5, 4, 5
    assert len(data.deduplicate(np.array("last"))) == 6
    with pytest.raises(ConfigError, match=r"threshold must be a finite number or None, got nan"):
        data.implicit(threshold=np.array(float("nan")))


def test_metric_settings_given_as_0d_arrays() -> None:
    assert check_k(np.array(10)) == 10
    assert check_ks(np.array(10)) == (10,)
    assert check_ks([np.array(10), 5]) == (10, 5)
    assert check_positive_float(np.array(0.5), "alpha") == 0.5
    assert check_finite_float(np.array(3), "x") == 3.0
    assert check_choice(np.array("mean"), "how", ("mean", "max")) == "mean"
    # one user, relevant at ranks 1 and 3 of 3, 2 relevant: precision@2 = 1/2
    assert precision_at_k(np.array([[1, 0, 1]]), np.array([2]), k=np.array(2)).tolist() == [
        0.5]
    with pytest.raises(MetricInputError, match=r"k must be a positive integer, got 10\.0 "
                                               r".*k = 10"):
        check_k(np.array(10.0))
    with pytest.raises(MetricInputError, match=r"alpha must be a finite number > 0, got nan"):
        check_positive_float(np.array(float("nan")), "alpha")


def test_evaluator_list_entries_given_as_0d_arrays() -> None:
    # ks=[np.array(10), 5] was "array(10) at position 0 is not a whole number"
    assert Evaluator(ks=[np.array(10), 5]).ks == [5, 10]
    evaluator = Evaluator(ks=[5], metrics=[np.array("ndcg"), "recall"])
    assert evaluator.metrics == ["ndcg", "recall"]
    assert all(type(name) is str for name in evaluator.metrics)
    with pytest.raises(ConfigError, match=r"unknown metric\(s\) \['ndgc'\] \(did you mean 'ndcg'"):
        Evaluator(ks=[5], metrics=[np.array("ndgc")])
    with pytest.raises(ConfigError, match=r"10\.0 at position 0 is a float: write the whole "
                                          r"number 10"):
        Evaluator(ks=(np.array(10.0), 5))


def test_filter_order_changes_the_result_as_documented() -> None:
    # worked by hand on _data(): min_value 4 first keeps a:x(5) a:y(4) c:x(5); the k-core
    # (items >= 2) then drops y (1 row): a:x, c:x. The k-core first drops z (1 row), then
    # min_value keeps a:x a:y c:x, where y has 1 row, under the k-core's bar of 2.
    first_threshold, _ = apply_filters(_data(), [MinValue(4), KCore(1, 2)])
    first_core, _ = apply_filters(_data(), [KCore(1, 2), MinValue(4)])
    assert len(first_threshold) == 2
    assert sorted(first_threshold.items.external_ids.tolist()) == ["x"]
    assert len(first_core) == 3
    assert sorted(first_core.items.external_ids.tolist()) == ["x", "y"]
    assert "order matters" in apply_filters.__doc__
