"""A small random split the evaluator's argument and score-return tests evaluate on."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import random_split


@pytest.fixture(scope="module")
def split():
    """20 users, 30 items, 400 drawn pairs (duplicates dropped), a fifth held out."""
    rng = np.random.default_rng(3)
    data = Interactions.from_arrays(rng.integers(0, 20, 400), rng.integers(0, 30, 400),
                                    duplicates="first")
    return random_split(data, 0.2, seed=1)
