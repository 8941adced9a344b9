"""Round forty-six, pipeline probe (three hundred fourth): stacking feature frames and
scoring candidates.

- ``concat_frames`` stacked the frames' groups as they were: a group number used by two
  frames became one request of the rankers' losses when the frames met at the seam
  (silently), and "the rows of a group must be contiguous", naming no frame, otherwise;
  an extra column some frames lacked was dropped without a word.
- ``score_candidates`` on candidates already scored replaced their similarity columns,
  dropping the first call's without a word: they are kept, a repeated name refused.
- ``generate_candidates``: a dense ``exclude`` of the right shape was told "got (6, 5)",
  the shape asked for; an ``exclude_items`` of every item was warned of as users who had
  "interacted with every item".
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from recstack.errors import ConfigError, RecstackError
from recstack.pipeline.candidates import generate_candidates, score_candidates
from recstack.pipeline.schema import Feature, FeatureFrame, FeatureSchema, concat_frames

from .test_candidates import FixedScores, data_with_seen

SCHEMA = FeatureSchema((Feature("x", "numeric"), Feature("c", "categorical", cardinality=3)))


def frame(groups, first_value=0.0, extra=None):
    n = len(groups)
    return FeatureFrame(SCHEMA, first_value + np.arange(n, dtype=np.float32)[:, None],
                        np.ones((n, 1), np.int32), np.array(groups), np.arange(n),
                        np.array(groups), extra or {})


@pytest.mark.parametrize(("first", "second", "shared"), [
    ([0, 1], [1, 2], 1),   # the frames meet at group 1: it was one request of three rows
    ([0, 1], [0, 1], 0),   # refused before as "rows of a group must be contiguous"
    ([5], [7, 5], 5),
])
def test_a_group_in_two_frames_is_refused_naming_both(first, second, shared):
    with pytest.raises(RecstackError, match=rf"^concat_frames: group {shared} is in "
                                            r"frames\[0\] and frames\[1\]; .*must not overlap"):
        concat_frames([frame(first), frame(second)])


def test_frames_of_distinct_groups_stack_worked_by_hand():
    stacked = concat_frames([frame([0, 0, 1], extra={"w": np.array([1.0, 2.0, 3.0])}),
                             frame([2], first_value=10.0, extra={"w": np.array([4.0])})])
    assert stacked.groups.tolist() == [0, 0, 1, 2]
    assert stacked.column("x").tolist() == [0.0, 1.0, 2.0, 10.0]
    assert stacked.extra["w"].tolist() == [1.0, 2.0, 3.0, 4.0]
    assert stacked.group_sizes().tolist() == [2, 1, 1]


@pytest.mark.parametrize(("extras", "holder", "lacking"), [
    (({"w": np.ones(1)}, {}), 0, 1),
    (({}, {"w": np.ones(1)}), 1, 0),
])
def test_an_extra_column_some_frames_lack_is_refused(extras, holder, lacking):
    with pytest.raises(RecstackError, match=rf"^concat_frames: extra column 'w' is in "
                                            rf"frames\[{holder}\] but not in "
                                            rf"frames\[{lacking}\]"):
        concat_frames([frame([0], extra=extras[0]), frame([1], extra=extras[1])])


def test_no_frames_is_refused_by_name():
    with pytest.raises(RecstackError, match="^concat_frames: no feature frames"):
        concat_frames([])


A = np.array([[5, 4, 3, 2, 1],
              [1, 2, 3, 4, 5],
              [0, 0, 0, 0, 9]], np.float32)


@pytest.fixture
def candidates():
    train = data_with_seen([(0, 0), (1, 3)], n_users=3, n_items=5)
    # user 0 (item 0 seen): items 1, 2; user 1 (item 3 seen): items 4, 2
    return generate_candidates([FixedScores(A).fit(train)], np.array([0, 1]), 2,
                               sources=["a"]), train


def test_a_second_scoring_keeps_the_first_ones_columns(candidates):
    found, train = candidates
    first = np.arange(15, dtype=np.float32).reshape(3, 5)
    second = -first
    scored = score_candidates(score_candidates(found, [FixedScores(first).fit(train)], ["p"]),
                              [FixedScores(second).fit(train)], ["q"])
    # pairs (0, 1), (0, 2), (1, 2), (1, 4): row-major values 1, 2, 7, 9
    assert found.items.tolist() == [1, 2, 2, 4]
    assert scored.scorers == ("p", "q")
    np.testing.assert_array_equal(scored.similarity, [[1, -1], [2, -2], [7, -7], [9, -9]])


def test_a_scorer_name_the_candidates_already_hold_is_refused(candidates):
    found, train = candidates
    scored = score_candidates(found, [FixedScores(A).fit(train)], ["p"])
    with pytest.raises(ConfigError, match="^candidates: the candidates are already scored by "
                                          "'p'"):
        score_candidates(scored, [FixedScores(A).fit(train)], ["p"])


def test_a_dense_exclude_is_told_to_be_made_sparse(candidates):
    _, train = candidates
    with pytest.raises(RecstackError, match=r"got a ndarray of shape \(3, 5\); convert it "
                                            r"first: scipy\.sparse\.csr_matrix\(exclude\)"):
        generate_candidates([FixedScores(A).fit(train)], np.array([0]), 2,
                            exclude=np.zeros((3, 5)))


def test_excluding_every_item_is_said_to_be_why_no_user_got_a_candidate(candidates):
    _, train = candidates
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        found = generate_candidates([FixedScores(A).fit(train)], np.array([0, 1]), 2,
                                    exclude_items=np.ones(5, bool))
    assert len(found) == 0
    messages = [str(w.message) for w in caught]
    assert any("exclude_items leaves out every one of the 5 items" in m for m in messages)
    assert not any("interacted with every item" in m for m in messages)
