"""A registry read that stalls at the service's start (a remote store that stops answering,
an NFS folder that blocks) no longer holds the start for good: the start is bounded by
``load_timeout_seconds`` as reloads are. Past it the server answers, not ready: /health
says ``starting`` and why, /ready answers 503 saying why, requests are refused as not
ready; the start goes on and serves once its read returns. ``recstack serve``'s checks
before the start are bounded the same way and end it with the reason (status 2).

The registry's reads are stalled by a gate the test holds (the service's registry only;
the test publishes through another instance, which the gate lets through)."""

from __future__ import annotations

import json
import threading
import time
import warnings

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.errors import RecstackError  # noqa: E402
from recstack.serving.registry import ModelRegistry  # noqa: E402
from recstack.serving.service import LoadInProgressError, Service  # noqa: E402
from recstack.serving.settings import ServiceSettings  # noqa: E402

#: how long the gate holds a read at most, so that a test never hangs for good
WAIT = 60.0
#: the load timeout the tests start with
BOUND = 1.0


@pytest.fixture(scope="module")
def train():
    from recstack.data.synthetic import generate

    return generate(n_users=40, n_items=30, n_interactions=400, seed=3, progress=None)


@pytest.fixture
def registry(tmp_path, train):
    from recstack.models.baselines import MostPopular

    publisher = ModelRegistry(tmp_path / "registry")
    publisher.publish("popular", MostPopular().fit(train), data=train)
    return publisher


@pytest.fixture
def gate(monkeypatch, registry):
    """Every ``ModelRegistry.load`` but the publisher's blocks until ``release`` is set."""
    load = ModelRegistry.load
    entered = threading.Event()
    release = threading.Event()

    def gated(self, reference, version=None):
        if self is not registry:
            entered.set()
            release.wait(WAIT)
        return load(self, reference, version)

    monkeypatch.setattr(ModelRegistry, "load", gated)
    yield entered, release
    release.set()


def _settings(registry: ModelRegistry, **values) -> ServiceSettings:
    return ServiceSettings.create(registry=str(registry.root), load_timeout_seconds=BOUND,
                                  **values)


def _client(settings: ServiceSettings):
    from recstack.serving.app import create_app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # starlette's note about its httpx-based client
        from fastapi.testclient import TestClient
    return TestClient(create_app(settings))


def _until(check, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not check():
        assert time.monotonic() < deadline, f"{what} in {WAIT} s"
        time.sleep(0.05)


def test_a_start_stalled_past_the_load_timeout_answers_not_ready_and_says_why(
        registry, gate, train):
    entered, release = gate
    began = time.monotonic()
    # before: the start waited on the read (here the gate's WAIT, on a stalled mount for
    # good) and the server answered nothing, not even /health
    with _client(_settings(registry)) as http:
        took = time.monotonic() - began
        assert entered.is_set()
        assert took < WAIT / 2, f"the start took {took:.1f} s with a load timeout of 1 s"

        state = http.get("/health")
        assert state.status_code == 200, state.text
        health = state.json()
        assert health["status"] == "starting", health
        assert "did not finish in 1 s (load_timeout_seconds)" in health["last_reload_error"]
        assert "start's load of popular (variant 'default')" in health["last_reload_error"]
        [loading] = health["loading"]
        assert loading["variants"] == ["default"] and loading["timed_out"] is True, health

        ready = http.get("/ready")
        assert ready.status_code == 503, ready.text
        assert "did not finish in 1 s (load_timeout_seconds)" in ready.json()["detail"]

        user = str(train.users.external_ids[0])
        answer = http.get(f"/users/{user}/recommendations?k=3")
        assert answer.status_code == 503, answer.text
        assert "still loading" in answer.json()["detail"]

        # the read returns: the start finishes and the service serves
        release.set()
        _until(lambda: http.get("/ready").status_code == 200, "ready once the read returned")
        health = http.get("/health").json()
        assert health["status"] == "ok" and health["last_reload_error"] is None, health
        assert health["loading"] == [], health
        answer = http.get(f"/users/{user}/recommendations?k=3")
        assert answer.status_code == 200 and answer.json()["model"] == "popular@1", answer.text


def test_a_start_within_the_load_timeout_is_ready_when_the_server_answers(registry):
    # a bound no start on a busy machine comes near
    with _client(_settings(registry).model_copy(update={"load_timeout_seconds": 120.0})
                 ) as http:
        # no wait: the bound changes nothing for a start that finishes within it
        assert http.get("/ready").status_code == 200


def test_a_reload_beside_a_start_still_running_is_refused_as_in_progress(registry, gate):
    entered, release = gate
    service = Service(_settings(registry))
    try:
        assert service.start_within_timeout() is False
        with pytest.raises(LoadInProgressError) as raised:
            service.reload()
        assert "the service is still starting" in str(raised.value)
        assert "past the load timeout of 1 s" in str(raised.value)
        release.set()
        _until(lambda: service.started and service.health()["status"] == "ok",
               "started once the read returned")
        assert service.reload() == ["popular@1"]
    finally:
        release.set()
        service.close()


def test_a_start_failing_after_the_load_timeout_says_why_on_health(
        registry, gate, monkeypatch):
    entered, release = gate
    service = Service(_settings(registry))
    try:
        assert service.start_within_timeout() is False

        def broken(*args, **kwargs):
            raise RecstackError("stages: no module named 'mystages'")

        monkeypatch.setattr("recstack.serving.service.load_stage", broken)
        service.settings = service.settings.model_copy(update={"stages": ["mystages:rank"]})
        release.set()
        _until(lambda: "failed after" in (service.health()["last_reload_error"] or ""),
               "the late failure noted")
        health = service.health()
        assert health["status"] == "starting" and health["loading"] == [], health
        assert "no module named 'mystages'" in health["last_reload_error"]
    finally:
        release.set()
        service.close()


def test_the_checks_before_serve_are_bounded_by_the_load_timeout(registry, gate):
    from recstack.serving.service import preflight

    began = time.monotonic()
    # before: preflight waited on the read (for good on a stalled mount), and
    # `recstack serve` with it, before printing anything
    with pytest.raises(RecstackError) as raised:
        preflight(_settings(registry))
    assert time.monotonic() - began < WAIT / 2
    message = str(raised.value)
    assert f"{registry.root}: the checks before the start" in message
    assert "did not finish in 1 s (load_timeout_seconds)" in message
    assert "no server was started" in message


def test_recstack_serve_exits_with_the_reason_when_its_checks_stall(
        registry, gate, tmp_path, capsys, monkeypatch):
    import socket

    from recstack.cli import main

    servers: list[object] = []
    # no server runs in the test: reaching it is the failure (it ran until stopped)
    monkeypatch.setattr("recstack.serving.app.serve", lambda *a, **k: servers.append(a))

    config = tmp_path / "serve.json"
    config.write_text(json.dumps({"load_timeout_seconds": 1}))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code = main(["serve", "--registry", str(registry.root), "--config", str(config),
                 "--port", str(port)])
    assert servers == [] and code == 2  # a recstack error, as every refusal of serve
    err = capsys.readouterr().err
    assert "did not finish in 1 s (load_timeout_seconds)" in err, err
    assert "Traceback" not in err
