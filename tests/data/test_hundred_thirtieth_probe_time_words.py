"""Hundred-thirtieth probe, one message per mistake in a temporal split's cutoff.

``temporal_split`` refused numpy's NaT as "temporal split: cutoff is NaT (no time)" and
pandas' NaT as "cutoff: cannot read 'NaT' as a time", and a float cutoff as "temporal:
cutoff = 3.5: expected an integer or a string", which named none of the date types it
takes. Every cutoff is now read by the one rule for a time given as an argument
(``to_unix_seconds``), whose refusals list every form a time may take."""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd
import pytest

from recstack.data.dates import to_unix_seconds
from recstack.data.interactions import Interactions
from recstack.data.splits import temporal_split
from recstack.errors import ConfigError

FORMS = ("Unix seconds or an ISO date such as 2020-01-31 or 2020-01-31T12:00:00, or a date, "
         "datetime, pandas Timestamp or numpy.datetime64")


@pytest.fixture(scope="module")
def data():
    # every user and item has a row before 40 and one at or after it
    return Interactions.from_arrays([1, 1, 2, 2, 3, 3], [1, 2, 2, 1, 1, 2], None,
                                    [10, 50, 20, 60, 30, 40])


def _said(call) -> str:
    with pytest.raises(ConfigError) as refused:
        call()
    return str(refused.value)


@pytest.mark.parametrize("nat", [np.datetime64("NaT"), np.datetime64("NaT", "s"), pd.NaT])
def test_every_nat_cutoff_gets_one_message(data, nat):
    assert _said(lambda: temporal_split(data, nat)) == f"cutoff is NaT (no time); use {FORMS}"
    assert _said(lambda: to_unix_seconds(nat, "cutoff")) == (
        f"cutoff is NaT (no time); use {FORMS}")


@pytest.mark.parametrize(("cutoff", "why"), [
    (3.5, "3.5 as a time (a float: Unix seconds are a whole number)"),
    # a whole float is told the integer to write (it was told "Unix seconds are a whole
    # number", which 40.0 is)
    (np.float64(40.0), "40.0 as a time (a float: Unix seconds are an integer; write 40 "
                       "without the decimal point)")])
def test_a_float_cutoff_lists_the_date_types_taken(data, cutoff, why):
    assert _said(lambda: temporal_split(data, cutoff)) == (
        f"cutoff: cannot read {why}; use {FORMS}")


@pytest.mark.parametrize("cutoff", [[40], b"1970", "yesterday"])
def test_other_types_get_the_same_words(data, cutoff):
    assert _said(lambda: temporal_split(data, cutoff)).endswith(f"; use {FORMS}")


@pytest.mark.parametrize("cutoff", [40, "1970-01-01T00:00:40", np.datetime64(40, "s"),
                                    pd.Timestamp(40, unit="s"),
                                    datetime.datetime(1970, 1, 1, 0, 0, 40)])
def test_each_form_still_cuts_at_the_same_second(data, cutoff):
    split = temporal_split(data, cutoff)
    assert split.report.params["cutoff"] == 40
    assert sorted(split.test.timestamp.tolist()) == [40, 50, 60]
