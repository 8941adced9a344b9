"""``recstack online`` reads a CSV event log a batch at a time, as it reads a Parquet one:
the report must be the whole log's bit for bit (every event kind, sessions crossing the
batches' boundaries, a control arm; rows sorted by session or not), the messages of a log
with a problem must be the whole reading's word for word, and a session's revenue and cost
are summed by one rule (plain sums per block of rows in log order, the blocks' totals added by
Kahan's compensated sum) whichever way the log is read.
"""

from __future__ import annotations

import gzip
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import recstack.metrics.online as metrics_online
import recstack.serving.online as online
from recstack.errors import RecstackError
from recstack.metrics.online import _compensated_add, session_table

START = 1_796_000_000.0


def _log(*, sessions: int = 12, seed: int = 4, sort: bool = False) -> pd.DataFrame:
    """The service's event columns: impressions, clicks on shown items and purchases in
    three variants (one the control), amounts whose sums differ by the order and the rule
    they are added in (an amount near 1e9 beside cents), shuffled so that each session's
    events lie in several batches, or sorted by session."""
    rng = np.random.default_rng(seed)
    rows: list[tuple[object, ...]] = []
    for number in range(sessions):
        session, variant = f"s{number:02d}", ("control", "B", "C")[number % 3]
        for step in range(int(rng.integers(2, 9))):
            item = f"i{step}"
            time = START + 100 * number + 10 * step
            rows.append((session, variant, "impression", item, time, None, 0.001 * (step + 1)))
            if rng.random() < 0.6:
                rows.append((session, variant, "click", item, time + 3, None, 0.07))
                if rng.random() < 0.6:
                    amount = 1e9 + 0.3 if rng.random() < 0.3 else round(rng.random(), 2)
                    rows.append((session, variant, "purchase", item, time + 7, amount, None))
    frame = pd.DataFrame(rows, columns=["session_id", "variant", "event", "item_id",
                                        "timestamp", "revenue", "cost"])
    frame = (frame.sort_values("session_id", kind="stable") if sort
             else frame.sample(frac=1.0, random_state=seed)).reset_index(drop=True)
    frame["user_id"] = "u" + frame["session_id"].str[1:]
    frame["request_id"] = [f"r{row}" for row in range(len(frame))]
    frame["position"] = np.int32(1)
    return frame


def _whole(location: Path, monkeypatch: pytest.MonkeyPatch) -> online.OnlineReport:
    """The report of the log read whole, as every CSV log was."""
    with monkeypatch.context() as patched:
        patched.setattr(online, "_streamed_sessions", lambda location: None)
        return online.online_report(location)


def _assert_identical(streamed: online.OnlineReport, whole: online.OnlineReport) -> None:
    pd.testing.assert_frame_equal(streamed.metrics, whole.metrics, check_exact=True)
    # repr: a float's shortest round-trip text, equal only for the same bits (NaN too)
    assert [repr(t) for t in streamed.tests] == [repr(t) for t in whole.tests]
    assert streamed.skipped == whole.skipped
    assert streamed.control == whole.control == "control"


@pytest.mark.parametrize("batch_rows", [3, 500_000])
@pytest.mark.parametrize("sort", [False, True])
def test_a_csv_log_read_in_batches_gives_the_whole_logs_report_bit_for_bit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch_rows: int, sort: bool) -> None:
    frame = _log(sort=sort)
    assert set(frame["event"]) == {"impression", "click", "purchase"}
    path = tmp_path / "events.csv"
    frame.to_csv(path, index=False)
    monkeypatch.setattr(online, "_BATCH_ROWS", batch_rows)
    # the batched path itself (it gave None for every CSV file: the log was read whole)
    assert online._streamed_sessions(path) is not None
    with warnings.catch_warnings(record=True) as streamed_warnings:
        warnings.simplefilter("always")
        streamed = online.online_report(path)
    with warnings.catch_warnings(record=True) as whole_warnings:
        warnings.simplefilter("always")
        whole = _whole(path, monkeypatch)
    _assert_identical(streamed, whole)
    assert [str(w.message) for w in streamed_warnings] == [str(w.message)
                                                           for w in whole_warnings]
    # and the numbers are the log's, counted here by their definitions
    counts = frame.groupby("variant")["event"].value_counts().unstack(fill_value=0)
    for column, event in (("impressions", "impression"), ("clicks", "click"),
                          ("purchases", "purchase")):
        assert streamed.metrics[column].to_dict() == counts[event].to_dict()
    assert streamed.metrics["sessions"].to_dict() == frame.groupby("variant")[
        "session_id"].nunique().to_dict()


