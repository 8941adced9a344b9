"""Two-hundred-seventy-eighth probe: counts in the drift notes, the gate's reason and the
pipeline's report agree with their nouns ("only 1 active users", "only 1 users of the
evaluation window are known" before)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from recstack.data.interactions import Interactions
from recstack.ops.drift import measure_drift
from recstack.ops.gate import decide


def _window(users, items, values=None):
    return Interactions.from_arrays(np.array(users), np.array(items),
                                    None if values is None else np.array(values, float),
                                    rating_range=None if values is None else (1, 5))


def test_drift_notes_and_the_gate_count_in_agreement():
    # one row a window: 1 active user, 1 interaction, 1 rating over the 2 distinct ratings
    report = measure_drift(_window([1], [7], [5]), _window([2], [8], [1]))
    assert report.notes["user_activity_psi"].startswith(
        "the new window has only 1 active user for 10 bins (fewer than 5 a bin)")
    assert report.notes["item_popularity_psi"].startswith(
        "the new window has only 1 interaction for 10 bins")
    assert report.notes["rating_psi"].startswith(
        "the new window has only 1 rating for 2 bins")
    # three rows against four: plural nouns as before
    report = measure_drift(_window([1, 2, 3, 4], [7, 7, 8, 9]), _window([1, 2, 3], [7, 8, 9]))
    assert report.notes["user_activity_psi"].startswith(
        "the new window has only 3 active users for 10 bins")
    # users 1 and 2 scored by the candidate, only user 1 by the published model
    candidate = pd.Series([0.5, 0.25], index=pd.Index([1, 2], name="user_id"))
    published = pd.Series([0.5, np.nan], index=pd.Index([1, 2], name="user_id"))
    decision = decide(candidate, published, metric="ndcg@10", margin=0.0, min_users=2,
                      published_version=1)
    assert not decision.publish and decision.shared_users == 1
    assert decision.reason.startswith("only 1 user of the evaluation window is known to both "
                                      "models (min_users = 2): no fair comparison")
