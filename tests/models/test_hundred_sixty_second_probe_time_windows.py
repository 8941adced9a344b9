"""Hundred-sixty-second bad-input probe: a two-stage model's label window (window =
'time') on training rows whose first timestamp holds much of the data. Rows that all
share one time were refused saying "lower label_fraction", which no value could satisfy;
rows where the first time holds most of them were told to lower it without saying how
far. And the feature builder's refusals at fit ("features: item_columns = [...], but the
data have no item table") named no model, where the same options checked before fitting
did."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.models import create_model


def _two_stage(**settings):
    return create_model("two_stage", generators=[{"type": "most_popular"}],
                        ranker={"type": "logistic"}, n_candidates=2, **settings)


def _rows(times):
    times = np.asarray(times)
    return Interactions.from_arrays(np.arange(len(times)) % 3, np.arange(len(times)) % 4,
                                    timestamps=times)


def test_rows_at_one_time_are_told_to_use_the_user_window():
    with pytest.raises(RecstackError, match=r"^two_stage: window = 'time' cuts the training "
                                            r"rows by time .* but all 10 of them have the "
                                            r"same timestamp 7, so no label_fraction can; "
                                            r"use window = 'user'"):
        _two_stage(label_fraction=0.01).fit(_rows([7] * 10))


# 10 rows, 6 of them at the first time 5. window_cutoff starts the label window at sorted
# row floor(10 (1 - f)): f = 0.5 gives row 5 (time 5, inside the first time's rows), and
# f = 0.4 gives row 6 (time 7), so 0.4 = 4/10 is the largest fraction that works.
FIRST_HEAVY = [5, 5, 5, 5, 5, 5, 7, 8, 9, 10]


@pytest.mark.parametrize("fraction", [0.5, Fraction(1, 2), 0.9])
def test_a_fraction_reaching_into_the_first_time_is_told_the_largest_that_works(fraction):
    with pytest.raises(RecstackError) as refused:
        _two_stage(label_fraction=fraction).fit(_rows(FIRST_HEAVY))
    message = str(refused.value)
    assert message.startswith(f"two_stage: window = 'time', label_fraction = "
                              f"{float(fraction):g}: 6 of the 10 training rows share the "
                              f"first timestamp 5")
    assert message.endswith("set label_fraction to at most 0.4 (the 4 rows after that time "
                            "are the most the label window can take), or use window = 'user'")


def test_the_largest_fraction_named_is_one_that_cuts():
    # 0.4 starts the window at time 7: it gets past the cut (whatever the examples then say)
    try:
        _two_stage(label_fraction=0.4).fit(_rows(FIRST_HEAVY))
    except RecstackError as error:
        assert "share the first timestamp" not in str(error)


def test_feature_options_refused_at_fit_name_the_model():
    data = _rows(np.arange(40))
    with pytest.raises(ConfigError, match=r"^two_stage: features: item_columns = \['nope'\], "
                                          r"but the data have no item table"):
        _two_stage(features={"item_columns": ["nope"]}).fit(data)
    with pytest.raises(ConfigError, match=r"^two_stage: features: context_columns = "
                                          r"\['device'\], but the interactions have no "
                                          r"context"):
        _two_stage(features={"context_columns": ["device"]}).fit(data)
