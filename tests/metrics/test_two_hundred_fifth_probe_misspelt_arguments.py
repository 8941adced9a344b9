"""A misspelt keyword given to a metric was Python's bare ``TypeError: log_loss() got an
unexpected keyword argument 'esp'``; every public metric function now names the argument,
the nearest spelling and what it takes (a ConfigError, a ValueError as before for a bad
value), as the splits and loaders do."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import recstack.metrics as metrics
from recstack.errors import ConfigError


@pytest.mark.parametrize("call, message", [
    (lambda: metrics.log_loss([0, 1], [0.2, 0.8], esp=1e-9),
     "log_loss() has no argument 'esp' (did you mean 'eps'?); it takes "
     "log_loss(y_true, y_prob, *, eps=...)"),
    (lambda: metrics.huber_loss([1.0], [2.0], delt=1.0),
     "huber_loss() has no argument 'delt' (did you mean 'delta'?)"),
    (lambda: metrics.dcg_at_k([[1.0]], 1, gian="linear"),
     "dcg_at_k() has no argument 'gian' (did you mean 'gain'?)"),
    (lambda: metrics.catalog_coverage([[0]], 3, kk=1),
     "catalog_coverage() has no argument 'kk'"),
    (lambda: metrics.two_proportion_ztest(1, 10, 2, 10, alpa=0.05),
     "two_proportion_ztest() has no argument 'alpa' (did you mean 'alpha'?)"),
    (lambda: metrics.online_metrics(pd.DataFrame(), plce=None),
     "online_metrics() has no argument 'plce' (did you mean 'place'?)"),
    (lambda: metrics.get_metric("ndcg", kk=3),
     "get_metric() has no argument 'kk'"),
    (lambda: metrics.rmse([1.0], [1.0], [1.0]),
     "rmse() takes at most 2 positional argument(s) (y_true, y_pred), got 3"),
])
def test_a_misspelt_keyword_is_named(call, message):
    with pytest.raises(ConfigError) as caught:
        call()
    assert str(caught.value).startswith(message)


def test_a_right_call_gives_the_value_worked_by_hand():
    # -(log 0.8 + log 0.8) / 2
    assert metrics.log_loss([0, 1], [0.2, 0.8], eps=1e-9) == pytest.approx(-np.log(0.8))
    # linear gain: 1 / log2(2) + 1 / log2(4) = 1.5
    assert metrics.dcg_at_k(np.array([[1.0, 0.0, 1.0]]), 3, gain="linear")[0] == \
        pytest.approx(1.5)
