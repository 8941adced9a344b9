"""Hundred-twenty-fourth probe: a Redis store that goes away while the service runs, and
comes back. Every request is still answered from the model's own vectors, ``/health``
says ``degraded`` with the store's reason and the fallbacks are counted; once Redis is
back (after ``store_retry_seconds``), the store serves again and ``/health`` says ``ok``.
A request log row of each request says where its vector came from."""

from __future__ import annotations

import socket
import subprocess
import time

import numpy as np
import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")
pytest.importorskip("redis", reason="the Redis store needs the redis package")

from recstack.serving.embedding_store import open_store  # noqa: E402
from recstack.serving.request_log import read_log  # noqa: E402
from tests.serving.service_helpers import client, free_port, publish, settings  # noqa: E402
from tests.serving.test_embedding_store import REDIS_SERVER  # noqa: E402


def _start(port: int, folder) -> subprocess.Popen:
    process = subprocess.Popen([REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1",
                                "--dir", str(folder), "--save", "", "--appendonly", "no"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("redis-server did not start")
            time.sleep(0.05)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=10)


def test_the_service_degrades_while_redis_is_away_and_recovers(tmp_path, als, train, user):
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed")
    registry = publish(tmp_path / "registry", als, train)
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    vector = np.full((1, als.user_factors_.shape[1]), 0.5, np.float32)
    process = _start(port, tmp_path)
    try:
        open_store(url).put("user", [als.users_.external_ids[0]], vector)
        logs = tmp_path / "logs"
        with client(settings(registry, store=url, store_retry_seconds=0.2,
                             log_dir=str(logs))) as http:
            assert http.get(f"/users/{user}/recommendations?k=3").status_code == 200
            assert http.get("/health").json()["status"] == "ok"
            _stop(process)
            away = http.get(f"/users/{user}/recommendations?k=3")
            assert away.status_code == 200 and len(away.json()["items"]) == 3
            health = http.get("/health").json()
            assert health["status"] == "degraded" and health["store"] == "unavailable"
            assert "cannot reach Redis" in health["store_error"]
            process = _start(port, tmp_path)
            # the new server starts empty
            open_store(url).put("user", [als.users_.external_ids[0]], vector)
            time.sleep(0.3)  # past store_retry_seconds
            back = http.get(f"/users/{user}/recommendations?k=3")
            assert back.status_code == 200
            health = http.get("/health").json()
            assert health["status"] == "ok" and health["store_error"] is None
            fallbacks = [line for line in http.get("/metrics").text.splitlines()
                         if line.startswith("recstack_store_fallback_total")]
            assert fallbacks == ["recstack_store_fallback_total 1.0"]
        table = read_log(logs / "requests", "requests").sort_values("time", kind="stable")
        assert table["vector_source"].tolist() == ["store", "model", "store"]
    finally:
        _stop(process)
