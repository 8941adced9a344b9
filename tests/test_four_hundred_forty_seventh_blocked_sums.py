"""A session's revenue and cost are summed by one vectorised rule (plain sums per fixed block
of rows in log order, the blocks' totals added by Kahan's compensated sum): the report of a
log read in batches of any size must be the whole log's bit for bit, with blocks that cross
the batches' boundaries; and the batched CSV reading falls back to the whole reading only on
the parser's own errors, not on every ValueError (a fault hidden as lost speed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import recstack.metrics.online as metrics_online
import recstack.serving.online as online
from recstack.metrics.online import session_table

START = 1_796_000_000.0


def _log(*, sessions: int = 9, seed: int = 7, sort: bool = False) -> pd.DataFrame:
    """Impressions, clicks on shown items and purchases in three variants (one the control),
    with amounts whose sums differ by the order and the rule they are added in (1e9 + 0.3
    beside cents and tenths of a cent), shuffled or sorted by session."""
    rng = np.random.default_rng(seed)
    rows: list[tuple[object, ...]] = []
    for number in range(sessions):
        session, variant = f"s{number:02d}", ("control", "B", "C")[number % 3]
        for step in range(int(rng.integers(3, 12))):
            item, time = f"i{step}", START + 100 * number + 10 * step
            rows.append((session, variant, "impression", item, time, None,
                         0.001 * (step + 1)))
            if rng.random() < 0.7:
                rows.append((session, variant, "click", item, time + 3, None, 0.07))
                if rng.random() < 0.7:
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


def _blocked_kahan(values: list[float], blocks: list[int]) -> float:
    """The rule written out in Python floats: each block's values added one after another,
    then the blocks' totals, in order, by Kahan's compensated sum (Kahan 1965)."""
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


def _expected(frame: pd.DataFrame, column: str, block_rows: int) -> dict[str, float]:
    amounts = frame[column].fillna(0.0).to_numpy(np.float64)
    blocks = np.arange(len(frame)) // block_rows
    sessions = frame["session_id"].to_numpy(dtype=object)
    return {session: _blocked_kahan(amounts[sessions == session].tolist(),
                                    blocks[sessions == session].tolist())
            for session in sorted(set(sessions))}


def _whole_sessions(frame: pd.DataFrame) -> pd.DataFrame:
    return session_table(frame[["variant", "session_id", "event", "timestamp", "revenue",
                                "cost"]])


@pytest.mark.parametrize("batch_rows", [3, 4, 5, 8, 1_000])
@pytest.mark.parametrize("sort", [False, True])
@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_batches_across_block_boundaries_give_the_whole_logs_sums_bit_for_bit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch_rows: int, sort: bool,
        kind: str) -> None:
    """Blocks of 4 rows read in batches of 3, 5 (neither a multiple), 4, 8 and all at once:
    the batched readers must cut the rows into the whole log's blocks."""
    monkeypatch.setattr(metrics_online, "_SUM_BLOCK_ROWS", 4)
    monkeypatch.setattr(online, "_BATCH_ROWS", batch_rows)
    frame = _log(sort=sort)
    path = tmp_path / f"events.{kind}"
    if kind == "csv":
        frame.to_csv(path, index=False)
    else:
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path,
                       row_group_size=7)
    streamed = online._streamed_sessions(path)
    assert streamed is not None  # the batched path itself, not the whole reading
    whole = _whole_sessions(frame)
    for column in ("revenue", "cost"):
        expected = _expected(frame, column, 4)
        # repr: the shortest round-trip text of a float, equal only for the same bits
        assert {s: repr(v) for s, v in streamed[column].items()} == {
            s: repr(v) for s, v in expected.items()}, column
        assert {s: repr(v) for s, v in whole[column].items()} == {
            s: repr(v) for s, v in expected.items()}, column


def test_the_whole_logs_sums_follow_the_block_rule_with_many_blocks(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(metrics_online, "_SUM_BLOCK_ROWS", 3)
    frame = _log(sessions=30, seed=2)
    table = _whole_sessions(frame)
    expected = _expected(frame, "revenue", 3)
    assert table["revenue"].to_dict() == expected


def test_a_fault_in_the_batched_csv_reading_is_not_hidden_as_a_whole_reading(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every ValueError sent the log to the whole reading: a bug in the batched path gave a
    slower report and no sign of itself. Only the parser's own errors may."""
    path = tmp_path / "events.csv"
    _log().to_csv(path, index=False)

    def broken(self: object, events: pd.DataFrame) -> bool:
        raise ValueError("a fault of the batched path")

    monkeypatch.setattr(online._SessionSums, "add", broken)
    with pytest.raises(ValueError, match="a fault of the batched path"):
        online.online_report(path)


def test_a_line_the_parser_refuses_still_falls_back_to_the_whole_reading(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """pandas' ParserError in a later batch: the whole reading names the line, as before."""
    path = tmp_path / "events.csv"
    _log().to_csv(path, index=False)
    monkeypatch.setattr(online, "_BATCH_ROWS", 4)

    def parser_error(self: object, events: pd.DataFrame) -> bool:
        raise pd.errors.ParserError("Error tokenizing data")

    monkeypatch.setattr(online._SessionSums, "add", parser_error)
    assert online._streamed_sessions(path) is None
