"""Ninety-third bad-input probe, a numpy moment as a temporal split's cutoff.

``temporal_split`` took a cutoff as Unix seconds, ISO text, a ``datetime.date``, a
``datetime`` or a pandas ``Timestamp``, and ``read_partitioned`` a ``numpy.datetime64``
too; but ``temporal_split(data, cutoff=np.datetime64("2020-09-20"))`` (a datetime64
column's max, say) was refused as "expected an integer or a string". It is now the same
UTC moment as the other forms; ``NaT`` is refused as no time."""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import temporal_split
from recstack.errors import ConfigError

# 2020-09-20T00:00:00Z in Unix seconds, from the definition: days since 1970-01-01 x 86400
MIDNIGHT = (datetime.date(2020, 9, 20) - datetime.date(1970, 1, 1)).days * 86_400


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    times = MIDNIGHT - 5 * 86_400 + rng.integers(0, 10 * 86_400, 300)
    return Interactions.from_arrays(rng.integers(0, 20, 300), rng.integers(0, 30, 300), None,
                                    times, duplicates="last")


@pytest.mark.parametrize("cutoff", [np.datetime64("2020-09-20"),
                                    np.datetime64("2020-09-20T00:00:00"),
                                    np.datetime64(MIDNIGHT, "s"),
                                    np.datetime64(MIDNIGHT * 1000, "ms")])
def test_a_numpy_moment_is_the_moment_every_other_form_gives(data, cutoff):
    split = temporal_split(data, cutoff=cutoff)
    assert split.report.params["cutoff"] == MIDNIGHT
    for other in (MIDNIGHT, "2020-09-20", datetime.date(2020, 9, 20),
                  pd.Timestamp("2020-09-20")):
        assert len(temporal_split(data, cutoff=other).test) == len(split.test)
    assert (split.train.timestamp < MIDNIGHT).all()


def test_nat_is_refused_as_no_time(data):
    with pytest.raises(ConfigError, match=r"cutoff is NaT \(no time\)"):
        temporal_split(data, cutoff=np.datetime64("NaT"))
