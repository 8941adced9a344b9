"""Online metrics from an event log, and the significance tests, against hand-worked values."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from recstack.metrics import (
    MetricInputError,
    compare_variants,
    online_metrics,
    session_table,
    two_proportion_ztest,
    welch_ttest,
)
from recstack.metrics.online import (
    bounce_rate,
    click_through_rate,
    conversion_rate,
    engagement,
    return_on_investment,
)


def event_log() -> pd.DataFrame:
    """Two variants, five sessions; every number below is worked out in the tests."""
    rows = [
        # variant, session, event, seconds, revenue, cost
        ("A", "s1", "impression", 0, 0, 0.5),
        ("A", "s1", "impression", 10, 0, 0.5),
        ("A", "s1", "click", 20, 0, 0),
        ("A", "s1", "purchase", 60, 30, 0),
        ("A", "s2", "impression", 0, 0, 0.5),
        ("A", "s2", "impression", 2, 0, 0.5),
        ("A", "s2", "impression", 5, 0, 0.5),
        ("A", "s3", "impression", 0, 0, 0.5),
        ("A", "s3", "click", 30, 0, 0),
        ("B", "s4", "impression", 0, 0, 0.5),
        ("B", "s4", "impression", 40, 0, 0.5),
        ("B", "s4", "click", 50, 0, 0),
        ("B", "s4", "click", 60, 0, 0),
        ("B", "s4", "purchase", 80, 20, 0),
        ("B", "s4", "purchase", 100, 25, 0),
        ("B", "s5", "impression", 7, 0, 0.5),
    ]
    frame = pd.DataFrame(
        rows, columns=["variant", "session_id", "event", "timestamp", "revenue", "cost"]
    )
    frame["user_agent"] = "test"  # extra columns are ignored
    return frame.sample(frac=1.0, random_state=0)  # logs are not sorted


@pytest.mark.reference("ctr", "conversion_rate", "bounce_rate", "roi", "engagement")
def test_online_metrics_by_hand() -> None:
    table = online_metrics(event_log())
    a, b = table.loc["A"], table.loc["B"]
    assert (a.sessions, a.impressions, a.clicks, a.purchases) == (3, 6, 2, 1)
    assert (b.sessions, b.impressions, b.clicks, b.purchases) == (2, 3, 2, 2)
    assert a.ctr == pytest.approx(2 / 6) and b.ctr == pytest.approx(2 / 3)
    assert a.conversion_rate == pytest.approx(1 / 2) and b.conversion_rate == 1.0
    assert a.bounce_rate == pytest.approx(1 / 3) and b.bounce_rate == pytest.approx(1 / 2)
    assert a.roi == pytest.approx((30 - 3) / 3) and b.roi == pytest.approx((45 - 1.5) / 1.5)
    assert a.engagement == pytest.approx((60 + 5 + 30) / 3) and b.engagement == 50.0
    assert a.revenue_per_session == pytest.approx(10.0) and b.revenue_per_session == 22.5


@pytest.mark.reference("ctr", "conversion_rate", "bounce_rate", "roi", "engagement")
def test_per_metric_functions_return_one_value_per_variant() -> None:
    log = event_log()
    assert click_through_rate(log).to_dict() == pytest.approx({"A": 1 / 3, "B": 2 / 3})
    assert conversion_rate(log).to_dict() == pytest.approx({"A": 0.5, "B": 1.0})
    assert bounce_rate(log).to_dict() == pytest.approx({"A": 1 / 3, "B": 0.5})
    assert return_on_investment(log).to_dict() == pytest.approx({"A": 9.0, "B": 29.0})
    assert engagement(log).to_dict() == pytest.approx({"A": 95 / 3, "B": 50.0})


def test_datetime_timestamps_and_missing_money_values() -> None:
    log = event_log()
    log["timestamp"] = pd.Timestamp("2024-05-01 12:00", tz="UTC") + pd.to_timedelta(
        log["timestamp"], unit="s"
    )
    log.loc[log["event"] != "purchase", "revenue"] = np.nan  # typical: revenue only on purchases
    table = online_metrics(log)
    assert table.loc["A", "engagement"] == pytest.approx(95 / 3)
    assert table.loc["B", "revenue"] == 45.0
    sessions = session_table(log)
    assert sessions.loc["s2", "bounced"] and not sessions.loc["s1", "bounced"]
    assert sessions.loc["s5", "duration_s"] == 0.0


def test_undefined_ratios_are_nan() -> None:
    log = event_log()
    log = log[~((log["variant"] == "B") & (log["event"] == "click"))]
    log.loc[log["variant"] == "B", "cost"] = 0.0
    table = online_metrics(log)
    assert math.isnan(table.loc["B", "conversion_rate"])  # no clicks
    assert math.isnan(table.loc["B", "roi"])  # no cost


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda f: f.drop(columns=["cost", "event"]), r"lacks column\(s\) \['event', 'cost'\]; "
         r"it has \['variant', 'session_id', 'timestamp', 'revenue', 'user_agent'\]"),
        (
            lambda f: f.assign(event=f["event"].replace("click", "tap")),
            r"unknown type\(s\) \['tap'\]",
        ),
        (lambda f: f.assign(variant=np.where(f["event"] == "click", "B", f["variant"])),
         "session 's1' appears in more than one variant|session 's3' appears"),
        (lambda f: f.assign(revenue=-f["revenue"]), "'revenue' must be finite and >= 0"),
        (lambda f: f.assign(timestamp="noon"), "datetimes or numbers of seconds"),
        (lambda f: f.assign(session_id=None), "'session_id' is missing a value"),
        (lambda f: f.iloc[:0], "events is empty"),
        (lambda f: f.to_dict(), "events must be a pandas DataFrame"),
    ],
)
def test_malformed_logs_raise(mutate, message) -> None:
    with pytest.raises(MetricInputError, match=message):
        online_metrics(mutate(event_log()))


def test_two_proportion_ztest_by_hand() -> None:
    result = two_proportion_ztest(200, 1000, 250, 1000, alpha=0.05)
    pooled = 450 / 2000
    z = (0.25 - 0.20) / math.sqrt(pooled * (1 - pooled) * (2 / 1000))
    assert result.statistic == pytest.approx(z, abs=1e-12)
    assert result.p_value == pytest.approx(math.erfc(abs(z) / math.sqrt(2)), abs=1e-12)
    # Newcombe's interval: Wilson's interval of each proportion, worked out here
    z = 1.959963984540054

    def wilson(share, n):
        centre, half = share + z * z / (2 * n), z * math.sqrt(share * (1 - share) / n
                                                              + z * z / (4 * n * n))
        return (centre - half) / (1 + z * z / n), (centre + half) / (1 + z * z / n)

    (low_c, high_c), (low_t, high_t) = wilson(0.20, 1000), wilson(0.25, 1000)
    assert result.ci_low == pytest.approx(
        0.05 - math.sqrt((0.25 - low_t) ** 2 + (high_c - 0.20) ** 2), abs=1e-12)
    assert result.ci_high == pytest.approx(
        0.05 + math.sqrt((high_t - 0.25) ** 2 + (0.20 - low_c) ** 2), abs=1e-12)
    assert result.difference == pytest.approx(0.05)
    assert result.relative_lift == pytest.approx(0.25)
    assert result.confidence == 0.95


@pytest.mark.parametrize("counts", [(12, 80, 25, 90), (0, 10, 3, 10), (40, 41, 30, 60)])
def test_two_proportion_ztest_equals_the_chi_square_test(counts) -> None:
    x_c, n_c, x_t, n_t = counts
    result = two_proportion_ztest(x_c, n_c, x_t, n_t)
    table = np.array([[x_c, n_c - x_c], [x_t, n_t - x_t]])
    chi2, p_value, _, _ = stats.chi2_contingency(table, correction=False)
    assert result.statistic**2 == pytest.approx(chi2, rel=1e-9)
    assert result.p_value == pytest.approx(p_value, rel=1e-9)


@pytest.mark.parametrize(("counts", "low", "high"), [
    # Newcombe (1998), Table II, method 10, examples (a) to (h): treatment first
    ((56, 70, 48, 80), 0.0524, 0.3339),
    ((9, 10, 3, 10), 0.1705, 0.8090),
    ((6, 7, 2, 7), 0.0582, 0.8062),
    ((5, 56, 0, 29), -0.0381, 0.1926),
    ((0, 10, 0, 20), -0.1611, 0.2775),
    ((0, 10, 0, 10), -0.2775, 0.2775),
    ((10, 10, 0, 20), 0.6791, 1.0),
    ((10, 10, 0, 10), 0.6075, 1.0),
])
def test_the_interval_is_newcombes_published_one(counts, low, high) -> None:
    """At 0 and 1 the Wald interval had zero width: 0 of 10 against 0 of 20 claimed the
    difference was exactly 0."""
    x_t, n_t, x_c, n_c = counts
    result = two_proportion_ztest(x_c, n_c, x_t, n_t)
    assert result.ci_low == pytest.approx(low, abs=5e-5)
    assert result.ci_high == pytest.approx(high, abs=5e-5)
    assert -1.0 <= result.ci_low <= result.difference <= result.ci_high <= 1.0


def test_two_proportion_ztest_edge_cases() -> None:
    flat = two_proportion_ztest(0, 10, 0, 20)
    assert math.isnan(flat.p_value) and flat.difference == 0.0
    assert math.isnan(flat.relative_lift)
    with pytest.raises(MetricInputError, match="trials_control is 0"):
        two_proportion_ztest(0, 0, 1, 2)
    with pytest.raises(MetricInputError, match=r"successes_treatment \(3\) exceeds"):
        two_proportion_ztest(0, 1, 3, 2)
    with pytest.raises(MetricInputError, match="non-negative whole number"):
        two_proportion_ztest(-1, 5, 1, 2)
    with pytest.raises(MetricInputError, match=r"alpha must lie in \(0, 1\)"):
        two_proportion_ztest(1, 5, 1, 2, alpha=1.5)


def test_welch_ttest_against_the_formula() -> None:
    rng = np.random.default_rng(0)
    a, b = rng.normal(10, 2, 40), rng.normal(11, 5, 25)
    result = welch_ttest(a, b, alpha=0.1)
    va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    se = math.sqrt(va + vb)
    t = (b.mean() - a.mean()) / se
    df = (va + vb) ** 2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1))
    assert result.statistic == pytest.approx(t, rel=1e-12)
    assert result.p_value == pytest.approx(2 * stats.t.sf(abs(t), df), rel=1e-9)
    half_width = stats.t.ppf(0.95, df) * se
    assert result.ci_low == pytest.approx(b.mean() - a.mean() - half_width, rel=1e-9)
    assert result.ci_high == pytest.approx(b.mean() - a.mean() + half_width, rel=1e-9)
    with pytest.raises(MetricInputError, match="treatment needs at least 2 observations"):
        welch_ttest([1.0, 2.0], [3.0])


def test_compare_variants_picks_the_test_and_counts() -> None:
    log = event_log()
    ctr = compare_variants(log, "ctr", control="A", treatment="B")
    expected = two_proportion_ztest(2, 6, 2, 3)
    assert ctr.test == "two-proportion z-test"
    assert (ctr.metric, ctr.control, ctr.treatment) == ("ctr", "A", "B")
    assert ctr.p_value == pytest.approx(expected.p_value)
    bounce = compare_variants(log, "bounce_rate", control="A", treatment="B")
    assert bounce.control_value == pytest.approx(1 / 3) and bounce.treatment_value == 0.5
    duration = compare_variants(log, "engagement", control="A", treatment="B")
    assert duration.test == "Welch t-test"
    assert duration.control_value == pytest.approx(95 / 3) and duration.treatment_value == 50.0
    with pytest.raises(MetricInputError, match="'roi' is a ratio of totals"):
        compare_variants(log, "roi", control="A", treatment="B")
    with pytest.raises(MetricInputError, match="unknown online metric 'clicks'"):
        compare_variants(log, "clicks", control="A", treatment="B")
    with pytest.raises(MetricInputError, match=r"treatment variant 'C' is not in the log"):
        compare_variants(log, "ctr", control="A", treatment="C")
    with pytest.raises(MetricInputError, match="both 'A'"):
        compare_variants(log, "ctr", control="A", treatment="A")
