"""Ninety-first bad-input probe, feature frames: users, items, groups and categorical codes
given as floats (``3.0`` as well as ``2.5``) were accepted and cast, against the project's
rule for indices (floats refused, whole ones too, as ``as_index_array`` refuses them);
true/false categorical codes made every False the unknown level 0. Integer inputs, integer
DataFrame columns and the frames the feature stage builds keep working."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.errors import RecstackError
from recstack.pipeline.rankers.registry import create_ranker
from recstack.pipeline.schema import FeatureFrame, concat_frames
from tests.pipeline.saved_rankers import SCHEMA, toy


@pytest.fixture(scope="module")
def frame_and_labels():
    return toy()


def _rebuilt(frame, **changed):
    parts = {"numeric": frame.numeric, "categorical": frame.categorical, "users": frame.users,
             "items": frame.items, "groups": frame.groups} | changed
    return FeatureFrame(SCHEMA, parts["numeric"], parts["categorical"], parts["users"],
                        parts["items"], parts["groups"])


@pytest.mark.parametrize("name", ["users", "items", "groups"])
def test_whole_float_indices_are_refused_naming_the_column_and_row(frame_and_labels, name):
    frame, _ = frame_and_labels
    values = getattr(frame, name).astype(np.float64)
    with pytest.raises(RecstackError) as refused:
        _rebuilt(frame, **{name: values})
    assert str(refused.value) == (
        f"feature frame: {name} must hold integer indices, got floats "
        f"({float(values[0])!r} at row 0); floats are refused, whole ones too: pass whole numbers "
        f"({name}.astype(int) if they are indices)")


def test_a_missing_index_is_named_as_missing(frame_and_labels):
    frame, _ = frame_and_labels
    users = pd.array([None, *frame.users[1:].tolist()], dtype="Int64")
    with pytest.raises(RecstackError, match=r"users must hold integer indices, got floats "
                       r"\(nan \(a missing value\) at row 0\)"):
        _rebuilt(frame, users=users.to_numpy(dtype=np.float64, na_value=np.nan))


def test_whole_float_categorical_codes_are_refused(frame_and_labels):
    frame, _ = frame_and_labels
    codes = frame.categorical.astype(np.float64)
    with pytest.raises(RecstackError) as refused:
        _rebuilt(frame, categorical=codes)
    assert str(refused.value) == (
        f"feature frame: categorical feature 'genre' has the float {float(codes[0, 0])!r} "
        "at row 0; codes are integers in 0..cardinality - 1 (0: unknown): pass "
        "categorical.astype(int) if they are codes")
    # a float DataFrame column too (a CSV read with pandas)
    with pytest.raises(RecstackError, match="categorical feature 'genre' has the float"):
        _rebuilt(frame, categorical=pd.DataFrame({"genre": codes[:, 0]}))


def test_true_false_codes_are_refused_as_they_would_read_false_as_unknown(frame_and_labels):
    frame, _ = frame_and_labels
    with pytest.raises(RecstackError, match=r"categorical features hold true/false values "
                       r"\('genre' first\).*False would be read as unknown"):
        _rebuilt(frame, categorical=frame.categorical > 1)


def test_integer_inputs_keep_working(frame_and_labels):
    frame, labels = frame_and_labels
    as_lists = _rebuilt(frame, users=frame.users.tolist(), items=frame.items.astype(np.int32),
                        groups=frame.groups.astype(np.uint16),
                        categorical=pd.DataFrame({"genre": frame.categorical[:, 0]}))
    assert as_lists.categorical.dtype == np.int32
    np.testing.assert_array_equal(as_lists.categorical, frame.categorical)
    np.testing.assert_array_equal(as_lists.groups, frame.groups)
    # the frame's own operations build frames of their integer arrays
    assert len(concat_frames([frame.take(np.arange(6)), frame.take(np.arange(6, 12))])) == 12
    ranker = create_ranker("logistic").fit(frame, labels)
    assert np.isfinite(ranker.score(frame.take(np.arange(12)))).all()


def test_an_object_array_of_ints_is_read_as_ints_and_one_with_a_float_is_refused(
        frame_and_labels):
    # the values decide, not the container, as for every index argument
    frame, _ = frame_and_labels
    users = frame.users.astype(object)
    np.testing.assert_array_equal(_rebuilt(frame, users=users).users, frame.users)
    users[3] = 1.0
    with pytest.raises(RecstackError, match="users must hold integer indices, got dtype "
                       "object"):
        _rebuilt(frame, users=users)
