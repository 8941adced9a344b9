"""The service from Python while reloads overlap: reloads asked for from several threads
at once share one load, a poll and a reload do not interleave, and a scrape of the
metrics in the middle of a swap still reads the version each variant serves."""

from __future__ import annotations

import threading
import time

import pytest

from recstack.serving.service import Service
from tests.serving.service_helpers import publish, settings


@pytest.fixture
def slow_loads(monkeypatch) -> list[str]:
    """Every reference the service loads, each load slowed to as long as a large model's
    (so that reloads asked for at once all arrive while the first one loads)."""
    load = Service._load
    loads: list[str] = []

    def slow_load(self, reference):
        loads.append(reference)
        time.sleep(0.3)
        return load(self, reference)

    monkeypatch.setattr(Service, "_load", slow_load)
    return loads


def _started(registry) -> Service:
    service = Service(settings(registry))
    service.start()
    return service


def _together(count: int, call) -> list[object]:
    """``call()`` from ``count`` threads released at once; their results (or errors)."""
    go = threading.Barrier(count)
    results: list[object] = []

    def run() -> None:
        go.wait()
        try:
            results.append(call())
        except Exception as error:  # the test compares what each thread got
            results.append(error)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_reloads_asked_at_once_share_one_load(tmp_path, als, train, slow_loads):
    registry = publish(tmp_path / "registry", als, train)
    service = _started(registry)
    try:
        registry.publish("als", als, data=train)
        slow_loads.clear()
        assert _together(6, service.reload) == [["als@2"]] * 6
        assert slow_loads == ["als"], f"six reloads at once loaded {slow_loads}"
        # one asked once it has finished loads again (the files read afresh)
        assert service.reload() == ["als@2"]
        assert slow_loads == ["als", "als"]
    finally:
        service.close()


def test_a_reload_asked_during_a_load_of_an_older_alias_loads_again(tmp_path, als, train,
                                                                      slow_loads):
    registry = publish(tmp_path / "registry", als, train)
    service = _started(registry)
    try:
        slow_loads.clear()
        first = threading.Thread(target=service.reload)
        first.start()
        while not slow_loads:  # the first reload has read the alias (als@1) and loads
            time.sleep(0.01)
        registry.publish("als", als, data=train)
        # asked for after the publish: sharing the load of als@1 would miss als@2
        assert service.reload() == ["als@2"]
        first.join(timeout=60)
        assert len(slow_loads) == 2
    finally:
        service.close()


def test_a_poll_and_a_reload_at_once_load_the_new_version_once(tmp_path, als, train,
                                                                slow_loads):
    registry = publish(tmp_path / "registry", als, train)
    service = _started(registry)
    try:
        registry.publish("als", als, data=train)
        slow_loads.clear()
        calls = [service.poll, service.reload]
        results = _together(2, lambda: calls.pop()())  # list.pop: one each, thread-safe
        assert service.slots[0].loaded.reference == "als@2"
        assert service.health()["status"] == "ok"
        assert len(slow_loads) == 1, f"a poll and a reload at once loaded {slow_loads} " \
            f"({results})"
    finally:
        service.close()


def test_a_scrape_during_a_swap_reads_the_version_served(tmp_path, als, train,
                                                        monkeypatch):
    registry = publish(tmp_path / "registry", als, train)
    service = _started(registry)
    try:
        registry.publish("als", als, data=train)
        gauge = service.metrics.model_version
        labels = gauge.labels
        scrapes: list[str] = []

        def scraped_then_labelled(*values):
            # a scrape at this moment of the swap, as /metrics could make one
            scrapes.append(service.metrics.render().decode())
            return labels(*values)

        monkeypatch.setattr(gauge, "labels", scraped_then_labelled)
        service.reload()
        assert scrapes
        for scrape in scrapes:
            assert 'recstack_model_version{model="als",variant="default"}' in scrape, scrape
    finally:
        service.close()


def test_reloads_of_a_damaged_version_at_once_fail_once_and_keep_serving(tmp_path, als,
                                                                         train, slow_loads):
    from recstack.serving.service import ReloadFailedError

    root = tmp_path / "registry"
    registry = publish(root, als, train)
    service = _started(registry)
    try:
        registry.publish("als", als, data=train)
        arrays = next((root / "als" / "versions" / "00000002").rglob("*.npz"))
        arrays.write_bytes(arrays.read_bytes()[:100])  # cut short after publishing
        slow_loads.clear()
        results = _together(6, service.reload)
        assert all(isinstance(r, ReloadFailedError) for r in results), results
        assert len({str(r) for r in results}) == 1
        assert "still serving als@1" in str(results[0])
        assert slow_loads == ["als"], f"six reloads at once loaded {slow_loads}"
        assert service.metrics.registry.get_sample_value(
            "recstack_reloads_total", {"outcome": "failed"}) == 1
        assert service.slots[0].loaded.reference == "als@1"
        assert service.health()["status"] == "degraded"
    finally:
        service.close()


@pytest.mark.parametrize("damaged", ["als", "pop"])
def test_one_variants_damaged_alias_stays_reported_while_the_other_reads(tmp_path, als,
                                                                         popular, train,
                                                                         damaged):
    from recstack.serving.settings import ServiceSettings

    root = tmp_path / "registry"
    registry = publish(root, als, train)
    registry.publish("pop", popular, data=train)
    service = Service(ServiceSettings.create(registry=str(root), variants=[
        {"name": "a", "model": "als", "share": 0.5},
        {"name": "b", "model": "pop", "share": 0.5}]))
    service.start()
    try:
        alias = root / damaged / "current.json"
        kept = alias.read_text()
        alias.write_text('{"version": ')  # cut short by a copy
        for _poll in range(3):
            service.poll()
            state = service.health()
            assert state["status"] == "degraded", state
            assert f"{damaged}/current.json is damaged" in state["last_reload_error"]
        assert service.metrics.registry.get_sample_value(
            "recstack_reloads_total", {"outcome": "failed"}) == 1
        assert service.metrics.registry.get_sample_value("recstack_reload_failing") == 1
        alias.write_text(kept)
        service.poll()
        state = service.health()
        assert (state["status"], state["last_reload_error"]) == ("ok", None)
        assert service.metrics.registry.get_sample_value("recstack_reload_failing") == 0
    finally:
        service.close()


@pytest.mark.parametrize("given", [5, -1, True, "0", 0.0])
def test_reload_since_refuses_a_count_reloads_finished_never_gave(tmp_path, als, train,
                                                                   given):
    from recstack.errors import ConfigError

    service = _started(publish(tmp_path / "registry", als, train))
    try:
        with pytest.raises(ConfigError, match=r"asked_after must be a count that "
                                              r"reloads_finished gave \(0 to 0\)"):
            service.reload_since(given)
        assert service.reload_since(service.reloads_finished) == ["als@1"]
        assert service.reloads_finished == 1
    finally:
        service.close()
