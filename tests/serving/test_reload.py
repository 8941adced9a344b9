"""The real service (uvicorn in a subprocess on a free port): hot reload under steady load
from another process fails no request, and shutdown finishes requests in flight.

The tests wait on what happened, never for a fixed time: the reload test on the load
driver's own records (it slept 1.5 s and failed with runs ['als@2', 'als@3'] whenever the
driver took longer than that to start, as on a busy machine), the shutdown test on the
slow stage saying the request reached it (it slept 0.5 s and stopped the service before
a request still on its way had arrived)."""

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

from tests.serving.service_helpers import ROOT, SLOW_STAGE_MARK, TOKEN, publish  # noqa: E402
from tests.serving.service_helpers import start_service as _start  # noqa: E402
from tests.serving.service_helpers import stop_service as _stop  # noqa: E402

#: how long a test waits for what it waits on before it fails saying so
WAIT = 60.0
#: records of each version the load driver must have before the next step (3 x 40 > 100)
RECORDS_EACH = 40


def _records(out) -> list[dict]:
    """The load driver's whole lines so far (a line being written is left for later)."""
    text = out.read_text() if out.exists() else ""
    return [json.loads(line) for line in text.splitlines(keepends=True) if line.endswith("\n")]


def _wait_for_model(out, load: subprocess.Popen, model: str) -> None:
    """Until the load driver has :data:`RECORDS_EACH` answers from ``model``."""
    deadline = time.monotonic() + WAIT
    while sum(r.get("model") == model for r in _records(out)) < RECORDS_EACH:
        assert load.poll() is None, f"the load driver exited with {load.returncode}"
        assert time.monotonic() < deadline, (
            f"the load driver had {RECORDS_EACH} answers from {model} in {WAIT:g} s: "
            f"{_records(out)[-3:]}")
        time.sleep(0.05)


def _wait_for_file(path, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not path.exists():
        assert time.monotonic() < deadline, f"{what} in {WAIT:g} s"
        time.sleep(0.02)


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
        _wait_for_model(out, load, "als@1")
        for expected in ("als@2", "als@3"):
            registry.publish("als", als, data=train)
            answer = httpx.post(f"{url}/admin/reload", headers=auth, timeout=30)
            assert answer.json() == {"models": [expected]}
            _wait_for_model(out, load, expected)
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
def test_shutdown_finishes_the_request_in_flight(tmp_path, als, train, monkeypatch):
    registry = publish(tmp_path / "registry", als, train)
    in_flight = tmp_path / "in-flight"
    monkeypatch.setenv(SLOW_STAGE_MARK, str(in_flight))  # the service inherits it
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
    # the slow stage holds the request for 1.5 s from the moment it marks the file
    _wait_for_file(in_flight, "the request did not reach the slow stage")
    code = _stop(process)
    thread.join(timeout=30)
    assert result == {"status": 200}
    assert code == 0
