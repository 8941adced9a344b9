"""Every number ``recstack online`` prints, against the definitions computed here by hand
(pandas for the counts, the z-test, Newcombe's interval and the Welch-Satterthwaite degrees
of freedom written out, scipy only for the normal and t distributions and Welch's test),
on logs whose answer is known: equal variants, a clear winner, a variant without clicks,
a variant of one session, variants of unequal sizes; read from the service's log folder
(several Parquet parts) and from an exported CSV file."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from scipy import stats

from recstack.cli import main
from recstack.serving.online import online_report
from recstack.serving.request_log import EVENT_SCHEMA

START = 1_796_000_000.0


def _sessions_of(variant: str, count: int, *, ctr: float, buy: float, seed: int,
                 prefix: str | None = None) -> list[dict]:
    """``count`` sessions of ``variant``: each shown a list of 3 to 6 items, each item
    clicked with chance ``ctr``, each click bought with chance ``buy``."""
    rng = np.random.default_rng(seed)
    rows = []
    for number in range(count):
        session = f"{prefix or variant}-{number}"
        start = START + rng.integers(0, 86_400)
        for item in range(int(rng.integers(3, 7))):
            item_id = f"i{item}"
            rows.append(dict(variant=variant, session_id=session, event="impression",
                             timestamp=start, item_id=item_id, position=item + 1,
                             revenue=None, cost=0.01))
            if rng.random() < ctr:
                clicked = start + float(rng.integers(1, 300))
                rows.append(dict(variant=variant, session_id=session, event="click",
                                 timestamp=clicked, item_id=item_id, position=item + 1,
                                 revenue=None, cost=None))
                if rng.random() < buy:
                    rows.append(dict(variant=variant, session_id=session, event="purchase",
                                     timestamp=clicked + float(rng.integers(1, 900)),
                                     item_id=item_id, position=item + 1,
                                     revenue=float(rng.integers(5, 80)), cost=None))
    return rows


def _frame(rows: list[dict]) -> pd.DataFrame:
    log = pd.DataFrame(rows)
    log["user_id"] = "u-" + log["session_id"]
    return log


def _write_service_log(folder, log: pd.DataFrame, parts: int = 3, *,
                       shuffle: bool = True) -> None:
    """``log`` as the service writes it: Parquet files of EVENT_SCHEMA under events/."""
    events = folder / "events"
    events.mkdir(parents=True)
    # the service logs in the order events arrive
    shuffled = log.sample(frac=1.0, random_state=7) if shuffle else log
    for part, chunk in enumerate(np.array_split(np.arange(len(shuffled)), parts)):
        rows = shuffled.iloc[chunk]
        table = pa.table({
            "time": pa.array((rows["timestamp"].to_numpy() * 1e6).astype(np.int64),
                             pa.timestamp("us", tz="UTC")),
            "timestamp": rows["timestamp"].to_numpy(np.float64),
            "event": rows["event"].tolist(), "user_id": rows["user_id"].tolist(),
            "item_id": rows["item_id"].tolist(), "session_id": rows["session_id"].tolist(),
            "variant": rows["variant"].tolist(), "model": ["als@1"] * len(rows),
            "request_id": [None] * len(rows),
            "position": rows["position"].to_numpy(np.int32),
            "revenue": pa.array(rows["revenue"], pa.float64(), from_pandas=True),
            "cost": pa.array(rows["cost"], pa.float64(), from_pandas=True),
        }, schema=EVENT_SCHEMA)
        pq.write_table(table, events / f"events-20261201T00000{part}000000Z-7-00000{part}"
                                        ".parquet")


# ------------------------------------------------------------------ the numbers by hand
def _per_session(log: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for session, events in log.groupby("session_id"):
        kinds = events["event"].tolist()
        rows.append(dict(session_id=session, variant=events["variant"].iloc[0],
                         impressions=kinds.count("impression"), clicks=kinds.count("click"),
                         purchases=kinds.count("purchase"),
                         revenue=float(np.nansum(events["revenue"].to_numpy(float))),
                         cost=float(np.nansum(events["cost"].to_numpy(float))),
                         seconds=float(events["timestamp"].max() - events["timestamp"].min())))
    return pd.DataFrame(rows)


def _expected_table(log: pd.DataFrame) -> dict[str, dict[str, float]]:
    sessions = _per_session(log)
    table = {}
    for variant, group in sessions.groupby("variant"):
        impressions, clicks = group["impressions"].sum(), group["clicks"].sum()
        purchases, revenue, cost = (group["purchases"].sum(), group["revenue"].sum(),
                                    group["cost"].sum())
        table[variant] = dict(
            sessions=len(group), impressions=impressions, clicks=clicks,
            purchases=purchases,
            ctr=clicks / impressions if impressions else math.nan,
            conversion_rate=purchases / clicks if clicks else math.nan,
            bounce_rate=float(((group["clicks"] + group["purchases"]) == 0).mean()),
            roi=(revenue - cost) / cost if cost else math.nan,
            engagement=float(group["seconds"].mean()),
            revenue_per_session=float(group["revenue"].mean()))
    return table


def _wilson(successes: int, trials: int, z: float) -> tuple[float, float]:
    """The Wilson score interval in its textbook form, centre plus or minus half width."""
    share = successes / trials
    denominator = 1 + z * z / trials
    centre = (share + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(share * (1 - share) / trials + z * z / (4 * trials * trials)) \
        / denominator
    return centre - half, centre + half


def _z_test(x_c: int, n_c: int, x_t: int, n_t: int, alpha: float) -> dict[str, float]:
    p_c, p_t = x_c / n_c, x_t / n_t
    pooled = (x_c + x_t) / (n_c + n_t)
    z = (p_t - p_c) / math.sqrt(pooled * (1 - pooled) * (1 / n_c + 1 / n_t))
    critical = stats.norm.ppf(1 - alpha / 2)
    (l_c, u_c), (l_t, u_t) = _wilson(x_c, n_c, critical), _wilson(x_t, n_t, critical)
    difference = p_t - p_c
    return dict(control_value=p_c, treatment_value=p_t, difference=difference,
                statistic=z, p_value=2 * stats.norm.sf(abs(z)),
                ci_low=difference - math.sqrt((p_t - l_t) ** 2 + (u_c - p_c) ** 2),
                ci_high=difference + math.sqrt((u_t - p_t) ** 2 + (p_c - l_c) ** 2))


def _welch(control: np.ndarray, treatment: np.ndarray, alpha: float) -> dict[str, float]:
    v_c, v_t = control.var(ddof=1) / len(control), treatment.var(ddof=1) / len(treatment)
    freedom = (v_c + v_t) ** 2 / (v_c ** 2 / (len(control) - 1)
                                  + v_t ** 2 / (len(treatment) - 1))
    difference = treatment.mean() - control.mean()
    half = stats.t.ppf(1 - alpha / 2, freedom) * math.sqrt(v_c + v_t)
    scipy_result = stats.ttest_ind(treatment, control, equal_var=False)
    return dict(control_value=control.mean(), treatment_value=treatment.mean(),
                difference=difference, statistic=difference / math.sqrt(v_c + v_t),
                p_value=float(scipy_result.pvalue), ci_low=difference - half,
                ci_high=difference + half)


def _expected_test(log: pd.DataFrame, metric: str, control: str, treatment: str,
                   alpha: float) -> dict[str, float]:
    sessions = _per_session(log)
    groups = {name: sessions[sessions["variant"] == name] for name in (control, treatment)}
    if metric in ("engagement", "revenue_per_session"):
        column = "seconds" if metric == "engagement" else "revenue"
        return _welch(groups[control][column].to_numpy(float),
                      groups[treatment][column].to_numpy(float), alpha)
    if metric == "bounce_rate":
        counts = [(int(((g["clicks"] + g["purchases"]) == 0).sum()), len(g))
                  for g in groups.values()]
    else:
        numerator, denominator = {"ctr": ("clicks", "impressions"),
                                  "conversion_rate": ("purchases", "clicks")}[metric]
        counts = [(int(g[numerator].sum()), int(g[denominator].sum()))
                  for g in groups.values()]
    return _z_test(*counts[0], *counts[1], alpha)


def _check_report(report, log: pd.DataFrame, alpha: float, tests: int) -> None:
    expected = _expected_table(log)
    assert sorted(report.metrics.index) == sorted(expected)
    for variant, values in expected.items():
        for column, value in values.items():
            got = report.metrics.at[variant, column]
            if math.isnan(value):
                assert math.isnan(got), (variant, column, got)
            else:
                assert got == pytest.approx(value, rel=1e-12, abs=1e-12), (variant, column)
    assert len(report.tests) == tests, report.skipped
    for result in report.tests:
        want = _expected_test(log, result.metric, result.control, result.treatment, alpha)
        for name, value in want.items():
            assert getattr(result, name) == pytest.approx(value, rel=1e-9, abs=1e-12), \
                (result.metric, result.treatment, name)
        assert result.confidence == pytest.approx(1 - alpha)


# --------------------------------------------------------------------------- the logs
def _clear_winner() -> pd.DataFrame:
    return _frame(_sessions_of("control", 400, ctr=0.05, buy=0.2, seed=1)
                  + _sessions_of("B", 400, ctr=0.25, buy=0.4, seed=2))


def test_a_clear_winner_read_from_the_service_log_folder(tmp_path):
    log = _clear_winner()
    _write_service_log(tmp_path, log)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a clean log raises no warning at all
        report = online_report(tmp_path, alpha=0.05)
    _check_report(report, log, 0.05, tests=5)
    ctr = next(t for t in report.tests if t.metric == "ctr")
    assert ctr.p_value < 1e-10 and ctr.ci_low > 0.1  # B's CTR five times control's


def test_equal_variants_give_a_difference_of_zero_and_a_p_value_of_one(tmp_path):
    # the same sessions under two names: every difference is 0 exactly
    same = _sessions_of("control", 120, ctr=0.2, buy=0.3, seed=3)
    twin = [dict(row, variant="B", session_id="twin-" + row["session_id"]) for row in same]
    log = _frame(same + twin)
    _write_service_log(tmp_path, log)
    report = online_report(tmp_path, alpha=0.1)
    _check_report(report, log, 0.1, tests=5)
    for result in report.tests:
        assert result.difference == 0 and result.p_value == pytest.approx(1.0)
        assert result.ci_low < 0 < result.ci_high


def test_unequal_sizes_and_a_variant_without_clicks_from_a_csv_export(tmp_path):
    log = _frame(_sessions_of("control", 300, ctr=0.1, buy=0.5, seed=4)
                 + _sessions_of("B", 40, ctr=0.3, buy=0.5, seed=5)
                 + _sessions_of("C", 25, ctr=0.0, buy=0.0, seed=6))
    path = tmp_path / "events.csv"
    log.sample(frac=1.0, random_state=3).to_csv(path, index=False)
    report = online_report(path, alpha=0.01)
    # C has no click: its conversion rate is undefined and is not tested; its CTR and
    # bounce rate (every session bounced) are
    _check_report(report, log, 0.01, tests=9)
    assert math.isnan(report.metrics.at["C", "conversion_rate"])
    assert report.metrics.at["C", "bounce_rate"] == 1.0
    assert any(note.startswith("conversion_rate C vs control: ") and "has no clicks" in note
               for note in report.skipped), report.skipped


def test_a_variant_of_one_session_is_tested_on_its_rates_only(tmp_path):
    log = _frame(_sessions_of("control", 60, ctr=0.3, buy=0.5, seed=8)
                 + _sessions_of("B", 1, ctr=1.0, buy=1.0, seed=9))
    _write_service_log(tmp_path, log, parts=2)
    report = online_report(tmp_path)
    # a t-test needs two sessions a variant: engagement and revenue are not tested
    _check_report(report, log, 0.05, tests=3)
    assert sorted(t.metric for t in report.tests) == ["bounce_rate", "conversion_rate",
                                                      "ctr"]
    assert sum("has 1 session" in note for note in report.skipped) == 2


def test_the_printed_table_shows_the_numbers_by_hand(tmp_path, capsys):
    log = _clear_winner()
    _write_service_log(tmp_path, log)
    assert main(["online", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    expected = _expected_table(log)
    rows = {line.split(" | ")[0].strip("| "): line.strip("|").split("|")
            for line in out.splitlines() if line.startswith(("| control ", "| B "))}
    columns = ["sessions", "impressions", "clicks", "purchases", "ctr", "conversion_rate",
               "bounce_rate", "roi", "engagement", "revenue_per_session"]
    for variant, cells in rows.items():
        printed = [float(cell.strip().replace(",", "")) for cell in cells[1:]]
        for column, value in zip(columns, printed, strict=True):
            # printed to 4 significant digits (whole numbers of 1 and more in full)
            assert value == pytest.approx(expected[variant][column], rel=5e-4), \
                (variant, column)
    test_rows = [line for line in out.splitlines() if line.startswith("| ctr | B |")]
    (ctr_row,) = test_rows
    want = _expected_test(log, "ctr", "control", "B", 0.05)
    assert f"{want['difference']:.4g}" in ctr_row
    assert f"[{want['ci_low']:.4g}, {want['ci_high']:.4g}]" in ctr_row


def test_the_report_does_not_depend_on_the_order_the_events_were_logged(tmp_path):
    # events out of time order (two workers, a client's late batch) and a clock set back
    # mid-session change neither a count nor a session's length (its last minus its first)
    log = _clear_winner()
    first, second = tmp_path / "a", tmp_path / "b"
    _write_service_log(first, log.sort_values("timestamp"), parts=1, shuffle=False)
    _write_service_log(second, log.sort_values("timestamp").iloc[::-1], parts=4,
                       shuffle=False)
    left, right = online_report(first), online_report(second)
    pd.testing.assert_frame_equal(left.metrics, right.metrics)
    assert [t.p_value for t in left.tests] == [t.p_value for t in right.tests]
