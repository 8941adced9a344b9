"""Seventy-third bad-input probe of the online metrics: an empty text (or one of spaces) in
the variant, session or event column, a missing value in another form (a blank cell of a
joined or exported log), became a variant (a session) of its own, reported beside the
real ones, or an event type called unknown without saying it was blank."""

from __future__ import annotations

import pandas as pd
import pytest

from recstack.metrics import MetricInputError, compare_variants, online_metrics


def _events(**over) -> pd.DataFrame:
    columns = {"variant": ["A", "A", "A", "B", "B", "B"],
               "session_id": ["s1", "s1", "s2", "s3", "s3", "s4"],
               "event": ["impression", "click", "impression", "impression", "click",
                         "impression"],
               "timestamp": [0.0, 1.0, 2.0, 0.0, 5.0, 3.0], "revenue": 0.0, "cost": 1.0}
    columns.update(over)
    return pd.DataFrame(columns)


@pytest.mark.parametrize("column, blank", [("variant", ""), ("variant", "  "),
                                           ("session_id", ""), ("event", " ")])
def test_an_empty_text_key_is_refused_naming_its_row(column, blank):
    values = list(_events()[column])
    values[2] = blank
    with pytest.raises(MetricInputError, match=rf"events column {column!r} holds the empty "
                                               rf"text {blank!r} at row 2; every event needs "
                                               rf"a {column}"):
        online_metrics(_events(**{column: values}))


def test_an_empty_variant_is_refused_by_the_test_too():
    with pytest.raises(MetricInputError, match=r"holds the empty text '' at row 0"):
        compare_variants(_events(variant=["", "", "", "B", "B", "B"]), "ctr", "A", "B")


def test_names_with_text_still_read():
    table = online_metrics(_events())
    assert list(table.index) == ["A", "B"]
    # CTR = clicks / impressions, per variant: A 1 of 2, B 1 of 2
    assert table.loc["A", "ctr"] == 0.5 and table.loc["B", "ctr"] == 0.5
