"""A temporal split by test_fraction whose cutoff time many rows share says that its test
part is far larger than the share asked for (a tenth asked, three quarters given, without
a word before)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import TiedCutoffWarning, temporal_split


def _data(times):
    rng = np.random.default_rng(1)
    n = len(times)
    return Interactions.from_arrays(rng.integers(0, 20, n), rng.integers(0, 50, n),
                                    timestamps=times)


def test_a_cutoff_most_rows_share_is_warned_of_with_the_shares():
    times = np.r_[np.arange(100), np.full(300, 1000)]  # 300 of 400 rows at one time
    with pytest.warns(TiedCutoffWarning) as caught:
        split = temporal_split(_data(times), test_fraction=0.1)
    message = str(caught[0].message)
    # by definition: every row at or after the cutoff is chosen for test
    assert split.report.params["cutoff"] == 1000
    assert "about 40 of the 400 rows" in message and "300 rows share" in message
    assert "300 rows (75%)" in message and "no row comes after" in message
    assert caught[0].filename == __file__


def test_the_advice_names_the_share_after_the_tie():
    times = np.r_[np.arange(100), np.full(250, 1000), np.arange(2000, 2050)]
    with pytest.warns(TiedCutoffWarning, match=r"at most 0\.125 puts the cutoff after"):
        temporal_split(_data(times), test_fraction=0.2)  # 50 of 400 rows after the tie


def test_distinct_times_are_not_warned_of():
    with warnings.catch_warnings():
        warnings.simplefilter("error", TiedCutoffWarning)
        split = temporal_split(_data(np.arange(400)), test_fraction=0.1)
    assert split.report.params["cutoff"] == 360


def test_a_small_excess_is_not_warned_of():
    # 77 asked of 267, 89 given: within half again the share asked
    times = np.r_[np.arange(178), np.full(13, 500), np.arange(1000, 1076)]
    with warnings.catch_warnings():
        warnings.simplefilter("error", TiedCutoffWarning)
        split = temporal_split(_data(times), test_fraction=0.2875)
    assert split.report.params["cutoff"] == 500


def test_all_rows_at_one_time_is_refused_without_a_warning_first():
    with warnings.catch_warnings():
        warnings.simplefilter("error", TiedCutoffWarning)
        with pytest.raises(Exception, match="no training rows"):
            temporal_split(_data(np.zeros(50, np.int64)), test_fraction=0.2)
