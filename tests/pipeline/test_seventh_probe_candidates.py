"""Seventh bad-input probe of the candidates' scorers and recall: a scorer fitted on other
data than the generators (fewer items: an IndexError traceback), scorer names that do not
give each scorer one distinct name (a similarity column without a name, its feature
silently dropped) and a recall against test data of another vocabulary (a made-up value)
are refused."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.synthetic import generate
from recstack.errors import ConfigError, RecstackError
from recstack.models import create_model
from recstack.pipeline.candidates import (
    candidate_recall,
    generate_candidates,
    score_candidates,
)


@pytest.fixture(scope="module")
def candidates():
    train = generate(n_users=50, n_items=40, n_interactions=600, seed=1)
    return train, generate_candidates([create_model("most_popular").fit(train)],
                                      np.arange(10), 5)


def test_a_scorer_fitted_on_fewer_items_is_refused(candidates):
    _, found = candidates
    other = generate(n_users=60, n_items=20, n_interactions=300, seed=2)
    largest = int(found.items.max())
    assert largest >= 20  # the case: an index the scorer does not have
    with pytest.raises(RecstackError, match=f"scorers\\[0\\] \\(item_knn\\) knows 20 items, "
                       f"but the candidates hold item index {largest}; fit the scorers on "
                       "the data the generators were fitted on"):
        score_candidates(found, [create_model("item_knn").fit(other)], ["knn"])


@pytest.mark.parametrize("names", [[], ["a", "a"]])
def test_scorer_names_must_be_one_distinct_per_scorer(candidates, names):
    train, found = candidates
    scorers = [create_model("item_knn").fit(train) for _ in range(max(len(names), 1))]
    with pytest.raises(ConfigError, match=f"give one distinct name per scorer "
                       f"\\({len(scorers)}\\), got"):
        score_candidates(found, scorers, names)


def test_recall_against_test_data_of_another_vocabulary_is_refused(candidates):
    # its keys user * n_items + item met other users' test items: a made-up recall
    _, found = candidates
    other = generate(n_users=60, n_items=20, n_interactions=300, seed=2)
    with pytest.raises(RecstackError, match=f"candidate_recall: the candidates hold item "
                       f"index {int(found.items.max())}, but the test data have 20 items"):
        candidate_recall(found, other)
