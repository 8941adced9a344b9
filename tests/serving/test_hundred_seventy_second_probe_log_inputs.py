"""The request and event logs, and the serving functions' numeric arguments
(hundred_seventy_second probe):

- a folder named like a log file (``events-....parquet/``) was read by arrow as a dataset
  of whatever Parquet files it held: none, silently, or another log's rows;
- a log folder given where a file stands said "cannot be created (File exists)";
- ``extend`` of one row (a mapping) read it key by key: "got str";
- rows a column could not hold were logged as "could not write ...; rows kept for the next
  try", the opposite of what happened (the others were written, these dropped);
- numpy's numbers were refused as no numbers: ``rotate_rows=np.int64(10)`` "must be a whole
  number ..., got np.int64(10)", as were check_skew's tolerance and limit, render_skew's
  show, online_report's alpha, recommendation_batches' batch_size and a two-stage index's
  ``ef``.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest

from recstack.errors import ConfigError, RecstackError
from recstack.serving.request_log import EVENT_SCHEMA, ParquetLog, read_log

CLICK = {"event": "click", "user_id": "1", "item_id": "2", "position": 1}


def _written_log(folder):
    log = ParquetLog(folder, "events", EVENT_SCHEMA, rotate_rows=2, rotate_seconds=100)
    log.extend([CLICK] * 3)
    log.close()
    return folder


def test_a_folder_named_like_a_log_file_is_refused_by_name(tmp_path):
    folder = _written_log(tmp_path / "events")
    assert len(read_log(folder, "events")) == 3
    odd = folder / "events-99999999T000000000000Z-1-000001.parquet"
    odd.mkdir()
    # another log's file inside it was read as this log's rows
    pd.DataFrame({"event": ["purchase"]}).to_parquet(odd / "part-0.parquet")
    with pytest.raises(RecstackError) as raised:
        read_log(folder, "events")
    assert str(raised.value) == (f"{odd}: a folder, not a log file; move it out of {folder} "
                                 "or delete it to read the rest of the log")


def test_a_file_where_the_log_folder_belongs_is_said_to_be_one(tmp_path):
    (tmp_path / "logs").write_text("x")
    with pytest.raises(ConfigError, match=r"cannot be created \(.*logs is a file\); give "
                                          r"log_dir"):
        ParquetLog(tmp_path / "logs", "events", EVENT_SCHEMA)


def test_extend_with_one_row_says_to_give_a_list(tmp_path):
    log = ParquetLog(tmp_path / "events", "events", EVENT_SCHEMA)
    try:
        with pytest.raises(ConfigError, match=r"extend takes a list of rows .*got a dict; "
                                              r"give \[row\], or use append\(row\)"):
            log.extend(CLICK)
        log.extend(iter([CLICK]))  # any iterable of rows is a list of rows
        assert log.pending_rows == 1
    finally:
        log.close()


def test_rows_refused_on_the_writer_thread_are_said_dropped_not_kept(tmp_path, caplog):
    log = ParquetLog(tmp_path / "events", "events", EVENT_SCHEMA, rotate_rows=2,
                     rotate_seconds=100)
    with caplog.at_level(logging.WARNING, logger="recstack.serving.request_log"):
        log.extend([{**CLICK, "position": "x"}, CLICK])  # full: the thread writes them
        log.close()
    messages = [r.getMessage() for r in caplog.records]
    assert any("dropped 1 row(s) its columns cannot hold" in m for m in messages), messages
    assert not any("rows kept for the next try" in m for m in messages), messages
    assert log.failures == 0 and log.rejected_rows == 1
    assert len(read_log(tmp_path / "events", "events")) == 1


def test_numpy_counts_are_counts(tmp_path):
    log = ParquetLog(tmp_path / "events", "events", EVENT_SCHEMA,
                     rotate_rows=np.int64(2), keep_files=np.int32(1),
                     max_pending=np.uint16(500), rotate_seconds=np.float32(100))
    log.extend([CLICK] * 5)
    log.close()
    assert (log.rotate_rows, log.keep_files, log.max_pending) == (2, 1, 500)
    assert type(log.rotate_rows) is int and type(log.keep_files) is int
    # 5 rows by 2: three files written, the newest one kept (one row)
    assert log.files_written == 3 and len(read_log(tmp_path / "events", "events")) == 1
    for bad, shown in ((np.int64(0), "got 0"), (np.True_, "got True"),
                       (np.float64(2.0), "got 2.0")):
        with pytest.raises(ConfigError, match=f"rotate_rows must be a whole number of at "
                                              f"least 1, {shown}"):
            ParquetLog(tmp_path / "other", "events", EVENT_SCHEMA, rotate_rows=bad)
    with pytest.raises(ConfigError, match="rotate_seconds must be a finite number of "
                                          "seconds above 0, got nan"):
        ParquetLog(tmp_path / "other", "events", EVENT_SCHEMA, rotate_seconds=np.float32("nan"))


def test_check_skew_takes_numpy_numbers(tmp_path):
    from recstack.serving.skew import SkewReport, check_skew, render_skew

    # the arguments pass their checks: the (missing) log is what is refused
    with pytest.raises(RecstackError) as raised:
        check_skew(tmp_path / "no-logs", tmp_path / "registry",
                   tolerance=np.float32(1e-3), limit=np.int64(5))
    assert not isinstance(raised.value, ConfigError), raised.value
    assert "no-logs" in str(raised.value)
    with pytest.raises(ConfigError, match=r"tolerance must be a finite number >= 0 .*got "
                                          r"nan"):
        check_skew(tmp_path, tmp_path, tolerance=np.float32("nan"))
    with pytest.raises(ConfigError, match=r"limit must be .*got 0"):
        check_skew(tmp_path, tmp_path, limit=np.int64(0))
    assert render_skew(SkewReport(), show=np.int64(3)).startswith(
        "requests recomputed: 0; with a mismatch: 0 (n/a)")
    with pytest.raises(ConfigError, match=r"show must be .*got -1"):
        render_skew(SkewReport(), show=np.int64(-1))


def test_online_report_takes_a_numpy_alpha(tmp_path):
    from recstack.serving.online import online_report

    with pytest.raises(RecstackError) as raised:
        online_report(tmp_path / "no-events", alpha=np.float32(0.05))
    assert "alpha" not in str(raised.value) and "no-events" in str(raised.value)
    with pytest.raises(RecstackError, match=r"alpha must be between 0 and 1 \(exclusive\), "
                                            r"got 1.5"):
        online_report(tmp_path, alpha=np.float64(1.5))


def test_recommendation_batches_take_a_numpy_batch_size(popular, train):
    from recstack.serving.commands import recommendation_batches

    users = train.users.to_external([0, 1, 2, 3, 4])
    batches = list(recommendation_batches(popular, users, 3, batch_size=np.int64(2)))
    assert [b["user_id"].nunique() for b in batches] == [2, 2, 1]
    expected = pd.concat(recommendation_batches(popular, users, 3, batch_size=2))
    pd.testing.assert_frame_equal(pd.concat(batches), expected)
    with pytest.raises(ConfigError, match="batch_size must be a positive integer, got 0"):
        list(recommendation_batches(popular, users, 3, batch_size=np.int64(0)))


def test_a_numpy_ef_is_an_ef():
    from recstack.serving.two_stage import _index_options

    options = _index_options({"ef": np.int64(64)})
    assert options == {"ef": 64} and type(options["ef"]) is int
    with pytest.raises(ConfigError, match="ef must be a positive integer, got 0"):
        _index_options({"ef": np.int64(0)})
