"""Forty-sixth probe, the metrics: ``ranking_metrics(metrics="ndcg")`` took a bare name
while the Evaluator refuses one (now refused alike); ``history_genre_distribution`` counted
a dislike (-1) and a stored 0 as interactions with ``binary=True``; a variant with clicks
but no impressions got a CTR of NaN without a word."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from recstack.errors import ConfigError
from recstack.evaluation.evaluator import Evaluator
from recstack.metrics import MetricInputError
from recstack.metrics.lists import history_genre_distribution
from recstack.metrics.online import online_metrics
from recstack.metrics.ranking import ranking_metrics

TRUTH = sp.csr_matrix([[0, 1, 0, 1, 0]])


def test_a_bare_metric_name_is_refused_as_the_evaluator_refuses_it():
    with pytest.raises(MetricInputError, match=r"metrics must be a list of names, got the "
                                               r"bare string 'ndcg'; write \['ndcg'\]"):
        ranking_metrics([[4, 1, 0]], TRUTH, ks=3, metrics="ndcg")
    with pytest.raises(ConfigError, match="metrics must be a non-empty list"):
        Evaluator(metrics="ndcg", ks=(3,))
    # a list of the one name is what was meant: DCG 1/log2(3), ideal 1 + 1/log2(3)
    got = ranking_metrics([[4, 1, 0]], TRUTH, ks=3, metrics=["ndcg"])
    expected = (1 / np.log2(3)) / (1 + 1 / np.log2(3))
    np.testing.assert_allclose(got["ndcg@3"], [expected])


GENRES = np.array([[1, 0], [0, 1], [1, 1]])


@pytest.mark.parametrize("binary", [True, False])
def test_a_dislike_in_the_history_is_refused_by_position(binary):
    history = sp.csr_matrix(np.array([[1.0, 0.0, 0.0], [1.0, -1.0, 0.0]]))
    with pytest.raises(MetricInputError, match=r"history holds 1 negative value\(s\) \(e\.g\. "
                                               r"-1\.0 in row 1, column 1\)"):
        history_genre_distribution(history, GENRES, binary=binary)


def test_a_stored_zero_is_no_interaction():
    # item 0 (genre 0) recorded, item 1 (genre 1) stored as an explicit 0: p(g|u) = (1, 0)
    history = sp.csr_matrix((np.array([1.0, 0.0]), np.array([0, 1]), np.array([0, 2])),
                            shape=(1, 3))
    np.testing.assert_array_equal(history_genre_distribution(history, GENRES), [[1.0, 0.0]])
    # item 2 counts half for each of its two genres: (1 + 0.5, 0.5) / 2
    both = sp.csr_matrix(np.array([[3.0, 0.0, 1.0]]))
    np.testing.assert_allclose(history_genre_distribution(both, GENRES), [[0.75, 0.25]])


def test_binary_must_be_true_or_false():
    with pytest.raises(MetricInputError, match="binary must be True or False, got 'no'"):
        history_genre_distribution(sp.csr_matrix(np.ones((1, 3))), GENRES, binary="no")


def _log(events):
    n = len(events)
    return pd.DataFrame({"variant": ["A"] * 3 + ["B"] * (n - 3),
                         "session_id": [1, 1, 2] + [3] * (n - 3), "event": events,
                         "timestamp": np.arange(n, dtype=float), "revenue": np.zeros(n),
                         "cost": np.ones(n)})


def test_clicks_without_impressions_are_warned_of_with_the_nan():
    events = _log(["impression", "click", "impression", "click", "click"])
    with pytest.warns(UserWarning, match=r"ctr is NaN in 1 variant\(s\) \('B': 2 clicks of "
                                         r"0 impressions\), with no impressions to divide "
                                         r"by: .*is every impression logged") as caught:
        table = online_metrics(events)
    assert len(caught) == 1
    assert table.at["A", "ctr"] == 0.5 and np.isnan(table.at["B", "ctr"])


def test_a_variant_without_clicks_or_impressions_keeps_its_nan_quietly(recwarn):
    table = online_metrics(_log(["impression", "click", "impression", "purchase"]))
    assert np.isnan(table.at["B", "ctr"])
    assert not [w for w in recwarn if "ctr" in str(w.message)]
