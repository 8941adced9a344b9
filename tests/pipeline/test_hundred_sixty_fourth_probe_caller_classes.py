"""Hundred-sixty-fourth bad-input probe: the pipeline's shared checks (index arrays, labels,
lengths, counts, float arrays) raise the bandits' ``BanditInputError`` unless told
otherwise, and callers outside the bandits took that default: ``label_context``,
``generate_candidates``, ``sample_negatives``, ``score_candidates`` and the diversity
reranker refused a user's mistake as a bandit policy's, and ``label_context`` said its
arrays "must have one entry per round". Each now refuses a bad argument as a
``ConfigError`` (a ``RecstackError`` and, as before, a ``ValueError``) in its own words."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.models import create_model
from recstack.pipeline.bandit_checks import BanditInputError
from recstack.pipeline.candidates import generate_candidates, score_candidates
from recstack.pipeline.features import label_context
from recstack.pipeline.training_data import sample_negatives

WINDOW = Interactions.from_arrays(np.array([0, 0, 1]), np.array([0, 1, 1]), None,
                                  np.array([100, 110, 120]))
USERS, ITEMS, LABELS = np.array([0, 1]), np.array([0, 1]), np.array([1, 0])


def _refused(call, says):
    with pytest.raises(ConfigError, match=says) as caught:
        call()
    # not the bandits' class: a caller catching BanditInputError around a policy must not
    # take a feature builder's or a candidate generator's refusal for one
    assert not isinstance(caught.value, BanditInputError)
    return caught.value


@pytest.mark.parametrize(("users", "items", "labels", "says"), [
    (np.array([0.5, 1]), ITEMS, LABELS, r"^label_context: users must hold integer user "
                                        r"indices, got floats \(0\.5 at row 0\)"),
    (np.array([5, 1]), ITEMS, LABELS, r"^label_context: unknown user 5 in users at row 0; "
                                      r"users are 0\.\.1$"),
    (USERS, np.array([0, 7]), LABELS, r"^label_context: unknown item 7 in items at row 1"),
    (np.array([True, False]), ITEMS, LABELS, r"^label_context: users must hold integer user "
                                             r"indices, got true/false"),
    (USERS, ITEMS, np.array([-1, 0]), r"^label_context: labels must be >= 0 .*row 0 is -1\.0"),
    (USERS, ITEMS, np.array([np.nan, 0]), r"^label_context: labels must be finite, row 0 is "
                                          r"nan \(a missing value\)$"),
    (USERS, ITEMS, np.array(["1", "0"]), r"^label_context: labels must be an array of "
                                         r"numbers"),
    (USERS, ITEMS, np.array([1, 0, 1]), r"^label_context: the arrays must have one entry per "
                                        r"labelled example \(one user, item and label\), got "
                                        r"lengths users 2, items 2, labels 3$"),
])
def test_label_context_refuses_as_the_feature_builder(users, items, labels, says):
    _refused(lambda: label_context(users, items, labels, WINDOW), says)


def test_label_context_rows_in_two_orders_are_its_own_refusal():
    order, swapped = [10, 20], [20, 10]
    _refused(lambda: label_context(pd.Series([0, 1], index=order), pd.Series([0, 1], index=order),
                                   pd.Series([1, 0], index=swapped), WINDOW),
             r"^label_context: items and labels are pandas Series")


def test_label_context_still_pairs_each_positive_with_its_own_time():
    # user 0's positive on item 0 takes the time of (0, 0), 100; user 1's row is a negative
    # and takes the time of user 1's own interaction, 120
    context = label_context(USERS, ITEMS, LABELS, WINDOW)
    assert context["timestamp"].tolist() == [100, 120]


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.default_rng(0)
    data = Interactions.from_arrays(rng.integers(0, 20, 300), rng.integers(0, 15, 300),
                                    np.ones(300), rng.integers(0, 10**6, 300))
    return create_model("most_popular").fit(data)


@pytest.mark.parametrize(("users", "says"), [
    (np.array([0.5]), r"^candidates: user_indices must hold integer user indices, got floats"),
    (np.array([99]), r"^candidates: unknown user 99 in user_indices at row 0; users are "
                     r"0\.\.19$"),
    (np.array([[0]]), r"^candidates: user_indices must be a 1-D array of user indices"),
])
def test_generate_candidates_refuses_user_indices_as_a_model_does(fitted, users, says):
    _refused(lambda: generate_candidates([fitted], users, 5), says)


def test_score_candidates_and_sample_negatives_refuse_as_the_training_data(fitted):
    candidates = generate_candidates([fitted], np.array([0, 1]), 3)
    _refused(lambda: score_candidates(candidates, [fitted], ["pop"], batch_users=0),
             r"^score_candidates: batch_users must be an integer >= 1, got 0$")
    labels = np.zeros(len(candidates))
    _refused(lambda: sample_negatives(labels[:-1], candidates, "all", 1.0),
             rf"^sample_negatives: labels has {len(candidates) - 1} entries, the candidates "
             rf"{len(candidates)} rows")
    _refused(lambda: sample_negatives(np.full(len(candidates), -1.0), candidates, "all", 1.0),
             r"^sample_negatives: labels must be >= 0")
    _refused(lambda: sample_negatives(labels, candidates, "uniform", 0.5, seed=-1),
             r"^sample_negatives: seed must be an integer from 0 to ")
    # good labels keep every row with how="all": 2 users x 3 candidates each
    assert sample_negatives(labels, candidates, "all", 1.0).tolist() == list(range(6))


def test_the_diversity_reranker_refuses_bad_item_vectors_as_a_reranker():
    from recstack.pipeline.rerank.diversity import MMR

    rng = np.random.default_rng(0)
    data = Interactions.from_arrays(rng.integers(0, 10, 100), rng.integers(0, 6, 100))
    vectors = np.ones((data.n_items, 2))
    vectors[2, 1] = np.nan
    reranker = MMR(features="model")
    _refused(lambda: reranker._fit(data, vectors),
             r"^mmr: the model's item vectors must be finite, position \[2, 1\] is nan")
