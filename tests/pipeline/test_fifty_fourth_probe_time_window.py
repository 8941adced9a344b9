"""Fifty-fourth bad-input probe of the time-based training window: ``time_window`` with a
cutoff after every timestamp returned an empty label window (and one at or before the first
an empty history) without a word, and interactions without rows two empty sides; each is
now a RecstackError naming the cutoff and the data's first and last timestamps, as its
sibling ``window_cutoff`` refuses a cutoff without history. (``user_window`` already refuses
an n that labels nobody.)"""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.pipeline.training_data import time_window, user_window


def interactions() -> Interactions:
    return Interactions.from_arrays(np.array([0, 0, 1, 1, 2]), np.array([0, 1, 1, 2, 0]),
                                    timestamps=np.array([10, 20, 30, 40, 50]))


@pytest.mark.parametrize("cutoff", [51, 1_000, 2**62])
def test_a_cutoff_after_every_timestamp_is_refused(cutoff):
    with pytest.raises(RecstackError, match=rf"^training data: cutoff {cutoff} is after the "
                       r"last timestamp, so the label window .* is empty; both sides need some "
                       r"rows, and the interactions' timestamps run from 10 to 50"):
        time_window(interactions(), cutoff)


@pytest.mark.parametrize("cutoff", [10, 0, -5])
def test_a_cutoff_at_or_before_the_first_timestamp_is_refused(cutoff):
    with pytest.raises(RecstackError, match=rf"^training data: cutoff {cutoff} is at or "
                       r"before the first timestamp, so the history .* is empty; both sides "
                       r"need some rows, .* from 10 to 50"):
        time_window(interactions(), cutoff)


def test_interactions_without_rows_are_refused():
    with pytest.raises(RecstackError, match=r"^training data: the interactions have no rows"):
        time_window(interactions().select(np.zeros(5, bool)), 30)


@pytest.mark.parametrize(("cutoff", "sizes"), [(11, (1, 4)), (30, (2, 3)), (50, (4, 1))])
def test_cutoffs_inside_the_data_split_before_and_at_or_after(cutoff, sizes):
    # the boundaries of (first, last]: history = rows before the cutoff, window = the rest
    history, window = time_window(interactions(), cutoff)
    assert (len(history), len(window)) == sizes
    assert (history.timestamp < cutoff).all() and (window.timestamp >= cutoff).all()


def test_user_window_labelling_nobody_is_still_refused():
    with pytest.raises(RecstackError, match=r"no test rows"):
        user_window(interactions(), 5)
