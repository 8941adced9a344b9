"""Hundred-thirteenth bad-input probe of the drift settings and of small windows.

- ``[drift] psi_warn = 25`` was accepted: no PSI can reach it (shares are floored at
  ``PSI_FLOOR`` and differ by at most 2 in all, so the largest PSI is
  ``2 (1 - floor) ln(1 / floor)``, about 18.42), and every PSI flag was off without a word.
- A new window of one row gave a PSI of about 8.6, flagged as drift like a real shift; the
  report now carries a note beside each PSI taken on fewer than five values a bin.
"""

from __future__ import annotations

import math
import tomllib

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.ops.drift import DriftSpec, measure_drift, psi
from recstack.specs import build_spec

FLOOR = 1e-4
LARGEST = 2 * (1 - FLOOR) * math.log(1 / FLOOR)  # two windows with no bin in common


def _window(n: int, seed: int, *, users: int = 200, items: int = 300) -> Interactions:
    rng = np.random.default_rng(seed)
    return Interactions.from_arrays(rng.integers(0, users, n), rng.integers(0, items, n))


def test_the_largest_psi_is_that_of_samples_with_no_bin_in_common():
    assert psi([0.0] * 50, [1.0] * 50, edges=[0.5]) == pytest.approx(LARGEST)
    assert psi([0.0] * 50, [1.0] * 50, categorical=True) == pytest.approx(LARGEST)


@pytest.mark.parametrize("threshold", [25, 100.0, LARGEST + 1e-9, round(LARGEST, 6) + 0.01])
def test_a_psi_threshold_no_psi_can_reach_is_refused(threshold):
    with pytest.raises(ConfigError) as caught:
        build_spec(DriftSpec, {"psi_warn": threshold})
    message = str(caught.value)
    assert "psi_warn" in message and "18.42" in message
    assert "no PSI would ever be flagged" in message


def test_a_psi_threshold_below_the_largest_psi_is_kept():
    assert build_spec(DriftSpec, {"psi_warn": 18.0}).psi_warn == 18.0
    assert build_spec(DriftSpec, {"psi_warn": 0.0}).psi_warn == 0.0


def test_the_pipeline_file_names_the_table_of_an_unreachable_threshold():
    from recstack.ops.pipeline_config import parse_pipeline

    raw = tomllib.loads('name = "p"\n[data]\npartitions = "logs"\n[drift]\npsi_warn = 25\n'
                        '[model]\ntype = "als"\n[registry]\nroot = "registry"\n')
    with pytest.raises(ConfigError, match=r"^p\.toml: \[drift\] psi_warn = 25: no PSI "):
        parse_pipeline(raw, source="p.toml")


def test_a_one_row_window_is_noted_beside_its_psi():
    report = measure_drift(_window(5_000, 1), _window(1, 2))
    assert report.measures["user_activity_psi"] > 1  # a large value from one row
    assert set(report.notes) == {"user_activity_psi", "item_popularity_psi"}
    note = report.notes["user_activity_psi"]
    assert "new window has only 1 active user for 10 bins" in note
    assert "sampling noise" in note
    assert report.to_dict()["notes"] == report.notes
    assert "note: user_activity_psi: the new window" in report.text()


def test_a_small_reference_is_named_as_the_small_window():
    report = measure_drift(_window(20, 3), _window(5_000, 4))
    assert "the reference window has only" in report.notes["item_popularity_psi"]


def test_windows_of_five_values_a_bin_carry_no_note():
    # 10 bins: 50 active users and 50 interactions in each window are enough
    rng = np.random.default_rng(5)
    reference = Interactions.from_arrays(np.arange(60), rng.integers(0, 30, 60))
    new = Interactions.from_arrays(np.arange(60), rng.integers(0, 30, 60))
    assert measure_drift(reference, new).notes == {}
    report = measure_drift(reference, new, DriftSpec(psi_bins=20))  # 100 needed now
    assert set(report.notes) == {"user_activity_psi", "item_popularity_psi"}


def test_ratings_are_noted_by_their_distinct_values():
    rng = np.random.default_rng(6)
    users = np.arange(200)
    ratings = {"rating_range": (1.0, 5.0)}
    reference = Interactions.from_arrays(users, users % 50, np.arange(200) % 5 + 1.0,
                                         **ratings)
    new = Interactions.from_arrays(users[:12], users[:12] % 50,  # 12 ratings, 5 values
                                   rng.integers(1, 6, 12) * 1.0, **ratings)
    report = measure_drift(reference, new)
    assert "new window has only 12 ratings for 5 bins" in report.notes["rating_psi"]
