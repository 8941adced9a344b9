"""A real service stopped while one of its logs cannot be written (its folder replaced by
a file) writes the other log, says in one line which file and how many rows were not
written, and stops cleanly: the failing log's error came through the shutdown as a
traceback ("Application shutdown failed"), and the event log was never closed, losing its
rows too."""

from __future__ import annotations

import shutil
import signal
import subprocess
import time

import httpx
import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.serving.request_log import read_log  # noqa: E402
from tests.serving.service_helpers import publish, start_service  # noqa: E402


def _stop(process: subprocess.Popen) -> tuple[int, str]:
    process.send_signal(signal.SIGTERM)
    try:
        code = process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
    return (0 if code == -signal.SIGTERM else code), process.stdout.read()


def test_a_log_that_cannot_be_written_at_shutdown_is_one_line_and_spares_the_other(
        tmp_path, als, train):
    registry = publish(tmp_path / "registry", als, train)
    logs = tmp_path / "logs"
    process, url = start_service(tmp_path, registry, "--log-dir", str(logs))
    try:
        users = [str(u) for u in als.users_.external_ids[:3]]
        for user in users:
            assert httpx.get(f"{url}/users/{user}/recommendations", params={"k": 2},
                             timeout=30).status_code == 200
        now = time.time()
        events = [{"event": "click", "user_id": users[0], "item_id":
                   str(als.items_.external_ids[0]), "timestamp": now}] * 2
        assert httpx.post(f"{url}/events", json={"events": events},
                          timeout=30).status_code == 202
        shutil.rmtree(logs / "requests")
        (logs / "requests").write_text("the folder was replaced by a file")
    except BaseException:
        process.kill()
        raise
    code, output = _stop(process)
    assert code == 0, output
    assert "Traceback" not in output and "shutdown failed" not in output.lower(), output
    lines = [line for line in output.splitlines() if "closing the requests log" in line]
    assert len(lines) == 1, output
    assert str(logs / "requests" / "requests-") in lines[0]
    assert "its last 3 row(s) could not be written" in lines[0]
    # the event log was still written
    assert len(read_log(logs / "events", "events")) == 2
    assert (logs / "requests").read_text() == "the folder was replaced by a file"
