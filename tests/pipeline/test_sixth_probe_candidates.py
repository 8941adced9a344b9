"""Sixth bad-input probe of candidate generation: generators fitted on other data with as
many items (their lists were merged by index: one generator's item 0 proposed as
another's)."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model
from recstack.pipeline.candidates import generate_candidates

FIRST = Interactions.from_arrays(["u1", "u1", "u2", "u3"], ["x", "y", "z", "x"])


def test_generators_with_other_items_of_the_same_count_are_refused():
    # items w, x, y against x, y, z: index 0 is "w" for one, "x" for the other
    other = Interactions.from_arrays(["u1", "u2", "u3", "u3"], ["w", "y", "x", "w"])
    generators = [create_model("most_popular").fit(FIRST),
                  create_model("most_popular").fit(other)]
    with pytest.raises(RecstackError, match="generators\\[1\\] \\(most_popular\\) was fitted "
                       "on other item ids than generators\\[0\\].*item index 0 is 'w' for "
                       "one and 'x' for the other"):
        generate_candidates(generators, np.array([0, 1]), 2)


def test_generators_with_other_users_are_refused():
    other = Interactions.from_arrays(["u1", "u1", "u2", "u4"], ["x", "y", "z", "x"])
    generators = [create_model("most_popular").fit(FIRST),
                  create_model("most_popular").fit(other)]
    with pytest.raises(RecstackError, match="other user ids .*user index 2 is 'u4' for one "
                       "and 'u3' for the other"):
        generate_candidates(generators, np.array([0, 1]), 2)


def test_generators_fitted_on_one_log_are_merged():
    generators = [create_model("most_popular").fit(FIRST),
                  create_model("most_popular").fit(FIRST)]
    candidates = generate_candidates(generators, np.array([1]), 2, sources=["a", "b"])
    # most_popular: x 2, y 1, z 1 (ties: lower index); u2 saw z, so x then y
    assert FIRST.items.to_external(candidates.items).tolist() == ["x", "y"]
    assert candidates.ranks.tolist() == [[1, 1], [2, 2]]
