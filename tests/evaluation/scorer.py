"""A stand-in model whose scores a test writes, for the evaluator's tests."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


class Scorer:
    """The evaluator's model contract in its least: ``score_users`` returns ``make(users)``."""

    def __init__(self, make: Callable[[np.ndarray], object], name: str = "scorer"):
        self.name = name
        self.make = make

    def score_users(self, users: np.ndarray) -> object:
        return self.make(users)
