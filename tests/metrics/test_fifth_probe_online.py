"""Fifth bad-input probe of the online metrics: event logs with durations for times,
epoch milliseconds read as seconds, repeated or misspelt columns, wrongly cased event types,
true/false or complex amounts, bad rows that were not named, clicks beyond impressions in a
z-test, numpy alphas and counts too large to test. Expected values by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.metrics import (
    MetricInputError,
    compare_variants,
    online_metrics,
    two_proportion_ztest,
    welch_ttest,
)


def log(**columns) -> pd.DataFrame:
    base = dict(variant=["A", "A", "A", "B", "B", "B"], session_id=[1, 1, 2, 3, 3, 4],
                event=["impression", "click", "impression", "impression", "click",
                       "impression"],
                timestamp=[0.0, 5, 1, 0, 3, 2], revenue=[0.0, 0, 0, 0, 10, 0],
                cost=[1.0, 0, 1, 1, 0, 1])
    return pd.DataFrame(base | columns)


def test_durations_are_read_as_seconds_not_nanoseconds():
    # sessions: A1 lasts 5 s, A2 0 s (mean 2.5); B3 3 s, B4 0 s (mean 1.5)
    times = pd.to_timedelta([0, 5, 1, 0, 3, 2], unit="s")
    engagement = online_metrics(log(timestamp=times))["engagement"]
    assert engagement.to_dict() == {"A": 2.5, "B": 1.5}


def test_epoch_milliseconds_read_as_seconds_are_refused():
    millis = 1_700_000_000_000 + np.array([0, 5000, 1000, 0, 3000, 2000])
    with pytest.raises(MetricInputError, match="'timestamp' holds 1700000000000 at row 0, "
                       "beyond the year 9999 as seconds.*unit='ms'"):
        online_metrics(log(timestamp=millis))
    # the same times as seconds are fine
    seconds = online_metrics(log(timestamp=millis / 1000))["engagement"]
    assert seconds.to_dict() == {"A": 2.5, "B": 1.5}


@pytest.mark.parametrize("frame, message", [
    (pd.concat([log(), log()[["variant"]]], axis=1),
     "two columns named 'variant' \\(positions 0 and 6\\)"),
    (pd.concat([log(), log()[["revenue"]]], axis=1),
     "two columns named 'revenue' \\(positions 4 and 6\\)"),
    (log().rename(columns={"session_id": "sessionId"}),
     "lacks column\\(s\\) \\['session_id'\\].*did you mean 'sessionId' for 'session_id'"),
    (log().rename(columns={"variant": "Variant"}), "did you mean 'Variant' for 'variant'"),
    (log(event=["impression", "Click", "impression", "impression", "click", "impression"]),
     "unknown type\\(s\\) \\['Click'\\] \\(did you mean 'click' for 'Click'\\?\\), the first "
     "at row 1"),
    (log(revenue=["0", "0", "0", "0", "$10", "0"]),
     "'revenue' must hold amounts of money >= 0; row 4 holds '\\$10'"),
    (log(cost=[1.0, 0, -1, 1, 0, 1]), "'cost' must be finite and >= 0; row 2 holds -1.0"),
    (log(revenue=[True] * 6), "'revenue' holds true/false values"),
    (log(revenue=np.array([0, 0, 0, 0, 1j, 0])), "'revenue' holds complex numbers"),
    (log(timestamp=[True] * 6), "'timestamp' holds true/false values"),
    (log(timestamp=["2024-01-01 10:00"] * 6),
     "'timestamp' must hold datetimes or numbers of seconds.*pandas.to_datetime.*row 0 holds "
     "'2024-01-01 10:00'"),
    (log(session_id=[1, 1, 2, 1, 3, 4]), "session 1 appears in more than one variant"),
])
def test_malformed_logs_are_named_with_the_column_and_row(frame, message):
    with pytest.raises(MetricInputError, match=message):
        online_metrics(frame)


def test_more_clicks_than_impressions_is_no_proportion_to_test():
    clicks_first = log(event=["click", "click", "impression", "impression", "click",
                              "impression"])
    with pytest.raises(MetricInputError, match="control variant 'A' has 2 clicks but only 1 "
                       "impression, so its ctr \\(2\\) is not a proportion"):
        compare_variants(clicks_first, "ctr", "A", "B")


def test_numpy_alphas_are_numbers_and_the_confidence_a_float():
    # A: 1 click of 2 impressions, B: 1 of 2; difference 0
    result = compare_variants(log(), "ctr", "A", "B", alpha=np.float32(0.05))
    assert result.difference == 0.0
    assert type(result.confidence) is float
    assert result.confidence == pytest.approx(0.95)
    assert type(two_proportion_ztest(1, 2, 1, 2, alpha=np.float64(0.1)).confidence) is float


def test_counts_too_large_to_be_exact_are_refused_not_an_overflow():
    with pytest.raises(MetricInputError, match="successes_control is a 401-digit number"):
        two_proportion_ztest(10**400, 10**401, 1, 2)


def test_one_constant_sample_gives_welch_without_a_warning(recwarn):
    # control constant (variance 0), treatment 1, 2, 3: t = (2 - 1) / sqrt(1 / 3)
    result = welch_ttest([1.0, 1.0, 1.0], [1.0, 2.0, 3.0])
    assert result.statistic == pytest.approx(3 ** 0.5)
    assert not [w for w in recwarn if "Precision loss" in str(w.message)]


def test_a_ctr_or_conversion_above_one_is_kept_with_a_warning():
    # it was reported as it was: variant B's CTR of 2 among the proportions of the table
    events = log(event=["impression", "click", "impression", "click", "click", "impression"])
    with pytest.warns(UserWarning, match=r"ctr is above 1 in 1 variant\(s\) \('B': 2 clicks "
                                         r"of 1 impressions\).*is every impression logged"):
        table = online_metrics(events)
    assert table["ctr"].to_dict() == {"A": 0.5, "B": 2.0}
    # B: no impression (its CTR is undefined, not above 1), one click, two purchases
    purchases = log(event=["impression", "click", "impression", "click", "purchase",
                           "purchase"])
    with pytest.warns(UserWarning, match=r"conversion_rate is above 1 in 1 variant\(s\) "
                                         r"\('B': 2 purchases of 1 clicks\)") as caught:
        online_metrics(purchases)
    assert len(caught) == 1
