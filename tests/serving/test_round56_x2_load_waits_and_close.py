"""A reload waiting without a bound (``wait_seconds=None``) waits for its own load until
that load's start plus the load timeout: counted from the request, time queued behind
another load was taken from its own, and a load not stalled was answered as still running
(``LoadInProgressError(own=True)``). ``Service.close()`` gives up the load running: its
reload fails, what it reads later is not installed, and its timer logs nothing.

Each load of the service's registry waits on an event of its own that the test sets; the
service's clock is moved on by the test (only in the service's module) to stand for a
long queue without waiting minutes."""

from __future__ import annotations

import logging
import threading
import time
import types

import pytest

import recstack.serving.service as service_module
from recstack.serving.registry import ModelRegistry
from recstack.serving.service import ReloadFailedError, Service
from tests.serving.service_helpers import publish, settings

#: how long a step waits for what it waits on before it fails saying so
WAIT = 20.0


class _Loads:
    """Each ``ModelRegistry.load`` of the service's registry, once armed, waits for its
    own release (in the order the loads begin)."""

    def __init__(self) -> None:
        self.armed = False
        self.begun: list[str] = []
        self.releases = [threading.Event() for _ in range(4)]
        self.changed = threading.Condition()

    def wait_begun(self, count: int) -> None:
        with self.changed:
            assert self.changed.wait_for(lambda: len(self.begun) >= count, WAIT), \
                f"{count} loads did not begin: {self.begun}"


@pytest.fixture
def loads(monkeypatch):
    load = ModelRegistry.load
    gate = _Loads()
    publishers: list[ModelRegistry] = []

    def gated(self, reference, version=None):
        if gate.armed and self not in publishers:
            with gate.changed:
                number = len(gate.begun)
                gate.begun.append(reference)
                gate.changed.notify_all()
            gate.releases[number].wait(WAIT)
        return load(self, reference, version)

    monkeypatch.setattr(ModelRegistry, "load", gated)
    gate.publishers = publishers  # type: ignore[attr-defined]
    yield gate
    for release in gate.releases:
        release.set()


class _Clock:
    """``time`` as the service module sees it, its monotonic clock moved on by ``ahead``."""

    def __init__(self) -> None:
        self.ahead = 0.0

    def install(self, monkeypatch) -> None:
        fake = types.SimpleNamespace(**{name: getattr(time, name) for name in dir(time)
                                        if not name.startswith("__")})
        fake.monotonic = lambda: time.monotonic() + self.ahead
        monkeypatch.setattr(service_module, "time", fake)


class _QueueWatch(threading.Condition):
    """The service's condition, saying when a reload has begun waiting on it."""

    def __init__(self, lock) -> None:
        super().__init__(lock)
        self.waiting = threading.Event()

    def wait(self, timeout=None):  # noqa: D102
        self.waiting.set()
        return super().wait(timeout)


def _in_thread(call) -> tuple[threading.Thread, list[object]]:
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(call())
        except Exception as error:  # the test judges what it got
            outcome.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def test_an_unbounded_reload_waits_for_its_own_load_however_long_it_queued(
        tmp_path, als, popular, train, loads, monkeypatch):
    from recstack.serving.settings import ServiceSettings

    root = tmp_path / "registry"
    registry = publish(root, als, train)
    registry.publish("pop", popular, data=train)
    loads.publishers.append(registry)
    clock = _Clock()
    clock.install(monkeypatch)
    service = Service(ServiceSettings.create(registry=str(root), variants=[
        {"name": "a", "model": "als", "share": 0.5},
        {"name": "b", "model": "pop", "share": 0.5}]), load_timeout_seconds=60)
    service.start()
    watch = _QueueWatch(service._reload_lock)
    service._load_changed = watch
    try:
        loads.armed = True
        first, _ = _in_thread(lambda: service.reload("a"))
        loads.wait_begun(1)
        queued, outcome = _in_thread(
            lambda: service.reload_since(service.reloads_finished, "b", wait_seconds=None))
        assert watch.waiting.wait(WAIT), "the reload of b did not queue behind a's load"
        # a's load ran 59 s of its 60 s bound, all of it with b's reload queued behind it
        clock.ahead = 59.0
        loads.releases[0].set()
        first.join(WAIT)
        loads.wait_begun(2)
        # b's own load runs 7 s (the bound is 65 s from its start): 66 s from the request,
        # where its reload was answered as still running
        time.sleep(7.0)
        loads.releases[1].set()
        queued.join(WAIT)
        assert not queued.is_alive()
        assert outcome == [["als@1", "pop@1"]], outcome
    finally:
        service.close()


def test_a_bounded_reload_still_counts_its_wait_from_the_call(
        tmp_path, als, popular, train, loads):
    from recstack.serving.service import LoadInProgressError
    from recstack.serving.settings import ServiceSettings

    root = tmp_path / "registry"
    registry = publish(root, als, train)
    registry.publish("pop", popular, data=train)
    loads.publishers.append(registry)
    service = Service(ServiceSettings.create(registry=str(root), variants=[
        {"name": "a", "model": "als", "share": 0.5},
        {"name": "b", "model": "pop", "share": 0.5}]))
    service.start()
    try:
        loads.armed = True
        first, _ = _in_thread(lambda: service.reload("a"))
        loads.wait_begun(1)
        started = time.monotonic()
        with pytest.raises(LoadInProgressError) as refused:
            service.reload_since(service.reloads_finished, "b", wait_seconds=0.3)
        assert 0.25 < time.monotonic() - started < 5
        assert refused.value.own is False
        loads.releases[0].set()
        first.join(WAIT)
    finally:
        service.close()


def _reload_during_close(tmp_path, als, train, loads, **bounds):
    registry = publish(tmp_path / "registry", als, train)
    loads.publishers.append(registry)
    service = Service(settings(registry), **bounds)
    service.start()
    registry.publish("als", als, data=train)
    loads.armed = True
    thread, outcome = _in_thread(service.reload)
    loads.wait_begun(1)
    service.close()
    thread.join(WAIT)
    assert not thread.is_alive(), "a reload went on waiting after the close"
    [error] = outcome
    assert isinstance(error, ReloadFailedError), error
    assert "the service is closed" in str(error)
    return service


def _load_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("recstack-load-")]


def test_a_load_that_returns_after_the_close_is_not_installed(tmp_path, als, train, loads):
    service = _reload_during_close(tmp_path, als, train, loads)
    loads.releases[0].set()  # the read returns, the service closed
    for thread in _load_threads():
        thread.join(WAIT)
    assert service.slots[0].loaded.reference == "als@1"
    assert service.health()["loading"] == []
    with pytest.raises(ReloadFailedError, match="the service is closed"):
        service.reload()
    assert loads.begun == ["als"], f"loads after the close: {loads.begun}"


def test_the_load_timer_logs_nothing_after_the_close(tmp_path, als, train, loads, caplog):
    caplog.set_level(logging.WARNING, logger="recstack.serving.service")
    service = _reload_during_close(tmp_path, als, train, loads, load_timeout_seconds=0.3)
    time.sleep(1.0)  # past the load timeout, the read still held
    failures = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert failures == [], failures
    assert service.last_reload_error is None
    loads.releases[0].set()
    for thread in _load_threads():
        thread.join(WAIT)
    assert service.slots[0].loaded.reference == "als@1"
