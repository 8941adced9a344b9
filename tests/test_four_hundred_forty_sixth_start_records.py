"""A start that finishes past ``load_timeout_seconds`` keeps what it recorded, and a start
that fails past it stays failed.

- The start falls back from a damaged current version to the previous one and notes why;
  the load timeout's own reason is kept apart, so a late finish clears only that: /health
  says ``degraded ... (serving popular@1 instead)`` as an unbounded start does (it said
  ``ok`` with ``last_reload_error`` None, and the failing-reload gauge was 0).
- A start that fails past the timeout never opened its stages and logs: reloads and
  polls are refused saying so (restart the service), and /health and /ready keep the
  reason (a reload succeeded, wiped it, and the service stayed not ready for good).

The registry's reads are stalled by a gate the test holds (the service's registry only;
the test publishes through another instance, which the gate lets through)."""

from __future__ import annotations

import threading
import time
import warnings
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.errors import RecstackError  # noqa: E402
from recstack.serving.registry import ModelRegistry  # noqa: E402
from recstack.serving.service import ReloadFailedError, Service  # noqa: E402
from recstack.serving.settings import ServiceSettings  # noqa: E402

#: how long the gate holds a read at most, so that a test never hangs for good
WAIT = 60.0
#: the load timeout the tests start with
BOUND = 0.5
TOKEN = "a-token-of-the-test-" + "0" * 16


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
def damaged(registry, train):
    """``popular`` v2 published as current, its arrays overwritten with bytes no reader
    takes: the start falls back to v1."""
    from recstack.models.baselines import MostPopular

    registry.publish("popular", MostPopular().fit(train), data=train)
    arrays = Path(registry.root) / "popular" / "versions" / "00000002" / "model" / "arrays.npz"
    assert arrays.is_file(), arrays
    arrays.write_bytes(b"not an npz archive")
    return registry


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


def _settings(registry: ModelRegistry, bound: float = BOUND, **values) -> ServiceSettings:
    return ServiceSettings.create(registry=str(registry.root), load_timeout_seconds=bound,
                                  **values)


def _until(check, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not check():
        assert time.monotonic() < deadline, f"{what} in {WAIT} s"
        time.sleep(0.05)


def _failing_gauge(service: Service) -> str:
    [line] = [line for line in service.metrics.render().decode().splitlines()
              if line.startswith("recstack_reload_failing")]
    return line.split()[-1]


def _fail_the_stages(monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise RecstackError("stages: no module named 'mystages'")

    monkeypatch.setattr("recstack.serving.service.load_stage", broken)


def test_a_start_within_the_bound_notes_the_version_it_fell_back_from(damaged, gate):
    # the reference: a start the load timeout never cut (the gate released at once)
    entered, release = gate
    release.set()
    service = Service(_settings(damaged, bound=60.0))
    try:
        assert service.start_within_timeout() is True
        health = service.health()
        assert health["status"] == "degraded", health
        assert health["last_reload_error"].endswith("(serving popular@1 instead)"), health
        assert _failing_gauge(service) == "1.0"
    finally:
        service.close()


def test_a_start_finishing_past_the_bound_keeps_the_fallback_record(damaged, gate):
    entered, release = gate
    service = Service(_settings(damaged))
    try:
        assert service.start_within_timeout() is False
        health = service.health()
        assert health["status"] == "starting", health
        assert "did not finish in 0.5 s (load_timeout_seconds)" in health["last_reload_error"]

        release.set()
        _until(lambda: service.started and service._start_job is None, "the start finished")
        health = service.health()
        # before: "ok" with last_reload_error None and the gauge at 0, as if v2 served
        assert health["status"] == "degraded", health
        why = health["last_reload_error"]
        assert why.endswith("(serving popular@1 instead)"), health
        assert "did not finish" not in why, health  # the timeout's own text is gone
        assert [v["model"] for v in health["variants"]] == ["popular@1"]
        assert _failing_gauge(service) == "1.0"
    finally:
        release.set()
        service.close()


def test_a_plain_start_finishing_past_the_bound_clears_the_failing_gauge(registry, gate):
    entered, release = gate
    service = Service(_settings(registry))
    try:
        assert service.start_within_timeout() is False
        assert _failing_gauge(service) == "1.0"
        release.set()
        _until(lambda: service.started and service._start_job is None, "the start finished")
        health = service.health()
        assert health["status"] == "ok" and health["last_reload_error"] is None, health
        assert _failing_gauge(service) == "0.0"
    finally:
        release.set()
        service.close()


def _failed_late(registry, gate, monkeypatch) -> Service:
    entered, release = gate
    service = Service(_settings(registry))
    assert service.start_within_timeout() is False
    _fail_the_stages(monkeypatch)
    service.settings = service.settings.model_copy(update={"stages": ["mystages:rank"]})
    release.set()
    _until(lambda: service._start_job is None, "the start finished")
    return service


def test_a_reload_after_a_start_failed_past_the_bound_is_refused(registry, gate,
                                                                  monkeypatch):
    service = _failed_late(registry, gate, monkeypatch)
    try:
        # before: the reload loaded popular@1 and answered ["popular@1"], cleared the
        # reason (last_reload_error None), and the service stayed not ready for good
        for attempt in (service.reload, lambda: service.reload("default"),
                        lambda: service.reload_since(service.reloads_finished),
                        service.poll):
            with pytest.raises(ReloadFailedError) as raised:
                attempt()
            message = str(raised.value)
            assert "no module named 'mystages'" in message, message
            assert "restart the service" in message, message
        health = service.health()
        assert health["status"] == "starting", health
        assert "no module named 'mystages'" in health["last_reload_error"], health
        assert "restart the service" in health["last_reload_error"], health
        assert _failing_gauge(service) == "1.0"
    finally:
        service.close()


def test_health_and_ready_keep_a_late_start_failure_over_http(registry, gate, monkeypatch):
    from recstack.serving.app import create_app

    entered, release = gate
    _fail_the_stages(monkeypatch)
    settings = _settings(registry, stages=["mystages:rank"], admin_token=TOKEN)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # starlette's note about its httpx-based client
        from fastapi.testclient import TestClient
    with TestClient(create_app(settings)) as http:
        assert http.get("/health").json()["status"] == "starting"
        release.set()
        _until(lambda: "failed after" in (http.get("/health").json()["last_reload_error"]
                                          or ""), "the late failure noted")
        answer = http.post("/admin/reload", headers={"Authorization": f"Bearer {TOKEN}"})
        # before: 200 {"models": ["popular@1"]}, and /ready said "the model is still
        # loading" with nothing to say why
        assert answer.status_code == 409, answer.text
        assert "restart the service" in answer.json()["detail"], answer.text
        ready = http.get("/ready")
        assert ready.status_code == 503, ready.text
        assert "no module named 'mystages'" in ready.json()["detail"], ready.text
        health = http.get("/health").json()
        assert health["status"] == "starting", health
        assert "no module named 'mystages'" in health["last_reload_error"], health
