"""Shared pieces of the HTTP service tests: a registry with a published ALS, settings,
a test client, and stages for the ranking seam."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path

import httpx
import numpy as np

from recstack.serving.registry import ModelRegistry
from recstack.serving.service import Candidates
from recstack.serving.settings import ServiceSettings

TOKEN = "t" * 40
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve_refusal(*arguments: str) -> int:
    """``recstack serve`` with ``arguments`` on a free port, for tests of a refusal that
    comes after the port check: on the default port 8000 they failed with "port 8000 is
    already in use" whenever something on the machine listened there."""
    from recstack.cli import main

    return main(["serve", "--port", str(free_port()), *arguments])


def start_service(tmp_path: Path, registry, *extra: str) -> tuple[subprocess.Popen, str]:
    """``recstack serve`` in a subprocess on a free port, once it is ready. The port is
    free when :func:`free_port` looks and taken by the service a moment later: another
    process (a test run beside this one) can take it in between, and the service then
    exits saying that the port is in use; it is started again on another port."""
    token = tmp_path / "token"
    token.write_text(TOKEN)
    for _attempt in range(5):
        port = free_port()
        command = [sys.executable, "-m", "recstack.cli", "serve", "--registry",
                   registry.root, "--port", str(port), "--admin-token-file", str(token),
                   "--log-level", "warning", *extra]
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                output = process.stdout.read()
                if f"port {port} is already in use" in output:
                    break  # taken meanwhile: another port
                raise AssertionError(f"the service exited: {output}")
            try:
                if httpx.get(f"{url}/ready", timeout=1).status_code == 200:
                    return process, url
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            process.kill()
            raise AssertionError("the service did not become ready in 60 s")
    raise AssertionError("five free ports were each taken before the service could bind")


def stop_service(process: subprocess.Popen) -> int:
    """SIGTERM, then the exit status: uvicorn finishes its graceful shutdown and then
    re-raises the signal, so a clean stop reads as -SIGTERM (or 0)."""
    process.send_signal(signal.SIGTERM)
    try:
        code = process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
    output = process.stdout.read()
    assert "Traceback" not in output, output
    return 0 if code == -signal.SIGTERM else code




def publish(root: Path, model, train, name: str = "als") -> ModelRegistry:
    registry = ModelRegistry(root)
    registry.publish(name, model, data=train)
    return registry


def settings(registry: Path | ModelRegistry, **values) -> ServiceSettings:
    root = registry.root if isinstance(registry, ModelRegistry) else str(registry)
    return ServiceSettings.create(registry=str(root), **values)


def client(settings_: ServiceSettings):
    from recstack.serving.app import create_app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # starlette's note about its httpx-based client
        from fastapi.testclient import TestClient
    return TestClient(create_app(settings_))


def write_titles(path: Path, train) -> Path:
    train.item_table[["item_id", "title"]].to_parquet(path)
    return path


class ReverseStage:
    """A re-ranking stage for the seam test: the retrieved list, reversed."""

    name = "reverse"
    kind = "re-ranking"

    def __call__(self, request, candidates: Candidates) -> Candidates:
        seen.append(len(candidates.items))
        return Candidates(candidates.items[::-1], candidates.scores[::-1],
                          np.full(len(candidates.items), "reverse", dtype=object),
                          features={"n": len(candidates.items)})


#: candidate counts the stage received, for the test to read
seen: list[int] = []


def reverse_stage(_settings) -> ReverseStage:
    return ReverseStage()


#: an environment variable naming a file SlowStage creates when a request reaches it, so
#: that a test stops the service once the request is in flight rather than after a guess
SLOW_STAGE_MARK = "RECSTACK_TEST_SLOW_STAGE_MARK"


class SlowStage:
    """A stage that sleeps, so that a request is in flight during a shutdown (it creates
    the file named by :data:`SLOW_STAGE_MARK`, where set, before sleeping)."""

    name = "slow"
    kind = "ranking"

    def __call__(self, request, candidates: Candidates) -> Candidates:
        import os
        import time

        if mark := os.environ.get(SLOW_STAGE_MARK):
            Path(mark).touch()
        time.sleep(1.5)
        return candidates


def slow_stage(_settings) -> SlowStage:
    return SlowStage()


class ThreadsStage:
    """Records the BLAS/OpenMP thread counts a request is computed with."""

    name = "threads"
    kind = "ranking"

    def __call__(self, request, candidates: Candidates) -> Candidates:
        from threadpoolctl import threadpool_info

        threads.append({info["internal_api"]: info["num_threads"]
                        for info in threadpool_info()})
        return candidates


#: what ThreadsStage saw, for the test to read
threads: list[dict[str, int]] = []


def threads_stage(_settings) -> ThreadsStage:
    return ThreadsStage()


def list_texts(driver, list_id: str) -> list[str]:
    """The texts of the page's list ``list_id``, read in one script: the page replaces
    lists while they update."""
    return driver.execute_script(
        "return [...document.querySelectorAll(arguments[0])].map(li => li.innerText)",
        f"#{list_id} > li")
