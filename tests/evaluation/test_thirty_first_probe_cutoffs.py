"""Thirty-first bad-input probe: ``Evaluator(ks=[1000])`` on a catalog of 5 items was
evaluated without a word (``recstack evaluate`` refuses it): every list at K holds the whole
catalog, so each metric there is the full list's. Now a warning names the cut-off and the
catalog's size (a warning, not a refusal: tests and smoke runs use tiny catalogs)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.evaluation.evaluator import CutoffBeyondCatalogWarning, Evaluator
from recstack.models import create_model

USERS = np.array([0, 0, 1, 1, 2, 2, 3, 3, 0, 1, 2, 3])
ITEMS = np.array([1, 2, 2, 3, 1, 3, 1, 4, 3, 5, 4, 2])
DATA = Interactions.from_arrays(USERS, ITEMS)
TRAIN, TEST = DATA.select(np.arange(12) < 8), DATA.select(np.arange(12) >= 8)
MODEL = create_model("most_popular").fit(TRAIN)


def test_a_cutoff_beyond_the_catalog_is_warned_of():
    with pytest.warns(CutoffBeyondCatalogWarning, match=r"ks = \[2, 1000\]: K = 1000 is "
                      r"larger than the catalog \(5 items\), so every list at that K holds "
                      r"the whole catalog .*use K <= 5"):
        result = Evaluator(metrics=["recall"], ks=[2, 1000]).evaluate(MODEL, TRAIN, TEST)
    # by hand: each user's one test item is not one they trained on, so the whole catalog
    # (less their training items) holds it
    assert result.per_user["recall@1000"].tolist() == [1.0, 1.0, 1.0, 1.0]


def test_a_cutoff_beyond_the_catalog_is_warned_of_in_fold_in_too():
    model = create_model("item_knn").fit(TRAIN)
    with pytest.warns(CutoffBeyondCatalogWarning, match="K = 6 is larger than the catalog"):
        Evaluator(metrics=["recall"], ks=[6]).evaluate_fold_in(model, TRAIN, TRAIN, TEST)


def test_a_cutoff_of_the_catalogs_size_passes_quietly():
    with warnings.catch_warnings():
        warnings.simplefilter("error", CutoffBeyondCatalogWarning)
        Evaluator(metrics=["recall"], ks=[5]).evaluate(MODEL, TRAIN, TEST)
