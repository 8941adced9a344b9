"""The service's start-up and registry polling, past what the load timeout bounded before.

- A service given no model name lists the registry's model names to find the one to
  serve. That listing ran in the ``Service`` constructor, outside the start's bound
  (``load_timeout_seconds``): a listing that stalls (an NFS folder that blocks) held the
  app's start-up for good, and the server answered nothing, not even ``/health``. It is
  bounded now as the start's load is: past the bound the server answers, not ready,
  saying why, and serves once the listing returns.
- The registry poller of a service whose start failed after the load timeout logged
  "registry poll failed" for the refusal at every poll; it says once that polling stops
  and why (restart the service). Any other failure repeated at every poll is logged once
  while it lasts, and its recovery once.

The registry's reads are stalled by a gate the test holds (the service's registry only;
the test publishes through another instance, which the gate lets through)."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import warnings
from types import SimpleNamespace

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.errors import ConfigError, RecstackError  # noqa: E402
from recstack.serving.registry import ModelRegistry  # noqa: E402
from recstack.serving.service import Service  # noqa: E402
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


def _gate(monkeypatch, registry: ModelRegistry, method: str):
    """Every ``ModelRegistry.<method>`` but the publisher's blocks until ``release``."""
    original = getattr(ModelRegistry, method)
    entered = threading.Event()
    release = threading.Event()

    def gated(self, *args, **kwargs):
        if self is not registry:
            entered.set()
            release.wait(WAIT)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ModelRegistry, method, gated)
    return entered, release


@pytest.fixture
def listing_gate(monkeypatch, registry):
    entered, release = _gate(monkeypatch, registry, "names")
    yield entered, release
    release.set()


@pytest.fixture
def load_gate(monkeypatch, registry):
    entered, release = _gate(monkeypatch, registry, "load")
    yield entered, release
    release.set()


def _settings(registry: ModelRegistry, **values) -> ServiceSettings:
    return ServiceSettings.create(registry=str(registry.root), load_timeout_seconds=BOUND,
                                  **values)


