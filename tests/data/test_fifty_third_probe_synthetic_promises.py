"""The generator's stated contract at the edges of the allowed settings: exactly
n_interactions rows, every user between min_user_interactions and half the catalogue, no
pair twice, times in [start, start + months), rows by user then time, and a sign-up that
comes before the user's first interaction."""

import numpy as np
import pandas as pd
import pytest

from recstack.data.synthetic import SyntheticConfig, generate

EDGES = [
    dict(n_users=30, n_items=40, n_interactions=600, n_genres=3, activity_sigma=5.0),
    dict(n_users=200, n_items=50, n_interactions=2000, activity_sigma=3.0,
         popularity_exponent=5.0, min_user_interactions=1),
    dict(n_users=1, n_items=2, n_interactions=1, n_genres=1, min_user_interactions=1),
    dict(n_users=50, n_items=100, n_interactions=2500, months=1, drift=1.0, seed=7),
]


@pytest.mark.parametrize("settings", EDGES)
def test_the_documented_contract_holds_at_the_edges(settings):
    config = SyntheticConfig(**settings)
    data = generate(config)
    users, items, times = data.user_index, data.item_index, data.timestamp
    assert len(data) == settings["n_interactions"]
    per_user = np.bincount(users, minlength=settings["n_users"])
    assert per_user.min() >= config.min_user_interactions
    assert per_user.max() <= settings["n_items"] // 2
    assert len(set(zip(users.tolist(), items.tolist(), strict=True))) == len(data)
    start = pd.Timestamp(config.start, tz="UTC")
    end = start + pd.DateOffset(months=config.months)
    assert times.min() >= start.timestamp() and times.max() < end.timestamp()
    step_user, step_time = np.diff(users), np.diff(times)
    assert np.all((step_user > 0) | ((step_user == 0) & (step_time >= 0)))
    assert set(np.unique(data.value).tolist()) <= {1.0, 2.0, 3.0, 4.0, 5.0}
    signup = pd.to_datetime(data.user_table["signup_time"], utc=True)
    signup_seconds = (signup - pd.Timestamp(0, tz="UTC")).dt.total_seconds().to_numpy()
    first = np.array([times[users == u].min() for u in range(settings["n_users"])])
    assert np.all(signup_seconds <= first)
