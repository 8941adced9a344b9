"""``project(perplexity=100)`` on 40 points mapped with a perplexity of 13 without a word,
and a UMAP map ignored a perplexity given to it without a word: each warns now, the way
``pca_analysis`` warns of more components than dimensions. The default (30, capped at
``(points - 1) / 3`` where the points are fewer) keeps working silently."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from recstack.analysis import project

pytest.importorskip("openTSNE", reason="t-SNE maps need openTSNE")

VECTORS = np.random.default_rng(5).normal(size=(40, 6))


def test_a_perplexity_above_the_cap_warns_with_the_value_used():
    most = (40 - 1) / 3  # the definition of the cap: (points - 1) / 3
    with pytest.warns(UserWarning, match=rf"perplexity=100 is more than t-SNE can use for 40 "
                                         rf"points; {most:g}, \(points - 1\) / 3, is used"):
        project(VECTORS, perplexity=100, seed=0)


@pytest.mark.parametrize("perplexity", [None, 13, 5.5])
def test_the_default_and_a_usable_perplexity_do_not_warn(perplexity):
    options = {} if perplexity is None else {"perplexity": perplexity}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mapped = project(VECTORS, seed=0, **options)
    assert mapped.coordinates.shape == (40, 2)


def test_the_cap_gives_the_same_map_as_asking_for_it():
    with pytest.warns(UserWarning):
        capped = project(VECTORS, perplexity=100, seed=0)
    asked = project(VECTORS, perplexity=13, seed=0)
    np.testing.assert_allclose(capped.coordinates, asked.coordinates)


def test_a_umap_map_says_it_ignores_a_perplexity():
    pytest.importorskip("umap")
    with pytest.warns(UserWarning, match="perplexity=20 is t-SNE's setting; a UMAP map "
                                         "ignores it"):
        project(VECTORS, "umap", perplexity=20, seed=0)
