"""Hundred-fifteenth probe: a feature frame's ``users``, ``items`` and ``groups`` are
internal indices (0, 1, 2...), and a group is one request: one user's candidates, ranked
as one list. A -1 (a log's "unknown" code) was kept as a user, an item
or a request of its own, and a group holding two users' rows was ranked as one list by the
listwise losses and the per-group metrics, silently."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.errors import RecstackError
from recstack.pipeline.schema import Feature, FeatureFrame, FeatureSchema

SCHEMA = FeatureSchema((Feature("a", "numeric", "doc"),))


def _frame(users, items, groups):
    n = len(users)
    return FeatureFrame(SCHEMA, np.zeros((n, 1), np.float32), np.zeros((n, 0), np.int32),
                        np.asarray(users), np.asarray(items), np.asarray(groups))


@pytest.mark.parametrize("column", ["users", "items", "groups"])
def test_a_negative_index_is_refused_naming_its_row(column):
    values = {"users": [0, 0, 1], "items": [0, 1, 0], "groups": [0, 0, 1]}
    values[column] = [v if row != 2 else -1 for row, v in enumerate(values[column])]
    if column == "users":
        values["groups"] = [0, 0, 1]
    with pytest.raises(RecstackError, match=rf"^feature frame: {column} must hold indices "
                                            r">= 0 \(the internal indices 0, 1, 2\.\.\.\), "
                                            r"row 2 holds -1"):
        _frame(**values)


def test_a_group_of_two_users_is_refused_naming_both():
    with pytest.raises(RecstackError) as refused:
        _frame([0, 0, 1, 1], [0, 1, 0, 1], [7, 7, 7, 7])
    assert str(refused.value).startswith(
        "feature frame: group 7 holds rows of two users (user 0 at row 0, user 1 at row 2)")


def test_frames_of_one_user_per_group_are_kept():
    frame = _frame([0, 0, 1, 1, 0], [0, 1, 0, 1, 2], [3, 3, 4, 4, 5])  # two requests of 0
    assert frame.group_sizes().tolist() == [2, 2, 1]
    assert frame.take(np.array([2, 3])).users.tolist() == [1, 1]


@pytest.mark.parametrize("code", [5, -1])
def test_an_unknown_integer_code_is_named_as_given(code):
    schema = FeatureSchema((Feature("g", "categorical", cardinality=3),))
    # the code was shown as a float ("code 5.0") though an integer was given
    with pytest.raises(RecstackError, match=rf"^feature frame: categorical feature 'g' has "
                                            rf"code {code} at row 0; codes are whole numbers "
                                            r"in 0\.\.2 \(0: unknown\)$"):
        FeatureFrame(schema, np.zeros((2, 0)), np.array([[code], [1]]), [0, 0], [0, 1],
                     [0, 0])

