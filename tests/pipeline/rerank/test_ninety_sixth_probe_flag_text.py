"""Ninety-sixth bad-input probe, ``item_predicate`` on a true/false column given the text
``'True'`` (a value copied from a CSV or typed in quotes): text never equals a flag, so
``!=`` let every item through (no filter at all) and ``==`` blocked all of them with a
message about the column's values. Text compared with a true/false column is now refused,
as text compared with numbers was."""

from __future__ import annotations

import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.pipeline.rerank import create_reranker


@pytest.fixture(scope="module")
def train() -> Interactions:
    table = pd.DataFrame({"item_id": [10, 11, 12], "available": [True, False, True]})
    return Interactions.from_arrays(["a", "b", "c"], [10, 11, 12], item_table=table)


@pytest.mark.parametrize("op", ["==", "!="])
@pytest.mark.parametrize("value", ["True", "false"])
def test_text_compared_with_a_flag_column_is_refused(train, op, value):
    step = create_reranker({"type": "item_predicate", "column": "available", "op": op,
                            "value": value})
    with pytest.raises(ConfigError, match=rf"item_predicate: value '{value}' is text, and "
                       r"column 'available' holds true/false values; compare it with true "
                       r"or false \(without quotes\)"):
        step.fit(train)


def test_a_flag_value_still_filters(train):
    step = create_reranker({"type": "item_predicate", "column": "available", "op": "!=",
                            "value": True}).fit(train)
    # by definition: only item 11 is not available
    kept = step.items_kept()
    assert kept.sum() == 1 and kept[train.items.to_index([11])[0]]
