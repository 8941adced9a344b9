"""``HistogramCalibrator(strategy="uniform")`` on scores that span more than float64's
range: the width max - min overflowed to inf, every inner edge was inf, every row fell in
the first bin (a constant map, fitted without a word) and ``save`` failed on the infinite
edges with json's "Out of range float values" error."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from recstack.pipeline.calibration import HistogramCalibrator, load_calibrator

BIGGEST = float(np.finfo(np.float64).max)


def test_uniform_bins_over_the_whole_float_range(tmp_path: Path) -> None:
    scores = np.array([-1e308, 1e308, 0.0, 1.0])
    labels = np.array([0, 1, 0, 1])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's overflow warning was the only sign
        calibrator = HistogramCalibrator(strategy="uniform", n_bins=4).fit(scores, labels)
    # edges -1e308 + k * (2e308 / 4): -5e307, 0, 5e307; the bins are (lower, upper], so
    # -1e308 is in bin 0, 0 in bin 1, 1 in bin 2 and 1e308 in bin 3, one row each
    assert calibrator.edges_.tolist() == [-5e307, 0.0, 5e307]
    assert calibrator.counts_.tolist() == [1, 1, 1, 1]
    assert calibrator.rates_.tolist() == [0.0, 0.0, 1.0, 1.0]
    assert calibrator.predict([-1e308, 0.0, 1.0, 1e308]).tolist() == [0.0, 0.0, 1.0, 1.0]
    path = calibrator.save(tmp_path / "histogram.json")
    loaded = load_calibrator(path)
    assert loaded.edges_.tolist() == [-5e307, 0.0, 5e307]  # type: ignore[attr-defined]
    assert loaded.predict([-1.0, 2.0]).tolist() == [0.0, 1.0]


def test_uniform_bins_between_the_largest_doubles() -> None:
    # -max to +max, 2 bins: the one inner edge is the middle, 0
    scores = np.array([-BIGGEST, BIGGEST, -1.0, 1.0])
    calibrator = HistogramCalibrator(strategy="uniform", n_bins=2).fit(scores, [0, 1, 0, 1])
    assert calibrator.edges_.tolist() == [0.0]
    assert calibrator.rates_.tolist() == [0.0, 1.0]


def test_uniform_bins_of_ordinary_scores_are_unchanged() -> None:
    # 0.1 to 0.9 in 4 bins: edges 0.1 + k * 0.2 (computed as min + cut * width)
    scores = np.array([0.1, 0.3, 0.5, 0.9])
    calibrator = HistogramCalibrator(strategy="uniform", n_bins=4).fit(scores, [0, 0, 1, 1])
    cuts = np.array([0.25, 0.5, 0.75])
    assert calibrator.edges_.tolist() == (0.1 + cuts * (0.9 - 0.1)).tolist()
    assert calibrator.counts_.tolist() == [2, 1, 0, 1]
