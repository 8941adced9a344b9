"""The real service (uvicorn in a subprocess on a free port): hot reload under steady load
from another process fails no request, and shutdown finishes requests in flight."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time

import pytest

pytest.importorskip("uvicorn", reason="the service tests need the serving extra")
import httpx  # noqa: E402

from tests.serving.service_helpers import ROOT, TOKEN, publish  # noqa: E402
from tests.serving.service_helpers import start_service as _start  # noqa: E402
from tests.serving.service_helpers import stop_service as _stop  # noqa: E402


@pytest.mark.slow
def test_two_reloads_under_load_fail_no_request(tmp_path, als, train):
    registry = publish(tmp_path / "registry", als, train)
    process, url = _start(tmp_path, registry)
    try:
        paths = tmp_path / "paths.txt"
        paths.write_text("\n".join(f"/users/{u}/recommendations?k=10"
                                   for u in als.users_.external_ids[:50]))
        out, stop = tmp_path / "load.jsonl", tmp_path / "stop"
        load = subprocess.Popen([sys.executable, "-m", "tests.serving.load_driver", url,
                                 str(paths), str(out), str(stop)], cwd=ROOT,
                                env={**os.environ, "PYTHONPATH": str(ROOT)})
        auth = {"Authorization": f"Bearer {TOKEN}"}
        time.sleep(1.5)
        for expected in ("als@2", "als@3"):
            registry.publish("als", als, data=train)
            answer = httpx.post(f"{url}/admin/reload", headers=auth, timeout=30)
            assert answer.json() == {"models": [expected]}
            time.sleep(1.5)
        stop.touch()
        assert load.wait(timeout=30) == 0
    finally:
        code = _stop(process)
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) > 100
    failed = [r for r in records if r["status"] != 200]
    assert not failed, failed[:5]
    models = [r["model"] for r in records]
    # one connection, requests in order: each version is served in one run, in order
    runs = [m for i, m in enumerate(models) if i == 0 or m != models[i - 1]]
    assert runs == ["als@1", "als@2", "als@3"]
    assert code == 0


@pytest.mark.slow
def test_shutdown_finishes_the_request_in_flight(tmp_path, als, train):
    registry = publish(tmp_path / "registry", als, train)
    config = tmp_path / "settings.json"
    config.write_text(json.dumps({"stages": ["tests.serving.service_helpers:slow_stage"]}))
    process, url = _start(tmp_path, registry, "--config", str(config))
    result: dict[str, object] = {}

    def ask() -> None:
        try:
            user = als.users_.external_ids[0]
            answer = httpx.get(f"{url}/users/{user}/recommendations", timeout=30)
            result["status"] = answer.status_code
        except httpx.HTTPError as error:
            result["error"] = repr(error)

    thread = threading.Thread(target=ask)
    thread.start()
    time.sleep(0.5)  # the slow stage holds the request for 1.5 s
    code = _stop(process)
    thread.join(timeout=30)
    assert result == {"status": 200}
    assert code == 0
