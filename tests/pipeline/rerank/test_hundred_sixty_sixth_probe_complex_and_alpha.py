"""Hundred-sixty-sixth bad-input probe of the re-rankers' item-table columns and settings.

- A boost column (``column_boost``'s ``column``, ``freshness``'s ``time_column``) holding
  complex numbers was cast to float64 with numpy's ComplexWarning: the imaginary part was
  dropped (an item whose value was ``1j`` was boosted by 0), silently. A value with an
  imaginary part is now refused naming its item; a complex column whose values are all
  real is read as those real numbers.
- ``calibrated`` with ``alpha = 1`` smooths each list's genre distribution into the user's
  own (q~ = p), so its C_KL was 0 for every list and the step kept every list as it came,
  without a word; it is refused, as the re-rankers refuse every other setting under which
  they would change no list.
- ``freshness`` with a half-life so long that every item's boost rounds to 1 (1e30 days,
  or a half-life given in seconds) gave every item the same boost and changed no list,
  silently, where the times on another scale than ``now`` are refused for that reason.
- ``exposure_fairness``'s refusal of a group column of one group wrote a number as numpy's
  ``np.float64(1.5)``; it is written as given.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.pipeline.rerank import RerankContext, create_reranker

DAY = 86_400
NOW = 1_000 * DAY


def train_with(values) -> Interactions:
    """Items 10, 11, 12, each seen once; the item table's column ``v`` holds ``values``."""
    table = pd.DataFrame({"item_id": [10, 11, 12], "v": values,
                          "genres": [["x"], ["y"], ["x", "y"]]})
    return Interactions.from_arrays(["a", "a", "b"], [10, 11, 12],
                                    timestamps=[NOW - 5 * DAY, NOW - 3 * DAY, NOW],
                                    item_table=table)


@pytest.mark.parametrize(("values", "item", "shown"), [
    ([1j, 2.0, 3.0], 10, "1j"),
    ([1.0, 2 + 1j, 3.5], 11, r"\(2\+1j\)"),
    (pd.Series([1, None, 2j], dtype=object), 12, "2j"),
])
def test_a_boost_column_of_complex_numbers_is_refused_naming_the_item(values, item, shown):
    with pytest.raises(RecstackError, match=rf"^column_boost: column 'v' must hold real "
                                            rf"numbers; item {item} holds {shown}, a complex "
                                            "number$"):
        create_reranker({"type": "column_boost", "column": "v"}).fit(train_with(values))


def test_a_freshness_time_column_of_complex_numbers_is_refused():
    times = [NOW - 2 * DAY, complex(NOW - DAY, 5), NOW]
    with pytest.raises(RecstackError, match=r"^freshness: column 'v' must hold real numbers; "
                                            "item 11 holds .*, a complex number$"):
        create_reranker({"type": "freshness", "time_column": "v", "now": NOW}).fit(
            train_with(times))


def test_complex_values_without_an_imaginary_part_boost_by_their_real_part():
    """Scores 3, 2, 1 for items 10, 11, 12 plus 1, 2, 3: 4, 4, 4, kept in their order (the
    sort is stable); read without a ComplexWarning."""
    train = train_with(np.array([1 + 0j, 2 + 0j, 3 + 0j]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        step = create_reranker({"type": "column_boost", "column": "v"}).fit(train)
        items, scores = step.rerank(np.array([0]), np.array([[0, 1, 2]]),
                                    np.array([[3.0, 2.0, 1.0]]),
                                    RerankContext(seen=train.to_csr()))
    np.testing.assert_array_equal(step.value_, [1.0, 2.0, 3.0])
    assert items.tolist() == [[0, 1, 2]]
    assert scores.tolist() == [[4.0, 4.0, 4.0]]


@pytest.mark.parametrize("alpha", [1, 1.0])
def test_calibrated_with_alpha_1_is_refused(alpha):
    with pytest.raises(ConfigError, match=r"calibrated: alpha = 1(\.0)? smooths each list's "
                                          "genre distribution into the user's own .* so C_KL "
                                          "is 0 for every list and this step would change no "
                                          "list; give a small alpha < 1"):
        create_reranker({"type": "calibrated", "alpha": alpha})


def test_calibrated_with_alpha_below_1_still_reorders():
    """alpha = 0.5, trade_off = 1 (calibration only): user "a" saw x and y once each, so
    p = (1/2, 1/2). A list of item 10 (x) then 12 (x, y) then 11 (y): the greedy's first
    pick is 12 (q = p, C_KL = 0), where the incoming order put 10 first."""
    train = train_with([0.0, 0.0, 0.0])
    step = create_reranker({"type": "calibrated", "alpha": 0.5, "trade_off": 1.0}).fit(train)
    items, _ = step.rerank(np.array([0]), np.array([[0, 2, 1]]), np.array([[3.0, 2.0, 1.0]]),
                           RerankContext(seen=train.to_csr()))
    assert items.tolist()[0][0] == 2


# ------------------------------------------------------------------ freshness half-life
def test_a_half_life_too_long_for_any_boost_to_differ_is_refused():
    """Items first seen 5, 3 and 0 days before now: with half_life_days = 1e30 each boost
    2^(-age / h) rounds to 1, so every item gets the same boost and the step would change
    no list (it did so without a word)."""
    with pytest.raises(RecstackError, match=r"^freshness: half_life_days = 1e\+30 is so long "
                                            r"beside the items' ages \(0 to 5 days\) that "
                                            r"every item gets the same boost \(1\), so this "
                                            "step would change no list"):
        create_reranker({"type": "freshness", "half_life_days": 1e30}).fit(
            train_with([0.0, 0.0, 0.0]))


def test_a_half_life_on_the_scale_of_the_ages_boosts_by_hand():
    """half_life_days = 1: ages 5, 3, 0 days give boosts 2^-5, 2^-3, 1."""
    step = create_reranker({"type": "freshness", "half_life_days": 1}).fit(
        train_with([0.0, 0.0, 0.0]))
    np.testing.assert_allclose(step.value_, [2.0 ** -5, 2.0 ** -3, 1.0])


def test_a_group_column_of_one_number_is_named_as_written():
    with pytest.raises(ConfigError, match=r"^exposure_fairness: group_column 'v' holds one "
                                          r"group \(1\.5\) for all 3 items"):
        create_reranker({"type": "exposure_fairness", "group_column": "v"}).fit(
            train_with([1.5, 1.5, 1.5]))
