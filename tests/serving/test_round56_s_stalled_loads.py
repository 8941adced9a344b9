"""A load that stalls (a registry read that blocks: a remote store that stops answering,
an NFS folder that hangs, a model too large) holds up nothing else: requests are answered
from the version served, /health and /ready answer at once and list the load, POST
/admin/reload answers within its bounded wait, and a load past the load timeout is given
up with the old version still served and no second read of the same version started.

The registry's reads are stalled by a gate the test holds (the service's own registry
only; the test publishes through another instance, which the gate lets through)."""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from collections.abc import Iterator

import pytest

pytest.importorskip("uvicorn", reason="the service tests need the serving extra")
import httpx  # noqa: E402

from recstack.errors import ConfigError  # noqa: E402
from recstack.serving.registry import ModelRegistry  # noqa: E402
from recstack.serving.service import (  # noqa: E402
    LoadInProgressError,
    ReloadFailedError,
    Service,
)
from tests.serving.service_helpers import TOKEN, publish, settings  # noqa: E402

#: how long a step waits for what it waits on before it fails saying so
WAIT = 20.0
#: what "at once" means for an answer while a load stalls (generous: two busy cores)
PROMPT = 3.0
AUTH = {"Authorization": f"Bearer {TOKEN}"}


class _Gate:
    """Every ``ModelRegistry.load`` of any registry but ``publisher`` blocks, once armed,
    until released (or ``WAIT`` passes, so that a test never hangs for good)."""

    def __init__(self, publisher: ModelRegistry) -> None:
        self.publisher = publisher
        self.armed = False
        self.entered = threading.Event()
        self.release = threading.Event()
        self.loads: list[str] = []


@pytest.fixture
def gate_for(monkeypatch):
    load = ModelRegistry.load
    gates: list[_Gate] = []

    def gated(self, reference, version=None):
        gate = gates[0] if gates else None
        if gate is not None and gate.armed and self is not gate.publisher:
            gate.loads.append(reference)
            gate.entered.set()
            gate.release.wait(WAIT)
        return load(self, reference, version)

    monkeypatch.setattr(ModelRegistry, "load", gated)

    def make(publisher: ModelRegistry) -> _Gate:
        gates.append(_Gate(publisher))
        return gates[0]

    yield make
    for gate in gates:
        gate.release.set()


@contextlib.contextmanager
def _server(settings_) -> Iterator[str]:
    """uvicorn serving the app in a thread of this process (so that the gate reaches the
    service's registry), on a socket bound here; its URL."""
    import uvicorn

    from recstack.serving.app import create_app

    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(settings_), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listening]},
                              daemon=True)
    thread.start()
    deadline = time.monotonic() + WAIT
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{listening.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=WAIT)
        listening.close()


