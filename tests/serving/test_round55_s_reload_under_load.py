"""The real service (uvicorn in a subprocess) under many concurrent clients while a version
is published and hot-reloaded, a damaged version is published, reloads are asked for many
times at once, the registry folder goes away and comes back, and one of two A/B variants
is reloaded.

The oracle of every answer is the service itself at rest: before and after each change
the lists of every user are read one request at a time, and each answer under load must
be one of those, whole, for the version it names (a list of one version under the name
of another, or half of each, matches neither). Counts come from the clients' own tally.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("uvicorn", reason="the service tests need the serving extra")
import httpx  # noqa: E402

from tests.serving.service_helpers import TOKEN, publish, settings  # noqa: E402
from tests.serving.service_helpers import start_service as _start  # noqa: E402
from tests.serving.service_helpers import stop_service as _stop  # noqa: E402

#: how long a step waits for what it waits on before it fails saying so
WAIT = 30.0
#: concurrent client threads, each sending at least this many requests
CLIENTS, EACH = 6, 120
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ROUTE = "/users/{user_id}/recommendations"


@pytest.fixture(scope="module")
def other_als(train):
    """An ALS of other factors than the shared one, so its lists differ per user."""
    from recstack.models.als import ALS

    return ALS(factors=6, iterations=3, regularization=1.0, alpha=5.0, seed=11).fit(train)


def _users(model, count: int = 24) -> list[str]:
    return [str(u) for u in model.users_.external_ids[:count]]


def _answer(response: httpx.Response) -> tuple[str, str, tuple[str, ...]]:
    body = response.json()
    return body["model"], body["variant"], tuple(i["item_id"] for i in body["items"])


def _snapshot(url: str, users: list[str]) -> dict[str, tuple[str, str, tuple[str, ...]]]:
    """Every user's answer, one request at a time (the service at rest)."""
    with httpx.Client(base_url=url, timeout=10) as http:
        return {u: _answer(http.get(f"/users/{u}/recommendations?k=8")) for u in users}


class _Load:
    """``CLIENTS`` threads, each sending GETs of the users' lists in turn (a seeded order)
    until stopped, but at least ``EACH``; every answer kept with its thread."""

    def __init__(self, url: str, users: list[str]) -> None:
        import random

        self.url, self.stop = url, threading.Event()
        self.records: list[list[tuple]] = [[] for _ in range(CLIENTS)]
        self.orders = [random.Random(seed).sample(users, len(users)) for seed in range(CLIENTS)]
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True)
                        for i in range(CLIENTS)]

    def _run(self, index: int) -> None:
        order, sink = self.orders[index], self.records[index]
        with httpx.Client(base_url=self.url, timeout=20) as http:
            sent = 0
            while sent < EACH or not self.stop.is_set():
                user = order[sent % len(order)]
                try:
                    response = http.get(f"/users/{user}/recommendations?k=8")
                    sink.append((user, response.status_code, *(
                        _answer(response) if response.status_code == 200
                        else (response.text, None, None))))
                except httpx.HTTPError as error:
                    sink.append((user, None, repr(error), None, None))
                sent += 1

    def __enter__(self) -> _Load:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=WAIT * 2)

    def seen(self, model: str) -> int:
        return sum(r[2] == model for records in self.records for r in list(records))

    def wait_for(self, model: str, count: int = 30) -> None:
        deadline = time.monotonic() + WAIT
        while self.seen(model) < count:
            assert time.monotonic() < deadline, f"no {count} answers from {model} in {WAIT} s"
            time.sleep(0.02)

    def all(self) -> list[tuple]:
        return [r for records in self.records for r in records]


def _check_whole(load: _Load, snapshots: dict[str, dict]) -> None:
    """Every answer is 200 and one snapshot's whole answer for its user and model."""
    failed = [r for r in load.all() if r[1] != 200]
    assert not failed, f"{len(failed)} requests failed, e.g. {failed[:3]}"
    for user, _code, model, variant, items in load.all():
        assert model in snapshots, f"an answer from {model}, not one of {list(snapshots)}"
        assert (model, variant, items) == snapshots[model][user], (
            f"user {user}: {model} answered {items}, at rest {snapshots[model][user]}")


def _switches(load: _Load, first: str, then: str) -> None:
    """Each client saw ``first`` and then only ``then`` from its switch on (no flapping)."""
    for records in load.records:
        models = [r[2] for r in records]
        switch = models.index(then) if then in models else len(models)
        assert set(models[:switch]) <= {first} and set(models[switch:]) <= {then}, (
            f"answers went back and forth: {[m for m in models if m in (first, then)][:40]}")


def _requests_counted(url: str) -> int:
    text = httpx.get(f"{url}/metrics", timeout=10).text
    pattern = re.compile(r'^recstack_requests_total\{(.*)\} (\S+)$', re.M)
    return sum(int(float(value)) for labels, value in pattern.findall(text)
               if f'endpoint="{ROUTE}"' in labels)


