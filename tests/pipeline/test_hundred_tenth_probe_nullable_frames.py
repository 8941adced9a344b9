"""Hundred-tenth probe: a DataFrame of labels (or a re-ranker's scores) with nullable columns
(``Float64``, ``Int64``, pyarrow) holding ``pd.NA`` was refused as "labels (scores) must be
numbers", naming neither the column nor the row, although the same values as a Series, or
as an array with NaN, were read. Now a missing rating of the multitask ranker is "no
rating", as NaN is, and a missing interaction label or score is refused naming its row
(and slot), as a NaN one is."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.errors import RecstackError
from recstack.pipeline.rankers import create_ranker
from recstack.pipeline.rerank.base import check_lists
from tests.pipeline.test_rankers import QUICK, synthetic_frame

FRAME, LABELS, _ = synthetic_frame(20, 5)
#: ratings on every other row, NaN (no rating) elsewhere
RATINGS = np.where(np.arange(len(LABELS)) % 2 == 0, 1 + 4 * LABELS, np.nan)


def multitask():
    return create_ranker("multitask", **QUICK["multitask"])


@pytest.mark.parametrize("dtype", ["Float64", "float64[pyarrow]"])
def test_a_missing_rating_in_a_nullable_column_is_no_rating(dtype):
    ratings = pd.array([None if np.isnan(r) else r for r in RATINGS], dtype=dtype)
    nullable = multitask().fit(FRAME, pd.DataFrame({"interaction": LABELS,
                                                    "rating": ratings}))
    # the definition: pd.NA in the rating column means what NaN means there
    with_nan = multitask().fit(FRAME, np.column_stack([LABELS, RATINGS]))
    np.testing.assert_allclose(nullable.score(FRAME), with_nan.score(FRAME))


def test_integer_nullable_interactions_are_read_as_their_numbers():
    interactions = pd.array(LABELS.astype(int), dtype="Int64")
    nullable = multitask().fit(FRAME, pd.DataFrame({"interaction": interactions,
                                                    "rating": RATINGS}))
    plain = multitask().fit(FRAME, np.column_stack([LABELS, RATINGS]))
    np.testing.assert_allclose(nullable.score(FRAME), plain.score(FRAME))


def test_a_missing_interaction_label_is_refused_naming_its_row():
    interactions = pd.array(LABELS, dtype="Float64")
    interactions[3] = pd.NA
    with pytest.raises(RecstackError, match=r"^multitask\.fit: 1 label\(s\) are NaN or "
                                            r"infinite, first at row 3; every row needs a "
                                            r"label$"):
        multitask().fit(FRAME, pd.DataFrame({"interaction": interactions,
                                             "rating": RATINGS}))


def test_text_labels_are_still_refused():
    with pytest.raises(RecstackError, match="labels must be"):
        multitask().fit(FRAME, pd.DataFrame({"interaction": LABELS.astype(int).astype(str),
                                             "rating": RATINGS}))


def test_a_missing_score_in_a_nullable_frame_is_named_by_row_and_slot():
    scores = pd.DataFrame({"first": pd.array([0.9, 0.8], dtype="Float64"),
                           "second": pd.array([0.5, None], dtype="Float64")})
    with pytest.raises(RecstackError, match=r"^mmr: scores must be finite numbers \(-inf for "
                                            r"an empty slot\); row 1, slot 1 holds nan$"):
        check_lists([0, 1], [[0, 1], [2, 3]], scores, 4, "mmr")
    scores.loc[1, "second"] = 0.25
    _, _, read = check_lists([0, 1], [[0, 1], [2, 3]], scores, 4, "mmr")
    np.testing.assert_array_equal(read, [[0.9, 0.5], [0.8, 0.25]])
