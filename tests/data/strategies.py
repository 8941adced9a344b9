"""Hypothesis strategies for interaction data."""

import numpy as np
from hypothesis import strategies as st

from recstack.data.interactions import Interactions


@st.composite
def interactions(draw, *, max_rows: int = 300, duplicates: bool = True,
                 timestamps: bool = True) -> Interactions:
    n_users = draw(st.integers(1, 25))
    n_items = draw(st.integers(1, 25))
    n_rows = draw(st.integers(1, max_rows))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    users = rng.integers(0, n_users, n_rows)
    items = rng.integers(0, n_items, n_rows)
    # few distinct times, so ties are common
    times = rng.integers(0, draw(st.integers(1, 50)), n_rows) if timestamps else None
    values = rng.integers(1, 6, n_rows).astype(float)
    data = Interactions.from_arrays(users, items, values, times, rating_range=(1.0, 5.0))
    return data if duplicates else data.deduplicate("last")