def _reloads(url: str, outcome: str) -> int:
    text = httpx.get(f"{url}/metrics", timeout=10).text
    found = re.search(rf'^recstack_reloads_total\{{outcome="{outcome}"\}} ([0-9.e+]+)$',
                      text, re.M)
    return int(float(found.group(1))) if found else 0


def _health(url: str) -> dict:
    return httpx.get(f"{url}/health", timeout=10).json()


def _wait_health(url: str, check, what: str) -> dict:
    deadline = time.monotonic() + WAIT
    while not check(state := _health(url)):
        assert time.monotonic() < deadline, f"{what} in {WAIT} s: {state}"
        time.sleep(0.05)
    return state


def _point_current(root: Path, name: str, version: int, history: list[int]) -> None:
    """``current.json`` written by hand, as an operator's copy would (one rename)."""
    alias = root / name / "current.json"
    staged = alias.with_suffix(".tmp")
    staged.write_text(json.dumps({"version": version, "history": history}))
    os.replace(staged, alias)


def _version_folder(root: Path, name: str, version: int) -> Path:
    return root / name / "versions" / f"{version:08d}"


@pytest.mark.slow
@pytest.mark.parametrize("by", ["watcher", "admin"])
def test_a_publish_switches_once_and_every_answer_is_whole(tmp_path, als, other_als,
                                                           train, by):
    registry = publish(tmp_path / "registry", als, train)
    extra = ("--poll-seconds", "0.2") if by == "watcher" else ()
    process, url = _start(tmp_path, registry, *extra)
    try:
        users = _users(als)
        before = {"als@1": _snapshot(url, users)}
        counted_before = _requests_counted(url)
        with _Load(url, users) as load:
            load.wait_for("als@1")
            registry.publish("als", other_als, data=train)
            if by == "admin":
                answer = httpx.post(f"{url}/admin/reload", headers=AUTH, timeout=30)
                assert answer.json() == {"models": ["als@2"]}, answer.text
            load.wait_for("als@2")
        after = _snapshot(url, users)
        assert any(after[u][2] != before["als@1"][u][2] for u in users), \
            "the two versions answer alike: the test could not tell them apart"
        _check_whole(load, {**before, "als@2": after})
        _switches(load, "als@1", "als@2")
        assert _reloads(url, "ok") == 1
        # the snapshot's requests are counted too (one per user, after the load)
        sent = len(load.all()) + len(users)
        assert _requests_counted(url) - counted_before == sent
    finally:
        assert _stop(process) == 0


@pytest.mark.slow
def test_a_damaged_version_keeps_the_previous_serving_until_a_good_one(tmp_path, als,
                                                                       other_als, train):
    root = tmp_path / "registry"
    registry = publish(root, als, train)
    process, url = _start(tmp_path, registry, "--poll-seconds", "0.2")
    try:
        users = _users(als)
        first = _snapshot(url, users)
        with _Load(url, users) as load:
            load.wait_for("als@1")
            # a file cut short: published aside, damaged, then made current by hand
            registry.publish("als", other_als, data=train, make_current=False)
            arrays = next(_version_folder(root, "als", 2).rglob("*.npz"))
            arrays.write_bytes(arrays.read_bytes()[:100])
            _point_current(root, "als", 2, [1])
            state = _wait_health(url, lambda s: s["status"] == "degraded",
                                 "/health did not say degraded after a damaged als@2")
            assert "als@2" in state["last_reload_error"], state
            assert "still serving als@1" in state["last_reload_error"], state
            assert state["variants"][0]["model"] == "als@1"
            # an edited manifest: the same
            registry.publish("als", other_als, data=train, make_current=False)
            manifest = _version_folder(root, "als", 3) / "manifest.json"
            fields = json.loads(manifest.read_text())
            fields["created"] = "2020-01-01T00:00:00+00:00"
            manifest.write_text(json.dumps(fields))
            _point_current(root, "als", 3, [1, 2])
            state = _wait_health(url, lambda s: "als@3" in (s["last_reload_error"] or ""),
                                 "/health did not name the edited als@3")
            assert state["status"] == "degraded" and state["variants"][0]["model"] == "als@1"
            load.wait_for("als@1", count=load.seen("als@1") + 60)  # still answering
            registry.publish("als", other_als, data=train)
            load.wait_for("als@4")
        state = _wait_health(url, lambda s: s["status"] == "ok",
                             "/health did not recover once a good als@4 was published")
        assert state["last_reload_error"] is None and state["variants"][0]["model"] == "als@4"
        _check_whole(load, {"als@1": first, "als@4": _snapshot(url, users)})
        _switches(load, "als@1", "als@4")
    finally:
        assert _stop(process) == 0


@contextlib.contextmanager
def _server_in_this_process(settings_) -> Iterator[str]:
    """uvicorn serving the app in a thread of this process (so that a test can slow the
    service's loading down), on a socket bound here; its URL."""
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


