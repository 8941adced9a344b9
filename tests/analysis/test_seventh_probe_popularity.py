"""Seventh bad-input probe, popularity given as a pandas Series indexed by item index in
another order (``value_counts()`` of the item indices lists the most frequent first): the
counts were read by position, so each went to another item, and the PCA and health analyses
reported correlations of shuffled counts without a word."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.analysis.embeddings import embedding_health, pca_analysis
from recstack.errors import RecstackError

VECTORS = np.random.default_rng(0).normal(size=(6, 3))
# the counts of items 0..5 are 8, 3, 2, 1, 10, 5; value_counts order: most frequent first
BY_FREQUENCY = pd.Series([10, 8, 5, 3, 2, 1], index=[4, 0, 5, 1, 2, 3])


@pytest.mark.parametrize("analysis", [
    lambda popularity: pca_analysis(VECTORS, popularity, n_components=2),
    lambda popularity: embedding_health(VECTORS, popularity),
])
def test_a_series_of_row_numbers_out_of_order_is_refused(analysis):
    with pytest.raises(RecstackError, match=r"indexed by the row numbers in another order "
                                            r"\(position 0 holds row 4\).*sort_index"):
        analysis(BY_FREQUENCY)


def test_the_sorted_series_reads_as_the_counts_in_row_order():
    in_order = np.array([8, 3, 2, 1, 10, 5])
    np.testing.assert_allclose(
        pca_analysis(VECTORS, BY_FREQUENCY.sort_index(), n_components=2)
        .popularity_correlation,
        pca_analysis(VECTORS, in_order, n_components=2).popularity_correlation)


def test_a_series_of_other_labels_is_read_by_position_as_before():
    labelled = pd.Series([8, 3, 2, 1, 10, 5], index=list("abcdef"))
    assert embedding_health(VECTORS, labelled).norm_popularity_correlation == pytest.approx(
        embedding_health(VECTORS, labelled.to_numpy()).norm_popularity_correlation)