def _timed(call) -> tuple[object, float]:
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def _until(check, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not check():
        assert time.monotonic() < deadline, f"{what} in {WAIT} s"
        time.sleep(0.05)


def test_a_stalled_poll_load_leaves_requests_health_and_reload_answering(
        tmp_path, als, train, user, gate_for, monkeypatch):
    registry = publish(tmp_path / "registry", als, train)
    gate = gate_for(registry)
    with _server(settings(registry, admin_token=TOKEN, poll_seconds=0.2,
                          reload_wait_seconds=0.5)) as url, \
            httpx.Client(base_url=url, timeout=2 * PROMPT) as http:
        gate.armed = True
        registry.publish("als", als, data=train)
        assert gate.entered.wait(WAIT), "the poll did not begin loading als@2"

        answer, took = _timed(lambda: http.get(f"/users/{user}/recommendations?k=5"))
        assert answer.status_code == 200 and answer.json()["model"] == "als@1", answer.text
        assert took < PROMPT, f"a request took {took:.1f} s behind a stalled load"

        answer, took = _timed(lambda: http.get("/health"))
        state = answer.json()
        assert took < PROMPT and state["status"] == "ok", (took, state)
        [loading] = state["loading"]
        assert loading["variants"] == ["default"] and loading["timed_out"] is False, state
        assert loading["seconds"] >= 0 and loading["since"], state

        answer = http.get("/ready")
        assert answer.status_code == 200 and answer.json()["loading"], answer.text

        answer, took = _timed(lambda: http.post("/admin/reload", headers=AUTH))
        assert took < PROMPT, f"POST /admin/reload took {took:.1f} s behind a stalled load"
        assert answer.status_code == 202, answer.text
        body = answer.json()
        assert "already running since" in body["detail"], body
        assert body["models"] == ["als@1"] and body["loading"]["variants"] == ["default"]

        gate.release.set()
        _until(lambda: http.get("/health").json()["variants"][0]["model"] == "als@2",
               "als@2 was not served once the read returned")
        state = http.get("/health").json()
        assert (state["status"], state["loading"]) == ("ok", []), state
        # the poll's load, which the admin reload did not read a second time
        assert gate.loads == ["als"], f"the new version was loaded {gate.loads}"


def test_a_load_that_never_returns_is_given_up_and_the_old_model_kept(
        tmp_path, als, train, user, gate_for, caplog):
    registry = publish(tmp_path / "registry", als, train)
    gate = gate_for(registry)
    service = Service(settings(registry), load_timeout_seconds=0.5)
    service.start()
    try:
        registry.publish("als", als, data=train)
        gate.armed = True
        caplog.set_level(logging.WARNING, logger="recstack.serving.service")
        outcome: list[object] = []
        reload = threading.Thread(target=lambda: outcome.append(_reload_outcome(service)),
                                  daemon=True)
        reload.start()
        reload.join(timeout=10)
        assert not reload.is_alive(), "a reload whose read never returns did not time out"
        [(error, took)] = outcome
        assert isinstance(error, ReloadFailedError), error
        assert took < 10
        assert "did not finish in 0.5 s (load_timeout_seconds)" in str(error)
        assert "still serving als@1" in str(error)
        assert any("did not finish in 0.5 s" in r.getMessage() and r.levelname == "ERROR"
                   for r in caplog.records), [r.getMessage() for r in caplog.records]

        state = service.health()
        assert state["status"] == "degraded" and state["variants"][0]["model"] == "als@1"
        [loading] = state["loading"]
        assert loading["timed_out"] is True, state
        assert len(service.recommend_user(user, 5).item_ids) == 5  # from als@1

        # the stalled read has not returned: no second read of the same version
        with pytest.raises(LoadInProgressError, match="given up after 0.5 s") as refused:
            started = time.monotonic()
            service.reload()
        assert time.monotonic() - started < PROMPT
        assert refused.value.own is False
        assert gate.loads == ["als"], f"loads while one stalled: {gate.loads}"

        # it returns late: what it read is dropped, then a reload serves the new version
        gate.armed = False
        gate.release.set()
        _until(lambda: not service.health()["loading"], "the stalled load did not end")
        assert service.slots[0].loaded.reference == "als@1"
        assert any("returned after" in r.getMessage() for r in caplog.records)
        assert service.reload() == ["als@2"]
        assert service.health()["status"] == "ok"
    finally:
        service.close()


def _reload_outcome(service: Service) -> tuple[object, float]:
    started = time.monotonic()
    try:
        result: object = service.reload()
    except Exception as error:  # the test judges what it got
        result = error
    return result, time.monotonic() - started


def test_a_reload_waiting_behind_another_variants_load_answers_in_its_bound(
        tmp_path, als, popular, train, gate_for):
    from recstack.serving.settings import ServiceSettings

    root = tmp_path / "registry"
    registry = publish(root, als, train)
    registry.publish("pop", popular, data=train)
    service = Service(ServiceSettings.create(registry=str(root), variants=[
        {"name": "a", "model": "als", "share": 0.5},
        {"name": "b", "model": "pop", "share": 0.5}]))
    service.start()
    try:
        gate = gate_for(registry)
        gate.armed = True
        first = threading.Thread(target=lambda: service.reload("a"), daemon=True)
        first.start()
        assert gate.entered.wait(WAIT)
        started = time.monotonic()
        with pytest.raises(LoadInProgressError, match=r"a load of als \(variant 'a'\) is "
                                                      r"already running since") as refused:
            service.reload_since(service.reloads_finished, "b", wait_seconds=0.3)
        assert time.monotonic() - started < PROMPT
        assert refused.value.own is False and refused.value.loading["variants"] == ["a"]
        gate.armed = False
        gate.release.set()
        first.join(timeout=WAIT)
        assert sorted(service.reload("b")) == ["als@1", "pop@1"]
    finally:
        service.close()


@pytest.mark.parametrize("given", [0, -1, float("nan"), True, "30", 1e9])
def test_a_load_bound_that_cannot_be_is_refused_naming_it(tmp_path, als, train, given):
    registry = publish(tmp_path / "registry", als, train)
    with pytest.raises(ConfigError, match=r"Service: load_timeout_seconds must be a number "
                                          r"of seconds above 0 and at most 86400"):
        Service(settings(registry), load_timeout_seconds=given)


@pytest.mark.parametrize("value", [0, -1, 86_401, float("nan"), True, "300"])
def test_a_load_bound_in_the_settings_is_refused_naming_it(tmp_path, value):
    with pytest.raises(ConfigError, match="load_timeout_seconds"):
        settings(tmp_path, load_timeout_seconds=value)


def test_the_settings_bounds_reach_the_service(tmp_path, als, train):
    registry = publish(tmp_path / "registry", als, train)
    service = Service(settings(registry, load_timeout_seconds=12.5, reload_wait_seconds=0.25))
    assert (service.load_timeout_seconds, service.reload_wait_seconds) == (12.5, 0.25)
    default = Service(settings(registry))
    assert (default.load_timeout_seconds, default.reload_wait_seconds) == (300.0, 30.0)