def _until(check, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not check():
        assert time.monotonic() < deadline, f"{what} in {WAIT} s"
        time.sleep(0.05)


# --------------------------------------------------------------------------- the listing
def test_a_listing_of_model_names_that_stalls_no_longer_holds_the_start(
        registry, listing_gate, train):
    from recstack.serving.app import create_app

    entered, release = listing_gate
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # starlette's note about its httpx-based client
        from fastapi.testclient import TestClient
    began = time.monotonic()
    # before: the constructor waited on the listing (here the gate's WAIT, on a stalled
    # mount for good), so the server answered nothing, not even /health
    with TestClient(create_app(_settings(registry))) as http:
        took = time.monotonic() - began
        assert entered.is_set()
        # one bound in all, not the listing's and then the start's load's
        assert took < WAIT / 2, f"the start took {took:.1f} s with a load timeout of 1 s"

        health = http.get("/health").json()
        assert health["status"] == "starting", health
        why = health["last_reload_error"]
        assert "the start's listing of the model names" in why, why
        assert "none was named, --model; variant 'default'" in why, why
        assert "did not finish in 1 s (load_timeout_seconds)" in why, why
        [loading] = health["loading"]
        assert loading["variants"] == ["default"] and loading["timed_out"] is True, health

        ready = http.get("/ready")
        assert ready.status_code == 503, ready.text
        assert "listing of the model names" in ready.json()["detail"], ready.text
        user = str(train.users.external_ids[0])
        answer = http.get(f"/users/{user}/recommendations?k=3")
        assert answer.status_code == 503, answer.text

        # the listing returns: the start names the model, loads it and serves
        release.set()
        _until(lambda: http.get("/ready").status_code == 200, "ready once the listing returned")
        health = http.get("/health").json()
        assert health["status"] == "ok" and health["last_reload_error"] is None, health
        assert [v["model"] for v in health["variants"]] == ["popular@1"], health
        answer = http.get(f"/users/{user}/recommendations?k=3")
        assert answer.status_code == 200 and answer.json()["model"] == "popular@1", answer.text


def test_a_late_listing_of_several_names_fails_the_start_saying_which(
        registry, listing_gate, train):
    from recstack.models.baselines import MostPopular

    entered, release = listing_gate
    began = time.monotonic()
    service = Service(_settings(registry))
    try:
        assert time.monotonic() - began < WAIT / 2
        assert service.start_within_timeout() is False
        # published while the listing stalls: it finds two names once it returns
        registry.publish("other", MostPopular().fit(train), data=train)
        release.set()
        _until(lambda: service.start_failure is not None, "the late failure noted")
        why = service.health()["last_reload_error"]
        assert "holds 2 model names (other, popular); choose one with --model NAME" in why
        assert "restart the service" in why
        assert service.health()["status"] == "starting"
    finally:
        release.set()
        service.close()


def test_a_listing_within_the_bound_still_refuses_in_the_constructor(tmp_path, train):
    from recstack.models.baselines import MostPopular

    publisher = ModelRegistry(tmp_path / "registry")
    for name in ("popular", "other"):
        publisher.publish(name, MostPopular().fit(train), data=train)
    with pytest.raises(ConfigError) as raised:
        Service(_settings(publisher))
    assert "holds 2 model names (other, popular); choose one with --model NAME" in str(
        raised.value)
    one = ModelRegistry(tmp_path / "one")
    one.publish("popular", MostPopular().fit(train), data=train)
    service = Service(_settings(one))
    assert [(s.model_name, s.reference, s.pinned) for s in service.slots] == [
        ("popular", "popular", False)]


# --------------------------------------------------------------------------- the poller
def _failed_late(registry, load_gate, monkeypatch) -> Service:
    """A service whose start failed after the load timeout (its stages do not import)."""
    entered, release = load_gate
    service = Service(_settings(registry))
    assert service.start_within_timeout() is False

    def broken(*args, **kwargs):
        raise RecstackError("stages: no module named 'mystages'")

    monkeypatch.setattr("recstack.serving.service.load_stage", broken)
    service.settings = service.settings.model_copy(update={"stages": ["mystages:rank"]})
    release.set()
    _until(lambda: service.start_failure is not None, "the start failed")
    return service


def _poll_for(service, seconds: float) -> bool:
    """Run the app's poller every 10 ms for at most ``seconds``: whether it stopped."""
    from recstack.serving.app import _poll

    async def run() -> bool:
        try:
            await asyncio.wait_for(_poll(service, 0.01), seconds)
        except TimeoutError:
            return False
        return True

    return asyncio.run(run())


def _lines(caplog, text: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "recstack.serving.app"
            and text in r.getMessage()]


def test_the_poller_of_a_failed_start_stops_saying_so_once(registry, load_gate,
                                                           monkeypatch, caplog):
    service = _failed_late(registry, load_gate, monkeypatch)
    try:
        caplog.set_level(logging.INFO, logger="recstack.serving.app")
        # before: it polled on, logging "registry poll failed: no reload: ..." every poll
        assert _poll_for(service, 3.0) is True
        assert _lines(caplog, "registry poll failed") == []
        [stopped] = _lines(caplog, "registry polling stopped")
        assert stopped.levelno == logging.ERROR
        message = stopped.getMessage()
        assert "no module named 'mystages'" in message and "restart the service" in message
    finally:
        service.close()


def test_a_poll_failing_the_same_way_is_logged_once_and_its_recovery_once(caplog):
    outcomes = iter([RecstackError("models/: the registry folder is gone")] * 20
                    + [False] * 5 + [RecstackError("models/: another reason")] * 5)

    def poll() -> bool:
        outcome = next(outcomes, False)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    service = SimpleNamespace(poll=poll, start_failure=None,
                              settings=SimpleNamespace(compute_threads=1))
    caplog.set_level(logging.INFO, logger="recstack.serving.app")
    assert _poll_for(service, 1.5) is False  # it polls on
    assert next(outcomes, None) is None, "every outcome was polled"
    failed = [r.getMessage() for r in _lines(caplog, "registry poll failed")]
    # before: 25 warnings, one per failed poll
    assert len(failed) == 2, failed
    assert "the registry folder is gone" in failed[0] and "another reason" in failed[1]
    again = [r.getMessage() for r in _lines(caplog, "registry poll works again")]
    assert len(again) == 2, again
    assert "the registry folder is gone" in again[0] and "another reason" in again[1]


def test_a_listing_that_returns_before_the_start_gives_the_load_its_bound(
        registry, listing_gate):
    # the listing ran past the constructor's wait but returned before the start: the start
    # waited 0 s and said the listing had stalled, while the load had barely begun
    from recstack.serving.telemetry import ServiceMetrics

    entered, release = listing_gate
    service = Service(_settings(registry), ServiceMetrics())
    assert entered.is_set()
    release.set()
    _until(lambda: service._listing is None or service._listing.done.is_set(),
           "the listing returned")
    try:
        assert service.start_within_timeout() is True
        assert service.start_failure is None
        assert [slot.reference for slot in service.slots] == ["popular"]
    finally:
        service.close()
