"""The analysis on MovieLens 100K (RECSTACK_DATASETS): what is known about the films must
show through the embeddings."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from recstack.analysis import nearest_neighbours, neighbourhood_coherence, pca_analysis

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def ml100k():
    from recstack.data.movielens import load_movielens

    root = os.environ.get("RECSTACK_DATASETS")
    if not root or not (Path(root) / "ml-100k").is_dir():
        pytest.skip("RECSTACK_DATASETS does not name a folder holding ml-100k/")
    return load_movielens(Path(root) / "ml-100k")


def test_als_on_movielens_groups_genres_and_star_wars_sits_with_its_sequel(ml100k) -> None:
    from recstack.models.registry import create_model

    model = create_model("als", factors=64, regularization=10.0, iterations=15, seed=0,
                         num_threads=1).fit(ml100k)
    vectors = model.item_embeddings()
    genres = ml100k.item_table["genres"].tolist()
    coherence = neighbourhood_coherence(vectors, genres, k=10, seed=0)
    assert coherence.score > coherence.chance + 0.1, coherence.reading()
    titles = ml100k.item_table["title"].to_numpy()
    star_wars = int(np.flatnonzero(titles == "Star Wars (1977)")[0])
    table = nearest_neighbours(vectors, [star_wars], 10, titles=titles).to_frame()
    assert table["neighbour"].iloc[0] == "Return of the Jedi (1983)", table
    pca = pca_analysis(vectors, ml100k.item_counts())
    # a factor model of 100K ratings: popularity is among its main directions
    assert np.max(np.abs(pca.popularity_correlation[:3])) > 0.5, pca.reading()
