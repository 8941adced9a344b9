"""``recstack online`` reads a Parquet log a batch at a time: the numbers do not depend on
where the batches, row groups or part files begin, and the checks that need every row
(repeated rows and event ids, a session in two variants, variants alike but for case,
clicks on items never shown, placeholder times) still fire when the rows concerned lie in
different batches."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from scipy import stats

import recstack.serving.online as online
from recstack.errors import RecstackError

START = 1_796_000_000.0


def _events() -> pd.DataFrame:
    """A small log of the service's columns: three variants, sessions spread over every
    part, some without clicks, revenue on purchases and a cost on impressions."""
    rng = np.random.default_rng(7)
    rows = []
    for number in range(30):
        session, variant = f"s{number:02d}", ("control", "B", "C")[number % 3]
        for step in range(int(rng.integers(1, 6))):
            item = f"i{step}"
            rows.append((session, variant, "impression", item, START + number + 10 * step,
                         None, 0.25))
            if rng.random() < 0.5:
                rows.append((session, variant, "click", item, START + number + 10 * step + 3,
                             None, None))
                if rng.random() < 0.4:
                    rows.append((session, variant, "purchase", item,
                                 START + number + 10 * step + 7,
                                 float(rng.integers(1, 40)), None))
    frame = pd.DataFrame(rows, columns=["session_id", "variant", "event", "item_id",
                                        "timestamp", "revenue", "cost"])
    # shuffled, so that each session's events lie in several row groups and parts
    frame = frame.sample(frac=1.0, random_state=3).reset_index(drop=True)
    frame["user_id"] = "u" + frame["session_id"].str[1:]
    frame["request_id"] = [f"r{row}" for row in range(len(frame))]
    frame["position"] = np.int32(1)
    return frame


def _write_log(folder: Path, frame: pd.DataFrame, parts: int = 3, group_rows: int = 4) -> Path:
    events = folder / "events"
    events.mkdir(parents=True)
    for number, rows in enumerate(np.array_split(np.arange(len(frame)), parts), start=1):
        table = pa.Table.from_pandas(frame.iloc[rows], preserve_index=False)
        pq.write_table(table, events / f"events-20261201T00000{number}000000Z-1-1.parquet",
                       row_group_size=group_rows)
    return folder


def _expected(frame: pd.DataFrame) -> pd.DataFrame:
    """The metrics per variant by their definitions, with pandas alone."""
    frame = frame.assign(revenue=frame["revenue"].fillna(0.0), cost=frame["cost"].fillna(0.0))
    sessions = frame.groupby("session_id").agg(
        variant=("variant", "first"),
        impressions=("event", lambda e: int((e == "impression").sum())),
        clicks=("event", lambda e: int((e == "click").sum())),
        purchases=("event", lambda e: int((e == "purchase").sum())),
        revenue=("revenue", "sum"), cost=("cost", "sum"),
        duration=("timestamp", lambda t: t.max() - t.min()))
    sessions["bounced"] = (sessions["clicks"] + sessions["purchases"]) == 0
    by_variant = sessions.groupby("variant")
    table = by_variant[["impressions", "clicks", "purchases", "revenue", "cost"]].sum()
    table["sessions"] = by_variant.size()
    table["ctr"] = table["clicks"] / table["impressions"]
    table["conversion_rate"] = table["purchases"] / table["clicks"]
    table["bounce_rate"] = by_variant["bounced"].mean()
    table["roi"] = (table["revenue"] - table["cost"]) / table["cost"]
    table["engagement"] = by_variant["duration"].mean()
    table["revenue_per_session"] = by_variant["revenue"].mean()
    return table


@pytest.mark.parametrize("batch_rows", [2, 7, 500_000])
def test_metrics_match_pandas_whatever_the_batches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   batch_rows: int) -> None:
    frame = _events()
    folder = _write_log(tmp_path, frame)
    monkeypatch.setattr(online, "_BATCH_ROWS", batch_rows)
    # the streamed path itself, not the whole log read as before
    assert online._streamed_sessions(folder) is not None
    report = online.online_report(folder)
    expected = _expected(frame)
    assert list(report.metrics.index) == ["B", "C", "control"]
    for column in ("sessions", "impressions", "clicks", "purchases"):
        assert report.metrics[column].tolist() == expected.loc[report.metrics.index,
                                                               column].tolist()
    for column in ("revenue", "cost", "ctr", "conversion_rate", "bounce_rate", "roi",
                   "engagement", "revenue_per_session"):
        np.testing.assert_allclose(report.metrics[column].to_numpy(),
                                   expected.loc[report.metrics.index, column].to_numpy(),
                                   rtol=1e-12)
    # engagement's test against scipy's Welch test on the session durations
    durations = frame.groupby("session_id")["timestamp"].agg(lambda t: t.max() - t.min())
    variant_of = frame.groupby("session_id")["variant"].first()
    test = next(t for t in report.tests if t.metric == "engagement" and t.treatment == "B")
    reference = stats.ttest_ind(durations[variant_of == "B"],
                                durations[variant_of == "control"], equal_var=False)
    assert test.p_value == pytest.approx(reference.pvalue, rel=1e-10)


def test_one_parquet_file_of_row_groups(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    frame = _events()
    path = tmp_path / "events.parquet"
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path, row_group_size=5)
    monkeypatch.setattr(online, "_BATCH_ROWS", 2)
    assert online._streamed_sessions(path) is not None
    report = online.online_report(path)
    expected = _expected(frame)
    assert report.metrics["clicks"].tolist() == expected.loc[report.metrics.index,
                                                             "clicks"].tolist()
    np.testing.assert_allclose(report.metrics["engagement"].to_numpy(),
                               expected.loc[report.metrics.index, "engagement"].to_numpy(),
                               rtol=1e-12)


def _measured(folder: Path) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning here is a test's failure
        return online.online_report(folder).metrics


def test_a_repeated_row_in_another_row_group_is_warned_of(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    frame = _events()
    # the last row again, at the end of the last part: batches apart from its copy
    folder = _write_log(tmp_path, pd.concat([frame, frame.iloc[[0]]], ignore_index=True))
    monkeypatch.setattr(online, "_BATCH_ROWS", 3)
    with pytest.warns(UserWarning, match=r"1 row\(s\) repeat an earlier row in every column"):
        online.online_report(folder)


def test_a_repeated_event_id_in_another_part_is_refused(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    frame = _events()
    frame["event_id"] = [f"e{row}" for row in range(len(frame))]
    frame.loc[len(frame) - 1, "event_id"] = "e0"
    folder = _write_log(tmp_path, frame)
    monkeypatch.setattr(online, "_BATCH_ROWS", 3)
    with pytest.raises(RecstackError, match="'event_id' holds 'e0'"):
        online.online_report(folder)


def test_a_session_in_two_variants_across_parts_is_refused(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    frame = _events()
    last = len(frame) - 1
    session = frame.loc[0, "session_id"]
    other = next(v for v in ("control", "B", "C") if v != frame.loc[0, "variant"])
    frame.loc[last, ["session_id", "variant"]] = [session, other]
    folder = _write_log(tmp_path, frame)
    monkeypatch.setattr(online, "_BATCH_ROWS", 3)
    with pytest.raises(RecstackError, match=f"session '{session}' appears in more than one "
                                            "variant"):
        online.online_report(folder)


def test_variants_alike_but_for_case_in_two_batches_are_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    frame = _events()
    frame.loc[frame["variant"] == "B", "variant"] = "b"
    frame.loc[len(frame) - 1, ["session_id", "variant"]] = ["s99", "B"]
    folder = _write_log(tmp_path, frame)
    monkeypatch.setattr(online, "_BATCH_ROWS", 3)
    with pytest.raises(RecstackError, match="which read alike but would be two different keys"):
        online.online_report(folder)


def test_a_click_on_an_item_shown_in_another_batch_only_is_not_warned_of(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    frame = _events()
    clicks = frame.index[frame["event"] == "click"]
    impressions = frame.index[frame["event"] == "impression"]
    # every click after every impression: batches of one row hold them apart
    frame = pd.concat([frame.loc[impressions], frame.loc[clicks],
                       frame.drop(index=clicks.union(impressions))], ignore_index=True)
    folder = _write_log(tmp_path, frame)
    monkeypatch.setattr(online, "_BATCH_ROWS", 1)
    assert _measured(folder)["clicks"].sum() == len(clicks)


def test_a_click_on_an_item_never_shown_is_warned_of_across_batches(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    frame = _events()
    click = frame.index[frame["event"] == "click"][-1]
    frame.loc[click, "item_id"] = "never-shown"
    folder = _write_log(tmp_path, frame)
    monkeypatch.setattr(online, "_BATCH_ROWS", 2)
    with pytest.warns(UserWarning, match=r"1 click\(s\) on an item their session never"):
        online.online_report(folder)


def test_a_placeholder_time_in_another_batch_is_refused(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    frame = _events()
    frame.loc[len(frame) - 1, "timestamp"] = 0.0
    folder = _write_log(tmp_path, frame)
    # a batch of the placeholder alone: only the batches together hold both kinds of time
    monkeypatch.setattr(online, "_BATCH_ROWS", 1)
    with pytest.raises(RecstackError, match="a placeholder"):
        online.online_report(folder)
