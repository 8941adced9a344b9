"""Hundred-sixth bad-input probe of ``recstack.tuning.search``: an empty part of the split
was refused with advice about graded relevance ("none of its 0 rows has one; set graded =
false"), or failed inside the first trial."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("optuna")
from recstack.data.splits import random_split  # noqa: E402
from recstack.data.synthetic import generate  # noqa: E402
from recstack.errors import RecstackError  # noqa: E402
from recstack.tuning import search  # noqa: E402

SPACE = {"factors": {"type": "int", "low": 2, "high": 8}}


@pytest.fixture(scope="module")
def split():
    data = generate(n_users=60, n_items=40, n_interactions=600, seed=0)
    return random_split(data, 0.2, seed=0)


@pytest.mark.parametrize("empty", ["train", "validation"])
def test_an_empty_part_is_refused_by_name(split, empty):
    parts = {"train": split.train, "validation": split.test}
    parts[empty] = parts[empty].select(np.zeros(len(parts[empty]), bool))
    with pytest.raises(RecstackError, match=rf"^search\({empty}=...\): has no rows; give the "
                                            rf"{empty} part of a split"):
        search("als", parts["train"], parts["validation"], SPACE, trials=2)


def test_a_search_over_parts_with_rows_runs(split):
    best, value, history = search("most_popular", split.train, split.test,
                                  {"half_life_days": {"type": "float", "low": 1.0,
                                                      "high": 30.0}}, trials=2)
    assert len(history) == 2 and 0.0 <= value <= 1.0
