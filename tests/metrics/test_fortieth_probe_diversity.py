"""Fortieth bad-input probe, intra-list diversity of item vectors of which not one item has
a feature: a matrix with no columns (the genre multi-hot of items that have no genre at
all) or all zeros gave every list a NaN diversity, a column of NaN read as a measurement.
Both are refused, by the metric and by an Evaluator asked for diversity (at construction,
before any model is fitted); an item without features among others that have some still
only drops out of its list's pairs."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from recstack.errors import ConfigError
from recstack.evaluation.evaluator import Evaluator
from recstack.metrics import MetricInputError, intra_list_diversity
from recstack.metrics.lists import miscalibration_kl

LIST = np.array([[0, 1, 2]])

FEATURELESS = [
    pytest.param(np.zeros((3, 0)), "no columns", id="dense-no-columns"),
    pytest.param(sp.csr_matrix((3, 0)), "no columns", id="sparse-no-columns"),
    pytest.param(np.zeros((3, 2)), "all zeros", id="dense-zeros"),
    pytest.param(sp.csr_matrix((3, 2)), "all zeros", id="sparse-zeros"),
    # explicitly stored zeros are no features either
    pytest.param(sp.csr_matrix((np.zeros(3), ([0, 1, 2], [0, 1, 0])), shape=(3, 2)),
                 "all zeros", id="sparse-stored-zeros"),
]


@pytest.mark.parametrize("features, says", FEATURELESS)
def test_the_metric_refuses_vectors_without_any_feature(features, says):
    with pytest.raises(MetricInputError, match=rf"item_features (has|is) {says}.*every "
                                               r"list's diversity would be NaN"):
        intra_list_diversity(LIST, features)


@pytest.mark.parametrize("features, says", FEATURELESS)
def test_the_evaluator_refuses_them_when_built(features, says):
    with pytest.raises(ConfigError, match=rf"item_features (has|is) {says}"):
        Evaluator(metrics=["recall", "diversity"], ks=[2], item_features=features)


def test_the_evaluator_without_diversity_ignores_them():
    Evaluator(metrics=["recall"], ks=[2], item_features=np.zeros((3, 0)))


def test_one_item_with_features_is_enough_to_measure():
    # items 0 and 2 point along (1, 0) and (0, 1): cosine distance 1; item 1 has no
    # features and drops out of the pairs; items 0, 2 and 1 in list 2 likewise
    features = np.array([[1.0, 0.0], [0.0, 0.0], [0.0, 1.0]])
    assert intra_list_diversity(np.array([[0, 1, 2], [2, 1, 0]]), features) \
        == pytest.approx([1.0, 1.0])
    # a list of the featureless item alone is still NaN (fewer than two usable items)
    assert np.isnan(intra_list_diversity(np.array([[1, -1]]), features)).all()


@pytest.mark.parametrize("genres, says", FEATURELESS)
def test_miscalibration_refuses_genres_of_which_no_item_has_one(genres, says):
    # before: no columns gave NaN for every list; all zeros gave every user with a target
    # log(1 / alpha), as though each list missed all of their genres
    target = np.zeros((1, genres.shape[1]))
    if genres.shape[1]:
        target[0, 0] = 1.0
    with pytest.raises(MetricInputError, match=rf"item_genres (has|is) {says}"):
        miscalibration_kl(LIST, genres, target)


def test_miscalibration_of_genres_that_some_items_have():
    # items 0 and 2 are genre 0, item 1 has none: the list's q is (1, 0), the target's
    # p is (1, 0), KL 0; against p = (0.5, 0.5), q~ = 0.99 q + 0.01 p = (0.995, 0.005)
    genres = np.array([[1.0, 0.0], [0.0, 0.0], [1.0, 0.0]])
    assert miscalibration_kl(LIST, genres, [[1.0, 0.0]]) == pytest.approx([0.0])
    expected = 0.5 * np.log(0.5 / 0.995) + 0.5 * np.log(0.5 / 0.005)
    assert miscalibration_kl(LIST, genres, [[0.5, 0.5]]) == pytest.approx([expected])
