"""Forty-eighth probe: a log folder that stays unwritable. The rows that cannot be written
wait in memory, but at most a documented cap of them (the oldest dropped beyond it and
counted in ``recstack_log_dropped_rows_total``), and ``/health`` says ``degraded`` with
the reason as ``log_error`` (it said ``ok`` while rows piled up without bound)."""

from __future__ import annotations

import shutil
import time

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.serving import request_log  # noqa: E402
from recstack.serving.request_log import (  # noqa: E402
    MIN_MAX_PENDING,
    REQUEST_SCHEMA,
    ParquetLog,
    default_max_pending,
    read_log,
)
from tests.serving.service_helpers import client, publish, settings  # noqa: E402


def _row(n: int) -> dict:
    return {"request_id": f"r{n}", "k": n}


def _wait(predicate, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.02)


def test_the_default_cap_is_ten_files_worth_at_least_the_minimum():
    assert MIN_MAX_PENDING == 100_000
    assert default_max_pending(10_000) == 100_000
    assert default_max_pending(50_000) == 500_000
    assert default_max_pending(1) == 100_000


def test_unwritten_rows_beyond_the_cap_drop_the_oldest(tmp_path):
    dropped = []
    log = ParquetLog(tmp_path / "requests", "requests", REQUEST_SCHEMA, rotate_rows=100,
                     rotate_seconds=3600, max_pending=3, on_drop=dropped.append)
    log.extend([_row(n) for n in range(1, 6)])  # five rows, three kept
    assert (log.pending_rows, log.dropped_rows, sum(dropped)) == (3, 2, 2)
    log.close()
    kept = read_log(tmp_path / "requests", "requests")
    assert kept["request_id"].tolist() == ["r3", "r4", "r5"]


def test_rows_kept_after_a_failed_write_obey_the_cap_and_the_error_is_reported(tmp_path):
    folder = tmp_path / "requests"
    dropped = []
    log = ParquetLog(folder, "requests", REQUEST_SCHEMA, rotate_rows=2, rotate_seconds=3600,
                     max_pending=5, on_drop=dropped.append)
    try:
        shutil.rmtree(folder)
        folder.write_text("not a folder")  # the folder replaced by a file
        assert log.last_error is None
        for n in range(1, 13):
            log.append(_row(n))
            time.sleep(0.01)
        _wait(lambda: log.failures > 0 and log.last_error is not None)
        assert str(folder) in log.last_error
        _wait(lambda: log.dropped_rows >= 12 - 5)
        assert log.pending_rows <= 5
        assert sum(dropped) == log.dropped_rows
        # the folder back: the next write succeeds, the newest rows kept, the error clears
        folder.unlink()
        folder.mkdir()
        log.append(_row(13))
        log.append(_row(14))
        _wait(lambda: log.last_error is None)
    finally:
        log.close()
    written = read_log(folder, "requests")["request_id"].tolist()
    assert written[-2:] == ["r13", "r14"]
    assert "r1" not in written  # the oldest were the ones dropped


def test_max_pending_is_a_whole_number_of_at_least_one(tmp_path):
    from recstack.errors import ConfigError

    for bad in (0, -1, 2.5, True, "10"):
        with pytest.raises(ConfigError, match="max_pending must be a whole number"):
            ParquetLog(tmp_path / "x", "requests", REQUEST_SCHEMA, max_pending=bad)


def test_health_degrades_with_log_error_and_dropped_rows_are_counted(tmp_path, als, train,
                                                                       monkeypatch):
    monkeypatch.setattr(request_log, "MIN_MAX_PENDING", 1)  # cap = 10 * rotate_rows = 10
    registry = publish(tmp_path / "registry", als, train)
    logs = tmp_path / "logs"
    user = str(als.users_.external_ids[0])
    with client(settings(registry, log_dir=str(logs), log_rotate_rows=1)) as http:
        health = http.get("/health").json()
        assert (health["status"], health["log"], health["log_error"]) == ("ok", "ok", None)
        # the series exist at 0 before any drop, for an alert on their rate
        assert 'recstack_log_dropped_rows_total{log="events"} 0.0' in http.get(
            "/metrics").text
        shutil.rmtree(logs / "requests")
        (logs / "requests").write_text("in the folder's place")
        for _ in range(25):
            assert http.get(f"/users/{user}/recommendations?k=2").status_code == 200
        service = http.app.state.service
        _wait(lambda: service.request_log.dropped_rows >= 15)
        health = http.get("/health").json()
        assert health["status"] == "degraded"
        assert health["log"] == "failing"
        assert health["log_error"].startswith("requests log: ")
        assert str(logs / "requests") in health["log_error"]
        assert service.request_log.pending_rows <= 10
        metrics = http.get("/metrics").text
        line = next(text for text in metrics.splitlines()
                    if text.startswith('recstack_log_dropped_rows_total{log="requests"}'))
        assert float(line.split()[-1]) == service.request_log.dropped_rows
        # the folder back: the log writes again and /health says ok
        (logs / "requests").unlink()
        (logs / "requests").mkdir()
        http.get(f"/users/{user}/recommendations?k=2")
        _wait(lambda: http.get("/health").json()["log"] == "ok")
        assert http.get("/health").json()["status"] == "ok"


def test_health_without_a_log_folder_says_none(tmp_path, als, train):
    registry = publish(tmp_path / "registry", als, train)
    with client(settings(registry)) as http:
        health = http.get("/health").json()
    assert (health["status"], health["log"], health["log_error"]) == ("ok", "none", None)