def test_a_compressed_csv_log_read_in_batches_gives_the_whole_logs_report(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "events.csv.gz"
    with gzip.open(path, "wt", newline="") as file:
        _log().to_csv(file, index=False)
    monkeypatch.setattr(online, "_BATCH_ROWS", 5)
    assert online._streamed_sessions(path) is not None
    _assert_identical(online.online_report(path), _whole(path, monkeypatch))


def test_iso_times_with_offsets_read_in_batches_give_the_whole_logs_report(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    frame = _log()
    times = pd.to_datetime(frame["timestamp"], unit="s", utc=True)
    # every other event in another zone, with microseconds: one instant, two spellings
    frame["timestamp"] = [
        (time.tz_convert("Europe/Berlin") if row % 2 else time).isoformat()
        for row, time in enumerate(times + pd.to_timedelta(frame.index * 1_001, unit="us"))]
    path = tmp_path / "events.csv"
    frame.to_csv(path, index=False)
    monkeypatch.setattr(online, "_BATCH_ROWS", 4)
    assert online._streamed_sessions(path) is not None
    _assert_identical(online.online_report(path), _whole(path, monkeypatch))


def test_a_parquet_log_read_in_batches_gives_the_whole_logs_sums_bit_for_bit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The batches' plain sums (numpy's bincount, added batch to batch) differed from the
    whole log's in the last digits of a session's revenue, and so of its variant's ROI and
    revenue per session."""
    frame = _log(sessions=30, seed=11)
    path = tmp_path / "events.parquet"
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path,
                   row_group_size=3)
    monkeypatch.setattr(online, "_BATCH_ROWS", 3)
    assert online._streamed_sessions(path) is not None
    _assert_identical(online.online_report(path), _whole(path, monkeypatch))


def _blocked_kahan(values: list[float], blocks: list[int]) -> float:
    """The documented rule written out: the values of each block (``blocks``, one number
    per value, in log order) added one after another, then the blocks' totals added by
    Kahan's compensated sum (Kahan 1965)."""
    totals: dict[int, float] = {}
    for value, block in zip(values, blocks, strict=True):
        totals[block] = totals.get(block, 0.0) + value
    total = compensation = 0.0
    for block in sorted(totals):
        corrected = totals[block] - compensation
        step = total + corrected
        compensation = (step - total) - corrected
        total = step
    return total


@pytest.mark.parametrize("sort", [False, True])
def test_a_sessions_revenue_is_summed_by_the_block_rule_in_log_order(
        sort: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """One rule, whether or not the rows are sorted by session: pandas' grouped sum is
    Kahan's on unsorted rows and numpy's pairwise sum on sorted ones, so that the same
    events gave other last digits when the log was sorted."""
    monkeypatch.setattr(metrics_online, "_SUM_BLOCK_ROWS", 7)
    frame = _log(sessions=40, seed=5, sort=sort)
    table = session_table(frame[["variant", "session_id", "event", "timestamp", "revenue",
                                 "cost"]])
    amounts = frame["revenue"].fillna(0.0)
    blocks = (np.arange(len(frame)) // 7).tolist()
    for session, revenue in table["revenue"].items():
        rows = (frame["session_id"] == session).to_numpy()
        expected = _blocked_kahan(amounts[rows].tolist(),
                                  [b for b, kept in zip(blocks, rows, strict=True) if kept])
        assert revenue == expected, session


def test_compensated_sums_of_whole_blocks_in_batches_equal_the_rule_whole(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(metrics_online, "_SUM_BLOCK_ROWS", 50)
    rng = np.random.default_rng(3)
    groups = np.where(rng.random(5_000) < 0.8, 0, rng.integers(0, 40, 5_000))  # a long tail
    values = np.round(rng.exponential(30.0, 5_000), 2)
    values[rng.random(5_000) < 0.05] = 1e9 + 0.3
    sums, compensations = np.zeros(40), np.zeros(40)
    for rows in np.array_split(np.arange(5_000), 10):  # 500 rows: ten whole blocks each
        _compensated_add(sums, compensations, groups[rows], values[rows])
    blocks = np.arange(5_000) // 50
    expected = [_blocked_kahan(values[groups == group].tolist(),
                               blocks[groups == group].tolist()) for group in range(40)]
    assert sums.tolist() == expected


def _messages(location: Path, monkeypatch: pytest.MonkeyPatch, *, whole: bool
              ) -> tuple[str | None, list[str]]:
    """The error and the warnings of the report on ``location``."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if whole:
                _whole(location, monkeypatch)
            else:
                online.online_report(location)
        except RecstackError as error:
            return str(error), [str(w.message) for w in caught]
    return None, [str(w.message) for w in caught]


def _with_problem(frame: pd.DataFrame, problem: str) -> pd.DataFrame:
    frame = frame.copy()
    last = len(frame) - 1
    if problem == "two variants":
        other = next(v for v in ("control", "B", "C") if v != frame.loc[0, "variant"])
        frame.loc[last, ["session_id", "variant"]] = [frame.loc[0, "session_id"], other]
    elif problem == "unshown click":
        click = frame.index[frame["event"] == "click"][-1]
        frame.loc[click, "item_id"] = "never-shown"
    elif problem == "repeated row":
        frame = pd.concat([frame, frame.iloc[[0]]], ignore_index=True)
    elif problem == "placeholder time":
        frame["timestamp"] = frame["timestamp"].astype(object)
        frame.loc[last, "timestamp"] = 0
    elif problem == "time beside numbers":
        frame["timestamp"] = frame["timestamp"].astype(object)
        frame.loc[last, "timestamp"] = "2026-12-01T10:00:00Z"
    elif problem == "text revenue":
        frame["revenue"] = frame["revenue"].astype(object)
        frame.loc[last, "revenue"] = "$3.50"
    elif problem == "refund":
        frame.loc[last, "revenue"] = -2.5
    return frame


@pytest.mark.parametrize("problem", ["two variants", "unshown click", "repeated row",
                                     "placeholder time", "time beside numbers",
                                     "text revenue", "refund"])
def test_a_problem_in_a_later_batch_is_told_in_the_whole_readings_words(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, problem: str) -> None:
    path = tmp_path / "events.csv"
    _with_problem(_log(), problem).to_csv(path, index=False)
    monkeypatch.setattr(online, "_BATCH_ROWS", 4)
    batched = _messages(path, monkeypatch, whole=False)
    assert batched == _messages(path, monkeypatch, whole=True)
    assert batched[0] is not None or batched[1], "the log's problem was told"


def test_a_file_cut_off_mid_write_is_warned_of_once(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "events.csv"
    path.write_text(_log().to_csv(index=False).rstrip("\n"))
    monkeypatch.setattr(online, "_BATCH_ROWS", 4)
    error, caught = _messages(path, monkeypatch, whole=False)
    assert error is None
    assert sum("the file ends without a line end" in message for message in caught) == 1
    assert (error, caught) == _messages(path, monkeypatch, whole=True)


def _peak_growth(path: Path, *, whole: bool = False) -> int:
    """Bytes the resident set of a fresh process grows by, past its imports, while it
    reports on ``path`` (batches of 50,000 rows; ``whole``: the log read whole)."""
    script = (
        "import sys, warnings\n"
        "import recstack.serving.online as online\n"
        "online._BATCH_ROWS = 50_000\n"
        + ("online._streamed_sessions = lambda location: None\n" if whole else "") +
        "def kib(field):\n"
        "    with open('/proc/self/status') as status:\n"
        "        return next(int(line.split()[1]) for line in status\n"
        "                    if line.startswith(field + ':'))\n"
        "before = kib('VmRSS')\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        "    online.online_report(sys.argv[1])\n"
        "assert not caught, [str(w.message) for w in caught]\n"
        "print((kib('VmHWM') - before) * 1024)\n")
    result = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True,
                            text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return int(result.stdout.split()[-1])


def _service_log(events: int) -> pd.DataFrame:
    """``events`` events of the service's columns, sorted by session as the service writes
    them, every click and purchase on an item its session was shown."""
    rng = np.random.default_rng(2)
    session = np.sort(rng.integers(0, events // 10, events))
    kind = rng.choice(np.array(["impression", "click", "purchase"]), events,
                      p=[0.8, 0.15, 0.05])
    kind[np.r_[True, session[1:] != session[:-1]]] = "impression"
    frame = pd.DataFrame({
        "timestamp": START + session * 0.5 + rng.uniform(0, 1800, events),
        "event": kind,
        "user_id": np.char.add("u", session.astype(str)),
        # every click and purchase on the item its session was shown first
        "item_id": np.where(kind == "impression", np.char.add(
            "i", rng.integers(0, 500, events).astype(str)), "i0"),
        "session_id": np.char.add("s", session.astype(str)),
        "variant": np.array(["control", "B", "C"])[session % 3],
        "request_id": np.char.add("r", np.arange(events).astype(str)),
        "position": rng.integers(1, 11, events).astype(np.int32),
        "revenue": np.where(kind == "purchase", rng.uniform(1, 100, events).round(2), np.nan),
        "cost": np.where(kind == "impression", 0.001, np.nan),
    })
    frame.loc[np.r_[True, session[1:] != session[:-1]], "item_id"] = "i0"
    return frame


def test_a_csv_log_takes_about_the_memory_of_the_same_parquet_log(tmp_path: Path) -> None:
    """200,000 events, as a Parquet file and as a CSV export, each in a fresh process. On
    the 2-core development machine the Parquet file grew the process by 124 MiB, the CSV
    file by 95 MiB read in batches and by 116 MiB read whole; the whole reading's share
    grows with the log (at 5 million events 1,756 MiB against the Parquet log's 847, and
    791 read in batches), which a test cannot wait for: this one keeps the batches'
    memory in line with the Parquet reading's."""
    if not Path("/proc/self/status").exists():
        pytest.skip("reads the resident set from /proc (Linux)")
    frame = _service_log(200_000)
    parquet, csv = tmp_path / "events.parquet", tmp_path / "events.csv"
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), parquet,
                   row_group_size=50_000)
    frame.to_csv(csv, index=False)
    assert online._streamed_sessions(csv) is not None
    parquet_growth, csv_growth = _peak_growth(parquet), _peak_growth(csv)
    assert csv_growth < 1.5 * parquet_growth, (
        f"CSV {csv_growth / 2**20:.0f} MiB, Parquet {parquet_growth / 2**20:.0f} MiB")
