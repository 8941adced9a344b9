"""Seventh bad-input probe, 2-D maps of one-dimensional embeddings (a model trained with
``factors=1``): t-SNE failed inside openTSNE's PCA start with scikit-learn's "n_components=2
must be between 0 and min(n_samples, n_features)=1" (a ValueError, which also stopped the
whole report), and UMAP drew the two directions a single number has (+ and -) as a map."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.analysis.projections import project
from recstack.errors import RecstackError

# one value per item, both signs: the direction check (all one way) does not catch them
ONE_FACTOR = np.random.default_rng(0).normal(size=(40, 1))


@pytest.mark.parametrize("method", ["tsne", "umap"])
def test_one_dimensional_embeddings_are_refused_with_their_shape(method):
    pytest.importorskip("openTSNE" if method == "tsne" else "umap")
    with pytest.raises(RecstackError, match=r"one dimension \(shape \(40, 1\)\).*factors >= 2"):
        project(ONE_FACTOR, method)


def test_two_dimensional_embeddings_are_still_mapped():
    pytest.importorskip("openTSNE")
    vectors = np.random.default_rng(1).normal(size=(40, 2))
    assert project(vectors, "tsne").coordinates.shape == (40, 2)
