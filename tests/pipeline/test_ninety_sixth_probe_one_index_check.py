"""Ninety-sixth bad-input probe, index arguments: the feature frame's ``users``, ``items``
and ``groups``, the re-rankers' ``users`` and ``items`` and the ``Candidates`` columns each
held their own copy of the index rule, and the copies disagreed: an object array of ints (a
pandas object column's ``to_numpy()``) was taken by the bandits and the feature frame but
refused by the re-rankers and ``Candidates`` ("got dtype object"), and the wording of a
refusal changed with the function called. They now go through one function,
``as_index_array``; a missing entry of a nullable DataFrame and the first text entry are
named."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.pipeline.bandit_checks import BanditInputError, as_index_array
from recstack.pipeline.bandits import EpsilonGreedy
from recstack.pipeline.candidates import Candidates
from recstack.pipeline.rerank import RerankContext, SeenFilter
from recstack.pipeline.schema import FeatureFrame
from tests.pipeline.saved_rankers import SCHEMA, toy


@pytest.fixture(scope="module")
def train() -> Interactions:
    # user "a" saw items 10 and 11; "b" saw 12
    return Interactions.from_arrays(["a", "a", "b"], [10, 11, 12])


def _frame(**changed) -> FeatureFrame:
    frame, _ = toy()
    parts = {"users": frame.users, "items": frame.items, "groups": frame.groups} | changed
    return FeatureFrame(SCHEMA, frame.numeric, frame.categorical, parts["users"],
                        parts["items"], parts["groups"])


def test_a_reranker_reads_object_arrays_of_ints_as_the_ints(train):
    step = SeenFilter().fit(train)
    context = RerankContext(seen=train.to_csr())
    a, items = train.users.to_index(np.array(["a"])), train.items.to_index(np.array([10, 11, 12]))
    lists = np.array([items], dtype=np.int64)
    scores = np.array([[3.0, 2.0, 1.0]])
    # by definition of the seen filter: user "a" saw 10 and 11, so 12 moves to the top
    expected = [[int(items[2]), -1, -1]]
    for users, given in ((np.asarray(a, dtype=object), lists),
                         (np.asarray(a, dtype=np.int64), lists.astype(object))):
        out, _ = step.rerank(users, given, scores, context)
        assert out.tolist() == expected


def test_candidates_read_object_arrays_of_ints_as_the_ints():
    candidates = Candidates(users=np.array([0, 0, 1], dtype=object),
                            items=np.array([0, 2, 1], dtype=object),
                            scores=np.ones((3, 1), np.float32), ranks=np.ones((3, 1), np.float32),
                            sources=("a",), n_per_source=2)
    assert candidates.users.dtype == np.int64 and candidates.users.tolist() == [0, 0, 1]
    assert candidates.items.tolist() == [0, 2, 1]


@pytest.mark.parametrize(("given", "told"), [
    (np.array([0.0, 1.0]), "got floats (0.0 at row 0); floats are refused, whole ones too"),
    (np.array([0.0, np.nan]), "got floats (nan (a missing value) at row 1)"),
    (np.array(["0", "1"]), "got dtype <U1 ('0' at row 0)"),
    (np.array([0, None], dtype=object), "got dtype object (None (a missing value) at row 1)"),
    (np.array([True, False]), "got true/false values"),
])
def test_every_index_argument_words_a_refusal_alike(train, given, told):
    # the frame, a re-ranker and Candidates say what as_index_array says, with their name
    with pytest.raises(RecstackError) as frame_error:
        _frame(users=np.resize(given, len(toy()[0])))
    assert f"feature frame: users must hold integer indices, {told}" in str(frame_error.value)
    step = SeenFilter().fit(train)
    with pytest.raises(RecstackError) as step_error:
        step.rerank(given, np.array([[0], [1]]), np.array([[1.0], [1.0]]),
                    RerankContext(seen=train.to_csr()))
    assert f"seen: users must hold integer user indices, {told}" in str(step_error.value)
    with pytest.raises(RecstackError) as candidates_error:
        Candidates(users=given, items=np.array([0, 1]), scores=np.ones((2, 1)),
                   ranks=np.ones((2, 1)), sources=("a",), n_per_source=1)
    assert (f"Candidates: users must hold integer user indices, {told}"
            in str(candidates_error.value))
    with pytest.raises(BanditInputError) as bandit_error:
        as_index_array("where", "users", given, ndim=1, size=5, what="user")
    assert f"where: users must hold integer user indices, {told}" in str(bandit_error.value)


def test_a_missing_entry_of_a_nullable_frame_of_items_is_named_as_missing():
    items = pd.DataFrame({"first": pd.array([1, None], dtype="Int64"),
                          "second": pd.array([2, 3], dtype="Int64")})
    with pytest.raises(BanditInputError, match=r"items must hold integer item indices, got "
                       r"floats \(nan \(a missing value\) at position \[1, 0\]\)"):
        EpsilonGreedy(n_items=4).update([0, 1], items, [[1.0, 0.0], [0.0, 1.0]])
    # a text column is not read as numbers: '1' is named as text
    with pytest.raises(BanditInputError, match=r"got dtype object \('1' at position \[0, 0\]\)"):
        EpsilonGreedy(n_items=4).update([0], pd.DataFrame({"a": ["1"], "b": ["2"]}),
                                        [[1.0, 0.0]])


def test_nullable_and_pyarrow_integer_columns_are_read_as_integers():
    frame, _ = toy()
    for dtype in ("Int64", "int64[pyarrow]"):
        built = _frame(users=pd.Series(frame.users, dtype=dtype))
        assert built.users.dtype == np.int64
        np.testing.assert_array_equal(built.users, frame.users)
    policy = EpsilonGreedy(n_items=4).update(
        [0], pd.DataFrame({"a": pd.array([1], dtype="Int64"),
                           "b": pd.Series([2], dtype="int64[pyarrow]")}), [[1.0, 0.0]])
    assert policy is not None


def test_a_missing_categorical_code_says_to_give_the_unknown_level():
    frame, _ = toy()
    codes = pd.DataFrame({"genre": pd.array([None, *frame.categorical[1:, 0].tolist()],
                                            dtype="Int64")})
    with pytest.raises(RecstackError, match=r"categorical feature 'genre' has code nan \(a "
                       r"missing value: give it the code 0, the unknown level\) at row 0"):
        FeatureFrame(SCHEMA, frame.numeric, codes, frame.users, frame.items, frame.groups)
