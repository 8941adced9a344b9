"""Forty-sixth probe: ``colour_by`` with ``projection=None`` (no maps to colour) was
dropped without a word; true/false embeddings were analysed as 1 and 0 while the item
index refuses them."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from recstack.analysis.embeddings import embedding_health, pca_analysis
from recstack.analysis.report import build_report
from recstack.analysis.results_folder import read_results
from recstack.errors import RecstackError


def test_colour_by_without_a_projection_is_warned_of(results_dir):
    with pytest.warns(UserWarning, match=r"colour_by = 'popularity' is ignored: .*"
                                         r"projection=None draws none"):
        build_report(read_results(results_dir), refit="none", projection=None,
                     colour_by="popularity")


def test_no_warning_without_colour_by(results_dir):
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message="colour_by")
        build_report(read_results(results_dir), refit="none", projection=None)


@pytest.mark.parametrize("analyse", [pca_analysis, embedding_health])
def test_true_false_embeddings_are_refused_as_by_the_item_index(analyse):
    mask = np.random.default_rng(0).random((20, 4)) > 0.5
    with pytest.raises(RecstackError, match=r"embeddings must be real numbers, got "
                                            r"true/false values"):
        analyse(mask)
    # the same values as numbers are analysed
    analyse(mask.astype(float))
