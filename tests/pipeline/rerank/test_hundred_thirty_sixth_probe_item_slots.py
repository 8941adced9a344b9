"""Hundred-thirty-sixth bad-input probe: an item index outside the catalogue in a list
handed to a re-ranker was refused by the range alone ("found 0..9"); the row and the slot
that hold it are named now."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.pipeline.rerank import MMR, RerankContext, run_chain


@pytest.mark.parametrize(("bad", "place"), [(9, "row 1, slot 2 holds 9"),
                                            (-2, "row 1, slot 2 holds -2")])
def test_an_item_outside_the_catalogue_is_named_by_row_and_slot(bad, place):
    table = pd.DataFrame({"item_id": [10, 11, 12], "genres": [["x"], ["y"], ["x"]]})
    train = Interactions.from_arrays(["a", "a", "b"], [10, 11, 12], item_table=table)
    chain = [MMR().fit(train)]
    items = np.array([[0, 1, 2], [2, 1, bad]])
    with pytest.raises(RecstackError, match=rf"^mmr: item indices must lie in 0\.\.2 \(or -1 "
                       rf"for an empty slot\); {place}"):
        run_chain(chain, np.array([0, 1]), items, np.tile([1.0, 0.8, 0.5], (2, 1)),
                  RerankContext(seen=train.to_csr()))
