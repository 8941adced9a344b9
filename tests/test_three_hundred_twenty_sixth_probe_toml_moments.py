"""dump_toml with numpy and pandas values given from Python: moments are written as TOML
dates and date-times that read back to the same moment (it was a TypeError, "Object of
type 'datetime64' is not TOML serializable"); what TOML has no form for is refused naming
the key (pandas' NaT was written as ``NaT``, a file no TOML reader reads)."""

from __future__ import annotations

import copy
import tomllib
from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from recstack.config import dump_toml, parse_experiment
from recstack.data.dates import to_unix_seconds
from recstack.errors import ConfigError

BASE = {"name": "x", "seed": 0,
        "data": {"source": "synthetic:n_users=50,n_items=40,n_interactions=600,seed=1"},
        "split": {"method": "temporal", "cutoff": 0},
        "evaluation": {"metrics": ["ndcg"], "ks": [5]},
        "models": [{"type": "most_popular"}]}


@pytest.mark.parametrize(("given", "read_back"), [
    (np.datetime64("2020-01-31T12:00:00"), datetime(2020, 1, 31, 12)),
    (np.datetime64("2020-01-31T12:00:00.000000000"), datetime(2020, 1, 31, 12)),
    (np.datetime64("2020-01-31T12:00:00.250", "ms"), datetime(2020, 1, 31, 12, 0, 0, 250000)),
    (np.datetime64("2020-01-31"), date(2020, 1, 31)),
    (np.datetime64("2020-03"), date(2020, 3, 1)),
    (np.datetime64("9999-12-31T23:59:59"), datetime(9999, 12, 31, 23, 59, 59)),
    (pd.Timestamp("2020-01-31 12:00"), datetime(2020, 1, 31, 12)),
])
def test_a_moment_is_written_as_a_toml_moment(given: object, read_back: object) -> None:
    text = dump_toml({"split": {"cutoff": given}})
    value = tomllib.loads(text)["split"]["cutoff"]
    assert value == read_back and type(value) is type(read_back)


def test_nanoseconds_are_written_in_full() -> None:
    text = dump_toml({"split": {"cutoff": np.datetime64("2020-01-31T12:00:00.123456789")}})
    assert text == "[split]\ncutoff = 2020-01-31 12:00:00.123456789\n"
    # tomllib keeps microseconds
    assert tomllib.loads(text)["split"]["cutoff"] == datetime(2020, 1, 31, 12, 0, 0, 123456)


def test_moments_in_a_list_or_array_and_numpy_scalars() -> None:
    raw = {"filters": [{"type": "time_window",
                        "bounds": np.array(["2020-01-01", "2020-02-01"], "datetime64[D]"),
                        "on": [np.datetime64("2020-01-01T06:00", "m")]}],
           "flag": np.bool_(True), "label": np.str_("run")}
    again = tomllib.loads(dump_toml(raw))
    assert again == {"flag": True, "label": "run",
                     "filters": [{"type": "time_window",
                                  "bounds": [date(2020, 1, 1), date(2020, 2, 1)],
                                  "on": [datetime(2020, 1, 1, 6)]}]}


def test_a_numpy_cutoff_reads_back_to_the_same_split() -> None:
    # 2020-01-31T12:00:00 UTC = 18,292 days * 86,400 s + 12 h = 1,580,472,000 s
    raw = copy.deepcopy(BASE)
    raw["split"]["cutoff"] = np.datetime64("2020-01-31T12:00:00")
    experiment = parse_experiment(raw, source="py")
    again = parse_experiment(tomllib.loads(dump_toml(experiment.raw)), source="again.toml")
    assert type(again.split).__name__ == "TemporalSplit"
    assert to_unix_seconds(again.split.cutoff) == to_unix_seconds(experiment.split.cutoff) \
        == 1_580_472_000


@pytest.mark.parametrize(("raw", "message"), [
    ({"split": {"cutoff": np.datetime64("NaT")}},
     r"^dump_toml: \[split\] cutoff = NaT: TOML has no missing time; .*leave the key out"),
    ({"split": {"cutoff": pd.NaT}}, r"^dump_toml: \[split\] cutoff = NaT"),
    ({"split": {"cutoff": np.datetime64("10000-01-01")}},
     r"^dump_toml: \[split\] cutoff = 10000-01-01: a TOML date has a year from 0001 to 9999"),
    ({"models": [{"type": "x", "window": np.timedelta64(2, "h")}]},
     r"^dump_toml: \[\[models\]\] #1 window = 2 hours: TOML has no duration"),
    ({"split": {"gap": pd.Timedelta("5s")}}, r"^dump_toml: \[split\] gap = .*no duration"),
    ({"seed": 1 + 2j}, r"^dump_toml: seed = \(1\+2j\): TOML has no form for complex"),
    ({"split": {"users": {1, 2}}}, r"^dump_toml: \[split\] users = \{1, 2\}: .*form for set; "
                                   "give .* a list"),
    ({"data": {"raw": b"x"}}, r"^dump_toml: \[data\] raw = b'x': TOML has no form for bytes"),
])
def test_what_toml_cannot_hold_is_refused_naming_the_key(raw: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        dump_toml(raw)
