"""Eighth bad-input probe of ``recstack recommend``'s Parquet output: a first batch of
users without any recommendation (they had seen every item) no longer types the file."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from recstack.data.interactions import Interactions
from recstack.models.baselines import MostPopular
from recstack.serving.commands import recommendation_batches, write_recommendations


def popular_of_text_ids() -> MostPopular:
    # user a has seen every item: with seen items excluded, their list is empty
    frame = pd.DataFrame({"user_id": ["a", "a", "a", "b"], "item_id": ["x", "y", "z", "x"],
                          "value": [1.0, 1.0, 1.0, 1.0]})
    return MostPopular().fit(Interactions.from_frame(frame))


def test_a_first_batch_without_rows_does_not_type_the_file(tmp_path):
    model = popular_of_text_ids()
    out = tmp_path / "top.parquet"
    # before: ArrowNotImplementedError "Unsupported cast from large_string to null" at the
    # second batch (the first, empty, had typed item_id as null)
    rows = write_recommendations(recommendation_batches(model, ["a", "b"], 2, batch_size=1),
                                 out)
    written = pq.read_table(out)
    assert rows == 2
    assert written.to_pydict() == {"user_id": ["b", "b"], "rank": [1, 2],
                                   "item_id": ["y", "z"], "score": [1.0, 1.0]}
    assert pa.types.is_large_string(written.schema.field("item_id").type) or \
        pa.types.is_string(written.schema.field("item_id").type)


def test_a_file_without_rows_keeps_text_ids_as_text(tmp_path):
    out = tmp_path / "none.parquet"
    rows = write_recommendations(recommendation_batches(popular_of_text_ids(), ["a"], 2), out)
    written = pq.read_table(out)
    assert rows == 0 and written.num_rows == 0
    assert written.column_names == ["user_id", "rank", "item_id", "score"]
    # before: item_id was a column of arrow's null type
    assert not pa.types.is_null(written.schema.field("item_id").type)
