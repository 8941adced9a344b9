"""Two-hundred-nineteenth bad-input probe: a two-stage model's time label window took its
share of the training rows by its own rule, ``floor(n (1 - f))`` in floating point, where
every split takes ``share_count`` (``f x n`` to the nearest whole number, a half up, the
fraction read as written). 0.9 of 50 rows gave 46 label rows (``1 - 0.9`` is
0.09999999999999998) and 0.202 of 50 rows 11, where the share rule gives 45 and 10; the
refusal of a window reaching into the first timestamp followed the same rule."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model


def _two_stage(**settings):
    return create_model("two_stage", generators=[{"type": "most_popular"}],
                        ranker={"type": "logistic"}, n_candidates=8, **settings)


def _fifty_rows():
    # 50 rows at the distinct times 0..49: the label window of c rows starts at time 50 - c
    rng = np.random.default_rng(0)
    return Interactions.from_arrays(rng.integers(0, 6, 50), rng.integers(0, 12, 50),
                                    timestamps=np.arange(50))


@pytest.mark.parametrize(("fraction", "cutoff"), [
    (0.9, 5),                # 45 rows (not 46)
    (0.202, 40),             # 10.1: 10 rows (not 11)
    (0.21, 39),              # 10.5: a half up, 11 rows
    (Decimal("0.3"), 35),    # 15 rows
    (Fraction(1, 5), 40),    # 10 rows
])
def test_the_label_window_takes_the_share_rule_count(fraction, cutoff):
    model = _two_stage(label_fraction=fraction).fit(_fifty_rows())
    assert model.training_cutoff_ == cutoff


# 10 rows, 6 of them at the first time 5: the label window can take at most the 4 later rows
FIRST_HEAVY = [5, 5, 5, 5, 5, 5, 7, 8, 9, 10]


def _rows(times):
    times = np.asarray(times)
    return Interactions.from_arrays(np.arange(len(times)) % 3, np.arange(len(times)) % 4,
                                    timestamps=times)


def test_a_fraction_rounding_to_the_rows_after_the_first_time_is_not_refused():
    # 0.44 of 10 rows is 4.4: 4 rows, times 7 to 10 (floor(10 x 0.56) = 5 took 5 and refused)
    assert _two_stage(label_fraction=0.44).fit(_rows(FIRST_HEAVY)).training_cutoff_ == 7


@pytest.mark.parametrize("fraction", [0.45, Decimal("0.45")])
def test_a_fraction_rounding_half_up_into_the_first_time_says_the_count(fraction):
    # 0.45 of 10 rows is 4.5, a half up: 5 rows, one of them at the first time 5
    with pytest.raises(RecstackError) as refused:
        _two_stage(label_fraction=fraction).fit(_rows(FIRST_HEAVY))
    assert str(refused.value) == (
        "two_stage: window = 'time', label_fraction = 0.45: 6 of the 10 training rows share "
        "the first timestamp 5, and the label window of the latest 0.45 of the rows (5 rows: "
        "label_fraction x rows, rounded to the nearest whole number, a half up) starts among "
        "them, leaving no history before it; set label_fraction to at most 0.4 (the 4 rows "
        "after that time are the most the label window can take), or use window = 'user'")


def test_the_largest_fraction_named_for_a_third_cuts():
    # 9 rows, 6 at the first time: 3/9 = 0.333333 at most; 0.333333 x 9 = 2.999997: 3 rows
    times = [1] * 6 + [2, 3, 4]
    with pytest.raises(RecstackError, match=r"set label_fraction to at most 0\.333333 "):
        _two_stage(label_fraction=0.4).fit(_rows(times))
    assert _two_stage(label_fraction=0.333333).fit(_rows(times)).training_cutoff_ == 2


def test_a_fraction_rounding_to_every_row_is_refused_with_the_count():
    # 0.96 of 10 rows is 9.6: 10, at most 9 so that a row is history; times 0, 0, 1..8 put
    # the window's first row at the first time 0
    with pytest.raises(RecstackError) as refused:
        _two_stage(label_fraction=0.96).fit(_rows([0, 0, 1, 2, 3, 4, 5, 6, 7, 8]))
    assert str(refused.value) == (
        "two_stage: window = 'time', label_fraction = 0.96: 2 of the 10 training rows share "
        "the first timestamp 0, and the label window of the latest 0.96 of the rows (9 rows: "
        "label_fraction x rows, rounded to the nearest whole number, a half up, at most 9 so "
        "that a row is history) starts among them, leaving no history before it; set "
        "label_fraction to at most 0.8 (the 8 rows after that time are the most the label "
        "window can take), or use window = 'user'")


def test_a_fraction_of_every_row_at_distinct_times_leaves_one_row_of_history():
    # 0.96 of 10 rows at distinct times: 9 rows (at most n - 1), the window from time 1 on
    # (on these 3 users most_popular proposes none of their window items: refused there)
    with pytest.raises(RecstackError, match=r"^two_stage: making the ranker's examples "
                                            r"\(window = 'time', label_fraction = 0\.96: the "
                                            r"rows from time 1 on are the labels\)"):
        _two_stage(label_fraction=0.96).fit(_rows(range(10)))