@pytest.mark.slow
def test_ten_reloads_at_once_load_once(tmp_path, als, other_als, train, monkeypatch):
    from recstack.serving.service import Service

    registry = publish(tmp_path / "registry", als, train)
    load = Service._load
    loads: list[str] = []

    def slow_load(self, reference):
        # as long as a large model takes to load: ten reloads sent at once all arrive
        # while the first one loads (each took 20 ms here, finished before the next came)
        loads.append(reference)
        time.sleep(0.4)
        return load(self, reference)

    monkeypatch.setattr(Service, "_load", slow_load)
    with _server_in_this_process(settings(registry, admin_token=TOKEN)) as url:
        users = _users(als)
        first = _snapshot(url, users)
        counted_before = _requests_counted(url)
        with _Load(url, users) as load_:
            load_.wait_for("als@1")
            registry.publish("als", other_als, data=train)
            go = threading.Barrier(10)
            answers: list[httpx.Response] = []

            def reload() -> None:
                with httpx.Client(base_url=url, timeout=60) as http:
                    go.wait()
                    answers.append(http.post("/admin/reload", headers=AUTH))

            posts = [threading.Thread(target=reload) for _ in range(10)]
            for post in posts:
                post.start()
            for post in posts:
                post.join(timeout=WAIT * 2)
            load_.wait_for("als@2")
        assert [(a.status_code, a.json()) for a in answers] == \
            [(200, {"models": ["als@2"]})] * 10
        assert loads == ["als", "als"], f"ten reloads asked at once loaded {loads}"
        assert _reloads(url, "ok") == 1
        assert _health(url)["status"] == "ok"
        _check_whole(load_, {"als@1": first, "als@2": _snapshot(url, users)})
        _switches(load_, "als@1", "als@2")
        assert _requests_counted(url) - counted_before == len(load_.all()) + len(users)


@pytest.mark.slow
def test_the_registry_folder_gone_keeps_the_model_and_comes_back(tmp_path, als, train):
    root = tmp_path / "registry"
    registry = publish(root, als, train)
    process, url = _start(tmp_path, registry, "--poll-seconds", "0.2")
    try:
        users = _users(als)
        first = _snapshot(url, users)
        aside = tmp_path / "registry.aside"
        with _Load(url, users) as load:
            load.wait_for("als@1")
            root.rename(aside)
            state = _wait_health(url, lambda s: s["status"] == "degraded",
                                 "/health did not say the registry folder went")
            assert "registry folder is gone" in state["last_reload_error"], state
            # a file where the folder was: unreadable as a registry
            root.write_text("not a registry")
            state = _wait_health(url, lambda s: "is gone" not in s["last_reload_error"],
                                 "/health did not say the registry is a file now")
            assert state["status"] == "degraded", state
            assert "still serving als@1" in state["last_reload_error"], state
            served = len(load.all())
            load.wait_for("als@1", count=served + 60)
            root.unlink()
            aside.rename(root)
            _wait_health(url, lambda s: s["status"] == "ok",
                         "/health did not recover once the folder was back")
            registry.publish("als", als, data=train)
            load.wait_for("als@2")
        _check_whole(load, {"als@1": first, "als@2": {
            u: ("als@2", *answer[1:]) for u, answer in first.items()}})
        _switches(load, "als@1", "als@2")
    finally:
        assert _stop(process) == 0


@pytest.mark.slow
def test_reloading_one_variant_leaves_the_other_and_every_users_arm(tmp_path, als,
                                                                    other_als, popular,
                                                                    train):
    root = tmp_path / "registry"
    registry = publish(root, als, train)
    registry.publish("pop", popular, data=train)
    process, url = _start(tmp_path, registry, "--variant", "a=als:0.5",
                          "--variant", "b=pop:0.5")
    try:
        users = _users(als, 40)
        first = _snapshot(url, users)
        arms = {u: answer[1] for u, answer in first.items()}
        assert set(arms.values()) == {"a", "b"}, f"40 users in one arm: {arms}"
        with _Load(url, users) as load:
            load.wait_for("als@1")
            load.wait_for("pop@1")
            registry.publish("als", other_als, data=train)
            answer = httpx.post(f"{url}/admin/reload", headers=AUTH, json={"variant": "a"},
                                timeout=30)
            assert answer.status_code == 200, answer.text
            assert sorted(answer.json()["models"]) == ["als@2", "pop@1"]
            load.wait_for("als@2")
        after = _snapshot(url, users)
        assert {u: answer[1] for u, answer in after.items()} == arms
        assert {u: a for u, a in after.items() if arms[u] == "b"} == \
            {u: a for u, a in first.items() if arms[u] == "b"}
        at_rest = {"als@1": {u: a for u, a in first.items() if a[0] == "als@1"},
                   "als@2": {u: a for u, a in after.items() if a[0] == "als@2"},
                   "pop@1": {u: a for u, a in first.items() if a[0] == "pop@1"}}
        for user, _code, model, variant, _items in load.all():
            assert variant == arms[user], f"user {user} moved from {arms[user]} to {variant}"
            assert user in at_rest[model], f"user {user} of arm {arms[user]} got {model}"
        _check_whole(load, at_rest)
    finally:
        assert _stop(process) == 0

