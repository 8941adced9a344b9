"""Two-hundred-forty-sixth bad-input probe of the request log: a write that fails (a full
disk) was warned at every try, one every ``rotate_seconds`` in every worker for as long as
the disk stayed full, each warning saying twice that the rows were kept ("could not write
(...; 1 row(s) are kept and written at the next try); rows kept for the next try"), and
nothing was said when the writes went through again. A reason is now said once, and once
more when the log is written again."""

from __future__ import annotations

import errno
import logging
import time

import pyarrow as pa
import pytest

from recstack.errors import RecstackError
from recstack.serving import request_log
from recstack.serving.request_log import ParquetLog, read_log

SCHEMA = pa.schema([("a", pa.int64())])
LOGGER = "recstack.serving.request_log"


def _until(condition, what: str) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


def _warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.name == LOGGER and r.levelno >= logging.WARNING]


def test_a_full_disk_is_said_once_and_its_end_once(tmp_path, monkeypatch, caplog):
    real = request_log.write_with

    def full(path, write):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(request_log, "write_with", full)
    # rotate_rows=1: each row wakes the writer at once; rotate_seconds keeps time out of it
    log = ParquetLog(tmp_path, "requests", SCHEMA, rotate_rows=1, rotate_seconds=3600)
    with caplog.at_level(logging.DEBUG, logger=LOGGER):
        for number in range(1, 4):
            log.append({"a": number})
            _until(lambda number=number: log.failures == number, f"failed try {number}")
        assert _warnings(caplog) == [
            f"requests log: {tmp_path}: cannot write the requests log (No space left on "
            "device); 1 row kept to be written at the next try; said once until a write "
            "succeeds (the service counts each try in recstack_log_failures_total)"]
        # the later tries are still in the debug log, with the rows held then
        debug = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG
                 and r.name == LOGGER]
        assert any("; 3 rows kept to be written at the next try" in m for m in debug), debug
        monkeypatch.setattr(request_log, "write_with", real)
        log.append({"a": 4})
        _until(lambda: log.pending_rows == 0, "the held rows written")
        _until(lambda: len(_warnings(caplog)) == 2, "the writes said to go through again")
    assert _warnings(caplog)[1] == (f"requests log: written again in {tmp_path} after 3 "
                                    "tries that failed (No space left on device)")
    log.close()
    assert sorted(read_log(tmp_path, "requests")["a"]) == [1, 2, 3, 4]


def test_another_reason_is_said_again(tmp_path, monkeypatch, caplog):
    reasons = iter([(errno.ENOSPC, "No space left on device"),
                    (errno.ENOSPC, "No space left on device"),
                    (errno.EACCES, "Permission denied")])

    def failing(path, write):
        raise OSError(*next(reasons), str(path))

    monkeypatch.setattr(request_log, "write_with", failing)
    log = ParquetLog(tmp_path, "requests", SCHEMA, rotate_rows=1, rotate_seconds=3600)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        for number in range(1, 4):
            log.append({"a": number})
            _until(lambda number=number: log.failures == number, f"failed try {number}")
    said = _warnings(caplog)
    assert len(said) == 2, said
    assert "(No space left on device); 1 row kept" in said[0]
    assert "(Permission denied); 3 rows kept" in said[1]
    monkeypatch.setattr(request_log, "write_with",
                        lambda path, write: (_ for _ in ()).throw(OSError(errno.EIO, "I/O")))
    with pytest.raises(RecstackError, match="its last 3 row"):
        log.close()
