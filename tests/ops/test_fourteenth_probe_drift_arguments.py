"""Fourteenth bad-input probe, the drift measures called from Python: ``measure_drift`` and
``genre_weights`` given a DataFrame of the logs (or a dict for the spec) failed with an
AttributeError or a TypeError from inside; ``psi(categorical="no")`` read the text by its
truth and counted numbers as categories, and ``categorical=True`` ignored the ``edges``
given beside it without a word."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.synthetic import generate
from recstack.errors import RecstackError
from recstack.ops.drift import DriftSpec, genre_weights, measure_drift, psi


@pytest.fixture(scope="module")
def windows():
    data = generate(n_users=60, n_items=30, n_interactions=600, seed=0)
    half = np.arange(len(data)) % 2 == 0
    return data.select(np.flatnonzero(half)), data.select(np.flatnonzero(~half))


def test_windows_that_are_not_interactions_are_named(windows):
    reference, new = windows
    with pytest.raises(RecstackError) as refused:
        measure_drift(reference.to_frame(), new)
    assert str(refused.value) == ("measure_drift: reference must be recstack Interactions "
                                  "(e.g. Interactions.from_frame(frame)), got DataFrame")
    with pytest.raises(RecstackError, match=r"^measure_drift: new must be recstack "
                                            r"Interactions .*got list$"):
        measure_drift(reference, [1, 2])
    with pytest.raises(RecstackError) as refused:
        measure_drift(reference, new, {"psi_warn": 0.3})
    assert str(refused.value) == ("measure_drift: spec must be a DriftSpec (e.g. "
                                  "DriftSpec(psi_warn=0.25)) or None, got dict")
    with pytest.raises(RecstackError, match=r"^genre_weights: data must be recstack "
                                            r"Interactions with an item table, got DataFrame"):
        genre_weights(reference.to_frame())


def test_well_formed_windows_are_still_measured(windows):
    report = measure_drift(*windows, DriftSpec(psi_warn=0.3))
    assert "user_activity_psi" in report.measures


def test_psi_categorical_must_be_true_or_false():
    with pytest.raises(RecstackError) as refused:
        psi([1.0, 2.0, 3.0], [1.0, 2.0, 3.5], categorical="no")
    assert str(refused.value) == "psi: categorical must be True or False, got 'no'"
    with pytest.raises(RecstackError, match=r"^psi: edges bin numbers, but categorical=True "
                                            r"gives one bin per distinct value"):
        psi([1, 2, 3], [1, 2, 4], categorical=True, edges=[2])
    # one bin per value: {1, 2, 3} against {1, 2, 4} shares two of four categories
    assert psi([1, 2, 3], [1, 2, 4], categorical=True) > 0
    assert psi([1, 2, 3], [1, 2, 3], categorical=np.True_) == 0.0
