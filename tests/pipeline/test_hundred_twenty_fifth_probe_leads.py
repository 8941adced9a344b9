"""Leads of the previous helpers: float32 options read as shown (off-policy confidence,
bandit numbers), the position-bias log's mistakes all BanditInputError, and the MLP sizes
of the PyTorch rankers bounded as ``cross_layers`` is."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.errors import ConfigError
from recstack.pipeline.bandit_checks import BanditInputError
from recstack.pipeline.off_policy import ips, snips
from recstack.pipeline.position_bias import estimate_propensities

REWARDS, ACTIONS, PROPENSITIES = [1.0, 0.0, 1.0, 1.0], [0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5]
TARGET = [[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 0.0]]


@pytest.mark.parametrize("estimator", [ips, snips])
def test_a_float32_confidence_is_the_level_it_shows(estimator):
    given = estimator(REWARDS, ACTIONS, PROPENSITIES, TARGET, confidence=np.float32(0.9))
    plain = estimator(REWARDS, ACTIONS, PROPENSITIES, TARGET, confidence=0.9)
    assert given.confidence == 0.9
    assert (given.lower, given.upper) == (plain.lower, plain.upper)


def test_a_float32_bootstrap_level_needs_the_resamples_of_the_level_shown():
    # 0.95 needs ceil(2 / 0.05) = 40 resamples; read as 0.949999988 it asked for the same
    # but reported the level as 0.949999988
    r = ips(REWARDS, ACTIONS, PROPENSITIES, TARGET, confidence=np.float32(0.95),
            interval="bootstrap", n_bootstrap=40)
    assert r.confidence == 0.95


def test_no_click_at_the_top_is_a_bandit_input_error_naming_the_fix():
    with pytest.raises(BanditInputError, match="no click at position 1.*smoothing > 0"):
        estimate_propensities([1, 1, 2], [0, 0, 1], smoothing=0)


def test_no_click_at_all_says_so():
    with pytest.raises(BanditInputError, match="no click at all"):
        estimate_propensities([1, 2, 2], [0, 0, 0], smoothing=1.0)


torch = pytest.importorskip("torch")


def _rankers():
    from recstack.pipeline.rankers.dcn import DCNv2Ranker
    from recstack.pipeline.rankers.multitask import MultitaskRanker
    from recstack.pipeline.rankers.wide_deep import WideDeepRanker
    return [WideDeepRanker, DCNv2Ranker, MultitaskRanker]


@pytest.mark.parametrize("options, match", [
    ({"hidden": [2_560_000]}, r"hidden\[0\] must be <= 65536"),
    ({"hidden": [64, 70_000]}, r"hidden\[1\] must be <= 65536"),
    ({"hidden": [8] * 6400}, "hidden lists 6,400 layers; at most 64"),
    ({"embedding_dim": 10**7}, "embedding_dim must be <= 65536"),
])
def test_mlp_sizes_past_the_bounds_are_refused_before_fitting(options, match):
    for cls in _rankers():
        with pytest.raises(ConfigError, match=match):
            cls(**options).validate_params()


def test_mlp_sizes_at_the_bounds_are_accepted():
    for cls in _rankers():
        cls(hidden=[65_536], embedding_dim=65_536).validate_params()
        cls(hidden=[4] * 64).validate_params()
        cls(hidden=[]).validate_params()


def test_histogram_with_more_bins_than_rows_is_warned_of():
    from recstack.pipeline.calibration import HistogramCalibrator

    scores, labels = [0.1, 0.2, 0.3, 0.4, 0.5], [0, 1, 0, 1, 1]
    with pytest.warns(RuntimeWarning, match="n_bins = 50 is more than the 5 calibration row"):
        fitted = HistogramCalibrator(n_bins=50).fit(scores, labels)
    # what the warning says: every non-empty bin's rate is its one row's label
    assert set(fitted.rates_[fitted.counts_ > 0]) <= {0.0, 1.0}
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        HistogramCalibrator(n_bins=5).fit(scores, labels)  # no more bins than rows: no word
