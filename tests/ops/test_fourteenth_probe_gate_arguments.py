"""Fourteenth bad-input probe, the publishing gate called from Python: ``decide`` took a
metric that is not a name (``metric=5`` said "candidate has no per-user metric 5; it has:
5") and a published version as text (put in the reason as "against version x"), named a
user as ``np.int64(1)`` in its message, and ``holdout_metric`` given a DataFrame for the
training window failed with an AttributeError from inside."""

from __future__ import annotations

import pandas as pd
import pytest

from recstack.errors import ConfigError, RecstackError
from recstack.ops.gate import decide, holdout_metric

VALUES = pd.Series([0.1, 0.2, 0.3], index=[1, 2, 3])


def _decide(candidate=VALUES, published=VALUES, **changed):
    arguments = {"metric": "ndcg@10", "margin": 0.0, "min_users": 2} | changed
    return decide(candidate, published, **arguments)


@pytest.mark.parametrize(("changed", "says"), [
    ({"metric": 5}, "gate: metric must be the compared metric's name as text, such as "
     "'ndcg@10', got 5"),
    ({"metric": ""}, "gate: metric must be the compared metric's name as text, such as "
     "'ndcg@10', got ''"),
    ({"published_version": "x"}, "gate: published_version must be the registry version "
     "number of the published model (an int) or None, got 'x'"),
    ({"published_version": 1.0}, "gate: published_version must be the registry version "
     "number of the published model (an int) or None, got 1.0"),
])
def test_a_malformed_setting_is_refused_by_name(changed, says):
    with pytest.raises(ConfigError) as refused:
        _decide(**changed)
    assert str(refused.value) == says


def test_an_infinite_value_names_the_user_as_written():
    candidate = pd.Series([float("inf"), 0.2, 0.3], index=pd.Index([7, 8, 9], dtype="int64"))
    with pytest.raises(RecstackError) as refused:
        _decide(candidate)
    assert str(refused.value) == ("gate: the candidate model's per-user values must be "
                                  "finite numbers, or NaN for a user not evaluated; user 7 "
                                  "has inf")


def test_a_well_formed_decision_still_publishes():
    decision = _decide(published_version=3)
    assert decision.publish and "against version 3" in decision.reason


def test_holdout_windows_that_are_not_interactions_are_named():
    frame = pd.DataFrame({"user_id": [1], "item_id": [1]})
    with pytest.raises(RecstackError, match=r"^train must be recstack Interactions .*got "
                                            r"DataFrame$"):
        holdout_metric(object(), frame, frame, metric="ndcg", k=10)
