"""Arguments of the wrong shape where the metrics expect a choice, one value per item, a
sorted ideal or a plain event log: each is refused by name, never numpy's "truth value is
ambiguous" or "inhomogeneous shape", pandas' "both an index level and a column label", or
a wrong number."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from recstack.metrics import (
    MetricInputError,
    compare_variants,
    dcg_at_k,
    expected_calibration_error,
    ndcg_at_k,
    online_metrics,
)
from recstack.metrics.lists import group_exposure, list_genre_distribution, long_tail_share


@pytest.mark.parametrize("call, name", [
    (lambda: dcg_at_k([[1.0, 0.0]], 1, gain=np.array(["linear", "exponential"])), "gain"),
    (lambda: expected_calibration_error([0, 1], [0.2, 0.8], strategy=pd.Series(["uniform"])),
     "strategy"),
    (lambda: list_genre_distribution([[0, 1]], np.eye(2), weighting=np.array(["uniform"])),
     "weighting"),
])
def test_a_choice_given_as_an_array_is_refused_by_name(call, name):
    with pytest.raises(MetricInputError, match=f"{name} must be one of"):
        call()


def test_one_value_per_item_given_as_ragged_lists_is_refused_by_name():
    with pytest.raises(MetricInputError, match="long_tail must be a 1-D boolean array"):
        long_tail_share([[0, 1]], [[True], [False, True]])
    with pytest.raises(MetricInputError, match="item_groups must be a 1-D integer array"):
        group_exposure([[0, 1]], [[0], [1, 0]], 2)


def test_an_unsorted_ideal_is_refused_not_read_as_no_relevant_item():
    # [0, 1, 0] read as ideal grades: ideal[:, 0] == 0 marked the user as having no relevant
    # item, and the nDCG was NaN
    with pytest.raises(MetricInputError, match=r"ideal row 0 is not sorted from the highest "
                                               r"grade down \(\[0.0, 1.0, 0.0\]\).*ideal_grades"):
        ndcg_at_k([[0.0, 1.0, 0.0]], [[0.0, 1.0, 0.0]], 3)
    # [1, 0, 1] gave 0.667 where the user's ideal [1, 1, 0] gives 1 / (1 + 1 / log2(3))
    with pytest.raises(MetricInputError, match="ideal row 1 is not sorted"):
        ndcg_at_k([[1.0, 0.0, 0.0]] * 2, [[1.0, 1.0, 0.0], [1.0, 0.0, 1.0]], 3)


def test_a_sorted_ideal_gives_the_ndcg_of_the_definition():
    got = ndcg_at_k([[1.0, 0.0, 0.0]], [[1.0, 1.0, 0.0]], 3)
    assert got[0] == pytest.approx(1.0 / (1.0 + 1.0 / math.log2(3)), abs=1e-12)


def _events() -> pd.DataFrame:
    return pd.DataFrame({
        "variant": ["A", "A", "A", "B", "B", "B"], "session_id": [1, 1, 2, 3, 3, 4],
        "event": ["impression", "click", "impression", "impression", "impression", "click"],
        "timestamp": [0, 5, 10, 0, 3, 7], "revenue": [0.0, 1.0, 0.0, 0.0, 0.0, 2.0],
        "cost": [0.5] * 6})


def test_an_event_log_indexed_by_its_session_column_is_read():
    # set_index("session_id", drop=False): pandas refused every grouping by the column
    table = online_metrics(_events().set_index("session_id", drop=False))
    # A: sessions 1 and 2, 2 impressions, 1 click; B: sessions 3 and 4, 2 impressions, 1 click
    assert table.loc["A", "ctr"] == 0.5
    assert table.loc["B", "sessions"] == 2
    # B: revenue 2.0 over cost 3 * 0.5 = 1.5
    assert table.loc["B", "roi"] == pytest.approx((2.0 - 1.5) / 1.5)


def test_an_event_log_with_two_levels_of_column_names_is_refused_with_the_fix():
    events = _events()
    events.columns = pd.MultiIndex.from_tuples([(name, "x") for name in events.columns])
    with pytest.raises(MetricInputError, match=r"events has column names of 2 levels, such as "
                                               r"\('variant', 'x'\).*get_level_values"):
        online_metrics(events)


@pytest.mark.parametrize("role, control, treatment", [
    ("control", np.array(["A", "B"]), "B"),
    ("treatment", "A", ["B"]),
])
def test_a_variant_that_is_no_single_value_is_refused_by_role(role, control, treatment):
    with pytest.raises(MetricInputError, match=f"{role} must be one variant"):
        compare_variants(_events(), "ctr", control, treatment)
