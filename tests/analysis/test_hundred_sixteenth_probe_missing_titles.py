"""Hundred-sixteenth probe: an item whose title is missing (None, NaN, ``pd.NA``) or blank
in the item table was shown in the report as ``nan`` (``astype(str)`` writes a missing
value as text): in the note on untrained items, the neighbour tables and the maps' hover.
The report shows such an item by its id, as the service's page does."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from recstack.analysis.report import _Context, _embeddings, _item_titles
from recstack.data.interactions import Interactions
from recstack.models import create_model


def _train(titles: list) -> Interactions:
    rng = np.random.default_rng(0)
    users = rng.integers(0, 30, 300)
    items = rng.choice([0, 1, 2, 3, 4, 5, 6], 300, p=[.4, .2, .1, .1, .1, .05, .05])
    table = pd.DataFrame({"item_id": range(100, 108), "title": pd.Series(titles, dtype=object)})
    return Interactions.from_arrays(users + 1, items + 100, item_table=table,
                                    keep_unseen_items=True, duplicates="last")


@pytest.mark.parametrize("missing", [None, np.nan, pd.NA, "", "   "])
def test_a_missing_title_is_shown_as_the_items_id(missing):
    titles = [missing] + [f"film {i}" for i in range(1, 7)] + [missing]
    train = _train(titles)
    shown = _item_titles(train)
    by_id = dict(zip(train.items.to_external(np.arange(train.n_items)).tolist(),
                     shown.tolist(), strict=True))
    assert by_id[100] == "100" and by_id[107] == "107"
    assert by_id[101] == "film 1"
    assert not any(text in {"nan", "None", "<NA>", ""} for text in shown.tolist())


def test_the_report_names_untitled_items_by_id_never_nan():
    train = _train([None] + [f"film {i}" for i in range(1, 7)] + [np.nan])
    assert train.item_counts()[train.items.to_index(np.array([107]))[0]] == 0
    model = create_model("als", factors=4, iterations=3, num_threads=1, seed=0).fit(train)
    context = _Context(train, train, None, {"als": model}, {"als": "fitted"})
    section = _embeddings(SimpleNamespace(labels=["als"]), context, "", None, 100, None, 0,
                          1, [])
    text = "".join(block for block in section.blocks if isinstance(block, str))
    assert "(e.g. 107) are left out" in text
    table = text[text.index("Nearest neighbours of the most popular items"):]
    assert ">100<" in table  # the most popular item, untitled, by its id
    assert "nan" not in text.lower().replace("nanosecond", "")
