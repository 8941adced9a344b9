"""Hundred-sixty-second bad-input probe: a re-ranked model whose chain step refuses the
training data at fit ("mmr: the training data has no item table, ...") said only the
step's words, naming neither the re-ranked model nor which step of its chain, where the
wrapped model's refusals and the steps' settings name both. The error keeps its type."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model


def _data(timestamps: bool = True) -> Interactions:
    users = np.repeat(np.arange(6), 3)
    items = (users + np.tile(np.arange(3), 6)) % 5
    return Interactions.from_arrays(users, items,
                                    timestamps=np.arange(18) if timestamps else None)


@pytest.mark.parametrize(("chain", "position", "step", "said"), [
    ([{"type": "mmr"}], 0, "mmr", "the training data has no item table"),
    ([{"type": "popularity_penalty", "strength": 0.5}, {"type": "calibrated"}], 1,
     "calibrated", "the training data has no item table"),
])
def test_a_step_refusing_the_data_is_named_with_its_place_in_the_chain(chain, position, step,
                                                                       said):
    with pytest.raises(RecstackError) as refused:
        create_model("reranked", model={"type": "most_popular"}, chain=chain).fit(_data())
    assert str(refused.value).startswith(
        f"reranked: chain[{position}] ({step}) could not be fitted: {step}: {said}")
    assert type(refused.value) is RecstackError


def test_a_step_without_timestamps_names_its_place():
    with pytest.raises(RecstackError, match=r"^reranked: chain\[0\] \(freshness\) could not "
                                            r"be fitted: freshness: the training data has "
                                            r"no timestamps"):
        create_model("reranked", model={"type": "most_popular"},
                     chain=[{"type": "freshness"}]).fit(_data(timestamps=False))
