"""Hundred-ninety-eighth bad-input probe: a finite numeric feature far beyond training.

The logistic ranker standardises its features and returns ``sigmoid(logit)`` as float32:
a feature of 1e6 or 1e30 where training saw values in [0, 1] (a unit mix-up, a raw count
where a logarithm was learned) made every candidate's score exactly 1.0 (or 0.0), so the
list fell back to the candidates' order without a word; the neural rankers extrapolated
their layers into numbers no training row reached (a cross layer's square overflowed into
NaN). Every ranker that scales its features (logistic, wide_deep, dcn_v2, multitask) now
scores a value more than RANGE_FACTOR (10) widths of the training range past either end of
it as that edge of the band, with one FarFeatureWarning naming the feature, the row and the
range (refusing the frame, as a first fix did, failed every request holding one viral
item); saved rankers keep the range."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

from recstack.errors import RecstackError
from recstack.pipeline.rankers import FarFeatureWarning, create_ranker, load_ranker
from recstack.pipeline.rankers.base import RANGE_FACTOR, training_ranges
from recstack.pipeline.schema import Feature, FeatureFrame, FeatureSchema

SCHEMA = FeatureSchema((Feature("signal", "numeric", "label is signal > 0.5"),
                        Feature("flat", "numeric", "2.0 on every training row"),
                        Feature("genre", "categorical", "noise", cardinality=3)))

NEEDS = {"logistic": "sklearn", "wide_deep": "torch", "dcn_v2": "torch",
         "multitask": "torch"}
QUICK = {"logistic": {}, "wide_deep": {"epochs": 1, "hidden": (4,), "device": "cpu"},
         "dcn_v2": {"epochs": 1, "hidden": (4,), "device": "cpu"},
         "multitask": {"epochs": 1, "hidden": (4,), "device": "cpu"}}


def _frame(signal, flat=None, genre=None) -> FeatureFrame:
    n = len(signal)
    flat = np.full(n, 2.0) if flat is None else flat
    genre = np.arange(n) % 3 if genre is None else np.asarray(genre)
    groups = np.arange(n) // 6
    return FeatureFrame(SCHEMA, np.column_stack([signal, flat]), genre[:, None], groups,
                        np.arange(n), groups)


def _fitted(name):
    pytest.importorskip(NEEDS[name])
    # training signal spans exactly 0 to 1 (width 1): values from -10 to 11 are scored
    signal = np.linspace(0.0, 1.0, 120)
    labels = (signal > 0.5).astype(np.float64)
    if name == "multitask":
        labels = np.column_stack([labels, np.where(labels > 0, 5.0, 1.0)])
    return create_ranker(name, **QUICK[name]).fit(_frame(signal), labels)


def test_training_ranges_by_hand():
    lows, highs = training_ranges(np.array([[1.0, np.nan, 3.0], [-2.0, np.nan, 3.0],
                                            [np.nan, np.nan, 3.0]]))
    np.testing.assert_array_equal(lows, [-2.0, np.nan, 3.0])
    np.testing.assert_array_equal(highs, [1.0, np.nan, 3.0])
    assert RANGE_FACTOR == 10


def _said(name, far, edge, count=1, of=6):
    return (f"{name}.score: numeric feature 'signal' is {far:.6g} at row 1 (user 0, item 1), "
            "far beyond the values the ranker learned from (0 to 1 in training), so it was "
            f"scored as {edge:g}, the edge of the band the ranker scores (-10 to 11: 10 times "
            f"the range's width past either end); {count} of the frame's {of} numeric values "
            "were clipped so (all in 'signal'); give the feature in the units and transform "
            "of the training frame, or leave the value missing (NaN: the training mean)")


# training ran from 0 to 1 (width 1): the band is 0 - 10 * 1 = -10 to 1 + 10 * 1 = 11
@pytest.mark.parametrize("name", sorted(NEEDS))
@pytest.mark.parametrize(("far", "edge"), [(1e30, 11.0), (-1e30, -10.0), (1e6, 11.0),
                                           (11.5, 11.0), (-10.5, -10.0)])
def test_a_feature_far_beyond_training_is_scored_as_the_band_edge_with_a_warning(
        name, far, edge, tmp_path):
    ranker = _fitted(name)
    frame = _frame(np.array([0.2, far, 0.7]))
    at_edge = ranker.score(_frame(np.array([0.2, edge, 0.7])))
    for scorer in (ranker, None):
        if scorer is None:
            ranker.save(tmp_path / "r")
            scorer = load_ranker(tmp_path / "r")
        with pytest.warns(FarFeatureWarning) as caught:
            scores = scorer.score(frame)
        assert [str(w.message) for w in caught] == [_said(name, far, edge)]
        np.testing.assert_array_equal(scores, at_edge)
    assert frame.numeric[1, 0] == np.float32(far)  # the caller's frame is left as it was


@pytest.mark.parametrize("name", sorted(NEEDS))
def test_one_warning_per_call_counts_every_clipped_value(name):
    ranker = _fitted(name)
    frame = _frame(np.array([0.2, 1e30, -1e30, 20.0, 0.7]))
    with pytest.warns(FarFeatureWarning) as caught:
        scores = ranker.score(frame)
    assert [str(w.message) for w in caught] == [_said(name, 1e30, 11, count=3, of=10)]
    np.testing.assert_array_equal(
        scores, ranker.score(_frame(np.array([0.2, 11.0, -10.0, 11.0, 0.7]))))


@pytest.mark.parametrize("name", sorted(NEEDS))
def test_values_within_the_bound_missing_ones_and_a_flat_column_are_scored_unchanged(name):
    ranker = _fitted(name)
    # 11 and -10 are the bounds themselves; a column constant in training (width 0) is
    # not checked: the rankers ignore it
    frame = _frame(np.array([-10.0, 0.3, np.nan, 11.0]), flat=np.array([2.0, 1e30, 2.0, -5]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scores = ranker.score(frame)
    assert scores.shape == (4,) and np.isfinite(scores).all()
    # the frame reached the ranker's own scoring as given
    np.testing.assert_array_equal(scores, np.asarray(ranker._score(frame), np.float32))


def test_a_far_value_leaves_the_other_candidates_ranked_by_their_own_scores():
    # before: scores [1.0, 1.0, 1.0] for 1e6, 2e6, 3e6 (the list in the candidates' order),
    # then the whole frame refused; now the far one is scored as 11, the others as alone
    ranker = _fitted("logistic")
    with pytest.warns(FarFeatureWarning, match="'signal' is 1e\\+06 at row 1"):
        scores = ranker.score(_frame(np.array([0.2, 1e6, 0.7])))
    np.testing.assert_array_equal(scores[[0, 2]],
                                  ranker.score(_frame(np.array([0.2, 0.7]), genre=[0, 2])))
    assert scores[1] == ranker.score(_frame(np.array([11.0]), genre=[1]))[0]
    assert scores[0] < scores[2] <= scores[1]


def test_saved_ranges_of_another_shape_are_refused_naming_the_file(tmp_path):
    from recstack.pipeline.rankers.base import check_saved_ranges

    file = tmp_path / "weights.npz"
    check_saved_ranges(np.array([0.0, np.nan]), np.array([1.0, np.nan]), SCHEMA, file)
    with pytest.raises(RecstackError, match=re.escape(
            f"{file}: the saved training range highs are of shape (1,) (float64), expected 2 "
            "numbers, one per numeric feature of ranker.json; the file was edited")):
        check_saved_ranges(np.zeros(2), np.zeros(1), SCHEMA, file)
