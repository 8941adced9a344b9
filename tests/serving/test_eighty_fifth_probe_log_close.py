"""A log whose last rows cannot be written at close (the disk full, the folder replaced)
says which file, how many rows were not written and why, in the project's words; the
files written before stay complete and readable, nothing half-written is left, and the
rows stay held so that ``flush`` can try again. ``close`` re-raised the writer's error
as it was: a raw exception from pyarrow, or a message promising "written at the next try"
when, the log closed, there was none."""

from __future__ import annotations

import errno
import shutil

import pyarrow.parquet as pq
import pytest

from recstack.errors import RecstackError
from recstack.serving.request_log import EVENT_SCHEMA, ParquetLog, read_log


def _rows(start: int, n: int) -> list[dict]:
    return [{"event": "click", "user_id": str(i), "item_id": "a"} for i in
            range(start, start + n)]


def _log(folder) -> ParquetLog:
    # no rotation by size or time during the test: only flush and close write
    return ParquetLog(folder, "events", EVENT_SCHEMA, rotate_rows=1000, rotate_seconds=3600)


def _no_leftovers(folder) -> None:
    assert [p.name for p in folder.iterdir() if "recstack-tmp" in p.name] == []


@pytest.mark.parametrize("failure", ["disk full", "writer bug"])
def test_close_that_cannot_write_names_the_file_and_the_rows_not_written(
        tmp_path, monkeypatch, failure):
    folder = tmp_path / "logs"
    log = _log(folder)
    log.extend(_rows(0, 2))
    (first,) = log.flush()

    def failing(*args, **kwargs):
        if failure == "disk full":
            raise OSError(errno.ENOSPC, "No space left on device")
        raise RuntimeError("the writer broke")

    log.extend(_rows(2, 3))
    monkeypatch.setattr(pq, "write_table", failing)
    with pytest.raises(RecstackError) as caught:
        log.close()
    message = str(caught.value)
    assert type(caught.value) is RecstackError
    assert message.startswith(str(folder / "events-")) and ".parquet: closing the events log"\
        in message
    assert "its last 3 row(s) could not be written" in message
    assert ("(No space left on device)" if failure == "disk full"
            else "(the writer broke)") in message
    assert "next try" not in message  # no rotation follows a close
    assert "1 file(s) written before are complete" in message
    _no_leftovers(folder)
    assert [p.name for p in folder.glob("*.parquet")] == [first.name]
    assert read_log(folder, "events")["user_id"].tolist() == ["0", "1"]
    # the rows are held: once the folder can be written again, flush writes them
    assert log.pending_rows == 3
    monkeypatch.undo()
    log.flush()
    assert read_log(folder, "events")["user_id"].tolist() == ["0", "1", "2", "3", "4"]
    log.close()  # closed already: nothing more to say


def test_close_after_the_folder_was_replaced_by_a_file(tmp_path):
    folder = tmp_path / "logs"
    log = _log(folder)
    log.extend(_rows(0, 4))
    shutil.rmtree(folder)
    folder.write_text("not a folder")  # a real failure: the path is a file now
    with pytest.raises(RecstackError) as caught:
        log.close()
    message = str(caught.value)
    assert "closing the events log, its last 4 row(s) could not be written" in message
    assert str(folder) in message and "Traceback" not in message
    assert "0 file(s) written before" in message
    assert log.pending_rows == 4
    assert folder.read_text() == "not a folder"


def test_close_that_writes_says_nothing(tmp_path):
    log = _log(tmp_path / "logs")
    log.extend(_rows(0, 2))
    log.close()
    assert read_log(tmp_path / "logs", "events")["user_id"].tolist() == ["0", "1"]


def test_old_files_that_cannot_be_deleted_do_not_fail_the_write(tmp_path, monkeypatch,
                                                               caplog):
    from pathlib import Path

    folder = tmp_path / "logs"
    log = ParquetLog(folder, "events", EVENT_SCHEMA, rotate_rows=1000, rotate_seconds=3600,
                     keep_files=1)
    log.extend(_rows(0, 1))
    log.flush()
    log.extend(_rows(1, 1))

    def refuse(self, missing_ok=False):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "unlink", refuse)
    written = log.flush()  # was a raw PermissionError
    monkeypatch.undo()
    assert len(written) == 1 and log.pending_rows == 0
    assert "could not delete old file(s) beyond keep_files=1" in caplog.text
    assert read_log(folder, "events")["user_id"].tolist() == ["0", "1"]
    log.close()
