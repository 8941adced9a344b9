"""BSPM refuses, at fit, a time or weight that carries its scores past float32's largest
number, naming that one setting and the largest value the bound keeps within it."""

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.models.graph_filters import BSPM, step_growth

FLOAT32_MAX = float(np.finfo(np.float32).max)  # 3.4028235e38


def circulant(n_users: int, n_items: int, per_user: int) -> Interactions:
    """Each user takes ``per_user`` consecutive items: every item has the same degree."""
    users = np.repeat(np.arange(n_users), per_user)
    items = (users + np.tile(np.arange(per_user), n_users)) % n_items
    return Interactions.from_arrays(users, items, np.ones(len(users)))


def test_step_growth_is_the_solvers_polynomial_at_minus_h():
    # euler 1 - h; midpoint 1 - h + h^2/2; rk4 1 - h + h^2/2 - h^3/6 + h^4/24
    assert step_growth("euler", 3.0) == 2.0
    assert step_growth("midpoint", 4.0) == 1 - 4 + 8  # 5
    assert step_growth("rk4", 6.0) == pytest.approx(1 - 6 + 18 - 36 + 54)  # 31


def test_huge_euler_sharpen_time_is_refused_at_fit_with_the_largest_that_works():
    data = circulant(16, 4, 2)  # 4 items: a history is at most sqrt(4) = 2 long
    # blurring: one euler step of 1 scales by 1 + (-1..0) in [0, 1], no growth; beta 0;
    # sharpening: one euler step of h scales by up to h - 1, so the bound is
    # 2 (h - 1) <= 3.4028235e38: h <= 1.7014117e38, written to 3 digits 1.7e+38
    model = BSPM(k=2, beta=0, sharpen_time=3e38, sharpen_solver="euler")
    with pytest.raises(ConfigError) as refused:
        model.fit(data)
    message = str(refused.value)
    assert message.startswith("bspm: sharpen_time=3e+38 carries the scores past float32's")
    assert "blur_time" not in message and "ideal_time" not in message
    assert "the largest sharpen_time that works with the other settings as they are is " \
           "1.7e+38" in message
    # the value named fits and scores finitely
    scores = BSPM(k=2, beta=0, sharpen_time=1.7e38, sharpen_solver="euler").fit(data) \
        .score_users(np.arange(3))
    assert np.isfinite(scores).all()


def test_huge_rk4_sharpen_time_named_with_its_fourth_root_limit():
    data = circulant(32, 16, 3)  # 16 items: histories at most 4 long
    # rk4's one step grows like h^4/24 (lower terms change the 3rd digit by under 1e-9):
    # 4 h^4 / 24 <= 3.4028235e38: h <= (6 x 3.4028235e38) ** 0.25 = 6.7220e9 -> 6.72e+09
    assert (6 * FLOAT32_MAX) ** 0.25 == pytest.approx(6.7220e9, rel=1e-4)
    with pytest.raises(ConfigError, match=r"sharpen_time=1000000000000.0 carries .* largest "
                                          r"sharpen_time that works .* is 6\.72e\+09"):
        BSPM(k=2, beta=0, sharpen_time=1e12).fit(data)
    BSPM(k=2, beta=0, sharpen_time=6.72e9).fit(data)  # fits


def test_blur_time_is_blamed_when_it_is_the_one_that_grows():
    data = circulant(16, 4, 2)
    # blur: one euler step of h scales by up to |1 - h|; sharpening off, beta 0:
    # 2 (h - 1) <= 3.4028235e38 again
    with pytest.raises(ConfigError, match=r"^bspm: blur_time=3e\+38 .*\(the blurring\); the "
                                          r"largest blur_time .* is 1\.7e\+38$"):
        BSPM(k=2, beta=0, blur_time=3e38, sharpen_steps=0).fit(data)


def test_beta_is_blamed_with_the_weight_that_fits():
    data = circulant(16, 4, 2)  # equal item degrees: the ideal filter's similarity is 1
    # ideal part: beta x (one euler step of 1: no growth); blurred part 1; no sharpening:
    # 2 (1 + beta) <= 3.4028235e38: beta <= 1.7014117e38 -> 1.7e+38
    with pytest.raises(ConfigError, match=r"^bspm: beta=3e\+38 .* ideal filter's weight\); "
                                          r"the largest beta .* is 1\.7e\+38$"):
        BSPM(k=2, beta=3e38, sharpen_steps=0).fit(data)


def test_the_published_settings_and_moderate_times_still_fit():
    data = circulant(16, 4, 2)
    for settings in ({}, {"sharpen_time": 50.0}, {"sharpen_steps": 0, "sharpen_time": 1e30},
                     {"sharpen_solver": "euler", "sharpen_time": 1e6}):
        assert np.isfinite(BSPM(k=2, **settings).fit(data).score_users(np.arange(2))).all()
