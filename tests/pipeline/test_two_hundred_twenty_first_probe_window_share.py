"""Two-hundred-twenty-first bad-input probe: the ranker's label window takes its share of
the rows by the one rule of every split (``share_count``: exact, a half up), not by
``floor(n (1 - f))`` rows of history (which gave the window ``ceil(f n)`` rows)."""

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.pipeline.training_data import time_window, window_cutoff


def log(times: list[int]) -> Interactions:
    n = len(times)
    return Interactions.from_arrays(np.arange(n), np.arange(n), None, np.array(times))


TEN = list(range(1, 11))  # ten rows at times 1..10: a window of k rows starts at 11 - k


@pytest.mark.parametrize(("fraction", "window_rows"), [
    (0.21, 2),              # 2.1 rows: 2 (ceil gave 3)
    (0.34, 3),              # 3.4 rows: 3 (ceil gave 4)
    (0.35, 4),              # 3.5 rows: a half up, 4
    (Decimal("0.35"), 4),   # read as written
    (Fraction(7, 20), 4),
    (np.float32(0.35), 4),  # numpy's shortest spelling, not float32's 0.3499999940...
    (0.15, 2),              # 1.5 rows: 2
    (0.05, 1),              # 0.5 rows: a half up, 1
    (0.2, 2),
    (0.95, 9),              # 9.5 rows round to 10, at most n - 1 = 9: a row is history
])
def test_the_label_window_holds_the_rounded_share(fraction, window_rows):
    cutoff = window_cutoff(log(TEN), fraction)
    assert cutoff == 11 - window_rows
    history, window = time_window(log(TEN), cutoff)
    assert (len(history), len(window)) == (10 - window_rows, window_rows)


@pytest.mark.parametrize("fraction", [0.04, 0.01, 1e-9])
def test_a_share_that_rounds_to_no_row_is_refused(fraction):
    # 0.04 of 10 rows is 0.4 rows: no row (the window took one row, the ceiling, silently)
    with pytest.raises(RecstackError, match=r"rounded \(a half up\).* which is no row; "
                                            r"raise label_fraction to at least 0\.05$"):
        window_cutoff(log(TEN), fraction)


def test_ties_at_the_cutoff_still_stay_in_the_window():
    # 0.34 of 10 rows is 3 rows, from the row at time 8; rows sharing time 8 all go with it
    assert window_cutoff(log([1, 2, 3, 4, 5, 6, 8, 8, 9, 10]), 0.34) == 8
