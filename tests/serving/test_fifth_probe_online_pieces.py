"""Fifth bad-input probe: skew checks, re-ranking chains and two-stage index options
from Python."""

from __future__ import annotations

import pytest

from recstack.errors import ConfigError
from recstack.serving.rerank import check_chain
from recstack.serving.skew import check_skew
from recstack.serving.two_stage import _index_options


@pytest.mark.parametrize("tolerance", [float("nan"), -1e-4, float("inf"), "1e-4", True])
def test_a_skew_tolerance_that_is_no_finite_number_is_refused(tmp_path, tolerance):
    # NaN compared false with every gap: every request passed, whatever it served
    with pytest.raises(ConfigError, match=r"tolerance must be a finite number >= 0"):
        check_skew(tmp_path, tmp_path, tolerance=tolerance)


@pytest.mark.parametrize("limit", [0, -1, 2.5, True])
def test_a_skew_limit_below_one_request_is_refused(tmp_path, limit):
    # tail(0) checked nothing and passed; tail(-1) checked all but the first request
    with pytest.raises(ConfigError, match=r"limit must be a whole number of requests >= 1"):
        check_skew(tmp_path, tmp_path, limit=limit)


@pytest.mark.parametrize("chain, message", [
    ({"type": "mmr"}, r"rerank: expected a list of re-rankers .* got dict"),
    ("mmr", r"rerank: expected a list of re-rankers .* got str"),
    ([{"type": "seen"}, "mmr"], r"rerank\[1\]: expected a table such as"),
])
def test_a_chain_that_is_no_list_of_tables_is_refused(chain, message):
    with pytest.raises(ConfigError, match=message):
        check_chain(chain)


def test_two_stage_index_options_are_checked_by_name():
    with pytest.raises(ConfigError, match=r"unknown option 'ef_constrution'.*did you mean "
                                          r"'ef_construction'\?"):
        _index_options({"ef_constrution": 100})  # a TypeError inside ItemIndex.build
    for ef in (0, "100", 1.5):
        with pytest.raises(ConfigError, match=r"ef must be a positive integer"):
            _index_options({"ef": ef})
    with pytest.raises(ConfigError, match=r"index_options must be a table"):
        _index_options([("ef", 10)])
    assert _index_options({"M": 8, "ef": 50}) == {"M": 8, "ef": 50}
    assert _index_options(None) == {}
