"""Two-hundred-fourteenth bad-input probe: times written as text, and arguments that are
no array.

A request context's ``timestamp`` written as text was read as a number of seconds: the
text ``"2020"`` was 1970-01-01 00:33:40 (hour 0, a Thursday) where ``pd.Timestamp("2020")``
is 2020-01-01 (a Wednesday), and ISO text such as ``"2020-01-01"`` was refused. Text now
follows the rule of every time argument (``recstack.data.dates.to_unix_seconds``): ISO-8601
(a year is its first moment), a date its midnight, a number in quotes refused naming its
row. A feature cutoff takes the same forms. An index or number argument given as None, a
single value, text or a set was told "got shape ()"; it now says what it got and what to
give.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.pipeline.bandit_checks import BanditInputError
from recstack.pipeline.features import FeatureBuilder, request_context
from recstack.pipeline.off_policy import deterministic_target, ips


def _log() -> Interactions:
    return Interactions.from_arrays(np.array([1, 1, 2, 2]), np.array([5, 6, 5, 7]), None,
                                    np.array([1, 2, 3, 4]))


def _codes(times: list) -> list[list[int]]:
    builder = FeatureBuilder(context_time=True).fit(_log(), ["a"], 3)
    context = request_context(pd.DataFrame({"timestamp": pd.Series(times, dtype=object)}),
                              len(times))
    return builder.context_features(context, len(times))[1].tolist()


# codes: 1 + hour (UTC), 1 + weekday (Monday 0). 2020-01-01 was a Wednesday (code 3),
# 2020-03-02 a Monday (code 1), 2020-01-04 a Saturday (code 6)
@pytest.mark.parametrize(("text", "codes"), [
    ("2020", [1, 3]),                       # the year's first moment, as pd.Timestamp("2020")
    ("2020-01", [1, 3]),
    ("2020-01-01", [1, 3]),
    ("2020-01-01T13:00:00+02:00", [12, 3]),  # 11:00 UTC
    (" 2020-03-02 ", [1, 1]),               # trimmed, as the loaders trim times
    (np.str_("2020-01-01T05:30:00"), [6, 3]),
    (b"2020-01-01T05:30:00", [6, 3]),
    (dt.date(2020, 1, 4), [1, 6]),          # a date is its midnight
])
def test_a_request_time_written_as_text_is_read_as_an_iso_time(text, codes):
    assert _codes([text]) == [codes]
    assert _codes([pd.Timestamp("2020-01-01"), text, None]) == [[1, 3], codes, [0, 0]]


def test_a_text_year_scores_as_its_timestamp_does():
    assert _codes(["2020"]) == _codes([pd.Timestamp("2020-01-01")])


@pytest.mark.parametrize(("text", "why"), [
    ("1600000000", r"'1600000000', a number written as text, which is no ISO-8601 time "
                   r"\(Unix seconds are a number: 1600000000, without quotes\)"),
    ("1.5e9", r"'1.5e9', a number written as text, which is no ISO-8601 time \(Unix seconds "
              r"are a number: 1500000000, without quotes\)"),
    ("2020-02-30", "'2020-02-30', which is not a real date: February 2020 has 29 days"),
    ("now", "'now'"),
    (b"\xff\xfe", r"b'\\xff\\xfe', bytes that are not UTF-8 text"),
])
def test_text_that_names_no_time_is_refused_naming_its_row(text, why):
    with pytest.raises(RecstackError, match=f"^context column 'timestamp': row 1 holds {why}; "
                                            "give Unix seconds or a datetime \\(or ISO-8601 "
                                            "text such as 2020-01-31T12:00:00"):
        _codes([0, text])
    builder = FeatureBuilder(context_time=True).fit(_log(), ["a"], 3)
    with pytest.raises(RecstackError, match=f"^context column 'timestamp': request 0 holds "
                                            f"{why}; "):
        builder.check_context(pd.DataFrame({"timestamp": pd.Series([text], dtype=object)}),
                              "request")


@pytest.mark.parametrize("cutoff", ["1970-01-01T00:00:03", pd.Timestamp(3, unit="s"),
                                    np.datetime64(3, "s"),
                                    dt.datetime(1970, 1, 1, 0, 0, 3, tzinfo=dt.UTC)])
def test_a_cutoff_takes_every_form_a_time_argument_takes(cutoff):
    from recstack.pipeline.training_data import time_window

    # times 1, 2 | 3, 4: two rows before 00:00:03, two at or after it
    history, window = time_window(_log(), cutoff)
    assert (history.timestamp.tolist(), window.timestamp.tolist()) == ([1, 2], [3, 4])


@pytest.mark.parametrize(("cutoff", "message"), [
    ("1600000000", "training data: cutoff: '1600000000' is a number in quotes, which is "
                   "text; drop the quotes: 1600000000"),
    (pd.NaT, r"training data: cutoff is NaT \(no time\)"),
    ("later", "training data: cutoff: cannot read 'later' as a time; use Unix seconds"),
])
def test_a_cutoff_that_is_no_time_is_refused_by_the_time_rule(cutoff, message):
    from recstack.pipeline.training_data import time_window

    with pytest.raises(ConfigError, match=f"^{message}"):
        time_window(_log(), cutoff)


@pytest.mark.parametrize(("value", "got"), [
    (None, "None"),
    (5, "the single value 5"),
    (np.int64(5), "the single value 5"),
    ("0 1", "the text '0 1'"),
    ({0, 1}, r"a set \(\{0, 1\}\), which has no order"),
])
def test_index_arguments_that_are_no_array_say_what_they_got(value, got):
    with pytest.raises(BanditInputError, match=f"^deterministic_target: actions must be a "
                                               f"1-D array of action indices, got {got}; give "
                                               r"a list or 1-D array of action indices, such "
                                               r"as \[0, 2\]$"):
        deterministic_target(value, 3)


def test_number_arguments_that_are_no_array_say_what_they_got():
    target = [[1.0, 0.0], [0.0, 1.0]]
    with pytest.raises(BanditInputError, match=r"^ips: rewards must be an array of numbers, "
                                               r"got None; give a list or 1-D array of "
                                               r"numbers, such as \[1.0, 0.5\]$"):
        ips(None, [0, 1], [0.5, 0.5], target)
    with pytest.raises(BanditInputError, match=r"^ips: rewards must be a 1-D array, got the "
                                               r"single value 1.0; give a list or 1-D array "
                                               r"of numbers"):
        ips(1.0, [0, 1], [0.5, 0.5], target)


def test_candidates_for_no_users_say_so():
    from recstack.models.baselines import MostPopular
    from recstack.pipeline.candidates import generate_candidates

    data = Interactions.from_arrays(np.array([0, 0, 1]), np.array([0, 1, 1]))
    model = MostPopular().fit(data)
    with pytest.raises(ConfigError, match=r"^candidates: user_indices must be a 1-D array of "
                                          r"user indices, got None; give a list or 1-D array "
                                          r"of user indices, such as \[0, 2\]$"):
        generate_candidates([model], None, 2)
