"""Fifth bad-input probe: the request/event log's settings and rows from Python."""

from __future__ import annotations

import errno

import pytest

from recstack.errors import ConfigError, RecstackError
from recstack.serving import request_log
from recstack.serving.request_log import EVENT_SCHEMA, ParquetLog, read_log


@pytest.mark.parametrize("options, message", [
    ({"rotate_rows": 0}, "rotate_rows must be a whole number of at least 1, got 0"),
    ({"rotate_rows": 1.5}, "rotate_rows must be a whole number of at least 1, got 1.5"),
    ({"rotate_seconds": float("nan")}, "rotate_seconds must be a finite number"),
    ({"rotate_seconds": -1}, "rotate_seconds must be a finite number"),
    ({"keep_files": 0}, "keep_files must be a whole number of at least 1, got 0"),
    ({"keep_files": -1}, "keep_files must be a whole number of at least 1, got -1"),
])
def test_settings_out_of_range_are_refused_by_name(tmp_path, options, message):
    with pytest.raises(ConfigError, match=message):
        ParquetLog(tmp_path, "events", EVENT_SCHEMA, **options)


@pytest.mark.parametrize("prefix", ["", "a/b", "ev*", ".."])
def test_a_prefix_that_is_no_plain_file_name_prefix_is_refused(tmp_path, prefix):
    with pytest.raises(ConfigError, match=r"the log's prefix must be a plain file-name"):
        ParquetLog(tmp_path, prefix, EVENT_SCHEMA)


def test_a_misspelt_column_or_a_row_that_is_no_mapping_is_refused_at_append(tmp_path):
    log = ParquetLog(tmp_path, "events", EVENT_SCHEMA, rotate_seconds=3600)
    try:
        with pytest.raises(ConfigError, match=r"has no column\(s\) 'evnt'; its columns are: "
                                              r"time, timestamp, event"):
            log.append({"evnt": "click"})  # was written with event = null
        with pytest.raises(ConfigError, match=r"rows as mappings of column to value, got "
                                              r"list"):
            log.append(["click"])
    finally:
        log.close()


def test_a_row_its_columns_cannot_hold_is_dropped_by_name_and_the_rest_written(tmp_path):
    log = ParquetLog(tmp_path, "events", EVENT_SCHEMA, rotate_seconds=3600)
    log.extend([{"event": "view", "position": 1}, {"event": "click", "position": "first"},
                {"event": "buy", "position": 3}])
    # the bad row failed every write, so no row after it was ever written
    with pytest.raises(RecstackError, match=r"dropped 1 row\(s\) .* column 'position' = "
                                            r"'first'.*the other rows were written"):
        log.flush()
    assert log.rejected_rows == 1
    assert log.flush() == []
    log.close()
    frame = read_log(tmp_path, "events")
    assert frame["event"].tolist() == ["view", "buy"]
    assert frame["position"].tolist() == [1, 3]


def test_a_full_disk_is_named_and_the_rows_are_kept(tmp_path, monkeypatch):
    log = ParquetLog(tmp_path, "events", EVENT_SCHEMA, rotate_seconds=3600)
    log.append({"event": "click"})

    def full(path, write):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(request_log, "write_with", full)
    with pytest.raises(RecstackError, match=r"cannot write the events log \(No space left "
                                            r"on device\); 1 row kept to be written"):
        log.flush()
    monkeypatch.undo()
    log.close()
    assert read_log(tmp_path, "events")["event"].tolist() == ["click"]
