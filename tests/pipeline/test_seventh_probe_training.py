"""Seventh bad-input probe of the two-stage model's training window: user_labels at or
above every user's number of training rows left no label row, and the error spoke of a
leave_last_out split and its n (a setting the user never wrote); now user_labels is named
with the largest value that works (the most rows any user has, less the one that stays in
the history)."""

from __future__ import annotations

import pytest

from recstack.data.synthetic import generate
from recstack.errors import ConfigError
from recstack.models import create_model


def test_user_labels_beyond_every_users_rows_names_the_setting():
    pytest.importorskip("sklearn")
    train = generate(n_users=40, n_items=30, n_interactions=400, seed=3)
    most = int(train.user_counts().max())
    model = create_model("two_stage", generators=({"type": "most_popular"},),
                         ranker={"type": "logistic"}, n_candidates=10, window="user",
                         user_labels=most)
    with pytest.raises(ConfigError, match=f"user_labels = {most} rows, .*the most any user "
                       f"has in the training data is {most}; set user_labels to at most "
                       f"{most - 1}, or use window = 'time'"):
        model.fit(train)


def test_a_serving_context_column_no_feature_reads_is_warned_about():
    import numpy as np
    import pandas as pd

    from recstack.data.interactions import Interactions
    from recstack.pipeline.two_stage import UnusedContextWarning

    pytest.importorskip("sklearn")
    rng = np.random.default_rng(0)
    n = 600
    data = Interactions.from_arrays(
        rng.integers(0, 40, n), rng.integers(0, 30, n), None,
        np.sort(rng.integers(0, 10**7, n)),
        context=pd.DataFrame({"device": rng.choice(["phone", "desktop"], n)}))
    model = create_model("two_stage", generators=({"type": "most_popular"},),
                         ranker={"type": "logistic"}, n_candidates=10,
                         features={"context_columns": ["device"]}).fit(data)
    users = data.users.external_ids[:2]
    # 'devcie' left context_device at the unknown level, silently
    with pytest.warns(UnusedContextWarning, match="context column\\(s\\) 'devcie' are not "
                      "read by any feature \\(did you mean 'device'\\?\\) \\(its context "
                      "columns are 'device'\\)"):
        model.recommend(users, k=3, context={"devcie": "phone"})
    with pytest.warns(UnusedContextWarning, match="'devcie'"):
        model.score(users, data.items.external_ids[:2], context={"devcie": "phone"})
